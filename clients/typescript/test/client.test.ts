// The client against a real server: the application listening on a free port with a fresh
// database, called over HTTP with fetch exactly as an integration would.
import type { AddressInfo } from 'node:net';
import { createZakupkaClient, type Tokens, unwrap, ZakupkaApiError } from '@zakupka/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOffer } from '../../../test/factories/catalog.ts';
import { type Buyer, createBuyer, createSupplier, placeOrder } from '../../../test/factories/orders.ts';
import { buildTestApp, type TestApp } from '../../../test/helpers/app.ts';

let t: TestApp;
let baseUrl: string;

beforeAll(async () => {
  t = await buildTestApp();
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  baseUrl = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
});
afterAll(async () => t?.close());

const FIFTEEN_MINUTES = 15 * 60 * 1000;

async function refreshStatus(refreshToken: string): Promise<number> {
  const response = await fetch(`${baseUrl}/api/v2/auth/refresh`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ refresh_token: refreshToken }),
  });
  return response.status;
}

function countingFetch() {
  const calls: string[] = [];
  const fetchImpl: typeof fetch = (input, init) => {
    const request = input instanceof Request ? input : new Request(input, init);
    calls.push(`${request.method} ${new URL(request.url).pathname}${new URL(request.url).search}`);
    return fetch(request);
  };
  return { calls, fetchImpl };
}

describe('@zakupka/client against a running server', () => {
  let buyer: Buyer;
  beforeAll(async () => {
    buyer = await createBuyer(t);
  });

  it('logs in and renews an expired access token with one refresh, rotating the refresh token', async () => {
    const seen: (Tokens | null)[] = [];
    const client = createZakupkaClient({ baseUrl, onTokens: (tokens) => seen.push(tokens) });
    const first = await client.login({ email: buyer.user.email, password: buyer.user.password });
    const me = unwrap(await client.api.GET('/api/v2/me'));
    expect(me.email).toBe(buyer.user.email);

    // The access token expires; the next calls (three at once) refresh once and go through.
    t.clock.advance(FIFTEEN_MINUTES + 60_000);
    const answers = await Promise.all([
      client.api.GET('/api/v2/me'),
      client.api.GET('/api/v2/me/contacts'),
      client.api.GET('/api/v2/orders', { params: { query: { limit: 5 } } }),
    ]);
    for (const answer of answers) expect(answer.response.status).toBe(200);
    expect(seen).toHaveLength(2);
    const second = client.tokens()!;
    expect(second.refreshToken).not.toBe(first.refreshToken);
    expect(second.accessToken).not.toBe(first.accessToken);
    // Rotation: the spent refresh token is worth nothing now.
    expect(await refreshStatus(first.refreshToken)).toBe(401);

    // Logging out revokes the session.
    await client.logout();
    expect(client.tokens()).toBeNull();
    expect(seen.at(-1)).toBeNull();
    expect(await refreshStatus(second.refreshToken)).toBe(401);
  });

  it('answers 401 as an error when the session cannot be renewed', async () => {
    const client = createZakupkaClient({
      baseUrl,
      tokens: { accessToken: 'expired', refreshToken: 'revoked' },
    });
    const answer = await client.api.GET('/api/v2/me');
    expect(answer.response.status).toBe(401);
    expect(() => unwrap(answer)).toThrow(ZakupkaApiError);
    expect(client.tokens()).toBeNull();
  });

  it('calls with an API token made from a login session', async () => {
    const person = createZakupkaClient({ baseUrl });
    await person.login({ email: buyer.user.email, password: buyer.user.password });
    const { token } = await person.createApiToken('ERP');
    expect(token).toMatch(/^zk_/);

    const erp = createZakupkaClient({ baseUrl, apiToken: token, language: 'en' });
    const me = unwrap(await erp.api.GET('/api/v2/me'));
    expect(me.email).toBe(buyer.user.email);
    // Problems come back typed, with the stable code and the text in the language asked for.
    const missing = await erp.api.GET('/api/v2/orders/{id}', { params: { path: { id: 999_999 } } });
    try {
      unwrap(missing);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ZakupkaApiError);
      expect(error).toMatchObject({
        status: 404,
        code: 'order_not_found',
        message: 'Order 999999 not found',
      });
    }
  });

  it('iterates a cursor-paged list page by page', async () => {
    const supplier = await createSupplier(t);
    const orderer = await createBuyer(t);
    const placed: number[] = [];
    for (let i = 0; i < 3; i += 1) {
      const offer = await createOffer(t.runtime, { shopId: supplier.shop.id, price: '10.00', quantity: 5 });
      placed.push((await placeOrder(t, orderer, [{ offerId: offer.id }])).id);
    }
    const { calls, fetchImpl } = countingFetch();
    const client = createZakupkaClient({ baseUrl, fetch: fetchImpl });
    await client.login({ email: orderer.user.email, password: orderer.user.password });

    const ids: number[] = [];
    for await (const order of client.paginate('/api/v2/orders', { query: { limit: 2 } })) ids.push(order.id);
    expect(ids).toEqual([...placed].reverse());
    const pages = calls.filter((call) => call.startsWith('GET /api/v2/orders'));
    expect(pages).toHaveLength(2);
    expect(pages[1]).toContain('cursor=');
  });
});
