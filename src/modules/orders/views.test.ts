import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOffer } from '../../../test/factories/catalog.ts';
import {
  type Actor,
  addToBasket,
  type Buyer,
  createBuyer,
  createStaff,
  createSupplier,
  placeOrder,
  type Supplier,
} from '../../../test/factories/orders.ts';
import { buildTestApp, type TestApp } from '../../../test/helpers/app.ts';
import { offers, shops } from '../../db/schema/catalog.ts';

let t: TestApp;
let alpha: Supplier;
let beta: Supplier;
let staff: Actor;

beforeAll(async () => {
  t = await buildTestApp({ workers: false });
  alpha = await createSupplier(t, { shop: { name: 'Альфа' } });
  beta = await createSupplier(t, { shop: { name: 'Бета' } });
  staff = await createStaff(t);
});
afterAll(() => t?.close());

async function get(actor: { headers: Record<string, string> }, url: string) {
  return t.app.inject({ method: 'GET', url, headers: actor.headers });
}

/** Every item of a paginated list, following next_cursor. */
async function all(actor: { headers: Record<string, string> }, url: string, limit: number) {
  const items: { id: number }[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const sep = url.includes('?') ? '&' : '?';
    const res = await get(
      actor,
      `${url}${sep}limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
    );
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body.items.length).toBeLessThanOrEqual(limit);
    items.push(...body.items);
    cursor = body.next_cursor;
    pages += 1;
  } while (cursor && pages < 50);
  return items;
}

describe('buyer views', () => {
  it("lists the buyer's own orders newest first, paginated and filtered; another buyer's are 404", async () => {
    const buyer = await createBuyer(t);
    const other = await createBuyer(t);
    const offer = await createOffer(t.runtime, { shopId: alpha.shop.id, price: '3.00', quantity: 100 });
    const placed: number[] = [];
    for (let i = 0; i < 5; i += 1) {
      placed.push((await placeOrder(t, buyer, [{ offerId: offer.id, quantity: i + 1 }])).id);
      t.clock.advance(1000);
    }
    const foreign = await placeOrder(t, other, [{ offerId: offer.id }]);

    const listed = await all(buyer, '/api/v2/orders', 2);
    expect(listed.map((o) => o.id)).toEqual([...placed].reverse());
    expect(listed[0]).toMatchObject({
      number: `Z-${String(placed[4]).padStart(6, '0')}`,
      state: 'new',
      total: '15.00',
      currency: 'RUB',
    });

    await t.app.inject({
      method: 'POST',
      url: `/api/v2/orders/${placed[1]}/cancel`,
      headers: buyer.headers,
      payload: {},
    });
    const canceled = (await get(buyer, '/api/v2/orders?state=canceled')).json();
    expect(canceled.items.map((o: { id: number }) => o.id)).toEqual([placed[1]]);

    const today = new Date().toISOString().slice(0, 10);
    expect(
      (await get(buyer, `/api/v2/orders?created_from=${today}&created_to=${today}`)).json().items.length,
    ).toBeGreaterThan(0);
    expect((await get(buyer, '/api/v2/orders?created_to=2000-01-01')).json().items).toEqual([]);
    expect((await get(buyer, '/api/v2/orders?cursor=garbage')).statusCode).toBe(400);

    const mine = await get(buyer, `/api/v2/orders/${placed[0]}`);
    expect(mine.statusCode).toBe(200);
    const theirs = await get(buyer, `/api/v2/orders/${foreign.id}`);
    expect(theirs.statusCode).toBe(404);
    expect(theirs.json().code).toBe('order_not_found');
    expect(
      (
        await t.app.inject({
          method: 'POST',
          url: `/api/v2/orders/${foreign.id}/reorder`,
          headers: buyer.headers,
        })
      ).statusCode,
    ).toBe(404);
  });

  it('reorders what is still available and reports the rest', async () => {
    const buyer = await createBuyer(t);
    const kept = await createOffer(t.runtime, {
      shopId: alpha.shop.id,
      name: 'Остался',
      price: '10.00',
      quantity: 10,
    });
    const withdrawn = await createOffer(t.runtime, {
      shopId: alpha.shop.id,
      name: 'Снят',
      price: '10.00',
      quantity: 10,
    });
    const scarce = await createOffer(t.runtime, {
      shopId: beta.shop.id,
      name: 'Мало',
      price: '10.00',
      quantity: 10,
    });
    const order = await placeOrder(t, buyer, [
      { offerId: kept.id, quantity: 2 },
      { offerId: withdrawn.id, quantity: 1 },
      { offerId: scarce.id, quantity: 4 },
    ]);
    await t.runtime.db.update(offers).set({ isActive: false }).where(eq(offers.id, withdrawn.id));
    await t.runtime.db.update(offers).set({ quantity: 3, price: '11.00' }).where(eq(offers.id, scarce.id));

    const res = await t.app.inject({
      method: 'POST',
      url: `/api/v2/orders/${order.id}/reorder`,
      headers: buyer.headers,
    });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body.added).toEqual([
      { offer_id: kept.id, name: 'Остался', requested_quantity: 2, quantity: 2 },
      { offer_id: scarce.id, name: 'Мало', requested_quantity: 4, quantity: 3 },
    ]);
    expect(body.not_added).toEqual([
      {
        offer_id: withdrawn.id,
        name: 'Снят',
        requested_quantity: 1,
        code: 'offer_unavailable',
        available_quantity: null,
      },
    ]);
    expect(body.basket).toMatchObject({ items_count: 2, total: '53.00' });
  });

  it('reports goods of a shop that stopped accepting orders', async () => {
    const buyer = await createBuyer(t);
    const gamma = await createSupplier(t);
    const offer = await createOffer(t.runtime, { shopId: gamma.shop.id, price: '1.00', quantity: 5 });
    const order = await placeOrder(t, buyer, [{ offerId: offer.id }]);
    await t.runtime.db.update(shops).set({ acceptingOrders: false }).where(eq(shops.id, gamma.shop.id));
    const res = await t.app.inject({
      method: 'POST',
      url: `/api/v2/orders/${order.id}/reorder`,
      headers: buyer.headers,
    });
    expect(res.json()).toMatchObject({
      added: [],
      not_added: [{ offer_id: offer.id, code: 'shop_not_accepting_orders' }],
    });
  });
});

describe('supplier views', () => {
  let buyer: Buyer;
  let orderId: number;

  beforeAll(async () => {
    buyer = await createBuyer(t, { company: 'ООО Покупатель' });
    const a = await createOffer(t.runtime, {
      shopId: alpha.shop.id,
      name: 'Товар Альфы',
      price: '111.11',
      quantity: 10,
    });
    const b = await createOffer(t.runtime, {
      shopId: beta.shop.id,
      name: 'Товар Беты',
      price: '999.99',
      quantity: 10,
    });
    orderId = (
      await placeOrder(t, buyer, [{ offerId: a.id, quantity: 2 }, { offerId: b.id }], { comment: 'К двери' })
    ).id;
  });

  it('shows a supplier only its own part, lines and sums', async () => {
    const res = await get(alpha, `/api/v2/supplier/orders/${orderId}`);
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({
      id: orderId,
      comment: 'К двери',
      buyer: { company: 'ООО Покупатель', email: buyer.user.email },
      delivery: { city: 'Москва', phone: '+79161234567' },
      part: {
        shop: { id: alpha.shop.id },
        state: 'new',
        total: '222.22',
        lines: [{ name: 'Товар Альфы', quantity: 2 }],
      },
      allowed_states: ['confirmed', 'canceled'],
    });
    expect(body.part.lines).toHaveLength(1);
    expect(res.body).not.toContain('Товар Беты');
    expect(res.body).not.toContain('999.99');
    expect(res.body).not.toContain('1222.21');
    expect(body).not.toHaveProperty('total');
    expect(body).not.toHaveProperty('parts');
  });

  it('lists only orders containing the supplier’s goods, with its part’s state and sum', async () => {
    const gamma = await createSupplier(t);
    expect((await get(gamma, '/api/v2/supplier/orders')).json()).toEqual({ items: [], next_cursor: null });
    expect((await get(gamma, `/api/v2/supplier/orders/${orderId}`)).statusCode).toBe(404);

    await t.app.inject({
      method: 'POST',
      url: `/api/v2/supplier/orders/${orderId}/status`,
      headers: beta.headers,
      payload: { state: 'confirmed' },
    });
    const betaList = (await get(beta, '/api/v2/supplier/orders')).json();
    expect(betaList.items.find((o: { id: number }) => o.id === orderId)).toMatchObject({
      state: 'confirmed',
      total: '999.99',
      buyer_company: 'ООО Покупатель',
    });
    const alphaConfirmed = (await get(alpha, '/api/v2/supplier/orders?state=confirmed')).json();
    expect(alphaConfirmed.items.find((o: { id: number }) => o.id === orderId)).toBeUndefined();
    // A supplier's history shows its own part only.
    const alphaView = (await get(alpha, `/api/v2/supplier/orders/${orderId}`)).json();
    expect(alphaView.history).toEqual([]);
  });

  it('pages through many orders', async () => {
    const delta = await createSupplier(t);
    const offer = await createOffer(t.runtime, { shopId: delta.shop.id, price: '1.00', quantity: 100 });
    const ids: number[] = [];
    for (let i = 0; i < 5; i += 1) ids.push((await placeOrder(t, buyer, [{ offerId: offer.id }])).id);
    const listed = await all(delta, '/api/v2/supplier/orders', 2);
    expect(listed.map((o) => o.id)).toEqual([...ids].reverse());
  });
});

describe('staff views', () => {
  it('lists every order with filters by state, shop, buyer and dates, paginated', async () => {
    const b1 = await createBuyer(t);
    const b2 = await createBuyer(t);
    const epsilon = await createSupplier(t, { shop: { name: 'Эпсилон' } });
    const e = await createOffer(t.runtime, { shopId: epsilon.shop.id, price: '5.00', quantity: 100 });
    const a = await createOffer(t.runtime, { shopId: alpha.shop.id, price: '1.00', quantity: 100 });
    const o1 = await placeOrder(t, b1, [{ offerId: e.id }, { offerId: a.id }]);
    const o2 = await placeOrder(t, b2, [{ offerId: e.id }]);
    const o3 = await placeOrder(t, b1, [{ offerId: a.id }]);
    await t.app.inject({
      method: 'POST',
      url: `/api/v2/admin/orders/${o2.id}/status`,
      headers: staff.headers,
      payload: { state: 'confirmed' },
    });

    const byShop = await all(staff, `/api/v2/admin/orders?shop_id=${epsilon.shop.id}`, 1);
    expect(byShop.map((o) => o.id)).toEqual([o2.id, o1.id]);
    expect(byShop[1]).toMatchObject({
      buyer: { id: b1.user.id, email: b1.user.email },
      parts: [
        { shop_id: epsilon.shop.id, shop_name: 'Эпсилон', state: 'new', total: '5.00' },
        { shop_id: alpha.shop.id, state: 'new', total: '1.00' },
      ],
    });
    const byBuyer = await all(staff, `/api/v2/admin/orders?buyer_id=${b1.user.id}`, 10);
    expect(byBuyer.map((o) => o.id)).toEqual([o3.id, o1.id]);
    const confirmedOfShop = (
      await get(staff, `/api/v2/admin/orders?shop_id=${epsilon.shop.id}&state=confirmed`)
    ).json();
    expect(confirmedOfShop.items.map((o: { id: number }) => o.id)).toEqual([o2.id]);
    const everything = await all(staff, '/api/v2/admin/orders', 7);
    expect(everything.map((o) => o.id)).toContain(o3.id);
    const ids = everything.map((o) => o.id);
    expect(new Set(ids).size).toBe(ids.length);
    const future = (await get(staff, '/api/v2/admin/orders?created_from=2100-01-01')).json();
    expect(future.items).toEqual([]);

    const detail = await get(staff, `/api/v2/admin/orders/${o1.id}`);
    expect(detail.statusCode).toBe(200);
    expect(detail.json()).toMatchObject({
      id: o1.id,
      buyer_id: b1.user.id,
      allowed_states: expect.arrayContaining(['confirmed', 'canceled']),
    });
    expect(detail.json().history[0]).toMatchObject({ actor_id: b1.user.id, actor_role: 'buyer', to: 'new' });
    expect((await get(staff, '/api/v2/admin/orders/2000000000')).statusCode).toBe(404);
  });

  it('is for staff only', async () => {
    const buyer = await createBuyer(t);
    expect((await get(buyer, '/api/v2/admin/orders')).statusCode).toBe(403);
    expect((await get(alpha, '/api/v2/admin/orders')).statusCode).toBe(403);
    expect((await get(buyer, '/api/v2/supplier/orders')).statusCode).toBe(403);
  });

  it('accepts a cancel without a body', async () => {
    const buyer = await createBuyer(t);
    const offer = await createOffer(t.runtime, { shopId: alpha.shop.id, price: '1.00', quantity: 5 });
    await addToBasket(t, buyer, offer.id);
    const order = (
      await t.app.inject({
        method: 'POST',
        url: '/api/v2/orders',
        headers: buyer.headers,
        payload: { contact_id: buyer.contact.id },
      })
    ).json();
    const res = await t.app.inject({
      method: 'POST',
      url: `/api/v2/orders/${order.id}/cancel`,
      headers: buyer.headers,
    });
    expect(res.statusCode, res.body).toBe(200);
  });
});
