// Coupon limits under real parallel transactions: these need the PostgreSQL server (PGlite runs one
// session, so requests there never overlap and the tests would prove nothing); on PGlite they are
// skipped.
import { count, eq, inArray } from 'drizzle-orm';
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
  placeOrder,
  type Supplier,
} from '../../../test/factories/orders.ts';
import { createCouponRow } from '../../../test/factories/promotions.ts';
import { buildTestApp, type TestApp } from '../../../test/helpers/app.ts';
import { onPostgresServer } from '../../../test/helpers/database.ts';
import { offers } from '../../db/schema/catalog.ts';
import { orders } from '../../db/schema/orders.ts';
import { couponRedemptions, coupons } from '../../db/schema/promotions.ts';

const server = onPostgresServer();
let t: TestApp;
let supplier: Supplier;
let staff: Actor;

beforeAll(async () => {
  if (!server) return;
  t = await buildTestApp({ workers: false });
  supplier = await createSupplier(t);
  staff = await createStaff(t);
});
afterAll(() => t?.close());

async function stock(offerId: number): Promise<number> {
  const [row] = await t.runtime.db
    .select({ quantity: offers.quantity })
    .from(offers)
    .where(eq(offers.id, offerId));
  return row.quantity;
}

async function couponRow(id: number) {
  const [row] = await t.runtime.db.select().from(coupons).where(eq(coupons.id, id));
  return row;
}

describe.skipIf(!server)('coupon limits under concurrent checkouts (PostgreSQL server)', () => {
  it('lets exactly one of 50 parallel checkouts use a single-use coupon; the rest take nothing', async () => {
    const offer = await createOffer(t.runtime, { shopId: supplier.shop.id, price: '1000.00', quantity: 100 });
    const coupon = await createCouponRow(t.runtime, {
      usageLimit: 1,
      discountKind: 'fixed',
      discountValue: '100.00',
    });
    const buyers: Buyer[] = [];
    for (let i = 0; i < 50; i += 1) {
      const buyer = await createBuyer(t);
      await addToBasket(t, buyer, offer.id, 1);
      buyers.push(buyer);
    }

    const answers = await Promise.all(
      buyers.map((buyer) => checkoutRequest(t, buyer, { coupon_code: coupon.code })),
    );
    const created = answers.filter((res) => res.statusCode === 201);
    const refused = answers.filter((res) => res.statusCode === 409);
    expect(created).toHaveLength(1);
    expect(refused).toHaveLength(49);
    expect(created[0].json()).toMatchObject({
      coupon_code: coupon.code,
      order_discount: '100.00',
      total: '900.00',
    });
    for (const res of refused) expect(res.json().code).toBe('coupon_used_up');

    expect(await stock(offer.id)).toBe(99);
    const [placed] = await t.runtime.db
      .select({ n: count() })
      .from(orders)
      .where(
        inArray(
          orders.userId,
          buyers.map((b) => b.user.id),
        ),
      );
    expect(placed.n).toBe(1);
    expect((await couponRow(coupon.id)).usedCount).toBe(1);
    const redemptions = await t.runtime.db
      .select()
      .from(couponRedemptions)
      .where(eq(couponRedemptions.couponId, coupon.id));
    expect(redemptions).toHaveLength(1);
    expect(redemptions[0].orderId).toBe(created[0].json().id);
  });

  it('keeps a limit of 3 across 20 parallel checkouts', async () => {
    const offer = await createOffer(t.runtime, { shopId: supplier.shop.id, price: '1000.00', quantity: 100 });
    const coupon = await createCouponRow(t.runtime, { usageLimit: 3, perBuyerLimit: null });
    const buyers: Buyer[] = [];
    for (let i = 0; i < 20; i += 1) {
      const buyer = await createBuyer(t);
      await addToBasket(t, buyer, offer.id, 2);
      buyers.push(buyer);
    }
    const answers = await Promise.all(
      buyers.map((buyer) => checkoutRequest(t, buyer, { coupon_code: coupon.code })),
    );
    expect(answers.filter((res) => res.statusCode === 201)).toHaveLength(3);
    expect(
      answers.filter((res) => res.statusCode === 409 && res.json().code === 'coupon_used_up'),
    ).toHaveLength(17);
    expect(await stock(offer.id)).toBe(100 - 3 * 2);
    expect((await couponRow(coupon.id)).usedCount).toBe(3);
  });

  it('gives the coupon back once under parallel cancels', async () => {
    const offer = await createOffer(t.runtime, { shopId: supplier.shop.id, price: '1000.00', quantity: 10 });
    const coupon = await createCouponRow(t.runtime, { usageLimit: 1 });
    const buyer = await createBuyer(t);
    const order = await placeOrder(t, buyer, [{ offerId: offer.id, quantity: 2 }], {
      coupon_code: coupon.code,
    });
    const cancels = await Promise.all([
      ...Array.from({ length: 4 }, () =>
        t.app.inject({
          method: 'POST',
          url: `/api/v2/admin/orders/${order.id}/status`,
          headers: staff.headers,
          payload: { state: 'canceled', note: 'Отмена' },
        }),
      ),
      t.app.inject({
        method: 'POST',
        url: `/api/v2/orders/${order.id}/cancel`,
        headers: buyer.headers,
        payload: {},
      }),
    ]);
    expect(cancels.filter((res) => res.statusCode === 200)).toHaveLength(1);
    expect((await couponRow(coupon.id)).usedCount).toBe(0);
    expect(await stock(offer.id)).toBe(10);
    const [redemption] = await t.runtime.db
      .select()
      .from(couponRedemptions)
      .where(eq(couponRedemptions.orderId, order.id));
    expect(redemption.releasedAt).not.toBeNull();
  });
});
