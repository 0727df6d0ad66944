// The buyer's «Счета и оплата»: its orders with their payment status (each row opens the parts'
// status, sums due and invoices), and an order's page to download the invoices and pay by card.
// The card provider sends the buyer back to that page, which shows the outcome.
import { Box, Typography } from '@mui/material';
import {
  Datagrid,
  FunctionField,
  List,
  ListButton,
  Show,
  TextField,
  TopToolbar,
  useRecordContext,
  useTranslate,
} from 'react-admin';
import { DateText, Loading, LocalDateField, Money, StateChip } from '../components/common.tsx';
import { ListPagination } from '../components/ListPagination.tsx';
import { PaymentsPanel } from './OrderPaymentsPanel.tsx';
import { PaymentStatusChip } from './shared.tsx';

interface OrderSummary {
  id: number;
  number: string;
  state: string;
  created_at: string;
  total: string;
  currency: string;
  payment_status: string;
}

function ExpandedPayments() {
  const record = useRecordContext<OrderSummary>();
  if (!record) return null;
  return (
    <Box sx={{ p: 1 }}>
      <PaymentsPanel key={record.id} orderId={record.id} viewer="buyer" />
    </Box>
  );
}

export function BuyerPaymentOrderList() {
  return (
    <List pagination={<ListPagination />} perPage={25} empty={false} exporter={false}>
      <Datagrid bulkActionButtons={false} rowClick="show" expand={<ExpandedPayments />}>
        <TextField source="number" label="console.buyer_payments.number" sortable={false} />
        <LocalDateField
          source="created_at"
          label="console.buyer_payments.created_at"
          showTime
          sortable={false}
        />
        <FunctionField
          label="console.buyer_payments.state"
          render={(record: OrderSummary) => <StateChip state={record.state} />}
        />
        <FunctionField
          label="console.buyer_payments.total"
          textAlign="right"
          render={(record: OrderSummary) => <Money amount={record.total} currency={record.currency} />}
        />
        <FunctionField
          label="console.payments.status"
          render={(record: OrderSummary) => <PaymentStatusChip status={record.payment_status} />}
        />
      </Datagrid>
    </List>
  );
}

function BuyerPaymentOrderDetail() {
  const order = useRecordContext<OrderSummary>();
  const translate = useTranslate();
  if (!order) return <Loading />;
  return (
    <Box sx={{ p: { xs: 1, md: 2 }, display: 'grid', gap: 2 }}>
      <Box sx={{ display: 'flex', flexWrap: 'wrap', alignItems: 'center', gap: 2 }}>
        <Typography variant="h5" component="h2">
          {translate('console.buyer_payments.open', { number: order.number })}
        </Typography>
        <StateChip state={order.state} />
        <DateText value={order.created_at} />
      </Box>
      <PaymentsPanel key={order.id} orderId={Number(order.id)} viewer="buyer" />
    </Box>
  );
}

export function BuyerPaymentOrderShow() {
  return (
    <Show
      actions={
        <TopToolbar>
          <ListButton label="console.buyer_payments.back" />
        </TopToolbar>
      }
    >
      <BuyerPaymentOrderDetail />
    </Show>
  );
}
