// Recording and voiding bank payments through the API: who may, what the parts and the order show,
// the history, the buyer's email, and the staff list filtered by payment status.
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createOffer } from '../../../test/factories/catalog.ts';
import {
  type Actor,
  createBuyer,
  createStaff,
  createSupplier,
  placeOrder,
  type Supplier,
} from '../../../test/factories/orders.ts';
import { buildTestApp, type TestApp } from '../../../test/helpers/app.ts';
import { webhookDeliveries } from '../../db/schema/webhooks.ts';

let t: TestApp;
let alpha: Supplier;
let beta: Supplier;
let staff: Actor;

beforeAll(async () => {
  // Webhook endpoints on 127.0.0.1 (nothing listens: only the delivery rows matter here).
  t = await buildTestApp({ env: { ALLOW_PRIVATE_IMPORT_URLS: 'true' } });
  alpha = await createSupplier(t, { shop: { name: 'Альфа' } });
  beta = await createSupplier(t, { shop: { name: 'Бета' } });
  staff = await createStaff(t);
});
afterAll(() => t?.close());
beforeEach(() => t.mail.clear());

/** Alpha's part 1 200.00 (2 × 600), beta's 22.50 (3 × 7.50). */
async function twoPartOrder() {
  const buyer = await createBuyer(t, { firstName: 'Ольга' });
  const a = await createOffer(t.runtime, { shopId: alpha.shop.id, price: '600.00', quantity: 10 });
  const b = await createOffer(t.runtime, { shopId: beta.shop.id, price: '7.50', quantity: 10 });
  const order = await placeOrder(t, buyer, [
    { offerId: a.id, quantity: 2 },
    { offerId: b.id, quantity: 3 },
  ]);
  const partOf = (supplier: Supplier) =>
    order.parts.find((part: { shop: { id: number } }) => part.shop.id === supplier.shop.id).id as number;
  return { buyer, order, alphaPart: partOf(alpha), betaPart: partOf(beta) };
}

function record(actor: Actor, orderId: number, partId: number, amount: string, reference = 'п/п № 1') {
  return t.app.inject({
    method: 'POST',
    url: `/api/v2/orders/${orderId}/parts/${partId}/payments`,
    headers: actor.headers,
    payload: { amount, paid_at: new Date().toISOString(), reference },
  });
}

async function paymentsView(actor: Actor, orderId: number) {
  const res = await t.app.inject({
    method: 'GET',
    url: `/api/v2/orders/${orderId}/payments`,
    headers: actor.headers,
  });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

describe('recording bank payments', () => {
  it('a new order is unpaid everywhere', async () => {
    const { buyer, order } = await twoPartOrder();
    expect(order.payment).toEqual({ status: 'unpaid', paid_amount: '0.00', refunded_amount: '0.00' });
    expect(order.parts.map((part: { payment: { status: string } }) => part.payment.status)).toEqual([
      'unpaid',
      'unpaid',
    ]);
    const list = await t.app.inject({ method: 'GET', url: '/api/v2/orders', headers: buyer.headers });
    expect(list.json().items[0].payment_status).toBe('unpaid');
  });

  it('partial, full and over-payments move the part and the order; the buyer is emailed', async () => {
    const { buyer, order, alphaPart, betaPart } = await twoPartOrder();
    const first = await record(alpha, order.id, alphaPart, '200.00', 'п/п № 17 от 01.12.2026');
    expect(first.statusCode, first.body).toBe(201);
    expect(first.json()).toMatchObject({
      amount: '200.00',
      method: 'bank_transfer',
      source: 'manual',
      reference: 'п/п № 17 от 01.12.2026',
      recorded_by: { id: alpha.user.id, role: 'supplier' },
      voided: false,
    });
    const mail = await t.mail.waitFor(
      (m) => m.recipients.includes(buyer.user.email) && m.subject!.includes('оплата'),
    );
    expect(mail.subject).toContain('получена оплата 200,00');

    let view = await paymentsView(buyer, order.id);
    expect(view.status).toBe('partially_paid');
    expect(view.parts.find((p: { part_id: number }) => p.part_id === alphaPart)).toMatchObject({
      status: 'partially_paid',
      paid_amount: '200.00',
      due_amount: '1000.00',
    });

    expect((await record(staff, order.id, alphaPart, '1000')).statusCode).toBe(201);
    expect((await record(beta, order.id, betaPart, '30.00')).statusCode).toBe(201);
    view = await paymentsView(staff, order.id);
    expect(view.parts.map((p: { status: string }) => p.status)).toEqual(['paid', 'overpaid']);
    expect(view).toMatchObject({ status: 'overpaid', paid_amount: '1230.00', due_amount: '0.00' });

    const detail = await t.app.inject({
      method: 'GET',
      url: `/api/v2/orders/${order.id}`,
      headers: buyer.headers,
    });
    expect(detail.json().payment).toEqual({
      status: 'overpaid',
      paid_amount: '1230.00',
      refunded_amount: '0.00',
    });
    const supplierView = await t.app.inject({
      method: 'GET',
      url: `/api/v2/supplier/orders/${order.id}`,
      headers: alpha.headers,
    });
    expect(supplierView.json().part.payment.status).toBe('paid');
  });

  it('emails the buyer in English when that is the buyer’s preference', async () => {
    const buyer = await createBuyer(t, { firstName: 'Olga', preferredLanguage: 'en' });
    const offer = await createOffer(t.runtime, { shopId: alpha.shop.id, price: '99.90', quantity: 5 });
    const order = await placeOrder(t, buyer, [{ offerId: offer.id }]);
    expect((await record(alpha, order.id, order.parts[0].id, '99.90')).statusCode).toBe(201);
    const mail = await t.mail.waitFor(
      (m) => m.recipients.includes(buyer.user.email) && (m.subject ?? '').includes('payment'),
    );
    expect(mail.subject).toBe(`Order ${order.number}: payment of 99.90 RUB received`);
    expect(mail.text).toContain('Hello Olga,');
    expect(mail.text).toContain('(bank transfer)');
  });

  it('sends payment.received in the same transaction: the buyer and the part’s supplier, not the other', async () => {
    const { buyer, order, alphaPart } = await twoPartOrder();
    const endpoints: Record<string, number> = {};
    for (const [name, actor] of [
      ['buyer', buyer],
      ['alpha', alpha],
      ['beta', beta],
    ] as const) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/v2/webhooks',
        headers: actor.headers,
        payload: { url: `http://127.0.0.1:9/${name}`, events: ['payment.received'] },
      });
      expect(res.statusCode, res.body).toBe(201);
      endpoints[name] = res.json().id;
    }
    const payment = (await record(alpha, order.id, alphaPart, '300.00', 'п/п № 5')).json();
    const rows = await t.runtime.db
      .select({ endpointId: webhookDeliveries.endpointId, body: webhookDeliveries.body })
      .from(webhookDeliveries)
      .where(eq(webhookDeliveries.eventType, 'payment.received'));
    const to = (name: string) => rows.filter((row) => row.endpointId === endpoints[name]);
    expect(to('beta')).toEqual([]);
    for (const name of ['buyer', 'alpha']) {
      expect(to(name)).toHaveLength(1);
      expect(JSON.parse(to(name)[0].body).data).toMatchObject({
        order_id: order.id,
        order_number: order.number,
        payments: [
          {
            id: payment.id,
            part_id: alphaPart,
            amount: '300.00',
            method: 'bank_transfer',
            reference: 'п/п № 5',
          },
        ],
      });
    }
  });

  it('a supplier sees and records only its own part; the buyer cannot record', async () => {
    const { buyer, order, alphaPart, betaPart } = await twoPartOrder();
    expect((await record(alpha, order.id, betaPart, '1.00')).statusCode).toBe(404);
    expect((await record(buyer, order.id, alphaPart, '1.00')).statusCode).toBe(403);
    const view = await paymentsView(beta, order.id);
    expect(view.parts.map((p: { part_id: number }) => p.part_id)).toEqual([betaPart]);
    expect(view.total).toBe('22.50');
    const stranger = await createSupplier(t);
    const res = await t.app.inject({
      method: 'GET',
      url: `/api/v2/orders/${order.id}/payments`,
      headers: stranger.headers,
    });
    expect(res.statusCode).toBe(404);
  });

  it('refuses a zero amount and a date far ahead', async () => {
    const { order, alphaPart } = await twoPartOrder();
    expect((await record(staff, order.id, alphaPart, '0.00')).statusCode).toBe(400);
    const res = await t.app.inject({
      method: 'POST',
      url: `/api/v2/orders/${order.id}/parts/${alphaPart}/payments`,
      headers: staff.headers,
      payload: { amount: '5.00', paid_at: '2999-01-01T00:00:00Z', reference: '' },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors[0].field).toBe('body.paid_at');
  });

  it('voiding keeps the payment and the reason in the history and recomputes the status', async () => {
    const { order, alphaPart } = await twoPartOrder();
    const payment = (await record(staff, order.id, alphaPart, '1200.00')).json();
    const url = `/api/v2/orders/${order.id}/parts/${alphaPart}/payments/${payment.id}/void`;
    const voided = await t.app.inject({
      method: 'POST',
      url,
      headers: alpha.headers,
      payload: { reason: 'Платёж другого клиента' },
    });
    expect(voided.statusCode, voided.body).toBe(200);
    expect(voided.json()).toMatchObject({ voided: true, void_reason: 'Платёж другого клиента' });
    const again = await t.app.inject({
      method: 'POST',
      url,
      headers: staff.headers,
      payload: { reason: 'x' },
    });
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe('payment_already_voided');

    const view = await paymentsView(staff, order.id);
    const part = view.parts.find((p: { part_id: number }) => p.part_id === alphaPart);
    expect(part).toMatchObject({ status: 'unpaid', paid_amount: '0.00' });
    expect(part.payments).toHaveLength(1);
    expect(view.history.map((e: { kind: string; note: string }) => [e.kind, e.note])).toEqual([
      ['payment_recorded', 'п/п № 1'],
      ['payment_voided', 'Платёж другого клиента'],
    ]);
  });

  it('staff filter orders by payment status, also per shop', async () => {
    const { order, alphaPart } = await twoPartOrder();
    await record(staff, order.id, alphaPart, '1200.00');
    const list = async (query: string) =>
      (await t.app.inject({ method: 'GET', url: `/api/v2/admin/orders?${query}`, headers: staff.headers }))
        .json()
        .items.map((item: { id: number }) => item.id);
    expect(await list('payment_status=partially_paid')).toContain(order.id);
    expect(await list('payment_status=unpaid')).not.toContain(order.id);
    expect(await list(`payment_status=paid&shop_id=${alpha.shop.id}`)).toContain(order.id);
    expect(await list(`payment_status=unpaid&shop_id=${beta.shop.id}`)).toContain(order.id);
    expect(await list(`payment_status=paid&shop_id=${beta.shop.id}`)).not.toContain(order.id);
  });
});
