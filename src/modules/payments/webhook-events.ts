// `payment.received`, published in the transaction that records the payments: the buyer and staff
// see every payment of the order, a supplier only those of its own part.
import { inArray } from 'drizzle-orm';
import { shops } from '../../db/schema/catalog.ts';
import type { Payment } from '../../db/schema/payments.ts';
import type { TxScope } from '../../db/transaction.ts';
import { orderNumber } from '../orders/for-payments.ts';
import { publishEvent } from '../webhooks/webhooks.service.ts';

function paymentData(payment: Payment) {
  return {
    id: payment.id,
    part_id: payment.partId,
    shop_id: payment.shopId,
    method: payment.method,
    source: payment.source,
    amount: payment.amount,
    currency: payment.currency,
    paid_at: payment.paidAt.toISOString(),
    reference: payment.reference,
  };
}

export async function publishPaymentReceived(
  scope: TxScope,
  order: { id: number; userId: number },
  written: readonly Payment[],
): Promise<void> {
  let ownerShop = new Map<number, number>();
  const buyerId = order.userId;
  const orderId = order.id;
  await publishEvent(
    scope,
    'payment.received',
    async () => {
      const owners = await scope.tx
        .select({ id: shops.id, ownerId: shops.ownerId })
        .from(shops)
        .where(inArray(shops.id, [...new Set(written.map((payment) => payment.shopId))]));
      ownerShop = new Map(owners.map((row) => [row.ownerId, row.id]));
      return [buyerId, ...ownerShop.keys()];
    },
    (recipient) => {
      const shopId = ownerShop.get(recipient.userId);
      const visible =
        recipient.role === 'staff' || recipient.userId === buyerId
          ? written
          : written.filter((payment) => payment.shopId === shopId);
      if (visible.length === 0) return null;
      return { order_id: orderId, order_number: orderNumber(orderId), payments: visible.map(paymentData) };
    },
  );
}
