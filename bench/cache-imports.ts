// `npm run bench:cache-imports`: the read cache while suppliers import (issue 22 item 3), on the
// PostgreSQL server.
//
// A fresh database (BENCH_DATABASE_URL, else DATABASE_URL, else the local server) gets 20 shops ×
// BENCH_GOODS (2,000) goods from the deterministic generator, each shop specialised in 3 of the 20
// categories (each category sold by 3 shops; without that, every shop sells in every category and no
// category list could survive an import). The API runs in this process (so its cache's counters can
// be read) with CATALOG_CACHE_MB=256 and is read over 8 connections by autocannon, also in this
// process, for BENCH_DURATION seconds (60) with a mix of shops list (v1), categories (v1), category
// lists, product pages and searches; every BENCH_IMPORT_EVERY seconds (10) one shop after another
// imports its file with new prices and stock (a changed stock file, the same goods).
// Reported: req/s, latency, the cache's hit rate with scoped invalidation, and the hit rate the old
// rule (any import empties the cache) would have given: every hit that needed a scope check after
// an import would have been a miss. Results: bench/results/cache-imports.md and .json.
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import autocannon from 'autocannon';
import { sql } from 'drizzle-orm';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { openPostgres } from '../src/db/client.ts';
import { migrate } from '../src/db/migrate.ts';
import { rowsOf } from '../src/db/statement-queue.ts';
import { generatePriceList } from '../src/modules/catalog/demo/generate.ts';
import { importPriceList } from '../src/modules/catalog/import.service.ts';
import { catalogReadCacheOf, type ReadCacheStats } from '../src/modules/catalog/read-cache.ts';
import { createLogger, createRuntime, type Runtime } from '../src/runtime.ts';
import { shopName } from './generate.ts';
import { AUTH_SECRET, benchSupplierShop, freshDatabase, machine, writeResult } from './lib.ts';

const SHOPS = Number(process.env.BENCH_SHOPS ?? 20);
const GOODS = Number(process.env.BENCH_GOODS ?? 2_000);
const DURATION = Number(process.env.BENCH_DURATION ?? 60);
const IMPORT_EVERY = Number(process.env.BENCH_IMPORT_EVERY ?? 10);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 15);
const CONNECTIONS = 8;

/** Shop s sells in 3 of the generator's 20 categories; each category has 3 shops. */
const specialities = (shop: number) => [shop % 20, (shop + 7) % 20, (shop + 13) % 20];

function priceList(shop: number, seed: number): Buffer {
  return Buffer.from(
    generatePriceList({
      shop,
      shopName: shopName(shop),
      goods: GOODS,
      stride: GOODS,
      seed,
      categories: specialities(shop),
    }),
  );
}

async function load(runtime: Runtime): Promise<number[]> {
  const shopIds: number[] = [];
  for (let index = 0; index < SHOPS; index += 1) {
    const shopId = await benchSupplierShop(runtime.db, index, shopName(index));
    const result = await importPriceList(runtime, {
      shopId,
      content: priceList(index, 0),
      fileName: 'goods.yaml',
    });
    if (result.status !== 'succeeded') throw new Error(`load of shop ${index} failed: ${result.errorCode}`);
    shopIds.push(shopId);
  }
  process.stdout.write(`  loaded ${SHOPS} shops × ${GOODS} goods\n`);
  return shopIds;
}

/**
 * The read mix, one request at a time from a seeded generator: 10 % shops list, 5 % categories (v1),
 * 30 % category lists (20 categories × 4 sorts × in stock or not), 40 % product pages (any product
 * on sale, uniformly: the long tail whose answers live longest between two requests), 15 % searches.
 */
async function readMix(runtime: Runtime): Promise<() => string> {
  const categories = rowsOf<{ id: number }>(
    await runtime.db.execute(sql`select distinct category_id as id from offers order by 1`),
  ).map((row) => row.id);
  const products = rowsOf<{ id: number }>(
    await runtime.db.execute(sql`select id from products where offer_count > 0 order by id`),
  ).map((row) => row.id);
  const words = ['samsung', 'смартфон', 'ноутбук', 'apple', 'монитор', 'наушники', 'xiaomi', 'планшет'];
  const sorts = ['name', 'price', '-price', 'new'];
  // mulberry32: a 32-bit generator computed in integers (a float LCG loses bits past 2^53 and
  // falls into a short cycle: a few thousand paths instead of every product).
  let state = 22_3;
  const random = (n: number) => {
    state = (state + 0x6d2b79f5) | 0;
    let x = Math.imul(state ^ (state >>> 15), 1 | state);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return Math.floor((((x ^ (x >>> 14)) >>> 0) / 4_294_967_296) * n);
  };
  process.stdout.write(`  ${categories.length} categories, ${products.length} products on sale\n`);
  return () => {
    const slot = random(20);
    if (slot < 2) return '/api/v1/shops';
    if (slot < 3) return '/api/v1/categories';
    if (slot < 9) {
      const stock = random(2) ? '&in_stock=true' : '';
      return `/api/v2/products?category=${categories[random(categories.length)]}&sort=${sorts[random(4)]}${stock}`;
    }
    if (slot < 17) return `/api/v2/products/${products[random(products.length)]}`;
    return `/api/v2/products?q=${encodeURIComponent(words[random(words.length)])}`;
  };
}

const database = await freshDatabase(process.env.BENCH_DB_PREFIX ?? 'zk_bench_cache_imports');
const handle = openPostgres(database.url, 8);
try {
  await migrate(handle);
  const config = loadConfig({
    DATABASE_URL: database.url,
    AUTH_SECRET,
    LOG_LEVEL: 'warn',
    RATE_LIMIT: 'false',
    CATALOG_CACHE_MB: '256',
  });
  const runtime = await createRuntime(config, {
    database: handle,
    log: createLogger(config),
    workers: false,
    migrate: false,
  });
  const shopIds = await load(runtime);
  await handle.exec('vacuum analyze');
  const nextPath = await readMix(runtime);
  const app = await buildApp(config, { runtime });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  const cache = catalogReadCacheOf(runtime.readDb, config.catalogCacheBytes);

  const run = (duration: number) =>
    autocannon({
      url: base,
      connections: CONNECTIONS,
      duration,
      requests: [
        {
          method: 'GET',
          setupRequest: (request) => {
            request.path = nextPath();
            return request;
          },
        },
      ],
    });
  // Warm, without imports: the cache fills.
  await run(WARMUP);
  const before: ReadCacheStats = cache.stats();
  let round = 0;
  const importsMs: number[] = [];
  let importing: Promise<void> = Promise.resolve();
  const timer = setInterval(() => {
    const shop = round % SHOPS;
    round += 1;
    const seed = round;
    importing = importing.then(async () => {
      const started = performance.now();
      const result = await importPriceList(runtime, {
        shopId: shopIds[shop],
        content: priceList(shop, seed),
      });
      if (result.status !== 'succeeded')
        throw new Error(`import of shop ${shop} failed: ${result.errorCode}`);
      importsMs.push(Math.round(performance.now() - started));
    });
  }, IMPORT_EVERY * 1000);
  const result = await run(DURATION);
  clearInterval(timer);
  await importing;
  const after = cache.stats();
  const hits = after.hits - before.hits;
  const misses = after.misses - before.misses;
  const revalidated = after.revalidated - before.revalidated;
  const served = hits + misses;
  const measured = {
    shops: SHOPS,
    goods_per_shop: GOODS,
    categories_per_shop: 3,
    duration_s: DURATION,
    warmup_s: WARMUP,
    import_every_s: IMPORT_EVERY,
    imports: importsMs.length,
    import_ms: importsMs,
    requests: result.requests.total,
    requests_per_second: Math.round(result.requests.average),
    latency_ms: { p50: result.latency.p50, p99: result.latency.p99, max: result.latency.max },
    non_2xx: result.non2xx,
    errors: result.errors,
    cache: {
      hits,
      misses,
      revalidated,
      invalidated: after.invalidated - before.invalidated,
      hit_rate: Number((hits / served).toFixed(4)),
      hit_rate_global_rule: Number(((hits - revalidated) / served).toFixed(4)),
    },
    load_average: os.loadavg()[0],
  };
  const percent = (x: number) => `${(x * 100).toFixed(1)} %`;
  const markdown = `# Read cache while shops import (bench:cache-imports)

${machine()}, ${new Date().toISOString()}, load average ${measured.load_average.toFixed(2)} at the end.

${SHOPS} shops × ${GOODS} goods, each shop in 3 of 20 categories; reads over ${CONNECTIONS} connections for
${DURATION} s after a ${WARMUP} s warm-up without imports (API and load generator in one process), each
request drawn at random: 10 % shops list (v1), 5 % categories (v1), 30 % category lists (20 categories ×
4 sorts × in stock or not), 40 % product pages (any of the products on sale, uniformly), 15 % searches
(8 words). Every ${IMPORT_EVERY} s one shop imports a changed stock
file (new prices and stock for all its goods): ${measured.imports} imports, ${importsMs.join(', ')} ms.

| | value |
| --- | --- |
| requests/s | ${measured.requests_per_second} |
| p50 / p99 / max, ms | ${measured.latency_ms.p50} / ${measured.latency_ms.p99} / ${measured.latency_ms.max} |
| non-2xx, errors | ${measured.non_2xx}, ${measured.errors} |
| cache hits / misses | ${hits} / ${misses} |
| hit rate, scoped invalidation | ${percent(measured.cache.hit_rate)} |
| hit rate the global rule would give | ${percent(measured.cache.hit_rate_global_rule)} |
| hits after a scope check (one query) | ${revalidated} |
| scope checks that found a change | ${measured.cache.invalidated} |

What survives an import of shop S: the shops list and categories (no import scope); the category
lists of the 17 categories S does not sell in; product pages of products without an offer of S.
What is rebuilt: lists of S's 3 categories, pages of products S offers, and every search (a search
over the whole catalog depends on every import).
`;
  writeResult('cache-imports', markdown, { machine: machine(), date: new Date().toISOString(), ...measured });
  process.stdout.write(markdown);
  await app.close();
  await runtime.close();
} finally {
  await handle.close();
  await database.drop();
}
