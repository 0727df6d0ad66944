import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
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
import type { Offer } from '../../db/schema/catalog.ts';
import { offers } from '../../db/schema/catalog.ts';

let t: TestApp;
let alpha: Supplier;
let beta: Supplier;
let staff: Actor;

beforeAll(async () => {
  t = await buildTestApp();
  alpha = await createSupplier(t, { shop: { name: 'Альфа' } });
  beta = await createSupplier(t, { shop: { name: 'Бета' } });
  staff = await createStaff(t);
});
afterAll(() => t?.close());
beforeEach(() => t.mail.clear());

async function stock(offer: Offer): Promise<number> {
  const [row] = await t.runtime.db
    .select({ quantity: offers.quantity })
    .from(offers)
    .where(eq(offers.id, offer.id));
  return row.quantity;
}

/** A two-supplier order: 2 units from alpha, 3 from beta. */
async function twoPartOrder(buyer?: Buyer) {
  const who = buyer ?? (await createBuyer(t, { firstName: 'Ольга' }));
  const a = await createOffer(t.runtime, { shopId: alpha.shop.id, price: '100.00', quantity: 10 });
  const b = await createOffer(t.runtime, { shopId: beta.shop.id, price: '7.50', quantity: 10 });
  const order = await placeOrder(t, who, [
    { offerId: a.id, quantity: 2 },
    { offerId: b.id, quantity: 3 },
  ]);
  return { buyer: who, order, a, b };
}

function supplierMove(supplier: Supplier, orderId: number, state: string, note?: string) {
  return t.app.inject({
    method: 'POST',
    url: `/api/v2/supplier/orders/${orderId}/status`,
    headers: supplier.headers,
    payload: note === undefined ? { state } : { state, note },
  });
}

function staffMove(orderId: number, body: Record<string, unknown>) {
  return t.app.inject({
    method: 'POST',
    url: `/api/v2/admin/orders/${orderId}/status`,
    headers: staff.headers,
    payload: body,
  });
}

function buyerCancel(buyer: Buyer, orderId: number, note?: string) {
  return t.app.inject({
    method: 'POST',
    url: `/api/v2/orders/${orderId}/cancel`,
    headers: buyer.headers,
    payload: note === undefined ? {} : { note },
  });
}

function mailTo(email: string, subject: string) {
  return t.mail.waitFor((m) => m.recipients.includes(email.toLowerCase()) && m.subject === subject);
}

async function buyerView(buyer: Buyer, orderId: number) {
  const res = await t.app.inject({ method: 'GET', url: `/api/v2/orders/${orderId}`, headers: buyer.headers });
  expect(res.statusCode).toBe(200);
  return res.json();
}

describe('the order follows its parts', () => {
  it('moves to the least advanced state of its live parts, with history and an email on every change', async () => {
    const { buyer, order } = await twoPartOrder();

    let res = await supplierMove(alpha, order.id, 'confirmed', 'Есть на складе');
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      part: { state: 'confirmed' },
      allowed_states: ['assembled', 'canceled'],
    });
    expect((await buyerView(buyer, order.id)).state).toBe('new');

    res = await supplierMove(beta, order.id, 'confirmed');
    expect(res.statusCode).toBe(200);
    let view = await buyerView(buyer, order.id);
    expect(view.state).toBe('confirmed');
    expect(view.can_cancel).toBe(false);
    const confirmedMail = await mailTo(buyer.user.email, `Заказ ${order.number}: подтверждён`);
    expect(confirmedMail.text).toContain('новый → подтверждён');

    for (const state of ['assembled', 'sent', 'delivered']) {
      expect((await supplierMove(alpha, order.id, state)).statusCode).toBe(200);
    }
    expect((await buyerView(buyer, order.id)).state).toBe('confirmed');
    for (const state of ['assembled', 'sent']) {
      expect((await supplierMove(beta, order.id, state)).statusCode).toBe(200);
    }
    view = await buyerView(buyer, order.id);
    expect(view.state).toBe('sent');
    expect((await supplierMove(beta, order.id, 'delivered')).statusCode).toBe(200);
    view = await buyerView(buyer, order.id);
    expect(view.state).toBe('delivered');

    const orderMoves = view.history
      .filter((h: { part_id: number | null }) => h.part_id === null)
      .map((h: { from: string | null; to: string }) => `${h.from}→${h.to}`);
    expect(orderMoves).toEqual([
      'null→new',
      'new→confirmed',
      'confirmed→assembled',
      'assembled→sent',
      'sent→delivered',
    ]);
    const alphaMoves = view.history.filter((h: { shop_id: number }) => h.shop_id === alpha.shop.id);
    expect(alphaMoves[0]).toMatchObject({
      from: 'new',
      to: 'confirmed',
      note: 'Есть на складе',
      actor_role: 'supplier',
    });
    expect(alphaMoves).toHaveLength(4);

    // One email per change of the order's state (workers send several at once: any order).
    for (const state of ['подтверждён', 'собран', 'отправлен', 'доставлен']) {
      await mailTo(buyer.user.email, `Заказ ${order.number}: ${state}`);
    }
    const subjects = t.mail
      .to(buyer.user.email)
      .map((m) => m.subject)
      .filter((subject) => subject?.startsWith(`Заказ ${order.number}:`));
    expect(subjects.sort()).toEqual(
      ['подтверждён', 'собран', 'отправлен', 'доставлен'].map((s) => `Заказ ${order.number}: ${s}`).sort(),
    );
  });

  it('lets staff set the order state directly, cascading to the parts behind it', async () => {
    const { buyer, order } = await twoPartOrder();
    expect((await supplierMove(alpha, order.id, 'confirmed')).statusCode).toBe(200);
    expect((await supplierMove(alpha, order.id, 'assembled')).statusCode).toBe(200);

    const res = await staffMove(order.id, { state: 'assembled', note: 'Собрали за поставщика' });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body.state).toBe('assembled');
    expect(body.parts.map((p: { state: string }) => p.state)).toEqual(['assembled', 'assembled']);
    // Only the part that was behind moved.
    const staffRows = body.history.filter((h: { actor_role: string }) => h.actor_role === 'staff');
    expect(staffRows).toEqual([
      expect.objectContaining({
        shop_id: beta.shop.id,
        from: 'new',
        to: 'assembled',
        actor_id: staff.user.id,
      }),
      expect.objectContaining({ part_id: null, from: 'new', to: 'assembled', note: 'Собрали за поставщика' }),
    ]);
    const mail = await mailTo(buyer.user.email, `Заказ ${order.number}: собран`);
    expect(mail.text).toContain('Собрали за поставщика');

    // Backwards is never allowed.
    const back = await staffMove(order.id, { state: 'confirmed' });
    expect(back.statusCode).toBe(409);
    expect(back.json()).toMatchObject({ code: 'invalid_transition', from: 'assembled', to: 'confirmed' });
  });

  it('lets staff move one part with part_id', async () => {
    const { order } = await twoPartOrder();
    const betaPart = order.parts.find((p: { shop: { id: number } }) => p.shop.id === beta.shop.id);
    const res = await staffMove(order.id, { state: 'confirmed', part_id: betaPart.id });
    expect(res.statusCode).toBe(200);
    expect(res.json().parts.map((p: { state: string }) => p.state)).toEqual(['new', 'confirmed']);
    expect(res.json().state).toBe('new');
    const missing = await staffMove(order.id, { state: 'confirmed', part_id: 2_000_000 });
    expect(missing.statusCode).toBe(404);
  });
});

describe('cancel', () => {
  it('by the buyer while new: every part canceled, all stock back once, suppliers told', async () => {
    const { buyer, order, a, b } = await twoPartOrder();
    expect(await stock(a)).toBe(8);
    expect(await stock(b)).toBe(7);
    const res = await buyerCancel(buyer, order.id, 'Передумали');
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ state: 'canceled', can_cancel: false });
    expect(res.json().parts.map((p: { state: string }) => p.state)).toEqual(['canceled', 'canceled']);
    expect(await stock(a)).toBe(10);
    expect(await stock(b)).toBe(10);

    const again = await buyerCancel(buyer, order.id);
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe('invalid_transition');
    expect(await stock(a)).toBe(10);

    await mailTo(buyer.user.email, `Заказ ${order.number}: отменён`);
    const toAlpha = await mailTo(alpha.user.email, `Заказ ${order.number} отменён`);
    expect(toAlpha.text).toContain('Передумали');
    expect(toAlpha.text).toContain('200,00');
    expect(toAlpha.text).not.toContain('22,50');
  });

  it('by the buyer while the order is new, though a supplier has already confirmed its part', async () => {
    const { buyer, order, a, b } = await twoPartOrder();
    expect((await supplierMove(alpha, order.id, 'confirmed')).statusCode).toBe(200);
    const before = await buyerView(buyer, order.id);
    expect(before).toMatchObject({ state: 'new', can_cancel: true });
    t.mail.clear();

    const res = await buyerCancel(buyer, order.id, 'Передумали');
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ state: 'canceled', can_cancel: false });
    expect(res.json().parts.map((p: { state: string }) => p.state)).toEqual(['canceled', 'canceled']);
    const history = res.json().history;
    expect(history.slice(-3, -1)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          shop_id: alpha.shop.id,
          from: 'confirmed',
          to: 'canceled',
          note: 'Передумали',
        }),
        expect.objectContaining({ shop_id: beta.shop.id, from: 'new', to: 'canceled', note: 'Передумали' }),
      ]),
    );
    expect(history.at(-1)).toMatchObject({ shop_id: null, from: 'new', to: 'canceled', note: 'Передумали' });
    expect(await stock(a)).toBe(10);
    expect(await stock(b)).toBe(10);
    expect((await buyerCancel(buyer, order.id)).statusCode).toBe(409);
    expect(await stock(a)).toBe(10);

    await mailTo(buyer.user.email, `Заказ ${order.number}: отменён`);
    for (const supplier of [alpha, beta]) {
      const notice = await mailTo(supplier.user.email, `Заказ ${order.number} отменён`);
      expect(notice.text).toContain('Передумали');
    }
  });

  it('not by the buyer once the order has moved on, nor with a delivered part', async () => {
    const moved = await twoPartOrder();
    for (const supplier of [alpha, beta]) {
      expect((await supplierMove(supplier, moved.order.id, 'confirmed')).statusCode).toBe(200);
    }
    expect((await buyerView(moved.buyer, moved.order.id)).can_cancel).toBe(false);
    const late = await buyerCancel(moved.buyer, moved.order.id);
    expect(late.statusCode).toBe(409);
    expect(late.json()).toMatchObject({ code: 'invalid_transition', from: 'confirmed', to: 'canceled' });
    expect(await stock(moved.a)).toBe(8);

    // The order is still new (one part is), but a delivered part cannot be canceled.
    const delivered = await twoPartOrder();
    for (const state of ['confirmed', 'assembled', 'sent', 'delivered']) {
      expect((await supplierMove(alpha, delivered.order.id, state)).statusCode).toBe(200);
    }
    expect((await buyerView(delivered.buyer, delivered.order.id)).can_cancel).toBe(false);
    const res = await buyerCancel(delivered.buyer, delivered.order.id);
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ code: 'invalid_transition', blocking_part_state: 'delivered' });
    expect(await stock(delivered.b)).toBe(7);
  });

  it("not of another buyer's order", async () => {
    const { order } = await twoPartOrder();
    const stranger = await createBuyer(t);
    const res = await buyerCancel(stranger, order.id);
    expect(res.statusCode).toBe(404);
  });

  it('of its part by a supplier before sending, with a reason; the order follows the other part', async () => {
    const { buyer, order, a, b } = await twoPartOrder();
    const noReason = await supplierMove(alpha, order.id, 'canceled');
    expect(noReason.statusCode).toBe(400);
    expect(noReason.json().errors[0].field).toBe('body.note');
    const blank = await supplierMove(alpha, order.id, 'canceled', '   ');
    expect(blank.statusCode).toBe(400);

    const res = await supplierMove(alpha, order.id, 'canceled', 'Нет в наличии');
    expect(res.statusCode).toBe(200);
    expect(await stock(a)).toBe(10);
    expect(await stock(b)).toBe(7);
    let view = await buyerView(buyer, order.id);
    expect(view.state).toBe('new');
    expect(view.parts.map((p: { state: string }) => p.state)).toEqual(['canceled', 'new']);
    expect(view.history.at(-1)).toMatchObject({
      shop_id: alpha.shop.id,
      to: 'canceled',
      note: 'Нет в наличии',
    });

    // The order follows the remaining part…
    expect((await supplierMove(beta, order.id, 'confirmed')).statusCode).toBe(200);
    view = await buyerView(buyer, order.id);
    expect(view.state).toBe('confirmed');
    // …and is canceled when the last live part is.
    expect((await supplierMove(beta, order.id, 'canceled', 'Склад закрыт')).statusCode).toBe(200);
    view = await buyerView(buyer, order.id);
    expect(view.state).toBe('canceled');
    expect(await stock(b)).toBe(10);
  });

  it('by staff any time before delivery, returning only what was not canceled already', async () => {
    const { order, a, b } = await twoPartOrder();
    expect((await supplierMove(alpha, order.id, 'canceled', 'Нет в наличии')).statusCode).toBe(200);
    for (const state of ['confirmed', 'assembled', 'sent']) {
      expect((await supplierMove(beta, order.id, state)).statusCode).toBe(200);
    }
    const res = await staffMove(order.id, { state: 'canceled', note: 'Покупатель отказался' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().state).toBe('canceled');
    expect(await stock(a)).toBe(10);
    expect(await stock(b)).toBe(10);
    const toBeta = await mailTo(beta.user.email, `Заказ ${order.number} отменён`);
    expect(toBeta.text).toContain('администратором');
  });

  it('not by staff once a part is delivered', async () => {
    const { order, b } = await twoPartOrder();
    for (const state of ['confirmed', 'assembled', 'sent', 'delivered']) {
      expect((await supplierMove(beta, order.id, state)).statusCode).toBe(200);
    }
    const res = await staffMove(order.id, { state: 'canceled' });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ code: 'invalid_transition', blocking_part_state: 'delivered' });
    expect(await stock(b)).toBe(7);
  });
});
