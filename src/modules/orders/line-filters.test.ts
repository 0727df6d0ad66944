// The drill-down filters of the order lists (`category_id`, `product_id`): staff's list and the
// supplier's, alone and with the shop filter; the category is the one a line was sold in.
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOffer, findOrCreateCategory } from '../../../test/factories/catalog.ts';
import {
  type Actor,
  type Buyer,
  createBuyer,
  createStaff,
  createSupplier,
  placeOrder,
  type Supplier,
} from '../../../test/factories/orders.ts';
import { buildTestApp, type TestApp } from '../../../test/helpers/app.ts';
import { products } from '../../db/schema/catalog.ts';

let t: TestApp;
let alpha: Supplier;
let beta: Supplier;
let staff: Actor;
let buyer: Buyer;
let cheese: number;
let milk: number;
let alphaCheese: { id: number; productId: number };
let alphaMilk: { id: number; productId: number };
let betaCheese: { id: number; productId: number };
/** o1: alpha's cheese; o2: alpha's milk and beta's cheese; o3: beta's cheese. */
let o1: number;
let o2: number;
let o3: number;

beforeAll(async () => {
  t = await buildTestApp();
  alpha = await createSupplier(t, { shop: { name: 'Альфа' } });
  beta = await createSupplier(t, { shop: { name: 'Бета' } });
  staff = await createStaff(t);
  buyer = await createBuyer(t);
  alphaCheese = await createOffer(t.runtime, {
    shopId: alpha.shop.id,
    price: '300.00',
    quantity: 9,
    categoryName: 'Сыры',
  });
  alphaMilk = await createOffer(t.runtime, {
    shopId: alpha.shop.id,
    price: '80.00',
    quantity: 9,
    categoryName: 'Молоко',
  });
  betaCheese = await createOffer(t.runtime, {
    shopId: beta.shop.id,
    price: '310.00',
    quantity: 9,
    categoryName: 'Сыры',
  });
  cheese = await findOrCreateCategory(t.runtime, 'Сыры');
  milk = await findOrCreateCategory(t.runtime, 'Молоко');
  o1 = (await placeOrder(t, buyer, [{ offerId: alphaCheese.id }])).id;
  o2 = (await placeOrder(t, buyer, [{ offerId: alphaMilk.id }, { offerId: betaCheese.id }])).id;
  o3 = (await placeOrder(t, buyer, [{ offerId: betaCheese.id }])).id;
});
afterAll(() => t?.close());

async function ids(url: string, headers: Record<string, string>): Promise<number[]> {
  const res = await t.app.inject({ method: 'GET', url, headers });
  expect(res.statusCode, res.body).toBe(200);
  return res.json().items.map((o: { id: number }) => o.id);
}

describe('GET /api/v2/admin/orders?category_id=&product_id=', () => {
  const admin = (query: string) =>
    ids(`/api/v2/admin/orders?buyer_id=${buyer.user.id}&${query}`, staff.headers);

  it('keeps the orders with a line of the category or product, with the shop filter its lines only', async () => {
    expect(await admin(`category_id=${cheese}`)).toEqual([o3, o2, o1]);
    expect(await admin(`category_id=${milk}`)).toEqual([o2]);
    expect(await admin(`product_id=${betaCheese.productId}`)).toEqual([o3, o2]);
    expect(await admin(`category_id=${cheese}&shop_id=${alpha.shop.id}`)).toEqual([o1]);
    expect(await admin(`category_id=${milk}&shop_id=${beta.shop.id}`)).toEqual([]);
    expect(await admin(`category_id=${cheese}&product_id=${alphaMilk.productId}`)).toEqual([]);
    expect(await admin(`category_id=${cheese}&limit=1`)).toEqual([o3]);
    expect(await admin(`category_id=${cheese}&created_from=2999-01-01`)).toEqual([]);
  });

  it('finds a line by the category it was sold in, not the one its product has now', async () => {
    await t.runtime.db
      .update(products)
      .set({ categoryId: milk })
      .where(eq(products.id, alphaCheese.productId));
    try {
      expect(await admin(`category_id=${cheese}&shop_id=${alpha.shop.id}`)).toEqual([o1]);
      expect(await admin(`category_id=${milk}&shop_id=${alpha.shop.id}`)).toEqual([o2]);
    } finally {
      await t.runtime.db
        .update(products)
        .set({ categoryId: cheese })
        .where(eq(products.id, alphaCheese.productId));
    }
  });

  it('refuses an id that is not one', async () => {
    for (const query of ['category_id=abc', 'product_id=0', 'category_id=99999999999']) {
      const res = await t.app.inject({
        method: 'GET',
        url: `/api/v2/admin/orders?${query}`,
        headers: staff.headers,
      });
      expect(res.statusCode, query).toBe(400);
    }
  });
});

describe('GET /api/v2/supplier/orders?category_id=&product_id=', () => {
  it('keeps the orders with a line of mine of the category or product', async () => {
    const mine = (supplier: Supplier, query: string) =>
      ids(`/api/v2/supplier/orders?${query}`, supplier.headers);
    expect(await mine(alpha, `category_id=${cheese}`)).toEqual([o1]);
    expect(await mine(alpha, `category_id=${milk}`)).toEqual([o2]);
    expect(await mine(beta, `category_id=${cheese}`)).toEqual([o3, o2]);
    expect(await mine(beta, `category_id=${milk}`)).toEqual([]);
    // Another supplier's product: no order of mine has a line of mine of it.
    expect(await mine(alpha, `product_id=${betaCheese.productId}`)).toEqual([]);
    expect(await mine(beta, `product_id=${betaCheese.productId}`)).toEqual([o3, o2]);
    const bad = await t.app.inject({
      method: 'GET',
      url: '/api/v2/supplier/orders?product_id=x',
      headers: alpha.headers,
    });
    expect(bad.statusCode).toBe(400);
  });
});
