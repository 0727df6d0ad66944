import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildTestApp, type TestApp } from '../../../test/helpers/app.ts';

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
});
