// DATABASE_READ_URL: the public catalog reads (v2 lists, search, facets, product pages, offers, shops;
// v1's catalog) go to the read replica; the basket, checkout and the supplier's and staff's screens
// read the primary. The replica is a second database the test keeps in sync (helpers/replica.ts),
// made to differ from the primary — names only it holds, stock it has not caught up with — so each
// answer shows which database it came from. Server only: PGlite has no replica.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { drizzle } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { type App, buildApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import type { Database, DatabaseHandle } from '../../src/db/client.ts';
import * as schema from '../../src/db/schema/index.ts';
import { catalogReadCacheOf } from '../../src/modules/catalog/read-cache.ts';
import { createRuntime, type Runtime } from '../../src/runtime.ts';
import { authHeader } from '../factories/accounts.ts';
import { createOffer, createShop } from '../factories/catalog.ts';
import { createUser } from '../factories.ts';
import { onPostgresServer } from '../helpers/database.ts';
import { createServerDatabase, syncReplica, withClient } from '../helpers/replica.ts';

const server = onPostgresServer();
const cleanup: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const step of cleanup.reverse()) await step().catch(() => {});
});

interface World {
  app: App;
  runtime: Runtime;
  primaryUrl: string;
  replicaUrl: string;
  /** SQL on the replica itself (the test's hand, not the application's read-only pool). */
  onReplica(text: string, params?: unknown[]): Promise<void>;
  get(
    url: string,
    headers?: Record<string, string>,
  ): Promise<{ status: number; body: string; etag?: string }>;
}

/** Primary and replica databases, and the app on them as configured by DATABASE_URL and DATABASE_READ_URL. */
async function world(
  options: { readDatabase?: (urls: { primary: string; replica: string }) => DatabaseHandle } = {},
): Promise<World> {
  const primary = await createServerDatabase();
  const replica = await createServerDatabase();
  cleanup.push(primary.drop, replica.drop);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'zakupka-replica-'));
  cleanup.push(async () => fs.rmSync(dataDir, { recursive: true, force: true }));
  const config = loadConfig({
    DATABASE_URL: primary.url,
    DATABASE_READ_URL: replica.url,
    DATABASE_POOL_SIZE: '4',
    DATABASE_READ_POOL_SIZE: '4',
    AUTH_SECRET: 'test-secret-that-is-long-enough-for-hs256-signing',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    DATA_DIR: dataDir,
    RATE_LIMIT: 'false',
  });
  const runtime = await createRuntime(config, {
    migrate: false,
    workers: false,
    readDatabase: options.readDatabase?.({ primary: primary.url, replica: replica.url }),
  });
  cleanup.push(() => runtime.close());
  const app = await buildApp(config, { runtime });
  cleanup.push(() => app.close());
  return {
    app,
    runtime,
    primaryUrl: primary.url,
    replicaUrl: replica.url,
    onReplica: (text, params) =>
      withClient(replica.url, (client) => client.query(text, params)).then(() => {}),
    async get(url, headers = {}) {
      const res = await app.inject({ method: 'GET', url, headers });
      return { status: res.statusCode, body: res.body, etag: res.headers.etag as string | undefined };
    },
  };
}

describe.skipIf(!server)('read replica (DATABASE_READ_URL, PostgreSQL server)', () => {
  it('catalog reads answer from the replica; the basket, checkout and supplier screens from the primary', async () => {
    const w = await world();
    expect(w.runtime.readDatabase).not.toBe(w.runtime.database);
    const supplier = await createUser(w.runtime, { role: 'supplier' });
    const shop = await createShop(w.runtime, { ownerId: supplier.id, name: 'Лавка' });
    const offer = await createOffer(w.runtime, {
      shopId: shop.id,
      name: 'Молоко',
      categoryName: 'Молочное',
      price: '100.00',
      quantity: 10,
    });
    await syncReplica(w.primaryUrl, w.replicaUrl);
    // Names only the replica holds.
    await w.onReplica("update products set name = 'Молоко реплики' where id = $1", [offer.productId]);
    await w.onReplica("update offers set name = 'Молоко реплики' where id = $1", [offer.id]);
    await w.onReplica("update shops set name = 'Лавка реплики' where id = $1", [shop.id]);
    await w.onReplica("update categories set name = 'Молочное реплики' where name = 'Молочное'");

    const fromReplica: [string, string][] = [
      ['/api/v2/products', 'Молоко реплики'],
      ['/api/v2/products?q=молоко', 'Молоко реплики'],
      [`/api/v2/products/${offer.productId}`, 'Молоко реплики'],
      ['/api/v2/offers', 'Молоко реплики'],
      ['/api/v2/products/facets', 'Молочное реплики'],
      ['/api/v2/products/facets', 'Лавка реплики'],
      ['/api/v2/categories', 'Молочное реплики'],
      ['/api/v2/shops', 'Лавка реплики'],
      [`/api/v2/shops/${shop.id}`, 'Лавка реплики'],
      ['/api/v1/products', 'Молоко реплики'],
      ['/api/v1/shops', 'Лавка реплики'],
      ['/api/v1/categories', 'Молочное реплики'],
    ];
    for (const [url, text] of fromReplica) {
      const res = await w.get(url);
      expect(res.status, `${url}: ${res.body}`).toBe(200);
      expect(res.body, url).toContain(text);
    }

    // The supplier's own offers decide its edits: the primary.
    const supplierHeaders = await authHeader(w, supplier);
    const own = await w.get('/api/v2/supplier/offers', supplierHeaders);
    expect(own.status).toBe(200);
    expect(own.body).toContain('"Молоко"');
    expect(own.body).not.toContain('реплики');

    // Basket and checkout read and write the primary.
    const buyer = await createUser(w.runtime, { role: 'buyer' });
    const buyerHeaders = await authHeader(w, buyer);
    const contact = await w.app.inject({
      method: 'POST',
      url: '/api/v2/me/contacts',
      headers: buyerHeaders,
      payload: {
        city: 'Москва',
        street: 'Тверская',
        house: '7',
        phone: '+79161234567',
        recipient_name: 'Иван Петров',
      },
    });
    expect(contact.statusCode, contact.body).toBe(201);
    const added = await w.app.inject({
      method: 'POST',
      url: '/api/v2/basket/items',
      headers: buyerHeaders,
      payload: { offer_id: offer.id, quantity: 6 },
    });
    expect(added.statusCode, added.body).toBe(201);
    const basket = await w.get('/api/v2/basket', buyerHeaders);
    expect(basket.body).toContain('"Молоко"');
    expect(basket.body).not.toContain('реплики');
    const placed = await w.app.inject({
      method: 'POST',
      url: '/api/v2/orders',
      headers: buyerHeaders,
      payload: { contact_id: contact.json().id },
    });
    expect(placed.statusCode, placed.body).toBe(201);
    expect(placed.body).not.toContain('реплики');
    const stock = (url: string) =>
      withClient(url, async (client) => {
        const { rows } = await client.query<{ quantity: number }>(
          'select quantity from offers where id = $1',
          [offer.id],
        );
        return rows[0].quantity;
      });
    expect(await stock(w.primaryUrl)).toBe(4);
    expect(await stock(w.replicaUrl)).toBe(10);
    const replicaRows = await withClient(w.replicaUrl, (client) =>
      client.query<{ n: number }>(
        'select (select count(*) from basket_items) + (select count(*) from orders) as n',
      ),
    );
    expect(Number(replicaRows.rows[0].n)).toBe(0);

    // The lagging replica still shows 10 in stock; a second buyer's 6 are measured against the
    // primary's 4 and refused.
    const listed = JSON.parse((await w.get('/api/v2/products')).body) as { items: { total_stock: number }[] };
    expect(listed.items[0].total_stock).toBe(10);
    const second = await createUser(w.runtime, { role: 'buyer' });
    const secondHeaders = await authHeader(w, second);
    const refused = await w.app.inject({
      method: 'POST',
      url: '/api/v2/basket/items',
      headers: secondHeaders,
      payload: { offer_id: offer.id, quantity: 6 },
    });
    expect(refused.statusCode, refused.body).toBe(409);
    expect(refused.json()).toMatchObject({ code: 'out_of_stock', available_quantity: 4 });
    expect(await stock(w.primaryUrl)).toBe(4);

    // Once the replica has caught up, the catalog shows the primary as it is.
    await syncReplica(w.primaryUrl, w.replicaUrl);
    const caughtUp = JSON.parse((await w.get('/api/v2/products')).body) as {
      items: { name: string; total_stock: number }[];
    };
    expect(caughtUp.items).toMatchObject([{ name: 'Молоко', total_stock: 4 }]);

    // The replica's pool is read-only: a write sent there by mistake fails, even on a writable database.
    await expect(w.runtime.readDatabase.query("update shops set name = 'x'")).rejects.toThrow(/read-only/);
    const ready = await w.get('/health/ready');
    expect(ready.status).toBe(200);
    // A database that is not a standby has no replay lag to report.
    expect(JSON.parse(ready.body).checks.replica).toEqual({ ok: true });
  }, 120_000);

  it('the read cache keys answers to the replica’s revision: a primary write not yet replicated changes nothing, the sync does', async () => {
    const w = await world();
    const shop = await createShop(w.runtime, { name: 'Лавка' });
    const offer = await createOffer(w.runtime, {
      shopId: shop.id,
      name: 'Кефир',
      price: '80.00',
      quantity: 5,
    });
    await syncReplica(w.primaryUrl, w.replicaUrl);
    const cache = catalogReadCacheOf(w.runtime.readDb, w.runtime.config.catalogCacheBytes);
    const first = await w.get('/api/v2/products');
    expect(first.body).toContain('Кефир');
    const misses = cache.stats().misses;

    // A write on the primary moves the primary's revision, not the replica's: the cached answer
    // still is what the replica would give, so it is served (no rebuild).
    await withClient(w.primaryUrl, (client) =>
      client.query("update products set name = 'Кефир новый' where id = $1", [offer.productId]),
    );
    const again = await w.get('/api/v2/products');
    expect(again.body).toBe(first.body);
    expect(again.etag).toBe(first.etag);
    expect(cache.stats().misses).toBe(misses);
    expect((await w.get('/api/v2/products', { 'if-none-match': first.etag! })).status).toBe(304);

    // Replicated: the revision moves on the replica and the answer is built again.
    await syncReplica(w.primaryUrl, w.replicaUrl);
    const synced = await w.get('/api/v2/products');
    expect(synced.body).toContain('Кефир новый');
    expect(synced.etag).not.toBe(first.etag);
    expect(cache.stats().misses).toBe(misses + 1);
  }, 120_000);

  it('a process whose replica is unreachable is not ready, and says which check failed', async () => {
    const primary = await createServerDatabase();
    cleanup.push(primary.drop);
    const missing = new URL(primary.url);
    missing.pathname = '/no_such_replica_database';
    const config = loadConfig({
      DATABASE_URL: primary.url,
      DATABASE_READ_URL: missing.toString(),
      AUTH_SECRET: 'test-secret-that-is-long-enough-for-hs256-signing',
      LOG_LEVEL: 'silent',
      DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'zakupka-replica-')),
    });
    cleanup.push(async () => fs.rmSync(config.dataDir, { recursive: true, force: true }));
    const runtime = await createRuntime(config, { migrate: false, workers: false });
    cleanup.push(() => runtime.close());
    const app = await buildApp(config, { runtime });
    cleanup.push(() => app.close());
    const res = await app.inject({ method: 'GET', url: '/health/ready' });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toMatchObject({
      status: 'not_ready',
      checks: { database: { ok: true }, replica: { ok: false, detail: 'read replica unreachable' } },
    });
  }, 120_000);

  it('behind a balancer over two standbys at different points, no answer is cached or tagged under a newer revision than its data', async () => {
    // A balancer in front of a stale and a fresh standby: the test names which standby serves each
    // query and each transaction, so the revision read first may come from one and the answer from
    // the other.
    const pools: pg.Pool[] = [];
    const plan: number[] = [];
    let replicaUrls: string[] = [];
    const w = await world({
      readDatabase: ({ replica }) => {
        replicaUrls = [replica];
        return balancedHandle(pools, plan);
      },
    });
    const other = await createServerDatabase();
    cleanup.push(other.drop);
    replicaUrls.push(other.url);
    for (const url of replicaUrls) {
      const pool = new pg.Pool({
        connectionString: url,
        max: 2,
        options: '-c default_transaction_read_only=on',
      });
      pools.push(pool);
      cleanup.push(() => pool.end());
    }
    const STALE = 0;
    const FRESH = 1;
    const shop = await createShop(w.runtime, { name: 'Лавка' });
    const offer = await createOffer(w.runtime, {
      shopId: shop.id,
      name: 'Сыр старый',
      price: '300.00',
      quantity: 5,
    });
    await syncReplica(w.primaryUrl, replicaUrls[STALE]);
    await withClient(w.primaryUrl, (client) =>
      client.query("update products set name = 'Сыр новый' where id = $1", [offer.productId]),
    );
    await syncReplica(w.primaryUrl, replicaUrls[FRESH]);

    /** A product list read with the revision query, then (on a miss) the build, sent as planned. */
    const read = async (...standbys: number[]) => {
      plan.splice(0, plan.length, ...standbys);
      const res = await w.get('/api/v2/products');
      expect(res.status).toBe(200);
      return { body: res.body.includes('Сыр новый') ? 'new' : 'old', etag: res.etag! };
    };
    // Each standby alone: the tag of each revision.
    const fresh = await read(FRESH, FRESH);
    const stale = await read(STALE, STALE);
    expect([fresh.body, stale.body]).toEqual(['new', 'old']);
    expect(fresh.etag).not.toBe(stale.etag);
    const tagOf = { new: fresh.etag, old: stale.etag };
    // Mixed: whatever the revision read first, the answer carries the tag of the data it holds, and
    // is stored under it — so the fresh revision never serves the stale answer from the cache.
    const mixed = [
      await read(FRESH, STALE),
      await read(FRESH, FRESH),
      await read(STALE, FRESH),
      await read(STALE, STALE),
      await read(FRESH, STALE),
      await read(FRESH, STALE),
    ];
    for (const answer of mixed) expect(answer.etag).toBe(tagOf[answer.body as 'new' | 'old']);
    // A client holding the fresh answer is never told "not modified" about the stale one.
    plan.splice(0, plan.length, STALE, STALE);
    const asked = await w.app.inject({
      method: 'GET',
      url: '/api/v2/products',
      headers: { 'if-none-match': fresh.etag },
    });
    expect(asked.statusCode).toBe(200);
    expect(asked.body).toContain('Сыр старый');
  }, 120_000);
});

/**
 * A read handle over several pools, as a TCP balancer in front of several standbys: each query and
 * each transaction goes to the pool `plan` names next (else the next in turn). A pg.Pool to
 * drizzle (it opens transactions on a pool's connection), but it never connects itself.
 */
function balancedHandle(pools: pg.Pool[], plan: number[]): DatabaseHandle {
  let turn = 0;
  const next = () => {
    turn += 1;
    return pools[plan.shift() ?? turn % pools.length];
  };
  class Balancer extends pg.Pool {
    override query(...args: any[]): any {
      const pool = next();
      return (pool.query as (...a: unknown[]) => unknown).apply(pool, args);
    }
    override connect(...args: any[]): any {
      const pool = next();
      return (pool.connect as (...a: unknown[]) => unknown).apply(pool, args);
    }
  }
  const balancer = new Balancer({ max: 1 });
  const db = drizzle({ client: balancer, schema }) as unknown as Database;
  return {
    kind: 'postgres',
    db,
    pool: balancer,
    async query<T>(text: string, params?: unknown[]) {
      return (await balancer.query(text, params as unknown[])).rows as T[];
    },
    async exec(text: string) {
      await balancer.query(text);
    },
    async close() {},
  };
}
