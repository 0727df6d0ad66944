// An upload stored in slices (import_files, one row per slice) comes back byte for byte: every byte
// value, a size that is no multiple of a slice, and an upload stored before slices (one large row).
import { randomBytes } from 'node:crypto';
import { asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSupplier } from '../../../test/factories/orders.ts';
import { buildTestApp, type TestApp } from '../../../test/helpers/app.ts';
import { importFiles, imports } from '../../db/schema/catalog.ts';
import { transaction } from '../../db/transaction.ts';
import { readUploadedFile, storeUpload, UPLOAD_SLICE_BYTES } from './import-upload.ts';

let t: TestApp;

beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(() => t?.close());

async function newImport(): Promise<number> {
  const supplier = await createSupplier(t);
  const [row] = await t.runtime.db
    .insert(imports)
    .values({ shopId: supplier.shop.id, requestedBy: null, source: 'upload', mode: 'lenient' })
    .returning();
  return row.id;
}

describe('an upload stored in slices', () => {
  it('round-trips a large binary upload byte for byte', { timeout: 120_000 }, async () => {
    const importId = await newImport();
    // Every byte value, not valid UTF-8, three slices and a part of a fourth.
    const content = randomBytes(3 * UPLOAD_SLICE_BYTES + 12_345);
    await transaction(t.runtime, (scope) => storeUpload(scope, importId, content));
    const rows = await t.runtime.db
      .select()
      .from(importFiles)
      .where(eq(importFiles.importId, importId))
      .orderBy(asc(importFiles.slice));
    expect(rows.map((row) => [row.slice, row.content.length])).toEqual([
      [0, UPLOAD_SLICE_BYTES],
      [1, UPLOAD_SLICE_BYTES],
      [2, UPLOAD_SLICE_BYTES],
      [3, 12_345],
    ]);
    const read = await readUploadedFile(t.runtime, importId);
    expect(read?.content.length).toBe(content.length);
    expect(read?.content.equals(content)).toBe(true);
  });

  it('reads an upload stored before slices (one row larger than a slice) byte for byte', async () => {
    const importId = await newImport();
    const content = randomBytes(UPLOAD_SLICE_BYTES + 7);
    await t.runtime.db.insert(importFiles).values({ importId, content });
    const read = await readUploadedFile(t.runtime, importId);
    expect(read?.content.equals(content)).toBe(true);
  });

  it('stores an empty upload as one empty slice, and a missing one reads as gone', async () => {
    const importId = await newImport();
    await transaction(t.runtime, (scope) => storeUpload(scope, importId, Buffer.alloc(0)));
    expect((await readUploadedFile(t.runtime, importId))?.content.length).toBe(0);
    expect(await readUploadedFile(t.runtime, await newImport())).toBeUndefined();
  });
});
