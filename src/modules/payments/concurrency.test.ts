// Real parallel transactions on the PostgreSQL server (PGlite runs one session, so requests never
// overlap there and these would prove nothing; they are skipped on it): the same card notification
// delivered by many processes at once, and the same statement uploaded twice at once, each record
// one payment.
import { count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOffer, multipartBody } from '../../../test/factories/catalog.ts';
import {
  type Actor,
  createBuyer,
  createStaff,
  createSupplier,
  placeOrder,
  type Supplier,
} from '../../../test/factories/orders.ts';
import { ALPHA_BILLING, statementFile } from '../../../test/factories/payments.ts';
import { buildTestApp, type TestApp } from '../../../test/helpers/app.ts';
import { onPostgresServer } from '../../../test/helpers/database.ts';
import { paymentEvents, payments } from '../../db/schema/payments.ts';
import { cardPaymentByProviderId } from './card.service.ts';
import { sandboxNotification } from './sandbox-page.ts';

const server = onPostgresServer();
let t: TestApp;
let alpha: Supplier;
let beta: Supplier;
let staff: Actor;

beforeAll(async () => {
  if (!server) return;
  t = await buildTestApp({ workers: false });
  alpha = await createSupplier(t, { shop: { name: 'Альфа' } });
  beta = await createSupplier(t, { shop: { name: 'Бета' } });
  staff = await createStaff(t);
});
afterAll(() => t?.close());

async function paymentCount(orderId: number): Promise<number> {
  const [row] = await t.runtime.db.select({ n: count() }).from(payments).where(eq(payments.orderId, orderId));
  return row.n;
}

describe.skipIf(!server)('on the PostgreSQL server, in parallel', () => {
  it('a card notification sent by 12 processes at once records the payment once', async () => {
    const buyer = await createBuyer(t);
    const a = await createOffer(t.runtime, { shopId: alpha.shop.id, price: '600.00', quantity: 10 });
    const b = await createOffer(t.runtime, { shopId: beta.shop.id, price: '7.50', quantity: 10 });
    const order = await placeOrder(t, buyer, [
      { offerId: a.id, quantity: 2 },
      { offerId: b.id, quantity: 3 },
    ]);
    const started = await t.app.inject({
      method: 'POST',
      url: `/api/v2/orders/${order.id}/payments/card`,
      headers: buyer.headers,
    });
    expect(started.statusCode).toBe(201);
    const providerId = new URL(started.json().redirect_url).pathname.split('/').at(-1)!;
    const card = (await cardPaymentByProviderId(t.runtime.db, 'sandbox', providerId))!;
    const { body, signature } = sandboxNotification(t.runtime.authSecret, card, 'payment.succeeded');

    const answers = await Promise.all(
      Array.from({ length: 12 }, () =>
        t.app.inject({
          method: 'POST',
          url: '/api/v2/payments/notifications/sandbox',
          headers: { 'content-type': 'application/json', 'x-sandbox-signature': signature },
          payload: body,
        }),
      ),
    );
    const outcomes = answers.map((res) => {
      expect(res.statusCode, res.body).toBe(200);
      return res.json().outcome as string;
    });
    expect(outcomes.filter((o) => o === 'recorded')).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'duplicate')).toHaveLength(11);
    expect(await paymentCount(order.id)).toBe(2);
    const view = await t.app.inject({
      method: 'GET',
      url: `/api/v2/orders/${order.id}/payments`,
      headers: staff.headers,
    });
    expect(view.json()).toMatchObject({ status: 'paid', paid_amount: '1222.50' });
    const [events] = await t.runtime.db
      .select({ n: count() })
      .from(paymentEvents)
      .where(eq(paymentEvents.orderId, order.id));
    expect(events.n).toBe(2);
  });

  it('the same statement uploaded twice at once records its payment once', async () => {
    const patched = await t.app.inject({
      method: 'PATCH',
      url: '/api/v2/supplier/shop',
      headers: alpha.headers,
      payload: { billing_details: ALPHA_BILLING },
    });
    expect(patched.statusCode).toBe(200);
    const buyer = await createBuyer(t, { inn: '7736207543' });
    const offer = await createOffer(t.runtime, { shopId: alpha.shop.id, price: '100.00', quantity: 10 });
    const order = await placeOrder(t, buyer, [{ offerId: offer.id }]);
    const pdf = await t.app.inject({
      method: 'GET',
      url: `/api/v2/orders/${order.id}/parts/${order.parts[0].id}/invoice.pdf`,
      headers: buyer.headers,
    });
    const number = pdf.headers['x-invoice-number'] as string;
    const file = statementFile([
      {
        number: '900',
        date: '02.12.2026',
        amount: '100.00',
        payerInn: '7736207543',
        payeeInn: ALPHA_BILLING.inn,
        purpose: `Оплата по счёту ${number}`,
      },
    ]);
    const upload = () => {
      const body = multipartBody({ name: 'statement.txt', content: file });
      return t.app.inject({
        method: 'POST',
        url: '/api/v2/admin/payments/statements',
        headers: { ...staff.headers, ...body.headers },
        payload: body.payload,
      });
    };
    const reports = (await Promise.all([upload(), upload(), upload()])).map((res) => {
      expect(res.statusCode, res.body).toBe(201);
      return res.json();
    });
    expect(reports.map((r) => r.matched.length).sort()).toEqual([0, 0, 1]);
    expect(reports.map((r) => r.already_recorded.length).sort()).toEqual([0, 1, 1]);
    expect(await paymentCount(order.id)).toBe(1);
  });
});
