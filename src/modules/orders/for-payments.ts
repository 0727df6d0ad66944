// What the payments module may do with orders (payments → orders, never back): lock an order while
// money of its parts is recorded, and store the parts' payment sums and statuses, which the order
// views show and the staff list filters by. The sums are the payments module's; the rule turning
// them into a status is `payment-status.ts`.
import { asc, eq } from 'drizzle-orm';
import type { Queryable } from '../../db/client.ts';
import { type Order, type OrderPart, orderParts, orders } from '../../db/schema/orders.ts';
import { fromMinor, toMinor } from '../../lib/money.ts';
import { derivePaymentStatus } from './payment-status.ts';

export { loadOrder, loadOrders, type OrderDetail, type OrderPartView, orderNumber } from './views.ts';

/**
 * Locks the order row (`FOR UPDATE`), the same lock every state change takes first: payments,
 * refunds and cancels of one order run one after another. Null when there is no such order.
 */
export async function lockOrderForPayments(
  tx: Queryable,
  orderId: number,
): Promise<{ order: Order; parts: OrderPart[] } | null> {
  const [order] = await tx.select().from(orders).where(eq(orders.id, orderId)).for('update');
  if (!order) return null;
  const parts = await tx
    .select()
    .from(orderParts)
    .where(eq(orderParts.orderId, orderId))
    .orderBy(asc(orderParts.id));
  return { order, parts };
}

export interface PartPaymentSums {
  partId: number;
  /** Payments not voided. */
  paid: string;
  /** Refunds made. */
  refunded: string;
}

/**
 * Stores each part's sums and status, then the order's (the sums over its parts, due its total).
 * Call under `lockOrderForPayments` with the sums of every part of the order.
 */
export async function storePaymentSums(
  tx: Queryable,
  order: Order,
  parts: readonly OrderPart[],
  sums: readonly PartPaymentSums[],
  now: Date,
): Promise<void> {
  let paid = 0n;
  let refunded = 0n;
  for (const part of parts) {
    const sum = sums.find((candidate) => candidate.partId === part.id) ?? {
      partId: part.id,
      paid: '0.00',
      refunded: '0.00',
    };
    paid += toMinor(sum.paid);
    refunded += toMinor(sum.refunded);
    const status = derivePaymentStatus(part.total, sum.paid, sum.refunded);
    if (
      toMinor(part.paidAmount) !== toMinor(sum.paid) ||
      toMinor(part.refundedAmount) !== toMinor(sum.refunded) ||
      part.paymentStatus !== status
    ) {
      await tx
        .update(orderParts)
        .set({ paidAmount: sum.paid, refundedAmount: sum.refunded, paymentStatus: status, updatedAt: now })
        .where(eq(orderParts.id, part.id));
    }
  }
  await tx
    .update(orders)
    .set({
      paidAmount: fromMinor(paid),
      refundedAmount: fromMinor(refunded),
      paymentStatus: derivePaymentStatus(order.total, fromMinor(paid), fromMinor(refunded)),
      updatedAt: now,
    })
    .where(eq(orders.id, order.id));
}
