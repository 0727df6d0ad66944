// Crash recovery in one process: an import or export whose heartbeat went stale (its process died)
// is failed as `interrupted`, a live one is left alone, and the shop imports again. The real kill -9
// of real processes is in test/fault/crash.test.ts (PostgreSQL server).
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importFile } from '../../../test/factories/catalog.ts';
import { createSupplier, type Supplier } from '../../../test/factories/orders.ts';
import { buildTestApp, type TestApp } from '../../../test/helpers/app.ts';
import { imports, priceListExports } from '../../db/schema/catalog.ts';
import { failAbandonedWork, STALE_SECONDS } from './recovery.ts';

let t: TestApp;
let supplier: Supplier;

beforeAll(async () => {
  // Webhook URLs on 127.0.0.1 are refused unless private addresses are allowed (tests only).
  t = await buildTestApp({ env: { ALLOW_PRIVATE_IMPORT_URLS: 'true' } });
  supplier = await createSupplier(t);
});
afterAll(() => t?.close());

async function runningImport(heartbeatSecondsAgo: number): Promise<number> {
  const [row] = await t.runtime.db
    .insert(imports)
    .values({
      shopId: supplier.shop.id,
      source: 'upload',
      status: 'running',
      phase: 'apply',
      progress: 74,
      startedAt: new Date(),
      heartbeatAt: sql`now() - make_interval(secs => ${heartbeatSecondsAgo})`,
    })
    .returning({ id: imports.id });
  return row.id;
}

describe('abandoned work', () => {
  it('fails a running import whose heartbeat is stale, leaves a live one, and the shop imports again', async () => {
    const dead = await runningImport(STALE_SECONDS + 5);
    const live = await runningImport(1);
    const [exported] = await t.runtime.db
      .insert(priceListExports)
      .values({
        shopId: supplier.shop.id,
        format: 'yaml',
        status: 'running',
        heartbeatAt: sql`now() - interval '10 minutes'`,
      })
      .returning({ id: priceListExports.id });

    const result = await failAbandonedWork(t.runtime, STALE_SECONDS);
    expect(result.imports).toEqual([dead]);
    expect(result.exports).toEqual([exported.id]);

    const res = await t.app.inject({
      method: 'GET',
      url: `/api/v2/supplier/imports/${dead}`,
      headers: { ...supplier.headers, 'accept-language': 'en' },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'failed', error: { code: 'interrupted' } });
    const [still] = await t.runtime.db.select().from(imports).where(eq(imports.id, live));
    expect(still.status).toBe('running');
    await t.runtime.db.update(imports).set({ status: 'failed' }).where(eq(imports.id, live));

    const again = await importFile(
      t,
      supplier.headers,
      'shop: Снова\ncategories:\n  - {id: 1, name: Разное}\ngoods:\n  - {id: 1, name: Товар, category: 1, price: 10, quantity: 1}\n',
    );
    expect(again.status).toBe('succeeded');
  });

  it('on the embedded database at start, every running import is an orphan', async () => {
    const orphan = await runningImport(0);
    const result = await failAbandonedWork(t.runtime, 0);
    expect(result.imports).toContain(orphan);
  });

  it('tells the owner’s webhooks that the interrupted import and export finished as failed', async () => {
    const hook = await t.app.inject({
      method: 'POST',
      url: '/api/v2/webhooks',
      headers: supplier.headers,
      payload: { url: 'http://127.0.0.1:9/hook', events: ['import.finished', 'export.finished'] },
    });
    expect(hook.statusCode, hook.body).toBe(201);
    const dead = await runningImport(STALE_SECONDS + 5);
    const [exported] = await t.runtime.db
      .insert(priceListExports)
      .values({
        shopId: supplier.shop.id,
        format: 'csv',
        status: 'running',
        heartbeatAt: sql`now() - interval '1 hour'`,
      })
      .returning({ id: priceListExports.id });

    await failAbandonedWork(t.runtime, STALE_SECONDS);

    const log = await t.app.inject({
      method: 'GET',
      url: `/api/v2/webhooks/${hook.json().id}/deliveries`,
      headers: supplier.headers,
    });
    expect(log.statusCode, log.body).toBe(200);
    const events = (
      log.json().items as { event_type: string; payload: { data: Record<string, unknown> } }[]
    ).map((delivery) => ({ type: delivery.event_type, data: delivery.payload.data }));
    expect(events).toContainEqual({
      type: 'import.finished',
      data: expect.objectContaining({ import_id: dead, status: 'failed', error_code: 'interrupted' }),
    });
    expect(events).toContainEqual({
      type: 'export.finished',
      data: expect.objectContaining({ export_id: exported.id, status: 'failed' }),
    });
  });
});
