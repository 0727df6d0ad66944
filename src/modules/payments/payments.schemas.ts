// The v2 shapes of payments, invoices, refunds, card payments and statement reports, and their
// presenters (snake_case, money as two-place decimal strings with the currency alongside).
import { type Static, Type } from 'typebox';
import type { CardPayment, Invoice, Payment, PaymentEvent, Refund } from '../../db/schema/payments.ts';
import { Money, Timestamp } from '../../http/common-schemas.ts';
import { OrderStateSchema, PaymentStatusSchema } from '../orders/orders.schemas.ts';
import type { OrderPayments } from './payments.service.ts';

const Id = Type.Integer({ minimum: 1, maximum: 2_147_483_647 });
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) =>
  Type.Union([schema, Type.Null()]);

export const OrderPartParams = Type.Object({ id: Id, part_id: Id });
export const PaymentParams = Type.Object({ id: Id, part_id: Id, payment_id: Id });
export const RefundParams = Type.Object({ id: Id });

export const AmountString = Type.String({
  pattern: '^\\d{1,12}(\\.\\d{1,2})?$',
  description: 'A positive decimal amount in the order currency, e.g. "1200.00"',
  examples: ['1200.00'],
});

export const RecordPaymentBody = Type.Object(
  {
    amount: AmountString,
    paid_at: Type.String({
      format: 'date-time',
      description: 'When the money arrived (the statement date); at most a day ahead',
    }),
    reference: Type.String({
      maxLength: 200,
      description: 'The payment order number and date, e.g. "п/п № 512 от 03.12.2026"',
    }),
  },
  { additionalProperties: false },
);

export const VoidPaymentBody = Type.Object(
  { reason: Type.String({ minLength: 1, maxLength: 1000 }) },
  { additionalProperties: false },
);

export const PaymentSchema = Type.Object({
  id: Type.Integer(),
  order_id: Type.Integer(),
  part_id: Type.Integer(),
  shop_id: Type.Integer(),
  method: Type.Union([Type.Literal('bank_transfer'), Type.Literal('card')]),
  source: Type.Union([Type.Literal('manual'), Type.Literal('statement'), Type.Literal('card')], {
    description:
      'manual: recorded by a person; statement: matched in an uploaded bank statement; card: a provider',
  }),
  amount: Money,
  currency: Type.String(),
  paid_at: Timestamp,
  reference: Type.String(),
  recorded_by: Type.Object({
    id: Nullable(Type.Integer()),
    role: Type.String({ description: 'supplier, staff or system' }),
  }),
  voided: Type.Boolean(),
  voided_at: Nullable(Timestamp),
  void_reason: Nullable(Type.String()),
  created_at: Timestamp,
});

export const RefundSchema = Type.Object({
  id: Type.Integer(),
  order_id: Type.Integer(),
  part_id: Type.Integer(),
  shop_id: Type.Integer(),
  method: Type.Union([Type.Literal('bank_transfer'), Type.Literal('card')], {
    description: 'card: through the provider; bank_transfer: staff send it and mark it done',
  }),
  amount: Money,
  currency: Type.String(),
  status: Type.Union([Type.Literal('pending'), Type.Literal('succeeded'), Type.Literal('failed')]),
  reason: Type.String(),
  reference: Type.String(),
  failure_reason: Nullable(Type.String()),
  created_at: Timestamp,
  completed_at: Nullable(Timestamp),
});

export const InvoiceSchema = Type.Object({
  id: Type.Integer(),
  number: Type.String({ description: 'YYYY-NNNNN, sequential per shop and year' }),
  issued_at: Timestamp,
  amount: Money,
  currency: Type.String(),
  vat_rate: Type.String({ description: 'none, 0, 5, 7, 10 or 20' }),
  vat_amount: Money,
  pdf_url: Type.String({ description: 'GET it with the same credentials' }),
});

export const CardPaymentSchema = Type.Object({
  id: Type.Integer(),
  provider: Type.String(),
  provider_payment_id: Nullable(Type.String()),
  status: Type.Union([Type.Literal('pending'), Type.Literal('succeeded'), Type.Literal('canceled')]),
  amount: Money,
  currency: Type.String(),
  created_at: Timestamp,
  completed_at: Nullable(Timestamp),
});

export const PaymentEventSchema = Type.Object({
  id: Type.Integer(),
  part_id: Type.Integer(),
  kind: Type.Union([
    Type.Literal('payment_recorded'),
    Type.Literal('payment_voided'),
    Type.Literal('refund_created'),
    Type.Literal('refund_succeeded'),
    Type.Literal('refund_failed'),
  ]),
  payment_id: Nullable(Type.Integer()),
  refund_id: Nullable(Type.Integer()),
  amount: Money,
  actor_id: Nullable(Type.Integer()),
  actor_role: Type.String(),
  note: Type.String(),
  at: Timestamp,
});

export const OrderPaymentsSchema = Type.Object({
  order_id: Type.Integer(),
  number: Type.String(),
  currency: Type.String(),
  total: Type.Unsafe<string>({ ...Money, description: 'A supplier sees its own part only' }),
  status: PaymentStatusSchema,
  paid_amount: Money,
  refunded_amount: Money,
  due_amount: Type.Unsafe<string>({ ...Money, description: 'Still to pay over the live parts' }),
  parts: Type.Array(
    Type.Object({
      part_id: Type.Integer(),
      shop: Type.Object({ id: Type.Integer(), name: Type.String() }),
      state: OrderStateSchema,
      total: Money,
      status: PaymentStatusSchema,
      paid_amount: Money,
      refunded_amount: Money,
      due_amount: Money,
      invoice: Nullable(InvoiceSchema),
      payments: Type.Array(PaymentSchema),
      refunds: Type.Array(RefundSchema),
    }),
  ),
  card_payments: Type.Array(CardPaymentSchema),
  history: Type.Array(PaymentEventSchema),
});

export function invoicePdfUrl(orderId: number, partId: number): string {
  return `/api/v2/orders/${orderId}/parts/${partId}/invoice.pdf`;
}

export function presentPayment(payment: Payment): Static<typeof PaymentSchema> {
  return {
    id: payment.id,
    order_id: payment.orderId,
    part_id: payment.partId,
    shop_id: payment.shopId,
    method: payment.method,
    source: payment.source,
    amount: payment.amount,
    currency: payment.currency,
    paid_at: payment.paidAt.toISOString(),
    reference: payment.reference,
    recorded_by: { id: payment.recordedById, role: payment.recordedByRole },
    voided: payment.voidedAt !== null,
    voided_at: payment.voidedAt?.toISOString() ?? null,
    void_reason: payment.voidReason,
    created_at: payment.createdAt.toISOString(),
  };
}

export function presentRefund(refund: Refund): Static<typeof RefundSchema> {
  return {
    id: refund.id,
    order_id: refund.orderId,
    part_id: refund.partId,
    shop_id: refund.shopId,
    method: refund.method,
    amount: refund.amount,
    currency: refund.currency,
    status: refund.status,
    reason: refund.reason,
    reference: refund.reference,
    failure_reason: refund.failureReason,
    created_at: refund.createdAt.toISOString(),
    completed_at: refund.completedAt?.toISOString() ?? null,
  };
}

export function presentInvoice(invoice: Invoice): Static<typeof InvoiceSchema> {
  return {
    id: invoice.id,
    number: invoice.number,
    issued_at: invoice.issuedAt.toISOString(),
    amount: invoice.amount,
    currency: invoice.currency,
    vat_rate: invoice.vatRate,
    vat_amount: invoice.vatAmount,
    pdf_url: invoicePdfUrl(invoice.orderId, invoice.partId),
  };
}

export function presentCardPayment(card: CardPayment): Static<typeof CardPaymentSchema> {
  return {
    id: card.id,
    provider: card.provider,
    provider_payment_id: card.providerPaymentId,
    status: card.status,
    amount: card.amount,
    currency: card.currency,
    created_at: card.createdAt.toISOString(),
    completed_at: card.completedAt?.toISOString() ?? null,
  };
}

function presentEvent(event: PaymentEvent): Static<typeof PaymentEventSchema> {
  return {
    id: event.id,
    part_id: event.partId,
    kind: event.kind,
    payment_id: event.paymentId,
    refund_id: event.refundId,
    amount: event.amount,
    actor_id: event.actorId,
    actor_role: event.actorRole,
    note: event.note,
    at: event.createdAt.toISOString(),
  };
}

export function presentOrderPayments(view: OrderPayments): Static<typeof OrderPaymentsSchema> {
  return {
    order_id: view.orderId,
    number: view.number,
    currency: view.currency,
    total: view.total,
    status: view.status,
    paid_amount: view.paidAmount,
    refunded_amount: view.refundedAmount,
    due_amount: view.dueAmount,
    parts: view.parts.map((part) => ({
      part_id: part.partId,
      shop: part.shop,
      state: part.state as Static<typeof OrderStateSchema>,
      total: part.total,
      status: part.status,
      paid_amount: part.paidAmount,
      refunded_amount: part.refundedAmount,
      due_amount: part.dueAmount,
      invoice: part.invoice && presentInvoice(part.invoice),
      payments: part.payments.map(presentPayment),
      refunds: part.refunds.map(presentRefund),
    })),
    card_payments: view.cardPayments.map(presentCardPayment),
    history: view.history.map(presentEvent),
  };
}

// ---- Statements ----

const DocumentRefProperties = {
  line: Type.Integer({ description: 'The line of its СекцияДокумент in the file' }),
  number: Type.String({ description: 'The payment order number' }),
  date: Type.String({ description: 'DD.MM.YYYY as in the file' }),
  amount: Money,
  payer_inn: Type.String(),
  payer_name: Type.String(),
  purpose: Type.String(),
};

const CandidateSchema = Type.Object({
  invoice_number: Type.String(),
  order_id: Type.Integer(),
  part_id: Type.Integer(),
  shop_id: Type.Integer(),
  amount: Type.Unsafe<string>({ ...Money, description: 'The invoice amount' }),
});

const MatchedDocumentSchema = Type.Object({
  ...DocumentRefProperties,
  ...CandidateSchema.properties,
  payment_id: Type.Integer(),
});

export const StatementReportSchema = Type.Object({
  statement_id: Type.Integer(),
  encoding: Type.String({ description: 'utf-8 or windows-1251' }),
  documents: Type.Integer({ description: 'Documents in the file' }),
  matched: Type.Array(MatchedDocumentSchema, { description: 'Recorded now as payments' }),
  already_recorded: Type.Array(MatchedDocumentSchema, {
    description: 'Recorded before (by an earlier upload): nothing changed',
  }),
  ambiguous: Type.Array(
    Type.Object({
      ...DocumentRefProperties,
      reason: Type.String({
        description:
          'payer_inn_differs, several_invoices, or payee_unknown (the supplier has no requisites on file to confirm the payee)',
      }),
      candidates: Type.Array(CandidateSchema),
    }),
    { description: 'Not recorded: a person chooses (record it by hand on the right part)' },
  ),
  unmatched: Type.Array(
    Type.Object({
      ...DocumentRefProperties,
      reason: Type.String({
        description:
          'no_invoice_number, invoice_not_found, payee_differs (not this supplier’s) or not_incoming',
      }),
    }),
  ),
});

export const StatementSummarySchema = Type.Object({
  id: Type.Integer({ description: 'The statement id (its report: GET …/statements/{id})' }),
  file_name: Type.String(),
  encoding: Type.String({ description: 'utf-8 or windows-1251' }),
  documents: Type.Integer({ description: 'Documents in the file' }),
  shop_id: Nullable(Type.Integer({ description: "A supplier's upload: its shop; null: staff's" })),
  uploaded_by_id: Type.Integer(),
  created_at: Timestamp,
  matched: Type.Integer({ description: 'Documents recorded as payments by this upload' }),
  already_recorded: Type.Integer(),
  ambiguous: Type.Integer(),
  unmatched: Type.Integer(),
});
