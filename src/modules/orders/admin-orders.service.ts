// Staff's side of orders: every order, filtered by state, shop, buyer, dates, number, category and product, sorted by
// date or total with a keyset cursor of the sort's own key; each order and part carries the states
// staff may move it to now, from the one transition table.
import { and, asc, desc, eq, inArray, type SQL, sql } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import type { Queryable } from '../../db/client.ts';
import { type OrderState, orderParts, orders, type PaymentStatus } from '../../db/schema/orders.ts';
import { notFound, validationError } from '../../http/errors.ts';
import { type Page, pageOf, peekLimit, readCursor } from '../../http/paging.ts';
import { type ListFilters, lineConditions, pageConditions } from './listing.ts';
import { allowedOrderTargets, allowedTargets, canMoveOrder } from './transitions.ts';
import { loadOrder, type OrderDetail, type OrderPartView, orderNumber } from './views.ts';

export const ADMIN_ORDER_SORTS = ['created_at', '-created_at', 'total', '-total'] as const;
export type AdminOrderSort = (typeof ADMIN_ORDER_SORTS)[number];

export interface AdminOrderFilters extends ListFilters {
  state?: OrderState;
  shopId?: number;
  buyerId?: number;
  /** `Z-000042` or `42`: that order; a shorter `Z-0000…`: the numbers it begins. */
  number?: string;
  sort?: AdminOrderSort;
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
  allowedStates: readonly OrderState[];
  buyer: { id: number; email: string; company: string };
  parts: {
    id: number;
    shopId: number;
    shopName: string;
    state: OrderState;
    total: string;
    paymentStatus: PaymentStatus;
    allowedStates: readonly OrderState[];
  }[];
}

/** The states staff may set a whole order to: the table's targets its parts also allow. */
export function staffOrderTargets(state: OrderState, parts: readonly { state: OrderState }[]): OrderState[] {
  return allowedOrderTargets('staff', state).filter((to) => canMoveOrder('staff', state, parts, to));
}

function invalidCursor() {
  return validationError([
    { field: 'query.cursor', message: { ru: 'Неверный курсор страницы', en: 'Invalid page cursor' } },
  ]);
}

/** `[sort, key, id]`: a cursor is valid only for the sort it was made for. */
function decodeSortCursor(cursor: string, sort: AdminOrderSort): { key: string; id: number } {
  const parsed = readCursor(cursor);
  if (!Array.isArray(parsed) || parsed.length !== 3 || parsed[0] !== sort) throw invalidCursor();
  const [, key, id] = parsed as [string, unknown, unknown];
  if (typeof key !== 'string' || !Number.isSafeInteger(id) || (id as number) < 1) throw invalidCursor();
  const byDate = sort.endsWith('created_at');
  if (byDate ? Number.isNaN(new Date(key).getTime()) : !/^-?\d{1,12}(\.\d{1,2})?$/.test(key))
    throw invalidCursor();
  return { key, id: id as number };
}

/** The condition of an order number as typed by staff, or 400 for one that cannot be a number. */
function numberCondition(raw: string): SQL {
  const typed = raw.trim().toUpperCase();
  if (/^\d{1,10}$/.test(typed)) {
    const id = Number(typed);
    return id <= 2_147_483_647 ? eq(orders.id, id) : sql`false`;
  }
  if (/^Z(-\d*)?$/.test(typed)) {
    return sql`('Z-' || lpad(${orders.id}::text, 6, '0')) like ${`${typed}%`}`;
  }
  throw validationError([
    {
      field: 'query.number',
      message: { ru: 'Номер заказа: Z-000042 или 42', en: 'An order number: Z-000042 or 42' },
    },
  ]);
}

export async function listAdminOrders(
  db: Queryable,
  filters: AdminOrderFilters,
): Promise<Page<AdminOrderSummary>> {
  const sort = filters.sort ?? '-created_at';
  const byShop = filters.shopId !== undefined;
  // A shop's orders are read through its parts (one index on the part's copy of the creation time).
  const createdAt: AnyPgColumn = byShop ? orderParts.orderCreatedAt : orders.createdAt;
  const idColumn: AnyPgColumn = byShop ? orderParts.orderId : orders.id;
  const keyColumn: AnyPgColumn = sort.endsWith('created_at') ? createdAt : orders.total;
  const descending = sort.startsWith('-');
  const conditions: (SQL | undefined)[] = [
    filters.state ? eq(orders.state, filters.state) : undefined,
    filters.buyerId ? eq(orders.userId, filters.buyerId) : undefined,
    byShop ? eq(orderParts.shopId, filters.shopId as number) : undefined,
    filters.number === undefined ? undefined : numberCondition(filters.number),
    filters.paymentStatus
      ? eq(byShop ? orderParts.paymentStatus : orders.paymentStatus, filters.paymentStatus)
      : undefined,
    ...lineConditions(idColumn, filters),
    ...pageConditions(createdAt, idColumn, { ...filters, cursor: undefined }),
  ];
  if (filters.cursor) {
    const cursor = decodeSortCursor(filters.cursor, sort);
    const key = sort.endsWith('created_at') ? sql`${cursor.key}::timestamptz` : sql`${cursor.key}::numeric`;
    conditions.push(
      descending
        ? sql`(${keyColumn}, ${idColumn}) < (${key}, ${cursor.id})`
        : sql`(${keyColumn}, ${idColumn}) > (${key}, ${cursor.id})`,
    );
  }
  const direction = descending ? desc : asc;
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
  const from = byShop
    ? db.select(columns).from(orderParts).innerJoin(orders, eq(orders.id, orderParts.orderId))
    : db.select(columns).from(orders);
  const rows = await from
    .where(and(...conditions))
    .orderBy(direction(keyColumn), direction(idColumn))
    .limit(peekLimit(filters.limit));

  const page = pageOf(rows, filters.limit, (last) => [
    sort,
    sort.endsWith('created_at') ? last.createdAt.toISOString() : last.total,
    last.id,
  ]);
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
    items: page.items.map((row) => {
      const own = parts.filter((part) => part.orderId === row.id);
      return {
        id: row.id,
        number: orderNumber(row.id),
        state: row.state,
        createdAt: row.createdAt,
        total: row.total,
        currency: row.currency,
        paymentStatus: row.paymentStatus,
        allowedStates: staffOrderTargets(row.state, own),
        buyer: { id: row.userId, email: row.email, company: row.company },
        parts: own.map(({ orderId: _, ...part }) => ({
          ...part,
          allowedStates: allowedTargets('staff', part.state),
        })),
      };
    }),
  };
}

export interface AdminOrder extends OrderDetail {
  /** The states staff may set the order to from here. */
  allowedStates: readonly OrderState[];
  parts: (OrderPartView & { allowedStates: readonly OrderState[] })[];
}

/** An order as staff see it, with what each of its parts and the order may move to. */
export function adminView(order: OrderDetail): AdminOrder {
  return {
    ...order,
    allowedStates: staffOrderTargets(order.state, order.parts),
    parts: order.parts.map((part) => ({ ...part, allowedStates: allowedTargets('staff', part.state) })),
  };
}

export async function getAdminOrder(db: Queryable, orderId: number): Promise<AdminOrder> {
  const order = await loadOrder(db, orderId);
  if (!order)
    throw notFound('order_not_found', { ru: `Заказ ${orderId} не найден`, en: `Order ${orderId} not found` });
  return adminView(order);
}

/** Orders waiting for confirmation: the list `state=new`. */
export async function countOrdersAwaitingConfirmation(db: Queryable): Promise<number> {
  const [row] = await db
    .select({ count: sql<number>`count(*)::integer` })
    .from(orders)
    .where(eq(orders.state, 'new'));
  return row.count;
}

/**
 * Orders placed at or after `from` (the list `created_from=<from>`), and the sum of the totals of
 * those not canceled, exact, as a two-place decimal string.
 */
export async function ordersSince(db: Queryable, from: Date): Promise<{ count: number; revenue: string }> {
  const [row] = await db
    .select({
      count: sql<number>`count(*)::integer`,
      revenue: sql<string>`coalesce(sum(${orders.total}) filter (where ${orders.state} <> 'canceled'), 0)::numeric(14,2)::text`,
    })
    .from(orders)
    .where(sql`${orders.createdAt} >= ${from.toISOString()}::timestamptz`);
  return { count: row.count, revenue: row.revenue };
}
