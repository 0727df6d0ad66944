// POST /api/v2/basket/optimize through HTTP: preview changes nothing; apply rewrites the basket to
// the cheapest arrangement after promotions, splitting a line when one supplier lacks the stock and
// leaving a line where it is when the cheaper supplier's minimum is out of reach.

import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOffer } from '../../../test/factories/catalog.ts';
import { addToBasket, createBuyer, createSupplier } from '../../../test/factories/orders.ts';
import { createPromotionRow } from '../../../test/factories/promotions.ts';
import { buildTestApp, type TestApp } from '../../../test/helpers/app.ts';
import { offers, shops } from '../../db/schema/catalog.ts';

let t: TestApp;

beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(() => t?.close());

interface Move {
  product_name: string;
  quantity: number;
  from: { shop_name: string };
  to: { shop_name: string };
  saving: string;
}

describe('best-offer basket', () => {
  it('previews, then applies: splits on short stock, follows promotions, keeps minimums', async () => {
    const first = await createSupplier(t, { shop: { name: 'Первый' } });
    const second = await createSupplier(t, { shop: { name: 'Второй' } });
    const third = await createSupplier(t, { shop: { name: 'Третий' } });
    await t.runtime.db.update(shops).set({ minOrderAmount: '1000.00' }).where(eq(shops.id, third.shop.id));

    const kefirFirst = await createOffer(t.runtime, {
      shopId: first.shop.id,
      name: 'Кефир 1%',
      price: '100.00',
      quantity: 100,
    });
    await createOffer(t.runtime, { shopId: second.shop.id, name: 'Кефир 1%', price: '80.00', quantity: 3 });
    const curdFirst = await createOffer(t.runtime, {
      shopId: first.shop.id,
      name: 'Творог 5%',
      price: '50.00',
      quantity: 100,
    });
    await createOffer(t.runtime, { shopId: third.shop.id, name: 'Творог 5%', price: '45.00', quantity: 100 });
    const creamFirst = await createOffer(t.runtime, {
      shopId: first.shop.id,
      name: 'Сметана 20%',
      price: '100.00',
      quantity: 50,
    });
    const creamSecond = await createOffer(t.runtime, {
      shopId: second.shop.id,
      name: 'Сметана 20%',
      price: '80.00',
      quantity: 50,
    });
    await createPromotionRow(t.runtime, {
      appliesToAll: false,
      productIds: [creamFirst.productId],
      shopIds: [first.shop.id],
      discountKind: 'percent',
      discountValue: '30.00',
    });

    const buyer = await createBuyer(t);
    await addToBasket(t, buyer, kefirFirst.id, 5);
    await addToBasket(t, buyer, curdFirst.id, 2);
    await addToBasket(t, buyer, creamSecond.id, 1);

    const preview = await t.app.inject({
      method: 'POST',
      url: '/api/v2/basket/optimize',
      headers: buyer.headers,
      payload: {},
    });
    expect(preview.statusCode, preview.body).toBe(200);
    const body = preview.json();
    expect(body).toMatchObject({
      applied: false,
      exact: true,
      feasible: true,
      total_before: '680.00',
      total_after: '610.00',
      saving: '70.00',
      basket: null,
      unresolved: [],
    });
    const moves = (body.moves as Move[]).map((move) => [
      move.product_name,
      move.quantity,
      move.from.shop_name,
      move.to.shop_name,
      move.saving,
    ]);
    expect(moves).toEqual(
      expect.arrayContaining([
        ['Кефир 1%', 3, 'Первый', 'Второй', '60.00'],
        ['Сметана 20%', 1, 'Второй', 'Первый', '10.00'],
      ]),
    );
    expect(moves).toHaveLength(2);
    const unchanged = await t.app.inject({ method: 'GET', url: '/api/v2/basket', headers: buyer.headers });
    expect(unchanged.json().total).toBe('680.00');

    const applied = await t.app.inject({
      method: 'POST',
      url: '/api/v2/basket/optimize',
      headers: buyer.headers,
      payload: { apply: true },
    });
    expect(applied.statusCode, applied.body).toBe(200);
    expect(applied.json()).toMatchObject({ applied: true, total_after: '610.00' });
    const basket = await t.app.inject({ method: 'GET', url: '/api/v2/basket', headers: buyer.headers });
    expect(basket.json().total).toBe('610.00');
    const lines = basket
      .json()
      .groups.flatMap((group: { shop: { name: string }; lines: { name: string; quantity: number }[] }) =>
        group.lines.map((line) => `${group.shop.name}: ${line.name} × ${line.quantity}`),
      );
    expect(lines.sort()).toEqual([
      'Второй: Кефир 1% × 3',
      'Первый: Кефир 1% × 2',
      'Первый: Сметана 20% × 1',
      'Первый: Творог 5% × 2',
    ]);

    // Applied once, nothing is left to improve.
    const again = await t.app.inject({
      method: 'POST',
      url: '/api/v2/basket/optimize',
      headers: buyer.headers,
      payload: { apply: true },
    });
    expect(again.json()).toMatchObject({ applied: false, moves: [], saving: '0.00' });
  });

  it('moves a line off an offer that ran out of stock; an empty basket has nothing to apply', async () => {
    const first = await createSupplier(t, { shop: { name: 'Альфа' } });
    const second = await createSupplier(t, { shop: { name: 'Бета' } });
    const scarce = await createOffer(t.runtime, {
      shopId: first.shop.id,
      name: 'Масло сливочное',
      price: '150.00',
      quantity: 5,
    });
    await createOffer(t.runtime, {
      shopId: second.shop.id,
      name: 'Масло сливочное',
      price: '170.00',
      quantity: 50,
    });
    const buyer = await createBuyer(t);
    await addToBasket(t, buyer, scarce.id, 4);
    await t.runtime.db.update(offers).set({ quantity: 1 }).where(eq(offers.id, scarce.id));
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v2/basket/optimize',
      headers: buyer.headers,
      payload: { apply: true },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ applied: true, total_before: '600.00', total_after: '660.00' });
    expect(res.json().basket.has_blocking_problems).toBe(false);

    const empty = await createBuyer(t);
    const preview = await t.app.inject({
      method: 'POST',
      url: '/api/v2/basket/optimize',
      headers: empty.headers,
      payload: {},
    });
    expect(preview.json()).toMatchObject({ applied: false, moves: [], total_before: '0.00' });
    const apply = await t.app.inject({
      method: 'POST',
      url: '/api/v2/basket/optimize',
      headers: empty.headers,
      payload: { apply: true },
    });
    expect(apply.statusCode).toBe(409);
    expect(apply.json().code).toBe('basket_empty');
  });
});
