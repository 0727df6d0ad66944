// Public catalog and search reads are limited per route and client address (RATE_LIMIT_CATALOG_*),
// through @fastify/rate-limit; RATE_LIMIT=false switches the limit off.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOffer, createShop } from '../../../test/factories/catalog.ts';
import { buildTestApp, type TestApp } from '../../../test/helpers/app.ts';

describe('public catalog rate limit', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp({ env: { RATE_LIMIT_CATALOG_MAX: '3', RATE_LIMIT_CATALOG_WINDOW: '60' } });
    const shop = await createShop(t.runtime);
    await createOffer(t.runtime, { shopId: shop.id, price: '100.00', quantity: 5 });
  });
  afterAll(async () => {
    await t?.close();
  });

  const get = (url: string, address = '203.0.113.7', language = 'ru') =>
    t.app.inject({ method: 'GET', url, remoteAddress: address, headers: { 'accept-language': language } });

  it('answers as before under the limit and 429 problem+json over it, per client address', async () => {
    for (let i = 0; i < 3; i += 1) {
      const ok = await get('/api/v2/products?q=товар');
      expect(ok.statusCode).toBe(200);
      expect(ok.headers['x-ratelimit-limit']).toBeUndefined();
    }
    const refused = await get('/api/v2/products?q=товар', '203.0.113.7', 'en');
    expect(refused.statusCode).toBe(429);
    expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    const problem = refused.json();
    expect(problem.code).toBe('rate_limited');
    expect(problem.status).toBe(429);
    expect(problem.detail).toMatch(/Too many requests/);
    // Another address has its own count; another route too.
    expect((await get('/api/v2/products', '198.51.100.9')).statusCode).toBe(200);
    expect((await get('/api/v2/categories')).statusCode).toBe(200);
  });

  it('limits the v1 catalog too', async () => {
    for (let i = 0; i < 3; i += 1) expect((await get('/api/v1/shops', '192.0.2.44')).statusCode).toBe(200);
    expect((await get('/api/v1/shops', '192.0.2.44')).statusCode).toBe(429);
  });
});

describe('RATE_LIMIT=false', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp({ env: { RATE_LIMIT: 'false', RATE_LIMIT_CATALOG_MAX: '1' } });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('switches the catalog limit off', async () => {
    for (let i = 0; i < 4; i += 1) {
      const answer = await t.app.inject({
        method: 'GET',
        url: '/api/v2/offers',
        remoteAddress: '203.0.113.8',
      });
      expect(answer.statusCode).toBe(200);
    }
  });
});
