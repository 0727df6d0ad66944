import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOffer } from '../../../test/factories/catalog.ts';
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
import { ORDER_STATES, type OrderState, orderParts, orders } from '../../db/schema/orders.ts';
import {
  deriveOrderState,
  isAllowed,
  isOrderMoveAllowed,
  planOrderTransition,
  type Actor as Role,
} from './transitions.ts';

// The table spelled out move by move: anything not listed is forbidden. The buyer's part moves happen
// only through canceling the whole order, which the order-level table allows only from `new`.
const EXPECTED: Record<Role, string[]> = {
  buyer: ['new→canceled', 'confirmed→canceled', 'assembled→canceled', 'sent→canceled'],
  supplier: [
    'new→confirmed',
    'new→canceled',
    'confirmed→assembled',
    'confirmed→canceled',
    'assembled→sent',
    'assembled→canceled',
    'sent→delivered',
  ],
  staff: [
    'new→confirmed',
    'new→assembled',
    'new→sent',
    'new→delivered',
    'new→canceled',
    'confirmed→assembled',
    'confirmed→sent',
    'confirmed→delivered',
    'confirmed→canceled',
    'assembled→sent',
    'assembled→delivered',
    'assembled→canceled',
    'sent→delivered',
    'sent→canceled',
  ],
};

/** Moves of a whole order, where narrower than the parts' table. */
const EXPECTED_ORDER: Record<Role, string[]> = {
  buyer: ['new→canceled'],
  supplier: EXPECTED.supplier,
  staff: EXPECTED.staff,
};

const PAIRS = ORDER_STATES.flatMap((from) => ORDER_STATES.map((to) => [from, to] as const));

describe('the transition table', () => {
  for (const role of ['buyer', 'supplier', 'staff'] as const) {
    it(`allows exactly the listed moves for ${role}`, () => {
      const allowed = PAIRS.filter(([from, to]) => isAllowed(role, from, to)).map(
        ([from, to]) => `${from}→${to}`,
      );
      expect(allowed.sort()).toEqual([...EXPECTED[role]].sort());
      const orderMoves = PAIRS.filter(([from, to]) => isOrderMoveAllowed(role, from, to)).map(
        ([from, to]) => `${from}→${to}`,
      );
      expect(orderMoves.sort()).toEqual([...EXPECTED_ORDER[role]].sort());
    });
  }

  it('derives the order state from the parts', () => {
    expect(deriveOrderState(['new', 'sent'])).toBe('new');
    expect(deriveOrderState(['delivered', 'sent'])).toBe('sent');
    expect(deriveOrderState(['canceled', 'assembled'])).toBe('assembled');
    expect(deriveOrderState(['canceled', 'delivered'])).toBe('delivered');
    expect(deriveOrderState(['canceled', 'canceled'])).toBe('canceled');
  });

  it('plans an order move as part moves checked against the same table', () => {
    const parts = [{ state: 'new' as const }, { state: 'sent' as const }, { state: 'canceled' as const }];
    expect(planOrderTransition('staff', 'new', parts, 'assembled').map((m) => `${m.from}→${m.to}`)).toEqual([
      'new→assembled',
    ]);
    expect(planOrderTransition('staff', 'new', parts, 'canceled').map((m) => `${m.from}→${m.to}`)).toEqual([
      'new→canceled',
      'sent→canceled',
    ]);
    // The buyer cancels a new order whole, parts a supplier has moved on included…
    expect(planOrderTransition('buyer', 'new', parts, 'canceled').map((m) => `${m.from}→${m.to}`)).toEqual([
      'new→canceled',
      'sent→canceled',
    ]);
    // …but not an order that has moved on, nor one with a delivered part.
    expect(() =>
      planOrderTransition('buyer', 'confirmed', [{ state: 'confirmed' }, { state: 'sent' }], 'canceled'),
    ).toThrow();
    expect(() =>
      planOrderTransition('buyer', 'new', [{ state: 'new' }, { state: 'delivered' }], 'canceled'),
    ).toThrow();
    expect(() => planOrderTransition('buyer', 'new', parts, 'confirmed')).toThrow();
    expect(() =>
      planOrderTransition('staff', 'sent', [{ state: 'delivered' }, { state: 'sent' }], 'canceled'),
    ).toThrow();
  });
});

describe('the transition table through the API', () => {
  let t: TestApp;
  let supplier: Supplier;
  let buyer: Buyer;
  let staff: Actor;
  let offerId: number;

  beforeAll(async () => {
    t = await buildTestApp({ workers: false });
    supplier = await createSupplier(t);
    buyer = await createBuyer(t);
    staff = await createStaff(t);
    offerId = (await createOffer(t.runtime, { shopId: supplier.shop.id, price: '1.00', quantity: 1000 })).id;
  });
  afterAll(() => t?.close());

  /** A one-part order whose part (and so the order) is in `state`. */
  async function orderIn(state: OrderState): Promise<number> {
    const order = await placeOrder(t, buyer, [{ offerId }]);
    await t.runtime.db.update(orderParts).set({ state }).where(eq(orderParts.orderId, order.id));
    await t.runtime.db.update(orders).set({ state }).where(eq(orders.id, order.id));
    return order.id;
  }

  it('lets a supplier make every allowed move of its part and no other', async () => {
    for (const [from, to] of PAIRS) {
      const orderId = await orderIn(from);
      const res = await t.app.inject({
        method: 'POST',
        url: `/api/v2/supplier/orders/${orderId}/status`,
        headers: supplier.headers,
        payload: { state: to, note: 'причина' },
      });
      const expected = EXPECTED.supplier.includes(`${from}→${to}`) ? 200 : 409;
      expect(res.statusCode, `${from}→${to}: ${res.body}`).toBe(expected);
      if (expected === 200) expect(res.json().part.state).toBe(to);
      else expect(res.json()).toMatchObject({ code: 'invalid_transition', from, to });
    }
  });

  it('lets staff make every allowed move of an order and no other', async () => {
    for (const [from, to] of PAIRS) {
      const orderId = await orderIn(from);
      const res = await t.app.inject({
        method: 'POST',
        url: `/api/v2/admin/orders/${orderId}/status`,
        headers: staff.headers,
        payload: { state: to },
      });
      const expected = EXPECTED.staff.includes(`${from}→${to}`) ? 200 : 409;
      expect(res.statusCode, `${from}→${to}: ${res.body}`).toBe(expected);
      if (expected === 200) expect(res.json()).toMatchObject({ state: to, parts: [{ state: to }] });
    }
  });

  it('lets a buyer cancel only a new order', async () => {
    for (const from of ORDER_STATES) {
      const orderId = await orderIn(from);
      const res = await t.app.inject({
        method: 'POST',
        url: `/api/v2/orders/${orderId}/cancel`,
        headers: buyer.headers,
        payload: {},
      });
      expect(res.statusCode, `${from}: ${res.body}`).toBe(from === 'new' ? 200 : 409);
    }
  });

  it('validates the requested state and keeps suppliers and buyers out of staff routes', async () => {
    const orderId = await orderIn('new');
    const bad = await t.app.inject({
      method: 'POST',
      url: `/api/v2/admin/orders/${orderId}/status`,
      headers: staff.headers,
      payload: { state: 'shipped' },
    });
    expect(bad.statusCode).toBe(400);
    for (const who of [supplier, buyer]) {
      const res = await t.app.inject({
        method: 'POST',
        url: `/api/v2/admin/orders/${orderId}/status`,
        headers: who.headers,
        payload: { state: 'confirmed' },
      });
      expect(res.statusCode).toBe(403);
    }
  });
});
