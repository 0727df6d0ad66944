// An order as the services hand it out: the order, its parts with their lines, and its history,
// assembled from rows. Who may see which part of it is decided by the callers (buyer, supplier, staff).
import { asc, inArray } from 'drizzle-orm';
import type { Queryable } from '../../db/client.ts';
import {
  type BillingSnapshot,
  type DeliverySnapshot,
  type DiscountSource,
  type Order,
  type OrderLine,
  type OrderPart,
  type OrderState,
  type OrderStatusHistoryRow,
  orderLines,
  orderParts,
  orderStatusHistory,
  orders,
  type PaymentStatus,
} from '../../db/schema/orders.ts';
import type { UserRole } from '../../db/schema/users.ts';

/** The number people read: Z-000123. */
export function orderNumber(id: number): string {
  return `Z-${String(id).padStart(6, '0')}`;
}

export interface OrderLineView {
  id: number;
  offerId: number;
  productId: number;
  productName: string;
  name: string;
  model: string | null;
  externalId: string;
  characteristics: Record<string, string | number | boolean>;
  quantity: number;
  unitPrice: string;
  priceRrc: string;
  amount: string;
  discount: string;
  discountSource: DiscountSource | null;
  total: string;
}

export interface OrderPartView {
  id: number;
  shop: { id: number; name: string };
  state: OrderState;
  subtotal: string;
  linesDiscount: string;
  orderDiscount: string;
  total: string;
  payment: PaymentSummary;
  /** "YYYY-MM-DD": promised at checkout from the shop's terms; null for orders placed before terms. */
  promisedDeliveryDate: string | null;
  lines: OrderLineView[];
}

/** Money received and given back, and the status derived from them (orders/payment-status.ts). */
export interface PaymentSummary {
  status: PaymentStatus;
  paidAmount: string;
  refundedAmount: string;
}

export function paymentSummary(
  row: Pick<Order, 'paymentStatus' | 'paidAmount' | 'refundedAmount'>,
): PaymentSummary {
  return { status: row.paymentStatus, paidAmount: row.paidAmount, refundedAmount: row.refundedAmount };
}

export interface HistoryEntry {
  id: number;
  /** Null: the order's own state. */
  partId: number | null;
  shopId: number | null;
  actorId: number | null;
  actorRole: UserRole | 'system';
  from: OrderState | null;
  to: OrderState;
  note: string;
  at: Date;
}

export interface OrderDetail {
  id: number;
  number: string;
  userId: number;
  state: OrderState;
  currency: string;
  subtotal: string;
  linesDiscount: string;
  orderDiscount: string;
  total: string;
  couponCode: string | null;
  comment: string;
  payment: PaymentSummary;
  delivery: DeliverySnapshot;
  billing: BillingSnapshot;
  createdAt: Date;
  updatedAt: Date;
  parts: OrderPartView[];
  history: HistoryEntry[];
}

export function lineView(line: OrderLine): OrderLineView {
  return {
    id: line.id,
    offerId: line.offerId,
    productId: line.productId,
    productName: line.productName,
    name: line.name,
    model: line.model,
    externalId: line.externalId,
    characteristics: line.characteristics,
    quantity: line.quantity,
    unitPrice: line.unitPrice,
    priceRrc: line.priceRrc,
    amount: line.amount,
    discount: line.discount,
    discountSource: line.discountSource ?? null,
    total: line.total,
  };
}

export function partView(part: OrderPart, lines: readonly OrderLine[]): OrderPartView {
  return {
    id: part.id,
    shop: { id: part.shopId, name: part.shopName },
    state: part.state,
    subtotal: part.subtotal,
    linesDiscount: part.linesDiscount,
    orderDiscount: part.orderDiscount,
    total: part.total,
    payment: paymentSummary(part),
    promisedDeliveryDate: part.promisedDeliveryDate,
    lines: lines
      .filter((line) => line.partId === part.id)
      .sort((a, b) => a.id - b.id)
      .map(lineView),
  };
}

export function historyView(
  rows: readonly OrderStatusHistoryRow[],
  parts: readonly OrderPart[],
): HistoryEntry[] {
  const shopOf = new Map(parts.map((part) => [part.id, part.shopId]));
  return [...rows]
    .sort((a, b) => a.id - b.id)
    .map((row) => ({
      id: row.id,
      partId: row.partId,
      shopId: row.partId === null ? null : (shopOf.get(row.partId) ?? null),
      actorId: row.actorId,
      actorRole: row.actorRole,
      from: row.fromState,
      to: row.toState,
      note: row.note,
      at: row.createdAt,
    }));
}

export function assembleOrder(
  order: Order,
  parts: readonly OrderPart[],
  lines: readonly OrderLine[],
  history: readonly OrderStatusHistoryRow[],
): OrderDetail {
  return {
    id: order.id,
    number: orderNumber(order.id),
    userId: order.userId,
    state: order.state,
    currency: order.currency,
    subtotal: order.subtotal,
    linesDiscount: order.linesDiscount,
    orderDiscount: order.orderDiscount,
    total: order.total,
    couponCode: order.couponCode,
    comment: order.comment,
    payment: paymentSummary(order),
    delivery: order.delivery,
    billing: order.billing,
    createdAt: order.createdAt,
    updatedAt: order.updatedAt,
    parts: [...parts].sort((a, b) => a.id - b.id).map((part) => partView(part, lines)),
    history: historyView(history, parts),
  };
}

/** The whole order by id (no access check: callers check ownership first or filter by owner). */
export async function loadOrder(db: Queryable, orderId: number): Promise<OrderDetail | null> {
  const [order] = await loadOrders(db, [orderId]);
  return order ?? null;
}

/** Several whole orders in four queries, in the order of `orderIds` (missing ids are left out). */
export async function loadOrders(db: Queryable, orderIds: readonly number[]): Promise<OrderDetail[]> {
  const ids = [...new Set(orderIds)];
  if (ids.length === 0) return [];
  // One after another: `db` may be a transaction, whose one connection runs one query at a time.
  const rows = await db.select().from(orders).where(inArray(orders.id, ids));
  const parts = await db
    .select()
    .from(orderParts)
    .where(inArray(orderParts.orderId, ids))
    .orderBy(asc(orderParts.id));
  const lines = await db
    .select()
    .from(orderLines)
    .where(inArray(orderLines.orderId, ids))
    .orderBy(asc(orderLines.id));
  const history = await db
    .select()
    .from(orderStatusHistory)
    .where(inArray(orderStatusHistory.orderId, ids))
    .orderBy(asc(orderStatusHistory.id));
  const byId = new Map(rows.map((order) => [order.id, order]));
  const group = <T extends { orderId: number }>(items: T[]) => {
    const grouped = new Map<number, T[]>();
    for (const item of items) {
      const list = grouped.get(item.orderId);
      if (list) list.push(item);
      else grouped.set(item.orderId, [item]);
    }
    return (id: number) => grouped.get(id) ?? [];
  };
  const [partsOf, linesOf, historyOf] = [group(parts), group(lines), group(history)];
  return ids
    .filter((id) => byId.has(id))
    .map((id) => assembleOrder(byId.get(id)!, partsOf(id), linesOf(id), historyOf(id)));
}
