// Supplier terms end to end: edited by the supplier and staff, shown on shops, offers and product
// pages, applied by the basket (minimum progress, expected delivery) and enforced by checkout (v2 and v1).
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiTokenFor } from '../../../test/factories/accounts.ts';
import { createOffer } from '../../../test/factories/catalog.ts';
import {
  addToBasket,
  checkoutRequest,
  createBuyer,
  createStaff,
  createSupplier,
  type Supplier,
} from '../../../test/factories/orders.ts';
import { buildTestApp, type TestApp } from '../../../test/helpers/app.ts';
import { v1 } from '../../../test/helpers/v1.ts';
import { offers } from '../../db/schema/catalog.ts';
import { expectedDeliveryDate } from '../catalog/delivery-terms.ts';

let t: TestApp;
let dairy: Supplier;

/** Thursday 3 December 2026, 15:00 in Moscow (12:00 UTC): past a 14:00 cut-off. */
const THURSDAY_AFTERNOON = new Date('2026-12-03T12:00:00Z');

function setNow(at: Date) {
  t.clock.offsetMs = at.getTime() - Date.now();
}

beforeAll(async () => {
  t = await buildTestApp();
  // Before any token is signed: access tokens are checked against this clock.
  setNow(THURSDAY_AFTERNOON);
  dairy = await createSupplier(t, { shop: { name: 'Молочный двор' } });
});
afterAll(() => t?.close());

const TERMS = {
  min_order_amount: '5000',
  delivery_days: [4, 2],
  lead_time_days: 1,
  order_cutoff: '14:00',
  time_zone: 'Europe/Moscow',
};

describe('expected delivery date', () => {
  const terms = {
    minOrderAmount: null,
    deliveryDays: [2, 4],
    leadTimeDays: 1,
    orderCutoff: '14:00',
    timeZone: 'Europe/Moscow',
  };
  it('counts the cut-off, then the lead time, then the next delivery weekday', () => {
    // Thursday 13:59 Moscow: placed Thursday, +1 → Friday, next Tue/Thu → Tuesday 8 December.
    expect(expectedDeliveryDate(terms, new Date('2026-12-03T10:59:00Z'))).toBe('2026-12-08');
    // Wednesday 10:00: placed Wednesday, +1 → Thursday, a delivery day.
    expect(expectedDeliveryDate(terms, new Date('2026-12-02T07:00:00Z'))).toBe('2026-12-03');
    // Wednesday 14:00 sharp is past the cut-off: placed Thursday, +1 → Friday → Tuesday.
    expect(expectedDeliveryDate(terms, new Date('2026-12-02T11:00:00Z'))).toBe('2026-12-08');
    // The shop's own zone decides the day: 23:30 UTC Wednesday is already Thursday in Moscow.
    expect(expectedDeliveryDate({ ...terms, orderCutoff: null }, new Date('2026-12-02T23:30:00Z'))).toBe(
      '2026-12-08',
    );
    expect(
      expectedDeliveryDate(
        { ...terms, orderCutoff: null, timeZone: 'America/New_York' },
        new Date('2026-12-02T23:30:00Z'),
      ),
    ).toBe('2026-12-03');
  });
});

describe('supplier terms on the shop', () => {
  it('the supplier sets them; shops, offers and the product page show them', async () => {
    const res = await t.app.inject({
      method: 'PATCH',
      url: '/api/v2/supplier/shop',
      headers: dairy.headers,
      payload: TERMS,
    });
    expect(res.statusCode, res.body).toBe(200);
    const expected = {
      min_order_amount: '5000.00',
      delivery_days: [2, 4],
      lead_time_days: 1,
      order_cutoff: '14:00',
      time_zone: 'Europe/Moscow',
    };
    expect(res.json().terms).toEqual(expected);

    const shop = await t.app.inject({ method: 'GET', url: `/api/v2/shops/${dairy.shop.id}` });
    expect(shop.statusCode, shop.body).toBe(200);
    expect(shop.json()).toMatchObject({ terms: expected, expected_delivery_date: '2026-12-08' });

    const list = await t.app.inject({ method: 'GET', url: '/api/v2/shops' });
    expect(list.json().items.find((item: { id: number }) => item.id === dairy.shop.id).terms).toEqual(
      expected,
    );

    const milk = await createOffer(t.runtime, {
      shopId: dairy.shop.id,
      name: 'Молоко 3,2% 1 л',
      price: 90,
      quantity: 100,
    });
    const offersPage = await t.app.inject({ method: 'GET', url: `/api/v2/offers?shop=${dairy.shop.id}` });
    expect(offersPage.json().items[0].shop.terms).toEqual(expected);
    const product = await t.app.inject({ method: 'GET', url: `/api/v2/products/${milk.productId}` });
    expect(product.json().offers[0].shop.terms).toEqual(expected);
  });

  it('refuses an unknown time zone, a malformed cut-off and a negative lead time', async () => {
    for (const payload of [
      { time_zone: 'Europe/Atlantis' },
      { order_cutoff: '25:00' },
      { lead_time_days: -1 },
      { delivery_days: [0] },
      { min_order_amount: '-5' },
    ]) {
      const res = await t.app.inject({
        method: 'PATCH',
        url: '/api/v2/supplier/shop',
        headers: dairy.headers,
        payload,
      });
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
    }
  });

  it('staff edit another shop’s terms; null removes the minimum and the cut-off', async () => {
    const other = await createSupplier(t);
    const staff = await createStaff(t);
    const res = await t.app.inject({
      method: 'PATCH',
      url: `/api/v2/admin/shops/${other.shop.id}`,
      headers: staff.headers,
      payload: { min_order_amount: '100.5', order_cutoff: '09:30', time_zone: 'Asia/Yekaterinburg' },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().terms).toMatchObject({
      min_order_amount: '100.50',
      order_cutoff: '09:30',
      time_zone: 'Asia/Yekaterinburg',
    });
    const cleared = await t.app.inject({
      method: 'PATCH',
      url: `/api/v2/admin/shops/${other.shop.id}`,
      headers: staff.headers,
      payload: { min_order_amount: null, order_cutoff: null },
    });
    expect(cleared.json().terms).toMatchObject({
      min_order_amount: null,
      order_cutoff: null,
      lead_time_days: 0,
    });
  });
});

describe('minimum order in the basket and at checkout', () => {
  it('shows the shortfall, refuses checkout below the minimum taking nothing, and promises the date', async () => {
    const buyer = await createBuyer(t);
    const cheese = await createOffer(t.runtime, {
      shopId: dairy.shop.id,
      name: 'Сыр российский',
      price: '1500.00',
      quantity: 10,
    });
    const other = await createSupplier(t, { shop: { name: 'Без минимума' } });
    const bread = await createOffer(t.runtime, {
      shopId: other.shop.id,
      name: 'Хлеб',
      price: '60.00',
      quantity: 10,
    });
    await addToBasket(t, buyer, cheese.id, 2);
    const basket = await addToBasket(t, buyer, bread.id, 1);
    const dairyGroup = basket.groups.find(
      (group: { shop: { id: number } }) => group.shop.id === dairy.shop.id,
    );
    expect(dairyGroup.subtotal).toBe('3000.00');
    expect(dairyGroup.delivery).toEqual({
      min_order_amount: '5000.00',
      minimum_reached: false,
      missing_amount: '2000.00',
      expected_delivery_date: '2026-12-08',
    });
    const breadGroup = basket.groups.find(
      (group: { shop: { id: number } }) => group.shop.id === other.shop.id,
    );
    expect(breadGroup.delivery).toMatchObject({
      min_order_amount: null,
      minimum_reached: true,
      missing_amount: '0.00',
    });

    const refused = await checkoutRequest(t, buyer);
    expect(refused.statusCode, refused.body).toBe(409);
    expect(refused.json()).toMatchObject({
      code: 'below_minimum_order',
      shop_id: dairy.shop.id,
      shop_name: 'Молочный двор',
      missing_amount: '2000.00',
      parts: [
        {
          shop_id: dairy.shop.id,
          subtotal: '3000.00',
          min_order_amount: '5000.00',
          missing_amount: '2000.00',
        },
      ],
    });
    expect(refused.json().detail).toContain('Молочный двор');
    expect(refused.json().detail).toContain('2000.00');
    const [left] = await t.runtime.db
      .select({ quantity: offers.quantity })
      .from(offers)
      .where(eq(offers.id, cheese.id));
    expect(left.quantity).toBe(10);
    const still = await t.app.inject({ method: 'GET', url: '/api/v2/basket', headers: buyer.headers });
    expect(still.json().items_count).toBe(2);

    // API v1 refuses the same basket with Status: false and the message.
    const { token } = await createApiTokenFor(t, buyer.user);
    const v1Basket = await v1(t, 'GET', 'basket', { token });
    const basketId = v1Basket.json()[0]?.id ?? v1Basket.json().id;
    const v1Refused = await v1(t, 'POST', 'order', {
      token,
      body: { id: String(basketId), contact: String(buyer.contact.id) },
    });
    expect(v1Refused.json()).toMatchObject({ Status: false });
    expect(JSON.stringify(v1Refused.json().Errors)).toContain('Молочный двор');

    // Exactly the minimum is enough.
    await addToBasket(t, buyer, cheese.id, 2);
    const basketAfter = await t.app.inject({ method: 'GET', url: '/api/v2/basket', headers: buyer.headers });
    const after = basketAfter
      .json()
      .groups.find((group: { shop: { id: number } }) => group.shop.id === dairy.shop.id);
    expect(after.delivery).toMatchObject({ minimum_reached: true, missing_amount: '0.00' });
    await t.app.inject({
      method: 'PATCH',
      url: `/api/v2/basket/items/${after.lines[0].id}`,
      headers: buyer.headers,
      payload: { quantity: 4 },
    });
    await t.app.inject({
      method: 'PATCH',
      url: '/api/v2/supplier/shop',
      headers: dairy.headers,
      payload: { min_order_amount: '6000' },
    });
    const placed = await checkoutRequest(t, buyer);
    expect(placed.statusCode, placed.body).toBe(201);
    const part = placed.json().parts.find((p: { shop: { id: number } }) => p.shop.id === dairy.shop.id);
    expect(part.promised_delivery_date).toBe('2026-12-08');
    const shown = await t.app.inject({
      method: 'GET',
      url: `/api/v2/orders/${placed.json().id}`,
      headers: buyer.headers,
    });
    expect(
      shown.json().parts.map((p: { promised_delivery_date: string }) => p.promised_delivery_date),
    ).toContain('2026-12-08');
  });
});
