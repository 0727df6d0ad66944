// Staff: promotions and coupons — list, create, edit, end (a confirmation first), usage; coupon
// batches of single-use codes with the CSV download.
import { Box, Button, Card, CardContent, Typography } from '@mui/material';
import { useEffect, useState } from 'react';
import {
  BooleanField,
  BooleanInput,
  Create,
  CreateButton,
  Datagrid,
  DateTimeInput,
  DeleteWithConfirmButton,
  Edit,
  EditButton,
  FunctionField,
  List,
  NumberInput,
  required,
  SelectInput,
  Show,
  SimpleForm,
  SimpleShowLayout,
  TextField,
  TextInput,
  TopToolbar,
  useNotify,
  useRecordContext,
  useRefresh,
  useTranslate,
} from 'react-admin';
import { Link } from 'react-router-dom';
import {
  ConfirmAction,
  ErrorText,
  Loading,
  LocalDateField,
  Money,
  StateChip,
  saveBlob,
  useConsoleData,
} from '../components/common.tsx';
import { ListPagination } from '../components/ListPagination.tsx';

const states = ['active', 'scheduled', 'ended', 'disabled'].map((id) => ({
  id,
  name: `console.states.${id}`,
}));
const kinds = [
  { id: 'percent', name: 'console.promotions.percent' },
  { id: 'fixed', name: 'console.promotions.fixed' },
];
const scopes = [
  { id: 'order', name: 'console.coupons.scope_order' },
  { id: 'lines', name: 'console.coupons.scope_lines' },
];
const listFilters = [
  <TextInput key="q" source="q" label="console.promotions.search" alwaysOn />,
  <SelectInput key="state" source="state" label="console.promotions.state" choices={states} alwaysOn />,
];

const ids = (value: unknown) =>
  typeof value === 'string'
    ? value
        .split(/[\s,;]+/)
        .filter(Boolean)
        .map(Number)
        .filter(Number.isInteger)
    : value;
const idsText = (value: unknown) => (Array.isArray(value) ? value.join(', ') : ((value as string) ?? ''));
const nullable = (value: unknown) => (value === '' || value === undefined ? null : value);

function Discount() {
  const record = useRecordContext<{ discount_kind: string; discount_value: string }>();
  if (!record) return null;
  return record.discount_kind === 'percent' ? (
    <span>{record.discount_value} %</span>
  ) : (
    <Money amount={record.discount_value} />
  );
}

/** Ends a promotion or coupon now (ends_at = now), after a confirmation. */
function EndNowButton({ resource }: { resource: 'promotions' | 'coupons' }) {
  const record = useRecordContext<{ id: number; state: string }>();
  const translate = useTranslate();
  const notify = useNotify();
  const refresh = useRefresh();
  const data = useConsoleData();
  const [asking, setAsking] = useState(false);
  const [error, setError] = useState<unknown>(null);
  if (!record || record.state === 'ended') return null;
  return (
    <>
      <Button color="warning" onClick={() => setAsking(true)}>
        {translate('console.promotions.end_now')}
      </Button>
      <ErrorText error={error} />
      <ConfirmAction
        open={asking}
        title={translate('console.promotions.end_now')}
        content={translate('console.promotions.end_confirm')}
        onConfirm={async () => {
          setAsking(false);
          try {
            await data.update(resource, {
              id: record.id,
              data: { ends_at: new Date().toISOString() },
              previousData: {} as never,
            });
            notify('console.promotions.ended', { type: 'success' });
            refresh();
          } catch (failure) {
            setError(failure);
          }
        }}
        onClose={() => setAsking(false)}
      />
    </>
  );
}

function Usage({ resource }: { resource: 'promotions' | 'coupons' }) {
  const record = useRecordContext<{ id: number }>();
  const translate = useTranslate();
  const data = useConsoleData();
  const [usage, setUsage] = useState<any>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    if (!record) return;
    data
      .call('GET', `/api/v2/admin/${resource}/{id}/usage`, { params: { path: { id: record.id } } })
      .then(setUsage, setError);
  }, [record, resource, data]);
  if (error) return <ErrorText error={error} />;
  if (!usage) return <Loading />;
  return (
    <Card variant="outlined" sx={{ m: 2 }}>
      <CardContent>
        <Typography variant="h6" component="h2">
          {translate('console.promotions.usage')}
        </Typography>
        <Typography variant="body2">
          {translate('console.promotions.usage_text', {
            orders: usage.orders,
            buyers: usage.buyers ?? '—',
            units: usage.units ?? '—',
          })}
        </Typography>
        <Typography variant="body2">
          {translate('console.promotions.discount_given')}: <Money amount={usage.discount_given} />
        </Typography>
      </CardContent>
    </Card>
  );
}

const Actions = ({ resource }: { resource: 'promotions' | 'coupons' }) => (
  <TopToolbar>
    <EndNowButton resource={resource} />
    <EditButton />
    <DeleteWithConfirmButton mutationMode="pessimistic" />
  </TopToolbar>
);

export function PromotionList() {
  return (
    <List filters={listFilters} pagination={<ListPagination />} empty={false} exporter={false}>
      <Datagrid rowClick="show" bulkActionButtons={false}>
        <TextField source="name" label="console.promotions.name" sortable={false} />
        <FunctionField label="console.promotions.state" render={(r: any) => <StateChip state={r.state} />} />
        <FunctionField label="console.promotions.discount" render={() => <Discount />} />
        <LocalDateField source="starts_at" label="console.promotions.starts_at" showTime sortable={false} />
        <LocalDateField
          source="ends_at"
          label="console.promotions.ends_at"
          showTime
          sortable={false}
          emptyText="—"
        />
        <TextField source="priority" label="console.promotions.priority" sortable={false} />
      </Datagrid>
    </List>
  );
}

function PromotionForm() {
  return (
    <SimpleForm>
      <TextInput source="name" label="console.promotions.name" validate={required()} fullWidth />
      <TextInput source="description" label="console.promotions.description" multiline fullWidth />
      <BooleanInput source="enabled" label="console.promotions.enabled" defaultValue />
      <SelectInput
        source="discount_kind"
        label="console.promotions.discount_kind"
        choices={kinds}
        validate={required()}
        defaultValue="percent"
      />
      <TextInput
        source="discount_value"
        label="console.promotions.discount_value"
        validate={required()}
        helperText="console.promotions.decimal_help"
      />
      <DateTimeInput source="starts_at" label="console.promotions.starts_at" />
      <DateTimeInput source="ends_at" label="console.promotions.ends_at" parse={nullable} />
      <BooleanInput source="targets.all" label="console.promotions.targets_all" />
      <TextInput
        source="targets.category_ids"
        label="console.promotions.category_ids"
        parse={ids}
        format={idsText}
        helperText="console.promotions.ids_help"
        fullWidth
      />
      <TextInput
        source="targets.product_ids"
        label="console.promotions.product_ids"
        parse={ids}
        format={idsText}
        helperText="console.promotions.ids_help"
        fullWidth
      />
      <TextInput
        source="targets.shop_ids"
        label="console.promotions.shop_ids"
        parse={ids}
        format={idsText}
        helperText="console.promotions.ids_help"
        fullWidth
      />
      <NumberInput source="min_line_quantity" label="console.promotions.min_line_quantity" min={1} />
      <TextInput source="min_order_amount" label="console.promotions.min_order_amount" parse={nullable} />
      <NumberInput source="priority" label="console.promotions.priority" />
    </SimpleForm>
  );
}

export const PromotionCreate = () => (
  <Create redirect="show">
    <PromotionForm />
  </Create>
);
export const PromotionEdit = () => (
  <Edit mutationMode="pessimistic" redirect="show">
    <PromotionForm />
  </Edit>
);
export const PromotionShow = () => (
  <Show actions={<Actions resource="promotions" />}>
    <SimpleShowLayout>
      <TextField source="name" label="console.promotions.name" />
      <TextField source="description" label="console.promotions.description" emptyText="—" />
      <FunctionField label="console.promotions.state" render={(r: any) => <StateChip state={r.state} />} />
      <FunctionField label="console.promotions.discount" render={() => <Discount />} />
      <LocalDateField source="starts_at" label="console.promotions.starts_at" showTime />
      <LocalDateField source="ends_at" label="console.promotions.ends_at" showTime emptyText="—" />
    </SimpleShowLayout>
    <Usage resource="promotions" />
  </Show>
);

const CouponListActions = () => {
  const translate = useTranslate();
  return (
    <TopToolbar>
      <CreateButton />
      <Button component={Link} to="/coupon-batches/create">
        {translate('console.coupons.new_batch')}
      </Button>
    </TopToolbar>
  );
};

export function CouponList() {
  return (
    <List
      filters={listFilters}
      pagination={<ListPagination />}
      empty={false}
      exporter={false}
      actions={<CouponListActions />}
    >
      <Datagrid rowClick="show" bulkActionButtons={false}>
        <TextField source="code" label="console.coupons.code" sortable={false} />
        <FunctionField label="console.promotions.state" render={(r: any) => <StateChip state={r.state} />} />
        <FunctionField label="console.promotions.discount" render={() => <Discount />} />
        <FunctionField
          label="console.coupons.used"
          render={(r: any) => `${r.used_count}${r.usage_limit ? ` / ${r.usage_limit}` : ''}`}
        />
        <LocalDateField
          source="ends_at"
          label="console.promotions.ends_at"
          showTime
          sortable={false}
          emptyText="—"
        />
        <TextField source="batch_id" label="console.coupons.batch" sortable={false} emptyText="—" />
      </Datagrid>
    </List>
  );
}

function CouponForm({ batch = false }: { batch?: boolean }) {
  return (
    <SimpleForm>
      {batch ? (
        <>
          <NumberInput source="count" label="console.coupons.count" validate={required()} min={1} />
          <TextInput source="name" label="console.coupons.batch_name" />
          <TextInput source="prefix" label="console.coupons.prefix" />
        </>
      ) : (
        <TextInput source="code" label="console.coupons.code" helperText="console.coupons.code_help" />
      )}
      <TextInput source="description" label="console.promotions.description" fullWidth />
      <BooleanInput source="enabled" label="console.promotions.enabled" defaultValue />
      <SelectInput
        source="discount_kind"
        label="console.promotions.discount_kind"
        choices={kinds}
        validate={required()}
        defaultValue="percent"
      />
      <TextInput
        source="discount_value"
        label="console.promotions.discount_value"
        validate={required()}
        helperText="console.promotions.decimal_help"
      />
      <SelectInput source="scope" label="console.coupons.scope" choices={scopes} defaultValue="order" />
      <DateTimeInput source="starts_at" label="console.promotions.starts_at" />
      <DateTimeInput source="ends_at" label="console.promotions.ends_at" parse={nullable} />
      <TextInput source="min_order_amount" label="console.promotions.min_order_amount" parse={nullable} />
      <BooleanInput source="combines_with_promotions" label="console.coupons.combines" />
      {batch ? null : (
        <>
          <NumberInput source="usage_limit" label="console.coupons.usage_limit" parse={nullable} />
          <NumberInput source="per_buyer_limit" label="console.coupons.per_buyer_limit" parse={nullable} />
        </>
      )}
    </SimpleForm>
  );
}

export const CouponCreate = () => (
  <Create redirect="show">
    <CouponForm />
  </Create>
);
export const CouponEdit = () => (
  <Edit mutationMode="pessimistic" redirect="show">
    <CouponForm />
  </Edit>
);
export const CouponShow = () => (
  <Show actions={<Actions resource="coupons" />}>
    <SimpleShowLayout>
      <TextField source="code" label="console.coupons.code" />
      <FunctionField label="console.promotions.state" render={(r: any) => <StateChip state={r.state} />} />
      <FunctionField label="console.promotions.discount" render={() => <Discount />} />
      <BooleanField source="combines_with_promotions" label="console.coupons.combines" />
      <LocalDateField source="ends_at" label="console.promotions.ends_at" showTime emptyText="—" />
    </SimpleShowLayout>
    <Usage resource="coupons" />
  </Show>
);

export const CouponBatchCreate = () => (
  <Create redirect="show">
    <CouponForm batch />
  </Create>
);

function BatchDownload() {
  const batch = useRecordContext<{ id: number; name: string }>();
  const translate = useTranslate();
  const data = useConsoleData();
  const [error, setError] = useState<unknown>(null);
  if (!batch) return null;
  return (
    <Box sx={{ p: 2 }}>
      <Button
        variant="contained"
        onClick={async () => {
          try {
            saveBlob(
              await data.download('/api/v2/admin/coupons/batch/{id}.csv', { id: batch.id }),
              `coupons-${batch.id}.csv`,
            );
          } catch (failure) {
            setError(failure);
          }
        }}
      >
        {translate('console.coupons.download_csv')}
      </Button>
      <ErrorText error={error} />
    </Box>
  );
}

export const CouponBatchShow = () => (
  <Show>
    <SimpleShowLayout>
      <TextField source="name" label="console.coupons.batch_name" />
      <TextField source="prefix" label="console.coupons.prefix" />
      <TextField source="count" label="console.coupons.count" />
      <TextField source="used" label="console.coupons.used" />
      <LocalDateField source="created_at" label="console.users.created_at" showTime />
    </SimpleShowLayout>
    <BatchDownload />
  </Show>
);
