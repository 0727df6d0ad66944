// Standing orders: a shopping list ordered on a schedule (weekdays at a local time, or every N
// days), delivered to one of the buyer's contacts, either placed at once or prepared in the basket
// for the buyer to confirm. The list (state and next slot), create and edit, pause and resume, and
// one standing order with its runs (slot, the order or basket, skipped lines and errors).
import PauseIcon from '@mui/icons-material/Pause';
import PlayArrowIcon from '@mui/icons-material/PlayArrow';
import {
  Alert,
  Box,
  Button,
  Card,
  CardContent,
  Chip,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  Typography,
} from '@mui/material';
import { useCallback, useEffect, useState } from 'react';
import {
  CheckboxGroupInput,
  Create,
  CreateButton,
  Datagrid,
  DeleteWithConfirmButton,
  Edit,
  EditButton,
  FormDataConsumer,
  FunctionField,
  List,
  minValue,
  NumberInput,
  RadioButtonGroupInput,
  ReferenceField,
  ReferenceInput,
  required,
  SelectInput,
  Show,
  SimpleForm,
  TextInput,
  TextField as TextShown,
  TopToolbar,
  useLocale,
  useNotify,
  useRecordContext,
  useRefresh,
  useTranslate,
} from 'react-admin';
import { Link } from 'react-router-dom';
import { useConsoleData } from '../../components/common.tsx';
import { formatSlot, ProblemText, SkippedTable, weekdayName } from './shared.tsx';

export interface StandingOrder {
  id: number;
  list_id: number;
  contact_id: number;
  mode: 'place' | 'prepare';
  weekdays: number[] | null;
  every_days: number | null;
  starts_on: string;
  time: string;
  time_zone: string;
  paused: boolean;
  next_slot_at: string | null;
}

interface Run {
  id: number;
  slot: string;
  status: string;
  order_id: number | null;
  order_number: string | null;
  basket_id: number | null;
  skipped: { product_id: number; product_name: string; quantity: number; reason: string }[];
  errors: { code: string; message: string }[];
  ran_at: string;
}

const WEEKDAYS = [1, 2, 3, 4, 5, 6, 7];

export function contactText(contact: {
  city?: string;
  street?: string;
  house?: string;
  recipient_name?: string;
}) {
  const place = [contact.city, [contact.street, contact.house].filter(Boolean).join(' ')]
    .filter(Boolean)
    .join(', ');
  return contact.recipient_name ? `${place} (${contact.recipient_name})` : place;
}

/** "пн, ср, пт в 07:30" or "каждые 3 дня с 03.12.2026 в 07:30". */
export function useScheduleText() {
  const translate = useTranslate();
  const locale = useLocale();
  return (order: StandingOrder) =>
    order.weekdays?.length
      ? translate('purchasing.standing.schedule_weekdays', {
          days: order.weekdays.map((day) => weekdayName(day, locale, 'short')).join(', '),
          time: order.time,
        })
      : translate('purchasing.standing.schedule_every', {
          smart_count: order.every_days ?? 1,
          from: new Date(`${order.starts_on}T00:00:00Z`).toLocaleDateString(
            locale === 'en' ? 'en-GB' : 'ru-RU',
            { timeZone: 'UTC' },
          ),
          time: order.time,
        });
}

function StateChipOf({ order }: { order: StandingOrder }) {
  const translate = useTranslate();
  return order.paused ? (
    <Chip size="small" label={translate('purchasing.standing.paused')} />
  ) : (
    <Chip size="small" color="success" label={translate('purchasing.standing.active')} />
  );
}

/** Pause or resume (whichever applies), then refresh the page's data. */
function PauseResumeButton() {
  const order = useRecordContext<StandingOrder>();
  const translate = useTranslate();
  const data = useConsoleData();
  const notify = useNotify();
  const refresh = useRefresh();
  const [busy, setBusy] = useState(false);
  if (!order) return null;
  const act = async () => {
    setBusy(true);
    try {
      await data.call(
        'POST',
        order.paused ? '/api/v2/standing-orders/{id}/resume' : '/api/v2/standing-orders/{id}/pause',
        {
          params: { path: { id: order.id } },
        },
      );
      notify(order.paused ? 'purchasing.standing.resumed' : 'purchasing.standing.paused_done', {
        type: 'success',
      });
      refresh();
    } catch (failure) {
      notify((failure as Error).message, { type: 'error' });
    } finally {
      setBusy(false);
    }
  };
  return (
    <Button
      size="small"
      disabled={busy}
      startIcon={order.paused ? <PlayArrowIcon /> : <PauseIcon />}
      onClick={(event) => {
        event.stopPropagation();
        void act();
      }}
    >
      {translate(order.paused ? 'purchasing.standing.resume' : 'purchasing.standing.pause')}
    </Button>
  );
}

function StandingEmpty() {
  const translate = useTranslate();
  return (
    <Box sx={{ p: 3 }}>
      <Typography variant="h6" component="p" gutterBottom>
        {translate('purchasing.standing.empty')}
      </Typography>
      <Typography variant="body2" color="text.secondary" sx={{ mb: 2 }}>
        {translate('purchasing.standing.empty_hint')}
      </Typography>
      <CreateButton resource="standing-orders" variant="contained" />
    </Box>
  );
}

export function StandingOrderList() {
  const schedule = useScheduleText();
  const locale = useLocale();
  return (
    <List
      resource="standing-orders"
      empty={<StandingEmpty />}
      pagination={false}
      perPage={200}
      exporter={false}
      actions={
        <TopToolbar>
          <CreateButton />
        </TopToolbar>
      }
    >
      <Datagrid rowClick="show" bulkActionButtons={false}>
        <ReferenceField
          source="list_id"
          reference="shopping-lists"
          label="purchasing.standing.list"
          link={false}
        >
          <TextShown source="name" />
        </ReferenceField>
        <FunctionField<StandingOrder>
          label="purchasing.standing.schedule"
          render={(order) => schedule(order)}
        />
        <FunctionField<StandingOrder>
          label="purchasing.standing.mode"
          render={(order) => <ModeText mode={order.mode} short />}
        />
        <FunctionField<StandingOrder>
          label="purchasing.standing.state"
          render={(order) => <StateChipOf order={order} />}
        />
        <FunctionField<StandingOrder>
          label="purchasing.standing.next_slot"
          render={(order) => formatSlot(order.next_slot_at, locale, order.time_zone)}
        />
        <PauseResumeButton />
      </Datagrid>
    </List>
  );
}

function ModeText({ mode, short }: { mode: string; short?: boolean }) {
  const translate = useTranslate();
  return <span>{translate(`purchasing.standing.modes.${mode}${short ? '' : '_help'}`)}</span>;
}

/** The schedule kind follows the record: every N days when it has one, else weekdays. */
function ScheduleInputs() {
  const record = useRecordContext<StandingOrder>();
  const translate = useTranslate();
  const locale = useLocale();
  return (
    <>
      <RadioButtonGroupInput
        source="schedule_kind"
        label="purchasing.standing.schedule"
        defaultValue={record?.every_days ? 'every' : 'weekdays'}
        choices={[
          { id: 'weekdays', name: translate('purchasing.standing.kind_weekdays') },
          { id: 'every', name: translate('purchasing.standing.kind_every') },
        ]}
      />
      <FormDataConsumer<{ schedule_kind?: string }>>
        {({ formData }) =>
          formData.schedule_kind === 'every' ? (
            <Box sx={{ display: 'flex', gap: 2, flexWrap: 'wrap' }}>
              <NumberInput
                source="every_days"
                label="purchasing.standing.every_days"
                validate={[required(), minValue(1)]}
                min={1}
                max={365}
              />
              <TextInput
                source="starts_on"
                type="date"
                label="purchasing.standing.starts_on"
                helperText="purchasing.standing.starts_on_help"
              />
            </Box>
          ) : (
            <CheckboxGroupInput
              source="weekdays"
              label="purchasing.standing.weekdays"
              validate={required()}
              choices={WEEKDAYS.map((day) => ({ id: day, name: weekdayName(day, locale) }))}
            />
          )
        }
      </FormDataConsumer>
      <Box sx={{ display: 'flex', gap: 2, flexWrap: 'wrap' }}>
        <TextInput source="time" type="time" label="purchasing.standing.time" validate={required()} />
        <TextInput
          source="time_zone"
          label="purchasing.standing.time_zone"
          defaultValue="Europe/Moscow"
          helperText="purchasing.standing.time_zone_help"
        />
      </Box>
    </>
  );
}

function StandingForm() {
  const translate = useTranslate();
  return (
    <SimpleForm>
      <ReferenceInput source="list_id" reference="shopping-lists" perPage={200}>
        <SelectInput
          optionText="name"
          label="purchasing.standing.list"
          validate={required()}
          sx={{ minWidth: 320 }}
        />
      </ReferenceInput>
      <ReferenceInput source="contact_id" reference="contacts" perPage={50}>
        <SelectInput
          optionText={contactText}
          label="purchasing.standing.contact"
          validate={required()}
          helperText="purchasing.standing.contact_help"
          sx={{ minWidth: 320 }}
        />
      </ReferenceInput>
      <ScheduleInputs />
      <RadioButtonGroupInput
        source="mode"
        label="purchasing.standing.mode"
        defaultValue="prepare"
        row={false}
        validate={required()}
        choices={[
          { id: 'prepare', name: translate('purchasing.standing.modes.prepare_help') },
          { id: 'place', name: translate('purchasing.standing.modes.place_help') },
        ]}
      />
    </SimpleForm>
  );
}

/** The body the API takes: one schedule kind (the other left out), no form-only fields. */
function toBody({ schedule_kind, ...data }: Record<string, unknown>) {
  const body = { ...data };
  if (schedule_kind === 'every') {
    delete body.weekdays;
    if (!body.starts_on) delete body.starts_on;
  } else {
    delete body.every_days;
    delete body.starts_on;
  }
  if (!body.time_zone) delete body.time_zone;
  return body;
}

export function StandingOrderCreate() {
  return (
    <Create resource="standing-orders" redirect="show" transform={toBody}>
      <StandingForm />
    </Create>
  );
}

export function StandingOrderEdit() {
  return (
    <Edit
      resource="standing-orders"
      redirect="show"
      mutationMode="pessimistic"
      transform={toBody}
      title={<StandingTitle />}
    >
      <StandingForm />
    </Edit>
  );
}

function RunsTable({ order }: { order: StandingOrder }) {
  const translate = useTranslate();
  const locale = useLocale();
  const data = useConsoleData();
  const [runs, setRuns] = useState<Run[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const load = useCallback(() => {
    data
      .call<{ items: Run[] }>('GET', '/api/v2/standing-orders/{id}/runs', {
        params: { path: { id: order.id }, query: { limit: 50 } },
      })
      .then((answer) => setRuns(answer.items), setError);
  }, [data, order.id]);
  useEffect(load, [load]);
  if (error) return <ProblemText error={error} />;
  if (!runs) return null;
  if (!runs.length) {
    return (
      <Typography variant="body2" color="text.secondary">
        {translate('purchasing.runs.empty')}
      </Typography>
    );
  }
  return (
    <Box sx={{ overflowX: 'auto' }}>
      <Table size="small" aria-label={translate('purchasing.runs.title')}>
        <TableHead>
          <TableRow>
            <TableCell>{translate('purchasing.runs.slot')}</TableCell>
            <TableCell>{translate('purchasing.runs.status')}</TableCell>
            <TableCell>{translate('purchasing.runs.result')}</TableCell>
            <TableCell>{translate('purchasing.runs.problems')}</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {runs.map((run) => (
            <TableRow key={run.id} sx={{ verticalAlign: 'top' }}>
              <TableCell>{formatSlot(run.slot, locale, order.time_zone)}</TableCell>
              <TableCell>{translate(`purchasing.runs.statuses.${run.status}`, { _: run.status })}</TableCell>
              <TableCell>
                {run.order_id !== null ? (
                  <Link to={`/my-orders/${run.order_id}/show`}>
                    {translate('purchasing.runs.order', { number: run.order_number ?? run.order_id })}
                  </Link>
                ) : run.basket_id !== null ? (
                  <Link to="/basket">{translate('purchasing.runs.basket')}</Link>
                ) : (
                  '—'
                )}
              </TableCell>
              <TableCell>
                {run.errors.map((problem) => (
                  <Alert key={problem.code} severity="error" sx={{ mb: 0.5 }}>
                    {problem.message}
                  </Alert>
                ))}
                <SkippedTable skipped={run.skipped} caption={translate('purchasing.runs.skipped')} />
                {!run.errors.length && !run.skipped.length ? '—' : null}
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </Box>
  );
}

function StandingDetail() {
  const order = useRecordContext<StandingOrder>();
  const translate = useTranslate();
  const locale = useLocale();
  const schedule = useScheduleText();
  if (!order) return null;
  const row = (label: string, value: React.ReactNode) => (
    <Box sx={{ display: 'grid', gridTemplateColumns: { xs: '1fr', sm: '200px 1fr' }, gap: 1 }}>
      <Typography variant="body2" color="text.secondary">
        {translate(label)}
      </Typography>
      <Box>{value}</Box>
    </Box>
  );
  return (
    <Box sx={{ display: 'grid', gap: 2, p: { xs: 1, sm: 2 } }}>
      <Card variant="outlined">
        <CardContent sx={{ display: 'grid', gap: 1 }}>
          {row(
            'purchasing.standing.list',
            <ReferenceField source="list_id" reference="shopping-lists" link="show">
              <TextShown source="name" />
            </ReferenceField>,
          )}
          {row('purchasing.standing.schedule', `${schedule(order)} (${order.time_zone})`)}
          {row(
            'purchasing.standing.contact',
            <ReferenceField source="contact_id" reference="contacts" link={false}>
              <FunctionField render={contactText} />
            </ReferenceField>,
          )}
          {row('purchasing.standing.mode', <ModeText mode={order.mode} />)}
          {row('purchasing.standing.state', <StateChipOf order={order} />)}
          {row('purchasing.standing.next_slot', formatSlot(order.next_slot_at, locale, order.time_zone))}
        </CardContent>
      </Card>
      <Card variant="outlined">
        <CardContent sx={{ display: 'grid', gap: 1 }}>
          <Typography variant="h6" component="h2">
            {translate('purchasing.runs.title')}
          </Typography>
          <RunsTable order={order} />
        </CardContent>
      </Card>
    </Box>
  );
}

/** The page title: the schedule in words («Регулярный заказ: пн, чт в 07:30»). */
function StandingTitle() {
  const order = useRecordContext<StandingOrder>();
  const translate = useTranslate();
  const schedule = useScheduleText();
  return <span>{order ? translate('purchasing.standing.title', { schedule: schedule(order) }) : ''}</span>;
}

function ShowActions() {
  return (
    <TopToolbar>
      <PauseResumeButton />
      <EditButton />
      <DeleteWithConfirmButton confirmContent="purchasing.standing.delete_confirm" />
    </TopToolbar>
  );
}

export function StandingOrderShow() {
  return (
    <Show resource="standing-orders" actions={<ShowActions />} title={<StandingTitle />}>
      <StandingDetail />
    </Show>
  );
}
