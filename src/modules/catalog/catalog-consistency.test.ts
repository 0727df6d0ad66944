// A catalog read never sees a shop's goods half replaced or gone: while imports replace a shop's
// goods again and again, reads (cached and not, on every pool connection) answer the whole
// catalog, never an empty or partial one — also when an import's transaction is chosen as a
// deadlock's victim (a checkout locking the same offers in another order does that under load).
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createShop, uploadPriceList } from '../../../test/factories/catalog.ts';
import { createSupplier } from '../../../test/factories/orders.ts';
import { buildTestApp, type TestApp } from '../../../test/helpers/app.ts';
import { generatePriceList } from './demo/generate.ts';
import { importPriceList, runImport } from './import.service.ts';

const SHOPS = 3;
const GOODS = 300;
const ROUNDS = 6;

interface Setup {
  t: TestApp;
  shops: { id: number; name: string }[];
}

async function setUp(cacheMb: string): Promise<Setup> {
  const t = await buildTestApp({ env: { CATALOG_CACHE_MB: cacheMb, RATE_LIMIT: 'false' } });
  const shops: Setup['shops'] = [];
  for (let s = 0; s < SHOPS; s += 1) {
    const name = `Склад ${s + 1}`;
    const shop = await createShop(t.runtime, { name });
    shops.push({ id: shop.id, name });
    const done = await importPriceList(t.runtime, {
      shopId: shop.id,
      content: Buffer.from(generatePriceList({ shop: s, shopName: name, goods: GOODS, seed: 0 })),
    });
    expect(done.status).toBe('succeeded');
  }
  await installDeadlockOnce(t);
  return { t, shops };
}

/**
 * Once armed (`armDeadlock`), the next import to finish fails as a deadlock's victim would, at its
 * very end (after its goods were read and written); a sequence, unlike a row, stays disarmed when
 * that transaction rolls back.
 */
async function installDeadlockOnce(t: TestApp): Promise<void> {
  await t.runtime.db.execute(sql`create sequence h4_deadlock_once`);
  await t.runtime.db.execute(sql`select setval('h4_deadlock_once', 100)`);
  await t.runtime.db.execute(
    sql.raw(`create function h4_deadlock_once() returns trigger language plpgsql as $$
      begin
        if nextval('h4_deadlock_once') = 2 then
          raise exception 'deadlock detected (injected)' using errcode = 'deadlock_detected';
        end if;
        return null;
      end $$`),
  );
  await t.runtime.db.execute(
    sql.raw(`create trigger h4_deadlock_once after update on imports for each row
      when (new.status = 'succeeded') execute function h4_deadlock_once()`),
  );
}

async function armDeadlock(t: TestApp): Promise<void> {
  await t.runtime.db.execute(sql`select setval('h4_deadlock_once', 1)`);
}

/** How many of a shop's offers the public list shows (a page of at most 200). */
async function visibleOffers(t: TestApp, shopId: number): Promise<number> {
  const res = await t.app.inject({ method: 'GET', url: `/api/v2/offers?shop=${shopId}&limit=200` });
  expect(res.statusCode, res.body).toBe(200);
  return (res.json() as { items: unknown[] }).items.length;
}

/**
 * Reads lists while each round re-imports one shop with new prices and stock (every other round's
 * transaction fails once as a deadlock victim); returns what the reads saw wrong.
 */
async function readWhileImporting({ t, shops }: Setup): Promise<string[]> {
  const wrong: string[] = [];
  let importing = true;
  const get = async (url: string) => {
    const res = await t.app.inject({ method: 'GET', url });
    if (res.statusCode !== 200) {
      wrong.push(`${url}: ${res.statusCode}`);
      return undefined;
    }
    return res.json() as { items: unknown[] };
  };
  const check = async () => {
    const products = await get('/api/v2/products?limit=200');
    if (products && products.items.length !== 200) wrong.push(`products: ${products.items.length} items`);
    for (const shop of shops) {
      const own = await get(`/api/v2/offers?shop=${shop.id}&limit=200`);
      if (own && own.items.length !== 200) wrong.push(`offers of shop ${shop.id}: ${own.items.length} items`);
    }
  };
  // Until the imports end or enough was seen wrong (a cached answer comes back at once: the
  // readers yield between checks, and keep at most a few findings).
  const reader = async () => {
    while (importing && wrong.length < 20) {
      await check();
      await new Promise((resolve) => setImmediate(resolve));
    }
  };
  const readers = Array.from({ length: 3 }, reader);
  try {
    for (let round = 1; round <= ROUNDS; round += 1) {
      const s = round % shops.length;
      const victim = round % 2 === 0;
      if (victim) await armDeadlock(t);
      const run = importPriceList(t.runtime, {
        shopId: shops[s].id,
        content: Buffer.from(
          generatePriceList({ shop: s, shopName: shops[s].name, goods: GOODS, seed: round }),
        ),
      });
      // An inline import has no retry: the victim fails whole (the job would read its file again).
      if (victim) await expect(run).rejects.toThrow();
      else expect((await run).status).toBe('succeeded');
      await check();
    }
  } finally {
    importing = false;
    await Promise.all(readers);
  }
  return wrong;
}

describe.each([
  ['with the read cache', '64'],
  ['without the read cache', '0'],
])('catalog reads during re-imports, %s', (_name, cacheMb) => {
  let setup: Setup;
  beforeAll(async () => {
    setup = await setUp(cacheMb);
  });
  afterAll(async () => {
    await setup?.t.close();
  });

  it('never answer an empty or partial catalog', async () => {
    expect(await readWhileImporting(setup)).toEqual([]);
    for (const shop of setup.shops) expect(await visibleOffers(setup.t, shop.id)).toBe(200);
  });
});

describe('an uploaded import chosen as a deadlock victim', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp({ workers: false });
    await installDeadlockOnce(t);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('leaves the catalog as it was, waits for its retry with its file kept, and the retry applies it', async () => {
    const supplier = await createSupplier(t, { shop: { name: 'Склад 1' } });
    const file = (seed: number) => generatePriceList({ shop: 0, shopName: 'Склад 1', goods: GOODS, seed });
    const first = await importPriceList(t.runtime, {
      shopId: supplier.shop.id,
      content: Buffer.from(file(0)),
    });
    expect(first.status).toBe('succeeded');
    const activeOffers = async () =>
      (
        await t.runtime.database.query<{ n: number; total: string }>(
          'select count(*)::integer as n, sum(price * quantity)::text as total from offers where shop_id = $1 and is_active',
          [supplier.shop.id],
        )
      )[0];
    const before = await activeOffers();
    expect(before.n).toBe(GOODS);

    const { id } = await uploadPriceList(t, supplier.headers, file(1));
    await armDeadlock(t);
    await expect(runImport(t.runtime, id, { retryLimit: 1 })).rejects.toThrow();
    const [waiting] = await t.runtime.database.query<{ status: string; files: number }>(
      'select status, (select count(*)::integer from import_files where import_id = $1) as files from imports where id = $1',
      [id],
    );
    expect(waiting).toEqual({ status: 'queued', files: 1 });
    expect(await activeOffers()).toEqual(before);

    const retried = await runImport(t.runtime, id, { retryLimit: 1 });
    expect(retried.status).toBe('succeeded');
    expect(retried.updated).toBeGreaterThan(0);
    const after = await activeOffers();
    expect(after.n).toBe(GOODS);
    expect(after.total).not.toBe(before.total);
  });
});
