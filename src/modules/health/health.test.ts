import zlib from 'node:zlib';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildTestApp, type TestApp } from '../../../test/helpers/app.ts';
import { buildApp } from '../../app.ts';

let t: TestApp;
const logLines: Record<string, unknown>[] = [];
beforeAll(async () => {
  const log = pino(
    { level: 'error' },
    { write: (line: string) => void logLines.push(JSON.parse(line) as Record<string, unknown>) },
  );
  t = await buildTestApp({ workers: false, log });
});
afterAll(() => t?.close());

describe('health', () => {
  it('is live', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/health/live' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok' });
  });

  it('is ready with database, migrations and jobs', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/health/ready' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      status: 'ready',
      checks: { database: { ok: true }, migrations: { ok: true }, jobs: { ok: true, dead_letter: 0 } },
    });
  });

  it('is not ready while a migration is pending', async () => {
    const [last] = await t.database.query<{ id: number; created_at: string }>(
      'select id, created_at from drizzle.__drizzle_migrations order by created_at desc limit 1',
    );
    await t.database.query('delete from drizzle.__drizzle_migrations where id = $1', [last.id]);
    try {
      const res = await t.app.inject({ method: 'GET', url: '/health/ready' });
      expect(res.statusCode).toBe(503);
      expect(res.json().checks.migrations.ok).toBe(false);
      expect(res.json().checks.migrations.detail).toMatch(/^pending: /);
    } finally {
      await t.database.query('insert into drizzle.__drizzle_migrations (hash, created_at) values ($1, $2)', [
        'restored',
        last.created_at,
      ]);
    }
  });

  it('is not ready when the database fails, logging the error but not showing it', async () => {
    const secret = 'password authentication failed for user "zakupka_owner" at 10.1.2.3:5432';
    const query = vi.spyOn(t.runtime.database, 'query').mockRejectedValueOnce(new Error(secret));
    try {
      const res = await t.app.inject({ method: 'GET', url: '/health/ready' });
      expect(res.statusCode).toBe(503);
      expect(res.json()).toEqual({
        status: 'not_ready',
        checks: {
          database: { ok: false, detail: 'database unreachable' },
          migrations: { ok: false },
          jobs: { ok: true },
        },
      });
      expect(res.body).not.toContain('zakupka_owner');
      expect(res.body).not.toContain('10.1.2.3');
    } finally {
      query.mockRestore();
    }
    const logged = logLines.find((line) => line.msg === 'readiness check: database query failed');
    expect(logged).toBeDefined();
    expect((logged!.err as { message: string }).message).toBe(secret);
    expect(logged!.reqId).toBeDefined();
  });

  it('serves the OpenAPI document and the interactive reference', async () => {
    const json = await t.app.inject({ method: 'GET', url: '/docs/json' });
    expect(json.statusCode).toBe(200);
    const doc = json.json();
    expect(doc.openapi).toMatch(/^3\./);
    expect(doc.paths['/health/ready']).toBeDefined();
    expect(doc.components.schemas.Problem).toBeDefined();
    const ui = await t.app.inject({ method: 'GET', url: '/docs' });
    expect([200, 302]).toContain(ui.statusCode);
  });

  it('names a relative server in the document, so "Try it out" calls the address the page came from', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/docs/json' })).json();
    expect(doc.servers.map((server: { url: string }) => server.url)).toEqual(['/']);
  });

  it('sends the document compressed, with an ETag that a revalidation answers with 304', async () => {
    const plain = await t.app.inject({ method: 'GET', url: '/docs/json' });
    const etag = plain.headers.etag as string;
    expect(etag).toMatch(/^"[\w-]+"$/);
    expect(plain.headers['cache-control']).toBe('no-cache');
    expect(plain.headers['content-encoding']).toBeUndefined();
    for (const [accept, encoding, decode] of [
      ['gzip, deflate, br', 'br', zlib.brotliDecompressSync],
      ['gzip', 'gzip', zlib.gunzipSync],
    ] as const) {
      const res = await t.app.inject({
        method: 'GET',
        url: '/docs/json',
        headers: { 'accept-encoding': accept },
      });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-encoding']).toBe(encoding);
      expect(res.headers.etag).toBe(etag);
      expect(res.rawPayload.length).toBeLessThan(plain.rawPayload.length / 5);
      expect(decode(res.rawPayload).toString()).toBe(plain.body);
    }
    const again = await t.app.inject({
      method: 'GET',
      url: '/docs/json',
      headers: { 'if-none-match': etag },
    });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe('');
    // Swagger UI's own script is compressed too.
    const bundle = await t.app.inject({
      method: 'GET',
      url: '/docs/static/swagger-ui-bundle.js',
      headers: { 'accept-encoding': 'gzip' },
    });
    expect(bundle.statusCode).toBe(200);
    expect(bundle.headers['content-encoding']).toBe('gzip');
    // …and API answers are not (they are small and served at thousands per second).
    const live = await t.app.inject({
      method: 'GET',
      url: '/health/live',
      headers: { 'accept-encoding': 'gzip' },
    });
    expect(live.headers['content-encoding']).toBeUndefined();
  });
});

describe('security headers', () => {
  it('leaves out HSTS and upgrade-insecure-requests when PUBLIC_URL is plain http', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/docs' });
    expect(res.headers['strict-transport-security']).toBeUndefined();
    expect(res.headers['content-security-policy']).toBeDefined();
    expect(res.headers['content-security-policy']).not.toContain('upgrade-insecure-requests');
  });

  it('sends both when PUBLIC_URL is https', async () => {
    const app = await buildApp({ ...t.config, publicUrl: 'https://zakupka.example' }, { runtime: t.runtime });
    try {
      const res = await app.inject({ method: 'GET', url: '/docs' });
      expect(res.headers['strict-transport-security']).toContain('max-age=31536000');
      expect(res.headers['content-security-policy']).toContain('upgrade-insecure-requests');
    } finally {
      await app.close();
    }
  });
});
