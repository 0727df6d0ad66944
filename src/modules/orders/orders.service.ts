// The buyer's side of orders: their list, one order, and putting an old order's goods back into the
// basket. A buyer sees only their own orders; another buyer's order is simply not found.
import { and, desc, eq, sql } from 'drizzle-orm';
import type { Queryable } from '../../db/client.ts';
import { type OrderState, orderLines, orders, type PaymentStatus } from '../../db/schema/orders.ts';
import { transaction } from '../../db/transaction.ts';
import { AppError, notFound } from '../../http/errors.ts';
import { mapPage, type Page, pageOf, peekLimit } from '../../http/paging.ts';
import type { Runtime } from '../../runtime.ts';
import { type Basket, getBasket, lockBasket, putIntoBasket } from './basket.service.ts';
import { type ListFilters, orderCursor, pageConditions } from './listing.ts';
import { loadOrder, type OrderDetail, orderNumber } from './views.ts';

export interface OrderSummary {
  id: number;
  number: string;
  state: OrderState;
  createdAt: Date;
  total: string;
  currency: string;
  paymentStatus: PaymentStatus;
}

export interface BuyerOrderFilters extends ListFilters {
  state?: OrderState;
}

export async function listBuyerOrders(
  db: Queryable,
  userId: number,
  filters: BuyerOrderFilters,
): Promise<Page<OrderSummary>> {
  const rows = await db
    .select({
      id: orders.id,
      state: orders.state,
      createdAt: orders.createdAt,
      total: orders.total,
      currency: orders.currency,
      paymentStatus: orders.paymentStatus,
    })
    .from(orders)
    .where(
      and(
        eq(orders.userId, userId),
        filters.state ? eq(orders.state, filters.state) : undefined,
        ...pageConditions(orders.createdAt, orders.id, filters),
      ),
    )
    .orderBy(desc(orders.createdAt), desc(orders.id))
    .limit(peekLimit(filters.limit));
  return mapPage(pageOf(rows, filters.limit, orderCursor), (row) => ({
    ...row,
    number: orderNumber(row.id),
  }));
}

export async function getBuyerOrder(db: Queryable, userId: number, orderId: number): Promise<OrderDetail> {
  const order = await loadOrder(db, orderId);
  if (!order || order.userId !== userId) {
    throw notFound('order_not_found', { ru: `Заказ ${orderId} не найден`, en: `Order ${orderId} not found` });
  }
  return order;
}

export interface ReorderedLine {
  offerId: number;
  name: string;
  requestedQuantity: number;
  quantity: number;
}

export interface NotReorderedLine {
  offerId: number;
  name: string;
  requestedQuantity: number;
  code: string;
  availableQuantity: number | null;
}

export interface ReorderResult {
  added: ReorderedLine[];
  notAdded: NotReorderedLine[];
  basket: Basket;
}

/** Why an offer could not go back into the basket; other errors are real failures. */
const SKIPPABLE = new Set([
  'offer_unavailable',
  'shop_not_accepting_orders',
  'out_of_stock',
  'offer_not_found',
  'currency_mismatch',
  'basket_full',
  'quantity_limit_exceeded',
]);

/**
 * Puts an order's goods back into the basket at today's prices, as far as they are still offered:
 * a good short of stock goes in with what is left; the rest is reported with the reason.
 */
export async function reorder(runtime: Runtime, userId: number, orderId: number): Promise<ReorderResult> {
  return transaction(runtime, async ({ tx, now }) => {
    const [order] = await tx
      .select({ id: orders.id })
      .from(orders)
      .where(and(eq(orders.id, orderId), eq(orders.userId, userId)));
    if (!order) {
      throw notFound('order_not_found', {
        ru: `Заказ ${orderId} не найден`,
        en: `Order ${orderId} not found`,
      });
    }
    const wanted = await tx
      .select({
        offerId: orderLines.offerId,
        name: sql<string>`min(${orderLines.name})`,
        quantity: sql<number>`sum(${orderLines.quantity})::int`,
      })
      .from(orderLines)
      .where(eq(orderLines.orderId, orderId))
      .groupBy(orderLines.offerId)
      .orderBy(sql`min(${orderLines.id})`);

    const basketId = await lockBasket(tx, userId, now);
    const added: ReorderedLine[] = [];
    const notAdded: NotReorderedLine[] = [];
    for (const line of wanted) {
      // Checks run before any write, so a refusal leaves the transaction usable.
      try {
        await putIntoBasket(tx, basketId, {
          offerId: line.offerId,
          quantity: line.quantity,
          mode: 'add',
          now,
        });
        added.push({
          offerId: line.offerId,
          name: line.name,
          requestedQuantity: line.quantity,
          quantity: line.quantity,
        });
      } catch (error) {
        if (!(error instanceof AppError) || !SKIPPABLE.has(error.code)) throw error;
        const available = (error.extra?.available_quantity as number | undefined) ?? null;
        const alreadyIn =
          ((error.extra?.requested_quantity as number | undefined) ?? line.quantity) - line.quantity;
        const room = available === null ? 0 : available - alreadyIn;
        if (error.code === 'out_of_stock' && room > 0) {
          await putIntoBasket(tx, basketId, { offerId: line.offerId, quantity: room, mode: 'add', now });
          added.push({
            offerId: line.offerId,
            name: line.name,
            requestedQuantity: line.quantity,
            quantity: room,
          });
          continue;
        }
        notAdded.push({
          offerId: line.offerId,
          name: line.name,
          requestedQuantity: line.quantity,
          code: error.code,
          availableQuantity: available,
        });
      }
    }
    return { added, notAdded, basket: await getBasket(tx, userId, now) };
  });
}
