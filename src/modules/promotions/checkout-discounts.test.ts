// Promotions and coupons through the basket, checkout, cancel, emails and the usage reports.
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { authHeader } from '../../../test/factories/accounts.ts';
import { createOffer } from '../../../test/factories/catalog.ts';
import {
  type Actor,
  addToBasket,
  checkoutRequest,
  createBuyer,
  createStaff,
  createSupplier,
  placeOrder,
} from '../../../test/factories/orders.ts';
import { pdfText } from '../../../test/factories/payments.ts';
import { createCouponRow, createPromotionRow } from '../../../test/factories/promotions.ts';
import { buildTestApp, TEST_STAFF_EMAIL, type TestApp } from '../../../test/helpers/app.ts';
import { type Offer, offers } from '../../db/schema/catalog.ts';
import { basketCoupons, couponRedemptions, coupons } from '../../db/schema/promotions.ts';

let t: TestApp;
let staff: Actor;

const DAY = 86_400_000;

beforeAll(async () => {
  t = await buildTestApp();
  staff = await createStaff(t);
});
afterAll(() => t?.close());
beforeEach(() => t.mail.clear());

async function stock(offerId: number): Promise<number> {
  const [row] = await t.runtime.db
    .select({ quantity: offers.quantity })
    .from(offers)
    .where(eq(offers.id, offerId));
  return row.quantity;
}

async function usedCount(couponId: number): Promise<number> {
  const [row] = await t.runtime.db
    .select({ n: coupons.usedCount })
    .from(coupons)
    .where(eq(coupons.id, couponId));
  return row.n;
}

async function basket(buyer: Actor) {
  const res = await t.app.inject({ method: 'GET', url: '/api/v2/basket', headers: buyer.headers });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

function attach(buyer: Actor, code: string) {
  return t.app.inject({
    method: 'POST',
    url: '/api/v2/basket/coupon',
    headers: buyer.headers,
    payload: { code },
  });
}

/**
 * Two fresh suppliers, so promotions of one test never reach another's goods: a phone at `alpha`
 * and a cable at `beta`, each in a category of its own.
 */
async function goods(prices: { phone?: string; cable?: string } = {}) {
  const tag = Math.random().toString(36).slice(2, 8);
  const alpha = await createSupplier(t, { shop: { name: `Альфа ${tag}` } });
  const beta = await createSupplier(t, { shop: { name: `Бета ${tag}` } });
  const phone = await createOffer(t.runtime, {
    shopId: alpha.shop.id,
    name: `Телефон ${tag}`,
    categoryName: `Телефоны ${tag}`,
    price: prices.phone ?? '10000.00',
    quantity: 50,
  });
  const cable = await createOffer(t.runtime, {
    shopId: beta.shop.id,
    name: `Кабель ${tag}`,
    categoryName: `Кабели ${tag}`,
    price: prices.cable ?? '500.00',
    quantity: 50,
  });
  return { phone, cable, alpha, beta };
}

async function categoryOf(offer: Offer): Promise<number> {
  const rows = await t.runtime.database.query<{ category_id: number }>(
    'select category_id from products where id = $1',
    [offer.productId],
  );
  return rows[0].category_id;
}

describe('promotions in the basket and the order', () => {
  it('gives each line the best promotion by category, product or shop and keeps it in the order', async () => {
    const { phone, cable, beta } = await goods();
    const byCategory = await createPromotionRow(t.runtime, {
      name: 'Телефоны −10 %',
      appliesToAll: false,
      categoryIds: [await categoryOf(phone)],
      discountKind: 'percent',
      discountValue: '10.00',
    });
    // Better for the phone than 10 % only when it is cheaper than 15 000.
    await createPromotionRow(t.runtime, {
      name: 'Телефон −1500',
      appliesToAll: false,
      productIds: [phone.productId],
      discountKind: 'fixed',
      discountValue: '1500.00',
    });
    const byShop = await createPromotionRow(t.runtime, {
      name: 'Всё у Беты −5 %',
      appliesToAll: false,
      shopIds: [beta.shop.id],
      discountKind: 'percent',
      discountValue: '5.00',
    });
    const buyer = await createBuyer(t);
    await addToBasket(t, buyer, phone.id, 2);
    await addToBasket(t, buyer, cable.id, 3);
    const shown = await basket(buyer);
    const lines = shown.groups.flatMap((g: { lines: unknown[] }) => g.lines);
    expect(lines).toMatchObject([
      {
        offer_id: phone.id,
        unit_price: '10000.00',
        amount: '20000.00',
        discount: '3000.00',
        discount_source: { kind: 'promotion', name: 'Телефон −1500' },
        total: '17000.00',
      },
      {
        offer_id: cable.id,
        amount: '1500.00',
        discount: '75.00',
        discount_source: { kind: 'promotion', id: byShop.id, name: 'Всё у Беты −5 %' },
        total: '1425.00',
      },
    ]);
    expect(shown).toMatchObject({
      subtotal: '21500.00',
      lines_discount: '3075.00',
      order_discount: '0.00',
      total: '18425.00',
    });

    // Dearer phones: the percent wins.
    await t.runtime.db.update(offers).set({ price: '20000.00' }).where(eq(offers.id, phone.id));
    const res = await checkoutRequest(t, buyer);
    expect(res.statusCode, res.body).toBe(201);
    const order = res.json();
    const phoneLine = order.parts[0].lines[0];
    expect(phoneLine).toMatchObject({
      unit_price: '20000.00',
      amount: '40000.00',
      discount: '4000.00',
      discount_source: { kind: 'promotion', id: byCategory.id, name: 'Телефоны −10 %' },
      total: '36000.00',
    });
    expect(order).toMatchObject({
      subtotal: '41500.00',
      lines_discount: '4075.00',
      total: '37425.00',
      coupon_code: null,
    });
    expect(order.parts.map((p: { lines_discount: string }) => p.lines_discount)).toEqual([
      '4000.00',
      '75.00',
    ]);
    // The buyer's confirmation names each discount's source.
    const confirmation = await t.mail.waitFor((m) => m.recipients.includes(buyer.user.email));
    expect(confirmation.text).toMatch(/−4\s000,00\s₽ \(Телефоны −10 %\)/);
    expect(confirmation.text).toContain('(Всё у Беты −5 %)');

    // Later changes to the promotion leave the order as it was.
    await t.app.inject({
      method: 'PATCH',
      url: `/api/v2/admin/promotions/${byCategory.id}`,
      headers: staff.headers,
      payload: { discount_value: '50' },
    });
    const again = await t.app.inject({
      method: 'GET',
      url: `/api/v2/orders/${order.id}`,
      headers: buyer.headers,
    });
    expect(again.json().parts[0].lines[0].discount).toBe('4000.00');

    const usage = await t.app.inject({
      method: 'GET',
      url: `/api/v2/admin/promotions/${byCategory.id}/usage`,
      headers: staff.headers,
    });
    expect(usage.json()).toEqual({
      promotion_id: byCategory.id,
      orders: 1,
      lines: 1,
      units: 2,
      discount_given: '4000.00',
    });
    // A promotion that discounted an order stays.
    const remove = await t.app.inject({
      method: 'DELETE',
      url: `/api/v2/admin/promotions/${byCategory.id}`,
      headers: staff.headers,
    });
    expect(remove.statusCode).toBe(409);
    expect(remove.json().code).toBe('promotion_used');
  });

  it('applies a promotion only within its window, by the runtime clock', async () => {
    const { phone } = await goods();
    const starts = new Date(t.clock.now().getTime() + DAY);
    await createPromotionRow(t.runtime, {
      appliesToAll: false,
      productIds: [phone.productId],
      startsAt: starts,
      endsAt: new Date(starts.getTime() + DAY),
    });
    const buyer = await createBuyer(t);
    await addToBasket(t, buyer, phone.id, 1);
    expect((await basket(buyer)).lines_discount).toBe('0.00');
    t.clock.advance(DAY + 1000);
    try {
      buyer.headers = await authHeader(t, buyer.user);
      expect((await basket(buyer)).lines_discount).toBe('1000.00');
      t.clock.advance(DAY);
      buyer.headers = await authHeader(t, buyer.user);
      expect((await basket(buyer)).lines_discount).toBe('0.00');
    } finally {
      t.clock.advance(-(2 * DAY + 1000));
    }
  });

  it('honours minimum line quantity and order amount', async () => {
    const { phone, cable } = await goods();
    await createPromotionRow(t.runtime, {
      appliesToAll: false,
      productIds: [cable.productId],
      minLineQuantity: 10,
      discountKind: 'fixed',
      discountValue: '50.00',
    });
    await createPromotionRow(t.runtime, {
      appliesToAll: false,
      productIds: [phone.productId],
      minOrderAmount: '25000.00',
    });
    const buyer = await createBuyer(t);
    await addToBasket(t, buyer, phone.id, 2);
    await addToBasket(t, buyer, cable.id, 9);
    expect((await basket(buyer)).lines_discount).toBe('0.00');
    await addToBasket(t, buyer, cable.id, 1);
    // 20 000 + 5 000 reaches the order minimum; 10 cables reach the line minimum.
    expect((await basket(buyer)).lines_discount).toBe(`${2000 + 500}.00`);
  });
});

describe('coupons at checkout', () => {
  it('takes a whole-order coupon, spread over the parts, records its use and shows it everywhere', async () => {
    const { phone, cable } = await goods();
    const coupon = await createCouponRow(t.runtime, {
      code: `ORDER-${phone.id}`,
      discountKind: 'fixed',
      discountValue: '1050.00',
      usageLimit: 10,
    });
    const buyer = await createBuyer(t);
    await addToBasket(t, buyer, phone.id, 1);
    await addToBasket(t, buyer, cable.id, 1);
    const attached = await attach(buyer, coupon.code.toLowerCase());
    expect(attached.json()).toMatchObject({ status: 'applied', discount: '1050.00' });
    const shown = await basket(buyer);
    expect(shown).toMatchObject({
      subtotal: '10500.00',
      order_discount: '1050.00',
      total: '9450.00',
      coupon: { code: coupon.code, status: 'applied', discount: '1050.00' },
    });

    const res = await checkoutRequest(t, buyer);
    expect(res.statusCode, res.body).toBe(201);
    const order = res.json();
    expect(order).toMatchObject({
      subtotal: '10500.00',
      lines_discount: '0.00',
      order_discount: '1050.00',
      total: '9450.00',
      coupon_code: coupon.code,
    });
    // 10 000 : 500 → 1000 : 50.
    expect(
      order.parts.map((p: { order_discount: string; total: string }) => [p.order_discount, p.total]),
    ).toEqual([
      ['1000.00', '9000.00'],
      ['50.00', '450.00'],
    ]);
    expect(await usedCount(coupon.id)).toBe(1);
    const [redemption] = await t.runtime.db
      .select()
      .from(couponRedemptions)
      .where(eq(couponRedemptions.orderId, order.id));
    expect(redemption).toMatchObject({
      couponId: coupon.id,
      userId: buyer.user.id,
      discount: '1050.00',
      releasedAt: null,
    });
    // Used: no longer on the basket.
    expect(
      await t.runtime.db.select().from(basketCoupons).where(eq(basketCoupons.userId, buyer.user.id)),
    ).toEqual([]);

    // The buyer's confirmation and the staff invoice show the discount.
    const confirmation = await t.mail.waitFor((m) => m.recipients.includes(buyer.user.email));
    expect(confirmation.text).toContain(coupon.code);
    expect(confirmation.text).toMatch(/Скидка на заказ.*1\s050,00/);
    const invoice = await t.mail.waitFor(
      (m) => m.recipients.includes(TEST_STAFF_EMAIL) && (m.subject ?? '').includes(order.number),
    );
    expect(invoice.text).toContain(coupon.code);
    expect(invoice.html).toContain('Скидка на заказ');
    // The printable invoice too.
    const printable = await pdfText(invoice.attachments[0].content);
    expect(printable).toContain(`Скидка на заказ (${coupon.code})`);

    const usage = await t.app.inject({
      method: 'GET',
      url: `/api/v2/admin/coupons/${coupon.id}/usage`,
      headers: staff.headers,
    });
    expect(usage.json()).toMatchObject({ orders: 1, released: 0, buyers: 1, discount_given: '1050.00' });
    const remove = await t.app.inject({
      method: 'DELETE',
      url: `/api/v2/admin/coupons/${coupon.id}`,
      headers: staff.headers,
    });
    expect(remove.json().code).toBe('coupon_used');
  });

  it('takes a coupon named in the checkout body, on its target lines only', async () => {
    const { phone, cable, beta } = await goods();
    const coupon = await createCouponRow(t.runtime, {
      scope: 'lines',
      shopIds: [beta.shop.id],
      discountKind: 'fixed',
      discountValue: '100.00',
    });
    const buyer = await createBuyer(t);
    const order = await placeOrder(t, buyer, [{ offerId: phone.id }, { offerId: cable.id, quantity: 2 }], {
      coupon_code: ` ${coupon.code.toLowerCase()}`,
    });
    expect(order.parts[1].lines[0]).toMatchObject({
      amount: '1000.00',
      discount: '200.00',
      discount_source: { kind: 'coupon', code: coupon.code },
      total: '800.00',
    });
    expect(order.parts[0].lines[0].discount).toBe('0.00');
    expect(order).toMatchObject({
      coupon_code: coupon.code,
      lines_discount: '200.00',
      order_discount: '0.00',
    });
    const confirmation = await t.mail.waitFor((m) => m.recipients.includes(buyer.user.email));
    expect(confirmation.text).toContain(coupon.code);
  });

  it('refuses each unusable coupon with its code, taking nothing', async () => {
    const { phone, beta } = await goods();
    const now = t.clock.now().getTime();
    const cases: [Parameters<typeof createCouponRow>[1], number, string][] = [
      [{ startsAt: new Date(now - 3 * DAY), endsAt: new Date(now - DAY) }, 409, 'coupon_expired'],
      [{ startsAt: new Date(now + DAY), endsAt: null }, 409, 'coupon_expired'],
      [{ usageLimit: 1, usedCount: 1 }, 409, 'coupon_used_up'],
      [{ minOrderAmount: '10000.01' }, 409, 'coupon_min_amount'],
      [{ enabled: false }, 422, 'coupon_not_found'],
      [{ scope: 'lines', shopIds: [beta.shop.id] }, 409, 'coupon_not_applicable'],
    ];
    const buyer = await createBuyer(t);
    await addToBasket(t, buyer, phone.id, 1);
    for (const [overrides, status, code] of cases) {
      const coupon = await createCouponRow(t.runtime, overrides);
      const res = await checkoutRequest(t, buyer, { coupon_code: coupon.code });
      expect(res.statusCode, `${code}: ${res.body}`).toBe(status);
      expect(res.json().code).toBe(code);
    }
    const unknown = await checkoutRequest(t, buyer, { coupon_code: 'NO-SUCH-COUPON' });
    expect(unknown.json()).toMatchObject({ code: 'coupon_not_found', coupon_code: 'NO-SUCH-COUPON' });
    expect(await stock(phone.id)).toBe(50);
    expect((await basket(buyer)).items_count).toBe(1);
    // And the basket is still good to order without a coupon.
    expect((await checkoutRequest(t, buyer)).statusCode).toBe(201);
  });

  it('says the same true reason in the basket and at checkout when a promotion holds the coupon’s goods', async () => {
    const { phone } = await goods();
    await createPromotionRow(t.runtime, {
      appliesToAll: false,
      productIds: [phone.productId],
      discountKind: 'percent',
      discountValue: '10.00',
    });
    const coupon = await createCouponRow(t.runtime, { combinesWithPromotions: false });
    const buyer = await createBuyer(t);
    await addToBasket(t, buyer, phone.id, 1);
    expect((await attach(buyer, coupon.code)).statusCode).toBe(200);
    expect((await basket(buyer)).coupon).toMatchObject({ code: coupon.code, status: 'promotion_applies' });
    const refused = await checkoutRequest(t, buyer);
    expect(refused.statusCode).toBe(409);
    expect(refused.json()).toMatchObject({
      code: 'coupon_promotion_applies',
      coupon_code: coupon.code,
      coupon_status: 'promotion_applies',
    });
    expect(refused.json().detail).toContain('акция');
    expect(refused.json().detail).not.toContain('нет подходящих товаров');
    // What the answer tells the buyer to do works: without the coupon, the promotion's order.
    const removed = await t.app.inject({
      method: 'DELETE',
      url: '/api/v2/basket/coupon',
      headers: buyer.headers,
    });
    expect(removed.statusCode).toBeLessThan(300);
    const placed = await checkoutRequest(t, buyer);
    expect(placed.statusCode, placed.body).toBe(201);
    expect(placed.json()).toMatchObject({ coupon_code: null, lines_discount: '1000.00' });
    expect(await usedCount(coupon.id)).toBe(0);
  });

  it('keeps the per-buyer limit: at attach time and at checkout', async () => {
    const { phone } = await goods();
    const coupon = await createCouponRow(t.runtime, { perBuyerLimit: 2, usageLimit: null });
    const buyer = await createBuyer(t);
    await placeOrder(t, buyer, [{ offerId: phone.id }], { coupon_code: coupon.code });
    await placeOrder(t, buyer, [{ offerId: phone.id }], { coupon_code: coupon.code });
    await addToBasket(t, buyer, phone.id, 1);
    const third = await checkoutRequest(t, buyer, { coupon_code: coupon.code });
    expect(third.statusCode).toBe(409);
    expect(third.json().code).toBe('coupon_already_used_by_you');
    expect((await attach(buyer, coupon.code)).json().code).toBe('coupon_already_used_by_you');
    // Another buyer may.
    const other = await createBuyer(t);
    await addToBasket(t, other, phone.id, 1);
    expect((await attach(other, coupon.code)).statusCode).toBe(200);
    expect((await checkoutRequest(t, other)).json().coupon_code).toBe(coupon.code);
    expect(await usedCount(coupon.id)).toBe(3);
  });

  it('shows in the basket why an attached coupon cannot be used any more', async () => {
    const { phone } = await goods();
    const coupon = await createCouponRow(t.runtime, { usageLimit: 1 });
    const first = await createBuyer(t);
    const second = await createBuyer(t);
    for (const buyer of [first, second]) {
      await addToBasket(t, buyer, phone.id, 1);
      expect((await attach(buyer, coupon.code)).statusCode).toBe(200);
    }
    expect((await checkoutRequest(t, first)).statusCode).toBe(201);
    const shown = await basket(second);
    expect(shown).toMatchObject({
      order_discount: '0.00',
      total: '10000.00',
      coupon: { code: coupon.code, status: 'used_up', discount: '0.00' },
    });
    const res = await checkoutRequest(t, second);
    expect(res.json().code).toBe('coupon_used_up');
    await t.app.inject({ method: 'DELETE', url: '/api/v2/basket/coupon', headers: second.headers });
    expect((await basket(second)).coupon).toBeNull();
    expect((await checkoutRequest(t, second)).statusCode).toBe(201);
  });

  it('leaves promoted lines alone unless the coupon combines with promotions', async () => {
    const { phone, cable } = await goods();
    await createPromotionRow(t.runtime, { appliesToAll: false, productIds: [phone.productId] });
    const single = await createCouponRow(t.runtime, {
      combinesWithPromotions: false,
      usageLimit: null,
      perBuyerLimit: null,
    });
    const stacking = await createCouponRow(t.runtime, {
      combinesWithPromotions: true,
      usageLimit: null,
      perBuyerLimit: null,
    });
    const buyer = await createBuyer(t);
    await addToBasket(t, buyer, phone.id, 1);
    await addToBasket(t, buyer, cable.id, 2);
    // Phone 10 000 − 10 % = 9 000; cables 1 000.
    await attach(buyer, single.code);
    expect(await basket(buyer)).toMatchObject({
      lines_discount: '1000.00',
      order_discount: '100.00',
      total: '9900.00',
    });
    await attach(buyer, stacking.code);
    expect(await basket(buyer)).toMatchObject({
      lines_discount: '1000.00',
      order_discount: '1000.00',
      total: '9000.00',
    });
    const order = (await checkoutRequest(t, buyer)).json();
    expect(order.parts.map((p: { order_discount: string }) => p.order_discount)).toEqual([
      '900.00',
      '100.00',
    ]);
  });
});

describe('cancelling an order with a coupon', () => {
  it('gives the coupon back exactly once, so another order can use it', async () => {
    const { phone } = await goods();
    const coupon = await createCouponRow(t.runtime, { usageLimit: 1 });
    const buyer = await createBuyer(t);
    const order = await placeOrder(t, buyer, [{ offerId: phone.id }], { coupon_code: coupon.code });
    expect(await usedCount(coupon.id)).toBe(1);

    const cancel = await t.app.inject({
      method: 'POST',
      url: `/api/v2/orders/${order.id}/cancel`,
      headers: buyer.headers,
      payload: {},
    });
    expect(cancel.statusCode, cancel.body).toBe(200);
    expect(await usedCount(coupon.id)).toBe(0);
    const again = await t.app.inject({
      method: 'POST',
      url: `/api/v2/orders/${order.id}/cancel`,
      headers: buyer.headers,
      payload: {},
    });
    expect(again.statusCode).toBe(409);
    expect(await usedCount(coupon.id)).toBe(0);
    const rows = await t.runtime.db
      .select()
      .from(couponRedemptions)
      .where(eq(couponRedemptions.couponId, coupon.id));
    expect(rows).toHaveLength(1);
    expect(rows[0].releasedAt).not.toBeNull();
    // The cancelled order keeps its prices and its coupon code for the record.
    const kept = await t.app.inject({
      method: 'GET',
      url: `/api/v2/orders/${order.id}`,
      headers: buyer.headers,
    });
    expect(kept.json()).toMatchObject({
      state: 'canceled',
      coupon_code: coupon.code,
      order_discount: order.order_discount,
    });

    const usage = await t.app.inject({
      method: 'GET',
      url: `/api/v2/admin/coupons/${coupon.id}/usage`,
      headers: staff.headers,
    });
    expect(usage.json()).toMatchObject({ orders: 0, released: 1, discount_given: '0.00' });

    // The same buyer may use it again.
    const reordered = await placeOrder(t, buyer, [{ offerId: phone.id }], { coupon_code: coupon.code });
    expect(reordered.coupon_code).toBe(coupon.code);
    expect(await usedCount(coupon.id)).toBe(1);
  });

  it('keeps the coupon while only one supplier’s part is cancelled', async () => {
    const { phone, cable, beta } = await goods();
    const coupon = await createCouponRow(t.runtime, { usageLimit: 1 });
    const buyer = await createBuyer(t);
    const order = await placeOrder(t, buyer, [{ offerId: phone.id }, { offerId: cable.id }], {
      coupon_code: coupon.code,
    });
    const partCancel = await t.app.inject({
      method: 'POST',
      url: `/api/v2/supplier/orders/${order.id}/status`,
      headers: beta.headers,
      payload: { state: 'canceled', note: 'Нет в наличии' },
    });
    expect(partCancel.statusCode, partCancel.body).toBe(200);
    expect(await usedCount(coupon.id)).toBe(1);
    const staffCancel = await t.app.inject({
      method: 'POST',
      url: `/api/v2/admin/orders/${order.id}/status`,
      headers: staff.headers,
      payload: { state: 'canceled', note: 'Отмена' },
    });
    expect(staffCancel.statusCode, staffCancel.body).toBe(200);
    expect(await usedCount(coupon.id)).toBe(0);
    const released = await t.runtime.db
      .select()
      .from(couponRedemptions)
      .where(eq(couponRedemptions.orderId, order.id));
    expect(released[0].releasedAt).not.toBeNull();
  });
});
