// Moderation and a running import of the same shop never interleave (PostgreSQL server only: on
// PGlite one connection serialises everything): staff hiding an offer waits for the shop's import
// lock, so an import cannot write the offer from a snapshot taken before it was hidden.
import fs from 'node:fs';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importFile } from '../../../test/factories/catalog.ts';
import { createStaff, createSupplier, type Supplier } from '../../../test/factories/orders.ts';
import { buildTestApp, type TestApp } from '../../../test/helpers/app.ts';
import { onPostgresServer, someoneWaitsForALock } from '../../../test/helpers/database.ts';
import { offers } from '../../db/schema/catalog.ts';
import { IMPORT_LOCK } from './import-apply.ts';

const SAMPLE = fs.readFileSync(new URL('../../../test/fixtures/shop1.yaml', import.meta.url), 'utf8');
const server = onPostgresServer();
let t: TestApp;
let supplier: Supplier;

beforeAll(async () => {
  if (!server) return;
  t = await buildTestApp();
  supplier = await createSupplier(t);
  expect((await importFile(t, supplier.headers, SAMPLE)).status).toBe('succeeded');
});
afterAll(() => t?.close());

describe.skipIf(!server)('moderation during an import (PostgreSQL server)', () => {
  it('waits for the shop’s import to finish, then hides the offer', async () => {
    const staff = await createStaff(t);
    const [offer] = await t.runtime.db
      .select()
      .from(offers)
      .where(eq(offers.shopId, supplier.shop.id))
      .limit(1);
    const importing = await t.runtime.database.pool!.connect();
    try {
      await importing.query('begin');
      await importing.query('select pg_advisory_xact_lock($1, $2)', [IMPORT_LOCK, supplier.shop.id]);
      let answered = false;
      const hiding = t.app
        .inject({
          method: 'PATCH',
          url: `/api/v2/admin/offers/${offer.id}`,
          headers: staff.headers,
          payload: { hidden: true, hidden_reason: 'Проверка' },
        })
        .then((res) => {
          answered = true;
          return res;
        });
      await someoneWaitsForALock(importing);
      expect(answered).toBe(false);
      // The import, still holding the lock, writes the offer as present in the price list.
      await importing.query('update offers set is_active = true, in_price_list = true where id = $1', [
        offer.id,
      ]);
      await importing.query('commit');
      const res = await hiding;
      expect(res.statusCode, res.body).toBe(200);
      const [after] = await t.runtime.db.select().from(offers).where(eq(offers.id, offer.id));
      expect(after).toMatchObject({ hidden: true, isActive: false, hiddenReason: 'Проверка' });
    } finally {
      importing.release();
    }
  });
});
