// A supplier's workspace: its shop (accepting orders with a confirmation, contacts, billing
// details), its price list (upload or URL, imports with progress and per-row problems, exports),
// its offers (hidden or not, and why) and its parts of orders, moved along the allowed states.
import { Alert, Box, Button, Card, CardContent, Typography } from '@mui/material';
import { useState } from 'react';
import {
  Datagrid,
  DateInput,
  Edit,
  FunctionField,
  List,
  NullableBooleanInput,
  NumberInput,
  SaveButton,
  SelectInput,
  Show,
  SimpleForm,
  TextField,
  TextInput,
  Title,
  Toolbar,
  useGetOne,
  useNotify,
  useRecordContext,
  useRefresh,
  useTranslate,
} from 'react-admin';
import {
  ConfirmAction,
  ErrorText,
  Loading,
  LocalDateField,
  Money,
  ORDER_STATES,
  StateChip,
  useConsoleData,
} from '../components/common.tsx';
import { ExportPanel } from '../components/exports.tsx';
import { ImportHistory, ImportProgress, ImportStarter } from '../components/imports.tsx';
import { ListPagination } from '../components/ListPagination.tsx';
import { StateChange } from '../components/StateChange.tsx';
import { OrderPaymentsPanel } from '../payments/index.tsx';
import { Address, History, LinesTable, Totals } from './orders.tsx';

export const BILLING_FIELDS = [
  'legal_name',
  'inn',
  'kpp',
  'ogrn',
  'bank_bik',
  'settlement_account',
  'correspondent_account',
  'bank_name',
  'address',
] as const;

/** The billing details as the API takes them: all nine fields, empty ones as null. */
export function billingBody(details: Record<string, unknown> | null | undefined) {
  const out: Record<string, string | null> = {};
  for (const field of BILLING_FIELDS) {
    const value = details?.[field];
    out[field] = typeof value === 'string' && value.trim() ? value.trim() : null;
  }
  return out;
}

function AcceptingOrders() {
  const shop = useRecordContext<{ id: number; accepting_orders: boolean }>();
  const translate = useTranslate();
  const notify = useNotify();
  const refresh = useRefresh();
  const data = useConsoleData();
  const [asking, setAsking] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  if (!shop) return null;
  const next = !shop.accepting_orders;
  const apply = async () => {
    setBusy(true);
    setError(null);
    try {
      await data.update('supplier-shop', {
        id: shop.id,
        data: { accepting_orders: next },
        previousData: {} as never,
      });
      notify(next ? 'console.shop.opened' : 'console.shop.closed', { type: 'success' });
      refresh();
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
      setAsking(false);
    }
  };
  return (
    <Card variant="outlined" sx={{ mb: 2 }}>
      <CardContent sx={{ display: 'grid', gap: 1 }}>
        <Typography variant="h6" component="h2">
          {translate('console.shop.orders_title')}
        </Typography>
        {shop.accepting_orders ? (
          <Alert severity="success">{translate('console.shop.accepting')}</Alert>
        ) : (
          <Alert severity="warning">{translate('console.shop.not_accepting')}</Alert>
        )}
        <Box>
          <Button
            variant="contained"
            color={next ? 'success' : 'warning'}
            disabled={busy}
            onClick={() => setAsking(true)}
          >
            {translate(next ? 'console.shop.open' : 'console.shop.close')}
          </Button>
        </Box>
        <ErrorText error={error} />
        <ConfirmAction
          open={asking}
          title={translate(next ? 'console.shop.open' : 'console.shop.close')}
          content={translate(next ? 'console.shop.open_confirm' : 'console.shop.close_confirm')}
          loading={busy}
          onConfirm={() => void apply()}
          onClose={() => setAsking(false)}
        />
      </CardContent>
    </Card>
  );
}

export function SupplierShopPage() {
  const translate = useTranslate();
  return (
    <Edit
      resource="supplier-shop"
      id="me"
      mutationMode="pessimistic"
      redirect={false}
      title="console.menu.shop"
      actions={false}
      aside={undefined}
      transform={(data: Record<string, unknown>) =>
        data.billing_details
          ? { ...data, billing_details: billingBody(data.billing_details as Record<string, unknown>) }
          : data
      }
    >
      <Box sx={{ p: 2 }}>
        <AcceptingOrders />
      </Box>
      <SimpleForm
        toolbar={
          <Toolbar>
            <SaveButton />
          </Toolbar>
        }
      >
        <Typography variant="h6" component="h2">
          {translate('console.shop.contacts')}
        </Typography>
        <TextInput source="name" label="console.shops.name" fullWidth />
        <TextInput
          source="contact_person"
          label="console.shops.contact_person"
          parse={(v) => v || null}
          fullWidth
        />
        <TextInput
          source="contact_email"
          label="console.shops.contact_email"
          type="email"
          parse={(v) => v || null}
          fullWidth
        />
        <TextInput
          source="contact_phone"
          label="console.shops.contact_phone"
          parse={(v) => v || null}
          fullWidth
        />
        <Typography variant="h6" component="h2" sx={{ mt: 2 }}>
          {translate('console.billing.title')}
        </Typography>
        {BILLING_FIELDS.map((field) => (
          <TextInput
            key={field}
            source={`billing_details.${field}`}
            label={`console.billing.${field}`}
            fullWidth
          />
        ))}
        <SelectInput
          source="vat_rate"
          label="console.billing.vat_rate"
          choices={VAT_RATES.map((rate) => ({
            id: rate,
            name: rate === 'none' ? 'console.billing.no_vat' : `${rate} %`,
          }))}
        />
        <Typography variant="h6" component="h2" sx={{ mt: 2 }}>
          {translate('console.shop.schedule')}
        </Typography>
        <TextInput
          source="price_list_url"
          label="console.shops.price_list_url"
          parse={(v) => v || null}
          fullWidth
        />
        <NumberInput
          source="import_every_hours"
          label="console.shops.import_every_hours"
          min={1}
          parse={(v) => (v === '' || v === null ? null : Number(v))}
        />
      </SimpleForm>
    </Edit>
  );
}

/** The VAT rates the API accepts on a shop's invoices (`none`: not a VAT payer). */
const VAT_RATES = ['none', '0', '5', '7', '10', '20'] as const;

export function PriceListPage() {
  const translate = useTranslate();
  const data = useConsoleData();
  const { data: shop, isPending, error } = useGetOne('supplier-shop', { id: 'me' });
  const [opened, setOpened] = useState<number | null>(null);
  const [round, setRound] = useState(0);
  return (
    <Box sx={{ p: 2, display: 'grid', gap: 2 }}>
      <Title title="console.menu.price_list" />
      <Typography variant="h5" component="h1">
        {translate('console.menu.price_list')}
      </Typography>
      {isPending ? <Loading /> : null}
      <ErrorText error={error} />
      <Card variant="outlined">
        <CardContent sx={{ display: 'grid', gap: 2 }}>
          <Typography variant="h6" component="h2">
            {translate('console.imports.title')}
          </Typography>
          {shop ? (
            <ImportStarter
              defaultUrl={shop.price_list_url}
              onStarted={(id) => {
                setOpened(id);
                setRound((n) => n + 1);
              }}
            />
          ) : null}
          {opened ? <ImportProgress key={opened} id={opened} supplier /> : null}
          <ImportHistory
            key={round}
            round={round}
            load={() => data.call('GET', '/api/v2/supplier/imports', { params: { query: { limit: 10 } } })}
            onOpen={setOpened}
          />
        </CardContent>
      </Card>
      <Card variant="outlined">
        <CardContent sx={{ display: 'grid', gap: 2 }}>
          <Typography variant="h6" component="h2">
            {translate('console.exports.title')}
          </Typography>
          <ExportPanel />
        </CardContent>
      </Card>
    </Box>
  );
}

const offerFilters = [
  <TextInput key="q" source="q" label="console.catalog.search" alwaysOn />,
  <NullableBooleanInput key="hidden" source="hidden" label="console.moderation.hidden" alwaysOn />,
];

export function SupplierOfferList() {
  const translate = useTranslate();
  return (
    <List
      resource="supplier-offers"
      filters={offerFilters}
      pagination={<ListPagination />}
      perPage={25}
      empty={false}
      exporter={false}
      title="console.menu.offers"
    >
      <Datagrid bulkActionButtons={false} rowClick={false}>
        <TextField source="external_id" label="console.orders.external_id" sortable={false} emptyText="—" />
        <FunctionField
          label="console.catalog.name"
          render={(o: any) => o.name ?? o.product_name ?? o.product?.name}
        />
        <FunctionField
          label="console.catalog.price"
          textAlign="right"
          render={(o: any) => <Money amount={o.price} />}
        />
        <TextField source="quantity" label="console.catalog.quantity" sortable={false} />
        <FunctionField
          label="console.moderation.title"
          render={(o: any) =>
            o.hidden ? (
              <Typography variant="body2" color="warning.main">
                {translate('console.moderation.hidden_because', { reason: o.hidden_reason || '—' })}
              </Typography>
            ) : (
              translate('console.moderation.visible')
            )
          }
        />
      </Datagrid>
    </List>
  );
}

const partFilters = [
  <SelectInput
    key="state"
    source="state"
    label="console.orders.state"
    choices={ORDER_STATES.map((id) => ({ id, name: `console.states.${id}` }))}
    alwaysOn
  />,
  <DateInput key="from" source="created_from" label="console.orders.created_from" />,
  <DateInput key="to" source="created_to" label="console.orders.created_to" />,
  // The statistics page's drill-down: orders with a line of mine of the category (as sold) or product.
  <NumberInput key="category" source="category_id" label="stats.filters.category" min={1} />,
  <NumberInput key="product" source="product_id" label="stats.filters.product_id" min={1} />,
];

export function SupplierOrderList() {
  return (
    <List filters={partFilters} pagination={<ListPagination />} perPage={25} empty={false} exporter={false}>
      <Datagrid rowClick="show" bulkActionButtons={false}>
        <TextField source="number" label="console.orders.number" sortable={false} />
        <LocalDateField source="created_at" label="console.orders.created_at" showTime sortable={false} />
        <FunctionField label="console.orders.state" render={(r: any) => <StateChip state={r.state} />} />
        <TextField source="buyer_company" label="console.orders.buyer" sortable={false} />
        <FunctionField
          label="console.orders.total"
          textAlign="right"
          render={(r: any) => <Money amount={r.total} currency={r.currency} />}
        />
      </Datagrid>
    </List>
  );
}

function SupplierOrderDetail() {
  const order = useRecordContext<any>();
  const translate = useTranslate();
  const data = useConsoleData();
  const refresh = useRefresh();
  // Until the detail arrives the record may be the list's row (no part, delivery or history).
  if (!order?.part) return <Loading />;
  return (
    <Box sx={{ p: 2, display: 'grid', gap: 2 }}>
      <Box sx={{ display: 'flex', gap: 2, alignItems: 'center', flexWrap: 'wrap' }}>
        <Typography variant="h5" component="h2">
          {translate('console.orders.title_one', { number: order.number })}
        </Typography>
        <StateChip state={order.part.state} />
      </Box>
      <StateChange
        idPrefix="part"
        label={translate('console.orders.change_part_state', { shop: order.part.shop.name })}
        allowed={order.allowed_states ?? []}
        onChange={async (state, note) => {
          await data.setSupplierOrderState(order.id, { state, ...(note ? { note } : {}) });
          refresh();
        }}
      />
      <LinesTable lines={order.part.lines} currency={order.currency} />
      <Totals {...order.part} currency={order.currency} />
      {/* biome-ignore lint/a11y/useValidAriaRole: `role` is the viewer's role (the panel's agreed props), not an ARIA role */}
      <OrderPaymentsPanel
        // A state change (a cancel makes a refund) adds to the history: the panel loads afresh.
        key={order.history?.length ?? 0}
        orderId={Number(order.id)}
        role="supplier"
      />
      <Typography variant="h6" component="h3">
        {translate('console.orders.delivery')}
      </Typography>
      <Address delivery={order.delivery} />
      <Typography variant="body2">
        {order.buyer.company} — {order.buyer.first_name} {order.buyer.last_name}, {order.buyer.email}{' '}
        {order.buyer.phone ?? ''}
      </Typography>
      <Typography variant="h6" component="h3">
        {translate('console.orders.history')}
      </Typography>
      <History history={order.history ?? []} />
    </Box>
  );
}

export function SupplierOrderShow() {
  return (
    <Show>
      <SupplierOrderDetail />
    </Show>
  );
}
