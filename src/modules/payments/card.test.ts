// Card payments with the sandbox provider through the API: the buyer is sent to Zakupka's own
// payment page, its signed notification marks the order paid exactly once; unsigned, wrongly signed
// and wrong-amount notifications change nothing; a canceled paid part is refunded (card through
// the provider, bank by a transfer staff mark done) and the buyer is emailed.
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
import { sandboxKey, signSandbox } from './providers/sandbox.ts';

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

async function startCard(buyer: Buyer, orderId: number) {
  const res = await t.app.inject({
    method: 'POST',
    url: `/api/v2/orders/${orderId}/payments/card`,
    headers: buyer.headers,
    payload: { return_path: `/orders/${orderId}` },
  });
  return res;
}

/** Opens the sandbox page and reads the signed notifications its buttons post. */
async function sandboxPage(redirectUrl: string) {
  const path = new URL(redirectUrl).pathname;
  const page = await t.app.inject({ method: 'GET', url: path });
  expect(page.statusCode, page.body).toBe(200);
  expect(page.headers['content-type']).toContain('text/html');
  const json = /<script id="sandbox-data" type="application\/json">(.*?)<\/script>/s.exec(page.body)![1];
  const data = JSON.parse(json) as {
    header: string;
    pay: { body: string; signature: string };
    decline: { body: string; signature: string };
    back: string;
  };
  return { html: page.body.replace(/\u00a0/g, ' '), data };
}

function notify(body: string, signature?: string) {
  return t.app.inject({
    method: 'POST',
    url: '/api/v2/payments/notifications/sandbox',
    headers: {
      'content-type': 'application/json',
      ...(signature ? { 'x-sandbox-signature': signature } : {}),
    },
    payload: body,
  });
}

async function paymentsView(actor: Actor, orderId: number) {
  return (
    await t.app.inject({ method: 'GET', url: `/api/v2/orders/${orderId}/payments`, headers: actor.headers })
  ).json();
}

describe('card payments through the sandbox', () => {
  it('pays the order exactly once however often the notification comes', async () => {
    const { buyer, order, alphaPart, betaPart } = await twoPartOrder();
    const started = await startCard(buyer, order.id);
    expect(started.statusCode, started.body).toBe(201);
    const { redirect_url, card_payment } = started.json();
    expect(redirect_url).toMatch(/^http:\/\/zakupka\.test\/api\/v2\/payments\/sandbox\/sbx_[0-9a-f]{24}$/);
    expect(card_payment).toMatchObject({
      provider: 'sandbox',
      status: 'pending',
      amount: '1222.50',
      currency: 'RUB',
    });

    const { html, data } = await sandboxPage(redirect_url);
    expect(html).toContain(order.number);
    expect(html).toContain('1 222,50');
    // Back on the origin the page was opened at (the path under PUBLIC_URL).
    expect(data.back).toBe(`/orders/${order.id}`);

    const first = await notify(data.pay.body, data.pay.signature);
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json().outcome).toBe('recorded');
    for (let i = 0; i < 2; i += 1) {
      const again = await notify(data.pay.body, data.pay.signature);
      expect(again.json().outcome).toBe('duplicate');
    }
    const mail = await t.mail.waitFor(
      (m) => m.recipients.includes(buyer.user.email) && m.subject!.includes('оплата'),
    );
    expect(mail.subject?.replace(/\u00a0/g, ' ')).toContain('получена оплата 1 222,50');

    const view = await paymentsView(buyer, order.id);
    expect(view).toMatchObject({ status: 'paid', paid_amount: '1222.50', due_amount: '0.00' });
    expect(view.card_payments).toEqual([expect.objectContaining({ status: 'succeeded' })]);
    const byPart = Object.fromEntries(
      view.parts.map((p: { part_id: number; payments: { amount: string; method: string }[] }) => [
        p.part_id,
        p.payments.map((x) => [x.method, x.amount]),
      ]),
    );
    expect(byPart).toEqual({ [alphaPart]: [['card', '1200.00']], [betaPart]: [['card', '22.50']] });

    const page = await sandboxPage(redirect_url);
    expect(page.html).toContain('уже оплачен');
    const nothing = await startCard(buyer, order.id);
    expect(nothing.statusCode).toBe(409);
    expect(nothing.json().code).toBe('nothing_to_pay');
  });

  it('an unsigned, wrongly signed or tampered notification is 401 and changes nothing', async () => {
    const { buyer, order } = await twoPartOrder();
    const { redirect_url } = (await startCard(buyer, order.id)).json();
    const { data } = await sandboxPage(redirect_url);
    expect((await notify(data.pay.body)).statusCode).toBe(401);
    const wrong = await notify(data.pay.body, `sha256=${'0'.repeat(64)}`);
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json().code).toBe('invalid_notification_signature');
    const tampered = await notify(data.pay.body.replace('1222.50', '1.00'), data.pay.signature);
    expect(tampered.statusCode).toBe(401);
    const view = await paymentsView(buyer, order.id);
    expect(view.status).toBe('unpaid');
    expect(view.card_payments[0].status).toBe('pending');
    const log = await t.app.inject({
      method: 'GET',
      url: '/api/v2/admin/payments/notifications',
      headers: staff.headers,
    });
    expect(
      log
        .json()
        .items.filter((n: { provider_object_id: string }) => redirect_url.endsWith(n.provider_object_id)),
    ).toEqual([]);
  });

  it('a notification of another amount or currency is refused and logged for staff', async () => {
    const { buyer, order } = await twoPartOrder();
    const { redirect_url } = (await startCard(buyer, order.id)).json();
    const { data } = await sandboxPage(redirect_url);
    const key = sandboxKey(t.runtime.authSecret);
    for (const [from, to] of [
      ['"value":"1222.50"', '"value":"1.00"'],
      ['"currency":"RUB"', '"currency":"USD"'],
    ]) {
      const body = data.pay.body.replace(from, to);
      const res = await notify(body, signSandbox(key, body));
      expect(res.statusCode, res.body).toBe(422);
      expect(res.json().code).toBe('payment_amount_mismatch');
    }
    expect((await paymentsView(buyer, order.id)).status).toBe('unpaid');
    const log = await t.app.inject({
      method: 'GET',
      url: '/api/v2/admin/payments/notifications?outcome=refused_amount_mismatch',
      headers: staff.headers,
    });
    const refused = log
      .json()
      .items.filter((n: { provider_object_id: string }) => redirect_url.endsWith(n.provider_object_id));
    expect(refused).toHaveLength(2);
    expect(refused[0].detail).toContain('the payment is 1222.50 RUB');
  });

  it('a declined payment is canceled; a success arriving after it records nothing', async () => {
    const { buyer, order } = await twoPartOrder();
    const { redirect_url } = (await startCard(buyer, order.id)).json();
    const { data } = await sandboxPage(redirect_url);
    expect((await notify(data.decline.body, data.decline.signature)).json().outcome).toBe('canceled');
    expect((await notify(data.pay.body, data.pay.signature)).json().outcome).toBe('duplicate');
    const view = await paymentsView(buyer, order.id);
    expect(view.status).toBe('unpaid');
    expect(view.card_payments[0].status).toBe('canceled');
    // The buyer may try again: a new card payment of the whole amount.
    const retry = await startCard(buyer, order.id);
    expect(retry.statusCode).toBe(201);
    expect(retry.json().card_payment.amount).toBe('1222.50');
  });
});

describe('refunds of canceled parts', () => {
  it('a card-paid part canceled by its supplier is refunded through the provider', async () => {
    const { buyer, order, alphaPart, betaPart } = await twoPartOrder();
    const { redirect_url } = (await startCard(buyer, order.id)).json();
    const { data } = await sandboxPage(redirect_url);
    expect((await notify(data.pay.body, data.pay.signature)).json().outcome).toBe('recorded');
    await t.mail.waitFor((m) => m.recipients.includes(buyer.user.email) && m.subject!.includes('оплата'));

    const cancel = await t.app.inject({
      method: 'POST',
      url: `/api/v2/supplier/orders/${order.id}/status`,
      headers: alpha.headers,
      payload: { state: 'canceled', note: 'Нет на складе' },
    });
    expect(cancel.statusCode, cancel.body).toBe(200);
    const mail = await t.mail.waitFor(
      (m) => m.recipients.includes(buyer.user.email) && m.subject!.includes('возврат'),
    );
    expect(mail.subject?.replace(/\u00a0/g, ' ')).toBe(`Заказ ${order.number}: возврат 1 200,00 ₽`);
    expect(mail.text).toContain('вернутся на карту');

    const view = await paymentsView(staff, order.id);
    const alphaView = view.parts.find((p: { part_id: number }) => p.part_id === alphaPart);
    expect(alphaView).toMatchObject({
      status: 'refunded',
      paid_amount: '1200.00',
      refunded_amount: '1200.00',
    });
    expect(alphaView.refunds).toEqual([
      expect.objectContaining({ method: 'card', amount: '1200.00', status: 'succeeded' }),
    ]);
    expect(view.parts.find((p: { part_id: number }) => p.part_id === betaPart).status).toBe('paid');
    expect(view.status).toBe('partially_refunded');
    expect(view.history.map((e: { kind: string }) => e.kind)).toEqual([
      'payment_recorded',
      'payment_recorded',
      'refund_created',
      'refund_succeeded',
    ]);
  });

  it('a bank-paid order canceled by the buyer gets a transfer refund that staff mark done', async () => {
    const { buyer, order, alphaPart } = await twoPartOrder();
    const paid = await t.app.inject({
      method: 'POST',
      url: `/api/v2/orders/${order.id}/parts/${alphaPart}/payments`,
      headers: staff.headers,
      payload: { amount: '500.00', paid_at: new Date().toISOString(), reference: 'п/п № 3' },
    });
    expect(paid.statusCode).toBe(201);
    const cancel = await t.app.inject({
      method: 'POST',
      url: `/api/v2/orders/${order.id}/cancel`,
      headers: buyer.headers,
    });
    expect(cancel.statusCode, cancel.body).toBe(200);

    let pending: { id: number; part_id: number; amount: string; method: string }[] = [];
    for (let i = 0; i < 40 && pending.length === 0; i += 1) {
      const list = await t.app.inject({
        method: 'GET',
        url: '/api/v2/admin/payments/refunds?status=pending',
        headers: staff.headers,
      });
      pending = list.json().items.filter((r: { order_id: number }) => r.order_id === order.id);
      if (pending.length === 0) await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(pending).toEqual([
      expect.objectContaining({ part_id: alphaPart, amount: '500.00', method: 'bank_transfer' }),
    ]);
    expect((await paymentsView(buyer, order.id)).parts[0].status).not.toBe('refunded');

    const done = await t.app.inject({
      method: 'POST',
      url: `/api/v2/admin/payments/refunds/${pending[0].id}/complete`,
      headers: staff.headers,
      payload: { reference: 'п/п № 77 от 04.12.2026' },
    });
    expect(done.statusCode, done.body).toBe(200);
    expect(done.json()).toMatchObject({ status: 'succeeded', reference: 'п/п № 77 от 04.12.2026' });
    const twice = await t.app.inject({
      method: 'POST',
      url: `/api/v2/admin/payments/refunds/${pending[0].id}/complete`,
      headers: staff.headers,
      payload: { reference: 'x' },
    });
    expect(twice.json().code).toBe('refund_not_pending');
    const mail = await t.mail.waitFor(
      (m) => m.recipients.includes(buyer.user.email) && m.subject!.includes('возврат'),
    );
    expect(mail.text).toContain('п/п № 77 от 04.12.2026');
    const view = await paymentsView(buyer, order.id);
    expect(view.parts.find((p: { part_id: number }) => p.part_id === alphaPart).status).toBe('refunded');
  });
});
