// Scoped invalidation (cache-scopes.ts, migration 0034): an import of one shop keeps the cached
// answers that cannot contain its goods, rebuilds those that can, and every answer served equals
// what a process without a cache builds at that moment.

import { sql } from 'drizzle-orm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createShop } from '../../../test/factories/catalog.ts';
import { buildTestApp, type TestApp } from '../../../test/helpers/app.ts';
import { onPostgresServer } from '../../../test/helpers/database.ts';
import { type App, buildApp } from '../../app.ts';
import { rowsOf } from '../../db/statement-queue.ts';
import { createRuntime, type Runtime } from '../../runtime.ts';
import { scopeState } from './cache-scopes.ts';
import { generatePriceList } from './demo/generate.ts';
import { importPriceList } from './import.service.ts';
import { catalogReadCacheOf } from './read-cache.ts';

const GOODS = 24;
/** Each shop's categories (of the generator's 20): shops 0 and 2 share category 1. */
const SPECIALITIES = [
  [0, 1],
  [2, 3],
  [1, 4],
];

let t: TestApp;
/** The same database without a cache: what a fresh build gives. */
let fresh: { app: App; runtime: Runtime };
const shops: { id: number; name: string }[] = [];
/** Category ids by the generator's number. */
const categoryIds = new Map<number, number>();
/** Product ids of each shop's offers. */
const productsOf: number[][] = [];

async function importShop(index: number, seed: number): Promise<void> {
  const shop = shops[index];
  const done = await importPriceList(t.runtime, {
    shopId: shop.id,
    content: Buffer.from(
      generatePriceList({
        shop: index,
        shopName: shop.name,
        goods: GOODS,
        seed,
        categories: SPECIALITIES[index],
      }),
    ),
  });
  expect(done.status).toBe('succeeded');
}

const cache = () => catalogReadCacheOf(t.runtime.readDb, t.runtime.config.catalogCacheBytes);

/** GET `url` on the cached app: its body, whether the cache served it, and the uncached body. */
async function read(url: string): Promise<{ cached: boolean; body: unknown; expected: unknown }> {
  const before = cache().stats();
  const res = await t.app.inject({ method: 'GET', url });
  const after = cache().stats();
  const uncached = await fresh.app.inject({ method: 'GET', url });
  expect(res.statusCode, `${url}: ${res.body}`).toBe(uncached.statusCode);
  return {
    cached: after.hits > before.hits && after.misses === before.misses,
    body: res.json(),
    expected: uncached.json(),
  };
}

function urls(): string[] {
  const category = (n: number) => categoryIds.get(n)!;
  const list = [
    '/api/v1/shops',
    '/api/v1/categories',
    '/api/v2/categories',
    '/api/v2/products',
    '/api/v2/products?q=samsung',
    `/api/v2/products/facets?category=${category(2)}`,
  ];
  for (const [n] of categoryIds) {
    list.push(`/api/v2/products?category=${category(n)}`, `/api/v1/products?category_id=${category(n)}`);
  }
  for (const shop of shops) {
    list.push(`/api/v2/products?shop=${shop.id}&sort=price`, `/api/v2/offers?shop=${shop.id}`);
    list.push(`/api/v1/products?shop_id=${shop.id}`);
  }
  for (const products of productsOf) list.push(...products.slice(0, 3).map((id) => `/api/v2/products/${id}`));
  return list;
}

beforeAll(async () => {
  t = await buildTestApp({ env: { CATALOG_CACHE_MB: '32', RATE_LIMIT: 'false' } });
  const config = { ...t.config, catalogCacheBytes: 0 };
  const runtime = await createRuntime(config, {
    database: t.database,
    clock: t.clock,
    log: t.runtime.log,
    migrate: false,
    workers: false,
  });
  fresh = { runtime, app: await buildApp(config, { runtime }) };
  for (let s = 0; s < SPECIALITIES.length; s += 1) {
    const name = `Специализированный ${s + 1}`;
    const shop = await createShop(t.runtime, { name });
    shops.push({ id: shop.id, name });
    await importShop(s, 0);
  }
  // The generator's category n is the supplier's category 100 + (7n mod 20) in shop 0's file.
  for (const n of new Set(SPECIALITIES.flat())) {
    const [row] = rowsOf<{ category_id: number }>(
      await t.runtime.db.execute(
        sql`select category_id from shop_categories where shop_id = ${shops[0].id} and external_id = ${String(100 + ((n * 7) % 20))}`,
      ),
    );
    categoryIds.set(n, row.category_id);
  }
  for (const shop of shops) {
    const rows = rowsOf<{ product_id: number }>(
      await t.runtime.db.execute(
        sql`select distinct product_id from offers where shop_id = ${shop.id} order by product_id`,
      ),
    );
    productsOf.push(rows.map((row) => row.product_id));
  }
});

afterAll(async () => {
  await fresh?.app.close();
  await fresh?.runtime.close();
  await t?.close();
});

describe('read cache scoped by imports', () => {
  it('keeps what cannot hold the imported shop’s goods and rebuilds what can', async () => {
    const [a, b, c] = shops;
    const kept = [
      '/api/v1/shops',
      '/api/v1/categories',
      `/api/v2/products?category=${categoryIds.get(2)}`,
      `/api/v2/products?category=${categoryIds.get(3)}`,
      `/api/v1/products?category_id=${categoryIds.get(4)}`,
      `/api/v2/products?shop=${b.id}&sort=price`,
      `/api/v2/offers?shop=${c.id}`,
      `/api/v1/products?shop_id=${b.id}`,
      ...productsOf[1].slice(0, 3).map((id) => `/api/v2/products/${id}`),
    ];
    const rebuilt = [
      '/api/v2/categories',
      '/api/v2/products',
      '/api/v2/products?q=samsung',
      `/api/v2/products/facets?category=${categoryIds.get(2)}`,
      `/api/v2/products?category=${categoryIds.get(0)}`,
      `/api/v2/products?category=${categoryIds.get(1)}`,
      `/api/v2/products?shop=${a.id}&sort=price`,
      `/api/v1/products?shop_id=${a.id}`,
      ...productsOf[0].slice(0, 3).map((id) => `/api/v2/products/${id}`),
    ];
    for (const url of [...kept, ...rebuilt]) await read(url);
    for (const url of [...kept, ...rebuilt]) expect((await read(url)).cached, url).toBe(true);

    const before = cache().stats();
    await importShop(0, 1); // shop A: new prices and stock, the same goods
    for (const url of kept) {
      const answer = await read(url);
      expect(answer.cached, url).toBe(true);
      expect(answer.body, url).toEqual(answer.expected);
    }
    for (const url of rebuilt) {
      const answer = await read(url);
      expect(answer.cached, url).toBe(false);
      expect(answer.body, url).toEqual(answer.expected);
    }
    // Shop A's list did change: a rebuilt answer is not merely the old one again.
    expect(cache().stats().revalidated).toBeGreaterThan(before.revalidated);
    expect(cache().stats().invalidated).toBeGreaterThan(before.invalidated);

    // A write outside an import (staff, psql) still empties everything.
    await t.runtime.db.execute(sql`update offers set price = price + 1 where shop_id = ${b.id}`);
    for (const url of kept) {
      const answer = await read(url);
      expect(answer.cached, url).toBe(false);
      expect(answer.body, url).toEqual(answer.expected);
    }
  });

  it('an import that brings new products or renames the shop empties everything', async () => {
    const url = `/api/v2/products?category=${categoryIds.get(2)}`;
    await read(url);
    expect((await read(url)).cached).toBe(true);
    // Shop C with twice the goods: new products in its categories.
    const shop = shops[2];
    const done = await importPriceList(t.runtime, {
      shopId: shop.id,
      content: Buffer.from(
        generatePriceList({ shop: 2, shopName: shop.name, goods: GOODS * 2, categories: SPECIALITIES[2] }),
      ),
    });
    expect(done.status).toBe('succeeded');
    const answer = await read(url);
    expect(answer.cached).toBe(false);
    expect(answer.body).toEqual(answer.expected);
    expect((await read('/api/v1/shops')).cached).toBe(false); // the catalog revision moved
    await importShop(2, 0); // back to its first file: its extra goods deactivated, nothing new
    expect((await read('/api/v1/shops')).cached).toBe(true);
    const renamed = await importPriceList(t.runtime, {
      shopId: shop.id,
      content: Buffer.from(
        generatePriceList({
          shop: 2,
          shopName: 'Переименованный',
          goods: GOODS,
          categories: SPECIALITIES[2],
        }),
      ),
    });
    expect(renamed.status).toBe('succeeded');
    const shopsList = await read('/api/v1/shops');
    expect(shopsList.cached).toBe(false);
    expect(shopsList.body).toEqual(shopsList.expected);
    shops[2].name = 'Переименованный';
  });

  it('rebuilds a product page when another unit of its family changes, though its own offer did not', async () => {
    const shop = await createShop(t.runtime, { name: 'Семейный' });
    const file = (secondPrice: string) =>
      Buffer.from(
        [
          'shop: Семейный',
          'categories:',
          '  - id: 1',
          '    name: Чехлы',
          'goods:',
          ...[
            ['1', 'Чехол Семейный синий', '100.00'],
            ['2', 'Чехол Семейный красный', secondPrice],
          ].flatMap(([id, name, price]) => [
            `  - id: ${id}`,
            '    category: 1',
            '    model: FAM-1',
            `    name: ${name}`,
            `    price: ${price}`,
            `    price_rrc: ${price}`,
            '    quantity: 3',
          ]),
        ].join('\n'),
      );
    const first = await importPriceList(t.runtime, { shopId: shop.id, content: file('200.00') });
    expect(first.status).toBe('succeeded');
    const [blue] = rowsOf<{ product_id: number }>(
      await t.runtime.db.execute(
        sql`select product_id from offers where shop_id = ${shop.id} and external_id = '1'`,
      ),
    );
    const url = `/api/v2/products/${blue.product_id}`;
    await read(url);
    expect((await read(url)).cached).toBe(true);
    const second = await importPriceList(t.runtime, { shopId: shop.id, content: file('250.00') });
    expect(second.status).toBe('succeeded');
    const answer = await read(url);
    expect(answer.cached).toBe(false);
    expect(answer.body).toEqual(answer.expected);
    expect(JSON.stringify(answer.body)).toContain('250.00');
  });

  it.runIf(onPostgresServer())(
    'imports recording the same scopes, and checkouts beside them, never wait on one another',
    async () => {
      const pool = t.database.pool!;
      const [one, two, checkout] = [await pool.connect(), await pool.connect(), await pool.connect()];
      try {
        const before = await scopeState(t.runtime.db, ['c:1', 's:1', 's:2']);
        // A long import holds its shard and the fold's try lock until it commits.
        await one.query('begin');
        await one.query("select set_config('zakupka.catalog_scoped', 'on', true)");
        await one.query("select catalog_record_scopes('{c:1,s:1}')");
        // Another shop's import touching the same category, then a checkout: neither waits.
        await two.query('begin');
        await two.query("set local lock_timeout = '1s'");
        await two.query("select set_config('zakupka.catalog_scoped', 'on', true)");
        await two.query("select catalog_record_scopes('{c:1,s:2}')");
        await two.query('commit');
        await checkout.query('begin');
        await checkout.query("set local lock_timeout = '1s'");
        await checkout.query('update offers set quantity = quantity where id = (select min(id) from offers)');
        await checkout.query('commit');
        await one.query('commit');
        const after = await scopeState(t.runtime.db, ['c:1', 's:1', 's:2']);
        expect(Number(after.changes) - Number(before.changes)).toBe(4);
        expect(Number(after.imports) - Number(before.imports)).toBe(2);
        expect(after.revision).not.toBe(before.revision); // the checkout's
      } finally {
        for (const client of [one, two, checkout]) {
          await client.query('rollback').catch(() => {});
          client.release();
        }
      }
    },
  );

  it('serves, through any sequence of imports and reads, what a build without the cache gives', async () => {
    const all = urls();
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.oneof(
            fc.record({ shop: fc.integer({ min: 0, max: 2 }), seed: fc.integer({ min: 0, max: 3 }) }),
            fc.integer({ min: 0, max: all.length - 1 }),
          ),
          { minLength: 4, maxLength: 14 },
        ),
        async (steps) => {
          for (const step of steps) {
            if (typeof step === 'number') {
              const answer = await read(all[step]);
              expect(answer.body, all[step]).toEqual(answer.expected);
            } else await importShop(step.shop, step.seed);
          }
        },
      ),
      { numRuns: 6, seed: 22_3 },
    );
    expect(cache().stats().revalidated).toBeGreaterThan(0);
  });
});
