// Webhooks end to end: endpoints registered through the API, events from real orders, imports and
// exports, delivered by the job system to receivers on 127.0.0.1 and verified with the
// `standardwebhooks` package exactly as an integrator's receiver would.
import fs from 'node:fs';
import path from 'node:path';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authHeader } from '../../../test/factories/accounts.ts';
import { createOffer, uploadPriceList, waitForImport } from '../../../test/factories/catalog.ts';
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
import {
  type ReceivedRequest,
  startWebhookReceiver,
  type WebhookReceiver,
} from '../../../test/helpers/webhook-receiver.ts';
import { postMessage } from './send.ts';
import { createEndpoint } from './webhooks.service.ts';

let t: TestApp;
let alpha: Supplier;
let beta: Supplier;
let staff: Actor;
const receivers: WebhookReceiver[] = [];

beforeAll(async () => {
  // Receivers listen on 127.0.0.1: the tests allow private addresses, as for price-list URLs.
  t = await buildTestApp({ env: { ALLOW_PRIVATE_IMPORT_URLS: 'true', WEBHOOK_RETRY_BASE_MS: '200' } });
  alpha = await createSupplier(t, { shop: { name: 'Альфа' } });
  beta = await createSupplier(t, { shop: { name: 'Бета' } });
  staff = await createStaff(t);
});
afterAll(async () => {
  await Promise.all(receivers.map((receiver) => receiver.close()));
  await t?.close();
});

async function receiver(): Promise<WebhookReceiver> {
  const started = await startWebhookReceiver();
  receivers.push(started);
  return started;
}

async function register(actor: Actor, url: string, events: string[], description = '') {
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/v2/webhooks',
    headers: actor.headers,
    payload: { url, events, description },
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as { id: number; secret: string; events: string[]; enabled: boolean };
}

/** Verifies a request as a receiver does; throws when the signature or timestamp is wrong. */
function verified(secret: string, request: ReceivedRequest) {
  return new Webhook(secret).verify(request.body, request.headers) as {
    type: string;
    timestamp: string;
    data: any;
  };
}

async function deliveries(actor: Actor, endpointId: number, query = '') {
  const res = await t.app.inject({
    method: 'GET',
    url: `/api/v2/webhooks/${endpointId}/deliveries${query}`,
    headers: actor.headers,
  });
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as { items: any[]; next_cursor: string | null };
}

/** Polls the delivery log until `done` holds for its newest delivery. */
async function waitForLog(actor: Actor, endpointId: number, done: (delivery: any) => boolean) {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const [newest] = (await deliveries(actor, endpointId)).items;
    if (newest && done(newest)) return newest;
    if (Date.now() > deadline) throw new Error(`delivery log not there yet: ${JSON.stringify(newest)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function twoSupplierOrder(buyer: Buyer) {
  const a = await createOffer(t.runtime, { shopId: alpha.shop.id, price: '100.00', quantity: 10 });
  const b = await createOffer(t.runtime, { shopId: beta.shop.id, price: '7.50', quantity: 10 });
  return placeOrder(t, buyer, [
    { offerId: a.id, quantity: 2 },
    { offerId: b.id, quantity: 3 },
  ]);
}

describe('webhook endpoints', () => {
  it('shows the secret once, lists and changes only the caller’s own endpoints', async () => {
    const buyer = await createBuyer(t);
    const created = await register(buyer, 'http://127.0.0.1:9/hooks', ['order.placed'], 'ERP');
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(created).toMatchObject({ events: ['order.placed'], enabled: true });

    const list = await t.app.inject({ method: 'GET', url: '/api/v2/webhooks', headers: buyer.headers });
    expect(list.json().items).toEqual([expect.objectContaining({ id: created.id, description: 'ERP' })]);
    expect(list.body).not.toContain(created.secret);

    const patched = await t.app.inject({
      method: 'PATCH',
      url: `/api/v2/webhooks/${created.id}`,
      headers: buyer.headers,
      payload: { events: ['order.status_changed', 'order.placed'] },
    });
    expect(patched.statusCode, patched.body).toBe(200);
    expect(patched.json().events).toEqual(['order.placed', 'order.status_changed']);

    // Another account's endpoint does not exist for the caller.
    const other = await createBuyer(t);
    for (const [method, url] of [
      ['GET', `/api/v2/webhooks/${created.id}`],
      ['DELETE', `/api/v2/webhooks/${created.id}`],
      ['POST', `/api/v2/webhooks/${created.id}/rotate-secret`],
      ['GET', `/api/v2/webhooks/${created.id}/deliveries`],
    ] as const) {
      const res = await t.app.inject({ method, url, headers: other.headers });
      expect(res.statusCode, `${method} ${url}`).toBe(404);
      expect(res.json().code).toBe('webhook_not_found');
    }
    const anonymous = await t.app.inject({ method: 'GET', url: '/api/v2/webhooks' });
    expect(anonymous.statusCode).toBe(401);

    const removed = await t.app.inject({
      method: 'DELETE',
      url: `/api/v2/webhooks/${created.id}`,
      headers: buyer.headers,
    });
    expect(removed.statusCode).toBe(204);
    const gone = await t.app.inject({
      method: 'GET',
      url: `/api/v2/webhooks/${created.id}`,
      headers: buyer.headers,
    });
    expect(gone.statusCode).toBe(404);
  });

  it('refuses events the role cannot receive, bad URLs and internal addresses', async () => {
    const buyer = await createBuyer(t);
    const imports = await t.app.inject({
      method: 'POST',
      url: '/api/v2/webhooks',
      headers: buyer.headers,
      payload: { url: 'http://127.0.0.1:9/x', events: ['import.finished'] },
    });
    expect(imports.statusCode).toBe(422);
    expect(imports.json().code).toBe('event_not_available');

    const unknown = await t.app.inject({
      method: 'POST',
      url: '/api/v2/webhooks',
      headers: buyer.headers,
      payload: { url: 'http://127.0.0.1:9/x', events: ['order.shipped'] },
    });
    expect(unknown.statusCode).toBe(400);

    const ftp = await t.app.inject({
      method: 'POST',
      url: '/api/v2/webhooks',
      headers: buyer.headers,
      payload: { url: 'ftp://example.com/x', events: ['order.placed'] },
    });
    expect(ftp.statusCode).toBe(400);
    expect(ftp.json().errors[0].field).toBe('body.url');

    // Without ALLOW_PRIVATE_IMPORT_URLS the price-list rules apply: no loopback or private address,
    // neither when registering nor when sending (checked again at connection time).
    const strict = { ...t.runtime, config: { ...t.runtime.config, allowPrivateImportUrls: false } };
    for (const url of [
      'http://127.0.0.1:8080/x',
      'http://10.0.0.7/x',
      'http://[::1]/x',
      'http://localhost/x',
    ]) {
      await expect(
        createEndpoint(strict, buyer.user.id, { url, events: ['order.placed'] }),
      ).rejects.toMatchObject({
        status: 422,
        code: 'url_not_allowed',
      });
    }
    const sent = await postMessage('http://localhost:9/x', {}, '{}', { allowPrivate: false });
    expect(sent).toMatchObject({ ok: false, statusCode: null, error: 'url_not_allowed' });
  });

  it('lists the event catalogue, none reserved now that payments send payment.received', async () => {
    const res = await t.app.inject({
      method: 'GET',
      url: '/api/v2/webhooks/events',
      headers: { ...staff.headers, 'accept-language': 'en' },
    });
    expect(res.statusCode).toBe(200);
    const types = res
      .json()
      .items.map((item: { type: string; reserved: boolean }) => [item.type, item.reserved]);
    expect(types).toEqual([
      ['order.placed', false],
      ['order.status_changed', false],
      ['import.finished', false],
      ['export.finished', false],
      ['payment.received', false],
    ]);
  });
});

describe('delivery', () => {
  it('sends each supplier of a two-supplier order one signed order.placed with only its part', async () => {
    const [alphaIn, betaIn, buyerIn, staffIn] = await Promise.all([
      receiver(),
      receiver(),
      receiver(),
      receiver(),
    ]);
    const alphaHook = await register(alpha, alphaIn.url, ['order.placed']);
    const betaHook = await register(beta, betaIn.url, ['order.placed']);
    const buyer = await createBuyer(t);
    const buyerHook = await register(buyer, buyerIn.url, ['order.placed']);
    const staffHook = await register(staff, staffIn.url, ['order.placed']);

    const order = await twoSupplierOrder(buyer);

    const [alphaMessage] = await alphaIn.waitFor(1);
    const [betaMessage] = await betaIn.waitFor(1);
    const alphaEvent = verified(alphaHook.secret, alphaMessage);
    const betaEvent = verified(betaHook.secret, betaMessage);
    expect(alphaEvent.type).toBe('order.placed');
    expect(alphaEvent.data).toMatchObject({
      id: order.id,
      part: { shop: { id: alpha.shop.id }, total: '200.00' },
    });
    expect(alphaEvent.data.parts).toBeUndefined();
    expect(alphaMessage.body).not.toContain('Бета');
    expect(betaEvent.data).toMatchObject({
      id: order.id,
      part: { shop: { id: beta.shop.id }, total: '22.50' },
    });
    expect(betaMessage.body).not.toContain('Альфа');
    // Signed with its own secret only: another endpoint's secret does not verify it.
    expect(() => verified(betaHook.secret, alphaMessage)).toThrow();
    expect(alphaMessage.headers['content-type']).toBe('application/json');
    expect(alphaMessage.headers['webhook-id']).toMatch(/^msg_/);
    expect(alphaMessage.headers['webhook-id']).not.toBe(betaMessage.headers['webhook-id']);

    // The buyer and staff get the whole order.
    const buyerEvent = verified(buyerHook.secret, (await buyerIn.waitFor(1))[0]);
    expect(buyerEvent.data.parts.map((part: any) => part.shop.id).sort()).toEqual(
      [alpha.shop.id, beta.shop.id].sort(),
    );
    const staffEvent = verified(staffHook.secret, (await staffIn.waitFor(1))[0]);
    expect(staffEvent.data).toMatchObject({ id: order.id, buyer_id: buyer.user.id, total: '222.50' });

    // One message each, logged as delivered on the first attempt.
    const logged = await waitForLog(alpha, alphaHook.id, (delivery) => delivery.status === 'succeeded');
    expect(logged).toMatchObject({
      event_type: 'order.placed',
      attempts: 1,
      message_id: alphaMessage.headers['webhook-id'],
      attempt_log: [{ status_code: 200, succeeded: true, manual: false, response_excerpt: 'ok' }],
    });
    expect(alphaIn.received).toHaveLength(1);
    expect(betaIn.received).toHaveLength(1);
    for (const [hook, owner] of [
      [alphaHook, alpha],
      [betaHook, beta],
      [buyerHook, buyer],
      [staffHook, staff],
    ] as const) {
      await t.app.inject({ method: 'DELETE', url: `/api/v2/webhooks/${hook.id}`, headers: owner.headers });
    }
  });

  it('retries a receiver that answers 500 with growing delays, logs every attempt, then succeeds', async () => {
    const failing = await receiver();
    failing.respondWith(500);
    const buyer = await createBuyer(t);
    const hook = await register(buyer, failing.url, ['order.placed']);
    await twoSupplierOrder(buyer);

    const attempts = await failing.waitFor(3);
    // The same message every time (same id and body), each attempt signed anew.
    expect(new Set(attempts.map((request) => request.headers['webhook-id'])).size).toBe(1);
    expect(new Set(attempts.map((request) => request.body)).size).toBe(1);
    for (const request of attempts) expect(verified(hook.secret, request).type).toBe('order.placed');

    const pending = await waitForLog(buyer, hook.id, (delivery) => delivery.attempts >= 3);
    expect(pending.status).toBe('pending');
    expect(pending.last_status_code).toBe(500);
    expect(pending.attempt_log.slice(0, 3)).toEqual([
      expect.objectContaining({
        status_code: 500,
        succeeded: false,
        error: 'HTTP 500',
        response_excerpt: 'receiver failed',
      }),
      expect.objectContaining({ status_code: 500, succeeded: false }),
      expect.objectContaining({ status_code: 500, succeeded: false }),
    ]);
    // Exponential backoff: each wait at least double the one before (base 200 ms here).
    const times = pending.attempt_log.map((attempt: any) => Date.parse(attempt.attempted_at));
    expect(times[1] - times[0]).toBeGreaterThanOrEqual(200);
    expect(times[2] - times[1]).toBeGreaterThanOrEqual(400);
    const endpoint = await t.app.inject({
      method: 'GET',
      url: `/api/v2/webhooks/${hook.id}`,
      headers: buyer.headers,
    });
    expect(endpoint.json().failing_since).toBe(pending.attempt_log[0].attempted_at);

    failing.respondWith(204);
    const delivered = await waitForLog(buyer, hook.id, (delivery) => delivery.status === 'succeeded');
    expect(delivered.attempt_log.at(-1)).toMatchObject({ status_code: 204, succeeded: true });
    expect(delivered.next_attempt_at).toBeNull();
    const healthy = await t.app.inject({
      method: 'GET',
      url: `/api/v2/webhooks/${hook.id}`,
      headers: buyer.headers,
    });
    expect(healthy.json()).toMatchObject({ enabled: true, failing_since: null });
  });

  it('redelivers a message on request and signs with both secrets for a day after a rotation', async () => {
    const inbox = await receiver();
    const buyer = await createBuyer(t);
    const hook = await register(buyer, inbox.url, ['order.placed']);
    await twoSupplierOrder(buyer);
    const [first] = await inbox.waitFor(1);
    const delivery = await waitForLog(buyer, hook.id, (row) => row.status === 'succeeded');

    const rotated = await t.app.inject({
      method: 'POST',
      url: `/api/v2/webhooks/${hook.id}/rotate-secret`,
      headers: buyer.headers,
    });
    expect(rotated.statusCode, rotated.body).toBe(200);
    const newSecret = rotated.json().secret as string;
    expect(newSecret).not.toBe(hook.secret);
    expect(rotated.json().previous_secret_expires_at).toEqual(expect.any(String));

    const again = await t.app.inject({
      method: 'POST',
      url: `/api/v2/webhooks/${hook.id}/deliveries/${delivery.id}/redeliver`,
      headers: buyer.headers,
    });
    expect(again.statusCode, again.body).toBe(202);
    const [, second] = await inbox.waitFor(2);
    expect(second.headers['webhook-id']).toBe(first.headers['webhook-id']);
    expect(second.body).toBe(first.body);
    expect(second.headers['webhook-signature'].split(' ')).toHaveLength(2);
    // A receiver still on the old secret and one already on the new both accept it.
    expect(verified(hook.secret, second).type).toBe('order.placed');
    expect(verified(newSecret, second).type).toBe('order.placed');

    const logged = await waitForLog(
      buyer,
      hook.id,
      (row) => row.attempts === 2 && row.status === 'succeeded',
    );
    expect(logged.attempt_log.map((attempt: any) => attempt.manual)).toEqual([false, true]);

    const missing = await t.app.inject({
      method: 'POST',
      url: `/api/v2/webhooks/${hook.id}/deliveries/999999/redeliver`,
      headers: buyer.headers,
    });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().code).toBe('delivery_not_found');
  });

  it('tells a supplier of its own part moving, the buyer of every change', async () => {
    const [alphaIn, betaIn, buyerIn] = await Promise.all([receiver(), receiver(), receiver()]);
    const alphaHook = await register(alpha, alphaIn.url, ['order.status_changed']);
    const betaHook = await register(beta, betaIn.url, ['order.status_changed']);
    const buyer = await createBuyer(t);
    const buyerHook = await register(buyer, buyerIn.url, ['order.status_changed']);
    const order = await twoSupplierOrder(buyer);

    const moved = await t.app.inject({
      method: 'POST',
      url: `/api/v2/supplier/orders/${order.id}/status`,
      headers: alpha.headers,
      payload: { state: 'confirmed' },
    });
    expect(moved.statusCode, moved.body).toBe(200);

    const alphaEvent = verified(alphaHook.secret, (await alphaIn.waitFor(1))[0]);
    expect(alphaEvent.type).toBe('order.status_changed');
    expect(alphaEvent.data.changes).toEqual([
      { part_id: expect.any(Number), shop_id: alpha.shop.id, from: 'new', to: 'confirmed' },
    ]);
    expect(alphaEvent.data.order.part).toMatchObject({ shop: { id: alpha.shop.id }, state: 'confirmed' });
    const buyerEvent = verified(buyerHook.secret, (await buyerIn.waitFor(1))[0]);
    expect(buyerEvent.data.order.parts).toHaveLength(2);
    expect(buyerEvent.data).toMatchObject({ actor_role: 'supplier' });
    // Beta's part did not move: no delivery was even created for it (same transaction as alpha's).
    expect((await deliveries(beta, betaHook.id)).items).toEqual([]);

    // The buyer cancels: every part and the order move; beta hears only of its own part.
    const canceled = await t.app.inject({
      method: 'POST',
      url: `/api/v2/orders/${order.id}/cancel`,
      headers: buyer.headers,
      payload: {},
    });
    expect(canceled.statusCode, canceled.body).toBe(200);
    const betaEvent = verified(betaHook.secret, (await betaIn.waitFor(1))[0]);
    expect(betaEvent.data.changes).toEqual([
      { part_id: expect.any(Number), shop_id: beta.shop.id, from: 'new', to: 'canceled' },
    ]);
    const [, cancelEvent] = await buyerIn.waitFor(2);
    const changes = verified(buyerHook.secret, cancelEvent).data.changes;
    expect(changes).toHaveLength(3);
    expect(changes).toContainEqual({ part_id: null, shop_id: null, from: 'new', to: 'canceled' });
    for (const [hook, owner] of [
      [alphaHook, alpha],
      [betaHook, beta],
    ] as const) {
      await t.app.inject({ method: 'DELETE', url: `/api/v2/webhooks/${hook.id}`, headers: owner.headers });
    }
  });

  it('tells the supplier and staff of a finished import and export', async () => {
    const supplier = await createSupplier(t, { shop: { name: 'Связной' } });
    const [supplierIn, staffIn] = await Promise.all([receiver(), receiver()]);
    const supplierHook = await register(supplier, supplierIn.url, ['import.finished', 'export.finished']);
    const staffHook = await register(staff, staffIn.url, ['import.finished']);
    const yaml = fs.readFileSync(path.resolve(import.meta.dirname, '../../../test/fixtures/shop1.yaml'));
    const { id } = await uploadPriceList(t, supplier.headers, yaml);
    const finished = await waitForImport(t, supplier.headers, id);

    const importEvent = verified(supplierHook.secret, (await supplierIn.waitFor(1))[0]);
    expect(importEvent).toMatchObject({
      type: 'import.finished',
      data: {
        import_id: id,
        shop_id: supplier.shop.id,
        status: finished.status,
        counts: finished.counts,
        url: `/api/v2/supplier/imports/${id}`,
      },
    });
    const staffEvent = verified(staffHook.secret, (await staffIn.waitFor(1))[0]);
    expect(staffEvent.data).toMatchObject({ import_id: id, url: `/api/v2/admin/imports/${id}` });

    const exported = await t.app.inject({
      method: 'POST',
      url: '/api/v2/supplier/exports',
      headers: supplier.headers,
      payload: { format: 'json' },
    });
    expect(exported.statusCode, exported.body).toBe(202);
    const [, exportMessage] = await supplierIn.waitFor(2);
    const exportEvent = verified(supplierHook.secret, exportMessage);
    expect(exportEvent).toMatchObject({
      type: 'export.finished',
      data: { export_id: exported.json().id, status: 'succeeded', format: 'json' },
    });
    expect(exportEvent.data.download_url).toBe(`/api/v2/supplier/exports/${exported.json().id}/download`);
    await t.app.inject({ method: 'DELETE', url: `/api/v2/webhooks/${staffHook.id}`, headers: staff.headers });
  });

  it('disables an endpoint that failed for 24 hours and emails its owner', async () => {
    const failing = await receiver();
    failing.respondWith(503);
    const buyer = await createBuyer(t, { firstName: 'Олег' });
    const hook = await register(buyer, failing.url, ['order.placed']);
    await twoSupplierOrder(buyer);
    await failing.waitFor(1);
    await waitForLog(buyer, hook.id, (delivery) => delivery.attempts >= 1);

    // A day passes with every attempt failing: the next failed retry disables the endpoint.
    t.clock.advance(24 * 3600 * 1000 + 60_000);
    const mail = await t.mail.waitFor(
      (message) =>
        message.recipients.includes(buyer.user.email) && (message.subject ?? '').startsWith('Вебхук'),
    );
    expect(mail.subject).toContain(`Вебхук ${hook.id} отключён`);
    expect(mail.text).toContain(failing.url);
    expect(mail.text).toContain('HTTP 503');

    const headers = await authHeader(t, buyer.user);
    const endpoint = await t.app.inject({ method: 'GET', url: `/api/v2/webhooks/${hook.id}`, headers });
    expect(endpoint.json()).toMatchObject({ enabled: false, disabled_reason: 'failing' });
    const [delivery] = (await deliveries({ ...buyer, headers }, hook.id)).items;
    expect(delivery.status).toBe('failed');
    expect(delivery.next_attempt_at).toBeNull();

    // Redelivery waits for the owner to enable it again.
    const refused = await t.app.inject({
      method: 'POST',
      url: `/api/v2/webhooks/${hook.id}/deliveries/${delivery.id}/redeliver`,
      headers,
    });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().code).toBe('webhook_disabled');
    const enabled = await t.app.inject({
      method: 'PATCH',
      url: `/api/v2/webhooks/${hook.id}`,
      headers,
      payload: { enabled: true },
    });
    expect(enabled.json()).toMatchObject({ enabled: true, disabled_reason: null, failing_since: null });
  });
});
