// Refunds. A canceled part that holds money (the orders module queues `payments_parts_canceled` in
// the cancel's transaction) gets one refund per card payment (made through the provider by the
// `payments_card_refund` job) and one for bank money (a transfer staff make and then mark done).
// Each refund has a key naming what it is for, so a job run twice creates nothing twice. A refund
// made emails the buyer, in the transaction that records it.
import { and, desc, eq, inArray, isNull, lt, ne, sql } from 'drizzle-orm';
import type { Queryable } from '../../db/client.ts';
import { payments, type Refund, type RefundStatus, refunds } from '../../db/schema/payments.ts';
import { users } from '../../db/schema/users.ts';
import { type TxScope, transaction } from '../../db/transaction.ts';
import { conflict, notFound } from '../../http/errors.ts';
import { decodeIdCursor, kindCursor, type Page, pageOf, peekLimit } from '../../http/paging.ts';
import { fromMinor, toMinor } from '../../lib/money.ts';
import type { Runtime } from '../../runtime.ts';
import { orderNumber } from '../orders/for-payments.ts';
import { cardPaymentOf } from './card-payments.ts';
import { refundMadeEmail } from './emails.ts';
import { type ActorRef, lockOrder, recordEvent, refreshPaymentSums } from './ledger.ts';
import { cardProvider } from './providers/index.ts';

const CANCEL_REASON = 'Часть заказа отменена';

/**
 * Creates the refunds of canceled parts: per part, each card payment's money not yet refunded
 * through the provider, the bank money by transfer. Parts not canceled or holding nothing are left.
 */
export async function refundCanceledParts(
  runtime: Runtime,
  orderId: number,
  partIds: readonly number[],
): Promise<number> {
  return transaction(runtime, async (scope) => {
    const locked = await lockOrder(scope.tx, orderId);
    const canceled = locked.parts.filter((part) => partIds.includes(part.id) && part.state === 'canceled');
    if (canceled.length === 0) return 0;
    const ids = canceled.map((part) => part.id);
    const paid = await scope.tx
      .select({
        partId: payments.partId,
        cardPaymentId: payments.cardPaymentId,
        sum: sql<string>`sum(${payments.amount})::text`,
      })
      .from(payments)
      .where(and(inArray(payments.partId, ids), isNull(payments.voidedAt)))
      .groupBy(payments.partId, payments.cardPaymentId);
    const given = await scope.tx
      .select({
        partId: refunds.partId,
        cardPaymentId: refunds.cardPaymentId,
        sum: sql<string>`sum(${refunds.amount})::text`,
      })
      .from(refunds)
      .where(and(inArray(refunds.partId, ids), ne(refunds.status, 'failed')))
      .groupBy(refunds.partId, refunds.cardPaymentId);
    let created = 0;
    for (const row of paid) {
      const back = given.find((g) => g.partId === row.partId && g.cardPaymentId === row.cardPaymentId);
      const owed = toMinor(row.sum) - (back ? toMinor(back.sum) : 0n);
      if (owed <= 0n) continue;
      const part = canceled.find((candidate) => candidate.id === row.partId)!;
      const method = row.cardPaymentId === null ? 'bank_transfer' : 'card';
      const [refund] = await scope.tx
        .insert(refunds)
        .values({
          orderId,
          partId: part.id,
          shopId: part.shopId,
          method,
          amount: fromMinor(owed),
          currency: locked.order.currency,
          reason: CANCEL_REASON,
          refundKey: `cancel:${part.id}:${row.cardPaymentId === null ? 'bank' : `card:${row.cardPaymentId}`}`,
          cardPaymentId: row.cardPaymentId,
          createdAt: scope.now,
        })
        .onConflictDoNothing()
        .returning();
      if (!refund) continue;
      created += 1;
      await recordEvent(scope, {
        orderId,
        partId: part.id,
        kind: 'refund_created',
        amount: refund.amount,
        refundId: refund.id,
        by: { id: null, role: 'system' },
        note:
          method === 'card' ? 'через платёжного провайдера' : 'переводом: сотрудники отметят, когда отправят',
      });
      if (method === 'card') await scope.enqueue('payments_card_refund', { refundId: refund.id });
    }
    return created;
  });
}

/** Marks a pending refund made (under the order's lock); false when it was not pending. */
export async function completeRefund(
  scope: TxScope,
  refundId: number,
  by: ActorRef,
  reference: string,
  providerRefundId?: string,
): Promise<boolean> {
  const [refund] = await scope.tx
    .update(refunds)
    .set({
      status: 'succeeded',
      completedAt: scope.now,
      completedById: by.id,
      reference,
      ...(providerRefundId ? { providerRefundId } : {}),
    })
    .where(and(eq(refunds.id, refundId), eq(refunds.status, 'pending')))
    .returning();
  if (!refund) return false;
  const locked = await lockOrder(scope.tx, refund.orderId);
  await recordEvent(scope, {
    orderId: refund.orderId,
    partId: refund.partId,
    kind: 'refund_succeeded',
    amount: refund.amount,
    refundId: refund.id,
    by,
    note: reference,
  });
  await refreshPaymentSums(scope, locked);
  const [buyer] = await scope.tx
    .select({ email: users.email, firstName: users.firstName, language: users.preferredLanguage })
    .from(users)
    .where(eq(users.id, locked.order.userId));
  const part = locked.parts.find((candidate) => candidate.id === refund.partId)!;
  await scope.enqueue(
    'send_email',
    refundMadeEmail(
      {
        number: orderNumber(refund.orderId),
        amount: refund.amount,
        currency: refund.currency,
        method: refund.method,
        shop: part.shopName,
        reference,
      },
      buyer,
    ),
  );
  return true;
}

/** Marks a pending refund failed (the provider refused it); staff see it in the refunds list. */
export async function failRefund(scope: TxScope, refundId: number, reason: string): Promise<boolean> {
  const [refund] = await scope.tx
    .update(refunds)
    .set({ status: 'failed', failureReason: reason, completedAt: scope.now })
    .where(and(eq(refunds.id, refundId), eq(refunds.status, 'pending')))
    .returning();
  if (!refund) return false;
  await recordEvent(scope, {
    orderId: refund.orderId,
    partId: refund.partId,
    kind: 'refund_failed',
    amount: refund.amount,
    refundId: refund.id,
    by: { id: null, role: 'system' },
    note: reason,
  });
  return true;
}

/** Thrown so that pg-boss tries the job again later (its retry policy spaces the tries). */
export class RefundStillPending extends Error {}

/**
 * The `payments_card_refund` job: asks the provider to refund (the same idempotence key on every
 * try, so a retry never refunds twice) and records the answer; a refund the provider has not
 * finished is asked about again on the job's next try.
 */
export async function runCardRefund(runtime: Runtime, refundId: number): Promise<void> {
  const [refund] = await runtime.db.select().from(refunds).where(eq(refunds.id, refundId));
  if (refund?.status !== 'pending' || refund.cardPaymentId === null) return;
  const provider = cardProvider(runtime);
  const card = await cardPaymentOf(runtime.db, refund.cardPaymentId);
  if (!provider || !card?.providerPaymentId || card.provider !== provider.name) {
    await transaction(runtime, async (scope) => {
      await lockOrder(scope.tx, refund.orderId);
      await failRefund(
        scope,
        refund.id,
        `provider ${card?.provider ?? '?'} is not configured now: refund by hand`,
      );
    });
    return;
  }
  const answer = refund.providerRefundId
    ? await provider.fetchRefund(refund.providerRefundId)
    : await provider.refund({
        idempotenceKey: `zakupka-refund-${refund.id}`,
        paymentId: card.providerPaymentId,
        amount: { value: refund.amount, currency: refund.currency },
      });
  await transaction(runtime, async (scope) => {
    await lockOrder(scope.tx, refund.orderId);
    if (!refund.providerRefundId) {
      await scope.tx.update(refunds).set({ providerRefundId: answer.id }).where(eq(refunds.id, refund.id));
    }
    if (answer.status === 'succeeded') {
      await completeRefund(
        scope,
        refund.id,
        { id: null, role: 'system' },
        `${provider.name} ${answer.id}`,
        answer.id,
      );
    } else if (answer.status === 'canceled') {
      await failRefund(scope, refund.id, `${provider.name} canceled refund ${answer.id}`);
    }
  });
  if (answer.status === 'pending')
    throw new RefundStillPending(`refund ${refund.id} is pending at ${provider.name}`);
}

/** Staff mark a bank refund sent, with the transfer's reference. */
export async function markRefundDone(
  runtime: Runtime,
  staffId: number,
  refundId: number,
  reference: string,
): Promise<Refund> {
  return transaction(runtime, async (scope) => {
    const [found] = await scope.tx.select().from(refunds).where(eq(refunds.id, refundId));
    if (!found)
      throw notFound('refund_not_found', {
        ru: `Возврат ${refundId} не найден`,
        en: `Refund ${refundId} not found`,
      });
    await lockOrder(scope.tx, found.orderId);
    if (found.method !== 'bank_transfer') {
      throw conflict('refund_not_manual', {
        ru: 'Возврат по карте делает платёжный провайдер',
        en: 'A card refund is made by the payment provider',
      });
    }
    if (!(await completeRefund(scope, refundId, { id: staffId, role: 'staff' }, reference.trim()))) {
      throw conflict('refund_not_pending', {
        ru: 'Возврат уже завершён',
        en: 'The refund is no longer pending',
      });
    }
    const [row] = await scope.tx.select().from(refunds).where(eq(refunds.id, refundId));
    return row;
  });
}

/** Staff's list of refunds, newest first, by status. */
export async function listRefunds(
  db: Queryable,
  filters: { status?: RefundStatus; limit: number; cursor?: string },
): Promise<Page<Refund>> {
  const afterId = decodeIdCursor(filters.cursor, 'refund');
  const rows = await db
    .select()
    .from(refunds)
    .where(
      and(
        filters.status ? eq(refunds.status, filters.status) : undefined,
        afterId === undefined ? undefined : lt(refunds.id, afterId),
      ),
    )
    .orderBy(desc(refunds.id))
    .limit(peekLimit(filters.limit));
  return pageOf(rows, filters.limit, (last) => kindCursor('refund', [last.id]));
}
