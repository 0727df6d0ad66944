// The money of order parts: every payment and refund is written here, under the order's lock
// (orders/for-payments.ts), and the parts' sums and statuses are stored anew in the same
// transaction. A payment recorded also writes its history row, emails the buyer and publishes
// `payment.received` — all in the transaction, so a rolled-back payment says nothing.
import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { Queryable } from '../../db/client.ts';
import type { Order, OrderPart } from '../../db/schema/orders.ts';
import {
  type Payment,
  type PaymentEventKind,
  type PaymentMethod,
  type PaymentSource,
  paymentEvents,
  payments,
  refunds,
} from '../../db/schema/payments.ts';
import { type UserRole, users } from '../../db/schema/users.ts';
import type { TxScope } from '../../db/transaction.ts';
import { conflict, notFound } from '../../http/errors.ts';
import { fromMinor, toMinor } from '../../lib/money.ts';
import { lockOrderForPayments, orderNumber, storePaymentSums } from '../orders/for-payments.ts';
import { paymentReceivedEmail } from './emails.ts';
import { publishPaymentReceived } from './webhook-events.ts';

export interface ActorRef {
  id: number | null;
  role: UserRole | 'system';
}

export function orderNotFound(orderId: number) {
  return notFound('order_not_found', { ru: `Заказ ${orderId} не найден`, en: `Order ${orderId} not found` });
}

export function partNotFound(orderId: number, partId: number) {
  return notFound('order_part_not_found', {
    ru: `В заказе ${orderId} нет части ${partId}`,
    en: `Order ${orderId} has no part ${partId}`,
  });
}

/** Locks the order (404 when it does not exist). */
export async function lockOrder(
  tx: Queryable,
  orderId: number,
): Promise<{ order: Order; parts: OrderPart[] }> {
  const locked = await lockOrderForPayments(tx, orderId);
  if (!locked) throw orderNotFound(orderId);
  return locked;
}

/** Sums per part of one order: payments not voided, refunds made. */
export async function partSums(
  tx: Queryable,
  orderId: number,
): Promise<Map<number, { paid: bigint; refunded: bigint; refundPending: bigint }>> {
  const paid = await tx
    .select({ partId: payments.partId, sum: sql<string>`sum(${payments.amount})::text` })
    .from(payments)
    .where(and(eq(payments.orderId, orderId), isNull(payments.voidedAt)))
    .groupBy(payments.partId);
  const refunded = await tx
    .select({
      partId: refunds.partId,
      done: sql<string>`coalesce(sum(${refunds.amount}) filter (where ${refunds.status} = 'succeeded'), 0)::text`,
      pending: sql<string>`coalesce(sum(${refunds.amount}) filter (where ${refunds.status} = 'pending'), 0)::text`,
    })
    .from(refunds)
    .where(eq(refunds.orderId, orderId))
    .groupBy(refunds.partId);
  const sums = new Map<number, { paid: bigint; refunded: bigint; refundPending: bigint }>();
  const entry = (partId: number) => {
    let sum = sums.get(partId);
    if (!sum) {
      sum = { paid: 0n, refunded: 0n, refundPending: 0n };
      sums.set(partId, sum);
    }
    return sum;
  };
  for (const row of paid) entry(row.partId).paid = toMinor(row.sum);
  for (const row of refunded) {
    entry(row.partId).refunded = toMinor(row.done);
    entry(row.partId).refundPending = toMinor(row.pending);
  }
  return sums;
}

/** Stores the sums and statuses of every part of a locked order. */
export async function refreshPaymentSums(
  scope: TxScope,
  locked: { order: Order; parts: OrderPart[] },
): Promise<void> {
  const sums = await partSums(scope.tx, locked.order.id);
  await storePaymentSums(
    scope.tx,
    locked.order,
    locked.parts,
    locked.parts.map((part) => ({
      partId: part.id,
      paid: fromMinor(sums.get(part.id)?.paid ?? 0n),
      refunded: fromMinor(sums.get(part.id)?.refunded ?? 0n),
    })),
    scope.now,
  );
}

export async function recordEvent(
  scope: TxScope,
  event: {
    orderId: number;
    partId: number;
    kind: PaymentEventKind;
    amount: string;
    by: ActorRef;
    paymentId?: number;
    refundId?: number;
    note?: string;
  },
): Promise<void> {
  await scope.tx.insert(paymentEvents).values({
    orderId: event.orderId,
    partId: event.partId,
    kind: event.kind,
    amount: event.amount,
    paymentId: event.paymentId ?? null,
    refundId: event.refundId ?? null,
    actorId: event.by.id,
    actorRole: event.by.role,
    note: event.note ?? '',
    createdAt: scope.now,
  });
}

export interface NewPayment {
  part: OrderPart;
  method: PaymentMethod;
  source: PaymentSource;
  amount: string;
  paidAt: Date;
  reference: string;
  by: ActorRef;
  cardPaymentId?: number;
  statementImportId?: number;
  statementDocumentKey?: string;
}

/**
 * Writes payments of a locked order (history, sums, the buyer's email, `payment.received`).
 * A statement document already recorded is skipped (its key is unique): the answer holds only
 * the payments written now.
 */
export async function insertPayments(
  scope: TxScope,
  locked: { order: Order; parts: OrderPart[] },
  entries: readonly NewPayment[],
): Promise<Payment[]> {
  const written: Payment[] = [];
  for (const entry of entries) {
    const [payment] = await scope.tx
      .insert(payments)
      .values({
        orderId: locked.order.id,
        partId: entry.part.id,
        shopId: entry.part.shopId,
        method: entry.method,
        source: entry.source,
        amount: entry.amount,
        currency: locked.order.currency,
        paidAt: entry.paidAt,
        reference: entry.reference,
        recordedById: entry.by.id,
        recordedByRole: entry.by.role,
        cardPaymentId: entry.cardPaymentId ?? null,
        statementImportId: entry.statementImportId ?? null,
        statementDocumentKey: entry.statementDocumentKey ?? null,
        createdAt: scope.now,
      })
      .onConflictDoNothing()
      .returning();
    if (!payment) continue;
    written.push(payment);
    await recordEvent(scope, {
      orderId: locked.order.id,
      partId: entry.part.id,
      kind: 'payment_recorded',
      amount: payment.amount,
      paymentId: payment.id,
      by: entry.by,
      note: entry.reference,
    });
  }
  if (written.length === 0) return written;
  await refreshPaymentSums(scope, locked);
  const [buyer] = await scope.tx
    .select({ email: users.email, firstName: users.firstName, language: users.preferredLanguage })
    .from(users)
    .where(eq(users.id, locked.order.userId));
  const total = written.reduce((sum, payment) => sum + toMinor(payment.amount), 0n);
  await scope.enqueue(
    'send_email',
    paymentReceivedEmail(
      {
        orderId: locked.order.id,
        number: orderNumber(locked.order.id),
        amount: fromMinor(total),
        currency: locked.order.currency,
        method: written[0].method,
        shops: [...new Set(written.map((p) => locked.parts.find((part) => part.id === p.partId)!.shopName))],
      },
      buyer,
    ),
  );
  await publishPaymentReceived(scope, locked.order, written);
  return written;
}

/** Voids a payment of a locked order, keeping it and the reason in the history. */
export async function voidPaymentOf(
  scope: TxScope,
  locked: { order: Order; parts: OrderPart[] },
  paymentId: number,
  partId: number,
  reason: string,
  by: ActorRef,
): Promise<Payment> {
  const [payment] = await scope.tx
    .update(payments)
    .set({ voidedAt: scope.now, voidedById: by.id, voidReason: reason })
    .where(
      and(
        eq(payments.id, paymentId),
        eq(payments.orderId, locked.order.id),
        eq(payments.partId, partId),
        isNull(payments.voidedAt),
      ),
    )
    .returning();
  if (!payment) {
    const [existing] = await scope.tx
      .select({ voidedAt: payments.voidedAt })
      .from(payments)
      .where(
        and(eq(payments.id, paymentId), eq(payments.orderId, locked.order.id), eq(payments.partId, partId)),
      );
    if (existing) {
      throw conflict('payment_already_voided', {
        ru: `Платёж ${paymentId} уже аннулирован`,
        en: `Payment ${paymentId} is already voided`,
      });
    }
    throw notFound('payment_not_found', {
      ru: `Платёж ${paymentId} не найден`,
      en: `Payment ${paymentId} not found`,
    });
  }
  await recordEvent(scope, {
    orderId: locked.order.id,
    partId,
    kind: 'payment_voided',
    amount: payment.amount,
    paymentId: payment.id,
    by,
    note: reason,
  });
  await refreshPaymentSums(scope, locked);
  return payment;
}

/** The payments of some parts, for views. */
export async function paymentsOfParts(db: Queryable, partIds: readonly number[]): Promise<Payment[]> {
  if (partIds.length === 0) return [];
  return db
    .select()
    .from(payments)
    .where(inArray(payments.partId, [...partIds]))
    .orderBy(payments.id);
}
