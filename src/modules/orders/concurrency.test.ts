// Real parallel transactions: these need the PostgreSQL server (PGlite runs one session, so requests
// there never overlap and the tests would prove nothing); on PGlite they are skipped.
import { and, count, eq, inArray } from 'drizzle-orm';
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
import { buildTestApp, type TestApp } from '../../../test/helpers/app.ts';
import { onPostgresServer } from '../../../test/helpers/database.ts';
import { offers } from '../../db/schema/catalog.ts';
import { orderLines, orderStatusHistory, orders } from '../../db/schema/orders.ts';

const server = onPostgresServer();
let t: TestApp;
let alpha: Supplier;
let beta: Supplier;
let staff: Actor;

beforeAll(async () => {
  if (!server) return;
  t = await buildTestApp({ workers: false });
  alpha = await createSupplier(t);
  beta = await createSupplier(t);
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

async function ordersOf(userIds: number[]): Promise<number> {
  const [row] = await t.runtime.db.select({ n: count() }).from(orders).where(inArray(orders.userId, userIds));
  return row.n;
}

describe.skipIf(!server)('concurrent checkouts (PostgreSQL server)', () => {
  it('sells the last 5 units to exactly 5 of 50 parallel checkouts; the rest take nothing', async () => {
    const hot = await createOffer(t.runtime, {
      shopId: alpha.shop.id,
      name: 'Последние',
      price: '100.00',
      quantity: 5,
    });
    const cold = await createOffer(t.runtime, { shopId: beta.shop.id, price: '1.00', quantity: 1000 });
    const buyers: Buyer[] = [];
    for (let i = 0; i < 50; i += 1) {
      const buyer = await createBuyer(t);
      await addToBasket(t, buyer, hot.id, 1);
      await addToBasket(t, buyer, cold.id, 2);
      buyers.push(buyer);
    }

    const answers = await Promise.all(buyers.map((buyer) => checkoutRequest(t, buyer)));
    const created = answers.filter((res) => res.statusCode === 201);
    const refused = answers.filter((res) => res.statusCode === 409);
    expect(created).toHaveLength(5);
    expect(refused).toHaveLength(45);
    for (const res of refused) {
      expect(res.json()).toMatchObject({
        code: 'out_of_stock',
        lines: [{ offer_id: hot.id, requested_quantity: 1, available_quantity: 0 }],
      });
    }
    expect(await stock(hot.id)).toBe(0);
    expect(await stock(cold.id)).toBe(1000 - 5 * 2);
    expect(await ordersOf(buyers.map((b) => b.user.id))).toBe(5);
    const [sold] = await t.runtime.db
      .select({ n: count() })
      .from(orderLines)
      .where(eq(orderLines.offerId, hot.id));
    expect(sold.n).toBe(5);
  });

  it('makes one order of 4 parallel confirmations with one Idempotency-Key', async () => {
    const buyer = await createBuyer(t);
    const offer = await createOffer(t.runtime, { shopId: alpha.shop.id, price: '10.00', quantity: 10 });
    await addToBasket(t, buyer, offer.id, 3);
    const answers = await Promise.all(
      Array.from({ length: 4 }, () =>
        checkoutRequest(t, buyer, { comment: 'один' }, { 'idempotency-key': 'k-parallel' }),
      ),
    );
    for (const res of answers) expect(res.statusCode, res.body).toBe(201);
    const ids = new Set(answers.map((res) => res.json().id));
    expect(ids.size).toBe(1);
    expect(answers.filter((res) => res.headers['idempotent-replayed'] === 'true')).toHaveLength(3);
    expect(await ordersOf([buyer.user.id])).toBe(1);
    expect(await stock(offer.id)).toBe(7);
  });

  it('makes one order of the same basket confirmed twice in parallel without a key', async () => {
    const buyer = await createBuyer(t);
    const offer = await createOffer(t.runtime, { shopId: alpha.shop.id, price: '10.00', quantity: 10 });
    await addToBasket(t, buyer, offer.id, 4);
    const answers = await Promise.all([checkoutRequest(t, buyer), checkoutRequest(t, buyer)]);
    expect(answers.map((res) => res.statusCode).sort()).toEqual([201, 409]);
    expect(answers.find((res) => res.statusCode === 409)!.json().code).toBe('basket_empty');
    expect(await ordersOf([buyer.user.id])).toBe(1);
    expect(await stock(offer.id)).toBe(6);
  });

  it('returns stock exactly once under parallel cancels by the buyer, staff and a supplier', async () => {
    const a = await createOffer(t.runtime, { shopId: alpha.shop.id, price: '10.00', quantity: 20 });
    const b = await createOffer(t.runtime, { shopId: beta.shop.id, price: '10.00', quantity: 20 });
    for (let round = 0; round < 3; round += 1) {
      const buyer = await createBuyer(t);
      const order = await placeOrder(t, buyer, [
        { offerId: a.id, quantity: 3 },
        { offerId: b.id, quantity: 5 },
      ]);
      const requests = [
        ...Array.from({ length: 4 }, () =>
          t.app.inject({
            method: 'POST',
            url: `/api/v2/orders/${order.id}/cancel`,
            headers: buyer.headers,
            payload: {},
          }),
        ),
        ...Array.from({ length: 4 }, () =>
          t.app.inject({
            method: 'POST',
            url: `/api/v2/admin/orders/${order.id}/status`,
            headers: staff.headers,
            payload: { state: 'canceled' },
          }),
        ),
        ...Array.from({ length: 2 }, () =>
          t.app.inject({
            method: 'POST',
            url: `/api/v2/supplier/orders/${order.id}/status`,
            headers: alpha.headers,
            payload: { state: 'canceled', note: 'нет товара' },
          }),
        ),
      ];
      const answers = await Promise.all(requests);
      for (const res of answers) expect([200, 409], res.body).toContain(res.statusCode);
      expect(answers.some((res) => res.statusCode === 200)).toBe(true);
      expect(await stock(a.id)).toBe(20);
      expect(await stock(b.id)).toBe(20);
      const [row] = await t.runtime.db
        .select({ state: orders.state })
        .from(orders)
        .where(eq(orders.id, order.id));
      expect(row.state).toBe('canceled');
      const cancels = await t.runtime.db
        .select({ partId: orderStatusHistory.partId })
        .from(orderStatusHistory)
        .where(and(eq(orderStatusHistory.orderId, order.id), eq(orderStatusHistory.toState, 'canceled')));
      // One row per part and one for the order: each canceled once.
      expect(cancels).toHaveLength(3);
      expect(new Set(cancels.map((c) => c.partId)).size).toBe(3);
    }
  });
});
