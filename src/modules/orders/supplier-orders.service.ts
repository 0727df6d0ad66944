// The supplier's side of orders: the orders that contain its goods, each showing only its own part —
// its lines, its sums, its history — and where to deliver. Another supplier's lines, prices and sums
// never leave the database for it.
import { and, desc, eq, sql } from 'drizzle-orm';
import type { Queryable } from '../../db/client.ts';
import { type OrderState, orderParts, orders, type PaymentStatus } from '../../db/schema/orders.ts';
import { notFound } from '../../http/errors.ts';
import { mapPage, type Page, pageOf, peekLimit } from '../../http/paging.ts';
import { supplierShop } from './lifecycle.service.ts';
import { type SupplierOrder, supplierView } from './supplier-view.ts';

export { type SupplierOrder, supplierView } from './supplier-view.ts';

import { type ListFilters, lineConditions, orderCursor, pageConditions } from './listing.ts';
import { loadOrder, orderNumber } from './views.ts';

export interface SupplierOrderSummary {
  id: number;
  number: string;
  createdAt: Date;
  /** The state of the supplier's part. */
  state: OrderState;
  total: string;
  currency: string;
  buyerCompany: string;
  /** The payment status of the supplier's part. */
  paymentStatus: PaymentStatus;
}

export interface SupplierOrderFilters extends ListFilters {
  state?: OrderState;
}

export async function listSupplierOrders(
  db: Queryable,
  supplierId: number,
  filters: SupplierOrderFilters,
): Promise<Page<SupplierOrderSummary>> {
  const shop = await supplierShop(db, supplierId);
  const rows = await db
    .select({
      id: orderParts.orderId,
      createdAt: orderParts.orderCreatedAt,
      state: orderParts.state,
      total: orderParts.total,
      currency: orders.currency,
      buyerCompany: sql<string>`${orders.billing}->>'company'`,
      paymentStatus: orderParts.paymentStatus,
    })
    .from(orderParts)
    .innerJoin(orders, eq(orders.id, orderParts.orderId))
    .where(
      and(
        eq(orderParts.shopId, shop.id),
        filters.state ? eq(orderParts.state, filters.state) : undefined,
        ...lineConditions(orderParts.orderId, { ...filters, shopId: shop.id }),
        ...pageConditions(orderParts.orderCreatedAt, orderParts.orderId, filters),
      ),
    )
    .orderBy(desc(orderParts.orderCreatedAt), desc(orderParts.orderId))
    .limit(peekLimit(filters.limit));
  return mapPage(pageOf(rows, filters.limit, orderCursor), (row) => ({
    ...row,
    number: orderNumber(row.id),
  }));
}

/** What a supplier sees of an order. */
export async function getSupplierOrder(
  db: Queryable,
  supplierId: number,
  orderId: number,
): Promise<SupplierOrder> {
  const shop = await supplierShop(db, supplierId);
  const order = await loadOrder(db, orderId);
  const view = order && supplierView(order, shop.id);
  if (!view) {
    throw notFound('order_not_found', { ru: `Заказ ${orderId} не найден`, en: `Order ${orderId} not found` });
  }
  return view;
}
