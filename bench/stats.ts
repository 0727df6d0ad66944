// `npm run bench:stats`: the statistics endpoints on a year of history, on the PostgreSQL server.
//
// A fresh database (BENCH_DATABASE_URL, else DATABASE_URL, else the local server) gets, written
// straight into the tables by SQL (generate_series; every "random" choice is an md5 of the row's
// number, so two runs write the same history): 20 suppliers × 10,000 offers (200,000 products in
// 300 categories), 200 buyers, BENCH_STATS_ORDERS (125,000) orders over the year 2025-12-01 …
// 2026-11-30 (Moscow working hours), each with 1–3 suppliers and 8 lines: 1,000,000 order lines.
// Goods sell unevenly (a cube of a uniform number picks the offer: a few sell often, most rarely),
// 20 % of lines carry a 5 % promotion, 10 % of orders a 3 % order coupon, 8 % of parts are canceled
// and the rest spread over the states. The rollups are then rebuilt from the lines
// (rebuildStatsRollups: the same SQL as the triggers), the API started as its own process, and each
// typical query asked BENCH_STATS_REQUESTS (100) times one after another: p50/p99 of the whole HTTP
// answer (to its last byte) and of its first byte. The target (p99 < 100 ms) is the JSON answers'; the
// CSV and XLSX exports are streamed files, reported beside it. Results: bench/results/stats.md and
// stats.json.
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { sql } from 'drizzle-orm';
import { loadConfig } from '../src/config.ts';
import { openPostgres } from '../src/db/client.ts';
import { migrate } from '../src/db/migrate.ts';
import { rowsOf } from '../src/db/statement-queue.ts';
import { foldStatsDeltas, rebuildStatsRollups } from '../src/modules/stats/fold.service.ts';
import { createLogger, createRuntime } from '../src/runtime.ts';
import {
  AUTH_SECRET,
  freshDatabase,
  machine,
  percentile,
  startServer,
  tokenFor,
  writeResult,
} from './lib.ts';

const ORDERS = Number(process.env.BENCH_STATS_ORDERS ?? 125_000);
const LINES_PER_ORDER = 8;
const REQUESTS = Number(process.env.BENCH_STATS_REQUESTS ?? 100);
const TARGET_P99_MS = 100;

/** The history, in order; `h(n, salt)` is a deterministic number in [0, 1). */
const GENERATE = [
  `create function pg_temp.h(n bigint, salt int) returns float8 immutable language sql as
     $$ select (('x' || substr(md5(n::text || ':' || salt), 1, 8))::bit(32)::bigint)::float8 / 4294967296 $$`,
  `insert into users (email, password_hash, role, company, email_confirmed_at)
     select 'supplier-' || s || '@bench.test', '!', 'supplier', 'Поставщик ' || s, now() from generate_series(1, 20) s`,
  `insert into shops (owner_id, name)
     select u.id, 'Поставщик ' || substr(u.email, 10, position('@' in u.email) - 10)
     from users u where u.role = 'supplier' order by u.id`,
  `insert into users (email, password_hash, role, company, email_confirmed_at)
     select 'buyer-' || b || '@bench.test', '!', 'buyer', 'Сеть ' || b, now() from generate_series(1, 200) b`,
  // No catalog triggers (search index, summaries) and no foreign-key checks: statistics read none.
  `set session_replication_role = replica`,
  `insert into categories (name, normalized_name)
     select 'Категория ' || c, 'категория ' || c from generate_series(1, 300) c`,
  `insert into products (category_id, name, normalized_name)
     select (select min(id) from categories) + (p % 300), 'Товар ' || p, 'товар ' || p from generate_series(1, 200000) p`,
  // Offer k (0-based) belongs to shop k % 20 and product k: each shop has 10,000.
  `insert into offers (shop_id, product_id, category_id, external_id, name, price, price_rrc, quantity)
     select (select min(id) from shops) + (k % 20), (select min(id) from products) + k,
            (select min(id) from categories) + ((k + 1) % 300),
            'g' || k, 'Товар ' || (k + 1), round(50 + (k % 1000) * 1.37, 2), round(60 + (k % 1000) * 1.5, 2), 1000000
     from generate_series(0, 199999) k`,
  `create temp table bench_orders as
     select o, (select min(id) from users where role = 'buyer') + floor(pg_temp.h(o, 1) * 200)::int as buyer,
            timestamptz '2025-12-01 08:00+03' + floor(pg_temp.h(o, 2) * 365) * interval '1 day'
              + pg_temp.h(o, 3) * interval '12 hours' as at,
            1 + floor(pg_temp.h(o, 4) * 3)::int as suppliers, floor(pg_temp.h(o, 5) * 20)::int as first_shop,
            pg_temp.h(o, 6) < 0.1 as coupon
     from generate_series(1, ${ORDERS}) o`,
  `insert into orders (id, user_id, state, currency, subtotal, total, delivery, billing, created_at, updated_at)
     overriding system value
     select o, buyer, 'delivered', 'RUB', 0, 0, '{}'::jsonb, jsonb_build_object('email', 'bench'), at, at
     from bench_orders`,
  `insert into order_parts (id, order_id, shop_id, shop_name, state, subtotal, total, order_created_at, updated_at)
     overriding system value
     select (o - 1) * 3 + k + 1, o, (select min(id) from shops) + (first_shop + k * 7) % 20, 'Поставщик',
            case when pg_temp.h((o - 1) * 3 + k, 7) < 0.08 then 'canceled'
                 when pg_temp.h((o - 1) * 3 + k, 7) < 0.15 then 'new'
                 when pg_temp.h((o - 1) * 3 + k, 7) < 0.20 then 'confirmed'
                 when pg_temp.h((o - 1) * 3 + k, 7) < 0.25 then 'assembled'
                 when pg_temp.h((o - 1) * 3 + k, 7) < 0.35 then 'sent' else 'delivered' end,
            0, 0, at, at
     from bench_orders, generate_series(0, 2) k where k < suppliers`,
  `insert into order_lines (order_id, part_id, offer_id, product_id, product_name, name, external_id, shop_id,
                            shop_name, characteristics, quantity, unit_price, price_rrc, amount, discount, total)
     select l.o, l.part, f.id, f.product_id, f.name, f.name, f.external_id, f.shop_id, 'Поставщик', '{}'::jsonb,
            l.quantity, f.price, f.price_rrc, f.price * l.quantity, l.discount_rate * round(f.price * l.quantity * 0.05, 2),
            f.price * l.quantity - l.discount_rate * round(f.price * l.quantity * 0.05, 2)
     from (
       select b.o, (b.o - 1) * 3 + (j % b.suppliers) + 1 as part,
              (select min(id) from offers)
                + floor(10000 * pg_temp.h(b.o * 8 + j, 8) ^ 3)::int * 20 + (b.first_shop + (j % b.suppliers) * 7) % 20 as offer,
              1 + floor(pg_temp.h(b.o * 8 + j, 9) * 10)::int as quantity,
              (pg_temp.h(b.o * 8 + j, 10) < 0.2)::int as discount_rate
       from bench_orders b, generate_series(0, ${LINES_PER_ORDER - 1}) j
     ) l join offers f on f.id = l.offer`,
  `update order_parts p set subtotal = s.amount, lines_discount = s.discount,
          order_discount = case when b.coupon then round(s.total * 0.03, 2) else 0 end,
          total = s.total - case when b.coupon then round(s.total * 0.03, 2) else 0 end
     from (select part_id, sum(amount) amount, sum(discount) discount, sum(total) total from order_lines group by part_id) s,
          bench_orders b
     where s.part_id = p.id and b.o = p.order_id`,
  `update orders o set subtotal = s.subtotal, lines_discount = s.lines_discount, order_discount = s.order_discount,
          total = s.total
     from (select order_id, sum(subtotal) subtotal, sum(lines_discount) lines_discount,
                  sum(order_discount) order_discount, sum(total) total from order_parts group by order_id) s
     where s.order_id = o.id`,
  `select setval(pg_get_serial_sequence('orders', 'id'), (select max(id) from orders))`,
  `select setval(pg_get_serial_sequence('order_parts', 'id'), (select max(id) from order_parts))`,
  `set session_replication_role = origin`,
  `analyze`,
];

interface Scenario {
  name: string;
  who: 'staff' | 'supplier' | 'buyer';
  path: string;
}

const YEAR = 'from=2025-12-01&to=2026-11-30';
const MONTH = 'from=2026-11-01&to=2026-11-30';

function scenarios(shopBuyer: number): Scenario[] {
  const admin = '/api/v2/admin/stats/sales';
  return [
    { name: 'a month by day', who: 'staff', path: `${admin}?${MONTH}&interval=day` },
    {
      name: 'a month by day, by supplier',
      who: 'staff',
      path: `${admin}?${MONTH}&interval=day&group_by=shop`,
    },
    {
      name: 'a year by week, by supplier',
      who: 'staff',
      path: `${admin}?${YEAR}&interval=week&group_by=shop`,
    },
    {
      name: 'a year by month, by category (top 20)',
      who: 'staff',
      path: `${admin}?${YEAR}&interval=month&group_by=category`,
    },
    {
      name: 'a year by month, top 20 products',
      who: 'staff',
      path: `${admin}?${YEAR}&interval=month&group_by=product`,
    },
    {
      name: 'a month by day, top 20 products',
      who: 'staff',
      path: `${admin}?${MONTH}&interval=day&group_by=product`,
    },
    {
      name: 'a year by week, by buyer (top 20)',
      who: 'staff',
      path: `${admin}?${YEAR}&interval=week&group_by=buyer`,
    },
    {
      name: 'a year by week, delivered only',
      who: 'staff',
      path: `${admin}?${YEAR}&interval=week&state=delivered`,
    },
    {
      name: 'a year by month, one buyer, by supplier',
      who: 'staff',
      path: `${admin}?${YEAR}&interval=month&group_by=shop&buyer_id=${shopBuyer}`,
    },
    {
      name: 'supplier: a year by week',
      who: 'supplier',
      path: `/api/v2/supplier/stats/sales?${YEAR}&interval=week`,
    },
    {
      name: 'supplier: a year by month, top 20 products',
      who: 'supplier',
      path: `/api/v2/supplier/stats/sales?${YEAR}&interval=month&group_by=product`,
    },
    {
      name: 'buyer: a year by month, by category',
      who: 'buyer',
      path: `/api/v2/stats/purchases?${YEAR}&interval=month&group_by=category`,
    },
    {
      name: 'CSV: a year by week, by supplier',
      who: 'staff',
      path: `${admin}?${YEAR}&interval=week&group_by=shop&format=csv`,
    },
    {
      name: 'XLSX: a year by week, by supplier',
      who: 'staff',
      path: `${admin}?${YEAR}&interval=week&group_by=shop&format=xlsx`,
    },
  ];
}

async function main() {
  // BENCH_STATS_REUSE=<url>: measure a database an earlier run kept (BENCH_STATS_KEEP=1), without
  // generating it again.
  const reuse = process.env.BENCH_STATS_REUSE;
  const database = reuse
    ? { url: reuse, drop: async () => {} }
    : await freshDatabase(process.env.BENCH_STATS_DB_PREFIX ?? 'bench_stats');
  const handle = openPostgres(database.url, 4);
  const results: Record<string, unknown>[] = [];
  let server: Awaited<ReturnType<typeof startServer>> | undefined;
  try {
    await migrate(handle);
    let started = performance.now();
    // One connection for the whole script: pg_temp and session settings live in it.
    if (!reuse) {
      await handle.db.transaction(async (tx) => {
        for (const statement of GENERATE) await tx.execute(sql.raw(statement));
      });
    }
    const generateSeconds = (performance.now() - started) / 1000;
    const [counts] = rowsOf<{ orders: number; parts: number; lines: number }>(
      await handle.db.execute(sql`select (select count(*) from orders)::int as orders,
        (select count(*) from order_parts)::int as parts, (select count(*) from order_lines)::int as lines`),
    );
    console.log(`generated in ${generateSeconds.toFixed(1)} s:`, counts);
    if (process.env.BENCH_STATS_GENERATE_ONLY) {
      // Only the history, kept (no rollups): for measuring a rebuild or a migration's backfill on it.
      process.env.BENCH_STATS_KEEP = '1';
      return;
    }

    const config = loadConfig({ DATABASE_URL: database.url, AUTH_SECRET, LOG_LEVEL: 'warn' });
    const runtime = await createRuntime(config, {
      database: handle,
      log: createLogger(config),
      workers: false,
      migrate: false,
    });
    started = performance.now();
    // A fresh history bypassed the triggers: rebuild from the lines. A reused database was migrated
    // after its history was written: the migration left the history as deltas to fold.
    // BENCH_STATS_REBUILD=1 rebuilds a reused database's rollups from its lines.
    if (reuse && !process.env.BENCH_STATS_REBUILD) await foldStatsDeltas(runtime, 2_000_000);
    else await rebuildStatsRollups(runtime);
    await handle.db.execute(sql`vacuum analyze stats_sales_deltas`);
    await handle.db.execute(sql`analyze stats_rollups`);
    const rebuildSeconds = (performance.now() - started) / 1000;
    const rollupRows = rowsOf<{ family: string; grain: string; rows: number }>(
      await handle.db.execute(
        sql`select family, grain, count(*)::int as rows from stats_rollups group by 1, 2 order by 1, 2`,
      ),
    );
    console.log(`rollups rebuilt in ${rebuildSeconds.toFixed(1)} s`);

    const [people] = rowsOf<{ staff: number; supplier: number; buyer: number }>(
      await handle.db.execute(sql`
        with s as (insert into users (email, password_hash, role, email_confirmed_at)
                   values ('staff@bench.test', '!', 'staff', now())
                   on conflict do nothing returning id)
        select coalesce((select id from s), (select id from users where email = 'staff@bench.test')) as staff,
               (select min(id) from users where role = 'supplier') as supplier,
               (select min(id) from users where role = 'buyer') as buyer`),
    );
    const tokens = {
      staff: await tokenFor(handle.db, { id: people.staff, role: 'staff' }),
      supplier: await tokenFor(handle.db, { id: people.supplier, role: 'supplier' }),
      buyer: await tokenFor(handle.db, { id: people.buyer, role: 'buyer' }),
    };
    await runtime.close();

    server = await startServer({ DATABASE_URL: database.url, RUN_WORKERS: 'false' });
    for (const scenario of scenarios(people.buyer)) {
      const headers = { authorization: `Bearer ${tokens[scenario.who]}` };
      const times: number[] = [];
      const firstBytes: number[] = [];
      let bytes = 0;
      for (let i = 0; i < REQUESTS + 5; i += 1) {
        const t0 = performance.now();
        const res = await fetch(`${server.url}${scenario.path}`, { headers });
        // Time to first byte: the first chunk of the body (a streamed export starts before it ends).
        const reader = (res.body as ReadableStream<Uint8Array>).getReader();
        const chunks: Uint8Array[] = [];
        let first = 0;
        for (;;) {
          const { done, value } = await reader.read();
          if (first === 0) first = performance.now() - t0;
          if (done) break;
          chunks.push(value);
        }
        const body = Buffer.concat(chunks);
        const elapsed = performance.now() - t0;
        if (res.status !== 200)
          throw new Error(`${scenario.name}: ${res.status} ${body.toString().slice(0, 300)}`);
        bytes = body.length;
        if (i >= 5) {
          // the first five warm the connection pool and plans
          times.push(elapsed);
          firstBytes.push(first);
        }
      }
      times.sort((a, b) => a - b);
      firstBytes.sort((a, b) => a - b);
      const row = {
        name: scenario.name,
        path: scenario.path,
        export: scenario.path.includes('format='),
        p50_ms: Number(percentile(times, 50).toFixed(1)),
        p99_ms: Number(percentile(times, 99).toFixed(1)),
        max_ms: Number(times[times.length - 1].toFixed(1)),
        first_byte_p50_ms: Number(percentile(firstBytes, 50).toFixed(1)),
        first_byte_p99_ms: Number(percentile(firstBytes, 99).toFixed(1)),
        body_bytes: bytes,
      };
      console.log(row);
      results.push(row);
    }

    // The target is the JSON answers' (the chart's question); the exports are files, reported beside.
    const worst = Math.max(...results.filter((r) => !r.export).map((r) => r.p99_ms as number));
    const markdown = [
      '# Statistics benchmark (`npm run bench:stats`)',
      '',
      `Machine: ${machine()}. PostgreSQL server, API as its own process, one client asking one request after another (${REQUESTS} each after 5 warm-ups).`,
      '',
      `History: ${counts.orders.toLocaleString('en')} orders, ${counts.parts.toLocaleString('en')} supplier parts, ${counts.lines.toLocaleString('en')} order lines over 20 suppliers, 2025-12-01 … 2026-11-30; generated in ${generateSeconds.toFixed(0)} s, rollups rebuilt from the lines in ${rebuildSeconds.toFixed(0)} s.`,
      '',
      reuse
        ? `Database: a kept one (\`BENCH_STATS_REUSE\`), its rollups ${process.env.BENCH_STATS_REBUILD ? 'rebuilt from the lines here' : 'as they were (deltas folded)'}; load average ${os
            .loadavg()
            .map((l) => l.toFixed(1))
            .join(' / ')} (1 / 5 / 15 min) at the end.`
        : `Database: generated here; load average ${os
            .loadavg()
            .map((l) => l.toFixed(1))
            .join(' / ')} (1 / 5 / 15 min) at the end.`,
      '',
      `Rollup rows: ${rollupRows.map((r) => `${r.family}/${r.grain} ${r.rows.toLocaleString('en')}`).join(', ')}.`,
      '',
      `Target: p99 < ${TARGET_P99_MS} ms for the JSON answers (request to last byte). Worst JSON p99: **${worst} ms** (${worst < TARGET_P99_MS ? 'met' : 'NOT met'}). The CSV and XLSX exports (streamed files) are reported beside, not held to it: time to the first byte and to the last.`,
      '',
      '| query | p50 ms | p99 ms | max ms | first byte p50 / p99 ms | body bytes |',
      '|---|---:|---:|---:|---:|---:|',
      ...results.map(
        (r) =>
          `| ${r.name} | ${r.p50_ms} | ${r.p99_ms} | ${r.max_ms} | ${r.first_byte_p50_ms} / ${r.first_byte_p99_ms} | ${r.body_bytes} |`,
      ),
      '',
    ].join('\n');
    writeResult('stats', markdown, {
      date: new Date().toISOString(),
      machine: machine(),
      counts,
      generateSeconds,
      rebuildSeconds,
      rollupRows,
      results,
    });
    console.log(markdown);
  } finally {
    await server?.stop();
    await handle.close();
    if (process.env.BENCH_STATS_KEEP || reuse) console.log(`kept ${database.url}`);
    else await database.drop();
  }
}

await main();
