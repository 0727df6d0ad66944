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
  t = await buildTestApp();
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
});
