// Baskets and orders. A basket holds offers of any number of suppliers and reserves nothing; checkout
// turns it into an order split into one part per supplier (shop), with every line snapshotted so that
// later price lists never change a placed order. Offers are referenced, never relied upon for history.
import { sql } from 'drizzle-orm';
import {
  check,
  date,
  index,
  integer,
  jsonb,
  numeric,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import { offers, shops } from './catalog.ts';
import { contacts } from './contacts.ts';
import { type UserRole, users } from './users.ts';

export const ORDER_STATES = ['new', 'confirmed', 'assembled', 'sent', 'delivered', 'canceled'] as const;
export type OrderState = (typeof ORDER_STATES)[number];

export const PAYMENT_STATUSES = [
  'unpaid',
  'partially_paid',
  'paid',
  'overpaid',
  'refunded',
  'partially_refunded',
] as const;
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];

const PAYMENT_STATUS_CHECK = `in ('unpaid', 'partially_paid', 'paid', 'overpaid', 'refunded', 'partially_refunded')`;

const STATE_CHECK = `in ('new', 'confirmed', 'assembled', 'sent', 'delivered', 'canceled')`;

/** One open basket per buyer; the row is the lock that serialises a buyer's checkouts. */
export const baskets = pgTable(
  'baskets',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('baskets_user_key').on(t.userId)],
);

export const basketItems = pgTable(
  'basket_items',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    basketId: integer('basket_id')
      .notNull()
      .references(() => baskets.id, { onDelete: 'cascade' }),
    offerId: integer('offer_id')
      .notNull()
      .references(() => offers.id),
    quantity: integer('quantity').notNull(),
    /** The offer's price when the buyer last put it in: a later difference is flagged, not hidden. */
    priceWhenAdded: numeric('price_when_added', { precision: 14, scale: 2 }).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('basket_items_basket_offer_key').on(t.basketId, t.offerId),
    index('basket_items_offer_idx').on(t.offerId),
    check('basket_items_quantity_check', sql`${t.quantity} > 0`),
  ],
);

/** The delivery address and phone as they were at checkout. */
export interface DeliverySnapshot {
  contactId: number;
  city: string;
  street: string;
  house: string;
  structure: string;
  building: string;
  apartment: string;
  phone: string;
  recipientName: string;
  comment: string;
}

/** The buyer and their billing details as they were at checkout: what the invoice is made out to. */
export interface BillingSnapshot {
  email: string;
  firstName: string;
  lastName: string;
  company: string;
  position: string;
  phone: string | null;
  legalName: string | null;
  inn: string | null;
  kpp: string | null;
  ogrn: string | null;
  bankBik: string | null;
  settlementAccount: string | null;
  correspondentAccount: string | null;
}

/** Where a discount came from (promotions and coupons plug in here). */
export type DiscountSource =
  | { kind: 'promotion'; id: number; name: string }
  | { kind: 'coupon'; code: string };

export const orders = pgTable(
  'orders',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id),
    /** Derived from the parts (see modules/orders/transitions.ts), or set by staff. */
    state: text('state').$type<OrderState>().notNull().default('new'),
    currency: text('currency').notNull(),
    /** Sum of line amounts before any discount. */
    subtotal: numeric('subtotal', { precision: 14, scale: 2 }).notNull(),
    /** Sum of line-level discounts (promotions, line-targeted coupons). */
    linesDiscount: numeric('lines_discount', { precision: 14, scale: 2 }).notNull().default('0'),
    /** The order-level discount (a whole-order coupon), spread over the parts. */
    orderDiscount: numeric('order_discount', { precision: 14, scale: 2 }).notNull().default('0'),
    total: numeric('total', { precision: 14, scale: 2 }).notNull(),
    /** The coupon applied at checkout, as the buyer typed it (normalised). */
    couponCode: text('coupon_code'),
    contactId: integer('contact_id').references(() => contacts.id, { onDelete: 'set null' }),
    delivery: jsonb('delivery').$type<DeliverySnapshot>().notNull(),
    billing: jsonb('billing').$type<BillingSnapshot>().notNull(),
    comment: text('comment').notNull().default(''),
    // Payment totals, written only through orders/for-payments.ts by the payments module.
    /** Sum of recorded payments not voided. */
    paidAmount: numeric('paid_amount', { precision: 14, scale: 2 }).notNull().default('0'),
    /** Sum of refunds made (completed). */
    refundedAmount: numeric('refunded_amount', { precision: 14, scale: 2 }).notNull().default('0'),
    paymentStatus: text('payment_status').$type<PaymentStatus>().notNull().default('unpaid'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    // Keyset pagination, newest first: a buyer's orders, all orders by state, all orders.
    index('orders_user_created_idx').on(t.userId, t.createdAt, t.id),
    index('orders_state_created_idx').on(t.state, t.createdAt, t.id),
    index('orders_created_idx').on(t.createdAt, t.id),
    index('orders_contact_idx').on(t.contactId),
    index('orders_payment_status_created_idx').on(t.paymentStatus, t.createdAt, t.id),
    check('orders_state_check', sql.raw(`state ${STATE_CHECK}`)),
    check('orders_payment_status_check', sql.raw(`payment_status ${PAYMENT_STATUS_CHECK}`)),
    check(
      'orders_amounts_check',
      sql`${t.subtotal} >= 0 and ${t.linesDiscount} >= 0 and ${t.orderDiscount} >= 0 and ${t.total} >= 0`,
    ),
  ],
);

/** One supplier's share of an order, moved along by the supplier. */
export const orderParts = pgTable(
  'order_parts',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    orderId: integer('order_id')
      .notNull()
      .references(() => orders.id),
    shopId: integer('shop_id')
      .notNull()
      .references(() => shops.id),
    shopName: text('shop_name').notNull(),
    state: text('state').$type<OrderState>().notNull().default('new'),
    subtotal: numeric('subtotal', { precision: 14, scale: 2 }).notNull(),
    linesDiscount: numeric('lines_discount', { precision: 14, scale: 2 }).notNull().default('0'),
    /** This part's share of the order-level discount; the shares add up to the order's. */
    orderDiscount: numeric('order_discount', { precision: 14, scale: 2 }).notNull().default('0'),
    total: numeric('total', { precision: 14, scale: 2 }).notNull(),
    /** The delivery date promised at checkout from the shop's terms ("YYYY-MM-DD", the shop's local date). */
    promisedDeliveryDate: date('promised_delivery_date', { mode: 'string' }),
    /** The order's creation time, copied so that a shop's orders page by one index. */
    orderCreatedAt: timestamp('order_created_at', { withTimezone: true }).notNull(),
    // Payment totals, written only through orders/for-payments.ts by the payments module.
    /** Sum of recorded payments not voided. */
    paidAmount: numeric('paid_amount', { precision: 14, scale: 2 }).notNull().default('0'),
    /** Sum of refunds made (completed). */
    refundedAmount: numeric('refunded_amount', { precision: 14, scale: 2 }).notNull().default('0'),
    paymentStatus: text('payment_status').$type<PaymentStatus>().notNull().default('unpaid'),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('order_parts_order_shop_key').on(t.orderId, t.shopId),
    index('order_parts_shop_created_idx').on(t.shopId, t.orderCreatedAt, t.orderId),
    index('order_parts_shop_state_created_idx').on(t.shopId, t.state, t.orderCreatedAt, t.orderId),
    check('order_parts_state_check', sql.raw(`state ${STATE_CHECK}`)),
    check('order_parts_payment_status_check', sql.raw(`payment_status ${PAYMENT_STATUS_CHECK}`)),
    check(
      'order_parts_amounts_check',
      sql`${t.subtotal} >= 0 and ${t.linesDiscount} >= 0 and ${t.orderDiscount} >= 0 and ${t.total} >= 0`,
    ),
  ],
);

/** A line as it was sold: names, ids and prices copied from the offer at checkout. */
export const orderLines = pgTable(
  'order_lines',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    orderId: integer('order_id')
      .notNull()
      .references(() => orders.id),
    partId: integer('part_id')
      .notNull()
      .references(() => orderParts.id),
    /** The offer sold; kept for reorders and stock returns, never for the line's own data. */
    offerId: integer('offer_id')
      .notNull()
      .references(() => offers.id),
    productId: integer('product_id').notNull(),
    productName: text('product_name').notNull(),
    /** The supplier's own name of the good. */
    name: text('name').notNull(),
    model: text('model'),
    externalId: text('external_id').notNull(),
    shopId: integer('shop_id').notNull(),
    shopName: text('shop_name').notNull(),
    characteristics: jsonb('characteristics').$type<Record<string, string | number | boolean>>().notNull(),
    quantity: integer('quantity').notNull(),
    /** The price per unit before any discount. */
    unitPrice: numeric('unit_price', { precision: 14, scale: 2 }).notNull(),
    priceRrc: numeric('price_rrc', { precision: 14, scale: 2 }).notNull(),
    /** unit_price × quantity. */
    amount: numeric('amount', { precision: 14, scale: 2 }).notNull(),
    /** The line's own discount (one promotion, or a line-targeted coupon). */
    discount: numeric('discount', { precision: 14, scale: 2 }).notNull().default('0'),
    discountSource: jsonb('discount_source').$type<DiscountSource>(),
    /** amount − discount: what the line costs before any order-level discount. */
    total: numeric('total', { precision: 14, scale: 2 }).notNull(),
  },
  (t) => [
    index('order_lines_order_idx').on(t.orderId),
    index('order_lines_part_idx').on(t.partId),
    index('order_lines_offer_idx').on(t.offerId),
    // A promotion's usage report (modules/promotions): only the lines a promotion discounted.
    index('order_lines_promotion_idx')
      .on(sql`((${t.discountSource}->>'id')::int)`)
      .where(sql`${t.discountSource}->>'kind' = 'promotion'`),
    check('order_lines_quantity_check', sql`${t.quantity} > 0`),
    check(
      'order_lines_amounts_check',
      sql`${t.unitPrice} >= 0 and ${t.discount} >= 0 and ${t.discount} <= ${t.amount} and ${t.total} = ${t.amount} - ${t.discount}`,
    ),
  ],
);

/** Every change of an order's or a part's state: who, when, from, to, why. */
export const orderStatusHistory = pgTable(
  'order_status_history',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    orderId: integer('order_id')
      .notNull()
      .references(() => orders.id),
    /** Null: the order's own state; otherwise the part that moved. */
    partId: integer('part_id').references(() => orderParts.id),
    actorId: integer('actor_id').references(() => users.id),
    /** The actor's role at the time; 'system' for derived changes of the order's state. */
    actorRole: text('actor_role').$type<UserRole | 'system'>().notNull(),
    fromState: text('from_state').$type<OrderState>(),
    toState: text('to_state').$type<OrderState>().notNull(),
    note: text('note').notNull().default(''),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('order_status_history_order_idx').on(t.orderId, t.id)],
);

/** Idempotency-Key of a checkout: the same key and body give back the same order. */
export const checkoutIdempotencyKeys = pgTable(
  'checkout_idempotency_keys',
  {
    userId: integer('user_id')
      .notNull()
      .references(() => users.id),
    key: text('key').notNull(),
    /** SHA-256 of the canonical request body; another body under the same key is refused. */
    requestHash: text('request_hash').notNull(),
    orderId: integer('order_id')
      .notNull()
      .references(() => orders.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.userId, t.key] }),
    index('checkout_idempotency_keys_order_idx').on(t.orderId),
  ],
);

export type Basket = typeof baskets.$inferSelect;
export type BasketItem = typeof basketItems.$inferSelect;
export type Order = typeof orders.$inferSelect;
export type OrderPart = typeof orderParts.$inferSelect;
export type OrderLine = typeof orderLines.$inferSelect;
export type OrderStatusHistoryRow = typeof orderStatusHistory.$inferSelect;
