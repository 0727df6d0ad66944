// The YooKassa v3 adapter against a local fake of its HTTP API (never the internet): creation with
// Basic auth and an Idempotence-Key, the buyer sent to confirmation_url, notifications believed only
// after the payment is fetched, and a canceled part refunded through POST /refunds.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOffer } from '../../../test/factories/catalog.ts';
import { createBuyer, createSupplier, placeOrder, type Supplier } from '../../../test/factories/orders.ts';
import { buildTestApp, type TestApp } from '../../../test/helpers/app.ts';

interface FakePayment {
  id: string;
  status: string;
  amount: { value: string; currency: string };
  confirmation: { type: 'redirect'; confirmation_url: string; return_url: string };
  metadata: Record<string, string>;
}

/** Just enough of https://api.yookassa.ru/v3 to be told apart from a wrong client. */
class FakeYooKassa {
  server: Server;
  payments = new Map<string, FakePayment>();
  refunds = new Map<
    string,
    { id: string; payment_id: string; status: string; amount: FakePayment['amount'] }
  >();
  byKey = new Map<string, unknown>();
  requests: { method: string; path: string; key?: string; auth?: string }[] = [];
  url = '';

  constructor() {
    this.server = createServer((req, res) =>
      this.handle(req).then(([status, body]) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      }),
    );
  }

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/v3`;
  }

  async handle(req: IncomingMessage): Promise<[number, unknown]> {
    let raw = '';
    for await (const chunk of req) raw += chunk;
    const path = (req.url ?? '').replace(/^\/v3/, '');
    const key = req.headers['idempotence-key'] as string | undefined;
    this.requests.push({ method: req.method!, path, key, auth: req.headers.authorization });
    if (req.headers.authorization !== `Basic ${Buffer.from('shop-42:test_secret').toString('base64')}`) {
      return [401, { type: 'error', code: 'invalid_credentials' }];
    }
    if (req.method === 'POST' && !key) return [400, { type: 'error', code: 'invalid_request' }];
    if (key && this.byKey.has(key)) return [200, this.byKey.get(key)];
    if (req.method === 'POST' && path === '/payments') {
      const body = JSON.parse(raw);
      const id = `2f${String(this.payments.size + 1).padStart(6, '0')}-000f-5000-8000-18db351245c7`;
      const payment: FakePayment = {
        id,
        status: 'pending',
        amount: body.amount,
        confirmation: {
          type: 'redirect',
          confirmation_url: `https://yoomoney.example/checkout/payments/v2/contract?orderId=${id}`,
          return_url: body.confirmation.return_url,
        },
        metadata: body.metadata,
      };
      this.payments.set(id, payment);
      this.byKey.set(key!, payment);
      return [200, payment];
    }
    if (req.method === 'GET' && path.startsWith('/payments/')) {
      const payment = this.payments.get(decodeURIComponent(path.slice('/payments/'.length)));
      return payment ? [200, payment] : [404, { type: 'error', code: 'not_found' }];
    }
    if (req.method === 'POST' && path === '/refunds') {
      const body = JSON.parse(raw);
      const refund = {
        id: `rf-${this.refunds.size + 1}`,
        payment_id: body.payment_id,
        status: 'succeeded',
        amount: body.amount,
      };
      this.refunds.set(refund.id, refund);
      this.byKey.set(key!, refund);
      return [200, refund];
    }
    if (req.method === 'GET' && path.startsWith('/refunds/')) {
      const refund = this.refunds.get(path.slice('/refunds/'.length));
      return refund ? [200, refund] : [404, { type: 'error', code: 'not_found' }];
    }
    return [404, { type: 'error', code: 'not_found' }];
  }
}

let t: TestApp;
let fake: FakeYooKassa;
let alpha: Supplier;

beforeAll(async () => {
  fake = new FakeYooKassa();
  await fake.start();
  t = await buildTestApp({
    env: {
      PAYMENTS_PROVIDER: 'yookassa',
      YOOKASSA_SHOP_ID: 'shop-42',
      YOOKASSA_SECRET_KEY: 'test_secret',
      YOOKASSA_API_URL: fake.url,
    },
  });
  alpha = await createSupplier(t, { shop: { name: 'Альфа' } });
});
afterAll(async () => {
  await t?.close();
  await new Promise((resolve) => fake?.server.close(resolve));
});

function notify(event: string, id: string) {
  return t.app.inject({
    method: 'POST',
    url: '/api/v2/payments/notifications/yookassa',
    headers: { 'content-type': 'application/json' },
    payload: JSON.stringify({ type: 'notification', event, object: { id, status: 'succeeded', paid: true } }),
  });
}

describe('YooKassa', () => {
  it('creates, redirects, believes only the fetched payment, records once, refunds on cancel', async () => {
    const buyer = await createBuyer(t);
    const offer = await createOffer(t.runtime, { shopId: alpha.shop.id, price: '1500.00', quantity: 5 });
    const order = await placeOrder(t, buyer, [{ offerId: offer.id }]);

    const started = await t.app.inject({
      method: 'POST',
      url: `/api/v2/orders/${order.id}/payments/card`,
      headers: buyer.headers,
    });
    expect(started.statusCode, started.body).toBe(201);
    const [payment] = [...fake.payments.values()];
    expect(started.json().redirect_url).toBe(payment.confirmation.confirmation_url);
    expect(payment).toMatchObject({
      amount: { value: '1500.00', currency: 'RUB' },
      metadata: { order_id: String(order.id) },
      confirmation: { return_url: 'http://zakupka.test/' },
    });
    expect(fake.requests[0]).toMatchObject({
      method: 'POST',
      path: '/payments',
      key: `zakupka-card-payment-${started.json().card_payment.id}`,
    });

    // The notification says succeeded, the API says pending: nothing is recorded.
    const early = await notify('payment.succeeded', payment.id);
    expect(early.json().outcome).toBe('not_final');
    const view = () =>
      t.app.inject({ method: 'GET', url: `/api/v2/orders/${order.id}/payments`, headers: buyer.headers });
    expect((await view()).json().status).toBe('unpaid');

    payment.status = 'succeeded';
    expect((await notify('payment.succeeded', payment.id)).json().outcome).toBe('recorded');
    expect((await notify('payment.succeeded', payment.id)).json().outcome).toBe('duplicate');
    expect((await view()).json()).toMatchObject({ status: 'paid', paid_amount: '1500.00' });
    expect(
      fake.requests.filter((r) => r.method === 'GET' && r.path === `/payments/${payment.id}`),
    ).toHaveLength(3);

    const unknown = await notify('payment.succeeded', 'no-such-payment');
    expect(unknown.statusCode).toBe(502);

    const staffCancel = await t.app.inject({
      method: 'POST',
      url: `/api/v2/supplier/orders/${order.id}/status`,
      headers: alpha.headers,
      payload: { state: 'canceled', note: 'Снят с производства' },
    });
    expect(staffCancel.statusCode).toBe(200);
    await t.mail.waitFor((m) => m.recipients.includes(buyer.user.email) && m.subject!.includes('возврат'));
    const refundCall = fake.requests.find((r) => r.path === '/refunds');
    expect(refundCall?.key).toMatch(/^zakupka-refund-\d+$/);
    const [refund] = [...fake.refunds.values()];
    expect(refund).toMatchObject({ payment_id: payment.id, amount: { value: '1500.00', currency: 'RUB' } });
    const after = (await view()).json();
    expect(after).toMatchObject({ status: 'refunded', refunded_amount: '1500.00' });
    expect(after.parts[0].refunds[0]).toMatchObject({
      method: 'card',
      status: 'succeeded',
      reference: `yookassa ${refund.id}`,
    });

    // YooKassa's own refund notification afterwards changes nothing more.
    expect((await notify('refund.succeeded', refund.id)).json().outcome).toBe('duplicate');
  });
});
