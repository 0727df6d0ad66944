// The orders module's webhook events, published from its own transactions: what each recipient
// may see is the view its API gives it — a supplier only its own part, a buyer its own order,
// staff the whole order (modules/webhooks delivers them).
import { inArray } from 'drizzle-orm';
import type { Queryable } from '../../db/client.ts';
import { shops } from '../../db/schema/catalog.ts';
import type { OrderState } from '../../db/schema/orders.ts';
import type { TxScope } from '../../db/transaction.ts';
import { type EventRecipient, publishEvent } from '../webhooks/webhooks.service.ts';
import { presentAdminOrder } from './admin-orders.schemas.ts';
import { adminView } from './admin-orders.service.ts';
import { presentBuyerOrder, presentSupplierOrder } from './orders.schemas.ts';
import { supplierView } from './supplier-view.ts';
import { canMoveOrder } from './transitions.ts';
import { loadOrder, type OrderDetail } from './views.ts';

async function shopOwners(tx: Queryable, shopIds: readonly number[]): Promise<Map<number, number>> {
  if (shopIds.length === 0) return new Map();
  const rows = await tx
    .select({ id: shops.id, ownerId: shops.ownerId })
    .from(shops)
    .where(inArray(shops.id, [...new Set(shopIds)]));
  return new Map(rows.map((row) => [row.ownerId, row.id]));
}

/** The order as `recipient` may see it, or null when it may see none of it. */
function orderFor(order: OrderDetail, recipient: EventRecipient, shopOf: Map<number, number>): unknown {
  if (recipient.role === 'staff') {
    return presentAdminOrder(adminView(order));
  }
  if (recipient.userId === order.userId) {
    const canCancel = canMoveOrder('buyer', order.state, order.parts, 'canceled');
    return presentBuyerOrder(order, canCancel);
  }
  const shopId = shopOf.get(recipient.userId);
  const view = shopId === undefined ? null : supplierView(order, shopId);
  return view ? presentSupplierOrder(view) : null;
}

/** `order.placed`, from the checkout transaction: each supplier gets its own part only. */
export async function publishOrderPlaced(scope: TxScope, order: OrderDetail): Promise<void> {
  let shopOf = new Map<number, number>();
  await publishEvent(
    scope,
    'order.placed',
    async () => {
      shopOf = await shopOwners(
        scope.tx,
        order.parts.map((part) => part.shop.id),
      );
      return [order.userId, ...shopOf.keys()];
    },
    (recipient) => orderFor(order, recipient, shopOf),
  );
}

export interface StateChange {
  /** Null: the order's own state. */
  partId: number | null;
  shopId: number | null;
  from: OrderState;
  to: OrderState;
}

/**
 * `order.status_changed`, from the transaction that moved the order or its parts: the buyer and
 * staff hear every change; a supplier only the change of its own part, with its part's view.
 */
export async function publishOrderStatusChanged(
  scope: TxScope,
  orderId: number,
  buyerId: number,
  changes: readonly StateChange[],
  context: { actorRole: string; note: string },
): Promise<void> {
  let shopOf = new Map<number, number>();
  const audience = async () => {
    shopOf = await shopOwners(
      scope.tx,
      changes.flatMap((change) => (change.shopId === null ? [] : [change.shopId])),
    );
    return [buyerId, ...shopOf.keys()];
  };
  let order: OrderDetail | null | undefined;
  await publishEvent(scope, 'order.status_changed', audience, async (recipient) => {
    order ??= await loadOrder(scope.tx, orderId);
    if (!order) return null;
    const supplierShop = recipient.role === 'supplier' ? shopOf.get(recipient.userId) : undefined;
    const visible =
      recipient.role === 'supplier' ? changes.filter((change) => change.shopId === supplierShop) : changes;
    return {
      order: orderFor(order, recipient, shopOf),
      changes: visible.map((change) => ({
        part_id: change.partId,
        shop_id: change.shopId,
        from: change.from,
        to: change.to,
      })),
      actor_role: context.actorRole,
      note: context.note,
    };
  });
}
