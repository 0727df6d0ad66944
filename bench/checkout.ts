// `npm run bench:checkout`: checkout throughput and latency on the PostgreSQL server.
//
// A fresh database on the server (BENCH_DATABASE_URL, else DATABASE_URL, else the local server) is
// migrated and seeded with 3 suppliers and many buyers; the API runs as its own process (`node
// src/server.ts`, RATE_LIMIT=false, no in-process workers: the queued emails wait for a worker, as in
// production). Each buyer's basket gets 3 lines, one per supplier; then every buyer checks out, over
// BENCH_CONNECTIONS keep-alive connections. Some offers are scarce, so checkouts compete for the last
// units; afterwards the stock of every offer is reconciled with what the orders took (zero oversell).
// Beside it, the floor: a bare `node:http` server in this process answering each POST with a body of
// the order answer's size, driven the same way. Results go to bench/results/checkout.{md,json}. The
// database is dropped at the end.
import { spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { loadConfig } from '../src/config.ts';
import { openPostgres } from '../src/db/client.ts';
import { migrate } from '../src/db/migrate.ts';
import { refreshTokens } from '../src/db/schema/accounts.ts';
import { categories, offers, products, shops } from '../src/db/schema/catalog.ts';
import { contacts } from '../src/db/schema/contacts.ts';
import { users } from '../src/db/schema/users.ts';
import { signAccessToken } from '../src/http/auth.ts';
import { systemClock } from '../src/lib/clock.ts';
import { EXPAND_SECONDS, expandPendingStats, foldStatsDeltas } from '../src/modules/stats/fold.service.ts';
import { createLogger, createRuntime, type Runtime } from '../src/runtime.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SERVER_URL =
  process.env.BENCH_DATABASE_URL ?? process.env.DATABASE_URL ?? 'postgres://root@127.0.0.1:5432/postgres';
const BUYERS = Number(process.env.BENCH_BUYERS ?? 3000);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 300);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);
const POOL = Number(process.env.BENCH_POOL_SIZE ?? 8);
const OFFERS_PER_SHOP = 200;
/** The first offers of each shop are scarce: checkouts compete for their last units. */
const SCARCE_PER_SHOP = 10;
const SCARCE_STOCK = 25;
const SCARCE_SHARE = 0.05;
const AUTH_SECRET = randomBytes(32).toString('hex');
/** Issue 22's target at 16 connections. */
const TARGET = { ordersPerSecond: 600, p99Ms: 60 };

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

/** A deterministic generator, so runs are comparable. */
function random(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state * 1_664_525 + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}

interface Seeded {
  buyers: { id: number; contactId: number; token: string }[];
  shopOffers: { id: number; quantity: number }[][];
}

async function seed(url: string): Promise<Seeded> {
  const handle = openPostgres(url, 4);
  try {
    await migrate(handle);
    const db = handle.db;
    const [category] = await db
      .insert(categories)
      .values({ name: 'Бенчмарк', normalizedName: 'бенчмарк' })
      .returning({ id: categories.id });
    const shopOffers: Seeded['shopOffers'] = [];
    for (let s = 0; s < 3; s += 1) {
      const [owner] = await db
        .insert(users)
        .values({
          email: `bench-supplier-${s}@bench.test`,
          passwordHash: '!',
          role: 'supplier',
          emailConfirmedAt: new Date(),
        })
        .returning({ id: users.id });
      const [shop] = await db
        .insert(shops)
        .values({ ownerId: owner.id, name: `Поставщик ${s + 1}` })
        .returning({ id: shops.id });
      const productRows = await db
        .insert(products)
        .values(
          Array.from({ length: OFFERS_PER_SHOP }, (_, i) => ({
            categoryId: category.id,
            name: `Товар ${s}-${i}`,
            normalizedName: `товар ${s}-${i}`,
          })),
        )
        .returning({ id: products.id });
      const offerRows = await db
        .insert(offers)
        .values(
          productRows.map((product, i) => ({
            shopId: shop.id,
            productId: product.id,
            externalId: `${s}-${i}`,
            name: `Товар ${s}-${i}`,
            price: `${100 + i}.${String(i % 100).padStart(2, '0')}`,
            priceRrc: `${120 + i}.00`,
            quantity: i < SCARCE_PER_SHOP ? SCARCE_STOCK : 1_000_000,
            parameters: { Цвет: 'серый', Вес: i },
          })),
        )
        .returning({ id: offers.id, quantity: offers.quantity });
      shopOffers.push(offerRows);
    }

    const buyers: Seeded['buyers'] = [];
    const runtimeLike = { authSecret: AUTH_SECRET, clock: systemClock } as unknown as Runtime;
    for (let start = 0; start < BUYERS + WARMUP; start += 1000) {
      const count = Math.min(1000, BUYERS + WARMUP - start);
      const rows = await db
        .insert(users)
        .values(
          Array.from({ length: count }, (_, i) => ({
            email: `bench-buyer-${start + i}@bench.test`,
            passwordHash: '!',
            role: 'buyer' as const,
            firstName: 'Покупатель',
            company: `ООО Сеть ${start + i}`,
            emailConfirmedAt: new Date(),
            inn: '7701234567',
          })),
        )
        .returning({ id: users.id });
      const contactRows = await db
        .insert(contacts)
        .values(
          rows.map((row) => ({
            userId: row.id,
            city: 'Москва',
            street: 'Тверская',
            house: '1',
            phone: '+79160000000',
          })),
        )
        .returning({ id: contacts.id, userId: contacts.userId });
      // Each buyer's access token names a login session of its own (a refresh-token row).
      const sessions = contactRows.map((contact) => ({ userId: contact.userId, familyId: randomUUID() }));
      await db.insert(refreshTokens).values(
        sessions.map((session) => ({
          ...session,
          tokenHash: randomBytes(32).toString('hex'),
          createdAt: new Date(),
          expiresAt: new Date(Date.now() + 86_400_000),
        })),
      );
      for (const [i, contact] of contactRows.entries()) {
        buyers.push({
          id: contact.userId,
          contactId: contact.id,
          token: await signAccessToken(
            runtimeLike,
            { id: contact.userId, role: 'buyer' },
            { sessionId: sessions[i].familyId },
          ),
        });
      }
    }
    await db.execute(sql`analyze`);
    return { buyers, shopOffers };
  } finally {
    await handle.close();
  }
}

interface Answer {
  status: number;
  body: string;
  ms: number;
}

function request(
  agent: http.Agent,
  port: number,
  method: string,
  url: string,
  token: string,
  body?: unknown,
): Promise<Answer> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method,
        path: url,
        agent,
        headers: {
          authorization: `Bearer ${token}`,
          ...(payload
            ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }
            : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            body: Buffer.concat(chunks).toString('utf8'),
            ms: performance.now() - started,
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    if (payload) req.write(payload);
    req.end();
  });
}

/** Runs `work` over `items` with `connections` workers; answers the wall time in ms. */
async function drive<T>(items: T[], connections: number, work: (item: T) => Promise<void>): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (next < items.length) {
        const item = items[next];
        next += 1;
        await work(item);
      }
    }),
  );
  return performance.now() - started;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function waitReady(port: number, child: ReturnType<typeof spawn>): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    const ok = await new Promise<boolean>((resolve) => {
      http
        .get({ host: '127.0.0.1', port, path: '/health/ready' }, (res) => {
          res.resume();
          resolve(res.statusCode === 200);
        })
        .on('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error('server did not become ready within 60 s');
}

async function main() {
  const database = `zk_bench_checkout_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: withDatabase(SERVER_URL, 'postgres') });
  await admin.connect();
  await admin.query(`create database ${database}`);
  const url = withDatabase(SERVER_URL, database);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'zakupka-bench-'));
  let child: ReturnType<typeof spawn> | undefined;
  let foldHandle: ReturnType<typeof openPostgres> | undefined;
  let foldRuntime: Runtime | undefined;
  try {
    console.log(`seeding ${BUYERS + WARMUP} buyers, 3 suppliers × ${OFFERS_PER_SHOP} offers in ${database}…`);
    const { buyers, shopOffers } = await seed(url);

    const port = await freePort();
    // BENCH_NODE_ARGS: extra flags for the server process, e.g. `--cpu-prof` to profile it.
    const nodeArgs = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
    child = spawn(process.execPath, [...nodeArgs, 'src/server.ts'], {
      cwd: ROOT,
      env: {
        ...process.env,
        DATABASE_URL: url,
        DATABASE_POOL_SIZE: String(POOL),
        AUTH_SECRET,
        PORT: String(port),
        HOST: '127.0.0.1',
        RATE_LIMIT: 'false',
        RUN_WORKERS: 'false',
        LOG_LEVEL: 'warn',
        DATA_DIR: dataDir,
      },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    await waitReady(port, child);
    const agent = new http.Agent({ keepAlive: true, maxSockets: CONNECTIONS });

    // Baskets: one line per supplier, now and then a scarce offer.
    const pick = random(42);
    const baskets = buyers.map((buyer) => ({
      buyer,
      lines: shopOffers.map((list) => {
        const scarce = pick() < SCARCE_SHARE;
        const index = scarce
          ? Math.floor(pick() * SCARCE_PER_SHOP)
          : SCARCE_PER_SHOP + Math.floor(pick() * (OFFERS_PER_SHOP - SCARCE_PER_SHOP));
        return { offerId: list[index].id, quantity: 1 + Math.floor(pick() * 3) };
      }),
    }));
    let addFailures = 0;
    const addLatencies: number[] = [];
    const addMs = await drive(
      baskets.flatMap((basket) => basket.lines.map((line) => ({ token: basket.buyer.token, line }))),
      CONNECTIONS,
      async ({ token, line }) => {
        const res = await request(agent, port, 'POST', '/api/v2/basket/items', token, {
          offer_id: line.offerId,
          quantity: line.quantity,
        });
        addLatencies.push(res.ms);
        if (res.status !== 201) addFailures += 1;
      },
    );

    // Checkouts: a warm-up, then the measured run.
    const results: { status: number; ms: number; code?: string }[] = [];
    let orderBodyBytes = 0;
    const checkout = async (buyer: Seeded['buyers'][number], record: boolean) => {
      const res = await request(agent, port, 'POST', '/api/v2/orders', buyer.token, {
        contact_id: buyer.contactId,
      });
      if (res.status === 201) orderBodyBytes = Buffer.byteLength(res.body);
      if (record) {
        results.push({
          status: res.status,
          ms: res.ms,
          code: res.status === 201 ? undefined : JSON.parse(res.body).code,
        });
      } else if (res.status !== 201 && res.status !== 409) {
        throw new Error(`warm-up checkout answered ${res.status}: ${res.body}`);
      }
    };
    await drive(buyers.slice(0, WARMUP), CONNECTIONS, (buyer) => checkout(buyer, false));
    // The measured run starts from the steady state of a live database: its tables analyzed with
    // orders in them, as autovacuum does within a minute. Without this the run measures plans made
    // while the order tables were empty (sequential scans in the foreign-key checks and the statistics
    // trigger, cached per connection for the run's 20 s; autovacuum's first pass comes after a
    // minute): on 2026-12-05, 172 against 231 orders/s, 7.8 against 5.1 ms of PostgreSQL per order.
    {
      const analyze = new pg.Client({ connectionString: url });
      await analyze.connect();
      await analyze.query('analyze');
      await analyze.end();
    }
    // The statistics work a worker does beside checkouts (since 0039 a checkout only records its order
    // as pending): every EXPAND_SECONDS the pending orders become deltas, every minute the deltas are
    // folded into the rollups. Here on a connection of this process, so that its database time counts
    // in the run's; the fold once, after the run (a minute's fold of the run's orders).
    foldHandle = openPostgres(url, 1);
    const foldConfig = loadConfig({ DATABASE_URL: url, AUTH_SECRET, LOG_LEVEL: 'warn', DATA_DIR: dataDir });
    foldRuntime = await createRuntime(foldConfig, {
      database: foldHandle,
      log: createLogger(foldConfig),
      workers: false,
      migrate: false,
    });
    await foldStatsDeltas(foldRuntime); // the warm-up's orders
    const statsWork = { expansions: 0, expanded: 0, expandMs: 0, foldMs: 0, stop: false };
    const expansionLoop = (async () => {
      while (!statsWork.stop) {
        await new Promise((resolve) => setTimeout(resolve, EXPAND_SECONDS * 1000));
        const started = performance.now();
        statsWork.expanded += await expandPendingStats(foldRuntime!);
        statsWork.expandMs += performance.now() - started;
        statsWork.expansions += 1;
      }
    })();
    // CPU spent by the API process and by the database's backends during the measured run: a figure
    // that holds even when other work shares the machine.
    const backends = (
      await admin.query<{ pid: number }>('select pid from pg_stat_activity where datname = $1', [database])
    ).rows.map((row) => row.pid);
    const apiCpu0 = cpuTicks([child.pid!]);
    const pgCpu0 = cpuTicks(backends);
    const checkoutMs = await drive(buyers.slice(WARMUP), CONNECTIONS, (buyer) => checkout(buyer, true));
    statsWork.stop = true;
    await expansionLoop;
    {
      const started = performance.now();
      await foldStatsDeltas(foldRuntime);
      statsWork.foldMs += performance.now() - started;
    }
    const apiCpuMs = (cpuTicks([child.pid!]) - apiCpu0) * TICK_MS;
    const pgCpuMs = (cpuTicks(backends) - pgCpu0) * TICK_MS;
    agent.destroy();
    const bare = await floor(orderBodyBytes, BUYERS);

    // Reconcile stock: what each offer had, minus what the orders took, is what it has; never below 0.
    const check = openPostgres(url, 2);
    const reconciliation = await check.query<{
      offers: number;
      mismatched: number;
      negative: number;
      oversold: number;
    }>(
      `select count(*)::int as offers,
              count(*) filter (where o.quantity <> s.initial - coalesce(t.taken, 0))::int as mismatched,
              count(*) filter (where o.quantity < 0)::int as negative,
              count(*) filter (where coalesce(t.taken, 0) > s.initial)::int as oversold
         from offers o
         join (select unnest($1::int[]) as id, unnest($2::int[]) as initial) s on s.id = o.id
         left join (select offer_id, sum(quantity)::int as taken from order_lines group by offer_id) t on t.offer_id = o.id`,
      [shopOffers.flat().map((o) => o.id), shopOffers.flat().map((o) => o.quantity)],
    );
    const [{ orders: orderCount }] = await check.query<{ orders: number }>(
      'select count(*)::int as orders from orders',
    );
    const [{ jobs }] = await check.query<{ jobs: number }>(
      `select count(*)::int as jobs from pgboss.job where name = 'order_placed_emails'`,
    );
    await check.close();

    const created = results.filter((r) => r.status === 201);
    const refused = results.filter((r) => r.status === 409);
    const other = results.filter((r) => r.status !== 201 && r.status !== 409);
    const latencies = results.map((r) => r.ms).sort((a, b) => a - b);
    const addSorted = addLatencies.sort((a, b) => a - b);
    const seconds = checkoutMs / 1000;
    const figures = {
      ordersPerSecond: created.length / seconds,
      checkoutsPerSecond: results.length / seconds,
      p50: percentile(latencies, 50),
      p95: percentile(latencies, 95),
      p99: percentile(latencies, 99),
      max: latencies.at(-1) ?? Number.NaN,
    };
    const recon = reconciliation[0];
    const zeroOversell = recon.mismatched === 0 && recon.negative === 0 && recon.oversold === 0;
    const refusedCodes = [...new Set(refused.map((r) => r.code))].join(', ') || '—';
    const met = figures.ordersPerSecond >= TARGET.ordersPerSecond && figures.p99 <= TARGET.p99Ms;

    const report = `# Checkout benchmark

\`npm run bench:checkout\` — ${new Date().toISOString()}

Machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB; Node ${process.version};
${(await serverVersion(SERVER_URL)) ?? 'PostgreSQL'}. Server, database and load generator share the machine.

Setup: one API process (\`node src/server.ts\`, RATE_LIMIT=false, RUN_WORKERS=false, DATABASE_POOL_SIZE=${POOL}),
${BUYERS} measured buyers (+${WARMUP} warm-up), 3 suppliers × ${OFFERS_PER_SHOP} offers; every basket holds 3 lines, one per
supplier (1–3 units each); ${Math.round(SCARCE_SHARE * 100)} % of lines ask for one of ${SCARCE_PER_SHOP} scarce offers per supplier
(${SCARCE_STOCK} units each), so checkouts compete for their last units. ${CONNECTIONS} keep-alive connections.
Each checkout: lock the basket, lock and re-check the offers, take stock, insert order + parts + lines +
history, empty the basket, queue the order's emails (one job; a worker renders the 5 emails: buyer, staff
invoice, 3 suppliers) — one transaction.

| measure | value |
|---|---|
| orders placed | ${created.length} |
| checkouts refused (409: ${refusedCodes}) | ${refused.length} |
| other answers | ${other.length} |
| **orders/s** | **${figures.ordersPerSecond.toFixed(0)}** |
| checkouts/s (placed + refused) | ${figures.checkoutsPerSecond.toFixed(0)} |
| checkout latency p50 / p95 / **p99** / max | ${figures.p50.toFixed(1)} / ${figures.p95.toFixed(1)} / **${figures.p99.toFixed(1)}** / ${figures.max.toFixed(1)} ms |
| CPU per checkout: API process / PostgreSQL backends (statistics work included) | ${(apiCpuMs / results.length).toFixed(2)} / ${(pgCpuMs / results.length).toFixed(2)} ms |
| statistics beside the run: pending orders → deltas every ${EXPAND_SECONDS} s, then one fold into the rollups | ${statsWork.expansions} expansions (${statsWork.expanded} orders), ${(statsWork.expandMs / Math.max(1, created.length)).toFixed(2)} ms an order; fold ${(statsWork.foldMs / Math.max(1, created.length)).toFixed(2)} ms an order (wall time) |
| machine load average (1 min) at the end | ${os.loadavg()[0].toFixed(2)} |
| basket additions/s (p99) | ${((addLatencies.length / addMs) * 1000).toFixed(0)} (${percentile(addSorted, 99).toFixed(1)} ms), ${addFailures} failed |
| orders in the database | ${orderCount} (incl. warm-up) |
| order email jobs queued (5 emails each, rendered by a worker) | ${jobs} |
| stock reconciliation | ${recon.offers} offers: ${recon.mismatched} mismatched, ${recon.negative} negative, ${recon.oversold} oversold → **${zeroOversell ? 'zero oversell' : 'OVERSOLD'}** |
| floor: bare \`node:http\` answering a ${orderBodyBytes}-byte body, same client | ${bare.requestsPerSecond.toFixed(0)} req/s, p99 ${bare.p99.toFixed(1)} ms |
| target | ≥ ${TARGET.ordersPerSecond} orders/s with p99 ≤ ${TARGET.p99Ms} ms: **${met ? 'met' : 'not met'}** |
`;
    fs.mkdirSync(path.join(ROOT, 'bench', 'results'), { recursive: true });
    fs.writeFileSync(path.join(ROOT, 'bench', 'results', 'checkout.md'), report);
    const json = {
      machine: `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB; Node ${process.version}`,
      date: new Date().toISOString(),
      load: os.loadavg().map((value) => Number(value.toFixed(2))),
      connections: CONNECTIONS,
      orders: created.length,
      refused: refused.length,
      other: other.length,
      orders_per_second: Number(figures.ordersPerSecond.toFixed(1)),
      latency_ms: {
        p50: Number(figures.p50.toFixed(1)),
        p95: Number(figures.p95.toFixed(1)),
        p99: Number(figures.p99.toFixed(1)),
        max: Number(figures.max.toFixed(1)),
      },
      cpu_ms_per_checkout: {
        api: Number((apiCpuMs / results.length).toFixed(2)),
        postgres: Number((pgCpuMs / results.length).toFixed(2)),
      },
      stats_ms_per_order: {
        expand_every_seconds: EXPAND_SECONDS,
        expand: Number((statsWork.expandMs / Math.max(1, created.length)).toFixed(2)),
        fold: Number((statsWork.foldMs / Math.max(1, created.length)).toFixed(2)),
      },
      zero_oversell: zeroOversell,
      body_bytes: orderBodyBytes,
      floor: { requests_per_second: Math.round(bare.requestsPerSecond), p99_ms: Number(bare.p99.toFixed(1)) },
      targets: { orders_per_second: TARGET.ordersPerSecond, p99_ms: TARGET.p99Ms },
      met,
    };
    fs.writeFileSync(
      path.join(ROOT, 'bench', 'results', 'checkout.json'),
      `${JSON.stringify(json, null, 2)}\n`,
    );
    console.log(report);
    if (!zeroOversell || other.length > 0 || addFailures > 0) process.exitCode = 1;
  } finally {
    await foldRuntime?.close().catch(() => {});
    await foldHandle?.close().catch(() => {});
    if (child && child.exitCode === null) {
      const exited = new Promise((resolve) => child!.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    await admin.query(`drop database if exists ${database} with (force)`).catch(() => {});
    await admin.end();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

/**
 * The floor: a bare node:http server (in this process, like the load generator) answering each POST
 * with a body of `bytes`, driven by the same client as the checkouts, `count` requests.
 */
async function floor(bytes: number, count: number): Promise<{ requestsPerSecond: number; p99: number }> {
  const body = Buffer.alloc(bytes, 'x');
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(201, { 'content-type': 'application/json', 'content-length': body.length });
      res.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONNECTIONS });
  const latencies: number[] = [];
  try {
    const ms = await drive(
      Array.from({ length: count }, (_, index) => index),
      CONNECTIONS,
      async () => {
        const res = await request(agent, port, 'POST', '/api/v2/orders', 'floor', { contact_id: 1 });
        latencies.push(res.ms);
      },
    );
    latencies.sort((a, b) => a - b);
    return { requestsPerSecond: (count / ms) * 1000, p99: percentile(latencies, 99) };
  } finally {
    agent.destroy();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

/** Clock ticks of user + system CPU of the processes (Linux /proc; 0 elsewhere). */
const TICK_MS = 10;
function cpuTicks(pids: number[]): number {
  let ticks = 0;
  for (const pid of pids) {
    try {
      const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // gone, or not Linux
    }
  }
  return ticks;
}

async function serverVersion(url: string): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: withDatabase(url, 'postgres') });
  try {
    await client.connect();
    const { rows } = await client.query<{ version: string }>('select version()');
    return rows[0].version.split(' on ')[0];
  } catch {
    return undefined;
  } finally {
    await client.end().catch(() => {});
  }
}

await main();
