// Recording a bank payment of a part and voiding one (staff, or the part's supplier): small forms in
// dialogs that call the API and tell the panel to reload.
import {
  Alert,
  Button,
  Dialog,
  DialogActions,
  DialogContent,
  DialogTitle,
  TextField,
  Typography,
} from '@mui/material';
import { type FormEvent, useState } from 'react';
import { useLocale, useNotify, useTranslate } from 'react-admin';
import { formatMoney, useConsoleData } from '../components/common.tsx';
import {
  dayToInstant,
  normalizeAmount,
  type PartPayments,
  type Payment,
  problemText,
  todayInput,
} from './shared.tsx';

export function RecordPaymentDialog(props: {
  orderId: number;
  part: PartPayments;
  currency: string;
  open: boolean;
  onClose: () => void;
  onDone: () => void;
}) {
  const translate = useTranslate();
  const notify = useNotify();
  const data = useConsoleData();
  const due = props.part.due_amount;
  const [amount, setAmount] = useState(/[1-9]/.test(due) ? due.replace('.', ',') : '');
  const [day, setDay] = useState(todayInput());
  const [reference, setReference] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [amountError, setAmountError] = useState(false);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const exact = normalizeAmount(amount);
    setAmountError(exact === null);
    if (exact === null) return;
    setBusy(true);
    setError(null);
    try {
      await data.call('POST', '/api/v2/orders/{id}/parts/{part_id}/payments', {
        params: { path: { id: props.orderId, part_id: props.part.part_id } },
        body: { amount: exact, paid_at: dayToInstant(day), reference: reference.trim() },
      });
      notify('console.payments.recorded', { type: 'success' });
      setReference('');
      props.onDone();
      props.onClose();
    } catch (failure) {
      setError(problemText(failure));
    } finally {
      setBusy(false);
    }
  }

  const titleId = `record-payment-${props.part.part_id}`;
  return (
    <Dialog open={props.open} onClose={props.onClose} aria-labelledby={titleId}>
      <form onSubmit={submit} aria-label={translate('console.payments.record')} noValidate>
        <DialogTitle id={titleId}>
          {translate('console.payments.record_title', { shop: props.part.shop.name })}
        </DialogTitle>
        <DialogContent sx={{ display: 'grid', gap: 2, pt: '8px !important', minWidth: { sm: 420 } }}>
          <Typography variant="body2" color="text.secondary">
            {translate('console.payments.record_hint')}
          </Typography>
          <TextField
            label={translate('console.payments.amount')}
            value={amount}
            onChange={(event) => setAmount(event.target.value)}
            error={amountError}
            helperText={amountError ? translate('console.payments.amount_invalid') : ' '}
            inputProps={{ inputMode: 'decimal' }}
            required
            autoFocus
          />
          <TextField
            label={translate('console.payments.paid_at')}
            type="date"
            value={day}
            onChange={(event) => setDay(event.target.value)}
            InputLabelProps={{ shrink: true }}
            required
          />
          <TextField
            label={translate('console.payments.reference')}
            value={reference}
            onChange={(event) => setReference(event.target.value)}
            inputProps={{ maxLength: 200 }}
          />
          {error ? <Alert severity="error">{translate(error, { _: error })}</Alert> : null}
        </DialogContent>
        <DialogActions>
          <Button onClick={props.onClose}>{translate('ra.action.cancel')}</Button>
          <Button type="submit" variant="contained" disabled={busy || !day}>
            {translate('console.payments.record')}
          </Button>
        </DialogActions>
      </form>
    </Dialog>
  );
}

export function VoidPaymentDialog(props: {
  orderId: number;
  payment: Payment | null;
  onClose: () => void;
  onDone: () => void;
}) {
  const translate = useTranslate();
  const locale = useLocale();
  const notify = useNotify();
  const data = useConsoleData();
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const payment = props.payment;

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!payment || !reason.trim()) return;
    setBusy(true);
    setError(null);
    try {
      await data.call('POST', '/api/v2/orders/{id}/parts/{part_id}/payments/{payment_id}/void', {
        params: { path: { id: props.orderId, part_id: payment.part_id, payment_id: payment.id } },
        body: { reason: reason.trim() },
      });
      notify('console.payments.void_done', { type: 'success' });
      setReason('');
      props.onDone();
      props.onClose();
    } catch (failure) {
      setError(problemText(failure));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Dialog open={payment !== null} onClose={props.onClose} aria-labelledby="void-payment-title">
      <form onSubmit={submit} aria-label={translate('console.payments.void')} noValidate>
        <DialogTitle id="void-payment-title">
          {payment
            ? translate('console.payments.void_title', {
                amount: formatMoney(payment.amount, payment.currency, locale),
              })
            : ''}
        </DialogTitle>
        <DialogContent sx={{ display: 'grid', gap: 2, pt: '8px !important', minWidth: { sm: 420 } }}>
          <TextField
            label={translate('console.payments.void_reason')}
            value={reason}
            onChange={(event) => setReason(event.target.value)}
            inputProps={{ maxLength: 1000 }}
            multiline
            required
            autoFocus
          />
          {error ? <Alert severity="error">{translate(error, { _: error })}</Alert> : null}
        </DialogContent>
        <DialogActions>
          <Button onClick={props.onClose}>{translate('ra.action.cancel')}</Button>
          <Button type="submit" color="error" variant="contained" disabled={busy || !reason.trim()}>
            {translate('console.payments.void')}
          </Button>
        </DialogActions>
      </form>
    </Dialog>
  );
}
