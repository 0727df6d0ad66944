// The buyer's orders: the list (state and dates) and the order page with its supplier parts, lines,
// states, promised delivery dates and history; cancel while the API allows it; reorder with its
// report (what went into the basket, what did not and why); the order's payments panel.
import ReplayIcon from '@mui/icons-material/Replay';
import {
  Alert,
  Box,
  Button,
  Card,
  CardContent,
  ListItem,
  ListItemText,
  List as MuiList,
  Stack,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  Typography,
} from '@mui/material';
import { useCallback, useEffect, useState } from 'react';
import {
  Datagrid,
  DateInput,
  FunctionField,
  List,
  SelectInput,
  TextField,
  Title,
  useNotify,
  useTranslate,
} from 'react-admin';
import { Link, useParams } from 'react-router-dom';
import {
  ConfirmAction,
  DateText,
  Loading,
  LocalDateField,
  Money,
  ORDER_STATES,
  StateChip,
  useConsoleData,
} from '../../components/common.tsx';
import { ListPagination } from '../../components/ListPagination.tsx';
import { OrderPaymentsPanel } from '../../payments/index.tsx';
import { ApiProblem, Day } from './shared.tsx';

const stateChoices = ORDER_STATES.map((id) => ({ id, name: `console.states.${id}` }));

const orderFilters = [
  <SelectInput key="state" source="state" label="console.orders.state" choices={stateChoices} alwaysOn />,
  <DateInput key="from" source="created_from" label="console.orders.created_from" alwaysOn />,
  <DateInput key="to" source="created_to" label="console.orders.created_to" alwaysOn />,
];

function NoOrders() {
  const translate = useTranslate();
  return (
    <Alert
      severity="info"
      sx={{ m: 2 }}
      action={
        <Button component={Link} to="/catalog">
          {translate('buyer.catalog.title')}
        </Button>
      }
    >
      {translate('buyer.orders.none')}
    </Alert>
  );
}

export function BuyerOrderList() {
  return (
    <List
      resource="my-orders"
      title="buyer.orders.title"
      filters={orderFilters}
      pagination={<ListPagination />}
      perPage={25}
      empty={<NoOrders />}
      sort={{ field: 'created_at', order: 'DESC' }}
    >
      <Datagrid rowClick="show" bulkActionButtons={false}>
        <TextField source="number" label="console.orders.number" sortable={false} />
        <LocalDateField source="created_at" label="console.orders.created_at" showTime sortable={false} />
        <FunctionField
          label="console.orders.state"
          sortable={false}
          render={(record: { state: string }) => <StateChip state={record.state} />}
        />
        <FunctionField
          label="console.orders.total"
          sortable={false}
          textAlign="right"
          render={(record: { total: string }) => <Money amount={record.total} />}
        />
        <FunctionField
          label="buyer.orders.payment"
          sortable={false}
          render={(record: { payment_status: string }) => <PaymentStatus status={record.payment_status} />}
        />
      </Datagrid>
    </List>
  );
}

function PaymentStatus({ status }: { status: string }) {
  const translate = useTranslate();
  return <span>{translate(`buyer.orders.payment_status.${status}`, { _: status })}</span>;
}

interface OrderLine {
  id: number;
  product_id: number;
  product_name: string;
  external_id: string;
  quantity: number;
  unit_price: string;
  discount: string;
  total: string;
}

interface BuyerOrder {
  id: number;
  number: string;
  state: string;
  created_at: string;
  total: string;
  subtotal: string;
  lines_discount: string;
  order_discount: string;
  coupon_code: string | null;
  comment: string;
  payment: { status: string };
  delivery: {
    city: string;
    street: string;
    house: string;
    apartment: string;
    phone: string;
    recipient_name: string;
  };
  parts: {
    id: number;
    shop: { id: number; name: string };
    state: string;
    total: string;
    promised_delivery_date: string | null;
    lines: OrderLine[];
  }[];
  can_cancel: boolean;
  history: {
    id: number;
    part_id: number | null;
    actor_role: string;
    from: string | null;
    to: string;
    note: string;
    at: string;
  }[];
}

interface ReorderReport {
  added: { offer_id: number; name: string; requested_quantity: number; quantity: number }[];
  not_added: {
    offer_id: number;
    name: string;
    requested_quantity: number;
    code: string;
    available_quantity: number | null;
  }[];
}

export function BuyerOrderShow() {
  const { id } = useParams();
  const translate = useTranslate();
  const notify = useNotify();
  const data = useConsoleData();
  const [order, setOrder] = useState<BuyerOrder | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [canceling, setCanceling] = useState(false);
  const [busy, setBusy] = useState(false);
  const [report, setReport] = useState<ReorderReport | null>(null);
  const load = useCallback(
    () =>
      data
        .call<BuyerOrder>('GET', '/api/v2/orders/{id}', { params: { path: { id: Number(id) } } })
        .then(setOrder, setError),
    [data, id],
  );
  useEffect(() => {
    load();
  }, [load]);
  const act = async (action: () => Promise<unknown>) => {
    setBusy(true);
    setError(null);
    try {
      return await action();
    } catch (failure) {
      setError(failure);
      return null;
    } finally {
      setBusy(false);
    }
  };
  const cancel = async () => {
    setCanceling(false);
    const done = await act(() =>
      data.call('POST', '/api/v2/orders/{id}/cancel', { params: { path: { id: Number(id) } }, body: {} }),
    );
    if (done) notify('buyer.orders.canceled', { type: 'success' });
    await load();
  };
  const reorder = async () => {
    const answer = await act(() =>
      data.call<ReorderReport>('POST', '/api/v2/orders/{id}/reorder', {
        params: { path: { id: Number(id) } },
      }),
    );
    if (answer) setReport(answer as ReorderReport);
  };
  const shopName = (partId: number | null) => order?.parts.find((part) => part.id === partId)?.shop.name;

  return (
    <Box sx={{ p: { xs: 1, sm: 2 }, display: 'grid', gap: 2 }}>
      <Title
        title={order ? translate('console.orders.title_one', { number: order.number }) : 'buyer.orders.title'}
      />
      <ApiProblem error={error} />
      {!order && !error ? <Loading /> : null}
      {order ? (
        <>
          <Stack
            direction="row"
            sx={{ justifyContent: 'space-between', alignItems: 'center', flexWrap: 'wrap', gap: 1 }}
          >
            <Box>
              <Typography variant="h5" component="h1">
                {translate('console.orders.title_one', { number: order.number })}{' '}
                <StateChip state={order.state} />
              </Typography>
              <Typography variant="body2" color="text.secondary">
                <DateText value={order.created_at} /> · {translate('console.orders.total')}:{' '}
                <Money amount={order.total} /> · {order.delivery.city}, {order.delivery.street}{' '}
                {order.delivery.house} · {order.delivery.phone}
              </Typography>
            </Box>
            <Stack direction="row" spacing={1}>
              <Button variant="contained" startIcon={<ReplayIcon />} disabled={busy} onClick={reorder}>
                {translate('buyer.orders.reorder')}
              </Button>
              {order.can_cancel ? (
                <Button color="error" disabled={busy} onClick={() => setCanceling(true)}>
                  {translate('buyer.orders.cancel')}
                </Button>
              ) : null}
            </Stack>
          </Stack>
          {report ? <ReorderReportView report={report} /> : null}
          {order.parts.map((part) => (
            <Card key={part.id} variant="outlined" component="section" aria-label={part.shop.name}>
              <CardContent sx={{ display: 'grid', gap: 1, overflowX: 'auto' }}>
                <Stack direction="row" sx={{ justifyContent: 'space-between', flexWrap: 'wrap', gap: 1 }}>
                  <Typography variant="h6" component="h2">
                    {part.shop.name} <StateChip state={part.state} />
                  </Typography>
                  <Typography variant="body2">
                    {translate('buyer.orders.promised')}: <Day value={part.promised_delivery_date} />
                  </Typography>
                </Stack>
                <Table size="small">
                  <TableHead>
                    <TableRow>
                      <TableCell>{translate('buyer.catalog.product')}</TableCell>
                      <TableCell align="right">{translate('buyer.product.price')}</TableCell>
                      <TableCell align="right">{translate('buyer.product.quantity')}</TableCell>
                      <TableCell align="right">{translate('buyer.basket.line_total')}</TableCell>
                    </TableRow>
                  </TableHead>
                  <TableBody>
                    {part.lines.map((line) => (
                      <TableRow key={line.id}>
                        <TableCell>
                          <Link to={`/catalog/${line.product_id}`}>{line.product_name}</Link>
                        </TableCell>
                        <TableCell align="right">
                          <Money amount={line.unit_price} />
                        </TableCell>
                        <TableCell align="right">{line.quantity}</TableCell>
                        <TableCell align="right">
                          <Money amount={line.total} />
                        </TableCell>
                      </TableRow>
                    ))}
                  </TableBody>
                </Table>
                <Typography variant="body1" sx={{ textAlign: 'right' }}>
                  {translate('buyer.basket.supplier_total')}:{' '}
                  <strong>
                    <Money amount={part.total} />
                  </strong>
                </Typography>
              </CardContent>
            </Card>
          ))}
          {/* biome-ignore lint/a11y/useValidAriaRole: `role` is the panel's prop (whose view), not ARIA. */}
          <OrderPaymentsPanel orderId={order.id} role="buyer" />
          <Card variant="outlined" component="section" aria-label={translate('buyer.orders.history')}>
            <CardContent>
              <Typography variant="h6" component="h2">
                {translate('buyer.orders.history')}
              </Typography>
              <MuiList dense>
                {order.history.map((entry) => (
                  <ListItem key={entry.id} disableGutters>
                    <ListItemText
                      primary={
                        <>
                          <DateText value={entry.at} /> —{' '}
                          {entry.from ? `${translate(`console.states.${entry.from}`)} → ` : ''}
                          {translate(`console.states.${entry.to}`)}
                          {entry.part_id ? ` (${shopName(entry.part_id) ?? ''})` : ''}
                        </>
                      }
                      secondary={`${translate(`console.roles.${entry.actor_role}`, { _: entry.actor_role })}${entry.note ? `: ${entry.note}` : ''}`}
                    />
                  </ListItem>
                ))}
              </MuiList>
            </CardContent>
          </Card>
          <ConfirmAction
            open={canceling}
            title={translate('buyer.orders.cancel')}
            content={translate('buyer.orders.cancel_confirm')}
            onClose={() => setCanceling(false)}
            onConfirm={cancel}
          />
        </>
      ) : null}
    </Box>
  );
}

function ReorderReportView({ report }: { report: ReorderReport }) {
  const translate = useTranslate();
  return (
    <Alert
      severity={report.not_added.length ? 'warning' : 'success'}
      action={
        <Button component={Link} to="/basket">
          {translate('buyer.menu.basket')}
        </Button>
      }
    >
      <Typography variant="body2">
        {translate('buyer.orders.reorder_added', { smart_count: report.added.length })}
      </Typography>
      {report.added
        .filter((line) => line.quantity < line.requested_quantity)
        .map((line) => (
          <Typography key={line.offer_id} variant="body2">
            {translate('buyer.orders.reorder_short', {
              name: line.name,
              count: line.quantity,
              requested: line.requested_quantity,
            })}
          </Typography>
        ))}
      {report.not_added.map((line) => (
        <Typography key={line.offer_id} variant="body2">
          {line.name}: {translate(`buyer.problems.${line.code}`, { _: line.code })}
        </Typography>
      ))}
    </Alert>
  );
}
