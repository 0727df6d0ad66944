// Staff's side of orders: every order, filtered by state, shop, buyer and dates, each list served by
// an index (orders by buyer, by state, by date; a shop's orders through its parts).
import { and, desc, eq, inArray, type SQL, sql } from 'drizzle-orm';
import type { Queryable } from '../../db/client.ts';
import { type OrderState, orderParts, orders, type PaymentStatus } from '../../db/schema/orders.ts';
import { notFound } from '../../http/errors.ts';
import { type Page, pageOf, peekLimit } from '../../http/paging.ts';
import { type ListFilters, orderCursor, pageConditions } from './listing.ts';
import { allowedTargets } from './transitions.ts';
import { loadOrder, type OrderDetail, orderNumber } from './views.ts';

export interface AdminOrderFilters extends ListFilters {
  state?: OrderState;
  shopId?: number;
  buyerId?: number;
  /** The order's payment status; with `shopId`, that shop's part's. */
  paymentStatus?: PaymentStatus;
}

export interface AdminOrderSummary {
  id: number;
  number: string;
  state: OrderState;
  createdAt: Date;
  total: string;
  currency: string;
  paymentStatus: PaymentStatus;
  buyer: { id: number; email: string; company: string };
  parts: {
    id: number;
    shopId: number;
    shopName: string;
    state: OrderState;
    total: string;
    paymentStatus: PaymentStatus;
  }[];
}

export async function listAdminOrders(
  db: Queryable,
  filters: AdminOrderFilters,
): Promise<Page<AdminOrderSummary>> {
  const columns = {
    id: orders.id,
    state: orders.state,
    createdAt: orders.createdAt,
    total: orders.total,
    currency: orders.currency,
    paymentStatus: orders.paymentStatus,
    userId: orders.userId,
    email: sql<string>`${orders.billing}->>'email'`,
    company: sql<string>`${orders.billing}->>'company'`,
  };
  const common: (SQL | undefined)[] = [
    filters.state ? eq(orders.state, filters.state) : undefined,
    filters.buyerId ? eq(orders.userId, filters.buyerId) : undefined,
  ];
  const rows =
    filters.shopId === undefined
      ? await db
          .select(columns)
          .from(orders)
          .where(
            and(
              ...common,
              filters.paymentStatus ? eq(orders.paymentStatus, filters.paymentStatus) : undefined,
              ...pageConditions(orders.createdAt, orders.id, filters),
            ),
          )
          .orderBy(desc(orders.createdAt), desc(orders.id))
          .limit(peekLimit(filters.limit))
      : await db
          .select(columns)
          .from(orderParts)
          .innerJoin(orders, eq(orders.id, orderParts.orderId))
          .where(
            and(
              eq(orderParts.shopId, filters.shopId),
              ...common,
              filters.paymentStatus ? eq(orderParts.paymentStatus, filters.paymentStatus) : undefined,
              ...pageConditions(orderParts.orderCreatedAt, orderParts.orderId, filters),
            ),
          )
          .orderBy(desc(orderParts.orderCreatedAt), desc(orderParts.orderId))
          .limit(peekLimit(filters.limit));

  const page = pageOf(rows, filters.limit, orderCursor);
  const parts = page.items.length
    ? await db
        .select({
          id: orderParts.id,
          orderId: orderParts.orderId,
          shopId: orderParts.shopId,
          shopName: orderParts.shopName,
          state: orderParts.state,
          total: orderParts.total,
          paymentStatus: orderParts.paymentStatus,
        })
        .from(orderParts)
        .where(
          inArray(
            orderParts.orderId,
            page.items.map((row) => row.id),
          ),
        )
        .orderBy(orderParts.id)
    : [];
  return {
    nextCursor: page.nextCursor,
    items: page.items.map((row) => ({
      id: row.id,
      number: orderNumber(row.id),
      state: row.state,
      createdAt: row.createdAt,
      total: row.total,
      currency: row.currency,
      paymentStatus: row.paymentStatus,
      buyer: { id: row.userId, email: row.email, company: row.company },
      parts: parts.filter((part) => part.orderId === row.id).map(({ orderId: _, ...part }) => part),
    })),
  };
}

export interface AdminOrder extends OrderDetail {
  /** The states staff may set the order to from here. */
  allowedStates: readonly OrderState[];
}

export async function getAdminOrder(db: Queryable, orderId: number): Promise<AdminOrder> {
  const order = await loadOrder(db, orderId);
  if (!order)
    throw notFound('order_not_found', { ru: `Заказ ${orderId} не найден`, en: `Order ${orderId} not found` });
  return { ...order, allowedStates: allowedTargets('staff', order.state) };
}
