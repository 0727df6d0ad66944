// The inputs the attacker's probe turned into 500s, and the HTTP layer's own refusals, each through
// the real app: refused with a stable code as problem+json (v2) or a v1 refusal, never a 500.
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { multipartBody } from '../../test/factories/catalog.ts';
import { createBuyer, createStaff, createSupplier } from '../../test/factories/orders.ts';
import { buildTestApp, type TestApp } from '../../test/helpers/app.ts';

let t: TestApp;
let staff: { headers: Record<string, string> };
let buyer: { headers: Record<string, string> };
let supplier: { headers: Record<string, string> };
let port: number;

beforeAll(async () => {
  t = await buildTestApp({ workers: false, env: { RATE_LIMIT: 'false' } });
  staff = await createStaff(t);
  buyer = await createBuyer(t);
  supplier = await createSupplier(t);
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  port = (t.app.server.address() as net.AddressInfo).port;
});

afterAll(async () => {
  await t?.close();
});

function expectProblem(
  res: { statusCode: number; headers: Record<string, unknown>; json(): unknown },
  status: number,
  code: string,
) {
  expect(res.statusCode).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect((res.json() as { code: string }).code).toBe(code);
}

describe('integers are bounded by their schemas', () => {
  it('Infinity, 1e400 and ids past int4 in the query, the path and the body are validation errors', async () => {
    for (const url of [
      '/api/v2/products?limit=Infinity',
      '/api/v2/products?shop=1e400',
      '/api/v2/products?category=9223372036854775808',
      '/api/v2/shops?limit=-Infinity',
      '/api/v2/orders/Infinity',
      '/api/v2/orders?limit=1e400',
    ]) {
      const res = await t.app.inject({ method: 'GET', url, headers: buyer.headers });
      expectProblem(res, 400, 'validation_failed');
    }
    for (const payload of ['{"offer_id":1e400,"quantity":1}', '{"offer_id":2147483648,"quantity":1}']) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/v2/basket/items',
        headers: { ...buyer.headers, 'content-type': 'application/json' },
        payload,
      });
      expectProblem(res, 400, 'validation_failed');
    }
    const checkout = await t.app.inject({
      method: 'POST',
      url: '/api/v2/orders',
      headers: { ...buyer.headers, 'content-type': 'application/json' },
      payload: '{"contact_id":1e400}',
    });
    expectProblem(checkout, 400, 'validation_failed');
  });

  it('the OpenAPI document shows the bounds', () => {
    const doc = t.app.swagger() as unknown as {
      paths: Record<
        string,
        Record<string, { parameters?: { name: string; schema: Record<string, unknown> }[] }>
      >;
    };
    const shop = doc.paths['/api/v2/products'].get.parameters?.find((p) => p.name === 'shop');
    expect(shop?.schema.maximum).toBe(2_147_483_647);
  });
});

describe('NUL characters are refused before they reach PostgreSQL', () => {
  it('v2 query strings and bodies', async () => {
    const search = await t.app.inject({
      method: 'GET',
      url: '/api/v2/admin/promotions?q=a%00b',
      headers: staff.headers,
    });
    expectProblem(search, 400, 'validation_failed');
    expect(search.json().errors[0].field).toBe('querystring.q');
    const rename = await t.app.inject({
      method: 'PATCH',
      url: '/api/v2/admin/categories/1',
      headers: staff.headers,
      payload: { name: 'Кате\u0000гория' },
    });
    expectProblem(rename, 400, 'validation_failed');
    const login = await t.app.inject({
      method: 'POST',
      url: '/api/v2/auth/login',
      payload: { email: 'a\u0000@example.com', password: 'x' },
    });
    expectProblem(login, 400, 'validation_failed');
  });

  it('v1 forms are refused the v1 way', async () => {
    for (const url of ['/api/v1/user/login', '/api/v1/user/password_reset']) {
      const res = await t.app.inject({
        method: 'POST',
        url,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: 'email=a%00b%40example.com&password=secret',
      });
      expect(res.statusCode, url).toBeLessThan(500);
      expect(res.json().Status, url).toBe(false);
    }
  });
});

describe('malformed multipart', () => {
  it('a v2 import upload without a boundary is 400 malformed_multipart', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v2/supplier/imports',
      headers: { ...supplier.headers, 'content-type': 'multipart/form-data' },
      payload: 'shop: x',
    });
    expectProblem(res, 400, 'malformed_multipart');
  });

  it('a truncated multipart upload is 400 malformed_multipart', async () => {
    const body = multipartBody({ name: 'price.yaml', content: 'shop: x\n' });
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v2/supplier/imports',
      headers: { ...supplier.headers, ...body.headers },
      payload: body.payload.subarray(0, body.payload.length - 30),
    });
    expect(res.statusCode).toBeGreaterThanOrEqual(400);
    expect(res.statusCode).toBeLessThan(500);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  });

  it('a v1 form without a boundary is refused, not a 500', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/user/login',
      headers: { 'content-type': 'multipart/form-data' },
      payload: 'email=x',
    });
    expect(res.statusCode).toBeLessThan(500);
    expect(res.json().Status).toBe(false);
  });
});

/** Sends raw bytes to the listening server and answers its status line, content type and body. */
function raw(request: string): Promise<{ status: number; type: string | undefined; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let data = '';
    socket.on('data', (chunk) => {
      data += chunk.toString('utf8');
    });
    socket.on('error', () => {});
    socket.on('close', () => {
      const [head, body = ''] = data.split('\r\n\r\n');
      const status = Number(head.split(' ')[1]);
      const type = /content-type:\s*([^\r\n]+)/i.exec(head)?.[1];
      if (!status) reject(new Error(`no answer: ${JSON.stringify(data)}`));
      else resolve({ status, type, body });
    });
    socket.write(request);
  });
}

describe('the HTTP layer answers problem+json too', () => {
  it('431 headers too large, 414 URI too long, 400 not HTTP', async () => {
    const headers = await raw(
      `GET /api/v2/products HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
    );
    expect(headers.status).toBe(431);
    expect(headers.type).toMatch(/^application\/problem\+json/);
    expect(JSON.parse(headers.body).code).toBe('headers_too_large');

    const uri = await raw(`GET /api/v2/products?q=${'a'.repeat(20_000)} HTTP/1.1\r\nHost: x\r\n\r\n`);
    expect(uri.status).toBe(414);
    expect(JSON.parse(uri.body).code).toBe('uri_too_long');

    const garbage = await raw('NOT HTTP AT ALL\r\n\r\n');
    expect(garbage.status).toBe(400);
    expect(garbage.type).toMatch(/^application\/problem\+json/);
    expect(JSON.parse(garbage.body).code).toBe('bad_request');
  });

  it('a path parameter too long (414) and a malformed URL (400) go through the one handler', async () => {
    const long = await t.app.inject({ method: 'GET', url: `/api/v2/products/${'1'.repeat(500)}` });
    expectProblem(long, 414, 'uri_too_long');
    const bad = await t.app.inject({ method: 'GET', url: '/api/v2/products/%E0%A4%A' });
    expectProblem(bad, 400, 'bad_url');
  });

  it('a body over the limit is 413 as problem+json', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v2/auth/login',
      headers: { 'content-type': 'application/json' },
      payload: `{"email":"${'a'.repeat(2 * 1024 * 1024)}"}`,
    });
    expect(res.statusCode).toBe(413);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  });
});
