// An uploaded price list kept in the database until its job has read it (import_files), in slices.
import { setImmediate as nextTurn } from 'node:timers/promises';
import { sql } from 'drizzle-orm';
import { importFiles } from '../../db/schema/catalog.ts';
import type { TxScope } from '../../db/transaction.ts';
import type { Runtime } from '../../runtime.ts';

/** Bytes per stored slice of an upload (import_files: one row each). */
export const UPLOAD_SLICE_BYTES = 512 * 1024;

/**
 * Stores an upload in slices of UPLOAD_SLICE_BYTES, one statement each (issue 16). On the server
 * each slice goes as it is (node-postgres sends a Buffer parameter in binary: no text). PGlite takes
 * a bytea parameter many times slower (a 12 MB file: 20 s instead of 0.8 s), so there a slice goes
 * as base64 text decoded by the database; and PGlite's statements run on the API's own thread and
 * answer without a turn of the event loop, so requests are let in between two slices. One 40 MB
 * value held that thread 2.7 s there (encoded, decoded, compressed in one statement).
 */
export async function storeUpload(scope: TxScope, importId: number, content: Buffer): Promise<void> {
  const embedded = scope.runtime.database.kind === 'pglite';
  for (let slice = 0, start = 0; start < content.length || slice === 0; slice += 1) {
    const part = content.subarray(start, start + UPLOAD_SLICE_BYTES);
    start += UPLOAD_SLICE_BYTES;
    if (embedded && slice > 0) await nextTurn();
    await scope.tx.insert(importFiles).values({
      importId,
      slice,
      content: embedded ? sql`decode(${part.toString('base64')}, 'base64')` : part,
    });
  }
}

/**
 * The uploaded bytes, read slice by slice as base64 (a bytea comes over the text protocol as hex,
 * twice its size and slower to decode), each decoded straight into the one buffer the file needs.
 * Reads are at most UPLOAD_SLICE_BYTES: the database driver copies a row's message while it
 * arrives, and a large row costs the event loop one long copy after another. On PGlite requests are
 * let in between two reads. An upload stored before slices (one row) is read in pieces of it.
 */
export async function readUploadedFile(
  runtime: Runtime,
  importId: number,
): Promise<{ content: Buffer } | undefined> {
  const slices = await runtime.database.query<{ slice: number; size: number }>(
    'select slice, length(content)::integer as size from import_files where import_id = $1 order by slice',
    [importId],
  );
  if (slices.length === 0) return undefined;
  const embedded = runtime.database.kind === 'pglite';
  const size = slices.reduce((sum, slice) => sum + slice.size, 0);
  const content = Buffer.allocUnsafe(size);
  let read = 0;
  for (const slice of slices) {
    for (let offset = 0; offset < slice.size; offset += UPLOAD_SLICE_BYTES) {
      if (embedded && read > 0) await nextTurn();
      const [row] = await runtime.database.query<{ chunk: string }>(
        "select encode(substring(content from $3 for $4), 'base64') as chunk from import_files where import_id = $1 and slice = $2",
        [importId, slice.slice, offset + 1, UPLOAD_SLICE_BYTES],
      );
      // PostgreSQL breaks base64 into lines; the decoder skips the line breaks.
      read += content.write(row.chunk, read, 'base64');
    }
  }
  if (read !== size) throw new Error(`import ${importId}: read ${read} of ${size} bytes`);
  return { content };
}
