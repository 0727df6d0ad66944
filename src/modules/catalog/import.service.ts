// Price-list import: queue, read, check, apply.
//
// An import is a row in `imports`, worked by the `catalog_import` job (or run inline by the CLI).
// Reading and checking happen outside any transaction (progress is visible while they run); the
// result is applied in ONE transaction, set-based: the valid goods go into a temporary staging
// table and a handful of SQL statements upsert categories, products, offers and characteristics,
// deactivate the goods missing from the file and refresh the catalog summary of the products that
// changed. A failure anywhere rolls everything back and the previous catalog stays as it was.
//
// Rules (see README.md in this folder): offers are keyed by (shop, supplier's id); rows equal to
// what is stored are not written; goods missing from the file are deactivated, never deleted; the
// file's `shop` renames the shop; one import per shop at a time (an advisory lock per shop), and an
// older import never overwrites a newer one that was applied first.
import { and, desc, eq, lt, sql } from 'drizzle-orm';
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
import type { Runtime } from '../../runtime.ts';
import { FetchError, fetchPriceList } from './fetch.ts';
import {
  decodeContent,
  detectFormat,
  type GoodParameter,
  type PriceList,
  PriceListError,
  type PriceListIssue,
  readPriceList,
} from './price-list/price-list.ts';
import { searchWordsOf } from './search.ts';

/** Advisory-lock namespace of imports: (IMPORT_LOCK, shop id). */
const IMPORT_LOCK = 7_311_004;
const STAGE_BATCH = 10_000;
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
  return runImport(runtime, row.id, input.content);
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

/** The job: runs a queued import to its end. Safe to run twice (a finished import is left alone). */
export async function runImport(runtime: Runtime, importId: number, content?: Buffer): Promise<Import> {
  const [claimed] = await runtime.db
    .update(imports)
    .set({ status: 'running', startedAt: runtime.clock.now(), phase: 'download', progress: 0 })
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
  try {
    let started = performance.now();
    let bytes = content;
    let fileName = claimed.fileName;
    if (!bytes && claimed.url) {
      const fetched = await fetchPriceList(claimed.url, {
        maxBytes: runtime.config.importMaxBytes,
        allowPrivate: runtime.config.allowPrivateImportUrls,
      });
      bytes = fetched.content;
      fileName = fileName ?? fetched.fileName;
    } else if (!bytes) {
      const [file] = await runtime.db.select().from(importFiles).where(eq(importFiles.importId, importId));
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
    await setProgress(runtime, importId, 'parse', 5, { sizeBytes: bytes.length, fileName });

    started = performance.now();
    const text = decodeContent(bytes);
    bytes = undefined;
    const priceList = readPriceList(text, detectFormat(text, fileName));
    const staged = await stageInMemory(runtime, importId, priceList);
    const issues = staged.issues;
    totalRows = priceList.goodsCount;
    timings.parse_ms = Math.round(performance.now() - started);
    if (claimed.mode === 'strict' && staged.rejected + priceList.issues.length > 0) {
      throw new ImportFailure(
        'rows_rejected',
        {
          ru: `Строгий режим: файл отклонён целиком, ошибок в строках: ${staged.rejected + priceList.issues.length}`,
          en: `Strict mode: the whole file is refused, rows with errors: ${staged.rejected + priceList.issues.length}`,
        },
        issues,
        staged.rejected,
      );
    }
    await setProgress(runtime, importId, 'apply', 60);

    started = performance.now();
    const result = await transaction(runtime, async (scope) => {
      const applied = await applyPriceList(scope, claimed, priceList, staged);
      timings.apply_ms = Math.round(performance.now() - started);
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
          rejected: staged.rejected,
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
          finishedAt: scope.now,
        })
        .where(eq(imports.id, importId))
        .returning();
      await saveIssues(scope, importId, applied.superseded ? [] : staged.issues);
      await scope.tx.delete(importFiles).where(eq(importFiles.importId, importId));
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
          finishedAt: scope.now,
        })
        .where(eq(imports.id, importId))
        .returning();
      await saveIssues(scope, importId, failedIssues);
      if (known) await scope.tx.delete(importFiles).where(eq(importFiles.importId, importId));
      return row;
    });
    // Unknown errors (database down, a bug) go back to the job system to be retried.
    if (!known) throw error;
    return failed;
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

/** The valid goods as columns (compact, and ready for unnest), plus everything rejected. */
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
  parametersJson: string[];
  parameters: GoodParameter[][];
  /** Supplier ids of rejected rows: their stored offers are kept as they are, not deactivated. */
  keptIds: string[];
  rejected: number;
  issues: PriceListIssue[];
}

async function stageInMemory(runtime: Runtime, importId: number, priceList: PriceList): Promise<Staged> {
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
    parametersJson: [],
    parameters: [],
    keptIds: [],
    rejected: 0,
    issues: [...priceList.issues],
  };
  const step = Math.max(5000, Math.ceil(priceList.goodsCount / 10));
  let seen = 0;
  for (const result of priceList.goods()) {
    seen += 1;
    if (seen % step === 0) {
      await setProgress(runtime, importId, 'parse', 5 + Math.floor((50 * seen) / priceList.goodsCount));
    }
    if (!result.ok) {
      staged.rejected += 1;
      const goodId = result.issues.find((issue) => issue.goodId)?.goodId;
      const duplicate = result.issues.some((issue) => issue.code === 'duplicate_id');
      if (goodId && !duplicate) staged.keptIds.push(goodId);
      if (staged.issues.length < MAX_REPORTED_ISSUES) staged.issues.push(...result.issues);
      continue;
    }
    const good = result.good;
    staged.rows.push(good.row);
    staged.externalIds.push(good.externalId);
    staged.categoryNorms.push(priceList.categories.get(good.categoryExternalId)!.normalizedName);
    staged.models.push(good.model);
    staged.names.push(good.name);
    staged.normalizedNames.push(good.normalizedName);
    staged.prices.push(good.price);
    staged.pricesRrc.push(good.priceRrc);
    staged.quantities.push(good.quantity);
    staged.parametersJson.push(good.parametersJson);
    staged.parameters.push(good.parameters);
  }
  return staged;
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

async function applyPriceList(
  scope: TxScope,
  job: Import,
  priceList: PriceList,
  staged: Staged,
): Promise<Applied> {
  const { tx } = scope;
  const shopId = job.shopId;
  // The summary triggers stand aside: this transaction refreshes the products it touched, once.
  await tx.execute(sql`select set_config('zakupka.catalog_bulk', 'on', true)`);
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
  const [shop] = rowsOf<{ name: string }>(
    await tx.execute(sql`select name from shops where id = ${shopId} for update`),
  );
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

  // Staging.
  await tx.execute(sql`
    create temp table import_goods (
      row integer not null,
      external_id text not null,
      category_norm text not null,
      model text,
      name text not null,
      normalized_name text not null,
      price numeric(14, 2) not null,
      price_rrc numeric(14, 2) not null,
      quantity integer not null,
      parameters jsonb not null
    ) on commit drop`);
  for (let start = 0; start < staged.rows.length; start += STAGE_BATCH) {
    const end = start + STAGE_BATCH;
    await tx.execute(sql`
      insert into import_goods
      select * from unnest(
        ${param(staged.rows.slice(start, end))}::integer[],
        ${param(staged.externalIds.slice(start, end))}::text[],
        ${param(staged.categoryNorms.slice(start, end))}::text[],
        ${param(staged.models.slice(start, end))}::text[],
        ${param(staged.names.slice(start, end))}::text[],
        ${param(staged.normalizedNames.slice(start, end))}::text[],
        ${param(staged.prices.slice(start, end))}::numeric[],
        ${param(staged.pricesRrc.slice(start, end))}::numeric[],
        ${param(staged.quantities.slice(start, end))}::integer[],
        ${param(staged.parametersJson.slice(start, end))}::jsonb[])`);
  }

  // Products: the same normalised name in the same category is the same product.
  await tx.execute(sql`
    insert into products (category_id, name, normalized_name)
    select distinct on (coalesce(c.merged_into_id, c.id), g.normalized_name)
           coalesce(c.merged_into_id, c.id), g.name, g.normalized_name
    from import_goods g join categories c on c.normalized_name = g.category_norm
    order by coalesce(c.merged_into_id, c.id), g.normalized_name, g.row
    on conflict (category_id, normalized_name) do nothing`);
  await tx.execute(sql`
    create temp table import_offers on commit drop as
    select g.row, g.external_id, p.id as product_id, g.model, g.name, g.price, g.price_rrc, g.quantity, g.parameters
    from import_goods g
    join categories c on c.normalized_name = g.category_norm
    join products p on p.category_id = coalesce(c.merged_into_id, c.id) and p.normalized_name = g.normalized_name`);
  await tx.execute(sql`create index on import_offers (external_id)`);
  await tx.execute(sql`analyze import_offers`);

  // Products that lose an offer to another product (a renamed or re-categorised good).
  const moved = rowsOf<{ product_id: number }>(
    await tx.execute(sql`
      select distinct o.product_id
      from offers o join import_offers s on s.external_id = o.external_id
      where o.shop_id = ${shopId} and o.product_id <> s.product_id`),
  ).map((row) => row.product_id);

  // Offers: insert the new, update the changed (and reactivate), leave the equal alone.
  const written = rowsOf<{ id: number; external_id: string; product_id: number; inserted: boolean }>(
    await tx.execute(sql`
      insert into offers as o (shop_id, product_id, external_id, model, name, price, price_rrc, quantity, is_active, parameters, created_at, updated_at)
      select ${shopId}, s.product_id, s.external_id, s.model, s.name, s.price, s.price_rrc, s.quantity, true, s.parameters, ${scope.now}, ${scope.now}
      from import_offers s
      on conflict (shop_id, external_id) do update set
        product_id = excluded.product_id,
        model = excluded.model,
        name = excluded.name,
        price = excluded.price,
        price_rrc = excluded.price_rrc,
        quantity = excluded.quantity,
        is_active = true,
        parameters = excluded.parameters,
        updated_at = excluded.updated_at
      where (o.product_id, o.model, o.name, o.price, o.price_rrc, o.quantity, o.is_active, o.parameters)
        is distinct from
        (excluded.product_id, excluded.model, excluded.name, excluded.price, excluded.price_rrc, excluded.quantity, true, excluded.parameters)
      returning o.id, o.external_id, o.product_id, (o.xmax = 0) as inserted`),
  );
  const created = written.filter((row) => row.inserted).length;
  const updated = written.length - created;

  // Goods missing from the file: deactivated, never deleted (orders refer to them).
  const deactivatedRows = rowsOf<{ product_id: number }>(
    await tx.execute(sql`
      update offers o set is_active = false, updated_at = ${scope.now}
      where o.shop_id = ${shopId} and o.is_active
        and not exists (select 1 from import_offers s where s.external_id = o.external_id)
        and not (o.external_id = any(${param(staged.keptIds)}::text[]))
      returning o.product_id`),
  );

  await writeParameters(scope, staged, written);

  // The catalog summary and search text of every product whose offers changed.
  const affected = [
    ...new Set([
      ...written.map((row) => row.product_id),
      ...moved,
      ...deactivatedRows.map((r) => r.product_id),
    ]),
  ];
  for (let start = 0; start < affected.length; start += 50_000) {
    const ids = param(affected.slice(start, start + 50_000));
    await tx.execute(sql`select catalog_refresh_product_stats(${ids}::integer[])`);
    await tx.execute(sql`select catalog_refresh_product_search(${ids}::integer[])`);
  }

  // Words for typo correction: names of the goods written and of the categories.
  const changedRows = new Set(written.map((row) => row.external_id));
  const words = searchWordsOf([
    ...categoryList.map((c) => c.name),
    ...staged.names.filter((_, i) => changedRows.has(staged.externalIds[i])),
  ]);
  for (let start = 0; start < words.length; start += 20_000) {
    await tx.execute(sql`
      insert into search_words (word) select unnest(${param(words.slice(start, start + 20_000))}::text[])
      on conflict do nothing`);
  }

  return {
    created,
    updated,
    unchanged: staged.rows.length - written.length,
    deactivated: deactivatedRows.length,
    renamedFrom,
    superseded: false,
  };
}

/** Characteristics of the offers just written: parameters upserted, their values replaced. */
async function writeParameters(
  scope: TxScope,
  staged: Staged,
  written: { id: number; external_id: string }[],
): Promise<void> {
  const { tx } = scope;
  if (written.length === 0) return;
  const index = new Map<string, number>();
  for (let i = 0; i < staged.externalIds.length; i += 1) index.set(staged.externalIds[i], i);

  // The kind this file suggests for each parameter: one kind throughout, or text.
  const names = new Map<string, { name: string; kind: ParameterKind }>();
  for (const list of staged.parameters) {
    for (const parameter of list) {
      const known = names.get(parameter.normalizedName);
      if (!known) names.set(parameter.normalizedName, { name: parameter.name, kind: parameter.kind });
      else if (known.kind !== parameter.kind) known.kind = 'text';
    }
  }
  const ids = new Map<string, number>();
  if (names.size > 0) {
    const entries = [...names.entries()];
    // A new parameter takes the file's kind; a known one falls back to text when values disagree,
    // unless staff fixed its kind.
    await tx.execute(sql`
      insert into parameters as p (name, normalized_name, kind)
      select * from unnest(${param(entries.map(([, v]) => v.name))}::text[],
                           ${param(entries.map(([k]) => k))}::text[],
                           ${param(entries.map(([, v]) => v.kind))}::text[])
      on conflict (normalized_name) do update set kind = 'text'
      where not p.kind_fixed and p.kind <> excluded.kind`);
    const rows = rowsOf<{ id: number; normalized_name: string }>(
      await tx.execute(sql`
        select coalesce(merged_into_id, id) as id, normalized_name from parameters
        where normalized_name = any(${param(entries.map(([k]) => k))}::text[])`),
    );
    for (const row of rows) ids.set(row.normalized_name, row.id);
  }

  const offerIds = written.map((row) => row.id);
  for (let start = 0; start < offerIds.length; start += 50_000) {
    await tx.execute(
      sql`delete from offer_parameters where offer_id = any(${param(offerIds.slice(start, start + 50_000))}::integer[])`,
    );
  }
  let batch = emptyBatch();
  const flush = async () => {
    if (batch.offerIds.length === 0) return;
    await tx.execute(sql`
      insert into offer_parameters (offer_id, parameter_id, value, value_number, value_key)
      select * from unnest(${param(batch.offerIds)}::integer[], ${param(batch.parameterIds)}::integer[],
                           ${param(batch.values)}::text[], ${param(batch.numbers)}::numeric[],
                           ${param(batch.keys)}::text[])`);
    batch = emptyBatch();
  };
  for (const row of written) {
    const i = index.get(row.external_id);
    if (i === undefined) continue;
    for (const parameter of staged.parameters[i]) {
      batch.offerIds.push(row.id);
      batch.parameterIds.push(ids.get(parameter.normalizedName)!);
      batch.values.push(parameter.value);
      batch.numbers.push(parameter.valueNumber);
      batch.keys.push(parameter.valueKey);
    }
    if (batch.offerIds.length >= 20_000) await flush();
  }
  await flush();
}

function emptyBatch() {
  return {
    offerIds: [] as number[],
    parameterIds: [] as number[],
    values: [] as string[],
    numbers: [] as (string | null)[],
    keys: [] as string[],
  };
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
