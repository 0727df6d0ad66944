// Staff's order list (number filter, sorts with their own cursors), allowed_states on every order
// and part, one part moved by its own endpoint (buyer emailed), and the audit rows of state changes.
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

let t: TestApp;
let alpha: Supplier;
let beta: Supplier;
let staff: Actor;
let buyer: Buyer;
const placed: { id: number; number: string; total: string }[] = [];

beforeAll(async () => {
  t = await buildTestApp();
  alpha = await createSupplier(t, { shop: { name: 'Альфа' } });
  beta = await createSupplier(t, { shop: { name: 'Бета' } });
  staff = await createStaff(t);
  buyer = await createBuyer(t);
  // Five orders of totals 300, 100, 500, 100, 200 (two equal totals: the id breaks the tie).
  for (const price of ['300.00', '100.00', '500.00', '100.00', '200.00']) {
    const offer = await createOffer(t.runtime, { shopId: alpha.shop.id, price, quantity: 5 });
    placed.push(await placeOrder(t, buyer, [{ offerId: offer.id }]));
  }
});
afterAll(() => t?.close());

const get = (url: string, headers = staff.headers) => t.app.inject({ method: 'GET', url, headers });

async function walk(query: string, limit: number): Promise<number[]> {
  const ids: number[] = [];
  let cursor: string | null = null;
  do {
    const res = await get(
      `/api/v2/admin/orders?buyer_id=${buyer.user.id}&limit=${limit}&${query}${cursor ? `&cursor=${cursor}` : ''}`,
    );
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body.items.length).toBeLessThanOrEqual(limit);
    ids.push(...body.items.map((o: { id: number }) => o.id));
    cursor = body.next_cursor;
  } while (cursor);
  return ids;
}

describe('GET /api/v2/admin/orders', () => {
  it('sorts by date or total both ways, every page of each sort continuing where the last ended', async () => {
    const [o300, o100a, o500, o100b, o200] = placed.map((o) => o.id);
    for (const limit of [1, 2, 50]) {
      expect(await walk('', limit)).toEqual([o200, o100b, o500, o100a, o300]);
      expect(await walk('sort=-created_at', limit)).toEqual([o200, o100b, o500, o100a, o300]);
      expect(await walk('sort=created_at', limit)).toEqual([o300, o100a, o500, o100b, o200]);
      expect(await walk('sort=total', limit)).toEqual([o100a, o100b, o200, o300, o500]);
      expect(await walk('sort=-total', limit)).toEqual([o500, o300, o200, o100b, o100a]);
      expect(await walk(`sort=-total&shop_id=${alpha.shop.id}`, limit)).toEqual([
        o500,
        o300,
        o200,
        o100b,
        o100a,
      ]);
    }
    const first = (await get(`/api/v2/admin/orders?buyer_id=${buyer.user.id}&limit=1&sort=total`)).json();
    const mixed = await get(`/api/v2/admin/orders?limit=1&sort=-created_at&cursor=${first.next_cursor}`);
    expect(mixed.statusCode).toBe(400);
    expect((await get('/api/v2/admin/orders?sort=price')).statusCode).toBe(400);
  });

  it('finds an order by its number, exactly or by its beginning', async () => {
    const target = placed[2];
    const ids = async (number: string) => {
      const res = await get(`/api/v2/admin/orders?number=${encodeURIComponent(number)}`);
      expect(res.statusCode, res.body).toBe(200);
      return res.json().items.map((o: { id: number }) => o.id);
    };
    expect(await ids(target.number)).toEqual([target.id]);
    expect(await ids(target.number.toLowerCase())).toEqual([target.id]);
    expect(await ids(String(target.id))).toEqual([target.id]);
    // Every order of this file is below 100: "Z-0000" begins all their numbers.
    expect((await ids('Z-0000')).sort((a: number, b: number) => a - b)).toEqual(placed.map((o) => o.id));
    expect(await ids('Z-9')).toEqual([]);
    expect((await get('/api/v2/admin/orders?number=abc')).statusCode).toBe(400);
  });

  it('gives allowed_states for every order and part in the list', async () => {
    const res = (await get(`/api/v2/admin/orders?number=${placed[0].number}`)).json();
    expect(res.items[0].allowed_states).toEqual(['confirmed', 'assembled', 'sent', 'delivered', 'canceled']);
    expect(res.items[0].parts[0].allowed_states).toEqual([
      'confirmed',
      'assembled',
      'sent',
      'delivered',
      'canceled',
    ]);
  });

  it('is for staff only', async () => {
    for (const who of [buyer, alpha]) {
      expect((await get('/api/v2/admin/orders', who.headers)).statusCode).toBe(403);
      const move = await t.app.inject({
        method: 'POST',
        url: `/api/v2/admin/orders/${placed[0].id}/parts/1/status`,
        headers: who.headers,
        payload: { state: 'confirmed' },
      });
      expect(move.statusCode).toBe(403);
    }
  });
});

describe('POST /api/v2/admin/orders/:id/parts/:part_id/status', () => {
  it('moves one part to an allowed state, emails the buyer, audits it; refuses others and leaves no row', async () => {
    const a = await createOffer(t.runtime, { shopId: alpha.shop.id, price: '10.00', quantity: 5 });
    const b = await createOffer(t.runtime, { shopId: beta.shop.id, price: '20.00', quantity: 5 });
    const order = await placeOrder(t, buyer, [{ offerId: a.id }, { offerId: b.id }]);
    const detail = (await get(`/api/v2/admin/orders/${order.id}`)).json();
    const [partA, partB] = detail.parts;
    expect(partA.allowed_states).toEqual(['confirmed', 'assembled', 'sent', 'delivered', 'canceled']);

    const move = (partId: number, state: string, note?: string) =>
      t.app.inject({
        method: 'POST',
        url: `/api/v2/admin/orders/${order.id}/parts/${partId}/status`,
        headers: staff.headers,
        payload: note ? { state, note } : { state },
      });
    const moved = await move(partA.id, 'delivered', 'Доставлено курьером');
    expect(moved.statusCode, moved.body).toBe(200);
    const body = moved.json();
    expect(body.parts.map((p: { state: string }) => p.state)).toEqual(['delivered', 'new']);
    expect(body.parts[0].allowed_states).toEqual([]);
    expect(body.parts[1].allowed_states).toEqual(['confirmed', 'assembled', 'sent', 'delivered', 'canceled']);
    // A delivered part cannot be canceled, so neither can the whole order: the console is not offered it.
    expect(body.allowed_states).not.toContain('canceled');
    await t.mail.waitFor(
      (m) =>
        m.recipients.includes(buyer.user.email) && m.subject?.startsWith(`Заказ ${order.number}`) === true,
    );

    const refused = await move(partA.id, 'canceled', 'Поздно');
    expect(refused.statusCode).toBe(409);
    expect(refused.json().code).toBe('invalid_transition');
    expect((await move(999_999, 'confirmed')).statusCode).toBe(404);
    const wholeRefused = await t.app.inject({
      method: 'POST',
      url: `/api/v2/admin/orders/${order.id}/status`,
      headers: staff.headers,
      payload: { state: 'canceled', note: 'Отмена' },
    });
    expect(wholeRefused.statusCode).toBe(409);

    const whole = await t.app.inject({
      method: 'POST',
      url: `/api/v2/admin/orders/${order.id}/status`,
      headers: staff.headers,
      payload: { state: 'confirmed', note: 'Подтверждаю' },
    });
    expect(whole.statusCode, whole.body).toBe(200);

    const partAudit = (await get(`/api/v2/admin/audit?object_type=order_part&object_id=${partA.id}`)).json()
      .items;
    expect(partAudit).toEqual([
      expect.objectContaining({
        kind: 'order_part.status_changed',
        actor_id: staff.user.id,
        before: { order_id: order.id, state: 'new', order_state: 'new' },
        after: { order_id: order.id, state: 'delivered', order_state: 'new' },
        note: 'Доставлено курьером',
      }),
    ]);
    const orderAudit = (await get(`/api/v2/admin/audit?object_type=order&object_id=${order.id}`)).json()
      .items;
    expect(orderAudit).toEqual([
      expect.objectContaining({
        kind: 'order.status_changed',
        before: { state: 'new', parts: [{ id: partB.id, state: 'new' }] },
        after: { state: 'confirmed', parts: [{ id: partB.id, state: 'confirmed' }] },
        note: 'Подтверждаю',
      }),
    ]);
    const byActor = (
      await get(`/api/v2/admin/audit?actor_id=${staff.user.id}&kind=order.status_changed`)
    ).json();
    expect(byActor.items.map((e: { object_id: string }) => e.object_id)).toEqual([String(order.id)]);
  });
});
