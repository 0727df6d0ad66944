// Staff: every order. The list filters by state, shop, buyer, dates and number, sorts by date or
// total and is paged by the server; the detail shows the parts per supplier with their lines,
// discounts, totals, the delivery address, billing details and the history, and moves the order
// or one part along the states the transition table allows.
import {
  Box,
  Card,
  CardContent,
  Divider,
  Grid,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  Typography,
} from '@mui/material';
import {
  AutocompleteInput,
  Datagrid,
  DateInput,
  FunctionField,
  List,
  NumberInput,
  ReferenceInput,
  SelectInput,
  Show,
  TextField,
  TextInput,
  useRecordContext,
  useRefresh,
  useTranslate,
} from 'react-admin';
import {
  DateText,
  Loading,
  LocalDateField,
  Money,
  ORDER_STATES,
  StateChip,
  useConsoleData,
} from '../components/common.tsx';
import { ListPagination } from '../components/ListPagination.tsx';
import { StateChange } from '../components/StateChange.tsx';
import { OrderPaymentsPanel, PAYMENT_STATUSES, PaymentStatusChip } from '../payments/index.tsx';

const stateChoices = ORDER_STATES.map((id) => ({ id, name: `console.states.${id}` }));

const orderFilters = [
  <TextInput key="number" source="number" label="console.orders.number" alwaysOn />,
  <SelectInput key="state" source="state" label="console.orders.state" choices={stateChoices} alwaysOn />,
  <ReferenceInput key="shop" source="shop_id" reference="shops" label="console.orders.shop">
    <AutocompleteInput label="console.orders.shop" optionText="name" filterToQuery={(q) => ({ q })} />
  </ReferenceInput>,
  <ReferenceInput
    key="buyer"
    source="buyer_id"
    reference="users"
    label="console.orders.buyer"
    filter={{ role: 'buyer' }}
  >
    <AutocompleteInput label="console.orders.buyer" optionText="email" filterToQuery={(q) => ({ q })} />
  </ReferenceInput>,
  <SelectInput
    key="payment_status"
    source="payment_status"
    label="console.payments.status"
    choices={PAYMENT_STATUSES.map((id) => ({ id, name: `console.payments.statuses.${id}` }))}
    alwaysOn
  />,
  <DateInput key="from" source="created_from" label="console.orders.created_from" />,
  <DateInput key="to" source="created_to" label="console.orders.created_to" />,
  // The statistics page's drill-down: orders with a line of the category (as sold) or product.
  <NumberInput key="category" source="category_id" label="stats.filters.category" min={1} />,
  <ReferenceInput key="product" source="product_id" reference="products" label="stats.filters.product">
    <AutocompleteInput label="stats.filters.product" optionText="name" filterToQuery={(q) => ({ q })} />
  </ReferenceInput>,
];

export function OrderList() {
  return (
    <List
      filters={orderFilters}
      sort={{ field: 'created_at', order: 'DESC' }}
      pagination={<ListPagination />}
      perPage={25}
      empty={false}
    >
      <Datagrid rowClick="show" bulkActionButtons={false}>
        <TextField source="number" label="console.orders.number" sortable={false} />
        <LocalDateField source="created_at" label="console.orders.created_at" showTime />
        <FunctionField
          label="console.orders.state"
          sortable={false}
          render={(record: { state: string }) => <StateChip state={record.state} />}
        />
        <FunctionField
          label="console.orders.buyer"
          sortable={false}
          render={(record: { buyer?: { company: string; email: string } }) =>
            record.buyer ? `${record.buyer.company || '—'} (${record.buyer.email})` : ''
          }
        />
        <FunctionField
          label="console.orders.parts"
          sortable={false}
          render={(record: { parts?: { id: number; shop_name: string; state: string }[] }) => (
            <Box sx={{ display: 'flex', flexWrap: 'wrap', gap: 0.5 }}>
              {(record.parts ?? []).map((part) => (
                <Box
                  key={part.id}
                  component="span"
                  sx={{ display: 'inline-flex', gap: 0.5, alignItems: 'center' }}
                >
                  {part.shop_name} <StateChip state={part.state} />
                </Box>
              ))}
            </Box>
          )}
        />
        <FunctionField
          source="total"
          label="console.orders.total"
          textAlign="right"
          render={(record: { total: string; currency: string }) => (
            <Money amount={record.total} currency={record.currency} />
          )}
        />
        <FunctionField
          label="console.payments.status"
          sortable={false}
          render={(record: { payment_status: string }) => (
            <PaymentStatusChip status={record.payment_status} />
          )}
        />
      </Datagrid>
    </List>
  );
}

interface Line {
  id: number;
  name: string;
  product_name: string;
  model: string | null;
  external_id: string;
  quantity: number;
  unit_price: string;
  amount: string;
  discount: string;
  discount_source: { kind: 'promotion'; name: string } | { kind: 'coupon'; code: string } | null;
  total: string;
}

export interface OrderPart {
  id: number;
  shop: { id: number; name: string };
  state: string;
  subtotal: string;
  lines_discount: string;
  order_discount: string;
  total: string;
  lines: Line[];
  allowed_states?: string[];
}

export function LinesTable({ lines, currency }: { lines: Line[]; currency: string }) {
  const translate = useTranslate();
  return (
    <Box sx={{ overflowX: 'auto' }}>
      <Table size="small" aria-label={translate('console.orders.lines')}>
        <TableHead>
          <TableRow>
            <TableCell>{translate('console.orders.good')}</TableCell>
            <TableCell>{translate('console.orders.external_id')}</TableCell>
            <TableCell align="right">{translate('console.orders.quantity')}</TableCell>
            <TableCell align="right">{translate('console.orders.unit_price')}</TableCell>
            <TableCell align="right">{translate('console.orders.discount')}</TableCell>
            <TableCell align="right">{translate('console.orders.total')}</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {lines.map((line) => (
            <TableRow key={line.id}>
              <TableCell>
                {line.name}
                {line.model ? ` (${line.model})` : ''}
              </TableCell>
              <TableCell>{line.external_id}</TableCell>
              <TableCell align="right">{line.quantity}</TableCell>
              <TableCell align="right">
                <Money amount={line.unit_price} currency={currency} />
              </TableCell>
              <TableCell align="right">
                <Money amount={line.discount} currency={currency} />
                {line.discount_source ? (
                  <Typography variant="caption" display="block">
                    {line.discount_source.kind === 'coupon'
                      ? translate('console.orders.by_coupon', { code: line.discount_source.code })
                      : translate('console.orders.by_promotion', { name: line.discount_source.name })}
                  </Typography>
                ) : null}
              </TableCell>
              <TableCell align="right">
                <Money amount={line.total} currency={currency} />
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </Box>
  );
}

export function Totals(props: {
  subtotal: string;
  lines_discount: string;
  order_discount: string;
  total: string;
  currency: string;
}) {
  const translate = useTranslate();
  const row = (label: string, amount: string, strong = false) => (
    <Box sx={{ display: 'flex', justifyContent: 'space-between', gap: 2, fontWeight: strong ? 700 : 400 }}>
      <span>{translate(label)}</span>
      <Money amount={amount} currency={props.currency} />
    </Box>
  );
  return (
    <Box sx={{ maxWidth: 360, ml: 'auto', mt: 1 }}>
      {row('console.orders.subtotal', props.subtotal)}
      {row('console.orders.lines_discount', props.lines_discount)}
      {row('console.orders.order_discount', props.order_discount)}
      {row('console.orders.total', props.total, true)}
    </Box>
  );
}

export function Address({ delivery }: { delivery: Record<string, string> }) {
  const translate = useTranslate();
  const street = [
    delivery.city,
    delivery.street,
    delivery.house && `${translate('console.orders.house')} ${delivery.house}`,
    delivery.structure && `${translate('console.orders.structure')} ${delivery.structure}`,
    delivery.building && `${translate('console.orders.building')} ${delivery.building}`,
    delivery.apartment && `${translate('console.orders.apartment')} ${delivery.apartment}`,
  ]
    .filter(Boolean)
    .join(', ');
  return (
    <Box>
      <Typography variant="body2">{street}</Typography>
      <Typography variant="body2">
        {delivery.recipient_name} {delivery.phone}
      </Typography>
      {delivery.comment ? <Typography variant="body2">{delivery.comment}</Typography> : null}
    </Box>
  );
}

export function History({
  history,
}: {
  history: {
    id: number;
    part_id: number | null;
    from: string | null;
    to: string;
    note: string;
    at: string;
    actor_role: string;
  }[];
}) {
  const translate = useTranslate();
  return (
    <Table size="small" aria-label={translate('console.orders.history')}>
      <TableHead>
        <TableRow>
          <TableCell>{translate('console.orders.when')}</TableCell>
          <TableCell>{translate('console.orders.what')}</TableCell>
          <TableCell>{translate('console.orders.who')}</TableCell>
          <TableCell>{translate('console.orders.note')}</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {history.map((entry) => (
          <TableRow key={entry.id}>
            <TableCell>
              <DateText value={entry.at} />
            </TableCell>
            <TableCell>
              {entry.part_id ? `${translate('console.orders.part')} #${entry.part_id}: ` : ''}
              {entry.from ? `${translate(`console.states.${entry.from}`)} → ` : ''}
              {translate(`console.states.${entry.to}`)}
            </TableCell>
            <TableCell>{translate(`console.roles.${entry.actor_role}`, { _: entry.actor_role })}</TableCell>
            <TableCell>{entry.note}</TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

function OrderDetail() {
  const order = useRecordContext<any>();
  const translate = useTranslate();
  const data = useConsoleData();
  const refresh = useRefresh();
  // Until the detail arrives the record may be the list's row (no lines, delivery or history).
  if (!order?.delivery) return <Loading />;
  const billing = order.billing ?? {};
  return (
    <Box sx={{ p: { xs: 1, md: 2 }, display: 'grid', gap: 2 }}>
      <Box sx={{ display: 'flex', flexWrap: 'wrap', alignItems: 'center', gap: 2 }}>
        <Typography variant="h5" component="h2">
          {translate('console.orders.title_one', { number: order.number })}
        </Typography>
        <StateChip state={order.state} />
        <DateText value={order.created_at} />
      </Box>
      <StateChange
        idPrefix="order"
        label={translate('console.orders.change_order_state')}
        allowed={order.allowed_states ?? []}
        onChange={async (state, note) => {
          await data.setOrderState(order.id, { state, ...(note ? { note } : {}) });
          refresh();
        }}
      />
      {(order.parts as OrderPart[]).map((part) => (
        <Card key={part.id} variant="outlined">
          <CardContent>
            <Box sx={{ display: 'flex', flexWrap: 'wrap', alignItems: 'center', gap: 1 }}>
              <Typography variant="h6" component="h3">
                {translate('console.orders.part_of', { shop: part.shop.name })}
              </Typography>
              <StateChip state={part.state} />
            </Box>
            <StateChange
              idPrefix={`part-${part.id}`}
              label={translate('console.orders.change_part_state', { shop: part.shop.name })}
              allowed={part.allowed_states ?? []}
              onChange={async (state, note) => {
                await data.setOrderState(order.id, { state, part_id: part.id, ...(note ? { note } : {}) });
                refresh();
              }}
            />
            <LinesTable lines={part.lines} currency={order.currency} />
            <Totals {...part} currency={order.currency} />
          </CardContent>
        </Card>
      ))}
      <Totals {...order} />
      {/* biome-ignore lint/a11y/useValidAriaRole: `role` is the viewer's role (the panel's agreed props), not an ARIA role */}
      <OrderPaymentsPanel
        // A state change (a cancel makes a refund) adds to the history: the panel loads afresh.
        key={order.history?.length ?? 0}
        orderId={Number(order.id)}
        role="staff"
      />
      {order.coupon_code ? (
        <Typography variant="body2">
          {translate('console.orders.coupon', { code: order.coupon_code })}
        </Typography>
      ) : null}
      <Grid container spacing={2}>
        <Grid size={{ xs: 12, md: 6 }}>
          <Typography variant="h6" component="h3">
            {translate('console.orders.delivery')}
          </Typography>
          <Address delivery={order.delivery} />
          {order.comment ? <Typography variant="body2">{order.comment}</Typography> : null}
        </Grid>
        <Grid size={{ xs: 12, md: 6 }}>
          <Typography variant="h6" component="h3">
            {translate('console.orders.billing')}
          </Typography>
          <Typography variant="body2">
            {billing.company} — {billing.first_name} {billing.last_name}, {billing.email}{' '}
            {billing.phone ?? ''}
          </Typography>
          <Typography variant="body2">
            {[
              billing.legal_name,
              billing.inn && `${translate('console.billing.inn')} ${billing.inn}`,
              billing.kpp && `${translate('console.billing.kpp')} ${billing.kpp}`,
              billing.ogrn && `${translate('console.billing.ogrn')} ${billing.ogrn}`,
              billing.bank_bik && `${translate('console.billing.bank_bik')} ${billing.bank_bik}`,
              billing.settlement_account &&
                `${translate('console.billing.settlement_account')} ${billing.settlement_account}`,
            ]
              .filter(Boolean)
              .join(', ')}
          </Typography>
        </Grid>
      </Grid>
      <Divider />
      <Typography variant="h6" component="h3">
        {translate('console.orders.history')}
      </Typography>
      <History history={order.history ?? []} />
    </Box>
  );
}

export function OrderShow() {
  return (
    <Show>
      <OrderDetail />
    </Show>
  );
}
