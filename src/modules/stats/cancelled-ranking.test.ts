// With `state=canceled` the revenue of every group is 0 by definition: groups are ranked by their
// cancelled amount instead — the largest cancelled amounts first, for products (the threshold ranking,
// whose exact pass keeps the first 20 candidates), categories and a buyer's categories, from the
// deltas and from the rollups.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOffer } from '../../../test/factories/catalog.ts';
import {
  type Actor,
  type Buyer,
  createBuyer,
  createStaff,
  createSupplier,
  placeOrder,
} from '../../../test/factories/orders.ts';
import { buildTestApp, type TestApp } from '../../../test/helpers/app.ts';
import type { Offer } from '../../db/schema/catalog.ts';
import { foldStatsDeltas } from './fold.service.ts';

let t: TestApp;
let staff: Actor;
let buyer: Buyer;
const goods: Offer[] = [];
const CATEGORIES = ['Отмена А', 'Отмена Б', 'Отмена В'];
const today = () => new Date(Date.now() + 3 * 3_600_000).toISOString().slice(0, 10); // Moscow, UTC+3

interface Answer {
  groups: { id: number; name: string | null; totals: { revenue: string; cancelled_amount: string } }[];
}

async function ask(actor: Actor, url: string, query: Record<string, string>): Promise<Answer> {
  const params = new URLSearchParams({ from: today(), to: today(), state: 'canceled', ...query });
  const res = await t.app.inject({ method: 'GET', url: `${url}?${params}`, headers: actor.headers });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

beforeAll(async () => {
  t = await buildTestApp({ workers: false });
  staff = await createStaff(t);
  buyer = await createBuyer(t, { company: 'Отменяющий покупатель' });
  const supplier = await createSupplier(t, { shop: { name: 'Отменяемый' } });
  // 22 goods (more than the exact pass's 20), each dearer than the one before (so the higher the id,
  // the larger its cancelled amount); the categories made later also add up to more.
  for (let i = 0; i < 22; i += 1) {
    goods.push(
      await createOffer(t.runtime, {
        shopId: supplier.shop.id,
        price: `${(i + 1) * 10}.00`,
        quantity: 100,
        categoryName: CATEGORIES[i < 8 ? 0 : i < 15 ? 1 : 2],
      }),
    );
  }
  const order = await placeOrder(
    t,
    buyer,
    goods.map((offer) => ({ offerId: offer.id, quantity: 1 })),
  );
  const cancel = await t.app.inject({
    method: 'POST',
    url: `/api/v2/orders/${order.id}/cancel`,
    headers: buyer.headers,
  });
  expect(cancel.statusCode, cancel.body).toBe(200);
});
afterAll(() => t?.close());

async function checkRanking() {
  const admin = '/api/v2/admin/stats/sales';
  // Products: the three dearest, dearest first.
  const top = await ask(staff, admin, { group_by: 'product', limit: '3' });
  expect(top.groups.map((g) => g.totals.cancelled_amount)).toEqual(['220.00', '210.00', '200.00']);
  expect(top.groups.map((g) => g.id)).toEqual(
    goods
      .slice(-3)
      .reverse()
      .map((offer) => offer.productId),
  );
  expect(top.groups.every((g) => g.totals.revenue === '0.00')).toBe(true);
  // Every product, in the order of their cancelled amounts.
  const all = await ask(staff, admin, { group_by: 'product', limit: '100' });
  expect(all.groups.map((g) => g.totals.cancelled_amount)).toEqual(
    goods.map((_, i) => `${(i + 1) * 10}.00`).reverse(),
  );
  // Categories: В (160…220: 1,330) before Б (90…150: 840) before А (10…80: 360).
  const categories = await ask(staff, admin, { group_by: 'category', limit: '1' });
  expect(categories.groups.map((g) => [g.name, g.totals.cancelled_amount])).toEqual([
    ['Отмена В', '1330.00'],
  ]);
  const everyCategory = await ask(staff, admin, { group_by: 'category' });
  expect(everyCategory.groups.map((g) => g.name)).toEqual(['Отмена В', 'Отмена Б', 'Отмена А']);
  // A buyer's own categories.
  const own = await ask(buyer, '/api/v2/stats/purchases', { group_by: 'category', limit: '1' });
  expect(own.groups.map((g) => [g.name, g.totals.cancelled_amount])).toEqual([['Отмена В', '1330.00']]);
}

describe('ranking with state=canceled', () => {
  it('puts the largest cancelled amounts first, before and after the fold', async () => {
    await checkRanking();
    await foldStatsDeltas(t.runtime);
    await checkRanking();
  });
});
