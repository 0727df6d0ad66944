import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authHeader } from '../../../test/factories/accounts.ts';
import { createOffer, createShop } from '../../../test/factories/catalog.ts';
import { type Actor, addToBasket } from '../../../test/factories/orders.ts';
import { couponCode, createCouponRow } from '../../../test/factories/promotions.ts';
import { createUser } from '../../../test/factories.ts';
import { buildTestApp, type TestApp } from '../../../test/helpers/app.ts';
import type { Offer, Shop } from '../../db/schema/catalog.ts';
import { basketCoupons, coupons } from '../../db/schema/promotions.ts';

let t: TestApp;
let staff: { authorization: string };
let shop: Shop;
let offer: Offer;

const DAY = 86_400_000;
const iso = (offsetDays: number) => new Date(Date.now() + offsetDays * DAY).toISOString();

beforeAll(async () => {
  t = await buildTestApp({ workers: false });
  staff = await authHeader(t, await createUser(t.runtime, { role: 'staff' }));
  shop = await createShop(t.runtime);
  offer = await createOffer(t.runtime, { shopId: shop.id, price: '1000.00', quantity: 100 });
});
afterAll(() => t?.close());

function post(url: string, payload: Record<string, unknown>, headers: Record<string, string> = staff) {
  return t.app.inject({ method: 'POST', url, headers, payload });
}

function fields(res: { json(): { errors?: { field: string }[] } }) {
  return (res.json().errors ?? []).map((e) => e.field).sort();
}

async function newBuyer(): Promise<Actor> {
  const user = await createUser(t.runtime, { role: 'buyer' });
  return { user, headers: await authHeader(t, user) };
}

/** Puts `quantity` of the offer into the buyer's basket through the basket API. */
async function fillBasket(buyer: Actor, quantity: number) {
  await addToBasket(t, buyer, offer.id, quantity);
}

describe('staff coupons', () => {
  it('stores codes trimmed and upper-cased, unique whatever the case', async () => {
    const code = couponCode('spring').toLowerCase();
    const created = await post('/api/v2/admin/coupons', {
      code: `  ${code} `,
      discount_kind: 'fixed',
      discount_value: '500',
      usage_limit: 100,
      min_order_amount: '3000',
      ends_at: iso(30),
    });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json()).toMatchObject({
      code: code.toUpperCase(),
      discount_kind: 'fixed',
      discount_value: '500.00',
      scope: 'order',
      usage_limit: 100,
      used_count: 0,
      per_buyer_limit: 1,
      min_order_amount: '3000.00',
      combines_with_promotions: false,
      state: 'active',
      batch_id: null,
    });

    const duplicate = await post('/api/v2/admin/coupons', {
      code: code.toUpperCase(),
      discount_kind: 'percent',
      discount_value: '5',
    });
    expect(duplicate.statusCode).toBe(409);
    expect(duplicate.json().code).toBe('coupon_code_taken');
    expect(fields(duplicate)).toEqual(['body.code']);

    const generated = await post('/api/v2/admin/coupons', { discount_kind: 'percent', discount_value: '5' });
    expect(generated.statusCode).toBe(201);
    expect(generated.json().code).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
  });

  it('changes and deletes a coupon', async () => {
    const created = (
      await post('/api/v2/admin/coupons', { discount_kind: 'percent', discount_value: '5' })
    ).json();
    const patched = await t.app.inject({
      method: 'PATCH',
      url: `/api/v2/admin/coupons/${created.id}`,
      headers: staff,
      payload: { code: `renamed-${created.id}`, per_buyer_limit: null, combines_with_promotions: true },
    });
    expect(patched.statusCode, patched.body).toBe(200);
    expect(patched.json()).toMatchObject({
      code: `RENAMED-${created.id}`,
      per_buyer_limit: null,
      combines_with_promotions: true,
    });
    const deleted = await t.app.inject({
      method: 'DELETE',
      url: `/api/v2/admin/coupons/${created.id}`,
      headers: staff,
    });
    expect(deleted.statusCode).toBe(204);
    const gone = await t.app.inject({
      method: 'GET',
      url: `/api/v2/admin/coupons/${created.id}`,
      headers: staff,
    });
    expect(gone.statusCode).toBe(404);
  });

  it('refuses an end before the start, a percent over 100 and negative amounts, field by field', async () => {
    const base = { discount_kind: 'percent', discount_value: '10' };
    const backwards = await post('/api/v2/admin/coupons', { ...base, starts_at: iso(2), ends_at: iso(1) });
    expect(backwards.statusCode).toBe(400);
    expect(fields(backwards)).toEqual(['body.ends_at']);
    const percent = await post('/api/v2/admin/coupons', { ...base, discount_value: '101' });
    expect(fields(percent)).toEqual(['body.discount_value']);
    const negative = await post('/api/v2/admin/coupons', {
      discount_kind: 'fixed',
      discount_value: '-100',
      min_order_amount: '-1',
    });
    expect(fields(negative)).toEqual(['body.discount_value', 'body.min_order_amount']);
    expect(negative.json().errors[0].message).toBe('Сумма не может быть отрицательной');
    // 0 is refused, never read as "no limit".
    const limits = await post('/api/v2/admin/coupons', { ...base, usage_limit: 0, per_buyer_limit: -1 });
    expect(fields(limits)).toEqual(['body.per_buyer_limit', 'body.usage_limit']);
    const unlimited = await post('/api/v2/admin/coupons', {
      ...base,
      usage_limit: null,
      per_buyer_limit: null,
    });
    expect(unlimited.json()).toMatchObject({ usage_limit: null, per_buyer_limit: null });
    const badCode = await post('/api/v2/admin/coupons', { ...base, code: 'скидка' });
    expect(fields(badCode)).toEqual(['body.code']);
    const linesWithout = await post('/api/v2/admin/coupons', { ...base, scope: 'lines' });
    expect(fields(linesWithout)).toEqual(['body.targets']);
    const orderWith = await post('/api/v2/admin/coupons', { ...base, targets: { shop_ids: [shop.id] } });
    expect(fields(orderWith)).toEqual(['body.targets']);
    const lines = await post('/api/v2/admin/coupons', {
      ...base,
      scope: 'lines',
      targets: { shop_ids: [shop.id] },
    });
    expect(lines.statusCode, lines.body).toBe(201);
    expect(lines.json().targets).toEqual({ category_ids: [], product_ids: [], shop_ids: [shop.id] });
  });

  it('does not lower the usage limit below the uses already made', async () => {
    const coupon = await createCouponRow(t.runtime, { usageLimit: 5, usedCount: 3 });
    const res = await t.app.inject({
      method: 'PATCH',
      url: `/api/v2/admin/coupons/${coupon.id}`,
      headers: staff,
      payload: { usage_limit: 2 },
    });
    expect(res.statusCode).toBe(400);
    expect(fields(res)).toEqual(['body.usage_limit']);
  });

  it('generates a batch of unguessable single-use codes, downloadable as CSV', async () => {
    const res = await post('/api/v2/admin/coupons/batch', {
      count: 25,
      name: 'Рассылка',
      prefix: 'apr',
      discount_kind: 'fixed',
      discount_value: '300',
      ends_at: iso(10),
    });
    expect(res.statusCode, res.body).toBe(201);
    const { batch, codes } = res.json();
    expect(batch).toMatchObject({ name: 'Рассылка', prefix: 'APR', count: 25, used: 0 });
    expect(codes).toHaveLength(25);
    expect(new Set(codes).size).toBe(25);
    for (const code of codes)
      expect(code).toMatch(/^APR-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/);

    const listed = await t.app.inject({
      method: 'GET',
      url: `/api/v2/admin/coupons?batch_id=${batch.id}&limit=200`,
      headers: staff,
    });
    const items = listed.json().items;
    expect(items).toHaveLength(25);
    for (const item of items) {
      expect(item).toMatchObject({
        usage_limit: 1,
        per_buyer_limit: 1,
        batch_id: batch.id,
        discount_value: '300.00',
      });
    }

    const csv = await t.app.inject({ method: 'GET', url: batch.csv_url, headers: staff });
    expect(csv.statusCode, csv.body).toBe(200);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    expect(csv.headers['content-disposition']).toContain(`coupons-batch-${batch.id}.csv`);
    const rows = csv.body.trimEnd().split('\r\n');
    expect(rows[0]).toBe('code,discount_kind,discount_value,scope,starts_at,ends_at,min_order_amount,used');
    expect(rows.slice(1).map((row) => row.split(',')[0])).toEqual(codes);
    expect(rows[1].split(',').slice(1, 4)).toEqual(['fixed', '300.00', 'order']);
    expect(rows[1].endsWith(',no')).toBe(true);

    const info = await t.app.inject({
      method: 'GET',
      url: `/api/v2/admin/coupons/batch/${batch.id}`,
      headers: staff,
    });
    expect(info.json()).toMatchObject({ id: batch.id, count: 25, used: 0 });
    const missing = await t.app.inject({
      method: 'GET',
      url: '/api/v2/admin/coupons/batch/999999.csv',
      headers: staff,
    });
    expect(missing.statusCode).toBe(404);
  });

  it('reports an unused coupon’s usage as zero, and is for staff only', async () => {
    const coupon = await createCouponRow(t.runtime);
    const usage = await t.app.inject({
      method: 'GET',
      url: `/api/v2/admin/coupons/${coupon.id}/usage`,
      headers: staff,
    });
    expect(usage.json()).toEqual({
      coupon_id: coupon.id,
      code: coupon.code,
      orders: 0,
      released: 0,
      buyers: 0,
      discount_given: '0.00',
      usage_limit: null,
    });
    const { headers } = await newBuyer();
    const res = await t.app.inject({ method: 'GET', url: '/api/v2/admin/coupons', headers });
    expect(res.statusCode).toBe(403);
  });
});

describe('the buyer’s basket coupon', () => {
  it('attaches a valid coupon whatever the case, shows what it takes off, and detaches it', async () => {
    const buyer = await newBuyer();
    const { user, headers } = buyer;
    await fillBasket(buyer, 3);
    const coupon = await createCouponRow(t.runtime, { discountKind: 'percent', discountValue: '15.00' });
    const res = await post('/api/v2/basket/coupon', { code: ` ${coupon.code.toLowerCase()} ` }, headers);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      code: coupon.code,
      discount_kind: 'percent',
      discount_value: '15.00',
      status: 'applied',
      discount: '450.00',
    });
    const [attached] = await t.runtime.db
      .select()
      .from(basketCoupons)
      .where(eq(basketCoupons.userId, user.id));
    expect(attached.couponId).toBe(coupon.id);

    // Another coupon replaces it.
    const other = await createCouponRow(t.runtime, { discountKind: 'fixed', discountValue: '100.00' });
    const replaced = await post('/api/v2/basket/coupon', { code: other.code }, headers);
    expect(replaced.json()).toMatchObject({ code: other.code, discount: '100.00' });
    const rows = await t.runtime.db.select().from(basketCoupons).where(eq(basketCoupons.userId, user.id));
    expect(rows.map((r) => r.couponId)).toEqual([other.id]);

    const removed = await t.app.inject({ method: 'DELETE', url: '/api/v2/basket/coupon', headers });
    expect(removed.statusCode).toBe(204);
    expect(await t.runtime.db.select().from(basketCoupons).where(eq(basketCoupons.userId, user.id))).toEqual(
      [],
    );
    // Removing again is fine.
    expect((await t.app.inject({ method: 'DELETE', url: '/api/v2/basket/coupon', headers })).statusCode).toBe(
      204,
    );
  });

  it('refuses an unknown or switched-off code with coupon_not_found', async () => {
    const { headers } = await newBuyer();
    const unknown = await post('/api/v2/basket/coupon', { code: 'NO-SUCH-CODE' }, headers);
    expect(unknown.statusCode).toBe(422);
    expect(unknown.json()).toMatchObject({ code: 'coupon_not_found', coupon_code: 'NO-SUCH-CODE' });
    const off = await createCouponRow(t.runtime, { enabled: false });
    expect((await post('/api/v2/basket/coupon', { code: off.code }, headers)).json().code).toBe(
      'coupon_not_found',
    );
    const junk = await post('/api/v2/basket/coupon', { code: 'x' }, headers);
    expect(junk.json().code).toBe('coupon_not_found');
  });

  it('refuses a coupon outside its window with coupon_expired', async () => {
    const { user, headers } = await newBuyer();
    const now = Date.now();
    const over = await createCouponRow(t.runtime, {
      startsAt: new Date(now - 10 * DAY),
      endsAt: new Date(now - DAY),
    });
    const res = await post('/api/v2/basket/coupon', { code: over.code }, headers);
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ code: 'coupon_expired', ends_at: over.endsAt!.toISOString() });
    const later = await createCouponRow(t.runtime, { startsAt: new Date(now + DAY), endsAt: null });
    const early = await post('/api/v2/basket/coupon', { code: later.code }, headers);
    expect(early.json()).toMatchObject({ code: 'coupon_expired', starts_at: later.startsAt.toISOString() });
    expect(early.json().detail).toContain('действует с');

    // The runtime's clock decides: once it reaches the start, the coupon is good.
    t.clock.advance(2 * DAY);
    try {
      const fresh = await authHeader(t, user);
      expect((await post('/api/v2/basket/coupon', { code: later.code }, fresh)).statusCode).toBe(200);
    } finally {
      t.clock.advance(-2 * DAY);
    }
  });

  it('refuses a used-up coupon with coupon_used_up', async () => {
    const { headers } = await newBuyer();
    const coupon = await createCouponRow(t.runtime, { usageLimit: 2, usedCount: 2 });
    const res = await post('/api/v2/basket/coupon', { code: coupon.code }, headers);
    expect(res.statusCode).toBe(409);
    expect(res.json().code).toBe('coupon_used_up');
    await t.runtime.db.update(coupons).set({ usedCount: 1 }).where(eq(coupons.id, coupon.id));
    expect((await post('/api/v2/basket/coupon', { code: coupon.code }, headers)).statusCode).toBe(200);
  });

  it('refuses a coupon above the basket with coupon_min_amount', async () => {
    const buyer = await newBuyer();
    const { headers } = buyer;
    const coupon = await createCouponRow(t.runtime, { minOrderAmount: '2500.00' });
    const empty = await post('/api/v2/basket/coupon', { code: coupon.code }, headers);
    expect(empty.statusCode).toBe(409);
    expect(empty.json()).toMatchObject({
      code: 'coupon_min_amount',
      min_order_amount: '2500.00',
      subtotal: '0.00',
    });
    await fillBasket(buyer, 2);
    const short = await post('/api/v2/basket/coupon', { code: coupon.code }, headers);
    expect(short.json()).toMatchObject({ code: 'coupon_min_amount', subtotal: '2000.00' });
    await fillBasket(buyer, 1);
    const enough = await post('/api/v2/basket/coupon', { code: coupon.code }, headers);
    expect(enough.statusCode, enough.body).toBe(200);
  });

  it('throttles guessing: 20 tries per 10 minutes per buyer', async () => {
    const { headers } = await newBuyer();
    for (let i = 0; i < 20; i += 1) {
      expect((await post('/api/v2/basket/coupon', { code: `GUESS-${i}` }, headers)).statusCode).toBe(422);
    }
    const coupon = await createCouponRow(t.runtime);
    const res = await post('/api/v2/basket/coupon', { code: coupon.code }, headers);
    expect(res.statusCode).toBe(429);
    expect(res.json().code).toBe('too_many_coupon_attempts');
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    // Another buyer is unaffected.
    const other = await newBuyer();
    expect((await post('/api/v2/basket/coupon', { code: coupon.code }, other.headers)).statusCode).toBe(200);
  });

  it('is for buyers only', async () => {
    const coupon = await createCouponRow(t.runtime);
    expect((await post('/api/v2/basket/coupon', { code: coupon.code })).statusCode).toBe(403);
    expect((await t.app.inject({ method: 'DELETE', url: '/api/v2/basket/coupon' })).statusCode).toBe(401);
  });
});
