// The one query behind every statistics answer: figures per bucket (and group) over rollup pieces.
//
// Where the rows come from:
// - no buyer filter: stats_rollups rows of the pieces' grains + stats_unfolded: the deltas not folded
//   yet and the contribution of the orders still pending (one statement, so one snapshot: a fold
//   commits its deletes and its upserts together);
// - a buyer filter, totals or by shop: the same from the `buyer` / `shop_buyer` families (group = the
//   buyer); by category: the `buyer_category` family (shop_id = the buyer, group = the category);
// - a buyer filter by product, or by category within one shop: the buyer's own lines added up on the
//   spot (a buyer has few lines, and no rollup is keyed by buyer and product).
//
// What counts (state = the supplier part's state):
// - revenue figures (lines, units, gross, discounts): lines of parts not canceled (rows `live`), or
//   of the asked state;
// - orders: with a shop filter or by shop, parts (an order has one part per shop); otherwise the
//   orders having such a line;
// - cancelled orders and amount: lines of canceled parts (orders having one; their final amount).
import { type SQL, sql } from 'drizzle-orm';
import type { Queryable } from '../../db/client.ts';
import type { OrderState } from '../../db/schema/orders.ts';
import type { StatsFamily } from '../../db/schema/stats.ts';
import { rowsOf } from '../../db/statement-queue.ts';
import { bucketStartsOf, type Piece, spansOf } from './periods.ts';

export interface Figures {
  orders: number;
  lines: number;
  units: number;
  /** Minor units. */
  gross: bigint;
  lineDiscount: bigint;
  orderDiscount: bigint;
  cancelledOrders: number;
  cancelledAmount: bigint;
}

export const ZERO: Figures = {
  orders: 0,
  lines: 0,
  units: 0,
  gross: 0n,
  lineDiscount: 0n,
  orderDiscount: 0n,
  cancelledOrders: 0,
  cancelledAmount: 0n,
};

export function addFigures(a: Figures, b: Figures): Figures {
  return {
    orders: a.orders + b.orders,
    lines: a.lines + b.lines,
    units: a.units + b.units,
    gross: a.gross + b.gross,
    lineDiscount: a.lineDiscount + b.lineDiscount,
    orderDiscount: a.orderDiscount + b.orderDiscount,
    cancelledOrders: a.cancelledOrders + b.cancelledOrders,
    cancelledAmount: a.cancelledAmount + b.cancelledAmount,
  };
}

export function revenueOf(f: Figures): bigint {
  return f.gross - f.lineDiscount - f.orderDiscount;
}

/**
 * What groups are ranked by: revenue, or with `state=canceled` (whose revenue is 0 by definition) the
 * cancelled amount.
 */
export function rankValue(f: Figures, state: OrderState | undefined): bigint {
  return state === 'canceled' ? f.cancelledAmount : revenueOf(f);
}

export interface FigureQuery {
  family: StatsFamily;
  /** What a group is: the rollup's group_id, the shop, or nothing (totals). */
  groupBy: 'group' | 'shop' | null;
  pieces: readonly Piece[];
  shopId?: number;
  buyerId?: number;
  state?: OrderState;
  /** Rank the groups by revenue over the buckets ≥ 0 and answer only the first `limit`. */
  limit?: number;
  /** Only these groups (shops when grouping by shop). */
  groupIds?: readonly number[];
  /**
   * With `groupIds` already ranked (the series of the first `limit` groups): false answers their rows
   * as they are, without ranking them again (a window over every row: a sixth of a year-by-week read).
   */
  rank?: boolean;
}

export interface FigureRow {
  bucket: number;
  groupId: number | null;
  figures: Figures;
}

export interface FigureResult {
  rows: FigureRow[];
  /** How many groups had any figure in the buckets ≥ 0 (before the limit). */
  groupCount: number;
}

interface RawRow {
  bucket: number;
  group_id: number | null;
  orders: string;
  lines: string;
  units: string;
  gross: string;
  line_discount: string;
  order_discount: string;
  cancelled_orders: string;
  cancelled_amount: string;
  group_count: number | null;
}

/** What `group_id` is in each family, for a buyer's figures added up from its own lines. */
const LINE_GROUP: Record<StatsFamily, string> = {
  total: '0',
  shop: '0',
  buyer: 'l.buyer_id',
  shop_buyer: 'l.buyer_id',
  category: 'l.category_id',
  shop_category: 'l.category_id',
  product: 'l.product_id',
  shop_product: 'l.product_id',
  buyer_category: 'l.category_id',
};

/**
 * A buyer's figures by product, or by category within one shop (no rollup is keyed by those): its own lines of
 * the period (a year is a few thousand) added up on the spot, each with its share of its part's order
 * discount from stats_line_figures (the same rule as the triggers'), in delta-shaped rows: one per
 * bucket, group (and shop, where parts are counted by shop) and state, `orders` and `parts` counted
 * distinct — so the aggregate over them reads them as it reads rollups.
 */
function buyerLines(q: FigureQuery, piece: SQL, filter: SQL, low: string, high: string): SQL {
  const byShop = q.groupBy === 'shop';
  return sql`
    select x.bucket, ${byShop ? sql.raw('x.shop_id') : sql.raw('0')} as shop_id, x.group_id, x.state, count(*)::int as lines, sum(x.quantity) as units,
      sum(x.gross) as gross, sum(x.line_discount) as line_discount, sum(x.order_discount) as order_discount,
      count(distinct x.part_id)::int as parts, count(distinct x.order_id)::int as orders
    from (
      select p.bucket, l.shop_id, ${sql.raw(LINE_GROUP[q.family])} as group_id, st.state, l.quantity, l.gross,
        l.line_discount, l.order_discount, l.part_id, l.order_id
      from stats_line_figures(array(select id from orders where user_id = ${q.buyerId}
             and created_at >= ${low}::timestamptz and created_at < ${high}::timestamptz)) l
      cross join lateral (select l.state union all select 'live' where l.state <> 'canceled') st(state)
      join ${piece} p on l.hour >= p.f and l.hour < p.t
    ) x
    where ${filter}
    group by x.bucket, x.group_id, x.state${byShop ? sql.raw(', x.shop_id') : sql.raw('')}`;
}

/**
 * The rollup family that holds a family's figures for one buyer, if any, and where the buyer is in it:
 * `group_id` (totals, by shop) or `shop_id` (by category: group_id is the category).
 */
const BUYER_FAMILY: Partial<Record<StatsFamily, { family: StatsFamily; key: 'group_id' | 'shop_id' }>> = {
  total: { family: 'buyer', key: 'group_id' },
  shop: { family: 'shop_buyer', key: 'group_id' },
  category: { family: 'buyer_category', key: 'shop_id' },
};

/** Whether a buyer's figures of this family are added up from its lines (no rollup holds them). */
export function readsBuyerLines(family: StatsFamily, buyerId: number | undefined): boolean {
  return buyerId !== undefined && BUYER_FAMILY[family] === undefined;
}

export async function queryFigures(db: Queryable, q: FigureQuery): Promise<FigureResult> {
  if (q.pieces.length === 0) return { rows: [], groupCount: 0 };
  const grains = q.pieces.map((p) => p.grain);
  const froms = q.pieces.map((p) => p.from.toISOString());
  const tos = q.pieces.map((p) => p.to.toISOString());
  const buckets = q.pieces.map((p) => p.bucket);
  const piece = sql`(select * from unnest(${sql.param(grains)}::text[], ${sql.param(froms)}::timestamptz[],
    ${sql.param(tos)}::timestamptz[], ${sql.param(buckets)}::int[]) as p(grain, f, t, bucket))`;
  const low = new Date(Math.min(...q.pieces.map((p) => p.from.getTime()))).toISOString();
  const high = new Date(Math.max(...q.pieces.map((p) => p.to.getTime()))).toISOString();
  const groupColumn = q.groupBy === 'shop' ? sql.raw('x.shop_id') : sql.raw('x.group_id');
  const conditions = [
    q.shopId === undefined ? undefined : sql`x.shop_id = ${q.shopId}`,
    q.groupIds === undefined ? undefined : sql`${groupColumn} = any(${sql.param([...q.groupIds])}::int[])`,
  ].filter((c): c is SQL => c !== undefined);
  const states = q.state === undefined ? ['live', 'canceled'] : [q.state];
  conditions.push(sql`x.state = any(${sql.param(states)}::text[])`);

  // A buyer's totals, its split by shop and by category are rollups of their own (the `buyer` and
  // `shop_buyer` families, group = buyer: read by stats_rollups_group_idx; `buyer_category`, shop_id =
  // buyer: read by stats_rollups_shop_idx); only a buyer's products (and categories within one shop)
  // are added up from its lines.
  const buyerFamily = q.buyerId === undefined ? undefined : BUYER_FAMILY[q.family];
  const family = buyerFamily?.family ?? q.family;
  if (buyerFamily !== undefined) conditions.push(sql`x.${sql.raw(buyerFamily.key)} = ${q.buyerId}`);
  const shop = sql.join(conditions, sql` and `);
  // Reading key by key (a few groups or shops: the ranked ones, one buyer): the key is the index's,
  // the other conditions stay.
  const keyed =
    buyerFamily !== undefined
      ? { column: sql.raw(buyerFamily.key), keys: [q.buyerId ?? 0] }
      : q.groupIds !== undefined && q.groupBy !== null
        ? { column: sql.raw(q.groupBy === 'shop' ? 'shop_id' : 'group_id'), keys: q.groupIds }
        : undefined;
  const others = sql.join(
    [
      q.shopId === undefined ? sql`true` : sql`x.shop_id = ${q.shopId}`,
      sql`x.state = any(${sql.param(states)}::text[])`,
      buyerFamily !== undefined && q.groupIds !== undefined
        ? sql`${groupColumn} = any(${sql.param([...q.groupIds])}::int[])`
        : sql`true`,
    ],
    sql` and `,
  );

  let source: SQL;
  if (q.buyerId !== undefined && buyerFamily === undefined) {
    source = buyerLines(q, piece, shop, low, high);
  } else {
    const columns = sql.raw(
      'x.family, x.shop_id, x.group_id, x.state, x.lines, x.units, x.gross, x.line_discount, x.order_discount, x.parts, x.orders',
    );
    let rollups: SQL;
    if (keyed === undefined) {
      // One index range per piece (the lateral subquery with `offset 0` is not flattened into a join
      // that would read the family's every row).
      rollups = sql`
      select p.bucket, x.* from ${piece} p
      cross join lateral (
        select ${columns} from stats_rollups x
        where x.family = ${family} and x.grain = p.grain and x.bucket >= p.f and x.bucket < p.t and ${shop}
        offset 0
      ) x`;
    } else {
      // Their own rows only, one range of stats_rollups_group_idx / _shop_idx (family, grain, key,
      // state, bucket) per key, state and span of a grain (spansOf: not every day row of the period
      // when only its last day is read as days), rather than every group's rows of each piece (with
      // the keys as an array the planner chose the rank index or a sequential scan and read the whole
      // period). A row finds its piece by its bucket's start (an equality, hashed) rather than by a range.
      const starts = q.pieces.flatMap((p) =>
        bucketStartsOf(p).map((start) => ({ grain: p.grain, start: start.toISOString(), bucket: p.bucket })),
      );
      const spans = spansOf(q.pieces);
      rollups = sql`
      select b.bucket, ${columns}
      from unnest(${sql.param([...keyed.keys])}::int[]) as g(id)
      cross join unnest(${sql.param(spans.map((r) => r.grain))}::text[],
                        ${sql.param(spans.map((r) => r.from.toISOString()))}::timestamptz[],
                        ${sql.param(spans.map((r) => r.to.toISOString()))}::timestamptz[]) as sp(grain, f, t)
      cross join lateral (
        select ${columns}, x.grain, x.bucket from stats_rollups x
        where x.family = ${family} and x.grain = sp.grain
          and x.${keyed.column} = g.id and x.bucket >= sp.f and x.bucket < sp.t
          and ${others}
        offset 0
      ) x
      join unnest(${sql.param(starts.map((b) => b.grain))}::text[], ${sql.param(starts.map((b) => b.start))}::timestamptz[],
                  ${sql.param(starts.map((b) => b.bucket))}::int[]) as b(grain, start, bucket)
        on b.grain = x.grain and b.start = x.bucket`;
    }
    source = sql`
      ${rollups}
      union all
      select p.bucket, ${columns} from ${piece} p
      join stats_unfolded(${family}, ${low}::timestamptz, ${high}::timestamptz) x on x.hour >= p.f and x.hour < p.t
      where ${shop}`;
  }

  // Without a state filter the `live` rows hold every part not canceled; with one, that state's rows.
  const liveState = q.state === undefined ? 'live' : q.state === 'canceled' ? null : q.state;
  const withCancelled = q.state === undefined || q.state === 'canceled';
  const live = liveState === null ? sql`false` : sql`s.state = ${liveState}`;
  const cancelled = withCancelled ? sql`s.state = 'canceled'` : sql`false`;
  const shopLevel = q.shopId !== undefined || q.groupBy === 'shop';
  const orders = shopLevel
    ? sql`sum(s.parts) filter (where ${live})`
    : sql`sum(s.orders) filter (where ${live})`;
  const cancelledOrders = shopLevel
    ? sql`sum(s.parts) filter (where ${cancelled})`
    : sql`sum(s.orders) filter (where ${cancelled})`;
  const group =
    q.groupBy === 'shop' ? sql`s.shop_id` : q.groupBy === 'group' ? sql`s.group_id` : sql`null::int`;

  const aggregate = sql`
    select s.bucket, ${group} as group_id,
      coalesce(${orders}, 0)::text as orders,
      coalesce(sum(s.lines) filter (where ${live}), 0)::text as lines,
      coalesce(sum(s.units) filter (where ${live}), 0)::text as units,
      coalesce(sum(s.gross) filter (where ${live}), 0)::text as gross,
      coalesce(sum(s.line_discount) filter (where ${live}), 0)::text as line_discount,
      coalesce(sum(s.order_discount) filter (where ${live}), 0)::text as order_discount,
      coalesce(${cancelledOrders}, 0)::text as cancelled_orders,
      coalesce(sum(s.gross - s.line_discount - s.order_discount) filter (where ${cancelled}), 0)::text
        as cancelled_amount
    from (${source}) s
    group by 1, 2`;

  let statement: SQL;
  if (q.groupBy === null || (q.rank === false && q.groupIds !== undefined)) {
    statement = sql`select a.*, null::int as group_count from (${aggregate}) a`;
  } else {
    // Rank the groups of the period (buckets ≥ 0) by revenue (cancelled amount with state=canceled,
    // see rankValue); keep those with any figure at all.
    const measure =
      q.state === 'canceled'
        ? sql`sum(cancelled_amount::numeric)`
        : sql`sum(gross::numeric - line_discount::numeric - order_discount::numeric)`;
    statement = sql`
      with a as (${aggregate}),
      ranked as (
        select group_id, row_number() over (order by ${measure} desc, group_id) as rank,
               count(*) over () as group_count
        from a where bucket >= 0
        group by group_id
        having sum(orders::numeric) <> 0 or sum(units::numeric) <> 0 or sum(gross::numeric) <> 0
            or sum(cancelled_orders::numeric) <> 0 or sum(cancelled_amount::numeric) <> 0
      )
      select a.*, ranked.group_count::int as group_count from a join ranked using (group_id)
      where ranked.rank <= ${q.limit ?? 20}`;
  }
  const raw = rowsOf<RawRow>(await db.execute(statement));
  const rows = raw.map(
    (row): FigureRow => ({
      bucket: Number(row.bucket),
      groupId: row.group_id === null ? null : Number(row.group_id),
      figures: {
        orders: Number(row.orders),
        lines: Number(row.lines),
        units: Number(row.units),
        gross: BigInt(row.gross),
        lineDiscount: BigInt(row.line_discount),
        orderDiscount: BigInt(row.order_discount),
        cancelledOrders: Number(row.cancelled_orders),
        cancelledAmount: BigInt(row.cancelled_amount),
      },
    }),
  );
  const groupCount = raw.find((row) => row.group_count !== null)?.group_count ?? 0;
  return { rows, groupCount: Number(groupCount) };
}
