// The best-selling products of a period without adding up every product: a year has rows for most of
// a 200,000-good catalog, far too many to sum for each question. Fagin's threshold algorithm: each
// rollup bucket of the period (a month, a day, an hour) is a list of its products by revenue, read
// from the top (stats_rollups_rank_idx) a chunk at a time; every product met gets its exact total
// for the period (stats_rollups_group_idx); no product not yet met can beat the sum of the last
// revenues read in each list (plus the largest unfolded delta), so once `limit` products reach that
// sum, they are the answer — exactly the one a full sum would give, except that among products tied
// at that boundary the order by id is not guaranteed.
import { sql } from 'drizzle-orm';
import type { Queryable } from '../../db/client.ts';
import type { OrderState } from '../../db/schema/orders.ts';
import type { StatsFamily } from '../../db/schema/stats.ts';
import { rowsOf } from '../../db/statement-queue.ts';
import { type FigureRow, queryFigures, rankValue } from './figures.ts';
import { bucketStartsOf, type Piece, spansOf } from './periods.ts';

export interface TopGroupsQuery {
  family: StatsFamily;
  /** The whole period as pieces of bucket 0. */
  pieces: readonly Piece[];
  shopId?: number;
  state?: OrderState;
  limit: number;
  /** Rows read from each list in the first round (doubling after); small in tests, to stop early. */
  firstChunk?: number;
}

/**
 * Rows read from each list in the first round: the more lists, and the flatter they are, the deeper
 * the threshold lies (one list: its first `limit` rows are the answer). On the bench's year (1,000,000
 * lines, 12 month lists) the top 20 of every shop together need ~110 rows a list — 50 took a second
 * round of lists and of exact values, `limit` + 10 a list (140) takes one; one supplier's lists (a
 * twentieth of the goods) need ~40, so 50 stays enough there. At least 50, at most 400 (rounds double).
 */
function firstChunk(lists: number, limit: number, everyShop: boolean): number {
  return Math.min(400, Math.max(50, everyShop ? limit + 10 * lists : limit + 2 * lists));
}

/** Revenue first, then the lower id, as the full sum orders them. */
function byRank(rows: FigureRow[], state: OrderState | undefined): FigureRow[] {
  return rows.sort((a, b) => {
    const va = rankValue(a.figures, state);
    const vb = rankValue(b.figures, state);
    return va === vb ? (a.groupId ?? 0) - (b.groupId ?? 0) : vb > va ? 1 : -1;
  });
}

/** The first `limit` groups by revenue with their figures over the period (bucket 0). */
export async function topGroupsByThreshold(db: Queryable, q: TopGroupsQuery): Promise<FigureRow[]> {
  const lists = q.pieces.flatMap((piece) =>
    bucketStartsOf(piece).map((start) => ({ grain: piece.grain, start })),
  );
  const shopKey = q.family.startsWith('shop') ? (q.shopId ?? 0) : 0;
  const state = q.state ?? 'live';
  const from = new Date(Math.min(...q.pieces.map((p) => p.from.getTime()))).toISOString();
  const to = new Date(Math.max(...q.pieces.map((p) => p.to.getTime()))).toISOString();

  // Deltas not folded yet may raise a product above its rollups: the largest rise bounds the unseen.
  // Their groups are candidates from the start (a product sold since the last fold has no rollup row).
  const deltas = rowsOf<{ group_id: number; revenue: string }>(
    await db.execute(sql`
      select group_id, sum(gross - line_discount - order_discount)::text as revenue
      from stats_unfolded(${q.family}, ${from}::timestamptz, ${to}::timestamptz)
      where shop_id = ${shopKey} and state = ${state}
      group by group_id`),
  );
  const maxRise = deltas.reduce((max, d) => (BigInt(d.revenue) > max ? BigInt(d.revenue) : max), 0n);

  // Each candidate's exact rank value over the period (its revenue — the cancelled amount with
  // state=canceled: the revenue of the `canceled` rows): the rows of the ranked state only, one range
  // of stats_rollups_group_idx per candidate and span, plus its unfolded deltas. Their full figures
  // are read for the winners only.
  const spans = spansOf(q.pieces);
  const exactValues = async (ids: number[]) =>
    rowsOf<{ group_id: number; value: string }>(
      await db.execute(sql`
        select g.id as group_id, (coalesce(r.value, 0) + coalesce(d.value, 0))::text as value
        from unnest(${sql.param(ids)}::int[]) as g(id)
        cross join lateral (
          select sum(x.revenue) as value
          from unnest(${sql.param(spans.map((r) => r.grain))}::text[],
                      ${sql.param(spans.map((r) => r.from.toISOString()))}::timestamptz[],
                      ${sql.param(spans.map((r) => r.to.toISOString()))}::timestamptz[]) as sp(grain, f, t)
          cross join lateral (
            select x.revenue from stats_rollups x
            where x.family = ${q.family} and x.grain = sp.grain and x.group_id = g.id and x.state = ${state}
              and x.bucket >= sp.f and x.bucket < sp.t and x.shop_id = ${shopKey}
            offset 0
          ) x
        ) r
        left join (
          select group_id, sum(gross - line_discount - order_discount) as value
          from stats_unfolded(${q.family}, ${from}::timestamptz, ${to}::timestamptz)
          where shop_id = ${shopKey} and state = ${state} and group_id = any(${sql.param(ids)}::int[])
          group by group_id
        ) d on d.group_id = g.id`),
    );

  const known = new Map<number, bigint>();
  let pending = new Set(deltas.map((d) => d.group_id));
  let depth = 0;
  let chunk = q.firstChunk ?? firstChunk(lists.length, q.limit, shopKey === 0);
  for (;;) {
    const rows = rowsOf<{ list: number; group_id: number; revenue: string }>(
      await db.execute(sql`
        select l.i::int as list, x.group_id, x.revenue::text as revenue
        from unnest(${sql.param(lists.map((l) => l.grain))}::text[],
                    ${sql.param(lists.map((l) => l.start.toISOString()))}::timestamptz[])
             with ordinality as l(grain, bucket, i)
        cross join lateral (
          select r.group_id, r.revenue from stats_rollups r
          where r.family = ${q.family} and r.grain = l.grain and r.bucket = l.bucket
            and r.shop_id = ${shopKey} and r.state = ${state}
          order by r.revenue desc nulls last -- the index's order: read from its top, no sort
          offset ${depth} limit ${chunk}
        ) x`),
    );
    const read = new Map<number, { count: number; last: bigint }>();
    const fresh = pending;
    pending = new Set();
    for (const row of rows) {
      const list = read.get(row.list) ?? { count: 0, last: 0n };
      list.count += 1;
      list.last = BigInt(row.revenue); // rows of a list come in index order: the last is the smallest
      read.set(row.list, list);
      if (!known.has(row.group_id)) fresh.add(row.group_id);
    }
    if (fresh.size) {
      for (const row of await exactValues([...fresh])) known.set(row.group_id, BigInt(row.value));
    }
    // A list that gave fewer rows than asked is read to its end: nothing unseen is left in it.
    let threshold = maxRise;
    let open = 0;
    for (const [, list] of read) {
      if (list.count === chunk) {
        threshold += list.last;
        open += 1;
      }
    }
    // Value first, then the lower id, as the full sum orders them.
    const ranked = [...known].sort(([ia, va], [ib, vb]) => (va === vb ? ia - ib : vb > va ? 1 : -1));
    const enough = ranked.length >= q.limit && ranked[q.limit - 1][1] >= threshold;
    // Every list read to its end: every group with a row here is known.
    if (enough || open === 0) {
      const winners = ranked.slice(0, q.limit).map(([id]) => id);
      const figures = winners.length
        ? byRank(
            (
              await queryFigures(db, {
                family: q.family,
                groupBy: q.family === 'shop' ? 'shop' : 'group',
                pieces: q.pieces,
                shopId: q.shopId,
                state: q.state,
                groupIds: winners,
                limit: q.limit,
              })
            ).rows,
            q.state,
          )
        : [];
      // Winners without any figure (rows that add up to nothing) are left out by queryFigures; then
      // the value of the last is 0, so is every unseen group's: the rest are as withoutRevenue says.
      if (figures.length >= q.limit) return figures.slice(0, q.limit);
      return withoutRevenue(db, q, figures, shopKey, from, to);
    }
    depth += chunk;
    chunk *= 2;
  }
}

/**
 * Every list read to its end and still fewer than `limit` groups: the rest are groups that sold
 * nothing counted here but have other figures (only canceled lines, say), lowest ids first — as a
 * full sum orders groups of equal revenue. Only small periods get here.
 */
async function withoutRevenue(
  db: Queryable,
  q: TopGroupsQuery,
  ranked: FigureRow[],
  shopKey: number,
  from: string,
  to: string,
): Promise<FigureRow[]> {
  const states = q.state === undefined ? ['live', 'canceled'] : [q.state];
  const seen = ranked.map((row) => row.groupId ?? 0);
  const wanted = (q.limit - ranked.length) * 2 + 10;
  const ids = rowsOf<{ group_id: number }>(
    await db.execute(sql`
      select group_id from (
        select group_id from stats_rollups
        where family = ${q.family} and grain = 'hour' and bucket >= ${from}::timestamptz
          and bucket < ${to}::timestamptz and shop_id = ${shopKey} and state = any(${sql.param(states)}::text[])
        union
        select group_id from stats_unfolded(${q.family}, ${from}::timestamptz, ${to}::timestamptz)
        where shop_id = ${shopKey} and state = any(${sql.param(states)}::text[])
      ) g
      where not (group_id = any(${sql.param(seen)}::int[]))
      order by group_id limit ${wanted}`),
  ).map((row) => row.group_id);
  const more = ids.length
    ? (
        await queryFigures(db, {
          family: q.family,
          groupBy: 'group',
          pieces: q.pieces,
          shopId: q.shopId,
          state: q.state,
          groupIds: ids,
        })
      ).rows
    : [];
  const hasFigures = (row: FigureRow) =>
    row.figures.orders !== 0 ||
    row.figures.units !== 0 ||
    row.figures.gross !== 0n ||
    row.figures.cancelledOrders !== 0 ||
    row.figures.cancelledAmount !== 0n;
  return [...ranked, ...more.filter(hasFigures).sort((a, b) => (a.groupId ?? 0) - (b.groupId ?? 0))].slice(
    0,
    q.limit,
  );
}
