// The catalog read cache serves a stored answer only while the catalog revision is unchanged, and
// every transaction that writes a catalog table (through the services or not) changes it.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOffer, createShop } from '../../../test/factories/catalog.ts';
import { buildTestApp, type TestApp } from '../../../test/helpers/app.ts';
import { onPostgresServer } from '../../../test/helpers/database.ts';
import { transaction } from '../../db/transaction.ts';
import { catalogRevision, createCatalogReadCache, createRevisionReader } from './read-cache.ts';

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
      const before = (await catalogRevision(t.runtime.db)).revision;
      await t.runtime.db.execute(sql.raw(`update ${table} set ${column} = ${column} where false`));
      expect((await catalogRevision(t.runtime.db)).revision, table).not.toBe(before);
    }

    const [epoch, changes] = (await catalogRevision(t.runtime.db)).revision.split(':');
    await transaction(t.runtime, async ({ tx }) => {
      for (const [table, column] of CATALOG_TABLES) {
        await tx.execute(sql.raw(`update ${table} set ${column} = ${column} where false`));
      }
    });
    expect((await catalogRevision(t.runtime.db)).revision).toBe(`${epoch}:${Number(changes) + 1}`);

    await expect(
      transaction(t.runtime, async ({ tx }) => {
        await tx.execute(sql`update offers set price = price where id = ${offerId}`);
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    expect((await catalogRevision(t.runtime.db)).revision).toBe(`${epoch}:${Number(changes) + 1}`);

    // Tables the catalog does not read leave it alone.
    await t.runtime.db.execute(sql`update users set email = email where false`);
    expect((await catalogRevision(t.runtime.db)).revision).toBe(`${epoch}:${Number(changes) + 1}`);
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

  it('shares revision queries between concurrent requests, never one sent before a request arrived', async () => {
    // A revision query the test answers by hand, numbered in the order they were sent.
    const sent: { answer: (revision: string) => void }[] = [];
    const read = createRevisionReader(() => new Promise<string>((resolve) => sent.push({ answer: resolve })));
    const first = read();
    expect(sent).toHaveLength(1);
    // Arrived while query 1 is in flight: they must not take its answer (it may predate a write
    // they saw commit), so they wait for query 2, which is sent once query 1 returns.
    const waiting = Array.from({ length: 7 }, () => read());
    expect(sent).toHaveLength(1);
    sent[0].answer('1:10');
    expect(await first).toBe('1:10');
    await Promise.resolve();
    expect(sent).toHaveLength(2);
    // One more while query 2 is in flight: it waits for query 3, not for query 2.
    const late = read();
    sent[1].answer('1:11');
    expect(await Promise.all(waiting)).toEqual(Array(7).fill('1:11'));
    await Promise.resolve();
    expect(sent).toHaveLength(3);
    sent[2].answer('1:12');
    expect(await late).toBe('1:12');
    // Idle again: the next request sends its own query at once.
    const alone = read();
    expect(sent).toHaveLength(4);
    sent[3].answer('1:13');
    expect(await alone).toBe('1:13');
  });

  it.runIf(onPostgresServer())(
    'lets writers commit while another writer holds a revision shard (a long import)',
    async () => {
      const pool = t.database.pool!;
      const importer = await pool.connect();
      const checkout = await pool.connect();
      try {
        const before = (await catalogRevision(t.runtime.db)).revision;
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
        expect((await catalogRevision(t.runtime.db)).revision).toBe(`${epoch}:${Number(changes) + 41}`);
      } finally {
        await importer.query('rollback').catch(() => {});
        importer.release();
        checkout.release();
      }
    },
  );
});
