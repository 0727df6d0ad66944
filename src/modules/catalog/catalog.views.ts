// How the v2 catalog routes shape what the services return (shop settings, imports with their
// report, exports, files) and read a shop change; shared by the supplier and staff routes.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { Import, PriceListExport, Shop, ShopBillingDetails, VatRate } from '../../db/schema/catalog.ts';
import { requestLanguage } from '../../http/error-handler.ts';
import { AppError } from '../../http/errors.ts';
import { decodeIdCursor, kindCursor, pageOf, peekLimit } from '../../http/paging.ts';
import { localize } from '../../lib/i18n.ts';
import type { Runtime } from '../../runtime.ts';
import { ImportUrlBody } from './catalog.schemas.ts';
import { deliveryTermsPatch, presentTerms, termsOf } from './delivery-terms.ts';
import type { ExportFile } from './export.service.ts';
import { importReport } from './import.service.ts';
import { fileTooLarge, type ImportRequest } from './import-request.service.ts';
import { cleanBillingDetails, type ShopPatch } from './shops.service.ts';

export const supplier = { roles: ['supplier'] as const };
export const staff = { roles: ['staff'] as const };
export const supplierOrStaff = { roles: ['supplier', 'staff'] as const };

export function shopSettings(shop: Shop) {
  return {
    id: shop.id,
    name: shop.name,
    price_list_url: shop.priceListUrl,
    accepting_orders: shop.acceptingOrders,
    currency: shop.currency,
    import_every_hours: shop.importEveryHours,
    billing_details: shop.billingDetails,
    vat_rate: shop.vatRate,
    contact_email: shop.contactEmail,
    contact_phone: shop.contactPhone,
    contact_person: shop.contactPerson,
    terms: presentTerms(termsOf(shop)),
    created_at: shop.createdAt.toISOString(),
    updated_at: shop.updatedAt.toISOString(),
  };
}

export function shopPatch(
  body: {
    name?: string;
    price_list_url?: string | null;
    accepting_orders?: boolean;
    import_every_hours?: number | null;
    billing_details?: Partial<Record<keyof ShopBillingDetails, string | null>> | null;
    vat_rate?: string;
    contact_email?: string | null;
    contact_phone?: string | null;
    contact_person?: string | null;
  } & Parameters<typeof deliveryTermsPatch>[0],
): ShopPatch {
  const patch: ShopPatch = deliveryTermsPatch(body);
  if (body.name !== undefined) patch.name = body.name.trim();
  if (body.price_list_url !== undefined) patch.priceListUrl = body.price_list_url;
  if (body.accepting_orders !== undefined) patch.acceptingOrders = body.accepting_orders;
  if (body.import_every_hours !== undefined) patch.importEveryHours = body.import_every_hours;
  if (body.billing_details !== undefined) {
    patch.billingDetails = body.billing_details === null ? null : cleanBillingDetails(body.billing_details);
  }
  if (body.vat_rate !== undefined) patch.vatRate = body.vat_rate as VatRate;
  // An empty contact clears it.
  if (body.contact_email !== undefined) patch.contactEmail = body.contact_email?.trim().toLowerCase() || null;
  if (body.contact_phone !== undefined) patch.contactPhone = body.contact_phone?.trim() || null;
  if (body.contact_person !== undefined) patch.contactPerson = body.contact_person?.trim() || null;
  return patch;
}

export function importSummary(row: Import, request: FastifyRequest) {
  const language = requestLanguage(request);
  return {
    id: row.id,
    shop_id: row.shopId,
    status: row.status,
    source: row.source,
    mode: row.mode,
    url: row.url,
    file_name: row.fileName,
    size_bytes: row.sizeBytes,
    progress: row.progress,
    phase: row.phase,
    counts: {
      total: row.totalRows,
      created: row.created,
      updated: row.updated,
      unchanged: row.unchanged,
      deactivated: row.deactivated,
      rejected: row.rejected,
    },
    shop_renamed:
      row.shopRenamedFrom !== null && row.shopRenamedTo !== null
        ? { from: row.shopRenamedFrom, to: row.shopRenamedTo }
        : null,
    error:
      row.errorCode !== null
        ? {
            code: row.errorCode,
            message: row.errorMessage ? localize(row.errorMessage, language) : row.errorCode,
          }
        : null,
    queued_at: row.createdAt.toISOString(),
    started_at: row.startedAt?.toISOString() ?? null,
    finished_at: row.finishedAt?.toISOString() ?? null,
    duration_ms: row.startedAt && row.finishedAt ? row.finishedAt.getTime() - row.startedAt.getTime() : null,
    timings: row.timings,
  };
}

/** An import with a page of its report (`report_cursor` goes on after the last line shown). */
export async function importDetail(
  runtime: Runtime,
  row: Import,
  request: FastifyRequest,
  query: { report_limit?: number; report_cursor?: string },
) {
  const language = requestLanguage(request);
  const limit = query.report_limit ?? 1000;
  const afterSeq = decodeIdCursor(query.report_cursor, 'report');
  const lines = await importReport(runtime, row.id, { limit: peekLimit(limit), afterSeq });
  const page = pageOf(lines, limit, (last) => kindCursor('report', [last.seq]));
  return {
    ...importSummary(row, request),
    report: page.items.map((line) => ({
      row: line.row,
      line: line.line,
      good_id: line.goodId,
      field: line.field,
      severity: line.severity,
      code: line.code,
      message: localize(line.message, language),
    })),
    report_next_cursor: page.nextCursor,
  };
}

export function exportView(row: PriceListExport, downloadPrefix: string) {
  return {
    id: row.id,
    shop_id: row.shopId,
    format: row.format,
    status: row.status,
    row_count: row.rowCount,
    size_bytes: row.sizeBytes,
    error: row.errorMessage,
    download_url: row.status === 'succeeded' ? `${downloadPrefix}/${row.id}/download` : null,
    created_at: row.createdAt.toISOString(),
    finished_at: row.finishedAt?.toISOString() ?? null,
  };
}

/** A file as a download. */
export function sendFile(reply: FastifyReply, file: ExportFile) {
  return reply
    .header('content-type', file.contentType)
    .header('content-disposition', `attachment; filename="${file.fileName}"`)
    .send(file.content);
}

/**
 * An import request as the HTTP layer has it: a multipart upload (its file read only once its name
 * is accepted) or a JSON body with a URL.
 */
export async function importRequestOf(
  runtime: Runtime,
  request: FastifyRequest,
  query: { mode?: ImportRequest['mode'] },
  requestedBy: number,
): Promise<ImportRequest> {
  if (!request.isMultipart()) {
    const body = (request.body ?? {}) as { url?: string; mode?: ImportRequest['mode'] };
    return { requestedBy, url: body.url, mode: body.mode ?? query.mode };
  }
  const tooLarge = (error: unknown) =>
    (error as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE' ? fileTooLarge(runtime) : error;
  let file: Awaited<ReturnType<FastifyRequest['file']>>;
  try {
    file = await request.file();
  } catch (error) {
    throw tooLarge(error);
  }
  if (!file) {
    throw new AppError(400, 'validation_failed', {
      errors: [
        {
          field: 'body.file',
          message: { ru: 'нужен файл прайс-листа', en: 'a price-list file is required' },
        },
      ],
    });
  }
  const upload = file;
  return {
    requestedBy,
    mode: query.mode,
    upload: {
      fileName: upload.filename,
      mode: (upload.fields.mode as { value?: unknown } | undefined)?.value,
      read: () =>
        upload.toBuffer().catch((error: unknown) => {
          throw tooLarge(error);
        }),
      discard: () => upload.file.resume(),
    },
  };
}

export const ImportQuery = Type.Object(
  { mode: Type.Optional(Type.Union([Type.Literal('lenient'), Type.Literal('strict')])) },
  { additionalProperties: false },
);
export const importBody = { content: { 'application/json': { schema: ImportUrlBody } } };
export const importDescription =
  'JSON `{"url": …}` (http/https; default: the shop’s price-list URL) or `multipart/form-data` with one file ' +
  '(`.yaml`, `.yml` or `.json`, up to IMPORT_MAX_BYTES) and an optional `mode` field. Answers 202 at once; ' +
  'the import runs as a job: poll GET …/imports/:id for status, progress, counts and the per-row report.';

/** A page of imports as the v2 API answers it. */
export function importPage(rows: Import[], limit: number, request: FastifyRequest) {
  const page = pageOf(rows, limit, (last) => kindCursor('import', [last.id]));
  return { items: page.items.map((row) => importSummary(row, request)), next_cursor: page.nextCursor };
}
