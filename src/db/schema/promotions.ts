// Promotions (discounts applied automatically to the goods they target) and coupons (codes a buyer
// enters). How they turn into prices is decided in one pure function: modules/promotions/discount-engine.ts.
// Amounts are numeric(14,2); a percent is numeric too ("12.50" = 12.5 %).
import { sql } from 'drizzle-orm';
import {
  boolean,
  check,
  index,
  integer,
  numeric,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import { orders } from './orders.ts';
import { users } from './users.ts';

export const DISCOUNT_KINDS = ['percent', 'fixed'] as const;
export type DiscountKind = (typeof DISCOUNT_KINDS)[number];
export const COUPON_SCOPES = ['order', 'lines'] as const;
export type CouponScope = (typeof COUPON_SCOPES)[number];

/**
 * Automatic discounts. A line is targeted when `applies_to_all`, or when its product is among
 * `product_ids` or its category among `category_ids` (when both are empty: any good) and, if
 * `shop_ids` is not empty, its shop is among them. Each line gets the best single promotion.
 */
export const promotions = pgTable(
  'promotions',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    name: text('name').notNull(),
    description: text('description').notNull().default(''),
    enabled: boolean('enabled').notNull().default(true),
    startsAt: timestamp('starts_at', { withTimezone: true }).notNull(),
    /** Exclusive; null: open-ended. */
    endsAt: timestamp('ends_at', { withTimezone: true }),
    appliesToAll: boolean('applies_to_all').notNull().default(false),
    categoryIds: integer('category_ids').array().notNull().default(sql`'{}'`),
    productIds: integer('product_ids').array().notNull().default(sql`'{}'`),
    shopIds: integer('shop_ids').array().notNull().default(sql`'{}'`),
    discountKind: text('discount_kind').$type<DiscountKind>().notNull(),
    /** A percent (0 < v ≤ 100), or a fixed amount off each unit. */
    discountValue: numeric('discount_value', { precision: 14, scale: 2 }).notNull(),
    /** The line's quantity must reach this. */
    minLineQuantity: integer('min_line_quantity').notNull().default(1),
    /** The order's subtotal (before any discount) must reach this. */
    minOrderAmount: numeric('min_order_amount', { precision: 14, scale: 2 }),
    /** Breaks ties between promotions giving a line the same discount: higher wins, then older. */
    priority: integer('priority').notNull().default(0),
    createdBy: integer('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    // Pricing loads the enabled promotions whose window has begun.
    index('promotions_enabled_starts_idx').on(t.startsAt).where(sql`${t.enabled}`),
    check('promotions_window_check', sql`${t.endsAt} is null or ${t.endsAt} > ${t.startsAt}`),
    check(
      'promotions_discount_check',
      sql`(${t.discountKind} = 'percent' and ${t.discountValue} > 0 and ${t.discountValue} <= 100) or (${t.discountKind} = 'fixed' and ${t.discountValue} > 0)`,
    ),
    check(
      'promotions_targets_check',
      sql`${t.appliesToAll} or cardinality(${t.categoryIds}) + cardinality(${t.productIds}) + cardinality(${t.shopIds}) > 0`,
    ),
    check('promotions_min_line_quantity_check', sql`${t.minLineQuantity} >= 1`),
    check('promotions_min_order_amount_check', sql`${t.minOrderAmount} is null or ${t.minOrderAmount} >= 0`),
  ],
);

/** Coupons made together by `POST /api/v2/admin/coupons/batch`, downloadable as CSV. */
export const couponBatches = pgTable('coupon_batches', {
  id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
  name: text('name').notNull().default(''),
  prefix: text('prefix').notNull().default(''),
  count: integer('count').notNull(),
  createdBy: integer('created_by').references(() => users.id, { onDelete: 'set null' }),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

/**
 * Codes a buyer enters. `code` is stored trimmed and upper-cased, so it is unique regardless of case.
 * `used_count` counts the redemptions not given back; checkout increments it with a conditional
 * update, which is what keeps parallel checkouts within `usage_limit`.
 */
export const coupons = pgTable(
  'coupons',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    code: text('code').notNull(),
    description: text('description').notNull().default(''),
    enabled: boolean('enabled').notNull().default(true),
    discountKind: text('discount_kind').$type<DiscountKind>().notNull(),
    /** A percent; or a fixed amount off the order (scope order) or off each unit (scope lines). */
    discountValue: numeric('discount_value', { precision: 14, scale: 2 }).notNull(),
    scope: text('scope').$type<CouponScope>().notNull().default('order'),
    /** Targets of a `lines` coupon, read as a promotion's. */
    categoryIds: integer('category_ids').array().notNull().default(sql`'{}'`),
    productIds: integer('product_ids').array().notNull().default(sql`'{}'`),
    shopIds: integer('shop_ids').array().notNull().default(sql`'{}'`),
    startsAt: timestamp('starts_at', { withTimezone: true }).notNull().defaultNow(),
    /** Exclusive; null: never expires. */
    endsAt: timestamp('ends_at', { withTimezone: true }),
    /** Null: unlimited; 1: single-use. */
    usageLimit: integer('usage_limit'),
    usedCount: integer('used_count').notNull().default(0),
    /** Null: unlimited. */
    perBuyerLimit: integer('per_buyer_limit').default(1),
    minOrderAmount: numeric('min_order_amount', { precision: 14, scale: 2 }),
    /** false: the coupon leaves alone the lines that carry a promotion. */
    combinesWithPromotions: boolean('combines_with_promotions').notNull().default(false),
    batchId: integer('batch_id').references(() => couponBatches.id),
    createdBy: integer('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('coupons_code_key').on(t.code),
    index('coupons_batch_idx').on(t.batchId, t.id),
    check(
      'coupons_code_check',
      sql`${t.code} = upper(btrim(${t.code})) and length(${t.code}) between 3 and 64`,
    ),
    check('coupons_window_check', sql`${t.endsAt} is null or ${t.endsAt} > ${t.startsAt}`),
    check(
      'coupons_discount_check',
      sql`(${t.discountKind} = 'percent' and ${t.discountValue} > 0 and ${t.discountValue} <= 100) or (${t.discountKind} = 'fixed' and ${t.discountValue} > 0)`,
    ),
    check(
      'coupons_scope_check',
      sql`(${t.scope} = 'order' and cardinality(${t.categoryIds}) + cardinality(${t.productIds}) + cardinality(${t.shopIds}) = 0) or (${t.scope} = 'lines' and cardinality(${t.categoryIds}) + cardinality(${t.productIds}) + cardinality(${t.shopIds}) > 0)`,
    ),
    check(
      'coupons_usage_check',
      sql`${t.usedCount} >= 0 and (${t.usageLimit} is null or (${t.usageLimit} >= 1 and ${t.usedCount} <= ${t.usageLimit}))`,
    ),
    check('coupons_per_buyer_limit_check', sql`${t.perBuyerLimit} is null or ${t.perBuyerLimit} >= 1`),
    check('coupons_min_order_amount_check', sql`${t.minOrderAmount} is null or ${t.minOrderAmount} >= 0`),
  ],
);

/** A coupon used by an order. Cancelling the order releases it (once): `released_at` is set. */
export const couponRedemptions = pgTable(
  'coupon_redemptions',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    couponId: integer('coupon_id')
      .notNull()
      .references(() => coupons.id),
    orderId: integer('order_id')
      .notNull()
      .references(() => orders.id),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id),
    /** Everything the coupon took off the order (its line discounts and its order-level discount). */
    discount: numeric('discount', { precision: 14, scale: 2 }).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    releasedAt: timestamp('released_at', { withTimezone: true }),
  },
  (t) => [
    // One coupon per order.
    uniqueIndex('coupon_redemptions_order_key').on(t.orderId),
    // The per-buyer limit counts these under the coupon's row lock.
    index('coupon_redemptions_coupon_user_idx').on(t.couponId, t.userId).where(sql`${t.releasedAt} is null`),
    index('coupon_redemptions_coupon_idx').on(t.couponId, t.id),
    check('coupon_redemptions_discount_check', sql`${t.discount} >= 0`),
  ],
);

/** The coupon a buyer attached to their basket; checkout uses it unless the body names another. */
export const basketCoupons = pgTable(
  'basket_coupons',
  {
    userId: integer('user_id')
      .primaryKey()
      .references(() => users.id, { onDelete: 'cascade' }),
    couponId: integer('coupon_id')
      .notNull()
      .references(() => coupons.id, { onDelete: 'cascade' }),
    attachedAt: timestamp('attached_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('basket_coupons_coupon_idx').on(t.couponId)],
);

export type Promotion = typeof promotions.$inferSelect;
export type Coupon = typeof coupons.$inferSelect;
export type CouponBatch = typeof couponBatches.$inferSelect;
export type CouponRedemption = typeof couponRedemptions.$inferSelect;
