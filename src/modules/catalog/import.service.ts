// Price-list import: queue an import, run it (the job, the CLI), read imports and their reports.
//
// An import is a row in `imports`, worked by the `catalog_import` job (or run inline by the CLI).
// `runImport` gets the file (upload, URL or the caller's bytes), opens it with the goods reader
// (import-goods.ts: the frame checked; a file-level problem fails the import at once) and hands the
// goods to the apply step (import-apply.ts: one transaction, batches of goods written while the
// next are read; its SQL in import-statements.ts and import-parameters.ts). A strict import reads
// and checks all its goods first (one bad row refuses the file before the transaction), and so
// does one on PGlite, whose database shares this thread. A failure anywhere rolls the apply back
// and the previous catalog stays as it was.
//
// Rules (see README.md in this folder): offers are keyed by (shop, supplier's id); rows equal to
// what is stored are not written; goods missing from the file are deactivated, never deleted; the
// file's `shop` renames the shop; one import per shop at a time (an advisory lock per shop), and an
// older import never overwrites a newer one that was applied first.
import { setImmediate as nextTurn } from 'node:timers/promises';
import { and, desc, eq, gte, lt, sql } from 'drizzle-orm';

import {
  type Import,
  type ImportMode,
  type ImportSource,
  importFiles,
  importIssues,
  imports,
} from '../../db/schema/catalog.ts';
import { type TxScope, transaction } from '../../db/transaction.ts';
import { QUEUES } from '../../jobs/queues.ts';
import { collectGarbage } from '../../lib/memory.ts';
import type { Runtime } from '../../runtime.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { FetchError, fetchPriceList } from './fetch.ts';
import { applyPriceList } from './import-apply.ts';
import {
  type FileTally,
  goodsReader,
  MAX_REPORTED_ISSUES,
  PGLITE_BATCH,
  type Staged,
  splitStaged,
} from './import-goods.ts';
import { readUploadedFile, storeUpload } from './import-upload.ts';
import { PriceListError, type PriceListIssue } from './price-list/price-list.ts';
import { openPriceListInWorker, type WorkerPriceList } from './price-list/worker-reader.ts';
import { catalogRevision, holdCatalogRevision } from './read-cache.ts';
import { startHeartbeat } from './recovery.ts';
import { publishImportFinished } from './webhook-events.ts';

/** Rows an import must write (created, updated, deactivated) to queue a vacuum of the catalog. */
export const VACUUM_AFTER_ROWS = 1000;

export interface QueueImportInput {
  shopId: number;
  requestedBy: number | null;
  source: ImportSource;
  mode: ImportMode;
  url?: string;
  fileName?: string | null;
  /** The uploaded file (kept in the database until the job has read it). */
  content?: Buffer;
  /** A staff action: recorded in the audit trail (`import.started`, by `requestedBy`). */
  audited?: boolean;
}

/** Records an import and sends its job in the caller's transaction. */
export async function queueImport(scope: TxScope, input: QueueImportInput): Promise<Import> {
  const [row] = await scope.tx
    .insert(imports)
    .values({
      shopId: input.shopId,
      requestedBy: input.requestedBy,
      source: input.source,
      mode: input.mode,
      url: input.url ?? null,
      fileName: input.fileName ?? null,
      sizeBytes: input.content?.length ?? null,
      createdAt: scope.now,
    })
    .returning();
  if (input.content) await storeUpload(scope, row.id, input.content);
  if (input.audited) {
    await recordAudit(scope.tx, {
      actorId: input.requestedBy,
      kind: 'import.started',
      objectType: 'import',
      objectId: row.id,
      after: {
        shop_id: row.shopId,
        source: row.source,
        mode: row.mode,
        url: row.url,
        file_name: row.fileName,
      },
      at: scope.now,
    });
  }
  await scope.enqueue('catalog_import', { importId: row.id });
  return row;
}

export interface ImportInline {
  shopId: number;
  requestedBy?: number | null;
  mode?: ImportMode;
  source?: ImportSource;
  /** The file's bytes, or a URL to fetch. */
  content?: Buffer;
  url?: string;
  fileName?: string | null;
}

/**
 * Imports a price list now, in this process, and returns the finished import (succeeded or
 * failed). The import is recorded like a queued one; the CLI, the demo loader and the benchmarks
 * use this.
 */
export async function importPriceList(runtime: Runtime, input: ImportInline): Promise<Import> {
  const [row] = await runtime.db
    .insert(imports)
    .values({
      shopId: input.shopId,
      requestedBy: input.requestedBy ?? null,
      source: input.source ?? 'cli',
      mode: input.mode ?? 'lenient',
      url: input.url ?? null,
      fileName: input.fileName ?? null,
      sizeBytes: input.content?.length ?? null,
      createdAt: runtime.clock.now(),
    })
    .returning();
  return runImport(runtime, row.id, { content: input.content, retryLimit: 0 });
}

class ImportFailure extends Error {
  readonly code: string;
  readonly text: { ru: string; en: string };
  readonly issues: PriceListIssue[];
  readonly rejected: number;
  constructor(code: string, text: { ru: string; en: string }, issues: PriceListIssue[] = [], rejected = 0) {
    super(text.en);
    this.code = code;
    this.text = text;
    this.issues = issues;
    this.rejected = rejected;
  }
}

export interface RunImportOptions {
  /** The file's bytes when the caller has them (CLI, inline imports); else the upload or the URL. */
  content?: Buffer;
  /** Runs after the first that the caller will make when this one fails unexpectedly (the job's retry policy by default). */
  retryLimit?: number;
}

/**
 * The job: runs a queued import to its end. Safe to run twice (a finished import is left alone).
 *
 * A bad file or URL fails at once, for good, with its report. An unexpected error (the database
 * went away, a bug) rolls the apply back and is rethrown for the job system to retry: the import
 * goes back to `queued` with its uploaded file kept, so the retry can claim it and read it again.
 * The last allowed run marks it `failed` and deletes the file.
 */
export async function runImport(
  runtime: Runtime,
  importId: number,
  options: RunImportOptions = {},
): Promise<Import> {
  const content = options.content;
  const retryLimit = options.retryLimit ?? QUEUES.catalog_import.retryLimit ?? 0;
  const [claimed] = await runtime.db
    .update(imports)
    .set({
      status: 'running',
      startedAt: runtime.clock.now(),
      phase: 'download',
      progress: 0,
      attempts: sql`${imports.attempts} + 1`,
      heartbeatAt: sql`now()`, // crash recovery (recovery.ts): beats until the import ends
    })
    .where(and(eq(imports.id, importId), sql`${imports.status} in ('queued', 'running')`))
    .returning();
  if (!claimed) {
    const [current] = await runtime.db.select().from(imports).where(eq(imports.id, importId));
    if (!current) throw new Error(`import ${importId} does not exist`);
    return current;
  }
  const timings: Record<string, number> = {};
  const log = runtime.log.child({ importId, shopId: claimed.shopId });
  let totalRows = 0;
  let reader: WorkerPriceList | undefined;
  const stopHeartbeat = startHeartbeat(runtime, 'imports', importId);
  try {
    let started = performance.now();
    let bytes = content;
    let fileName = claimed.fileName;
    if (!bytes && claimed.url) {
      const fetched = await fetchPriceList(claimed.url, {
        maxBytes: runtime.config.importMaxBytes,
        maxLineBytes: runtime.config.importLimits.maxLineLength * 4, // UTF-8: at most 4 bytes a character
        allowPrivate: runtime.config.allowPrivateImportUrls,
      });
      bytes = fetched.content;
      fileName = fileName ?? fetched.fileName;
    } else if (!bytes) {
      const file = await readUploadedFile(runtime, importId);
      if (!file) {
        throw new ImportFailure('file_missing', {
          ru: 'Загруженный файл не найден',
          en: 'The uploaded file is gone',
        });
      }
      bytes = file.content;
    }
    if (bytes.length > runtime.config.importMaxBytes) {
      throw new FetchError('file_too_large', {
        ru: 'Файл больше допустимого размера',
        en: 'The file is larger than allowed',
      });
    }
    timings.download_ms = Math.round(performance.now() - started);
    collectGarbage(bytes.length / 300); // about 300 bytes a good
    await setProgress(runtime, importId, 'parse', 5, { sizeBytes: bytes.length, fileName });

    started = performance.now();
    // Hardening (issue 16): the file is decoded, bounded, parsed and checked in a worker thread
    // (price-list/worker-reader.ts) under IMPORT_MAX_* / IMPORT_PARSE_* limits; the bytes move
    // to it. Its goods are still read inside the apply, each batch while the database writes the
    // one before. The thread ends with the import (finally below).
    const priceList = await openPriceListInWorker(
      bytes,
      fileName,
      runtime.config.importLimits,
      bytes !== content, // the caller's own buffer is copied, never emptied
    );
    reader = priceList;
    bytes = undefined;
    const tally: FileTally = { read: 0, rejected: 0, issues: [...priceList.issues], keptIds: [], readMs: 0 };
    let nextGoods = goodsReader(priceList, tally);
    totalRows = priceList.goodsCount;
    const openMs = performance.now() - started;
    // The whole file is read and checked first when one bad row refuses it (strict: with the full
    // report), and on PGlite, whose database runs in this thread: reading there would overlap
    // nothing and only hold its one session longer.
    if (claimed.mode === 'strict' || runtime.database.kind === 'pglite') {
      const batches: Staged[] = [];
      for (let batch = await nextGoods(); batch; batch = await nextGoods()) {
        batches.push(batch);
        const read = Math.floor((50 * tally.read) / Math.max(1, priceList.goodsCount));
        await setProgress(runtime, importId, 'parse', 5 + read);
      }
      if (claimed.mode === 'strict' && tally.rejected + priceList.issues.length > 0) {
        timings.parse_ms = Math.round(openMs + tally.readMs);
        throw new ImportFailure(
          'rows_rejected',
          {
            ru: `Строгий режим: файл отклонён целиком, ошибок в строках: ${tally.rejected + priceList.issues.length}`,
            en: `Strict mode: the whole file is refused, rows with errors: ${tally.rejected + priceList.issues.length}`,
          },
          tally.issues,
          tally.rejected,
        );
      }
      // On PGlite, smaller statements: requests are answered between them.
      const pieces =
        runtime.database.kind === 'pglite'
          ? batches.flatMap((batch) => splitStaged(batch, PGLITE_BATCH))
          : batches;
      batches.length = 0;
      nextGoods = async () => pieces.shift();
    }
    await setProgress(runtime, importId, 'apply', 60);

    started = performance.now();
    collectGarbage(totalRows);
    /** The apply and the import's record of it, in the one transaction. */
    const finishApply = async (scope: TxScope): Promise<Import> => {
      const applied = await applyPriceList(scope, claimed, priceList, nextGoods, tally, timings);
      timings.apply_ms = Math.round(performance.now() - started);
      // Reading the goods overlaps the apply: parse_ms is the reading's own share of it.
      timings.parse_ms = Math.round(openMs + tally.readMs);
      const [done] = await scope.tx
        .update(imports)
        .set({
          status: applied.superseded ? 'failed' : 'succeeded',
          progress: 100,
          phase: null,
          totalRows: priceList.goodsCount,
          created: applied.created,
          updated: applied.updated,
          unchanged: applied.unchanged,
          deactivated: applied.deactivated,
          rejected: tally.rejected,
          shopRenamedFrom: applied.renamedFrom,
          shopRenamedTo: applied.renamedFrom ? priceList.shopName : null,
          errorCode: applied.superseded ? 'superseded' : null,
          errorMessage: applied.superseded
            ? {
                ru: 'Более новая загрузка этого магазина уже применена; эта не применялась',
                en: 'A newer import of this shop was applied first; this one was not applied',
              }
            : null,
          timings,
          finishedAt: runtime.clock.now(),
        })
        .where(eq(imports.id, importId))
        .returning();
      await saveIssues(scope, importId, applied.superseded ? [] : tally.issues);
      await scope.tx.delete(importFiles).where(eq(importFiles.importId, importId));
      if (applied.created + applied.updated + applied.deactivated >= VACUUM_AFTER_ROWS) {
        // At most one vacuum a minute, and always one after the last large import.
        await scope.enqueue(
          'catalog_vacuum',
          {},
          { singletonKey: 'catalog', singletonSeconds: 60, singletonNextSlot: true },
        );
      }
      await publishImportFinished(scope, done);
      return done;
    };
    // One run only: the run spends the goods reader, and transaction() runs its work again after a
    // deadlock or serialization failure — a second run would apply a file without goods and
    // deactivate every good of the shop (the soak's empty catalog: an import chosen as a deadlock's
    // victim by checkouts locking the same offers). Such a failure fails this run instead, and the
    // job's retry reads the file again (an inline import fails and leaves the catalog as it was).
    let ran = false;
    const result = await transaction(runtime, async (scope) => {
      if (ran) throw new Error('import: the apply was rolled back (deadlock or serialization failure)');
      ran = true;
      // On PGlite (one session) the catalog's readers need not wait for this transaction to read a
      // revision that cannot move while it is open (read-cache.ts, holdCatalogRevision).
      const release =
        runtime.database.kind === 'pglite' && runtime.readDatabase === runtime.database
          ? holdCatalogRevision(runtime.readDb, await catalogRevision(scope.tx))
          : () => {};
      try {
        return await finishApply(scope);
      } finally {
        release();
      }
    });
    log.info(
      {
        created: result.created,
        updated: result.updated,
        unchanged: result.unchanged,
        deactivated: result.deactivated,
        rejected: result.rejected,
        timings,
      },
      'price list imported',
    );
    return result;
  } catch (error) {
    const known =
      error instanceof PriceListError || error instanceof FetchError || error instanceof ImportFailure;
    if (!known) log.error({ err: error }, 'import failed');
    const code = known ? error.code : 'internal_error';
    const message = known
      ? error.text
      : {
          ru: 'Внутренняя ошибка при загрузке; попробуйте ещё раз',
          en: 'Internal error during the import; try again',
        };
    if (!known && claimed.attempts <= retryLimit) {
      // Another run will come: the import waits for it, its file kept.
      await runtime.db
        .update(imports)
        .set({
          status: 'queued',
          phase: null,
          progress: 0,
          errorCode: code,
          errorMessage: {
            ru: 'Внутренняя ошибка при загрузке; будет ещё одна попытка',
            en: 'Internal error during the import; it will be tried again',
          },
          timings,
        })
        .where(eq(imports.id, importId));
      throw error;
    }
    const failedIssues = error instanceof ImportFailure ? error.issues : [];
    if (error instanceof PriceListError && error.line) {
      failedIssues.push({
        row: 0,
        line: error.line,
        severity: 'error',
        code: error.code,
        message: error.text,
      });
    }
    const failed = await transaction(runtime, async (scope) => {
      const [row] = await scope.tx
        .update(imports)
        .set({
          status: 'failed',
          phase: null,
          errorCode: code,
          errorMessage: message,
          totalRows: known && error instanceof ImportFailure ? totalRows : 0,
          rejected: error instanceof ImportFailure ? error.rejected : 0,
          timings,
          finishedAt: runtime.clock.now(),
        })
        .where(eq(imports.id, importId))
        .returning();
      await saveIssues(scope, importId, failedIssues);
      await scope.tx.delete(importFiles).where(eq(importFiles.importId, importId));
      await publishImportFinished(scope, row);
      return row;
    });
    // The job system records the last unexpected failure (and keeps it in the dead-letter queue).
    if (!known) throw error;
    return failed;
  } finally {
    stopHeartbeat();
    reader?.close();
  }
}

async function setProgress(
  runtime: Runtime,
  importId: number,
  phase: string,
  progress: number,
  extra: Partial<Pick<Import, 'sizeBytes' | 'fileName'>> = {},
): Promise<void> {
  await runtime.db
    .update(imports)
    .set({ phase, progress, ...extra })
    .where(eq(imports.id, importId));
}

async function saveIssues(scope: TxScope, importId: number, issues: PriceListIssue[]): Promise<void> {
  await scope.tx.delete(importIssues).where(eq(importIssues.importId, importId));
  const kept = issues.slice(0, MAX_REPORTED_ISSUES);
  for (let start = 0; start < kept.length; start += 2000) {
    const batch = kept.slice(start, start + 2000);
    await scope.tx.insert(importIssues).values(
      batch.map((issue, i) => ({
        importId,
        seq: start + i + 1,
        row: issue.row,
        line: issue.line ?? null,
        goodId: issue.goodId ?? null,
        field: issue.field ?? null,
        severity: issue.severity,
        code: issue.code,
        message: issue.message,
      })),
    );
  }
}

/**
 * The job after a large import. Catalog lists read covering indexes alone only where the
 * visibility map marks pages all-visible; an import's writes clear those marks, and until a vacuum
 * sets them again every list visits the table (a filtered category list measured 22 ms instead of
 * 4 ms). Autovacuum waits until a fifth of a table changed, which a daily re-import of one shop
 * never reaches. Also refreshes the planner's statistics.
 */
export async function vacuumCatalog(runtime: Runtime): Promise<void> {
  const started = performance.now();
  // Table by table: on PGlite each statement holds the API's thread while it runs, so there the
  // vacuum and the analysis go apart, and the analysis two columns at a time (offers of 100,000
  // goods: 0.5 s to vacuum, 2.2 s to analyze at once on a busy machine; issue 16).
  const embedded = runtime.database.kind === 'pglite';
  for (const table of ['offers', 'products', 'product_search', 'offer_parameters']) {
    if (!embedded) {
      await runtime.database.query(`vacuum (analyze) ${table}`);
      continue;
    }
    await runtime.database.query(`vacuum ${table}`);
    const columns = await runtime.database.query<{ name: string }>(
      `select quote_ident(attname) as name from pg_attribute
       where attrelid = $1::regclass and attnum > 0 and not attisdropped order by attnum`,
      [table],
    );
    for (let start = 0; start < columns.length; start += 2) {
      await nextTurn();
      const names = columns.slice(start, start + 2).map((column) => column.name);
      await runtime.database.query(`analyze ${table} (${names.join(', ')})`);
    }
    await nextTurn();
  }
  runtime.log.info({ ms: Math.round(performance.now() - started) }, 'catalog vacuumed');
}

// ---------------------------------------------------------------------------------------------
// Reading imports

export async function getImport(
  runtime: Runtime,
  importId: number,
  shopId?: number,
): Promise<Import | undefined> {
  const [row] = await runtime.db
    .select()
    .from(imports)
    .where(
      shopId === undefined
        ? eq(imports.id, importId)
        : and(eq(imports.id, importId), eq(imports.shopId, shopId)),
    );
  return row;
}

export async function listImports(
  runtime: Runtime,
  shopId: number,
  options: { limit: number; before?: number },
): Promise<Import[]> {
  return runtime.db
    .select()
    .from(imports)
    .where(
      options.before
        ? and(eq(imports.shopId, shopId), lt(imports.id, options.before))
        : eq(imports.shopId, shopId),
    )
    .orderBy(desc(imports.id))
    .limit(options.limit);
}

export interface ImportFilters {
  shopId?: number;
  status?: Import['status'];
  /** Imports queued at or after this instant. */
  since?: Date;
  limit: number;
  before?: number;
}

/** Imports of every shop, newest first (staff's list; "failed in the last 24 h" is a filter of it). */
export async function listAllImports(runtime: Runtime, filters: ImportFilters): Promise<Import[]> {
  return runtime.db
    .select()
    .from(imports)
    .where(
      and(
        filters.shopId === undefined ? undefined : eq(imports.shopId, filters.shopId),
        filters.status === undefined ? undefined : eq(imports.status, filters.status),
        filters.since === undefined ? undefined : gte(imports.createdAt, filters.since),
        filters.before === undefined ? undefined : lt(imports.id, filters.before),
      ),
    )
    .orderBy(desc(imports.id))
    .limit(filters.limit);
}

/** Failed imports queued at or after `since`: the list `status=failed&since=<since>`. */
export async function countFailedImportsSince(runtime: Runtime, since: Date): Promise<number> {
  const [row] = await runtime.db
    .select({ count: sql<number>`count(*)::integer` })
    .from(imports)
    .where(and(eq(imports.status, 'failed'), gte(imports.createdAt, since)));
  return row.count;
}

export async function importReport(
  runtime: Runtime,
  importId: number,
  options: { limit: number; afterSeq?: number },
) {
  return runtime.db
    .select()
    .from(importIssues)
    .where(
      options.afterSeq
        ? and(eq(importIssues.importId, importId), sql`${importIssues.seq} > ${options.afterSeq}`)
        : eq(importIssues.importId, importId),
    )
    .orderBy(importIssues.seq)
    .limit(options.limit);
}
