import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOffer } from '../../../test/factories/catalog.ts';
import {
  addToBasket,
  type Buyer,
  createBuyer,
  createSupplier,
  type Supplier,
} from '../../../test/factories/orders.ts';
import { buildTestApp, type TestApp } from '../../../test/helpers/app.ts';
import { offers, shops } from '../../db/schema/catalog.ts';
import { MAX_LINE_QUANTITY } from './basket.service.ts';

let t: TestApp;
let alpha: Supplier;
let beta: Supplier;

beforeAll(async () => {
  t = await buildTestApp({ workers: false });
  alpha = await createSupplier(t, { shop: { name: 'Альфа' } });
  beta = await createSupplier(t, { shop: { name: 'Бета' } });
});
afterAll(() => t?.close());

function add(buyer: Buyer, payload: Record<string, unknown>) {
  return t.app.inject({ method: 'POST', url: '/api/v2/basket/items', headers: buyer.headers, payload });
}

async function basket(buyer: Buyer) {
  const res = await t.app.inject({ method: 'GET', url: '/api/v2/basket', headers: buyer.headers });
  expect(res.statusCode).toBe(200);
  return res.json();
}

describe('basket', () => {
  it('groups lines by supplier with per-line, per-supplier and total sums', async () => {
    const buyer = await createBuyer(t);
    const a1 = await createOffer(t.runtime, {
      shopId: alpha.shop.id,
      name: 'Молоко',
      price: '89.90',
      quantity: 100,
    });
    const b1 = await createOffer(t.runtime, {
      shopId: beta.shop.id,
      name: 'Хлеб',
      price: '45.00',
      quantity: 100,
    });
    const a2 = await createOffer(t.runtime, {
      shopId: alpha.shop.id,
      name: 'Кефир',
      price: '0.10',
      quantity: 100,
      model: 'kef',
    });
    await addToBasket(t, buyer, a1.id, 3);
    await addToBasket(t, buyer, b1.id, 2);
    await addToBasket(t, buyer, a2.id, 7);
    const body = await basket(buyer);
    expect(body).toMatchObject({
      currency: 'RUB',
      items_count: 3,
      subtotal: '360.40',
      lines_discount: '0.00',
      order_discount: '0.00',
      total: '360.40',
      has_blocking_problems: false,
    });
    expect(body.groups).toHaveLength(2);
    expect(body.groups[0]).toMatchObject({
      shop: { id: alpha.shop.id, name: 'Альфа', accepting_orders: true },
      subtotal: '270.40',
      total: '270.40',
    });
    expect(body.groups[0].lines.map((l: { name: string; amount: string }) => [l.name, l.amount])).toEqual([
      ['Молоко', '269.70'],
      ['Кефир', '0.70'],
    ]);
    expect(body.groups[0].lines[1]).toMatchObject({
      offer_id: a2.id,
      model: 'kef',
      quantity: 7,
      available_quantity: 100,
      unit_price: '0.10',
      price_when_added: '0.10',
      discount: '0.00',
      discount_source: null,
      total: '0.70',
      problems: [],
    });
    expect(body.groups[1]).toMatchObject({ shop: { name: 'Бета' }, total: '90.00' });
  });

  it('adds to the quantity of an offer already in the basket', async () => {
    const buyer = await createBuyer(t);
    const offer = await createOffer(t.runtime, { shopId: alpha.shop.id, price: '10.00', quantity: 10 });
    await addToBasket(t, buyer, offer.id, 2);
    const body = await addToBasket(t, buyer, offer.id, 3);
    expect(body.items_count).toBe(1);
    expect(body.groups[0].lines[0].quantity).toBe(5);
    // …but never beyond stock, counting what is already there.
    const res = await add(buyer, { offer_id: offer.id, quantity: 6 });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({
      code: 'out_of_stock',
      offer_id: offer.id,
      requested_quantity: 11,
      available_quantity: 10,
    });
    expect((await basket(buyer)).groups[0].lines[0].quantity).toBe(5);
  });

  it('refuses what cannot be ordered, naming the offer', async () => {
    const buyer = await createBuyer(t);
    const closed = await createSupplier(t, { shop: { name: 'Закрыто', acceptingOrders: false } });
    const inactive = await createOffer(t.runtime, {
      shopId: alpha.shop.id,
      name: 'Снято',
      price: '1.00',
      quantity: 5,
      isActive: false,
    });
    const ofClosed = await createOffer(t.runtime, {
      shopId: closed.shop.id,
      name: 'Пауза',
      price: '1.00',
      quantity: 5,
    });
    const few = await createOffer(t.runtime, {
      shopId: alpha.shop.id,
      name: 'Мало',
      price: '1.00',
      quantity: 2,
    });

    let res = await add(buyer, { offer_id: inactive.id, quantity: 1 });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ code: 'offer_unavailable', offer_id: inactive.id });
    expect(res.json().detail).toContain('Снято');

    res = await add(buyer, { offer_id: ofClosed.id, quantity: 1 });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ code: 'shop_not_accepting_orders', offer_id: ofClosed.id });
    expect(res.json().detail).toContain('Закрыто');

    res = await add(buyer, { offer_id: few.id, quantity: 3 });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ code: 'out_of_stock', available_quantity: 2 });

    res = await add(buyer, { offer_id: 2_000_000_000, quantity: 1 });
    expect(res.statusCode).toBe(404);
    expect(res.json().code).toBe('offer_not_found');

    expect((await basket(buyer)).items_count).toBe(0);
  });

  it('validates quantities', async () => {
    const buyer = await createBuyer(t);
    const offer = await createOffer(t.runtime, { shopId: alpha.shop.id, price: '1.00', quantity: 50_000 });
    for (const quantity of [0, -1, 1.5, MAX_LINE_QUANTITY + 1, '2x']) {
      const res = await add(buyer, { offer_id: offer.id, quantity });
      expect(res.statusCode, String(quantity)).toBe(400);
      expect(res.json().errors[0].field).toBe('body.quantity');
    }
    await addToBasket(t, buyer, offer.id, MAX_LINE_QUANTITY);
    const over = await add(buyer, { offer_id: offer.id, quantity: 1 });
    expect(over.statusCode).toBe(409);
    expect(over.json()).toMatchObject({ code: 'quantity_limit_exceeded', max_quantity: MAX_LINE_QUANTITY });
  });

  it('refuses an offer in another currency than the basket', async () => {
    const buyer = await createBuyer(t);
    const euro = await createSupplier(t, { shop: { currency: 'EUR' } });
    const rub = await createOffer(t.runtime, { shopId: alpha.shop.id, price: '1.00', quantity: 5 });
    const eur = await createOffer(t.runtime, { shopId: euro.shop.id, price: '1.00', quantity: 5 });
    await addToBasket(t, buyer, rub.id);
    const res = await add(buyer, { offer_id: eur.id, quantity: 1 });
    expect(res.statusCode).toBe(409);
    expect(res.json().code).toBe('currency_mismatch');
  });

  it('changes and removes lines, only the buyer’s own', async () => {
    const buyer = await createBuyer(t);
    const other = await createBuyer(t);
    const offer = await createOffer(t.runtime, { shopId: alpha.shop.id, price: '2.50', quantity: 10 });
    const second = await createOffer(t.runtime, { shopId: beta.shop.id, price: '1.00', quantity: 10 });
    await addToBasket(t, buyer, offer.id, 1);
    const body = await addToBasket(t, buyer, second.id, 1);
    const itemId = body.groups[0].lines[0].id;

    let res = await t.app.inject({
      method: 'PATCH',
      url: `/api/v2/basket/items/${itemId}`,
      headers: buyer.headers,
      payload: { quantity: 4 },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().groups[0]).toMatchObject({ lines: [{ quantity: 4, amount: '10.00' }], total: '10.00' });

    res = await t.app.inject({
      method: 'PATCH',
      url: `/api/v2/basket/items/${itemId}`,
      headers: buyer.headers,
      payload: { quantity: 11 },
    });
    expect(res.statusCode).toBe(409);
    expect(res.json().code).toBe('out_of_stock');

    for (const method of ['PATCH', 'DELETE'] as const) {
      res = await t.app.inject({
        method,
        url: `/api/v2/basket/items/${itemId}`,
        headers: other.headers,
        payload: method === 'PATCH' ? { quantity: 1 } : undefined,
      });
      expect(res.statusCode).toBe(404);
      expect(res.json().code).toBe('basket_item_not_found');
    }

    res = await t.app.inject({
      method: 'DELETE',
      url: `/api/v2/basket/items/${itemId}`,
      headers: buyer.headers,
    });
    expect(res.statusCode).toBe(204);
    expect((await basket(buyer)).items_count).toBe(1);

    res = await t.app.inject({ method: 'DELETE', url: '/api/v2/basket', headers: buyer.headers });
    expect(res.statusCode).toBe(204);
    expect((await basket(buyer)).items_count).toBe(0);
  });

  it('flags each line’s problems as they are now', async () => {
    const buyer = await createBuyer(t);
    const gamma = await createSupplier(t, { shop: { name: 'Гамма' } });
    const pricey = await createOffer(t.runtime, {
      shopId: alpha.shop.id,
      name: 'Дороже',
      price: '10.00',
      quantity: 10,
    });
    const short = await createOffer(t.runtime, {
      shopId: alpha.shop.id,
      name: 'Кончается',
      price: '10.00',
      quantity: 10,
    });
    const gone = await createOffer(t.runtime, {
      shopId: beta.shop.id,
      name: 'Снят',
      price: '10.00',
      quantity: 10,
    });
    const paused = await createOffer(t.runtime, {
      shopId: gamma.shop.id,
      name: 'Пауза',
      price: '10.00',
      quantity: 10,
    });
    await addToBasket(t, buyer, pricey.id, 1);
    await addToBasket(t, buyer, short.id, 5);
    await addToBasket(t, buyer, gone.id, 1);
    await addToBasket(t, buyer, paused.id, 1);

    await t.runtime.db.update(offers).set({ price: '12.00' }).where(eq(offers.id, pricey.id));
    await t.runtime.db.update(offers).set({ quantity: 3 }).where(eq(offers.id, short.id));
    await t.runtime.db.update(offers).set({ isActive: false }).where(eq(offers.id, gone.id));
    await t.runtime.db.update(shops).set({ acceptingOrders: false }).where(eq(shops.id, gamma.shop.id));

    const body = await basket(buyer);
    const problems = Object.fromEntries(
      body.groups.flatMap((g: { lines: { name: string; problems: string[] }[] }) =>
        g.lines.map((l) => [l.name, l.problems]),
      ),
    );
    expect(problems).toEqual({
      Дороже: ['price_changed'],
      Кончается: ['out_of_stock'],
      Снят: ['offer_unavailable'],
      Пауза: ['shop_not_accepting_orders'],
    });
    expect(body.has_blocking_problems).toBe(true);
    expect(
      body.groups.find((g: { shop: { name: string } }) => g.shop.name === 'Гамма').shop.accepting_orders,
    ).toBe(false);
    const line = body.groups[0].lines.find((l: { name: string }) => l.name === 'Кончается');
    expect(line.available_quantity).toBe(3);
  });

  it('keeps the price the buyer first saw through more of the same and quantity changes, until the line is removed', async () => {
    const buyer = await createBuyer(t);
    const offer = await createOffer(t.runtime, { shopId: alpha.shop.id, price: '10.00', quantity: 50 });
    await addToBasket(t, buyer, offer.id, 1);
    await t.runtime.db.update(offers).set({ price: '12.00' }).where(eq(offers.id, offer.id));
    const flagged = { unit_price: '12.00', price_when_added: '10.00', problems: ['price_changed'] };

    // Adding more of it, or setting its quantity, still shows the change since it was first put in.
    const again = await addToBasket(t, buyer, offer.id, 1);
    expect(again.groups[0].lines[0]).toMatchObject({ quantity: 2, ...flagged });
    const lineId = again.groups[0].lines[0].id;
    const patched = await t.app.inject({
      method: 'PATCH',
      url: `/api/v2/basket/items/${lineId}`,
      headers: buyer.headers,
      payload: { quantity: 5 },
    });
    expect(patched.statusCode, patched.body).toBe(200);
    expect(patched.json().groups[0].lines[0]).toMatchObject({ quantity: 5, ...flagged });
    // Checkout with the total the buyer saw before the change names the line.
    const refused = await t.app.inject({
      method: 'POST',
      url: '/api/v2/orders',
      headers: buyer.headers,
      payload: { contact_id: buyer.contact.id, expected_total: '50.00' },
    });
    expect(refused.statusCode).toBe(409);
    expect(refused.json()).toMatchObject({
      code: 'price_changed',
      lines: [{ offer_id: offer.id, price_when_added: '10.00', unit_price: '12.00' }],
    });

    // Removed and put in again, the line starts from today's price.
    const removed = await t.app.inject({
      method: 'DELETE',
      url: `/api/v2/basket/items/${lineId}`,
      headers: buyer.headers,
    });
    expect(removed.statusCode).toBe(204);
    const fresh = await addToBasket(t, buyer, offer.id, 1);
    expect(fresh.groups[0].lines[0]).toMatchObject({ quantity: 1, price_when_added: '12.00', problems: [] });
  });

  it('is for buyers', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v2/basket', headers: alpha.headers });
    expect(res.statusCode).toBe(403);
    expect((await t.app.inject({ method: 'GET', url: '/api/v2/basket' })).statusCode).toBe(401);
  });
});
