// The catalog read cache serves a stored answer only while the catalog revision is unchanged, and
// every transaction that writes a catalog table (through the services or not) changes it.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOffer, createShop } from '../../../test/factories/catalog.ts';
import { buildTestApp, type TestApp } from '../../../test/helpers/app.ts';
import { onPostgresServer } from '../../../test/helpers/database.ts';
import { transaction } from '../../db/transaction.ts';
import { catalogRevision, createCatalogReadCache } from './read-cache.ts';

let t: TestApp;
let productId: number;
let offerId: number;

const CATALOG_TABLES: [table: string, column: string][] = [
  ['shops', 'name'],
  ['categories', 'name'],
  ['shop_categories', 'external_id'],
  ['products', 'name'],
  ['product_search', 'product_id'],
  ['offers', 'price'],
  ['parameters', 'name'],
  ['offer_parameters', 'value'],
  ['search_words', 'word'],
];

/**
 * A write that leaves the revision alone (the bump believes it already counted this transaction),
 * as a writer that bypassed the triggers would make.
 */
async function writeUnseen(statement: string): Promise<void> {
  await transaction(t.runtime, async ({ tx }) => {
    await tx.execute(sql`select set_config('zakupka.catalog_changed', 'on', true)`);
    await tx.execute(sql.raw(statement));
  });
}

async function getJson(url: string) {
  const res = await t.app.inject({ method: 'GET', url });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

beforeAll(async () => {
  t = await buildTestApp();
  const shop = await createShop(t.runtime);
  const offer = await createOffer(t.runtime, {
    shopId: shop.id,
    name: 'Кофемашина Кешируемая',
    categoryName: 'Кофемашины',
    price: '100.00',
    quantity: 5,
  });
  productId = offer.productId;
  offerId = offer.id;
});

afterAll(async () => {
  await t?.close();
});

describe('catalog read cache', () => {
  it('serves the product page, lists, searches, facets and offers again until the catalog changes', async () => {
    const urls = {
      page: `/api/v2/products/${productId}`,
      list: '/api/v2/products?sort=price',
      search: `/api/v2/products?q=${encodeURIComponent('кофемашина')}`,
      facets: `/api/v2/products/facets?q=${encodeURIComponent('кофемашина')}`,
      offers: '/api/v2/offers',
    };
    const before = {
      page: await getJson(urls.page),
      list: await getJson(urls.list),
      search: await getJson(urls.search),
      facets: await getJson(urls.facets),
      offers: await getJson(urls.offers),
    };
    expect(before.page.best_price).toBe('100.00');
    expect(before.list.items[0].best_price).toBe('100.00');
    expect(before.search.items.map((item: { id: number }) => item.id)).toEqual([productId]);

    // Unseen by the triggers, the change is not seen by the cache either: the answers come from it.
    await writeUnseen(`update offers set price = 250, quantity = 1 where id = ${offerId}`);
    expect(await getJson(urls.page)).toEqual(before.page);
    expect(await getJson(urls.list)).toEqual(before.list);
    expect(await getJson(urls.search)).toEqual(before.search);
    expect(await getJson(urls.facets)).toEqual(before.facets);
    expect(await getJson(urls.offers)).toEqual(before.offers);

    // Any catalog write, here one that changes nothing at all, makes every answer fresh.
    await t.runtime.db.execute(sql`update shops set name = name where false`);
    const page = await getJson(urls.page);
    expect(page.best_price).toBe('250.00');
    expect(page.total_stock).toBe(1);
    expect((await getJson(urls.list)).items[0].best_price).toBe('250.00');
    expect((await getJson(urls.search)).items[0].best_price).toBe('250.00');
    expect((await getJson(urls.offers)).items[0].price).toBe('250.00');
  });

  it('tags answers and answers 304 to a client that has the current one, until the catalog changes', async () => {
    for (const url of [
      `/api/v2/products/${productId}`,
      '/api/v2/products?sort=price',
      `/api/v2/products/facets?q=${encodeURIComponent('кофемашина')}`,
      '/api/v2/categories',
      '/api/v2/offers?limit=10',
    ]) {
      const first = await t.app.inject({ method: 'GET', url });
      expect(first.statusCode).toBe(200);
      const etag = first.headers.etag as string;
      expect(etag).toMatch(/^"[\w-]+"$/);

      const again = await t.app.inject({
        method: 'GET',
        url,
        headers: { 'if-none-match': `"other", ${etag}` },
      });
      expect(again.statusCode, url).toBe(304);
      expect(again.body).toBe('');
      expect(again.headers.etag).toBe(etag);

      await t.runtime.db.execute(sql`update categories set name = name where false`);
      const changed = await t.app.inject({ method: 'GET', url, headers: { 'if-none-match': etag } });
      expect(changed.statusCode, url).toBe(200);
      expect(changed.headers.etag).not.toBe(etag);
      expect(changed.json()).toEqual(first.json());
    }
    // Another query is another answer: its tag differs under the same revision.
    const byName = await t.app.inject({ method: 'GET', url: '/api/v2/products?sort=name' });
    const byPrice = await t.app.inject({ method: 'GET', url: '/api/v2/products?sort=price' });
    expect(byName.headers.etag).not.toBe(byPrice.headers.etag);
  });

  it('answers a product that is gone with 404, and the page again once it is back', async () => {
    await t.runtime.db.execute(sql`update offers set is_active = false where id = ${offerId}`);
    const gone = await t.app.inject({ method: 'GET', url: `/api/v2/products/${productId}` });
    expect(gone.statusCode).toBe(404);
    expect(gone.headers.etag).toBeUndefined();
    // `If-None-Match: *` holds only while there is a product to match.
    const any = { 'if-none-match': '*' };
    const goneAny = await t.app.inject({ method: 'GET', url: `/api/v2/products/${productId}`, headers: any });
    expect(goneAny.statusCode).toBe(404);
    await t.runtime.db.execute(sql`update offers set is_active = true where id = ${offerId}`);
    expect((await getJson(`/api/v2/products/${productId}`)).id).toBe(productId);
    const backAny = await t.app.inject({ method: 'GET', url: `/api/v2/products/${productId}`, headers: any });
    expect(backAny.statusCode).toBe(304);
  });

  it('moves the revision once per transaction that writes any catalog table, never on a rollback', async () => {
    for (const [table, column] of CATALOG_TABLES) {
      const before = await catalogRevision(t.runtime.db);
      await t.runtime.db.execute(sql.raw(`update ${table} set ${column} = ${column} where false`));
      expect(await catalogRevision(t.runtime.db), table).not.toBe(before);
    }

    const [epoch, changes] = (await catalogRevision(t.runtime.db)).split(':');
    await transaction(t.runtime, async ({ tx }) => {
      for (const [table, column] of CATALOG_TABLES) {
        await tx.execute(sql.raw(`update ${table} set ${column} = ${column} where false`));
      }
    });
    expect(await catalogRevision(t.runtime.db)).toBe(`${epoch}:${Number(changes) + 1}`);

    await expect(
      transaction(t.runtime, async ({ tx }) => {
        await tx.execute(sql`update offers set price = price where id = ${offerId}`);
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    expect(await catalogRevision(t.runtime.db)).toBe(`${epoch}:${Number(changes) + 1}`);

    // Tables the catalog does not read leave it alone.
    await t.runtime.db.execute(sql`update users set email = email where false`);
    expect(await catalogRevision(t.runtime.db)).toBe(`${epoch}:${Number(changes) + 1}`);
  });

  it('builds once for concurrent misses and keeps within its memory, least recently used out first', async () => {
    const cache = createCatalogReadCache(t.runtime.db, 3000);
    let builds = 0;
    const build = async () => {
      builds += 1;
      await new Promise((resolve) => setTimeout(resolve, 20));
      return 'x'.repeat(300);
    };
    const size = (text: string) => text.length * 2;
    const answers = await Promise.all(Array.from({ length: 5 }, () => cache.read('a', build, size)));
    expect(new Set(answers.map((answer) => (answer.notModified ? null : answer.value)))).toEqual(
      new Set(['x'.repeat(300)]),
    );
    expect(builds).toBe(1);

    await cache.read('b', build, size);
    await cache.read('a', build, size); // a hit: "a" is now the most recently used
    expect(builds).toBe(2);
    await cache.read('c', build, size);
    await cache.read('d', build, size);
    expect(cache.stats().entries).toBe(4);
    await cache.read('e', build, size); // 5 × 602 bytes: one too many
    expect(cache.stats().bytes).toBeLessThanOrEqual(3000);
    expect(cache.stats().entries).toBe(4);
    const hits = cache.stats().hits;
    await cache.read('a', build, size);
    expect(cache.stats().hits).toBe(hits + 1);
    await cache.read('b', build, size); // evicted
    expect(cache.stats().hits).toBe(hits + 1);

    const off = createCatalogReadCache(t.runtime.db, 0);
    builds = 0;
    await off.read('a', build, size);
    await off.read('a', build, size);
    expect(builds).toBe(2);
  });

  it.runIf(onPostgresServer())(
    'lets writers commit while another writer holds a revision shard (a long import)',
    async () => {
      const pool = t.database.pool!;
      const importer = await pool.connect();
      const checkout = await pool.connect();
      try {
        const before = await catalogRevision(t.runtime.db);
        await importer.query('begin');
        await importer.query('update offers set quantity = quantity where id = $1', [offerId]);
        for (let i = 0; i < 40; i += 1) {
          await checkout.query('begin');
          await checkout.query("set local lock_timeout = '2s'");
          await checkout.query('update offers set quantity = quantity where id <> $1', [offerId]);
          await checkout.query('commit');
        }
        await importer.query('commit');
        const [epoch, changes] = before.split(':');
        expect(await catalogRevision(t.runtime.db)).toBe(`${epoch}:${Number(changes) + 41}`);
      } finally {
        await importer.query('rollback').catch(() => {});
        importer.release();
        checkout.release();
      }
    },
  );
});
