// Export of a shop's active goods: YAML in exactly the import format (importing the export changes
// nothing), JSON with the same structure, CSV with one column per characteristic. Amounts and
// numeric characteristics are written from their database text, never through a float.
//
// Small shops are exported inline; a large export runs as a job that stores the file for download.
import { and, desc, eq, lt, sql } from 'drizzle-orm';
import type { Queryable } from '../../db/client.ts';
import {
  type ExportFormat,
  type PriceListExport,
  priceListExportFiles,
  priceListExports,
} from '../../db/schema/catalog.ts';
import { type TxScope, transaction } from '../../db/transaction.ts';
import { AppError, notFound } from '../../http/errors.ts';
import { csvDocument } from '../../lib/csv.ts';
import type { Runtime } from '../../runtime.ts';
import { ExactNumber, type PlainMap, type PlainValue, resolvePlain } from './price-list/yaml-reader.ts';
import { startHeartbeat } from './recovery.ts';
import { publishExportFinished } from './webhook-events.ts';

/** Shops with more active goods than this export through a job (POST …/exports). */
export const SYNC_EXPORT_LIMIT = 20_000;

export const EXPORT_CONTENT_TYPES: Record<ExportFormat, string> = {
  yaml: 'application/yaml; charset=utf-8',
  json: 'application/json; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
};

interface ExportRow {
  external_id: string;
  model: string | null;
  name: string;
  price: string;
  price_rrc: string;
  quantity: number;
  parameters: string;
  category_external_id: string;
  category_name: string;
}

function rows<T>(result: unknown): T[] {
  return (result as { rows: T[] }).rows;
}

export async function countActiveOffers(db: Queryable, shopId: number): Promise<number> {
  const [row] = rows<{ count: number }>(
    await db.execute(
      sql`select count(*)::integer as count from offers where shop_id = ${shopId} and is_active`,
    ),
  );
  return row.count;
}

/** The goods of a shop's latest price list, hidden ones included: what its export holds. */
export async function countListedOffers(db: Queryable, shopId: number): Promise<number> {
  const [row] = rows<{ count: number }>(
    await db.execute(
      sql`select count(*)::integer as count from offers where shop_id = ${shopId} and in_price_list`,
    ),
  );
  return row.count;
}

async function loadShop(db: Queryable, shopId: number): Promise<{ name: string; rows: ExportRow[] }> {
  const [shop] = rows<{ name: string }>(await db.execute(sql`select name from shops where id = ${shopId}`));
  const goods = rows<ExportRow>(
    await db.execute(sql`
      select o.external_id, o.model, o.name, o.price::text as price, o.price_rrc::text as price_rrc,
             o.quantity, o.parameters::text as parameters, c.name as category_name,
             coalesce(
               (select min(sc.external_id) from shop_categories sc
                where sc.shop_id = o.shop_id and sc.category_id = p.category_id),
               'c' || p.category_id::text
             ) as category_external_id
      from offers o
      join products p on p.id = o.product_id
      join categories c on c.id = p.category_id
      where o.shop_id = ${shopId} and o.in_price_list
      order by o.id`),
  );
  return { name: shop.name, rows: goods };
}

/** jsonb text → parameters with numbers kept as written. */
function readParameters(json: string): [string, PlainValue][] {
  const parsed = JSON.parse(json, (_key, value, context?: { source?: string }) =>
    typeof value === 'number' ? new ExactNumber(context?.source ?? String(value)) : value,
  ) as PlainMap;
  return Object.entries(parsed);
}

// ---------------------------------------------------------------------------------------------
// YAML

const SAFE_PLAIN = /^[\p{L}\p{N}][\p{L}\p{N} ()._/+,-]*$/u;

/** A string as a YAML scalar: plain when it reads back as the same string, else double-quoted. */
function yamlString(value: string): string {
  if (SAFE_PLAIN.test(value) && !value.endsWith(' ') && resolvePlain(value) === value) return value;
  return JSON.stringify(value);
}

/** A supplier id: plain digits stay a number (as the import read them), anything else a string. */
function yamlId(value: string): string {
  return /^-?[0-9]+$/.test(value) ? value : yamlString(value);
}

function yamlValue(value: PlainValue): string {
  if (value instanceof ExactNumber) return value.text;
  if (typeof value === 'boolean') return String(value);
  if (typeof value === 'string') return yamlString(value);
  return JSON.stringify(value);
}

export function toYaml(shopName: string, goods: ExportRow[]): string {
  const out: string[] = [`shop: ${yamlString(shopName)}`, 'categories:'];
  const categories = new Map<string, string>();
  for (const row of goods) categories.set(row.category_external_id, row.category_name);
  for (const [id, name] of categories) out.push(`  - id: ${yamlId(id)}`, `    name: ${yamlString(name)}`);
  if (categories.size === 0) out[1] = 'categories: []';
  out.push(goods.length === 0 ? 'goods: []' : 'goods:');
  for (const row of goods) {
    out.push(`  - id: ${yamlId(row.external_id)}`, `    category: ${yamlId(row.category_external_id)}`);
    if (row.model !== null) out.push(`    model: ${yamlString(row.model)}`);
    out.push(
      `    name: ${yamlString(row.name)}`,
      `    price: ${row.price}`,
      `    price_rrc: ${row.price_rrc}`,
      `    quantity: ${row.quantity}`,
    );
    const parameters = readParameters(row.parameters);
    if (parameters.length > 0) {
      out.push('    parameters:');
      for (const [name, value] of parameters) out.push(`      ${yamlString(name)}: ${yamlValue(value)}`);
    }
  }
  return `${out.join('\n')}\n`;
}

// ---------------------------------------------------------------------------------------------
// JSON

function jsonId(value: string): string {
  return /^(?:0|-?[1-9][0-9]{0,14})$/.test(value) ? value : JSON.stringify(value);
}

function jsonValue(value: PlainValue): string {
  if (value instanceof ExactNumber) return value.text;
  return JSON.stringify(value);
}

export function toJson(shopName: string, goods: ExportRow[]): string {
  const categories = new Map<string, string>();
  for (const row of goods) categories.set(row.category_external_id, row.category_name);
  const parts: string[] = [];
  parts.push(`{"shop":${JSON.stringify(shopName)},"categories":[`);
  parts.push(
    [...categories].map(([id, name]) => `{"id":${jsonId(id)},"name":${JSON.stringify(name)}}`).join(','),
  );
  parts.push('],"goods":[');
  parts.push(
    goods
      .map((row) => {
        const parameters = readParameters(row.parameters)
          .map(([name, value]) => `${JSON.stringify(name)}:${jsonValue(value)}`)
          .join(',');
        return (
          `{"id":${jsonId(row.external_id)},"category":${jsonId(row.category_external_id)},` +
          (row.model !== null ? `"model":${JSON.stringify(row.model)},` : '') +
          `"name":${JSON.stringify(row.name)},"price":${row.price},"price_rrc":${row.price_rrc},` +
          `"quantity":${row.quantity},"parameters":{${parameters}}}`
        );
      })
      .join(','),
  );
  parts.push(']}\n');
  return parts.join('');
}

// ---------------------------------------------------------------------------------------------
// CSV

/** CSV (src/lib/csv.ts: RFC 4180, formulas kept as text) with a UTF-8 BOM (so spreadsheet programs read Cyrillic right); one column per characteristic. */
export function toCsv(goods: ExportRow[]): string {
  const decoded = goods.map((row) => new Map(readParameters(row.parameters)));
  const columns = [...new Set(decoded.flatMap((parameters) => [...parameters.keys()]))].sort();
  const header = [
    'id',
    'category_id',
    'category',
    'model',
    'name',
    'price',
    'price_rrc',
    'quantity',
    ...columns,
  ];
  const lines: string[][] = [header];
  goods.forEach((row, i) => {
    const parameters = decoded[i];
    const cells = [
      row.external_id,
      row.category_external_id,
      row.category_name,
      row.model ?? '',
      row.name,
      row.price,
      row.price_rrc,
      String(row.quantity),
      ...columns.map((column) => {
        const value = parameters.get(column);
        if (value === undefined || value === null) return '';
        if (value instanceof ExactNumber) return value.text;
        return String(value);
      }),
    ];
    lines.push(cells);
  });
  return csvDocument(lines, { bom: true });
}

/** The shop's active goods in the format. */
export async function exportShop(db: Queryable, shopId: number, format: ExportFormat): Promise<string> {
  const { name, rows: goods } = await loadShop(db, shopId);
  if (format === 'yaml') return toYaml(name, goods);
  if (format === 'json') return toJson(name, goods);
  return toCsv(goods);
}

export function exportFileName(shopId: number, format: ExportFormat, at: Date): string {
  return `shop-${shopId}-${at.toISOString().slice(0, 10)}.${format === 'yaml' ? 'yaml' : format}`;
}

// ---------------------------------------------------------------------------------------------
// Export jobs

export async function queueExport(
  scope: TxScope,
  input: { shopId: number; requestedBy: number | null; format: ExportFormat },
): Promise<PriceListExport> {
  const [row] = await scope.tx
    .insert(priceListExports)
    .values({ ...input, createdAt: scope.now })
    .returning();
  await scope.enqueue('catalog_export', { exportId: row.id });
  return row;
}

/** The job: writes the file of a queued export. A finished export is left alone. */
export async function runExport(runtime: Runtime, exportId: number): Promise<void> {
  const [claimed] = await runtime.db
    .update(priceListExports)
    .set({ status: 'running', startedAt: runtime.clock.now(), heartbeatAt: sql`now()` })
    .where(and(eq(priceListExports.id, exportId), sql`${priceListExports.status} in ('queued', 'running')`))
    .returning();
  if (!claimed) return;
  // Crash recovery (recovery.ts): a stale heartbeat marks the export failed.
  const stopHeartbeat = startHeartbeat(runtime, 'exports', exportId);
  try {
    const { rows: goods, name } = await loadShop(runtime.db, claimed.shopId);
    const content =
      claimed.format === 'yaml'
        ? toYaml(name, goods)
        : claimed.format === 'json'
          ? toJson(name, goods)
          : toCsv(goods);
    const bytes = Buffer.from(content, 'utf8');
    await transaction(runtime, async (scope) => {
      const { tx, now } = scope;
      await tx
        .insert(priceListExportFiles)
        .values({ exportId, content: bytes })
        .onConflictDoUpdate({ target: priceListExportFiles.exportId, set: { content: bytes } });
      const [done] = await tx
        .update(priceListExports)
        .set({ status: 'succeeded', rowCount: goods.length, sizeBytes: bytes.length, finishedAt: now })
        .where(eq(priceListExports.id, exportId))
        .returning();
      await publishExportFinished(scope, done);
    });
  } catch (error) {
    // Failed for good (a retry finds it no longer queued or running): `export.finished` says so.
    await transaction(runtime, async (scope) => {
      const [failed] = await scope.tx
        .update(priceListExports)
        .set({ status: 'failed', errorMessage: (error as Error).message, finishedAt: scope.now })
        .where(eq(priceListExports.id, exportId))
        .returning();
      if (failed) await publishExportFinished(scope, failed);
    });
    throw error;
  } finally {
    stopHeartbeat();
  }
}

export async function getExport(
  db: Queryable,
  exportId: number,
  shopId?: number,
): Promise<PriceListExport | undefined> {
  const [row] = await db
    .select()
    .from(priceListExports)
    .where(
      shopId === undefined
        ? eq(priceListExports.id, exportId)
        : and(eq(priceListExports.id, exportId), eq(priceListExports.shopId, shopId)),
    );
  return row;
}

export async function listExports(
  db: Queryable,
  shopId: number,
  options: { limit: number; before?: number },
): Promise<PriceListExport[]> {
  return db
    .select()
    .from(priceListExports)
    .where(
      options.before
        ? and(eq(priceListExports.shopId, shopId), lt(priceListExports.id, options.before))
        : eq(priceListExports.shopId, shopId),
    )
    .orderBy(desc(priceListExports.id))
    .limit(options.limit);
}

export async function exportContent(db: Queryable, exportId: number): Promise<Buffer | undefined> {
  const [file] = await db
    .select()
    .from(priceListExportFiles)
    .where(eq(priceListExportFiles.exportId, exportId));
  return file?.content;
}

/** A file to send: its bytes or text, content type and download name. */
export interface ExportFile {
  content: string | Buffer;
  contentType: string;
  fileName: string;
}

/** A shop's active goods exported now (inline), up to SYNC_EXPORT_LIMIT goods; more is 409. */
export async function exportNow(
  db: Queryable,
  shopId: number,
  format: ExportFormat,
  now: Date,
): Promise<ExportFile> {
  const count = await countListedOffers(db, shopId);
  if (count > SYNC_EXPORT_LIMIT) {
    throw new AppError(409, 'export_too_large', {
      detail: {
        ru: `Товаров больше ${SYNC_EXPORT_LIMIT}: закажите выгрузку через POST …/exports`,
        en: `More than ${SYNC_EXPORT_LIMIT} goods: request the export with POST …/exports`,
      },
    });
  }
  const content = await exportShop(db, shopId, format);
  return {
    content,
    contentType: EXPORT_CONTENT_TYPES[format],
    fileName: exportFileName(shopId, format, now),
  };
}

/** The file of a finished export: 404 without the export, 409 while it is not ready. */
export async function exportDownload(db: Queryable, row: PriceListExport | undefined): Promise<ExportFile> {
  if (!row) throw notFound('export_not_found', { ru: 'Выгрузка не найдена', en: 'Export not found' });
  const content = row.status === 'succeeded' ? await exportContent(db, row.id) : undefined;
  if (!content) {
    throw new AppError(409, 'export_not_ready', {
      detail: { ru: 'Файл выгрузки ещё не готов', en: 'The export file is not ready yet' },
      extra: { status: row.status },
    });
  }
  return {
    content,
    contentType: EXPORT_CONTENT_TYPES[row.format],
    fileName: exportFileName(row.shopId, row.format, row.createdAt),
  };
}
