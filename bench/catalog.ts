// `npm run bench:catalog`: catalog read speed on the PostgreSQL server, and the query plans.
//
// A fresh database (BENCH_DATABASE_URL, else DATABASE_URL, else the local server) gets 20 shops ×
// 10,000 goods from the deterministic generator (shared product names across shops, Russian and
// English names, 5 characteristics): 200,000 offers. The API runs as its own process (`node
// src/server.ts`, RATE_LIMIT=false); autocannon on the same machine drives each endpoint over 8
// connections. Beside each figure: the same machine's bare `node:http` floor serving a precomputed
// body of the same size. Then every list query is EXPLAINed: no sequential scan over offers.
// Results: bench/results/catalog.md, catalog.json and catalog-explain.md. BENCH_SCENARIOS (names,
// comma-separated parts) and BENCH_CACHE (on or off) run a part of it.

import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import autocannon from 'autocannon';
import { drizzle } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import { loadConfig } from '../src/config.ts';
import { type Database, openPostgres } from '../src/db/client.ts';
import { migrate } from '../src/db/migrate.ts';
import * as schema from '../src/db/schema/index.ts';
import { getProductJson, listOffers } from '../src/modules/catalog/catalog.service.ts';
import { productFacets } from '../src/modules/catalog/facets.service.ts';
import { importPriceList } from '../src/modules/catalog/import.service.ts';
import { listProducts } from '../src/modules/catalog/products.service.ts';
import { createLogger, createRuntime } from '../src/runtime.ts';
import { generateFiles, shopName } from './generate.ts';
import {
  AUTH_SECRET,
  benchSupplierShop,
  freshDatabase,
  machine,
  type ServerProcess,
  startServer,
  writeResult,
} from './lib.ts';

const SHOPS = Number(process.env.BENCH_SHOPS ?? 20);
const GOODS = Number(process.env.BENCH_GOODS ?? 10_000);
const DURATION = Number(process.env.BENCH_DURATION ?? 10);
const CONNECTIONS = 8;

interface Scenario {
  name: string;
  /** p99 target in ms, when the issue sets one. */
  target?: number;
  paths: string[];
}

interface Measured {
  name: string;
  /** Whether the API kept answers in its read cache (CATALOG_CACHE_MB) during the run. */
  cache: 'on' | 'off';
  target: number | null;
  requests_per_second: number;
  latency_ms: { p50: number; p90: number; p99: number; max: number };
  body_bytes: number;
  floor_requests_per_second: number;
  floor_p99_ms: number;
  errors: number;
  non_2xx: number;
  /** CPU time per request of the API process and of all PostgreSQL processes during the run. */
  server_cpu_ms_per_request: number;
  postgres_cpu_ms_per_request: number;
  /** The machine's 1-minute load average when the run ended (other work shares the machine). */
  load_average: number;
}

const TICK_MS = 10; // /proc clock ticks (USER_HZ = 100)

/** CPU time (user + system) of a process so far, in ms. */
function cpuMs(pid: number): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
  } catch {
    return 0; // the process ended
  }
}

/** CPU time so far of each PostgreSQL server process on this machine, in ms, by pid. */
function postgresCpuMs(): Map<number, number> {
  const byPid = new Map<number, number>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const comm = fs.readFileSync(`/proc/${entry}/comm`, 'utf8').trim();
      if (comm === 'postgres' || comm.startsWith('postgres:')) byPid.set(Number(entry), cpuMs(Number(entry)));
    } catch {
      // gone meanwhile
    }
  }
  return byPid;
}

/**
 * PostgreSQL's CPU time between two readings: each process's own growth (a process that started
 * meanwhile counts whole). A process that ended meanwhile (a closed connection's backend) took its
 * time with it and is left out: the figure can only be low, never below zero.
 */
function postgresCpuSince(before: Map<number, number>): number {
  let total = 0;
  for (const [pid, ms] of postgresCpuMs()) total += Math.max(0, ms - (before.get(pid) ?? 0));
  return total;
}

async function load(url: string): Promise<{ shopIds: number[] }> {
  const handle = openPostgres(url, 4);
  await migrate(handle);
  const config = loadConfig({ DATABASE_URL: url, AUTH_SECRET, LOG_LEVEL: 'warn' });
  const runtime = await createRuntime(config, {
    database: handle,
    log: createLogger(config),
    workers: false,
    migrate: false,
  });
  const files = generateFiles({ shops: SHOPS, goods: GOODS, stride: Math.ceil(GOODS / 2) });
  const shopIds: number[] = [];
  for (const [index, file] of files.entries()) {
    const shopId = await benchSupplierShop(runtime.db, index, shopName(index));
    const started = performance.now();
    const result = await importPriceList(runtime, {
      shopId,
      content: fs.readFileSync(file),
      fileName: 'goods.yaml',
    });
    if (result.status !== 'succeeded') throw new Error(`load of shop ${index} failed: ${result.errorCode}`);
    process.stdout.write(
      `  shop ${index + 1}/${files.length}: ${result.created} goods in ${Math.round(performance.now() - started)} ms\n`,
    );
    shopIds.push(shopId);
  }
  await handle.exec('vacuum analyze');
  await runtime.close();
  await handle.close();
  return { shopIds };
}

/** BENCH_CATALOG_DB: reuse a database loaded by an earlier run (with BENCH_KEEP=true). */
/** A kept database's shops, after bringing its schema up to date (a migration may rewrite offers: vacuumed). */
async function existingShops(url: string): Promise<{ shopIds: number[] }> {
  const handle = openPostgres(url, 2);
  const applied = await migrate(handle);
  await handle.close();
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  if (applied.length > 0) await client.query('vacuum analyze');
  const rows = (await client.query('select id from shops order by id')).rows as { id: number }[];
  await client.end();
  return { shopIds: rows.map((row) => row.id) };
}

async function pick(url: string, shopIds: number[]) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const one = async <T>(text: string, values: unknown[] = []) =>
    (await client.query(text, values)).rows[0] as T;
  const category = await one<{ id: number }>(
    `select c.id from categories c join products p on p.category_id = c.id where c.name = 'Смартфоны' limit 1`,
  );
  const products = (
    await client.query('select id from products where offer_count > 0 order by md5(id::text) limit 1000')
  ).rows.map((row: { id: number }) => row.id);
  const [counts] = (
    await client.query(
      'select (select count(*) from offers) as offers, (select count(*) from products) as products, (select count(*) from offer_parameters) as values',
    )
  ).rows;
  await client.end();
  return { category: category.id, products, shop: shopIds[Math.floor(shopIds.length / 2)], counts };
}

function scenarios(ids: Awaited<ReturnType<typeof pick>>): Scenario[] {
  const c = ids.category;
  const details = ids.products.map((id) => `/api/v2/products/${id}`);
  return [
    { name: 'list (by name)', target: 30, paths: ['/api/v2/products?limit=50'] },
    { name: 'list (cheapest first)', target: 30, paths: ['/api/v2/products?sort=price&limit=50'] },
    {
      name: 'category list (cheapest first)',
      target: 30,
      paths: [`/api/v2/products?category=${c}&sort=price&limit=50`],
    },
    {
      name: 'filtered list (category, in stock, price range)',
      target: 30,
      paths: [
        `/api/v2/products?category=${c}&in_stock=true&price_min=20000&price_max=60000&sort=price&limit=50`,
      ],
    },
    {
      name: 'filtered list (category + characteristic)',
      target: 30,
      paths: [
        `/api/v2/products?category=${c}&${encodeURIComponent('param.Цвет')}=${encodeURIComponent('черный')}&limit=50`,
      ],
    },
    {
      name: 'search (Russian, morphology)',
      target: 30,
      paths: [`/api/v2/products?q=${encodeURIComponent('смартфоны samsung')}&limit=20`],
    },
    {
      name: 'search (English, prefix)',
      target: 30,
      paths: [`/api/v2/products?q=${encodeURIComponent('wireless headph')}&limit=20`],
    },
    {
      name: 'search (typo, corrected)',
      target: 30,
      paths: [`/api/v2/products?q=${encodeURIComponent('samsnug galaxy')}&limit=20`],
    },
    { name: 'product detail', target: 15, paths: details },
    { name: 'offers of a shop (flat)', paths: [`/api/v2/offers?shop=${ids.shop}&limit=50`] },
    // Issue 22.2's targets: a category's facets ≤ 50 ms, the whole catalog's ≤ 150 ms.
    { name: 'facets (category)', target: 50, paths: [`/api/v2/products/facets?category=${c}`] },
    { name: 'facets (whole catalog)', target: 150, paths: ['/api/v2/products/facets'] },
  ];
}

/** `amount` requests, or DURATION seconds of them. */
async function measure(base: string, paths: string[], amount?: number) {
  let next = 0;
  const result = await autocannon({
    url: base,
    connections: CONNECTIONS,
    ...(amount ? { amount } : { duration: DURATION }),
    requests: [
      {
        method: 'GET',
        setupRequest: (request) => {
          request.path = paths[next % paths.length];
          next += 1;
          return request;
        },
      },
    ],
  });
  return result;
}

/** The floor: node:http answering a precomputed body of the same size, same machine, same load generator. */
async function floor(bytes: number) {
  const body = Buffer.alloc(bytes, 'x');
  const server = http.createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length });
    response.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  try {
    return await measure(`http://127.0.0.1:${port}`, ['/']);
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

// ---------------------------------------------------------------------------------------------
// EXPLAIN

interface Captured {
  label: string;
  text: string;
  params: unknown[];
}

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  Plans?: PlanNode[];
}

function scans(node: PlanNode, out: string[] = []): string[] {
  if (node['Relation Name']) {
    out.push(
      `${node['Node Type']} on ${node['Relation Name']}${node['Index Name'] ? ` (${node['Index Name']})` : ''}`,
    );
  }
  for (const child of node.Plans ?? []) scans(child, out);
  return out;
}

async function explainAll(url: string, ids: Awaited<ReturnType<typeof pick>>) {
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  const captured: Captured[] = [];
  let label = '';
  const db = drizzle({
    client: pool,
    schema,
    logger: { logQuery: (text: string, params: unknown[]) => captured.push({ label, text, params }) },
  }) as unknown as Database;
  const run = async (name: string, work: () => Promise<unknown>) => {
    label = name;
    await work();
  };
  const c = ids.category;
  await run('list by name', () => listProducts(db, { limit: 50 }));
  await run('list cheapest first', () => listProducts(db, { sort: 'price', limit: 50 }));
  await run('list newest first', () => listProducts(db, { sort: 'new', limit: 50 }));
  await run('in stock, cheapest first', () => listProducts(db, { inStock: true, sort: 'price', limit: 50 }));
  await run('category, cheapest first', () => listProducts(db, { category: c, sort: 'price', limit: 50 }));
  await run('category, in stock, price range', () =>
    listProducts(db, {
      category: c,
      inStock: true,
      priceMin: '20000',
      priceMax: '60000',
      sort: 'price',
      limit: 50,
    }),
  );
  await run('category + characteristic', () =>
    listProducts(db, { category: c, parameters: [{ name: 'Цвет', values: ['черный'] }], limit: 50 }),
  );
  await run('characteristic only', () =>
    listProducts(db, { parameters: [{ name: 'Цвет', values: ['черный'] }], limit: 50 }),
  );
  await run('shop', () => listProducts(db, { shop: ids.shop, sort: 'price', limit: 50 }));
  await run('search', () => listProducts(db, { q: 'смартфоны samsung', limit: 20 }));
  await run('search with typo', () => listProducts(db, { q: 'samsnug galaxy', limit: 20 }));
  await run('product detail', () => getProductJson(db, ids.products[0]));
  await run('offers of a shop', () => listOffers(db, { shop: ids.shop, limit: 51 }));
  await run('offers by category', () => listOffers(db, { category: c, limit: 51 }));
  await run('offers search', () => listOffers(db, { q: 'samsung', limit: 51 }));
  await run('facets (category)', () => productFacets(db, { category: c }));

  const rows: { label: string; statement: string; scans: string[]; seqOffers: boolean }[] = [];
  for (const query of captured) {
    const explained = await pool.query(`explain (format json) ${query.text}`, query.params as unknown[]);
    const plan = (explained.rows[0]['QUERY PLAN'] as { Plan: PlanNode }[])[0].Plan;
    const found = scans(plan);
    rows.push({
      label: query.label,
      statement: query.text.replace(/\s+/g, ' ').trim().slice(0, 90),
      scans: [...new Set(found)],
      seqOffers: found.some((scan) => scan.startsWith('Seq Scan on offers')),
    });
  }
  await pool.end();
  return rows;
}

// ---------------------------------------------------------------------------------------------

process.stdout.write(`Catalog benchmark on ${machine()}\nLoading ${SHOPS} shops × ${GOODS} goods…\n`);
const kept = process.env.BENCH_CATALOG_DB;
const database = kept
  ? { url: kept, drop: async () => {} }
  : await freshDatabase(process.env.BENCH_DB_PREFIX ?? 'zk_bench_catalog');
let server: ServerProcess | undefined;
try {
  const { shopIds } = kept ? await existingShops(database.url) : await load(database.url);
  if (process.env.BENCH_KEEP === 'true') process.stdout.write(`Database kept: ${database.url}\n`);
  const ids = await pick(database.url, shopIds);
  process.stdout.write(
    `Loaded: ${ids.counts.offers} offers, ${ids.counts.products} products, ${ids.counts.values} characteristic values\n`,
  );
  const explained = await explainAll(database.url, ids);

  const measured: Measured[] = [];
  const only = process.env.BENCH_SCENARIOS?.split(',').map((name) => name.trim());
  const chosen = scenarios(ids).filter(
    (scenario) => !only || only.some((name) => scenario.name.includes(name)),
  );
  const floors = new Map<string, Awaited<ReturnType<typeof floor>>>();
  // Twice: with the read cache (the default), every path asked once before the run so that the run
  // measures the cache's steady state; then without it, so every request builds its answer.
  // BENCH_CACHE=on|off: one of the two passes only (a partial run, e.g. while tuning uncached reads).
  const passes = (['on', 'off'] as const).filter(
    (cache) => !process.env.BENCH_CACHE || process.env.BENCH_CACHE === cache,
  );
  for (const cache of passes) {
    process.stdout.write(`Read cache ${cache}:\n`);
    server = await startServer({
      DATABASE_URL: database.url,
      RUN_WORKERS: 'false',
      DATABASE_POOL_SIZE: '10',
      ...(cache === 'off' ? { CATALOG_CACHE_MB: '0' } : {}),
    });
    for (const scenario of chosen) {
      const sample = await fetch(`${server.url}${scenario.paths[0]}`);
      const body = Buffer.from(await sample.arrayBuffer());
      if (sample.status !== 200) throw new Error(`${scenario.name}: ${sample.status} ${body.toString()}`);
      const warmUp = cache === 'on' ? scenario.paths : scenario.paths.slice(0, 50);
      await measure(server.url, warmUp, warmUp.length).catch(() => undefined);
      const cpuBefore = { server: cpuMs(server.pid), postgres: postgresCpuMs() };
      const result = await measure(server.url, scenario.paths);
      const requests = Math.max(1, result.requests.total);
      const serverCpu = (cpuMs(server.pid) - cpuBefore.server) / requests;
      const postgresCpu = postgresCpuSince(cpuBefore.postgres) / requests;
      const bare = floors.get(scenario.name) ?? (await floor(body.length));
      floors.set(scenario.name, bare);
      const row: Measured = {
        name: scenario.name,
        cache,
        target: scenario.target ?? null,
        requests_per_second: Math.round(result.requests.average),
        latency_ms: {
          p50: result.latency.p50,
          p90: result.latency.p90,
          p99: result.latency.p99,
          max: result.latency.max,
        },
        body_bytes: body.length,
        floor_requests_per_second: Math.round(bare.requests.average),
        floor_p99_ms: bare.latency.p99,
        errors: result.errors,
        non_2xx: result.non2xx,
        server_cpu_ms_per_request: Math.round(serverCpu * 100) / 100,
        postgres_cpu_ms_per_request: Math.round(postgresCpu * 100) / 100,
        load_average: Math.round(os.loadavg()[0] * 10) / 10,
      };
      measured.push(row);
      process.stdout.write(
        `  ${row.name}: ${row.requests_per_second} req/s, p50 ${row.latency_ms.p50} ms, p99 ${row.latency_ms.p99} ms ` +
          `(floor ${row.floor_requests_per_second} req/s; CPU per request: API ${row.server_cpu_ms_per_request} ms, ` +
          `PostgreSQL ${row.postgres_cpu_ms_per_request} ms)${row.target ? ` target p99 ≤ ${row.target} ms` : ''}\n`,
      );
    }
    await server.stop();
    server = undefined;
  }

  const verdict = (row: Measured) =>
    row.target === null
      ? '—'
      : row.latency_ms.p99 <= row.target
        ? `≤ ${row.target} ms: met`
        : `≤ ${row.target} ms: **missed**`;
  const markdown = `# Catalog benchmark

${machine()}; ${new Date().toISOString().slice(0, 10)}. \`npm run bench:catalog\`.

${SHOPS} shops × ${GOODS.toLocaleString('en')} goods from the deterministic generator: ${ids.counts.offers} offers,
${ids.counts.products} products (shops' goods overlap), ${ids.counts.values} characteristic values. The API
runs as its own process on the PostgreSQL server (RATE_LIMIT=false); autocannon runs on the same machine,
${CONNECTIONS} connections, ${DURATION} s per endpoint after a warm-up. Each endpoint is measured twice:
with the API's read cache (the default: answers kept until the catalog revision changes; the
warm-up asks every path once, so the run measures a hot set served from memory after one revision
check) and without it (\`CATALOG_CACHE_MB=0\`: every request builds its answer, what a miss or a
catalog that changes between requests costs). *Floor*: the same machine's bare
\`node:http\` serving a precomputed body of the same size. *CPU/request*: CPU time the API process and
all PostgreSQL processes spent during the run, divided by the requests served (the machine has
${os.cpus().length} cores for both and the load generator). *Load average*: the machine's 1-minute load
average as each endpoint's run ended (other work on the machine slows every figure alike).

| endpoint | read cache | req/s | p50 | p90 | p99 | target p99 | body | floor req/s | CPU/request: API / PostgreSQL | load average |
|---|---|---:|---:|---:|---:|---|---:|---:|---:|---:|
${measured
  .map(
    (row) =>
      `| ${row.name} | ${row.cache} | ${row.requests_per_second} | ${row.latency_ms.p50} ms | ${row.latency_ms.p90} ms | ${row.latency_ms.p99} ms | ${verdict(row)} | ${(row.body_bytes / 1024).toFixed(1)} KB | ${row.floor_requests_per_second} | ${row.server_cpu_ms_per_request} / ${row.postgres_cpu_ms_per_request} ms | ${row.load_average} |`,
  )
  .join('\n')}

Query plans at this size: see [catalog-explain.md](catalog-explain.md) — ${
    explained.some((row) => row.seqOffers)
      ? '**some statement scans offers sequentially**'
      : 'no statement scans offers sequentially'
  }.
`;
  const explainMd = `# Query plans of the catalog's list queries

${ids.counts.offers} offers, ${ids.counts.products} products (\`npm run bench:catalog\`, ${new Date().toISOString().slice(0, 10)}).
Every SQL statement the services run for each list is EXPLAINed with its real parameters; the table
lists how each statement reaches its tables. None may scan offers sequentially.

| list | statement | table access | seq scan on offers |
|---|---|---|---|
${explained
  .map(
    (row) =>
      `| ${row.label} | \`${row.statement.replace(/\|/g, '\\|')}…\` | ${row.scans.join('<br>')} | ${row.seqOffers ? '**yes**' : 'no'} |`,
  )
  .join('\n')}
`;
  writeResult('catalog', markdown, {
    machine: machine(),
    date: new Date().toISOString(),
    counts: ids.counts,
    measured,
  });
  fs.writeFileSync(new URL('./results/catalog-explain.md', import.meta.url), explainMd);
  process.stdout.write('Written to bench/results/catalog.md and catalog-explain.md\n');
} finally {
  await server?.stop();
  if (process.env.BENCH_KEEP !== 'true') await database.drop();
}
