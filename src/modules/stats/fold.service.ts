// Folding into rollups. A checkout records its order as pending (migration 0039_stats_pending_orders);
// the triggers append signed deltas for later changes of orders already expanded (0032_stats_triggers).
// A fold expands a batch of pending orders straight into the rollups and adds a batch of deltas into the
// hour (UTC), day, week and month (ROLLUP_TIME_ZONE, Moscow) rows of stats_rollups, in one transaction:
// pending orders and deltas vanish exactly when their sums appear, so a read that adds the rollups, the
// deltas still there and the pending orders' contribution (one statement, one snapshot: stats_unfolded)
// is exact whenever it runs. Only one fold runs at a time (a transaction-scoped advisory lock); what a
// checkout has not committed yet is invisible to the fold and folded by a later one.
import { type SQL, sql } from 'drizzle-orm';
import type { Queryable } from '../../db/client.ts';
import { rowsOf } from '../../db/statement-queue.ts';
import { transaction } from '../../db/transaction.ts';
import type { Runtime } from '../../runtime.ts';
import { ROLLUP_TIME_ZONE } from './periods.ts';

/** The advisory lock key of the fold ("stats" in ASCII). */
const FOLD_LOCK = 0x7374617473;
const BATCH = 20_000;
/** Pending orders expanded into deltas per transaction (at most ~60 delta rows each). */
const PENDING_BATCH = 2_000;
/** How often a process that works jobs expands the pending orders (the fold itself runs every minute). */
export const EXPAND_SECONDS = 5;

/** Adds rows of the `source` relation (delta-shaped) into the hour, day, week and month rollups. */
function upsertRollups(source: SQL): SQL {
  return sql`
      insert into stats_rollups as r (family, grain, bucket, shop_id, group_id, state, lines, units, gross,
                                      line_discount, order_discount, parts, orders)
      select t.family, g.grain,
             case g.grain when 'hour' then t.hour
                          else date_trunc(g.grain, t.hour at time zone ${ROLLUP_TIME_ZONE}) at time zone ${ROLLUP_TIME_ZONE} end,
             t.shop_id, t.group_id, t.state, sum(t.lines), sum(t.units), sum(t.gross), sum(t.line_discount),
             sum(t.order_discount), sum(t.parts), sum(t.orders)
      from ${source} t cross join (values ('hour'), ('day'), ('week'), ('month')) as g(grain)
      group by 1, 2, 3, 4, 5, 6
      on conflict (family, grain, bucket, shop_id, group_id, state) do update set
        lines = r.lines + excluded.lines, units = r.units + excluded.units, gross = r.gross + excluded.gross,
        line_discount = r.line_discount + excluded.line_discount,
        order_discount = r.order_discount + excluded.order_discount,
        parts = r.parts + excluded.parts, orders = r.orders + excluded.orders`;
}

/**
 * One batch of pending orders (0039_stats_pending_orders) turned into deltas: taken off the pending
 * list (skipping those a transaction is changing right now: its trigger holds a share lock), then
 * their contribution — in a second statement, whose snapshot sees every change committed before the
 * rows were taken — appended to stats_sales_deltas, one row per key of the batch. Answers how many
 * orders were expanded.
 */
async function expandPendingBatch(db: Queryable, batch: number): Promise<number> {
  const taken = rowsOf<{ order_id: number }>(
    await db.execute(sql`
    delete from stats_pending_orders
    where order_id in (select order_id from stats_pending_orders order by order_id limit ${batch}
                       for update skip locked)
    returning order_id`),
  ).map((row) => row.order_id);
  if (taken.length === 0) return 0;
  await db.execute(sql`
    insert into stats_sales_deltas (family, hour, shop_id, group_id, state, lines, units, gross, line_discount,
                                    order_discount, parts, orders)
    select c.family, c.hour, c.shop_id, c.group_id, c.state, sum(c.lines), sum(c.units), sum(c.gross),
           sum(c.line_discount), sum(c.order_discount), sum(c.parts), sum(c.orders)
    from stats_contribution(${sql.param(taken)}::int[], '{}', '{}', '{}') c
    group by 1, 2, 3, 4, 5`);
  return taken.length;
}

/**
 * Expands every pending order committed so far into deltas, a batch per transaction (the fold timer,
 * and the first step of every fold). Cheap beside a fold — appends, no rollup row is touched — and
 * keeps the pending orders, which each read of their period computes on the spot, few. Processes
 * expanding at once take different orders. Answers how many orders were expanded.
 */
export async function expandPendingStats(runtime: Runtime, batch = PENDING_BATCH): Promise<number> {
  let total = 0;
  for (;;) {
    const expanded = await transaction(runtime, ({ tx }) => expandPendingBatch(tx, batch));
    total += expanded;
    if (expanded < batch) return total;
  }
}

/** One batch: answers how many deltas were folded, or null when another fold holds the lock. */
async function foldBatch(db: Queryable, batch: number): Promise<number | null> {
  const [lock] = rowsOf<{ locked: boolean }>(
    await db.execute(sql`select pg_try_advisory_xact_lock(${FOLD_LOCK}) as locked`),
  );
  if (!lock?.locked) return null;
  const [result] = rowsOf<{ folded: number }>(
    await db.execute(sql`
    with taken as (
      delete from stats_sales_deltas
      where id in (select id from stats_sales_deltas order by id limit ${batch})
      returning *
    ), added as (${upsertRollups(sql`taken`)})
    select count(*)::int as folded from taken`),
  );
  return result?.folded ?? 0;
}

/**
 * Folds every pending order and delta committed so far (the stats_fold job, tools): the pending orders
 * expanded into deltas first, then the deltas into the rollups. Answers how many orders were expanded
 * and deltas folded.
 */
export async function foldStatsDeltas(runtime: Runtime, batch = BATCH): Promise<number> {
  let total = await expandPendingStats(runtime, Math.min(batch, PENDING_BATCH));
  for (;;) {
    const folded = await transaction(runtime, ({ tx }) => foldBatch(tx, batch));
    if (folded === null) return total; // another fold is at work; it takes what is left
    total += folded;
    if (folded < batch) return total;
  }
}

/**
 * Recomputes every rollup from the order lines (a tool: the benchmark's generator, a repair), set-based:
 * stats_contribution (the triggers' own SQL) for a batch of orders at a time into a scratch table
 * without indexes, then the hour rows by one `group by`, the day rows from the hour rows, the week and
 * month rows from the day rows (an order lies in one hour, so every measure, `orders` included, adds up), with
 * the secondary indexes dropped during the load and built again after it (one sort each instead of
 * millions of index inserts). Holds writers of lines and parts off, and readers of the rollups, for its
 * duration (minutes for a year of 1,000,000 lines), so no change is lost between the two.
 */
export async function rebuildStatsRollups(runtime: Runtime, ordersPerBatch = 5_000): Promise<void> {
  await transaction(runtime, async ({ tx }) => {
    await tx.execute(sql`lock table order_lines, order_parts in share mode`);
    await tx.execute(sql`select pg_advisory_xact_lock(${FOLD_LOCK})`);
    await tx.execute(sql`set local work_mem = '256MB'`);
    await tx.execute(sql`set local maintenance_work_mem = '512MB'`);
    await tx.execute(sql`delete from stats_sales_deltas`);
    await tx.execute(sql`delete from stats_pending_orders`);
    await tx.execute(sql`truncate stats_rollups`);
    await tx.execute(sql`
      insert into stats_line_categories (line_id, category_id)
      select l.id, p.category_id from order_lines l join products p on p.id = l.product_id
      on conflict (line_id) do nothing`);
    const [bounds] = rowsOf<{ low: number | null; high: number | null }>(
      await tx.execute(sql`select min(id) as low, max(id) as high from orders`),
    );
    const { low, high } = bounds ?? { low: null, high: null };
    if (low === null || high === null) return;
    await tx.execute(sql`
      create temp table stats_rebuild on commit drop as
      select * from stats_sales_deltas with no data`);
    for (let start = Number(low); start <= Number(high); start += ordersPerBatch) {
      await tx.execute(sql`
        insert into stats_rebuild (family, hour, shop_id, group_id, state, lines, units, gross, line_discount,
                                   order_discount, parts, orders)
        select c.* from stats_contribution(
          array(select id from orders where id >= ${start} and id < ${start + ordersPerBatch}), '{}', '{}', '{}') c`);
    }
    // The secondary indexes, as they are defined now (so this never drifts from the migrations).
    const indexes = rowsOf<{ name: string; definition: string }>(
      await tx.execute(sql`
        select i.indexname as name, i.indexdef as definition from pg_indexes i
        where i.schemaname = current_schema() and i.tablename = 'stats_rollups'
          and i.indexname <> (select conname from pg_constraint
                              where conrelid = 'stats_rollups'::regclass and contype = 'p')`),
    );
    for (const index of indexes) await tx.execute(sql.raw(`drop index "${index.name}"`));
    const measures = sql.raw(
      'sum(t.lines), sum(t.units), sum(t.gross), sum(t.line_discount), sum(t.order_discount), sum(t.parts), sum(t.orders)',
    );
    const columns = sql.raw(
      'family, grain, bucket, shop_id, group_id, state, lines, units, gross, line_discount, order_discount, parts, orders',
    );
    await tx.execute(sql`
      insert into stats_rollups (${columns})
      select t.family, 'hour', t.hour, t.shop_id, t.group_id, t.state, ${measures}
      from stats_rebuild t group by 1, 2, 3, 4, 5, 6 order by 1, 2, 3, 4, 5, 6`);
    for (const [grain, finer] of [
      ['day', 'hour'],
      ['week', 'day'],
      ['month', 'day'],
    ] as const) {
      await tx.execute(sql`
        insert into stats_rollups (${columns})
        select t.family, ${grain},
               date_trunc(${grain}, t.bucket at time zone ${ROLLUP_TIME_ZONE}) at time zone ${ROLLUP_TIME_ZONE},
               t.shop_id, t.group_id, t.state, ${measures}
        from stats_rollups t where t.grain = ${finer}
        group by 1, 2, 3, 4, 5, 6 order by 1, 2, 3, 4, 5, 6`);
    }
    for (const index of indexes) await tx.execute(sql.raw(index.definition));
  });
}

/** Every minute the job system folds the deltas (one schedule, whichever process runs it). */
export async function installFoldSchedule(runtime: Runtime): Promise<void> {
  await runtime.boss.schedule('stats_fold', '* * * * *', {});
}

/**
 * Expands the pending orders every EXPAND_SECONDS in a process that works jobs, so that they — which
 * every read of their period computes on the spot — stay few between the minute's folds. Answers the
 * stop.
 */
export function startPendingExpansion(runtime: Runtime): () => void {
  let expanding = false;
  const timer = setInterval(() => {
    if (expanding || runtime.state.closing) return;
    expanding = true;
    expandPendingStats(runtime)
      .catch((error: unknown) =>
        runtime.log.error({ err: error }, 'statistics: expanding pending orders failed'),
      )
      .finally(() => {
        expanding = false;
      });
  }, EXPAND_SECONDS * 1000);
  timer.unref();
  return () => clearInterval(timer);
}
