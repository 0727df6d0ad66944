// Sales statistics (modules/stats). Written only by the stats module's SQL: triggers on order lines and
// part states append signed deltas (no row is ever updated by a checkout, so checkouts never wait on
// one another here); a job folds the deltas into the rollups; a read sums rollups + unfolded deltas.
// Money is in minor units (kopecks) as bigint: sums stay exact and are cheaper than numeric.
import { sql } from 'drizzle-orm';
import { bigint, index, integer, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * The family of a rollup row says what `group_id` is — nothing (0), the buyer's user id, the
 * product's category at checkout, the product id — and whether `shop_id` is the shop (`shop…`
 * families: for supplier figures and shop filters) or 0 (every shop together: far fewer rows).
 * `buyer_category` is keyed by the buyer in `shop_id` (every shop together) and the category in
 * `group_id`: a buyer's purchases by category.
 */
export const STATS_FAMILIES = [
  'total',
  'shop',
  'buyer',
  'shop_buyer',
  'category',
  'shop_category',
  'product',
  'shop_product',
  'buyer_category',
] as const;
export type StatsFamily = (typeof STATS_FAMILIES)[number];

/**
 * Rollup grains: UTC hours; days, ISO weeks (Monday first) and months of the rollup zone (Moscow). A read
 * adds up the coarsest pieces that fit.
 */
export const STATS_GRAINS = ['hour', 'day', 'week', 'month'] as const;
export type StatsGrain = (typeof STATS_GRAINS)[number];

// Measures shared by deltas and rollups. `state` is the supplier part's state, or `live`: the lines of
// every part not canceled once more (so a question without a state filter reads `live` and
// `canceled` rows only, and a row's revenue ranks a group).
// - lines, units, gross (Σ amount), line_discount, order_discount (the part's order-level discount
//   spread over its lines): sums over the lines of the key.
// - parts: parts of the key's shop and state that have a line of the group (= orders of that shop).
// - orders: orders that have a line of the group in a part of that state, each kept on one row (the
//   lowest shop id among its lines of the group); only a sum over every shop is meaningful.
const measures = {
  lines: integer('lines').notNull().default(0),
  units: bigint('units', { mode: 'number' }).notNull().default(0),
  gross: bigint('gross', { mode: 'bigint' }).notNull().default(sql`0`),
  lineDiscount: bigint('line_discount', { mode: 'bigint' }).notNull().default(sql`0`),
  orderDiscount: bigint('order_discount', { mode: 'bigint' }).notNull().default(sql`0`),
  parts: integer('parts').notNull().default(0),
  orders: integer('orders').notNull().default(0),
};

/** Append-only: one row per changed key of one statement on order lines or part states. */
export const statsSalesDeltas = pgTable(
  'stats_sales_deltas',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    family: text('family').$type<StatsFamily>().notNull(),
    /** The order's creation time truncated to the UTC hour. */
    hour: timestamp('hour', { withTimezone: true }).notNull(),
    shopId: integer('shop_id').notNull(),
    groupId: integer('group_id').notNull(),
    state: text('state').notNull(),
    ...measures,
  },
  (t) => [index('stats_sales_deltas_family_hour_idx').on(t.family, t.hour)],
);

export const statsRollups = pgTable(
  'stats_rollups',
  {
    family: text('family').$type<StatsFamily>().notNull(),
    grain: text('grain').$type<StatsGrain>().notNull(),
    /** Start of the UTC hour, or of the day, week or month of the rollup zone. */
    bucket: timestamp('bucket', { withTimezone: true }).notNull(),
    shopId: integer('shop_id').notNull(),
    groupId: integer('group_id').notNull(),
    state: text('state').notNull(),
    ...measures,
    /** gross − line_discount − order_discount: what groups are ranked by. */
    revenue: bigint('revenue', { mode: 'bigint' }).generatedAlwaysAs(
      sql`gross - line_discount - order_discount`,
    ),
  },
  (t) => [
    // A period of every shop: (family, grain, bucket range); the key's order serves it.
    primaryKey({ columns: [t.family, t.grain, t.bucket, t.shopId, t.groupId, t.state] }),
    // One supplier's figures (the supplier endpoint, `shop_id` filters), the series of the shops.
    index('stats_rollups_shop_idx').on(t.family, t.grain, t.shopId, t.state, t.bucket),
    // The series of a few groups (the top products, categories, buyers once ranked; one buyer's
    // figures): state before bucket, so only the states asked for are read.
    index('stats_rollups_group_idx').on(t.family, t.grain, t.groupId, t.state, t.bucket),
    // Best-selling groups of one bucket first: the top-products ranking reads each bucket from the top.
    index('stats_rollups_rank_idx').on(t.family, t.grain, t.bucket, t.shopId, t.state, t.revenue.desc()),
  ],
);

/** Each order line's category as it was at checkout, so a later recategorisation rewrites no history. */
export const statsLineCategories = pgTable('stats_line_categories', {
  lineId: integer('line_id').primaryKey(),
  categoryId: integer('category_id').notNull(),
});

/**
 * Orders placed whose statistics are not computed yet (since 0039): a checkout records its order here
 * instead of computing its deltas, and a fold expands the pending orders into deltas in batches, off
 * the checkout's path. Reads add the pending orders' contribution on the spot (`stats_unfolded`), so
 * every answer stays exact. `hour` is the order's UTC hour (reads take only their period's).
 */
export const statsPendingOrders = pgTable('stats_pending_orders', {
  orderId: integer('order_id').primaryKey(),
  hour: timestamp('hour', { withTimezone: true }).notNull(),
});
