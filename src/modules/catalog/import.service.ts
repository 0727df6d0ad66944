// Price-list import: queue, read, check, apply.
//
// An import is a row in `imports`, worked by the `catalog_import` job (or run inline by the CLI).
// The file's frame (shop, categories, where the goods are) is read and checked before anything is
// written; a file-level problem fails the import at once. The goods are then read 5,000 at a time
// inside ONE transaction, each batch while the database writes the batch before: it is compared
// with the shop's offers in memory, and only the rows that differ are written, set-based (arrays
// unnested in SQL): new products with their summary and search text, new offers with their
// characteristics, changed offers in place. Then the goods missing from the file are deactivated
// and the catalog summary of the older products that changed (and of new ones whose goods came in
// several batches) is refreshed. A failure anywhere rolls everything back and the previous catalog
// stays as it was. A strict import reads and checks all its goods first (one bad row refuses the
// file before the transaction), and so does one on PGlite, whose database shares this thread.
//
// Rules (see README.md in this folder): offers are keyed by (shop, supplier's id); rows equal to
// what is stored are not written; goods missing from the file are deactivated, never deleted; the
// file's `shop` renames the shop; one import per shop at a time (an advisory lock per shop), and an
// older import never overwrites a newer one that was applied first.
import { hash } from 'node:crypto';
import { and, desc, eq, lt, type SQL, sql } from 'drizzle-orm';
import { arrayLiteral } from '../../db/array-literal.ts';
import {
  type Import,
  type ImportMode,
  type ImportSource,
  importFiles,
  importIssues,
  imports,
  type ParameterKind,
} from '../../db/schema/catalog.ts';
import { type TxScope, transaction } from '../../db/transaction.ts';
import { QUEUES } from '../../jobs/queues.ts';
import type { Runtime } from '../../runtime.ts';
import { FetchError, fetchPriceList } from './fetch.ts';
import { PriceListError, type PriceListIssue } from './price-list/price-list.ts';
import { openPriceListInWorker, type WorkerPriceList } from './price-list/worker-reader.ts';
import { startHeartbeat } from './recovery.ts';
import { searchWordsOf } from './search.ts';

/**
 * A large import's peak memory is mostly garbage (the decoded file, the reader's values, the
 * statements' parameter texts) that the collector would keep until the heap had grown well past
 * it: with the server started with --expose-gc (npm start, npm run worker), a full collection
 * between the steps of a large import keeps the process near what it really holds. About 0.1 s
 * a collection; nothing below 10,000 goods.
 */
function collectGarbage(goods: number): void {
  if (goods >= 10_000) (globalThis as { gc?: () => void }).gc?.();
}

/** Advisory-lock namespace of imports: (IMPORT_LOCK, shop id). */
const IMPORT_LOCK = 7_311_004;
/**
 * Goods per batch, and rows (goods, products) per statement of the apply. With 10,000 the
 * statements took as long in all, but a batch's transient texts raised a 100,000-good import's
 * peak memory by about 120 MiB.
 */
export const IMPORT_BATCH = 5_000;
/** Rows an import must write (created, updated, deactivated) to queue a vacuum of the catalog. */
export const VACUUM_AFTER_ROWS = 1000;
/** How many report lines an import keeps (the counts are always complete). */
export const MAX_REPORTED_ISSUES = 10_000;

export interface QueueImportInput {
  shopId: number;
  requestedBy: number | null;
  source: ImportSource;
  mode: ImportMode;
  url?: string;
  fileName?: string | null;
  /** The uploaded file (kept in the database until the job has read it). */
  content?: Buffer;
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
  if (input.content) await scope.tx.insert(importFiles).values({ importId: row.id, content: input.content });
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
      nextGoods = async () => batches.shift();
    }
    await setProgress(runtime, importId, 'apply', 60);

    started = performance.now();
    collectGarbage(totalRows);
    const result = await transaction(runtime, async (scope) => {
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
      return done;
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

/**
 * The uploaded bytes, read in slices as base64: a bytea comes over the text protocol as hex, twice
 * its size and slower to decode, and one 100 MB read would briefly hold 300 MB.
 */
async function readUploadedFile(
  runtime: Runtime,
  importId: number,
): Promise<{ content: Buffer } | undefined> {
  const [head] = await runtime.database.query<{ size: number }>(
    'select length(content)::integer as size from import_files where import_id = $1',
    [importId],
  );
  if (!head) return undefined;
  const SLICE = 8 * 1024 * 1024;
  const chunks: Buffer[] = [];
  for (let offset = 0; offset < head.size; offset += SLICE) {
    const [row] = await runtime.database.query<{ chunk: string }>(
      "select encode(substring(content from $2 for $3), 'base64') as chunk from import_files where import_id = $1",
      [importId, offset + 1, SLICE],
    );
    // PostgreSQL breaks base64 into lines; the decoder skips the line breaks.
    chunks.push(Buffer.from(row.chunk, 'base64'));
  }
  const read = chunks.reduce((sum, chunk) => sum + chunk.length, 0);
  if (read !== head.size) throw new Error(`import ${importId}: read ${read} of ${head.size} bytes`);
  return { content: Buffer.concat(chunks, read) };
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

/** A batch of valid goods as columns (compact, and ready for unnest). */
interface Staged {
  rows: number[];
  externalIds: string[];
  categoryNorms: string[];
  models: (string | null)[];
  names: string[];
  normalizedNames: string[];
  prices: string[];
  pricesRrc: string[];
  quantities: number[];
  /** Characteristics, flat: good i's are at paramStart[i] … paramStart[i + 1] - 1. */
  paramStart: number[];
  params: {
    name: string[];
    key: string[];
    kind: ParameterKind[];
    value: string[];
    valueKey: string[];
    valueNumber: (string | null)[];
  };
}

/** What reading the goods found besides the valid ones, over the whole file. */
interface FileTally {
  /** Goods read so far, valid or not. */
  read: number;
  rejected: number;
  /** The file's issues, then the rows' (at most MAX_REPORTED_ISSUES of those). */
  issues: PriceListIssue[];
  /** Supplier ids of rejected rows: their stored offers are kept as they are, not deactivated. */
  keptIds: string[];
  /** Time spent reading and checking goods. */
  readMs: number;
}

/** What the apply needs of the file: its frame, and its goods to read (from the reader's thread). */
type PriceListSummary = WorkerPriceList;

/**
 * A copy of a string that does not keep a larger one alive: V8 represents substrings as slices of
 * their parent, and the parent here is the whole decoded file.
 */
function own(value: string): string {
  return value.length < 13 ? value : ` ${value}`.slice(1);
}

/** Goods read between two turns of the event loop, so that the database's answers are taken promptly. */
const READ_SLICE = 1000;

/**
 * Reads the file's goods IMPORT_BATCH valid ones at a time (undefined at the end), tallying the rejected
 * ones. It yields to the event loop every READ_SLICE goods: it runs while the database works on
 * the statements before, and their answers must not wait for a whole batch to be read.
 */
function goodsReader(priceList: PriceListSummary, tally: FileTally): () => Promise<Staged | undefined> {
  const goods = priceList.goods();
  let done = false;
  return async () => {
    if (done) return undefined;
    const staged: Staged = {
      rows: [],
      externalIds: [],
      categoryNorms: [],
      models: [],
      names: [],
      normalizedNames: [],
      prices: [],
      pricesRrc: [],
      quantities: [],
      paramStart: [0],
      params: { name: [], key: [], kind: [], value: [], valueKey: [], valueNumber: [] },
    };
    let started = performance.now();
    while (staged.rows.length < IMPORT_BATCH) {
      const next = await goods.next();
      if (next.done) {
        done = true;
        break;
      }
      tally.read += 1;
      if (tally.read % READ_SLICE === 0) {
        tally.readMs += performance.now() - started;
        await new Promise((resolve) => setImmediate(resolve));
        started = performance.now();
      }
      const result = next.value;
      if (!result.ok) {
        tally.rejected += 1;
        const goodId = result.issues.find((issue) => issue.goodId)?.goodId;
        const duplicate = result.issues.some((issue) => issue.code === 'duplicate_id');
        if (goodId && !duplicate) tally.keptIds.push(own(goodId));
        if (tally.issues.length < MAX_REPORTED_ISSUES) {
          for (const issue of result.issues) {
            if (issue.goodId) issue.goodId = own(issue.goodId);
            tally.issues.push(issue);
          }
        }
        continue;
      }
      const good = result.good;
      staged.rows.push(good.row);
      staged.externalIds.push(own(good.externalId));
      staged.categoryNorms.push(priceList.categories.get(good.categoryExternalId)!.normalizedName);
      staged.models.push(good.model === null ? null : own(good.model));
      staged.names.push(own(good.name));
      staged.normalizedNames.push(good.normalizedName);
      staged.prices.push(good.price);
      staged.pricesRrc.push(good.priceRrc);
      staged.quantities.push(good.quantity);
      for (const parameter of good.parameters) {
        staged.params.name.push(parameter.name);
        staged.params.key.push(parameter.normalizedName);
        staged.params.kind.push(parameter.kind);
        staged.params.value.push(parameter.value);
        staged.params.valueKey.push(parameter.valueKey);
        staged.params.valueNumber.push(parameter.valueNumber);
      }
      staged.paramStart.push(staged.params.name.length);
    }
    tally.readMs += performance.now() - started;
    return staged.rows.length > 0 ? staged : undefined;
  };
}

interface Applied {
  created: number;
  updated: number;
  unchanged: number;
  deactivated: number;
  renamedFrom: string | null;
  superseded: boolean;
}

function rowsOf<T>(result: unknown): T[] {
  return (result as { rows: T[] }).rows;
}

function param<T>(value: T) {
  return sql.param(value);
}

/**
 * The transaction's statements in order, each sent when the one before has finished, while the
 * caller goes on reading the file and building the next ones: the import's JavaScript and the
 * database's work overlap. `take` gets a statement's rows as they come, in order, and may queue
 * more statements (not wait for them). After a failure nothing more is sent: every later
 * statement fails with it. `durations` sums each label's database time.
 */
function statementQueue(scope: TxScope, durations: Record<string, number>) {
  let tail: Promise<unknown> = Promise.resolve();
  // When the last statement queued finished, if none was queued since: the connection idles.
  let idleSince: number | undefined;
  return {
    run<Row>(label: string, statement: SQL | Promise<SQL>, take?: (rows: Row[]) => void): Promise<Row[]> {
      if (idleSince !== undefined) {
        durations.idle = (durations.idle ?? 0) + performance.now() - idleSince;
        idleSince = undefined;
      }
      if (statement instanceof Promise) statement.catch(() => {});
      const result: Promise<Row[]> = tail.then(async () => {
        const waited = performance.now();
        const ready = await statement;
        const started = performance.now();
        durations.idle = (durations.idle ?? 0) + started - waited;
        const rows = rowsOf<Row>(await scope.tx.execute(ready));
        durations[label] = (durations[label] ?? 0) + performance.now() - started;
        take?.(rows);
        if (tail === result) idleSince = performance.now();
        return rows;
      });
      // Awaited by the caller or by drain, which rethrow; until then its failure is not unhandled.
      result.catch(() => {});
      tail = result;
      return result;
    },
    /** Waits for everything queued, including what was queued meanwhile; rethrows a failure. */
    async drain(): Promise<void> {
      for (let last = tail; ; last = tail) {
        await last;
        if (last === tail) return;
      }
    },
    /** Waits until no statement is running or due, whatever their outcome. */
    async settle(): Promise<void> {
      for (let last = tail; ; last = tail) {
        await last.catch(() => {});
        if (last === tail) return;
      }
    },
  };
}

type StatementQueue = ReturnType<typeof statementQueue>;

/** A batch of the file on its way: classified, its products asked for, its offers still to write. */
interface BatchWork {
  staged: Staged;
  goodCategory: number[];
  images: (RowImage | undefined)[];
  /** Goods the shop has no offer for. */
  fresh: number[];
  /** Goods whose stored offer differs, with that offer's id. */
  existing: { index: number; id: number }[];
  groups: ProductGroup[];
  /** Settles when every group has its product id. */
  products: Promise<unknown>;
  /**
   * The search vectors of the batch's products, when computed beside the transaction: the id of
   * each product the batch created (null for the others), by position, and the vectors in the
   * same order as a tsvector[] literal.
   */
  vectors?: { created: (number | null)[]; literal: Promise<string> };
}

async function applyPriceList(
  scope: TxScope,
  job: Import,
  priceList: PriceListSummary,
  nextGoods: () => Promise<Staged | undefined>,
  tally: FileTally,
  timings: Record<string, number>,
): Promise<Applied> {
  const { tx } = scope;
  const shopId = job.shopId;
  // The summary triggers stand aside: this transaction refreshes the products it touched, once.
  await tx.execute(sql`select set_config('zakupka.catalog_bulk', 'on', true)`);
  // Set-based statements over the whole file sort and hash in memory rather than on disk.
  await tx.execute(sql`select set_config('work_mem', '256MB', true)`);
  await tx.execute(sql`select pg_advisory_xact_lock(${IMPORT_LOCK}, ${shopId})`);

  const newer = rowsOf<{ id: number }>(
    await tx.execute(
      sql`select id from imports where shop_id = ${shopId} and id > ${job.id} and status = 'succeeded' limit 1`,
    ),
  );
  if (newer.length > 0) {
    return { created: 0, updated: 0, unchanged: 0, deactivated: 0, renamedFrom: null, superseded: true };
  }

  // The shop takes the file's name.
  const [shop] = rowsOf<{ name: string; accepting_orders: boolean }>(
    await tx.execute(sql`select name, accepting_orders from shops where id = ${shopId} for update`),
  );
  const accepting = shop.accepting_orders;
  let renamedFrom: string | null = null;
  if (shop.name !== priceList.shopName) {
    await tx.execute(
      sql`update shops set name = ${priceList.shopName}, updated_at = ${scope.now} where id = ${shopId}`,
    );
    renamedFrom = shop.name;
  }

  // Categories: global by normalised name; the supplier's ids map onto them per shop.
  const categoryList = [...priceList.categories.values()];
  if (categoryList.length > 0) {
    await tx.execute(sql`
      insert into categories (name, normalized_name)
      select * from unnest(${param(categoryList.map((c) => c.name))}::text[],
                           ${param(categoryList.map((c) => c.normalizedName))}::text[])
      on conflict (normalized_name) do nothing`);
    await tx.execute(sql`
      insert into shop_categories (shop_id, external_id, category_id)
      select ${shopId}, u.external_id, coalesce(c.merged_into_id, c.id)
      from unnest(${param(categoryList.map((c) => c.externalId))}::text[],
                  ${param(categoryList.map((c) => c.normalizedName))}::text[]) as u(external_id, normalized_name)
      join categories c on c.normalized_name = u.normalized_name
      on conflict (shop_id, external_id) do update set category_id = excluded.category_id
      where shop_categories.category_id <> excluded.category_id`);
  }

  // Where each good's category is: the supplier's category's normalised name leads to a category
  // (or to the one staff merged it into).
  const categoryIds = new Map<string, { id: number; name: string }>();
  if (categoryList.length > 0) {
    const found = rowsOf<{ normalized_name: string; id: number; name: string }>(
      await tx.execute(sql`
        select c.normalized_name, t.id, t.name
        from categories c join categories t on t.id = coalesce(c.merged_into_id, c.id)
        where c.normalized_name = any(${param(categoryList.map((c) => c.normalizedName))}::text[])`),
    );
    for (const row of found) categoryIds.set(row.normalized_name, { id: row.id, name: row.name });
  }
  const categoryNames = new Map([...categoryIds.values()].map((c) => [c.id, c.name]));

  const stored = await storedOffers(scope, shopId);
  // A file of several batches on the server: its search vectors are computed on a connection
  // beside this one (see askProducts). Without one, the products statement computes them.
  const aside =
    priceList.goodsCount > IMPORT_BATCH
      ? await scope.runtime.database.connectAside?.().catch((error: unknown) => {
          scope.runtime.log.warn(
            { err: error },
            'import: no connection aside, search vectors computed inline',
          );
          return undefined;
        })
      : undefined;
  const durations: Record<string, number> = {};
  const queue = statementQueue(scope, durations);

  // Across the batches: characteristics met so far, products by key, what the end refreshes.
  const parameters: ParameterIndex = {
    ids: new Map(),
    kinds: new Map(),
    shown: new Map(),
    turnedText: new Set(),
  };
  /** Products this import created. */
  const newProducts = new Set<number>();
  // Older products whose summary or search text the end refreshes, and new ones whose goods came
  // in several batches (each batch inserted or found them with its own goods only).
  const statsProducts = new Set<number>();
  const searchProducts = new Set<number>();
  const spanning = (id: number) => {
    statsProducts.add(id);
    searchProducts.add(id);
  };
  const words = new Set(searchWordsOf(categoryList.map((c) => c.name)));
  let valid = 0;
  let created = 0;
  let updated = 0;

  /**
   * Classifies a batch and asks for its products. A good the shop has no offer for is new. A
   * stored one is written when its digest, stock, product key or active flag differs; the rest (a
   * daily re-import: nearly all) go no further.
   */
  const askProducts = async (staged: Staged): Promise<BatchWork> => {
    await resolveParameters(queue, staged, parameters);
    const goodCategory = staged.categoryNorms.map((norm) => categoryIds.get(norm)!.id);
    const fresh: number[] = [];
    const existing: { index: number; id: number }[] = [];
    /** The stored offer of each good that has one and differs. */
    const storedOf: (StoredOffer | undefined)[] = [];
    /** The images the comparison made, which the offers statement reuses. */
    const images: (RowImage | undefined)[] = [];
    for (let i = 0; i < staged.rows.length; i += 1) {
      const offer = stored.get(staged.externalIds[i]);
      if (!offer) {
        fresh.push(i);
        continue;
      }
      offer.seen = true;
      // The digest is made only when the cheap comparisons leave the row unchanged.
      let unchanged =
        offer.is_active &&
        offer.quantity === staged.quantities[i] &&
        offer.category_id === goodCategory[i] &&
        offer.product_name_key === staged.normalizedNames[i];
      if (unchanged) {
        const image = rowImage(staged, goodCategory, parameters.ids, i);
        images[i] = image;
        unchanged = offer.import_hash === image.hash;
      }
      if (!unchanged) {
        existing.push({ index: i, id: offer.id });
        storedOf[i] = offer;
      }
    }
    valid += staged.rows.length;
    created += fresh.length;

    // Products: the same normalised name in the same category is the same product. A group with
    // a good whose stored offer has that category and name keeps that offer's product. The others
    // go to the database: a product new in this import is inserted with the summary and search
    // text of this batch's goods; one another shop brought, one of the shop's other offers
    // belongs to, or an earlier batch inserted (refreshed at the end), gets its id back.
    const groups = groupProducts(
      staged,
      [...fresh, ...existing.map((row) => row.index)],
      goodCategory,
      accepting,
    );
    const unknown: ProductGroup[] = [];
    for (const group of groups) {
      for (const i of group.goods) {
        const offer = storedOf[i];
        if (
          offer &&
          offer.category_id === group.categoryId &&
          offer.product_name_key === group.normalizedName
        ) {
          group.productId = offer.product_id;
          break;
        }
      }
      if (group.productId === undefined) unknown.push(group);
    }
    let asked: Promise<unknown> = Promise.resolve();
    let vectors: BatchWork['vectors'];
    if (unknown.length > 0) {
      const texts = searchTexts(staged, unknown, categoryNames);
      // Stemming the search texts is the products statement's largest part: on the server it runs
      // on a connection of its own, beside this one, and its vectors are written after the
      // batch's offers, by when they have long arrived.
      if (aside) {
        const literal = aside.query<{ vectors: string }>(SEARCH_VECTORS_SQL, [
          texts.names,
          texts.middle,
          texts.values,
        ]);
        literal.catch(() => {});
        vectors = {
          created: new Array(unknown.length).fill(null),
          literal: literal.then(([row]) => row.vectors),
        };
      }
      asked = queue
        .run<{ id: number; ord: number; created: boolean }>(
          'products',
          productsStatement(unknown, texts, !aside),
          (rows) => {
            for (const row of rows) {
              const group = unknown[row.ord - 1];
              group.productId = row.id;
              // A product an earlier batch of this import created comes back as found.
              if (row.created) {
                newProducts.add(row.id);
                if (vectors) vectors.created[row.ord - 1] = row.id;
              } else if (newProducts.has(row.id)) spanning(row.id);
            }
          },
        )
        .then(() => findProducts(queue, unknown));
      asked.catch(() => {});
    }
    return { staged, goodCategory, images, fresh, existing, groups, products: asked, vectors };
  };

  /** Queues a batch's offers once its products are known: new ones, then the changed stored ones. */
  const writeOffers = async (work: BatchWork): Promise<void> => {
    await work.products;
    const { staged, goodCategory, images, fresh, existing } = work;
    const productOf = new Int32Array(staged.rows.length);
    for (const group of work.groups) for (const i of group.goods) productOf[i] = group.productId!;
    for (const i of fresh) {
      if (!newProducts.has(productOf[i])) {
        statsProducts.add(productOf[i]);
        searchProducts.add(productOf[i]);
      }
    }
    // Words for typo correction: the names of the goods written.
    for (const word of searchWordsOf(fresh.map((i) => staged.names[i]))) words.add(word);
    const goods: GoodsColumns = {
      staged,
      goodCategory,
      images,
      parameterIds: parameters.ids,
      parameterShown: parameters.shown,
      productOf,
    };
    if (fresh.length > 0) {
      // In product order: the product index grows at its end.
      fresh.sort((a, b) => productOf[a] - productOf[b]);
      queue.run<{ count: number }>('new_offers', newOffersStatement(scope, shopId, goods, fresh), (rows) => {
        if (rows[0]?.count !== fresh.length)
          throw new Error(`import: ${rows[0]?.count} offers inserted, ${fresh.length} expected`);
      });
    }
    if (existing.length > 0) {
      // Updated in place (same id), reactivated; a row that differed only in its digest (written
      // by an older version, or changed by another writer and changed back) gets the digest.
      queue.run<ChangedOffer>('offers', storedOffersStatement(scope, goods, existing), (rows) => {
        const rewritten: ChangedOffer[] = [];
        const names: string[] = [];
        for (const row of rows) {
          if (row.changed) {
            updated += 1;
            if (!newProducts.has(row.product_id)) statsProducts.add(row.product_id);
            names.push(staged.names[row.idx]);
          }
          if (row.search_changed) {
            statsProducts.add(row.old_product_id);
            searchProducts.add(row.old_product_id);
            if (!newProducts.has(row.product_id)) searchProducts.add(row.product_id);
          }
          if (row.parameters_changed) rewritten.push(row);
        }
        for (const word of searchWordsOf(names)) words.add(word);
        // Their characteristics changed: the values replaced.
        if (rewritten.length > 0) writeParameters(queue, staged, rewritten, parameters.ids);
      });
    }
    const { vectors } = work;
    if (vectors?.created.some((id) => id !== null)) {
      queue.run(
        'products',
        vectors.literal.then(
          (literal) => sql`
            insert into product_search (product_id, search_vector)
            select id, vector from unnest(${param(arrayLiteral(vectors.created))}::integer[], ${param(literal)}::tsvector[]) as u(id, vector)
            where id is not null`,
        ),
      );
    }
  };

  let waiting: BatchWork | undefined;
  let progressed: Promise<unknown> = Promise.resolve();
  try {
    // Batch k is read and its products asked for while the database still works on batch k - 1,
    // whose offers are queued once its products are known.
    for (let staged = await nextGoods(); staged; staged = await nextGoods()) {
      const work = await askProducts(staged);
      const written = waiting;
      if (written) await writeOffers(written);
      waiting = work;
      // Each batch leaves its texts behind (the file's values, the statements' parameters: about
      // 40 MB a batch of 5,000 goods), which the collector would let pile up: collected while
      // the database works on the statements just queued.
      if (written && written.fresh.length + written.existing.length > 0) collectGarbage(priceList.goodsCount);
      // Progress can only be seen from outside this transaction: it goes through the connection
      // aside, when there is one.
      if (aside) {
        const progress = 60 + Math.floor((35 * tally.read) / Math.max(1, priceList.goodsCount));
        progressed = aside
          .query('update imports set progress = $2 where id = $1 and progress < $2', [job.id, progress])
          .catch(() => undefined);
      }
    }
    if (waiting) await writeOffers(waiting);
    waiting = undefined;
    await queue.drain();
  } finally {
    // Nothing may still be running when the transaction ends.
    await queue.settle();
    await progressed;
    await aside?.close();
  }
  timings.apply_products_ms = Math.round(durations.products ?? 0);
  timings.apply_new_offers_ms = Math.round(durations.new_offers ?? 0);
  timings.apply_parameters_ms = Math.round(durations.parameters ?? 0);
  // Between the first and the last statement of the batches, how long the connection waited for the
  // import's JavaScript (reading, building statements).
  timings.apply_db_idle_ms = Math.round(durations.idle ?? 0);
  let mark = performance.now();
  const lap = (name: string) => {
    const now = performance.now();
    timings[name] = Math.round(now - mark);
    mark = now;
  };

  // Goods missing from the file: deactivated, never deleted (orders refer to them). A rejected
  // row's stored offer is kept as it is.
  for (const id of tally.keptIds) {
    const offer = stored.get(id);
    if (offer) offer.seen = true;
  }
  const missing = [...stored.values()].filter((o) => o.is_active && !o.seen).map((o) => o.id);
  const deactivatedRows = rowsOf<{ product_id: number }>(
    await tx.execute(sql`
      update offers o set is_active = false, updated_at = ${scope.now}
      where o.id = any(${param(missing)}::integer[]) and o.is_active
      returning o.product_id`),
  );
  // The stored offers' statements and this one.
  durations.offers = (durations.offers ?? 0) + performance.now() - mark;
  timings.apply_offers_ms = Math.round(durations.offers);
  mark = performance.now();

  // A characteristic this import turned into text: every offer holding it shows the new kind
  // (offers of other shops, and this file's earlier batches).
  if (parameters.turnedText.size > 0) {
    await tx.execute(sql`
      select catalog_refresh_offer_characteristics(array(
        select distinct offer_id from offer_parameters
        where parameter_id = any(${param([...parameters.turnedText])}::integer[])))`);
  }

  // The summary of every older product whose offers changed (an old product that loses an offer
  // to a renamed or re-categorised good too), and of a new one whose goods came in several
  // batches; the search text of those whose offers' searchable fields changed (model,
  // characteristics, product, reactivation).
  for (const row of deactivatedRows) {
    statsProducts.add(row.product_id);
    searchProducts.add(row.product_id);
  }
  const statsIds = [...statsProducts];
  const searchIds = [...searchProducts];
  for (let start = 0; start < statsIds.length; start += 50_000) {
    await tx.execute(
      sql`select catalog_refresh_product_stats(${param(statsIds.slice(start, start + 50_000))}::integer[])`,
    );
  }
  for (let start = 0; start < searchIds.length; start += 50_000) {
    await tx.execute(
      sql`select catalog_refresh_product_search(${param(searchIds.slice(start, start + 50_000))}::integer[])`,
    );
  }
  lap('apply_summary_ms');

  // Words for typo correction: names of the goods written and of the categories.
  const wordList = [...words];
  for (let start = 0; start < wordList.length; start += 20_000) {
    await tx.execute(sql`
      insert into search_words (word) select unnest(${param(wordList.slice(start, start + 20_000))}::text[])
      on conflict do nothing`);
  }
  lap('apply_words_ms');

  return {
    created,
    updated,
    unchanged: valid - created - updated,
    deactivated: deactivatedRows.length,
    renamedFrom,
    superseded: false,
  };
}

/**
 * Good i's characteristics as a JSON object text, in file order: numbers written as their canonical
 * text (exact), booleans bare, text quoted.
 */
function parametersJsonOf(staged: Staged, i: number): string {
  const { params, paramStart } = staged;
  const parts: string[] = [];
  for (let j = paramStart[i]; j < paramStart[i + 1]; j += 1) {
    const value = params.kind[j] === 'text' ? JSON.stringify(params.value[j]) : params.value[j];
    parts.push(`${JSON.stringify(params.name[j])}:${value}`);
  }
  return `{${parts.join(',')}}`;
}

interface StoredOffer {
  id: number;
  external_id: string;
  is_active: boolean;
  import_hash: string | null;
  quantity: number;
  category_id: number;
  product_name_key: string;
  product_id: number;
  /** Set when the file has the good (valid or rejected): the rest are deactivated. */
  seen?: boolean;
}

/** The shop's offers as the comparison with the file needs them, by the supplier's id. */
async function storedOffers(scope: TxScope, shopId: number): Promise<Map<string, StoredOffer>> {
  const rows = rowsOf<StoredOffer>(
    await scope.tx.execute(sql`
      select id, external_id, is_active, import_hash, quantity, category_id, product_name_key, product_id
      from offers where shop_id = ${shopId}`),
  );
  return new Map(rows.map((row) => [row.external_id, row]));
}

/** Good i as the import writes it: its characteristics, its facet keys and its digest. */
interface RowImage {
  parameters: string;
  facetKeys: string;
  hash: string;
}

/**
 * The digest covers every column the import writes (quantity aside, which checkouts change and
 * which is compared as it is) and the characteristics' ids and keys.
 */
function rowImage(
  staged: Staged,
  goodCategory: number[],
  parameterIds: Map<string, number>,
  i: number,
): RowImage {
  const parameters = parametersJsonOf(staged, i);
  const facetKeys = facetKeysLiteralOf(staged, parameterIds, i);
  const digest = hash(
    'sha1',
    [
      staged.externalIds[i],
      goodCategory[i],
      staged.normalizedNames[i],
      staged.models[i] ?? '\u0002',
      staged.names[i],
      staged.prices[i],
      staged.pricesRrc[i],
      parameters,
      facetKeys,
    ].join('\u0001'),
    'base64',
  );
  return { parameters, facetKeys, hash: digest };
}

interface ProductGroup {
  categoryId: number;
  normalizedName: string;
  /** The first good's name as written. */
  name: string;
  /** Positions of the group's goods in the staged columns. */
  goods: number[];
  offerCount: number;
  minPrice: string | null;
  maxPrice: string | null;
  inStock: boolean;
  inStockMinPrice: string | null;
  /** Set once known: the product's id. */
  productId?: number;
}

function cents(price: string): bigint {
  return BigInt(price.replace('.', ''));
}

/** The given goods of the file by product, with the summary a product has when these are all its offers. */
function groupProducts(
  staged: Staged,
  rows: number[],
  goodCategory: number[],
  accepting: boolean,
): ProductGroup[] {
  const byKey = new Map<string, ProductGroup>();
  for (const i of rows) {
    const key = `${goodCategory[i]}\u0000${staged.normalizedNames[i]}`;
    let group = byKey.get(key);
    if (!group) {
      group = {
        categoryId: goodCategory[i],
        normalizedName: staged.normalizedNames[i],
        name: staged.names[i],
        goods: [],
        offerCount: 0,
        minPrice: null,
        maxPrice: null,
        inStock: false,
        inStockMinPrice: null,
      };
      byKey.set(key, group);
    }
    group.goods.push(i);
    if (!accepting) continue;
    const price = staged.prices[i];
    group.offerCount += 1;
    if (group.minPrice === null || cents(price) < cents(group.minPrice)) group.minPrice = price;
    if (group.maxPrice === null || cents(price) > cents(group.maxPrice)) group.maxPrice = price;
    if (staged.quantities[i] > 0) {
      group.inStock = true;
      if (group.inStockMinPrice === null || cents(price) < cents(group.inStockMinPrice))
        group.inStockMinPrice = price;
    }
  }
  return [...byKey.values()];
}

/** What full-text search reads of each group, as array literals: name (A), models and category (B), text characteristic values (C). */
interface SearchTexts {
  names: string;
  middle: string;
  values: string;
}

function searchTexts(
  staged: Staged,
  groups: ProductGroup[],
  categoryNames: Map<number, string>,
): SearchTexts {
  const middle: string[] = [];
  const values: string[] = [];
  for (const group of groups) {
    const models = new Set<string>();
    const texts = new Set<string>();
    for (const i of group.goods) {
      const model = staged.models[i];
      if (model !== null) models.add(model.replace(/[/_\-.:]/g, ' '));
      for (let j = staged.paramStart[i]; j < staged.paramStart[i + 1]; j += 1) {
        if (staged.params.kind[j] === 'text') texts.add(staged.params.value[j]);
      }
    }
    middle.push(`${[...models].join(' ')} ${categoryNames.get(group.categoryId) ?? ''}`);
    values.push([...texts].join(' '));
  }
  return {
    names: arrayLiteral(groups.map((g) => g.name)),
    middle: arrayLiteral(middle),
    values: arrayLiteral(values),
  };
}

/** A product's search vector from its three texts: the same weights as catalog_refresh_product_search. */
function searchVector(name: string, middle: string, values: string): string {
  return `setweight(to_tsvector('russian', ${name}), 'A') || setweight(to_tsvector('russian', ${middle}), 'B')
          || setweight(to_tsvector('russian', ${values}), 'C')`;
}

/** The search vectors of the texts, as a tsvector[] literal. */
const SEARCH_VECTORS_SQL = `
  select array_agg(${searchVector('u.name', 'u.middle', 'u.characteristic_values')} order by u.ord)::text as vectors
  from unnest($1::text[], $2::text[], $3::text[]) with ordinality as u(name, middle, characteristic_values, ord)`;

/**
 * One batch of product groups: the new ones inserted with their summary (and, with `stemHere`,
 * their search vector; else the caller writes the vectors), and every group's product id, by its
 * position in the batch (`ord`, from 1).
 */
function productsStatement(groups: ProductGroup[], texts: SearchTexts, stemHere: boolean): SQL {
  const searchable = stemHere
    ? sql`, searchable as (
      insert into product_search (product_id, search_vector)
      select c.id, ${sql.raw(searchVector('u.name', 't.middle', 't.characteristic_values'))}
      from created c join u on u.category_id = c.category_id and u.normalized_name = c.normalized_name
      join unnest(${param(texts.middle)}::text[], ${param(texts.values)}::text[])
        with ordinality as t(middle, characteristic_values, ord) on t.ord = u.ord
    )`
    : sql``;
  // A product another transaction committed after this statement's snapshot is neither inserted
  // nor seen here: findProducts looks for it again.
  return sql`
    with u as (
      select * from unnest(
        ${param(arrayLiteral(groups.map((g) => g.categoryId)))}::integer[],
        ${param(texts.names)}::text[],
        ${param(arrayLiteral(groups.map((g) => g.normalizedName)))}::text[],
        ${param(arrayLiteral(groups.map((g) => g.offerCount)))}::integer[],
        ${param(arrayLiteral(groups.map((g) => g.minPrice)))}::numeric[],
        ${param(arrayLiteral(groups.map((g) => g.maxPrice)))}::numeric[],
        ${param(arrayLiteral(groups.map((g) => g.inStock)))}::boolean[],
        ${param(arrayLiteral(groups.map((g) => g.inStockMinPrice)))}::numeric[])
        with ordinality as u(category_id, name, normalized_name, offer_count, min_price, max_price, in_stock,
                             in_stock_min_price, ord)
    ), created as (
      insert into products (category_id, name, normalized_name, offer_count, min_price, max_price, in_stock, in_stock_min_price)
      select category_id, name, normalized_name, offer_count, min_price, max_price, in_stock, in_stock_min_price
      from u order by ord
      on conflict (category_id, normalized_name) do nothing
      returning id, category_id, normalized_name
    )${searchable}
    select c.id, u.ord::integer as ord, true as created
    from created c join u on u.category_id = c.category_id and u.normalized_name = c.normalized_name
    union all
    select p.id, u.ord::integer, false
    from u join products p on p.category_id = u.category_id and p.normalized_name = u.normalized_name`;
}

/**
 * The ids of the groups whose product the products statement did not see (committed meanwhile by
 * another import).
 */
async function findProducts(queue: StatementQueue, groups: ProductGroup[]): Promise<void> {
  const missing = groups.filter((group) => group.productId === undefined);
  if (missing.length === 0) return;
  const rows = await queue.run<{ id: number; ord: number }>(
    'products',
    sql`
      select p.id, u.ord::integer as ord
      from unnest(${param(missing.map((g) => g.categoryId))}::integer[],
                  ${param(missing.map((g) => g.normalizedName))}::text[]) with ordinality as u(category_id, normalized_name, ord)
      join products p on p.category_id = u.category_id and p.normalized_name = u.normalized_name`,
  );
  for (const row of rows) missing[row.ord - 1].productId = row.id;
  const lost = missing.find((group) => group.productId === undefined);
  if (lost)
    throw new Error(
      `import: product (${lost.categoryId}, ${lost.normalizedName}) neither inserted nor found`,
    );
}

/** What the offer statements read of the file: its goods, with their category and product ids. */
interface GoodsColumns {
  staged: Staged;
  goodCategory: number[];
  /** Images already made (by the comparison with the stored offer), by position. */
  images: (RowImage | undefined)[];
  parameterIds: Map<string, number>;
  /** Each characteristic's name and kind as shown, by id. */
  parameterShown: Map<number, ShownParameter>;
  productOf: Int32Array;
}

/** The given goods' columns as the offers statements take them, in this order. */
function offerColumns(goods: GoodsColumns, rows: number[]): SQL {
  const { staged, goodCategory, parameterIds, parameterShown, productOf } = goods;
  const images = rows.map((i) => goods.images[i] ?? rowImage(staged, goodCategory, parameterIds, i));
  const shown = rows.map((i) => characteristicsJsonOf(staged, parameterIds, parameterShown, i));
  return sql`
        ${param(arrayLiteral(rows.map((i) => productOf[i])))}::integer[],
        ${param(arrayLiteral(rows.map((i) => goodCategory[i])))}::integer[],
        ${param(arrayLiteral(rows.map((i) => staged.normalizedNames[i])))}::text[],
        ${param(arrayLiteral(rows.map((i) => staged.externalIds[i])))}::text[],
        ${param(arrayLiteral(rows.map((i) => staged.models[i])))}::text[],
        ${param(arrayLiteral(rows.map((i) => staged.names[i])))}::text[],
        ${param(arrayLiteral(rows.map((i) => staged.prices[i])))}::numeric[],
        ${param(arrayLiteral(rows.map((i) => staged.pricesRrc[i])))}::numeric[],
        ${param(arrayLiteral(rows.map((i) => staged.quantities[i])))}::integer[],
        ${param(arrayLiteral(images.map((image) => image.parameters)))}::jsonb[],
        ${param(arrayLiteral(images.map((image) => image.facetKeys)))}::text[],
        ${param(arrayLiteral(images.map((image) => image.hash)))}::text[],
        ${param(arrayLiteral(shown))}::json[]`;
}

const OFFER_COLUMNS = sql.raw(
  'product_id, category_id, product_name_key, external_id, model, name, price, price_rrc, quantity, parameters, facet_keys, import_hash, characteristics',
);

/** Compares by Unicode code points: the order of UTF-8 bytes, which `collate "C"` sorts by. */
function byCodePoints(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let k = 0; k < length; k += 1) {
    const x = a.codePointAt(k)!;
    const y = b.codePointAt(k)!;
    if (x !== y) return x - y;
    if (x > 0xffff) k += 1;
  }
  return a.length - b.length;
}

/**
 * Good i's characteristics as offers.characteristics holds them: {name, value, kind} of the
 * characteristic each value belongs to, in name byte order (as catalog_refresh_offer_characteristics
 * writes them).
 */
function characteristicsJsonOf(
  staged: Staged,
  parameterIds: Map<string, number>,
  parameterShown: Map<number, ShownParameter>,
  i: number,
): string {
  const { params, paramStart } = staged;
  const entries: { name: string; json: string }[] = [];
  for (let j = paramStart[i]; j < paramStart[i + 1]; j += 1) {
    const shown = parameterShown.get(parameterIds.get(params.key[j])!)!;
    entries.push({
      name: shown.name,
      json: `{"name":${JSON.stringify(shown.name)},"value":${JSON.stringify(params.value[j])},"kind":"${shown.kind}"}`,
    });
  }
  entries.sort((a, b) => byCodePoints(a.name, b.name));
  return `[${entries.map((entry) => entry.json).join(',')}]`;
}

/**
 * One batch of new offers, inserted with their characteristics. The shop's import lock means
 * nobody else inserts this shop's offers meanwhile: none of them exists.
 */
function newOffersStatement(scope: TxScope, shopId: number, goods: GoodsColumns, rows: number[]): SQL {
  const { staged, parameterIds } = goods;
  const values = characteristicsUnnest(
    staged,
    parameterIds,
    rows.map((i) => ({ offer: staged.externalIds[i], index: i })),
    'text',
  );
  return sql`
    with added as (
      insert into offers (shop_id, ${OFFER_COLUMNS}, is_active, created_at, updated_at)
      select ${shopId}, product_id, category_id, product_name_key, external_id, model, name, price, price_rrc, quantity,
             parameters, facet_keys::text[], import_hash, characteristics, true, ${scope.now}, ${scope.now}
      from unnest(${offerColumns(goods, rows)}) with ordinality as u(${OFFER_COLUMNS}, ord)
      order by ord
      returning id, external_id
    ), valued as (
      insert into offer_parameters (offer_id, parameter_id, value, value_number, value_key)
      select a.id, v.parameter_id, v.value, v.value_number, v.value_key
      from ${values} as v(external_id, parameter_id, value, value_number, value_key)
      join added a on a.external_id = v.external_id
    )
    select count(*)::integer as count from added`;
}

/** A stored offer the import wrote, as it was before (`old_product_id`) and what changed. */
interface ChangedOffer {
  id: number;
  idx: number;
  product_id: number;
  old_product_id: number;
  /** Any column other than the digest (else only the digest was brought up to date). */
  changed: boolean;
  /** Its product's search text reads it: model, characteristics, product, active flag. */
  search_changed: boolean;
  /** Characteristic values or ids: its offer_parameters rows are rewritten. */
  parameters_changed: boolean;
}

/**
 * One batch of stored offers, updated in place and reactivated. `old` is the row as this
 * statement found it (the statement's snapshot), so what changed is known without a second read.
 */
function storedOffersStatement(
  scope: TxScope,
  goods: GoodsColumns,
  rows: { index: number; id: number }[],
): SQL {
  const indexes = rows.map((row) => row.index);
  // Every column the import writes but the digest, before and after.
  const contentColumns = [
    'product_id',
    'category_id',
    'product_name_key',
    'model',
    'name',
    'price',
    'price_rrc',
    'quantity',
    'is_active',
    'parameters',
    'facet_keys',
  ];
  const before = sql.raw(contentColumns.map((column) => `old.${column}`).join(', '));
  const after = sql.raw(
    contentColumns
      .map((column) =>
        column === 'is_active' ? 'true' : column === 'facet_keys' ? 'u.facet_keys::text[]' : `u.${column}`,
      )
      .join(', '),
  );
  return sql`
    update offers o set
      product_id = u.product_id,
      category_id = u.category_id,
      product_name_key = u.product_name_key,
      model = u.model,
      name = u.name,
      price = u.price,
      price_rrc = u.price_rrc,
      quantity = u.quantity,
      is_active = true,
      parameters = u.parameters,
      facet_keys = u.facet_keys::text[],
      import_hash = u.import_hash,
      characteristics = u.characteristics,
      updated_at = case when (${before}) is distinct from (${after}) then ${scope.now}::timestamptz
                        else old.updated_at end
    from unnest(${param(arrayLiteral(rows.map((row) => row.id)))}::integer[],
                ${param(arrayLiteral(indexes))}::integer[],
                ${offerColumns(goods, indexes)}) as u(id, idx, ${OFFER_COLUMNS})
    join offers old on old.id = u.id
    where o.id = u.id
    returning o.id, u.idx, o.product_id, old.product_id as old_product_id,
      (${before}) is distinct from (${after}) as changed,
      (old.product_id, old.model, old.parameters, old.is_active) is distinct from (u.product_id, u.model, u.parameters, true) as search_changed,
      (old.parameters, old.facet_keys) is distinct from (u.parameters, u.facet_keys::text[]) as parameters_changed`;
}

/** The characteristics an import met: their ids, and the kind the file suggests for each so far. */
interface ParameterIndex {
  ids: Map<string, number>;
  kinds: Map<string, { name: string; kind: ParameterKind }>;
  /** By id: the name and kind offers.characteristics shows. */
  shown: Map<number, ShownParameter>;
  /** Characteristics this import turned into text: offers written before show the old kind. */
  turnedText: Set<number>;
}

interface ShownParameter {
  name: string;
  kind: ParameterKind;
}

/**
 * The batch's characteristics upserted: their ids by normalised name (a renamed or merged name
 * leads to the characteristic it now belongs to). Only names new to this import go to the
 * database, and names whose values in this batch disagree with the kind seen before.
 */
async function resolveParameters(
  queue: StatementQueue,
  staged: Staged,
  index: ParameterIndex,
): Promise<void> {
  // The kind the file suggests for each parameter: one kind throughout, or text.
  const names = new Map<string, { name: string; kind: ParameterKind }>();
  const { params } = staged;
  for (let j = 0; j < params.key.length; j += 1) {
    const known = index.kinds.get(params.key[j]);
    if (!known) {
      const entry = { name: params.name[j], kind: params.kind[j] };
      index.kinds.set(params.key[j], entry);
      names.set(params.key[j], entry);
    } else if (known.kind !== params.kind[j] && known.kind !== 'text') {
      known.kind = 'text';
      names.set(params.key[j], known);
    }
  }
  if (names.size === 0) return;
  const entries = [...names.entries()];
  // A new parameter takes the file's kind; a known one falls back to text when values disagree,
  // unless staff fixed its kind. A name may be an alias (renamed or merged): the kind that
  // matters is the one of the parameter it leads to.
  queue.run(
    'parameters',
    sql`
      insert into parameters (name, normalized_name, kind)
      select * from unnest(${param(entries.map(([, v]) => v.name))}::text[],
                           ${param(entries.map(([k]) => k))}::text[],
                           ${param(entries.map(([, v]) => v.kind))}::text[])
      on conflict (normalized_name) do nothing`,
  );
  const rows = await queue.run<{
    id: number;
    normalized_name: string;
    name: string;
    kind: ParameterKind;
    kind_fixed: boolean;
  }>(
    'parameters',
    sql`
      select t.id, p.normalized_name, t.name, t.kind, t.kind_fixed
      from parameters p join parameters t on t.id = coalesce(p.merged_into_id, p.id)
      where p.normalized_name = any(${param(entries.map(([k]) => k))}::text[])`,
  );
  const mixed = new Set<number>();
  for (const row of rows) {
    index.ids.set(row.normalized_name, row.id);
    index.shown.set(row.id, { name: row.name, kind: row.kind });
    if (!row.kind_fixed && row.kind !== 'text' && names.get(row.normalized_name)!.kind !== row.kind) {
      mixed.add(row.id);
    }
  }
  for (const id of mixed) {
    index.shown.get(id)!.kind = 'text';
    index.turnedText.add(id);
  }
  if (mixed.size > 0) {
    queue.run(
      'parameters',
      sql`update parameters set kind = 'text' where id = any(${param([...mixed])}::integer[])`,
    );
  }
}

/**
 * Good i's facet keys ("<parameter id>:<value key>", in parameter id order) as a PostgreSQL array
 * literal: the same keys migration 0018 derived from offer_parameters.
 */
function facetKeysLiteralOf(staged: Staged, ids: Map<string, number>, i: number): string {
  const { params, paramStart } = staged;
  const keys: { id: number; key: string }[] = [];
  for (let j = paramStart[i]; j < paramStart[i + 1]; j += 1) {
    const id = ids.get(params.key[j])!;
    keys.push({ id, key: `${id}:${params.valueKey[j]}` });
  }
  keys.sort((a, b) => a.id - b.id);
  return `{${keys.map((k) => `"${k.key.replace(/["\\]/g, '\\$&')}"`).join(',')}}`;
}

/** Queues the rewrite of the characteristics of stored offers the import changed: their values replaced. */
function writeParameters(
  queue: StatementQueue,
  staged: Staged,
  offers: { id: number; idx: number }[],
  ids: Map<string, number>,
): void {
  queue.run(
    'parameters',
    sql`delete from offer_parameters where offer_id = any(${param(offers.map((row) => row.id))}::integer[])`,
  );
  const values = characteristicsUnnest(
    staged,
    ids,
    offers.map((row) => ({ offer: row.id, index: row.idx })),
    'integer',
  );
  queue.run(
    'parameters',
    sql`
      insert into offer_parameters (offer_id, parameter_id, value, value_number, value_key)
      select * from ${values}`,
  );
}

/**
 * `unnest(…)` of the characteristic rows of the given goods: (offer, parameter id, value, number,
 * value key), the offer named by `offer` (its id, or its supplier's id before it has one).
 */
function characteristicsUnnest(
  staged: Staged,
  parameterIds: Map<string, number>,
  goods: { offer: string | number; index: number }[],
  offerType: 'text' | 'integer',
): SQL {
  const { params, paramStart } = staged;
  const offers: (string | number)[] = [];
  const parameters: number[] = [];
  const values: string[] = [];
  const numbers: (string | null)[] = [];
  const keys: string[] = [];
  for (const good of goods) {
    for (let j = paramStart[good.index]; j < paramStart[good.index + 1]; j += 1) {
      offers.push(good.offer);
      parameters.push(parameterIds.get(params.key[j])!);
      values.push(params.value[j]);
      numbers.push(params.valueNumber[j]);
      keys.push(params.valueKey[j]);
    }
  }
  return sql`unnest(${param(arrayLiteral(offers))}::${sql.raw(offerType)}[], ${param(arrayLiteral(parameters))}::integer[],
                    ${param(arrayLiteral(values))}::text[], ${param(arrayLiteral(numbers))}::numeric[],
                    ${param(arrayLiteral(keys))}::text[])`;
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
  await runtime.database.query('vacuum (analyze) offers, products, product_search, offer_parameters');
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
