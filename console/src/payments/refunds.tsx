// Staff: the refunds of canceled parts (card refunds go through the provider; bank refunds are
// transfers staff make and then mark done with the transfer's payment order) and the log of
// provider notifications, refused ones included (an amount or currency that differs).
import {
  Alert,
  Button,
  Chip,
  Dialog,
  DialogActions,
  DialogContent,
  DialogTitle,
  TextField as MuiTextField,
} from '@mui/material';
import { type FormEvent, useState } from 'react';
import {
  Datagrid,
  FunctionField,
  List,
  SelectInput,
  TextField,
  useLocale,
  useNotify,
  useRefresh,
  useTranslate,
} from 'react-admin';
import { Link } from 'react-router-dom';
import { formatMoney, LocalDateField, Money, useConsoleData } from '../components/common.tsx';
import { ListPagination } from '../components/ListPagination.tsx';
import { problemText, type Refund } from './shared.tsx';

const refundFilters = [
  <SelectInput
    key="status"
    source="status"
    label="console.refunds.status"
    alwaysOn
    choices={['pending', 'succeeded', 'failed'].map((id) => ({
      id,
      name: `console.payments.refund_statuses.${id}`,
    }))}
  />,
];

function CompleteRefund({ refund }: { refund: Refund }) {
  const translate = useTranslate();
  const locale = useLocale();
  const notify = useNotify();
  const refresh = useRefresh();
  const data = useConsoleData();
  const [open, setOpen] = useState(false);
  const [reference, setReference] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  if (refund.method !== 'bank_transfer' || refund.status !== 'pending') return null;

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await data.call('POST', '/api/v2/admin/payments/refunds/{id}/complete', {
        params: { path: { id: refund.id } },
        body: { reference: reference.trim() },
      });
      notify('console.refunds.completed', { type: 'success' });
      setOpen(false);
      refresh();
    } catch (failure) {
      setError(problemText(failure));
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      <Button
        size="small"
        variant="outlined"
        onClick={(event) => {
          event.stopPropagation();
          setOpen(true);
        }}
      >
        {translate('console.refunds.complete')}
      </Button>
      <Dialog open={open} onClose={() => setOpen(false)} aria-labelledby={`complete-refund-${refund.id}`}>
        <form onSubmit={submit} aria-label={translate('console.refunds.complete')}>
          <DialogTitle id={`complete-refund-${refund.id}`}>
            {translate('console.refunds.complete_title', {
              amount: formatMoney(refund.amount, refund.currency, locale),
            })}
          </DialogTitle>
          <DialogContent sx={{ pt: '8px !important', minWidth: { sm: 420 } }}>
            <MuiTextField
              fullWidth
              label={translate('console.refunds.complete_reference')}
              value={reference}
              onChange={(event) => setReference(event.target.value)}
              inputProps={{ maxLength: 200 }}
              required
              autoFocus
            />
            {error ? (
              <Alert severity="error" sx={{ mt: 1 }}>
                {translate(error, { _: error })}
              </Alert>
            ) : null}
          </DialogContent>
          <DialogActions>
            <Button onClick={() => setOpen(false)}>{translate('ra.action.cancel')}</Button>
            <Button type="submit" variant="contained" disabled={busy || !reference.trim()}>
              {translate('console.actions.confirm')}
            </Button>
          </DialogActions>
        </form>
      </Dialog>
    </>
  );
}

export function RefundList() {
  const translate = useTranslate();
  return (
    <List filters={refundFilters} pagination={<ListPagination />} perPage={25} empty={false}>
      <Datagrid bulkActionButtons={false} rowClick={false}>
        <LocalDateField source="created_at" label="console.refunds.created_at" showTime sortable={false} />
        <FunctionField
          label="console.refunds.order"
          render={(record: Refund) => (
            <Link to={`/orders/${record.order_id}/show`}>
              #{record.order_id} · {translate('console.refunds.part')} #{record.part_id}
            </Link>
          )}
        />
        <FunctionField
          label="console.refunds.method"
          render={(record: Refund) => translate(`console.payments.methods.${record.method}`)}
        />
        <FunctionField
          label="console.refunds.amount"
          textAlign="right"
          render={(record: Refund) => <Money amount={record.amount} currency={record.currency} />}
        />
        <FunctionField
          label="console.refunds.status"
          render={(record: Refund) => (
            <>
              <Chip
                size="small"
                color={
                  record.status === 'succeeded' ? 'success' : record.status === 'failed' ? 'error' : 'warning'
                }
                label={translate(`console.payments.refund_statuses.${record.status}`)}
              />
              {record.failure_reason
                ? ` ${translate('console.refunds.failure', { reason: record.failure_reason })}`
                : ''}
            </>
          )}
        />
        <TextField source="reason" label="console.refunds.reason" sortable={false} />
        <TextField source="reference" label="console.refunds.reference" sortable={false} />
        <LocalDateField
          source="completed_at"
          label="console.refunds.completed_at"
          showTime
          sortable={false}
        />
        <FunctionField render={(record: Refund) => <CompleteRefund refund={record} />} />
      </Datagrid>
    </List>
  );
}

const OUTCOMES = [
  'recorded',
  'duplicate',
  'canceled',
  'not_final',
  'refund_recorded',
  'refund_failed',
  'unknown',
  'refused_amount_mismatch',
];

const notificationFilters = [
  <SelectInput
    key="outcome"
    source="outcome"
    label="console.notifications.outcome"
    alwaysOn
    choices={OUTCOMES.map((id) => ({ id, name: `console.notifications.outcomes.${id}` }))}
  />,
];

export function NotificationList() {
  const translate = useTranslate();
  return (
    <List filters={notificationFilters} pagination={<ListPagination />} perPage={25} empty={false}>
      <Datagrid bulkActionButtons={false} rowClick={false}>
        <LocalDateField
          source="received_at"
          label="console.notifications.received_at"
          showTime
          sortable={false}
        />
        <TextField source="provider" label="console.notifications.provider" sortable={false} />
        <TextField source="event" label="console.notifications.event" sortable={false} />
        <TextField source="provider_object_id" label="console.notifications.object" sortable={false} />
        <FunctionField
          label="console.notifications.outcome"
          render={(record: { outcome: string }) => (
            <Chip
              size="small"
              color={record.outcome.startsWith('refused') ? 'error' : 'default'}
              label={translate(`console.notifications.outcomes.${record.outcome}`, { _: record.outcome })}
            />
          )}
        />
        <TextField source="detail" label="console.notifications.detail" sortable={false} />
      </Datagrid>
    </List>
  );
}
