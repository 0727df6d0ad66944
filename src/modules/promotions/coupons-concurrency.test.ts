// Coupon limits under real parallel transactions: these need the PostgreSQL server (PGlite runs one
// session, so requests there never overlap and the tests would prove nothing); on PGlite they are
// skipped. Every buyer orders an offer of their own, so the coupon's row is the only thing the
// checkouts share: they all read the coupon as unused and race on recording its use.
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
let suppliers: Supplier[];
let staff: Actor;

beforeAll(async () => {
  if (!server) return;
  t = await buildTestApp({ workers: false });
  suppliers = [];
  for (let i = 0; i < 5; i += 1) suppliers.push(await createSupplier(t));
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

/**
 * Buyers each with their own offer (of five shops) in the basket: checkouts then share no offer row,
 * so nothing but the coupon's row orders them, and its conditional update is what keeps the limit.
 */
async function buyersWithOwnOffers(n: number, quantity: number) {
  const buyers: { buyer: Buyer; offerId: number }[] = [];
  for (let i = 0; i < n; i += 1) {
    const offer = await createOffer(t.runtime, {
      shopId: suppliers[i % suppliers.length].shop.id,
      price: '1000.00',
      quantity: 100,
    });
    const buyer = await createBuyer(t);
    await addToBasket(t, buyer, offer.id, quantity);
    buyers.push({ buyer, offerId: offer.id });
  }
  return buyers;
}

/** The stock of each buyer's offer, in the buyers' order. */
async function stocks(buyers: readonly { offerId: number }[]): Promise<number[]> {
  return Promise.all(buyers.map((b) => stock(b.offerId)));
}

async function couponRow(id: number) {
  const [row] = await t.runtime.db.select().from(coupons).where(eq(coupons.id, id));
  return row;
}

describe.skipIf(!server)('coupon limits under concurrent checkouts (PostgreSQL server)', () => {
  it('lets exactly one of 50 parallel checkouts use a single-use coupon; the rest take nothing', async () => {
    const coupon = await createCouponRow(t.runtime, {
      usageLimit: 1,
      discountKind: 'fixed',
      discountValue: '100.00',
    });
    const buyers = await buyersWithOwnOffers(50, 1);
    const answers = await Promise.all(
      buyers.map(({ buyer }) => checkoutRequest(t, buyer, { coupon_code: coupon.code })),
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

    // Stock was taken from the winner's offer only.
    const winner = answers.findIndex((res) => res.statusCode === 201);
    expect(await stocks(buyers)).toEqual(buyers.map((_, i) => (i === winner ? 99 : 100)));
    const [placed] = await t.runtime.db
      .select({ n: count() })
      .from(orders)
      .where(
        inArray(
          orders.userId,
          buyers.map((b) => b.buyer.user.id),
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
    const coupon = await createCouponRow(t.runtime, { usageLimit: 3, perBuyerLimit: null });
    const buyers = await buyersWithOwnOffers(20, 2);
    const answers = await Promise.all(
      buyers.map(({ buyer }) => checkoutRequest(t, buyer, { coupon_code: coupon.code })),
    );
    expect(answers.filter((res) => res.statusCode === 201)).toHaveLength(3);
    expect(
      answers.filter((res) => res.statusCode === 409 && res.json().code === 'coupon_used_up'),
    ).toHaveLength(17);
    expect(await stocks(buyers)).toEqual(answers.map((res) => (res.statusCode === 201 ? 98 : 100)));
    expect((await couponRow(coupon.id)).usedCount).toBe(3);
  });

  it('gives the coupon back once under parallel cancels', async () => {
    const offer = await createOffer(t.runtime, {
      shopId: suppliers[0].shop.id,
      price: '1000.00',
      quantity: 10,
    });
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
