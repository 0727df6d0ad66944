// Statistics under real parallel transactions (PostgreSQL server): a checkout never waits for the
// rollups, and parallel checkouts, state changes and folds lose nothing and count nothing twice.
import { and, eq, ne } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOffer } from '../../../test/factories/catalog.ts';
import {
  type Actor,
  addToBasket,
  type Buyer,
  checkoutRequest,
  createBuyer,
  createStaff,
  createSupplier,
  type Supplier,
} from '../../../test/factories/orders.ts';
import { buildTestApp, type TestApp } from '../../../test/helpers/app.ts';
import { onPostgresServer } from '../../../test/helpers/database.ts';
import { orderParts } from '../../db/schema/orders.ts';
import { fromMinor, toMinor } from '../../lib/money.ts';
import { foldStatsDeltas } from './fold.service.ts';

const server = onPostgresServer();
let t: TestApp;
let alpha: Supplier;
let beta: Supplier;
let staff: Actor;
const today = () => new Date(Date.now() + 3 * 3_600_000).toISOString().slice(0, 10);

beforeAll(async () => {
  if (!server) return;
  t = await buildTestApp({ workers: false });
  alpha = await createSupplier(t);
  beta = await createSupplier(t);
  staff = await createStaff(t);
});
afterAll(() => t?.close());

async function totals(actor: Actor, url = '/api/v2/admin/stats/sales') {
  const res = await t.app.inject({
    method: 'GET',
    url: `${url}?from=${today()}&to=${today()}`,
    headers: actor.headers,
  });
  expect(res.statusCode, res.body).toBe(200);
  return res.json().totals;
}

describe.skipIf(!server)('statistics under parallel transactions (PostgreSQL server)', () => {
  it('checks out while a fold holds every rollup row locked', async () => {
    const offer = await createOffer(t.runtime, { shopId: alpha.shop.id, price: '10.00', quantity: 100 });
    const first = await createBuyer(t);
    await addToBasket(t, first, offer.id, 1);
    expect((await checkoutRequest(t, first)).statusCode).toBe(201);
    await foldStatsDeltas(t.runtime);

    const aside = await t.database.connectAside!();
    try {
      await aside.query('begin');
      const locked = await aside.query('select 1 from stats_rollups for update');
      expect(locked.length).toBeGreaterThan(0);
      // A checkout of the same shop in the same hour completes while those rows stay locked.
      const buyer = await createBuyer(t);
      await addToBasket(t, buyer, offer.id, 2);
      expect((await checkoutRequest(t, buyer)).statusCode).toBe(201);
    } finally {
      await aside.query('rollback');
      await aside.close();
    }
    expect(await totals(staff)).toMatchObject({ orders: 2, units: 3, revenue: '30.00' });
  });

  it('counts every parallel checkout, state change and cancel exactly once while folds run', async () => {
    const a = await createOffer(t.runtime, { shopId: alpha.shop.id, price: '12.34', quantity: 10_000 });
    const b = await createOffer(t.runtime, { shopId: beta.shop.id, price: '5.55', quantity: 10_000 });
    const buyers: Buyer[] = [];
    for (let i = 0; i < 24; i += 1) {
      const buyer = await createBuyer(t);
      await addToBasket(t, buyer, a.id, 1 + (i % 3));
      await addToBasket(t, buyer, b.id, 1 + (i % 2));
      buyers.push(buyer);
    }
    let folding = true;
    const folds = (async () => {
      let runs = 0;
      while (folding || runs === 0) {
        await foldStatsDeltas(t.runtime, 7);
        runs += 1;
      }
      return runs;
    })();
    const placed = await Promise.all(buyers.map((buyer) => checkoutRequest(t, buyer)));
    const ids = placed.map((res) => {
      expect(res.statusCode, res.body).toBe(201);
      return res.json().id as number;
    });
    // In parallel: alpha confirms some, beta cancels some of its parts, buyers cancel whole orders.
    await Promise.all(
      ids.map((id, i) => {
        if (i % 4 === 0) {
          return t.app.inject({
            method: 'POST',
            url: `/api/v2/supplier/orders/${id}/status`,
            headers: alpha.headers,
            payload: { state: 'confirmed' },
          });
        }
        if (i % 4 === 1) {
          return t.app.inject({
            method: 'POST',
            url: `/api/v2/supplier/orders/${id}/status`,
            headers: beta.headers,
            payload: { state: 'canceled', note: 'Нет в наличии' },
          });
        }
        if (i % 4 === 2) {
          return t.app.inject({
            method: 'POST',
            url: `/api/v2/orders/${id}/cancel`,
            headers: buyers[i].headers,
          });
        }
        return Promise.resolve();
      }),
    );
    folding = false;
    expect(await folds).toBeGreaterThan(0);

    // What the parts say, independently of the statistics (no order discounts here).
    const parts = await t.runtime.db.select().from(orderParts);
    const live = parts.filter((p) => p.state !== 'canceled');
    const canceled = parts.filter((p) => p.state === 'canceled');
    const sum = (rows: typeof parts) => fromMinor(rows.reduce((s, p) => s + toMinor(p.total), 0n));
    const want = {
      orders: new Set(live.map((p) => p.orderId)).size,
      revenue: sum(live),
      cancelled_orders: new Set(canceled.map((p) => p.orderId)).size,
      cancelled_amount: sum(canceled),
    };
    expect(canceled.length).toBeGreaterThan(0);
    expect(await totals(staff)).toMatchObject(want);
    await foldStatsDeltas(t.runtime);
    expect(await totals(staff)).toMatchObject(want);
    const betaLive = await t.runtime.db
      .select()
      .from(orderParts)
      .where(and(eq(orderParts.shopId, beta.shop.id), ne(orderParts.state, 'canceled')));
    expect(await totals(beta, '/api/v2/supplier/stats/sales')).toMatchObject({
      orders: betaLive.length,
      revenue: sum(betaLive),
    });
  });
});
