// An order's payments for whoever looks at it (GET /api/v2/orders/:id/payments answers what the
// role may see: the buyer every part, a supplier its own, staff all): the status and sums of the
// order and of each part, the invoice with its PDF, the payments (voided ones with their reason),
// refunds and the history. Staff and the part's supplier record and void bank payments; the buyer
// pays what is due by card and comes back to the page it left (`card_payment=latest` in the
// address), which shows the outcome of its newest card payment and asks again while it is pending.
import {
  Alert,
  Box,
  Button,
  Card,
  CardContent,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  Typography,
} from '@mui/material';
import { useState } from 'react';
import { useLocale, useNotify, useTranslate } from 'react-admin';
import { useLocation } from 'react-router-dom';
import {
  DateText,
  ErrorText,
  formatMoney,
  Loading,
  Money,
  StateChip,
  saveBlob,
  useConsoleData,
  usePolling,
} from '../components/common.tsx';
import { RecordPaymentDialog, VoidPaymentDialog } from './PaymentDialogs.tsx';
import {
  DayText,
  isPositive,
  type OrderPayments,
  type PartPayments,
  type Payment,
  PaymentStatusChip,
  problemText,
} from './shared.tsx';

export type PanelRole = 'staff' | 'supplier' | 'buyer';

/** The address parameter a return from the card provider carries. */
export const CARD_RETURN_PARAM = 'card_payment';

function Sums(props: { total: string; paid: string; refunded: string; due: string; currency: string }) {
  const translate = useTranslate();
  const item = (label: string, amount: string, strong = false) => (
    <Box component="span" sx={{ display: 'inline-flex', gap: 0.5, fontWeight: strong ? 700 : 400 }}>
      <span>{translate(label)}:</span>
      <Money amount={amount} currency={props.currency} />
    </Box>
  );
  return (
    <Box sx={{ display: 'flex', flexWrap: 'wrap', columnGap: 3, rowGap: 0.5 }}>
      {item('console.payments.total', props.total)}
      {item('console.payments.paid', props.paid)}
      {isPositive(props.refunded) ? item('console.payments.refunded', props.refunded) : null}
      {item('console.payments.due', props.due, isPositive(props.due))}
    </Box>
  );
}

function InvoiceLine(props: { orderId: number; part: PartPayments; currency: string; onIssued: () => void }) {
  const { orderId, part, currency } = props;
  const translate = useTranslate();
  const locale = useLocale();
  const notify = useNotify();
  const data = useConsoleData();
  const invoice = part.invoice;
  async function download() {
    try {
      const blob = await data.download('/api/v2/orders/{id}/parts/{part_id}/invoice.pdf', {
        id: orderId,
        part_id: part.part_id,
      });
      saveBlob(blob, `invoice-${invoice?.number ?? part.part_id}.pdf`);
      // The first download issues the invoice: show its number.
      if (!invoice) props.onIssued();
    } catch (failure) {
      notify(problemText(failure) || 'console.payments.download_failed', { type: 'error' });
    }
  }
  const vat =
    invoice && invoice.vat_rate !== 'none'
      ? translate('console.payments.invoice_vat', {
          rate: invoice.vat_rate,
          amount: formatMoney(invoice.vat_amount, currency, locale),
        })
      : translate('console.payments.invoice_no_vat');
  return (
    <Box sx={{ display: 'flex', flexWrap: 'wrap', alignItems: 'center', gap: 1 }}>
      <Typography variant="body2">
        {invoice
          ? `${translate('console.payments.invoice', {
              number: invoice.number,
              date: new Date(invoice.issued_at).toLocaleDateString(locale === 'en' ? 'en-GB' : 'ru-RU'),
            })} · ${vat}`
          : translate('console.payments.no_invoice')}
      </Typography>
      <Button size="small" variant="outlined" onClick={download}>
        {translate('console.payments.download_invoice')}
      </Button>
    </Box>
  );
}

function PaymentsTable(props: {
  part: PartPayments;
  canManage: boolean;
  onVoid: (payment: Payment) => void;
}) {
  const translate = useTranslate();
  if (!props.part.payments.length) {
    return (
      <Typography variant="body2" color="text.secondary">
        {translate('console.payments.no_payments')}
      </Typography>
    );
  }
  return (
    <Box sx={{ overflowX: 'auto' }}>
      <Table size="small" aria-label={`${translate('console.payments.payments')}: ${props.part.shop.name}`}>
        <TableHead>
          <TableRow>
            <TableCell>{translate('console.payments.paid_at')}</TableCell>
            <TableCell>{translate('console.payments.method')}</TableCell>
            <TableCell align="right">{translate('console.payments.amount')}</TableCell>
            <TableCell>{translate('console.payments.reference')}</TableCell>
            <TableCell>{translate('console.payments.recorded_by')}</TableCell>
            {props.canManage ? <TableCell /> : null}
          </TableRow>
        </TableHead>
        <TableBody>
          {props.part.payments.map((payment) => (
            <TableRow
              key={payment.id}
              sx={payment.voided ? { '& td': { color: 'text.disabled' } } : undefined}
            >
              <TableCell>
                <DayText value={payment.paid_at} />
              </TableCell>
              <TableCell>
                {translate(`console.payments.methods.${payment.method}`)},{' '}
                {translate(`console.payments.sources.${payment.source}`)}
              </TableCell>
              <TableCell align="right" sx={payment.voided ? { textDecoration: 'line-through' } : undefined}>
                <Money amount={payment.amount} currency={payment.currency} />
              </TableCell>
              <TableCell>
                {payment.reference || '—'}
                {payment.voided ? (
                  <Typography variant="caption" color="error" display="block">
                    {translate('console.payments.voided', {
                      date: new Date(payment.voided_at ?? '').toLocaleDateString('ru-RU'),
                      reason: payment.void_reason ?? '',
                    })}
                  </Typography>
                ) : null}
              </TableCell>
              <TableCell>
                {translate(`console.roles.${payment.recorded_by.role}`, { _: payment.recorded_by.role })}
                {payment.recorded_by.id ? ` #${payment.recorded_by.id}` : ''}
              </TableCell>
              {props.canManage ? (
                <TableCell align="right">
                  {!payment.voided && payment.method === 'bank_transfer' ? (
                    <Button size="small" color="error" onClick={() => props.onVoid(payment)}>
                      {translate('console.payments.void')}
                    </Button>
                  ) : null}
                </TableCell>
              ) : null}
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </Box>
  );
}

function PartCard(props: {
  view: OrderPayments;
  part: PartPayments;
  role: PanelRole;
  onChanged: () => void;
}) {
  const translate = useTranslate();
  const locale = useLocale();
  const { part, view } = props;
  const [recording, setRecording] = useState(false);
  const [voiding, setVoiding] = useState<Payment | null>(null);
  const canManage = props.role !== 'buyer';
  const title = translate('console.payments.part_of', { shop: part.shop.name });
  return (
    <Card variant="outlined" component="section" aria-label={title}>
      <CardContent sx={{ display: 'grid', gap: 1 }}>
        <Box sx={{ display: 'flex', flexWrap: 'wrap', alignItems: 'center', gap: 1 }}>
          <Typography variant="subtitle1" component="h4" sx={{ fontWeight: 600 }}>
            {title}
          </Typography>
          <StateChip state={part.state} />
          <PaymentStatusChip status={part.status} />
        </Box>
        <Sums
          total={part.total}
          paid={part.paid_amount}
          refunded={part.refunded_amount}
          due={part.due_amount}
          currency={view.currency}
        />
        <InvoiceLine
          orderId={view.order_id}
          part={part}
          currency={view.currency}
          onIssued={props.onChanged}
        />
        <PaymentsTable part={part} canManage={canManage} onVoid={setVoiding} />
        {part.refunds.length ? (
          <Box>
            <Typography variant="body2" sx={{ fontWeight: 600 }}>
              {translate('console.payments.refunds')}
            </Typography>
            {part.refunds.map((refund) => (
              <Typography key={refund.id} variant="body2">
                {translate('console.payments.refund_line', {
                  amount: formatMoney(refund.amount, refund.currency, locale),
                  method: translate(`console.payments.methods.${refund.method}`),
                  status: translate(`console.payments.refund_statuses.${refund.status}`),
                })}
                {refund.reference ? ` — ${refund.reference}` : ''}
              </Typography>
            ))}
          </Box>
        ) : null}
        {canManage ? (
          <Box>
            <Button variant="contained" size="small" onClick={() => setRecording(true)}>
              {translate('console.payments.record')}
            </Button>
            {recording ? (
              <RecordPaymentDialog
                orderId={view.order_id}
                part={part}
                currency={view.currency}
                open={recording}
                onClose={() => setRecording(false)}
                onDone={props.onChanged}
              />
            ) : null}
            <VoidPaymentDialog
              orderId={view.order_id}
              payment={voiding}
              onClose={() => setVoiding(null)}
              onDone={props.onChanged}
            />
          </Box>
        ) : null}
      </CardContent>
    </Card>
  );
}

function PaymentHistory({ view }: { view: OrderPayments }) {
  const translate = useTranslate();
  if (!view.history.length) return null;
  const shopOf = new Map(view.parts.map((part) => [part.part_id, part.shop.name]));
  return (
    <Box sx={{ overflowX: 'auto' }}>
      <Typography variant="subtitle1" component="h4" sx={{ fontWeight: 600 }}>
        {translate('console.payments.history')}
      </Typography>
      <Table size="small" aria-label={translate('console.payments.history')}>
        <TableHead>
          <TableRow>
            <TableCell>{translate('console.payments.when')}</TableCell>
            <TableCell>{translate('console.payments.what')}</TableCell>
            <TableCell align="right">{translate('console.payments.amount')}</TableCell>
            <TableCell>{translate('console.payments.who')}</TableCell>
            <TableCell>{translate('console.payments.note')}</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {view.history.map((event) => (
            <TableRow key={event.id}>
              <TableCell>
                <DateText value={event.at} />
              </TableCell>
              <TableCell>
                {translate(`console.payments.events.${event.kind}`, { _: event.kind })}
                {shopOf.get(event.part_id) ? ` (${shopOf.get(event.part_id)})` : ''}
              </TableCell>
              <TableCell align="right">
                <Money amount={event.amount} currency={view.currency} />
              </TableCell>
              <TableCell>{translate(`console.roles.${event.actor_role}`, { _: event.actor_role })}</TableCell>
              <TableCell>{event.note}</TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </Box>
  );
}

/** The buyer's card payment: the button, and on return the outcome of the payment it made. */
function CardPayment({ view, returned }: { view: OrderPayments; returned: boolean }) {
  const translate = useTranslate();
  const locale = useLocale();
  const data = useConsoleData();
  const location = useLocation();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const card = returned ? newest(view) : undefined;
  const live = view.parts.some((part) => part.state !== 'canceled');

  async function pay() {
    setBusy(true);
    setError(null);
    try {
      // The provider sends the buyer back to this page (the console is served under /console).
      const search = new URLSearchParams(location.search);
      search.set(CARD_RETURN_PARAM, 'latest');
      const started = await data.call<{ redirect_url: string; card_payment: { provider: string } }>(
        'POST',
        '/api/v2/orders/{id}/payments/card',
        {
          params: { path: { id: view.order_id } },
          body: { return_path: `/console${location.pathname}?${search}` },
        },
      );
      // The sandbox's page is served by Zakupka itself: open it on this origin (PUBLIC_URL may name
      // another address of this server), and it sends the buyer back here on the same origin.
      const target =
        started.card_payment.provider === 'sandbox'
          ? `${new URL(started.redirect_url).pathname}${new URL(started.redirect_url).search}`
          : started.redirect_url;
      window.location.assign(target);
    } catch (failure) {
      setError(problemText(failure));
      setBusy(false);
    }
  }

  return (
    <Box sx={{ display: 'grid', gap: 1 }}>
      {card?.status === 'succeeded' ? (
        <Alert severity="success">{translate('console.payments.card_paid')}</Alert>
      ) : null}
      {card?.status === 'pending' ? (
        <Alert severity="info">{translate('console.payments.card_pending')}</Alert>
      ) : null}
      {card?.status === 'canceled' ? (
        <Alert severity="warning">{translate('console.payments.card_canceled')}</Alert>
      ) : null}
      {live && isPositive(view.due_amount) ? (
        <Box>
          <Button variant="contained" color="success" onClick={pay} disabled={busy}>
            {busy
              ? translate('console.payments.pay_card_redirect')
              : translate('console.payments.pay_card', {
                  amount: formatMoney(view.due_amount, view.currency, locale),
                })}
          </Button>
        </Box>
      ) : null}
      {error ? <Alert severity="error">{translate(error, { _: error })}</Alert> : null}
    </Box>
  );
}

export function PaymentsPanel({ orderId, viewer: role }: { orderId: number; viewer: PanelRole }) {
  const translate = useTranslate();
  const data = useConsoleData();
  const location = useLocation();
  const returned = role === 'buyer' && new URLSearchParams(location.search).has(CARD_RETURN_PARAM);
  const { value, error, restart } = usePolling(
    () =>
      data.call<OrderPayments>('GET', '/api/v2/orders/{id}/payments', { params: { path: { id: orderId } } }),
    2000,
    // Back from the provider: ask again while the newest card payment waits for its notification.
    (view) => returned && newest(view)?.status === 'pending',
  );
  if (error) return <ErrorText error={error} />;
  if (!value || value.order_id !== orderId) return <Loading />;
  const view = value;
  return (
    <Box
      component="section"
      aria-label={translate('console.payments.title')}
      sx={{ display: 'grid', gap: 1.5 }}
    >
      <Box sx={{ display: 'flex', flexWrap: 'wrap', alignItems: 'center', gap: 1 }}>
        <Typography variant="h6" component="h3">
          {translate('console.payments.title')}
        </Typography>
        <PaymentStatusChip status={view.status} />
      </Box>
      <Sums
        total={view.total}
        paid={view.paid_amount}
        refunded={view.refunded_amount}
        due={view.due_amount}
        currency={view.currency}
      />
      {role === 'buyer' ? <CardPayment view={view} returned={returned} /> : null}
      {view.parts.map((part) => (
        <PartCard key={part.part_id} view={view} part={part} role={role} onChanged={restart} />
      ))}
      <PaymentHistory view={view} />
    </Box>
  );
}

function newest(view: OrderPayments) {
  return view.card_payments.reduce<OrderPayments['card_payments'][number] | undefined>(
    (best, card) => (!best || card.id > best.id ? card : best),
    undefined,
  );
}
