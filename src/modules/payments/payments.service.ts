// Bank payments recorded by hand (staff or the part's supplier), voiding them, and the payment view
// of an order: per part its status and sums, invoice, payments, refunds and history.
import { and, asc, eq, inArray } from 'drizzle-orm';
import type { Queryable } from '../../db/client.ts';
import type { PaymentStatus } from '../../db/schema/orders.ts';
import {
  type CardPayment,
  cardPayments,
  type Invoice,
  invoices,
  type Payment,
  type PaymentEvent,
  paymentEvents,
  type Refund,
  refunds,
} from '../../db/schema/payments.ts';
import { transaction } from '../../db/transaction.ts';
import { validationError } from '../../http/errors.ts';
import { fromMinor, normalizeMoney, toMinor } from '../../lib/money.ts';
import type { Runtime } from '../../runtime.ts';
import { loadOrder } from '../orders/for-payments.ts';
import { type Caller, managedPart, visiblePartIds } from './access.ts';
import { insertPayments, lockOrder, orderNotFound, paymentsOfParts, voidPaymentOf } from './ledger.ts';

export interface BankPaymentInput {
  amount: string;
  paidAt: Date;
  reference: string;
}

/** A payment may be dated up to a day ahead of the clock (time zones); later is a typo. */
const FUTURE_TOLERANCE_MS = 24 * 3600 * 1000;

/** Records a bank transfer received for one part; partial and over-payments are allowed. */
export async function recordBankPayment(
  runtime: Runtime,
  caller: Caller,
  orderId: number,
  partId: number,
  input: BankPaymentInput,
): Promise<Payment> {
  const amount = normalizeMoney(input.amount);
  if (toMinor(amount) <= 0n) {
    throw validationError([
      {
        field: 'body.amount',
        message: { ru: 'Сумма должна быть больше нуля', en: 'The amount must be positive' },
      },
    ]);
  }
  return transaction(runtime, async (scope) => {
    if (input.paidAt.getTime() > scope.now.getTime() + FUTURE_TOLERANCE_MS) {
      throw validationError([
        {
          field: 'body.paid_at',
          message: { ru: 'Дата оплаты в будущем', en: 'The payment date is in the future' },
        },
      ]);
    }
    const locked = await lockOrder(scope.tx, orderId);
    const part = await managedPart(scope.tx, caller, { ...locked.order, parts: locked.parts }, partId);
    const [payment] = await insertPayments(scope, locked, [
      {
        part,
        method: 'bank_transfer',
        source: 'manual',
        amount,
        paidAt: input.paidAt,
        reference: input.reference.trim(),
        by: { id: caller.id, role: caller.role },
      },
    ]);
    return payment;
  });
}

/** Voids a recorded payment with a reason; it stays in the history. */
export async function voidPayment(
  runtime: Runtime,
  caller: Caller,
  orderId: number,
  partId: number,
  paymentId: number,
  reason: string,
): Promise<Payment> {
  const note = reason.trim();
  if (!note) {
    throw validationError([
      { field: 'body.reason', message: { ru: 'Укажите причину', en: 'Give the reason' } },
    ]);
  }
  return transaction(runtime, async (scope) => {
    const locked = await lockOrder(scope.tx, orderId);
    const part = await managedPart(scope.tx, caller, { ...locked.order, parts: locked.parts }, partId);
    return voidPaymentOf(scope, locked, paymentId, part.id, note, { id: caller.id, role: caller.role });
  });
}

export interface PartPayments {
  partId: number;
  shop: { id: number; name: string };
  state: string;
  total: string;
  status: PaymentStatus;
  paidAmount: string;
  refundedAmount: string;
  /** What is still to pay: total − (paid − refunded), never below 0; 0 for a canceled part. */
  dueAmount: string;
  invoice: Invoice | null;
  payments: Payment[];
  refunds: Refund[];
}

export interface OrderPayments {
  orderId: number;
  number: string;
  currency: string;
  total: string;
  status: PaymentStatus;
  paidAmount: string;
  refundedAmount: string;
  dueAmount: string;
  parts: PartPayments[];
  /** The buyer's card payments (buyer and staff only). */
  cardPayments: CardPayment[];
  history: PaymentEvent[];
}

/** What is left to pay on a part: nothing on a canceled one. */
export function dueOf(part: {
  state: string;
  total: string;
  paidAmount: string;
  refundedAmount: string;
}): bigint {
  if (part.state === 'canceled') return 0n;
  const due = toMinor(part.total) - (toMinor(part.paidAmount) - toMinor(part.refundedAmount));
  return due > 0n ? due : 0n;
}

export async function getOrderPayments(
  db: Queryable,
  caller: Caller,
  orderId: number,
): Promise<OrderPayments> {
  const order = await loadOrder(db, orderId);
  if (!order) throw orderNotFound(orderId);
  const parts = order.parts.map((part) => ({
    ...part,
    shopId: part.shop.id,
    paidAmount: part.payment.paidAmount,
    refundedAmount: part.payment.refundedAmount,
  }));
  const visible = await visiblePartIds(db, caller, { id: order.id, userId: order.userId, parts });
  const shown = parts.filter((part) => visible.includes(part.id));
  const paymentRows = await paymentsOfParts(db, visible);
  const refundRows = await db
    .select()
    .from(refunds)
    .where(inArray(refunds.partId, visible))
    .orderBy(asc(refunds.id));
  const invoiceRows = await db.select().from(invoices).where(inArray(invoices.partId, visible));
  const history = await db
    .select()
    .from(paymentEvents)
    .where(and(eq(paymentEvents.orderId, orderId), inArray(paymentEvents.partId, visible)))
    .orderBy(asc(paymentEvents.id));
  const cards =
    caller.role === 'supplier'
      ? []
      : await db
          .select()
          .from(cardPayments)
          .where(eq(cardPayments.orderId, orderId))
          .orderBy(asc(cardPayments.id));
  const partViews = shown.map((part) => ({
    partId: part.id,
    shop: part.shop,
    state: part.state,
    total: part.total,
    status: part.payment.status,
    paidAmount: part.payment.paidAmount,
    refundedAmount: part.payment.refundedAmount,
    dueAmount: fromMinor(dueOf(part)),
    invoice: invoiceRows.find((invoice) => invoice.partId === part.id) ?? null,
    payments: paymentRows.filter((payment) => payment.partId === part.id),
    refunds: refundRows.filter((refund) => refund.partId === part.id),
  }));
  const whole = caller.role !== 'supplier';
  const sum = (values: string[]) => fromMinor(values.reduce((total, value) => total + toMinor(value), 0n));
  return {
    orderId: order.id,
    number: order.number,
    currency: order.currency,
    total: whole ? order.total : sum(partViews.map((part) => part.total)),
    status: whole ? order.payment.status : (partViews[0]?.status ?? 'unpaid'),
    paidAmount: whole ? order.payment.paidAmount : sum(partViews.map((part) => part.paidAmount)),
    refundedAmount: whole ? order.payment.refundedAmount : sum(partViews.map((part) => part.refundedAmount)),
    dueAmount: sum(partViews.map((part) => part.dueAmount)),
    parts: partViews,
    cardPayments: cards,
    history,
  };
}
