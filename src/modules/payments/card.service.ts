// Card payments of a whole order through the configured provider. The buyer starts one (what is
// still due on each live part, split into allocations), is sent to the provider's page, and the
// provider's notification settles it: under the order's lock a pending card payment becomes
// succeeded exactly once and only then are its part payments written, so a notification delivered
// twice, out of order or by two processes at once records one payment. A notification whose amount
// or currency is not the payment's is refused and logged for staff.
import { and, eq } from 'drizzle-orm';
import type { Queryable } from '../../db/client.ts';
import {
  type CardPayment,
  cardPayments,
  type PartAllocation,
  paymentNotifications,
  refunds,
} from '../../db/schema/payments.ts';
import { type TxScope, transaction } from '../../db/transaction.ts';
import { AppError, conflict } from '../../http/errors.ts';
import { fromMinor, toMinor } from '../../lib/money.ts';
import type { Runtime } from '../../runtime.ts';
import { orderNumber } from '../orders/for-payments.ts';
import { insertPayments, lockOrder, orderNotFound } from './ledger.ts';
import { dueOf } from './payments.service.ts';
import { cardProvider } from './providers/index.ts';
import type { CardProvider, IncomingNotification, VerifiedNotification } from './providers/provider.ts';
import { completeRefund, failRefund } from './refunds.service.ts';

function cardsOff(): AppError {
  return conflict('card_payments_unavailable', {
    ru: 'Оплата картой не подключена (PAYMENTS_PROVIDER)',
    en: 'Card payments are not set up (PAYMENTS_PROVIDER)',
  });
}

export function providerOf(runtime: Runtime): CardProvider {
  const provider = cardProvider(runtime);
  if (!provider) throw cardsOff();
  return provider;
}

export interface StartedCardPayment {
  cardPayment: CardPayment;
  redirectUrl: string;
}

/** The buyer pays what is due on the order's live parts by card; answers where to send the buyer. */
export async function startCardPayment(
  runtime: Runtime,
  buyerId: number,
  orderId: number,
  returnPath: string,
): Promise<StartedCardPayment> {
  const provider = providerOf(runtime);
  const created = await transaction(runtime, async ({ tx, now }) => {
    const locked = await lockOrder(tx, orderId);
    if (locked.order.userId !== buyerId) throw orderNotFound(orderId);
    if (locked.order.state === 'canceled') {
      throw conflict('order_canceled', { ru: 'Заказ отменён', en: 'The order is canceled' });
    }
    const allocations: PartAllocation[] = locked.parts
      .map((part) => ({ partId: part.id, due: dueOf(part) }))
      .filter((entry) => entry.due > 0n)
      .map((entry) => ({ partId: entry.partId, amount: fromMinor(entry.due) }));
    if (allocations.length === 0) {
      throw conflict('nothing_to_pay', { ru: 'Заказ уже оплачен', en: 'Nothing is due on this order' });
    }
    const amount = fromMinor(allocations.reduce((sum, entry) => sum + toMinor(entry.amount), 0n));
    const [row] = await tx
      .insert(cardPayments)
      .values({
        orderId,
        buyerId,
        provider: provider.name,
        amount,
        currency: locked.order.currency,
        allocations,
        returnUrl: `${runtime.config.publicUrl}${returnPath}`,
        createdAt: now,
        updatedAt: now,
      })
      .returning();
    return row;
  });
  let answer: Awaited<ReturnType<CardProvider['createPayment']>>;
  try {
    answer = await provider.createPayment({
      idempotenceKey: `zakupka-card-payment-${created.id}`,
      amount: { value: created.amount, currency: created.currency },
      description: `Заказ ${orderNumber(orderId)}`,
      returnUrl: created.returnUrl,
      metadata: { order_id: String(orderId), card_payment_id: String(created.id) },
    });
  } catch (error) {
    await transaction(runtime, ({ tx, now }) =>
      tx
        .update(cardPayments)
        .set({ status: 'canceled', updatedAt: now, completedAt: now })
        .where(and(eq(cardPayments.id, created.id), eq(cardPayments.status, 'pending'))),
    );
    throw error;
  }
  const cardPayment = await transaction(runtime, async ({ tx, now }) => {
    const [row] = await tx
      .update(cardPayments)
      .set({ providerPaymentId: answer.id, confirmationUrl: answer.confirmationUrl, updatedAt: now })
      .where(eq(cardPayments.id, created.id))
      .returning();
    return row;
  });
  return { cardPayment, redirectUrl: answer.confirmationUrl };
}

export async function cardPaymentByProviderId(
  db: Queryable,
  provider: string,
  providerPaymentId: string,
): Promise<CardPayment | undefined> {
  const [row] = await db
    .select()
    .from(cardPayments)
    .where(and(eq(cardPayments.provider, provider), eq(cardPayments.providerPaymentId, providerPaymentId)));
  return row;
}

export type NotificationOutcome =
  | 'recorded'
  | 'duplicate'
  | 'canceled'
  | 'not_final'
  | 'refund_recorded'
  | 'refund_failed'
  | 'unknown'
  | 'refused_amount_mismatch';

async function logNotification(
  scope: TxScope,
  provider: string,
  verified: VerifiedNotification,
  outcome: NotificationOutcome,
  detail: string,
  payload: unknown,
): Promise<void> {
  await scope.tx.insert(paymentNotifications).values({
    provider,
    event: verified.event,
    providerObjectId: 'payment' in verified ? verified.payment.id : verified.refund.id,
    outcome,
    detail,
    payload: payload as object,
    receivedAt: scope.now,
  });
}

/**
 * A provider's notification: verified (a sandbox signature, or YooKassa's object fetched from its
 * API), then applied under the order's lock. Answers what became of it; a refused one throws 422
 * `payment_amount_mismatch` after its log row is committed.
 */
export async function handleNotification(
  runtime: Runtime,
  providerName: string,
  incoming: IncomingNotification,
): Promise<NotificationOutcome> {
  const provider = providerOf(runtime);
  if (provider.name !== providerName) {
    throw new AppError(404, 'not_found', {
      detail: { ru: 'Этот провайдер не подключён', en: 'This provider is not configured' },
    });
  }
  const verified = await provider.verifyNotification(incoming);
  let payload: unknown;
  try {
    payload = JSON.parse(incoming.rawBody);
  } catch {
    payload = { raw: incoming.rawBody.slice(0, 2000) };
  }
  const outcome = await transaction(runtime, async (scope) => {
    if ('refund' in verified) return applyRefundNotification(scope, provider, verified, payload);
    const found = await cardPaymentByProviderId(scope.tx, provider.name, verified.payment.id);
    if (!found) {
      await logNotification(scope, provider.name, verified, 'unknown', 'no such card payment', payload);
      return 'unknown' as const;
    }
    const locked = await lockOrder(scope.tx, found.orderId);
    const [card] = await scope.tx
      .select()
      .from(cardPayments)
      .where(eq(cardPayments.id, found.id))
      .for('update');
    const stated = verified.payment.amount;
    if (toMinor(stated.value) !== toMinor(card.amount) || stated.currency !== card.currency) {
      await logNotification(
        scope,
        provider.name,
        verified,
        'refused_amount_mismatch',
        `provider says ${stated.value} ${stated.currency}, the payment is ${card.amount} ${card.currency}`,
        payload,
      );
      runtime.log.warn(
        { cardPaymentId: card.id, stated, expected: { value: card.amount, currency: card.currency } },
        'payment notification refused: amount or currency differs',
      );
      return 'refused_amount_mismatch' as const;
    }
    const status = verified.payment.status;
    let outcome: NotificationOutcome;
    if (status === 'pending') outcome = 'not_final';
    else if (card.status !== 'pending') outcome = 'duplicate';
    else if (status === 'canceled') {
      await scope.tx
        .update(cardPayments)
        .set({ status: 'canceled', updatedAt: scope.now, completedAt: scope.now })
        .where(eq(cardPayments.id, card.id));
      outcome = 'canceled';
    } else {
      await scope.tx
        .update(cardPayments)
        .set({ status: 'succeeded', updatedAt: scope.now, completedAt: scope.now })
        .where(eq(cardPayments.id, card.id));
      await insertPayments(
        scope,
        locked,
        card.allocations.map((allocation) => ({
          part: locked.parts.find((part) => part.id === allocation.partId)!,
          method: 'card' as const,
          source: 'card' as const,
          amount: allocation.amount,
          paidAt: scope.now,
          reference: `${provider.name} ${verified.payment.id}`,
          by: { id: null, role: 'system' as const },
          cardPaymentId: card.id,
        })),
      );
      outcome = 'recorded';
    }
    await logNotification(scope, provider.name, verified, outcome, '', payload);
    return outcome;
  });
  if (outcome === 'refused_amount_mismatch') {
    throw new AppError(422, 'payment_amount_mismatch', {
      detail: {
        ru: 'Сумма или валюта уведомления не совпадает с платежом; уведомление отклонено и записано для сотрудников',
        en: 'The notification’s amount or currency differs from the payment; refused and logged for staff',
      },
    });
  }
  return outcome;
}

async function applyRefundNotification(
  scope: TxScope,
  provider: CardProvider,
  verified: Extract<VerifiedNotification, { event: 'refund.succeeded' }>,
  payload: unknown,
): Promise<NotificationOutcome> {
  const [found] = await scope.tx
    .select()
    .from(refunds)
    .where(eq(refunds.providerRefundId, verified.refund.id));
  if (!found) {
    // Our refund job records the provider's id when the refund call answers; it settles it then.
    await logNotification(scope, provider.name, verified, 'unknown', 'no refund with this id yet', payload);
    return 'unknown';
  }
  await lockOrder(scope.tx, found.orderId);
  let outcome: NotificationOutcome;
  if (verified.refund.status === 'succeeded') {
    outcome = (await completeRefund(scope, found.id, { id: null, role: 'system' }, verified.refund.id))
      ? 'refund_recorded'
      : 'duplicate';
  } else if (verified.refund.status === 'canceled') {
    outcome = (await failRefund(scope, found.id, 'canceled by the provider')) ? 'refund_failed' : 'duplicate';
  } else outcome = 'not_final';
  await logNotification(scope, provider.name, verified, outcome, '', payload);
  return outcome;
}
