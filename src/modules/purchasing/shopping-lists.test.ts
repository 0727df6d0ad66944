// Shopping lists through HTTP: CRUD, only the owner's, made from the basket and from an order, and
// put into the basket with the preferred shop where it can, the best offer otherwise, and the lines
// that could not be added reported with why.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOffer } from '../../../test/factories/catalog.ts';
import {
  addToBasket,
  type Buyer,
  createBuyer,
  createSupplier,
  placeOrder,
  type Supplier,
} from '../../../test/factories/orders.ts';
import { buildTestApp, type TestApp } from '../../../test/helpers/app.ts';
import type { Offer } from '../../db/schema/catalog.ts';

let t: TestApp;
let farm: Supplier;
let market: Supplier;
let milkFarm: Offer;
let milkMarket: Offer;
let eggs: Offer;
let rare: Offer;

beforeAll(async () => {
  t = await buildTestApp();
  farm = await createSupplier(t, { shop: { name: 'Ферма' } });
  market = await createSupplier(t, { shop: { name: 'Рынок' } });
  milkFarm = await createOffer(t.runtime, {
    shopId: farm.shop.id,
    name: 'Молоко 2,5%',
    price: '95.00',
    quantity: 50,
  });
  milkMarket = await createOffer(t.runtime, {
    shopId: market.shop.id,
    name: 'Молоко 2,5%',
    price: '85.00',
    quantity: 50,
  });
  eggs = await createOffer(t.runtime, {
    shopId: farm.shop.id,
    name: 'Яйца С1',
    price: '120.00',
    quantity: 3,
  });
  rare = await createOffer(t.runtime, {
    shopId: farm.shop.id,
    name: 'Трюфель',
    price: '9000.00',
    quantity: 0,
  });
});
afterAll(() => t?.close());

async function call(
  buyer: Buyer,
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
  url: string,
  payload?: object,
) {
  return t.app.inject({ method, url, headers: buyer.headers, payload });
}

describe('shopping lists', () => {
  it('CRUD, owner only', async () => {
    const buyer = await createBuyer(t);
    const created = await call(buyer, 'POST', '/api/v2/shopping-lists', {
      name: 'Молочка на понедельник',
      lines: [
        { product_id: milkFarm.productId, quantity: 10, preferred_shop_id: farm.shop.id },
        { product_id: eggs.productId, quantity: 2 },
        { product_id: eggs.productId, quantity: 1 },
      ],
    });
    expect(created.statusCode, created.body).toBe(201);
    const list = created.json();
    expect(list.name).toBe('Молочка на понедельник');
    expect(
      list.lines.map((line: { product_name: string; quantity: number }) => [
        line.product_name,
        line.quantity,
      ]),
    ).toEqual([
      ['Молоко 2,5%', 10],
      ['Яйца С1', 3],
    ]);
    expect(list.lines[0].preferred_shop).toEqual({ id: farm.shop.id, name: 'Ферма' });

    const renamed = await call(buyer, 'PATCH', `/api/v2/shopping-lists/${list.id}`, { name: 'Молочка' });
    expect(renamed.json().name).toBe('Молочка');
    const added = await call(buyer, 'POST', `/api/v2/shopping-lists/${list.id}/lines`, {
      product_id: rare.productId,
      quantity: 1,
    });
    expect(added.json().lines).toHaveLength(3);
    const lineId = added.json().lines[2].id;
    expect(
      (await call(buyer, 'DELETE', `/api/v2/shopping-lists/${list.id}/lines/${lineId}`)).statusCode,
    ).toBe(204);
    const index = await call(buyer, 'GET', '/api/v2/shopping-lists');
    expect(index.json().items).toEqual([
      expect.objectContaining({ id: list.id, name: 'Молочка', line_count: 2 }),
    ]);

    const stranger = await createBuyer(t);
    expect((await call(stranger, 'GET', `/api/v2/shopping-lists/${list.id}`)).statusCode).toBe(404);
    expect((await call(stranger, 'DELETE', `/api/v2/shopping-lists/${list.id}`)).statusCode).toBe(404);
    expect((await call(stranger, 'POST', `/api/v2/shopping-lists/${list.id}/to-basket`)).statusCode).toBe(
      404,
    );

    const unknown = await call(buyer, 'POST', '/api/v2/shopping-lists', {
      name: 'x',
      lines: [{ product_id: 999_999, quantity: 1 }],
    });
    expect(unknown.statusCode).toBe(400);

    expect((await call(buyer, 'DELETE', `/api/v2/shopping-lists/${list.id}`)).statusCode).toBe(204);
    expect((await call(buyer, 'GET', `/api/v2/shopping-lists/${list.id}`)).statusCode).toBe(404);
  });

  it('puts a list into the basket: preferred shop, else best offer, partial and unavailable reported', async () => {
    const buyer = await createBuyer(t);
    const list = (
      await call(buyer, 'POST', '/api/v2/shopping-lists', {
        name: 'Неделя',
        lines: [
          { product_id: milkFarm.productId, quantity: 10, preferred_shop_id: farm.shop.id },
          { product_id: eggs.productId, quantity: 5 },
          { product_id: rare.productId, quantity: 1 },
        ],
      })
    ).json();
    const res = await call(buyer, 'POST', `/api/v2/shopping-lists/${list.id}/to-basket`);
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body.added).toEqual([
      expect.objectContaining({
        product_name: 'Молоко 2,5%',
        offer_id: milkFarm.id,
        quantity: 10,
        partial: false,
        preferred_unavailable: false,
      }),
      expect.objectContaining({ product_name: 'Яйца С1', offer_id: eggs.id, quantity: 3, partial: true }),
    ]);
    expect(body.skipped).toEqual([
      expect.objectContaining({ product_name: 'Яйца С1', quantity: 2, reason: 'partial_stock' }),
      expect.objectContaining({ product_name: 'Трюфель', quantity: 1, reason: 'not_offered' }),
    ]);
    expect(body.basket.items_count).toBe(2);

    // Without a preference (or when the preferred shop cannot), the cheapest offer with the stock.
    const other = await createBuyer(t);
    const cheap = (
      await call(other, 'POST', '/api/v2/shopping-lists', {
        name: 'Дёшево',
        lines: [
          { product_id: milkFarm.productId, quantity: 2 },
          { product_id: milkFarm.productId, quantity: 1 },
        ],
      })
    ).json();
    const filled = (await call(other, 'POST', `/api/v2/shopping-lists/${cheap.id}/to-basket`)).json();
    expect(filled.added).toEqual([
      expect.objectContaining({ offer_id: milkMarket.id, quantity: 3, shop_name: 'Рынок' }),
    ]);
  });

  it('is made from the basket and from an order, their shops preferred', async () => {
    const buyer = await createBuyer(t);
    await addToBasket(t, buyer, milkFarm.id, 4);
    const fromBasket = await call(buyer, 'POST', '/api/v2/shopping-lists', {
      name: 'Из корзины',
      from_basket: true,
    });
    expect(fromBasket.statusCode, fromBasket.body).toBe(201);
    expect(fromBasket.json().lines).toEqual([
      expect.objectContaining({
        product_id: milkFarm.productId,
        quantity: 4,
        preferred_shop: { id: farm.shop.id, name: 'Ферма' },
      }),
    ]);
    await t.app.inject({ method: 'DELETE', url: '/api/v2/basket', headers: buyer.headers });
    const order = await placeOrder(t, buyer, [{ offerId: milkMarket.id, quantity: 2 }]);
    const fromOrder = await call(buyer, 'POST', '/api/v2/shopping-lists', {
      name: 'Как в заказе',
      from_order_id: order.id,
    });
    expect(fromOrder.json().lines).toEqual([
      expect.objectContaining({
        product_id: milkMarket.productId,
        quantity: 2,
        preferred_shop: { id: market.shop.id, name: 'Рынок' },
      }),
    ]);
    const stranger = await createBuyer(t);
    const notYours = await call(stranger, 'POST', '/api/v2/shopping-lists', {
      name: 'Чужой',
      from_order_id: order.id,
    });
    expect(notYours.statusCode).toBe(404);
  });
});
