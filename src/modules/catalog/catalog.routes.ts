// /api/v2 catalog: the public catalog, the supplier's shop (settings, imports, exports) and the
// staff's catalog upkeep. Routes validate, authorise, call one service and shape the answer.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { sql } from 'drizzle-orm';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { type Static, Type } from 'typebox';
import type { ExportFormat, Import, ImportMode, PriceListExport, Shop } from '../../db/schema/catalog.ts';
import { transaction } from '../../db/transaction.ts';
import { currentUser } from '../../http/auth.ts';
import { IdParams, problemResponses } from '../../http/common-schemas.ts';
import { requestLanguage } from '../../http/error-handler.ts';
import { AppError, forbidden, notFound, unprocessable } from '../../http/errors.ts';
import { localize } from '../../lib/i18n.ts';
import type { Runtime } from '../../runtime.ts';
import {
  CategoryAdminSchema,
  CategoryListQuery,
  CategoryPage,
  ExportBody,
  ExportPage,
  ExportQuery,
  ExportSchema,
  FacetQuery,
  FacetsSchema,
  ImportAccepted,
  ImportDetail,
  ImportDetailQuery,
  ImportPage,
  ImportUrlBody,
  MergeBody,
  OfferListQuery,
  OfferPage,
  PageQuery,
  ParameterPage,
  ParameterPatchBody,
  ParameterSchema,
  ProductDetailSchema,
  ProductListQuery,
  ProductPageSchema,
  RenameBody,
  ShopItem,
  ShopListQuery,
  ShopPage,
  ShopPatchBody,
  ShopSettings,
  SupplierExportBody,
  SupplierExportQuery,
} from './catalog.schemas.ts';
import {
  decodeCursor,
  encodeCursor,
  getProductJson,
  listCategories,
  listOffers,
  listProducts,
  type ParameterFilter,
  type ProductFilters,
  productFacets,
} from './catalog.service.ts';
import {
  listParameters,
  mergeCategories,
  mergeParameters,
  renameCategory,
  updateParameter,
} from './curation.service.ts';
import {
  countActiveOffers,
  EXPORT_CONTENT_TYPES,
  exportContent,
  exportFileName,
  exportShop,
  getExport,
  listExports,
  queueExport,
  SYNC_EXPORT_LIMIT,
} from './export.service.ts';
import { checkUrlTarget, FetchError } from './fetch.ts';
import { getImport, importReport, listImports, queueImport } from './import.service.ts';
import { cacheKey, createCatalogReadCache, jsonBytes } from './read-cache.ts';
import {
  getShop,
  installImportSchedule,
  listShops,
  type ShopPatch,
  shopNotFound,
  shopOfOwner,
  updateShop,
} from './shops.service.ts';

const supplier = { roles: ['supplier'] as const };
const staff = { roles: ['staff'] as const };
const supplierOrStaff = { roles: ['supplier', 'staff'] as const };

function filtersFrom(query: Record<string, unknown>): ProductFilters {
  const parameters: ParameterFilter[] = [];
  for (const [key, value] of Object.entries(query)) {
    if (!key.startsWith('param.')) continue;
    parameters.push({
      name: key.slice('param.'.length),
      values: Array.isArray(value) ? value.map(String) : [String(value)],
    });
  }
  return {
    q: query.q as string | undefined,
    category: query.category as number | undefined,
    shop: query.shop as number | undefined,
    priceMin: query.price_min as string | undefined,
    priceMax: query.price_max as string | undefined,
    inStock: query.in_stock as boolean | undefined,
    parameters,
  };
}

function idCursor(cursor: string | undefined, kind: string): number | undefined {
  return cursor === undefined ? undefined : Number(decodeCursor(cursor, kind, 1)[0]);
}

function shopSettings(shop: Shop) {
  return {
    id: shop.id,
    name: shop.name,
    price_list_url: shop.priceListUrl,
    accepting_orders: shop.acceptingOrders,
    currency: shop.currency,
    import_every_hours: shop.importEveryHours,
    created_at: shop.createdAt.toISOString(),
    updated_at: shop.updatedAt.toISOString(),
  };
}

function importSummary(row: Import, request: FastifyRequest) {
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

async function importDetail(
  runtime: Runtime,
  row: Import,
  request: FastifyRequest,
  query: { report_limit?: number; report_cursor?: string },
) {
  const language = requestLanguage(request);
  const limit = query.report_limit ?? 1000;
  const afterSeq = idCursor(query.report_cursor, 'report');
  const lines = await importReport(runtime, row.id, { limit: limit + 1, afterSeq });
  const page = lines.slice(0, limit);
  return {
    ...importSummary(row, request),
    report: page.map((line) => ({
      row: line.row,
      line: line.line,
      good_id: line.goodId,
      field: line.field,
      severity: line.severity,
      code: line.code,
      message: localize(line.message, language),
    })),
    report_next_cursor: lines.length > limit ? encodeCursor('report', [page[page.length - 1].seq]) : null,
  };
}

function exportView(row: PriceListExport, downloadPrefix: string) {
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

const UPLOAD_EXTENSIONS = /\.(ya?ml|json)$/i;

function fileTooLarge(runtime: Runtime): AppError {
  const mb = Math.round(runtime.config.importMaxBytes / 1024 / 1024);
  return new AppError(413, 'file_too_large', {
    detail: { ru: `Файл больше допустимых ${mb} МБ`, en: `The file is larger than the allowed ${mb} MB` },
  });
}

/** Reads an import request (JSON {url} or a multipart file) and queues the import. */
async function receiveImport(
  runtime: Runtime,
  request: FastifyRequest,
  shop: Shop,
  query: { mode?: ImportMode },
): Promise<Import> {
  const user = currentUser(request);
  if (request.isMultipart()) {
    let file: Awaited<ReturnType<FastifyRequest['file']>>;
    try {
      file = await request.file();
    } catch (error) {
      if ((error as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') throw fileTooLarge(runtime);
      throw error;
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
    if (file.filename && /\.[^./\\]+$/.test(file.filename) && !UPLOAD_EXTENSIONS.test(file.filename)) {
      file.file.resume();
      throw new AppError(415, 'unsupported_file_type', {
        detail: {
          ru: 'Загрузите прайс-лист в YAML (.yaml, .yml) или JSON (.json)',
          en: 'Upload the price list as YAML (.yaml, .yml) or JSON (.json)',
        },
      });
    }
    let content: Buffer;
    try {
      content = await file.toBuffer();
    } catch (error) {
      if ((error as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') throw fileTooLarge(runtime);
      throw error;
    }
    const modeField = file.fields.mode as { value?: unknown } | undefined;
    const mode = (query.mode ?? modeField?.value ?? 'lenient') as string;
    if (mode !== 'lenient' && mode !== 'strict') {
      throw new AppError(400, 'validation_failed', {
        errors: [{ field: 'body.mode', message: { ru: 'lenient или strict', en: 'lenient or strict' } }],
      });
    }
    return transaction(runtime, (scope) =>
      queueImport(scope, {
        shopId: shop.id,
        requestedBy: user.id,
        source: 'upload',
        mode,
        fileName: file.filename || null,
        content,
      }),
    );
  }
  const body = (request.body ?? {}) as { url?: string; mode?: ImportMode };
  const url = body.url ?? shop.priceListUrl ?? undefined;
  if (!url) {
    throw new AppError(400, 'validation_failed', {
      errors: [
        {
          field: 'body.url',
          message: {
            ru: 'укажите URL прайс-листа или загрузите файл',
            en: 'give the price-list URL or upload a file',
          },
        },
      ],
    });
  }
  try {
    await checkUrlTarget(url, runtime.config.allowPrivateImportUrls);
  } catch (error) {
    if (error instanceof FetchError) {
      if (error.code === 'invalid_url') {
        throw new AppError(400, 'validation_failed', {
          errors: [{ field: 'body.url', message: error.text }],
        });
      }
      throw unprocessable(error.code, error.text);
    }
    throw error;
  }
  return transaction(runtime, (scope) =>
    queueImport(scope, {
      shopId: shop.id,
      requestedBy: user.id,
      source: 'url',
      mode: body.mode ?? query.mode ?? 'lenient',
      url,
    }),
  );
}

async function sendExport(runtime: Runtime, reply: FastifyReply, shop: Shop, format: ExportFormat) {
  const count = await countActiveOffers(runtime.db, shop.id);
  if (count > SYNC_EXPORT_LIMIT) {
    throw new AppError(409, 'export_too_large', {
      detail: {
        ru: `Товаров больше ${SYNC_EXPORT_LIMIT}: закажите выгрузку через POST …/exports`,
        en: `More than ${SYNC_EXPORT_LIMIT} goods: request the export with POST …/exports`,
      },
    });
  }
  const content = await exportShop(runtime.db, shop.id, format);
  return reply
    .header('content-type', EXPORT_CONTENT_TYPES[format])
    .header(
      'content-disposition',
      `attachment; filename="${exportFileName(shop.id, format, runtime.clock.now())}"`,
    )
    .send(content);
}

/**
 * The shop a /supplier export is of: the supplier's own, or for staff the one they name (any shop;
 * naming none is an error, there is no "own" shop to fall back on).
 */
async function exportedShop(runtime: Runtime, request: FastifyRequest, shopId: number | undefined) {
  const user = currentUser(request);
  if (user.role === 'staff') {
    if (shopId === undefined) {
      throw unprocessable('shop_required', {
        ru: 'Укажите магазин: параметр shop',
        en: 'Name the shop to export: the shop parameter',
      });
    }
    const shop = await getShop(runtime.db, shopId);
    if (!shop) throw shopNotFound();
    return shop;
  }
  const shop = await shopOfOwner(runtime.db, user.id);
  if (shopId !== undefined && shopId !== shop.id) throw shopNotFound();
  return shop;
}

async function sendDownload(runtime: Runtime, reply: FastifyReply, row: PriceListExport | undefined) {
  if (!row) throw notFound('export_not_found', { ru: 'Выгрузка не найдена', en: 'Export not found' });
  const content = row.status === 'succeeded' ? await exportContent(runtime.db, row.id) : undefined;
  if (!content) {
    throw new AppError(409, 'export_not_ready', {
      detail: { ru: 'Файл выгрузки ещё не готов', en: 'The export file is not ready yet' },
      extra: { status: row.status },
    });
  }
  return reply
    .header('content-type', EXPORT_CONTENT_TYPES[row.format])
    .header(
      'content-disposition',
      `attachment; filename="${exportFileName(row.shopId, row.format, row.createdAt)}"`,
    )
    .send(content);
}

const ImportQuery = Type.Object(
  { mode: Type.Optional(Type.Union([Type.Literal('lenient'), Type.Literal('strict')])) },
  { additionalProperties: false },
);
const importBody = { content: { 'application/json': { schema: ImportUrlBody } } };
const importDescription =
  'JSON `{"url": …}` (http/https; default: the shop’s price-list URL) or `multipart/form-data` with one file ' +
  '(`.yaml`, `.yml` or `.json`, up to IMPORT_MAX_BYTES) and an optional `mode` field. Answers 202 at once; ' +
  'the import runs as a job: poll GET …/imports/:id for status, progress, counts and the per-row report.';

function shopPatch(body: {
  name?: string;
  price_list_url?: string | null;
  accepting_orders?: boolean;
  import_every_hours?: number | null;
}): ShopPatch {
  const patch: ShopPatch = {};
  if (body.name !== undefined) patch.name = body.name.trim();
  if (body.price_list_url !== undefined) patch.priceListUrl = body.price_list_url;
  if (body.accepting_orders !== undefined) patch.acceptingOrders = body.accepting_orders;
  if (body.import_every_hours !== undefined) patch.importEveryHours = body.import_every_hours;
  return patch;
}

async function checkShopPatch(runtime: Runtime, shop: Shop, patch: ShopPatch): Promise<void> {
  if (patch.name !== undefined && patch.name === '') {
    throw new AppError(400, 'validation_failed', {
      errors: [{ field: 'body.name', message: { ru: 'пустое название', en: 'empty name' } }],
    });
  }
  if (patch.priceListUrl) {
    try {
      await checkUrlTarget(patch.priceListUrl, runtime.config.allowPrivateImportUrls);
    } catch (error) {
      if (!(error instanceof FetchError)) throw error;
      if (error.code === 'invalid_url') {
        throw new AppError(400, 'validation_failed', {
          errors: [{ field: 'body.price_list_url', message: error.text }],
        });
      }
      throw unprocessable(error.code, error.text);
    }
  }
  const url = patch.priceListUrl !== undefined ? patch.priceListUrl : shop.priceListUrl;
  const every = patch.importEveryHours !== undefined ? patch.importEveryHours : shop.importEveryHours;
  if (every !== null && !url) {
    throw unprocessable('price_list_url_required', {
      ru: 'Для загрузки по расписанию укажите URL прайс-листа',
      en: 'Scheduled re-import needs a price-list URL',
    });
  }
}

const NotModified = Type.Null({
  description: 'Not modified: the catalog has not changed since the ETag named in If-None-Match',
});

export function catalogRoutes(runtime: Runtime): FastifyPluginAsyncTypebox {
  return async (app) => {
    await installImportSchedule(runtime);
    const cache = createCatalogReadCache(runtime.db, runtime.config.catalogCacheBytes);
    /**
     * A public catalog answer from the read cache: 304 (sent) when the client has it, else the
     * answer with its tag (none for a missing answer: the cache gives it none).
     */
    const cachedJson = async <T>(
      request: FastifyRequest,
      reply: FastifyReply,
      key: string,
      build: () => Promise<T>,
    ): Promise<T | FastifyReply> => {
      const answer = await cache.read(key, build, jsonBytes, request.headers['if-none-match']);
      if (answer.notModified) return reply.code(304).header('etag', answer.etag).send(null);
      if (answer.etag) reply.header('etag', answer.etag);
      return answer.value;
    };

    // ----- public catalog -----------------------------------------------------------------

    app.get(
      '/api/v2/shops',
      {
        schema: {
          tags: ['catalog'],
          summary: 'Shops accepting orders (staff: `all=true` for every shop)',
          querystring: ShopListQuery,
          response: { 200: ShopPage, ...problemResponses(400, 403) },
        },
      },
      async (request) => {
        const { all, limit = 50, cursor } = request.query;
        if (all && request.user?.role !== 'staff') {
          throw forbidden('forbidden', {
            ru: 'Все магазины видит только персонал',
            en: 'Only staff may list every shop',
          });
        }
        const items = await listShops(runtime.db, {
          all,
          limit: limit + 1,
          afterId: idCursor(cursor, 'shop'),
        });
        const page = items.slice(0, limit);
        return {
          items: page,
          next_cursor: items.length > limit ? encodeCursor('shop', [page[page.length - 1].id]) : null,
        };
      },
    );

    app.get(
      '/api/v2/shops/:id',
      {
        schema: {
          tags: ['catalog'],
          summary: 'A shop (hidden when it does not accept orders, except to staff)',
          params: IdParams,
          response: { 200: ShopItem, ...problemResponses(400, 404) },
        },
      },
      async (request) => {
        const shop = await getShop(runtime.db, request.params.id);
        if (!shop || (!shop.acceptingOrders && request.user?.role !== 'staff')) throw shopNotFound();
        return {
          id: shop.id,
          name: shop.name,
          accepting_orders: shop.acceptingOrders,
          currency: shop.currency,
          offer_count: await countActiveOffers(runtime.db, shop.id),
        };
      },
    );

    app.get(
      '/api/v2/categories',
      {
        schema: {
          tags: ['catalog'],
          summary: 'Categories by name, with the number of products on sale',
          querystring: CategoryListQuery,
          response: { 200: CategoryPage, 304: NotModified, ...problemResponses(400) },
        },
      },
      async (request, reply) => {
        const { all, limit = 200, cursor } = request.query;
        const after = cursor ? decodeCursor(cursor, 'category', 2) : undefined;
        return cachedJson(request, reply, cacheKey('categories', { all, limit, cursor }), async () => {
          const items = await listCategories(runtime.db, {
            all,
            limit: limit + 1,
            after: after ? { name: String(after[0]), id: Number(after[1]) } : undefined,
          });
          const page = items.slice(0, limit);
          const last = page[page.length - 1];
          return {
            items: page.map(({ id, name, product_count }) => ({ id, name, product_count })),
            next_cursor:
              items.length > limit ? encodeCursor('category', [last.normalized_name, last.id]) : null,
          };
        });
      },
    );

    app.get(
      '/api/v2/products',
      {
        schema: {
          tags: ['catalog'],
          summary: 'Products: search, filters, sorting, keyset pagination',
          description:
            'A product is listed when one of its offers (active, of a shop accepting orders) matches every offer filter ' +
            '(`shop`, `price_min`/`price_max`, `in_stock`, `param.<name>`); best price, offer count and stock are over those offers. ' +
            '`q` searches names, models, categories and characteristic values in Russian and English (every word but stop words; ' +
            'the last as a prefix); when nothing matches, misspelt words are corrected, else the last words are dropped ' +
            '(`corrected_query` names the words searched). Default sort: `relevance` with `q`, else `name`.',
          querystring: ProductListQuery,
          response: { 200: ProductPageSchema, 304: NotModified, ...problemResponses(400) },
        },
      },
      async (request, reply) => {
        const query = request.query as Record<string, unknown> & typeof request.query;
        const options = {
          ...filtersFrom(query),
          sort: query.sort,
          limit: query.limit ?? 50,
          cursor: query.cursor,
        };
        return cachedJson(request, reply, cacheKey('products', options), () =>
          listProducts(runtime.db, options),
        );
      },
    );

    app.get(
      '/api/v2/products/facets',
      {
        schema: {
          tags: ['catalog'],
          summary: 'Product counts per category, shop and characteristic value under the same filters',
          description:
            'Each group is counted without its own filter, so other choices in the group stay visible.',
          querystring: FacetQuery,
          response: { 200: FacetsSchema, 304: NotModified, ...problemResponses(400) },
        },
      },
      async (request, reply) => {
        const filters = filtersFrom(request.query as Record<string, unknown>);
        return cachedJson(request, reply, cacheKey('facets', filters), () =>
          productFacets(runtime.db, filters),
        );
      },
    );

    app.get(
      '/api/v2/products/:id',
      {
        schema: {
          tags: ['catalog'],
          summary: 'A product: every visible offer (cheapest first) and the other units of its families',
          params: IdParams,
          response: { 200: ProductDetailSchema, 304: NotModified, ...problemResponses(400, 404) },
        },
      },
      async (request, reply) => {
        const { id } = request.params;
        const body = await cachedJson(request, reply, `product:${id}`, () => getProductJson(runtime.db, id));
        if (reply.sent) return reply;
        if (typeof body !== 'string') {
          throw notFound('product_not_found', { ru: 'Товар не найден', en: 'Product not found' });
        }
        // The database built the body in ProductDetailSchema's shape (tested against it): a JSON
        // string is sent as it is, not parsed and serialised again.
        return reply
          .type('application/json; charset=utf-8')
          .send(body as unknown as Static<typeof ProductDetailSchema>);
      },
    );

    app.get(
      '/api/v2/offers',
      {
        schema: {
          tags: ['catalog'],
          summary: 'Offers, flat: each supplier’s goods with price, stock and characteristics',
          querystring: OfferListQuery,
          response: { 200: OfferPage, 304: NotModified, ...problemResponses(400) },
        },
      },
      async (request, reply) => {
        const { shop, category, q, limit = 50, cursor } = request.query;
        const afterId = idCursor(cursor, 'offer');
        return cachedJson(
          request,
          reply,
          cacheKey('offers', { shop, category, q, afterId, limit }),
          async () => {
            const items = await listOffers(runtime.db, { shop, category, q, afterId, limit: limit + 1 });
            const page = items.slice(0, limit);
            return {
              items: page,
              next_cursor: items.length > limit ? encodeCursor('offer', [page[page.length - 1].id]) : null,
            };
          },
        );
      },
    );

    // ----- supplier -----------------------------------------------------------------------

    app.get(
      '/api/v2/supplier/shop',
      {
        config: supplier,
        schema: {
          tags: ['supplier'],
          summary: 'My shop’s settings',
          response: { 200: ShopSettings, ...problemResponses(401, 403, 404) },
        },
      },
      async (request) => shopSettings(await shopOfOwner(runtime.db, currentUser(request).id)),
    );

    app.patch(
      '/api/v2/supplier/shop',
      {
        config: supplier,
        schema: {
          tags: ['supplier'],
          summary: 'Change my shop: name, price-list URL, order acceptance, scheduled re-import',
          description:
            '`accepting_orders: false` hides the shop’s goods from the catalog and refuses new orders of them. ' +
            '`import_every_hours` (1–720, or null) re-imports from `price_list_url` on a schedule.',
          body: ShopPatchBody,
          response: { 200: ShopSettings, ...problemResponses(400, 401, 403, 404, 422) },
        },
      },
      async (request) => {
        const shop = await shopOfOwner(runtime.db, currentUser(request).id);
        const patch = shopPatch(request.body);
        await checkShopPatch(runtime, shop, patch);
        return shopSettings(await updateShop(runtime, shop.id, patch));
      },
    );

    app.post(
      '/api/v2/supplier/imports',
      {
        config: supplier,
        schema: {
          tags: ['supplier'],
          summary: 'Import my price list from a URL or an uploaded file',
          description: importDescription,
          consumes: ['application/json', 'multipart/form-data'],
          querystring: ImportQuery,
          body: importBody,
          response: { 202: ImportAccepted, ...problemResponses(400, 401, 403, 404, 413, 415, 422) },
        },
      },
      async (request, reply) => {
        const shop = await shopOfOwner(runtime.db, currentUser(request).id);
        const row = await receiveImport(runtime, request, shop, request.query);
        return reply
          .status(202)
          .header('location', `/api/v2/supplier/imports/${row.id}`)
          .send({ id: row.id, status: row.status });
      },
    );

    app.get(
      '/api/v2/supplier/imports',
      {
        config: supplier,
        schema: {
          tags: ['supplier'],
          summary: 'My imports, newest first',
          querystring: PageQuery,
          response: { 200: ImportPage, ...problemResponses(400, 401, 403, 404) },
        },
      },
      async (request) => {
        const shop = await shopOfOwner(runtime.db, currentUser(request).id);
        const { limit = 50, cursor } = request.query;
        const rows = await listImports(runtime, shop.id, {
          limit: limit + 1,
          before: idCursor(cursor, 'import'),
        });
        const page = rows.slice(0, limit);
        return {
          items: page.map((row) => importSummary(row, request)),
          next_cursor: rows.length > limit ? encodeCursor('import', [page[page.length - 1].id]) : null,
        };
      },
    );

    app.get(
      '/api/v2/supplier/imports/:id',
      {
        config: supplier,
        schema: {
          tags: ['supplier'],
          summary: 'An import: status, progress, timings, counts and the per-row report',
          params: IdParams,
          querystring: ImportDetailQuery,
          response: { 200: ImportDetail, ...problemResponses(400, 401, 403, 404) },
        },
      },
      async (request) => {
        const shop = await shopOfOwner(runtime.db, currentUser(request).id);
        const row = await getImport(runtime, request.params.id, shop.id);
        if (!row) throw notFound('import_not_found', { ru: 'Загрузка не найдена', en: 'Import not found' });
        return importDetail(runtime, row, request, request.query);
      },
    );

    app.get(
      '/api/v2/supplier/export',
      {
        config: supplierOrStaff,
        schema: {
          tags: ['supplier'],
          summary: 'Download my active goods (staff: any shop’s): YAML (the import format), CSV or JSON',
          description: `Up to ${SYNC_EXPORT_LIMIT} goods inline; larger shops use POST /api/v2/supplier/exports (409 export_too_large). Staff name the shop with \`shop\`.`,
          querystring: SupplierExportQuery,
          response: { 200: Type.String(), ...problemResponses(400, 401, 403, 404, 409, 422) },
        },
      },
      async (request, reply) => {
        const shop = await exportedShop(runtime, request, request.query.shop);
        return sendExport(runtime, reply, shop, request.query.format ?? 'yaml');
      },
    );

    app.post(
      '/api/v2/supplier/exports',
      {
        config: supplierOrStaff,
        schema: {
          tags: ['supplier'],
          summary: 'Prepare an export file in the background (any size; staff: any shop)',
          description:
            'Staff name the shop with `shop` and follow the export under /api/v2/admin/exports/:id.',
          body: SupplierExportBody,
          response: { 202: ExportSchema, ...problemResponses(400, 401, 403, 404, 422) },
        },
      },
      async (request, reply) => {
        const shop = await exportedShop(runtime, request, request.body.shop);
        const row = await transaction(runtime, (scope) =>
          queueExport(scope, {
            shopId: shop.id,
            requestedBy: currentUser(request).id,
            format: request.body.format ?? 'yaml',
          }),
        );
        const prefix =
          currentUser(request).role === 'staff' ? '/api/v2/admin/exports' : '/api/v2/supplier/exports';
        return reply.status(202).header('location', `${prefix}/${row.id}`).send(exportView(row, prefix));
      },
    );

    app.get(
      '/api/v2/supplier/exports',
      {
        config: supplier,
        schema: {
          tags: ['supplier'],
          summary: 'My exports, newest first',
          querystring: PageQuery,
          response: { 200: ExportPage, ...problemResponses(400, 401, 403, 404) },
        },
      },
      async (request) => {
        const shop = await shopOfOwner(runtime.db, currentUser(request).id);
        const { limit = 50, cursor } = request.query;
        const rows = await listExports(runtime.db, shop.id, {
          limit: limit + 1,
          before: idCursor(cursor, 'export'),
        });
        const page = rows.slice(0, limit);
        return {
          items: page.map((row) => exportView(row, '/api/v2/supplier/exports')),
          next_cursor: rows.length > limit ? encodeCursor('export', [page[page.length - 1].id]) : null,
        };
      },
    );

    app.get(
      '/api/v2/supplier/exports/:id',
      {
        config: supplier,
        schema: {
          tags: ['supplier'],
          summary: 'An export’s status',
          params: IdParams,
          response: { 200: ExportSchema, ...problemResponses(400, 401, 403, 404) },
        },
      },
      async (request) => {
        const shop = await shopOfOwner(runtime.db, currentUser(request).id);
        const row = await getExport(runtime.db, request.params.id, shop.id);
        if (!row) throw notFound('export_not_found', { ru: 'Выгрузка не найдена', en: 'Export not found' });
        return exportView(row, '/api/v2/supplier/exports');
      },
    );

    app.get(
      '/api/v2/supplier/exports/:id/download',
      {
        config: supplier,
        schema: {
          tags: ['supplier'],
          summary: 'Download a finished export',
          params: IdParams,
          response: { 200: Type.String(), ...problemResponses(400, 401, 403, 404, 409) },
        },
      },
      async (request, reply) => {
        const shop = await shopOfOwner(runtime.db, currentUser(request).id);
        return sendDownload(runtime, reply, await getExport(runtime.db, request.params.id, shop.id));
      },
    );

    // ----- staff ----------------------------------------------------------------------------

    const shopOr404 = async (id: number) => {
      const shop = await getShop(runtime.db, id);
      if (!shop) throw shopNotFound();
      return shop;
    };

    app.get(
      '/api/v2/admin/shops/:id',
      {
        config: staff,
        schema: {
          tags: ['admin'],
          summary: 'A shop’s settings',
          params: IdParams,
          response: { 200: ShopSettings, ...problemResponses(400, 401, 403, 404) },
        },
      },
      async (request) => shopSettings(await shopOr404(request.params.id)),
    );

    app.patch(
      '/api/v2/admin/shops/:id',
      {
        config: staff,
        schema: {
          tags: ['admin'],
          summary: 'Change a shop: name, price-list URL, order acceptance, scheduled re-import',
          params: IdParams,
          body: ShopPatchBody,
          response: { 200: ShopSettings, ...problemResponses(400, 401, 403, 404, 422) },
        },
      },
      async (request) => {
        const shop = await shopOr404(request.params.id);
        const patch = shopPatch(request.body);
        await checkShopPatch(runtime, shop, patch);
        return shopSettings(await updateShop(runtime, shop.id, patch));
      },
    );

    app.post(
      '/api/v2/admin/shops/:id/imports',
      {
        config: staff,
        schema: {
          tags: ['admin'],
          summary: 'Import a price list for any shop',
          description: importDescription,
          consumes: ['application/json', 'multipart/form-data'],
          params: IdParams,
          querystring: ImportQuery,
          body: importBody,
          response: { 202: ImportAccepted, ...problemResponses(400, 401, 403, 404, 413, 415, 422) },
        },
      },
      async (request, reply) => {
        const shop = await shopOr404(request.params.id);
        const row = await receiveImport(runtime, request, shop, request.query);
        return reply
          .status(202)
          .header('location', `/api/v2/admin/imports/${row.id}`)
          .send({ id: row.id, status: row.status });
      },
    );

    app.get(
      '/api/v2/admin/shops/:id/imports',
      {
        config: staff,
        schema: {
          tags: ['admin'],
          summary: 'A shop’s imports, newest first',
          params: IdParams,
          querystring: PageQuery,
          response: { 200: ImportPage, ...problemResponses(400, 401, 403, 404) },
        },
      },
      async (request) => {
        const shop = await shopOr404(request.params.id);
        const { limit = 50, cursor } = request.query;
        const rows = await listImports(runtime, shop.id, {
          limit: limit + 1,
          before: idCursor(cursor, 'import'),
        });
        const page = rows.slice(0, limit);
        return {
          items: page.map((row) => importSummary(row, request)),
          next_cursor: rows.length > limit ? encodeCursor('import', [page[page.length - 1].id]) : null,
        };
      },
    );

    app.get(
      '/api/v2/admin/imports/:id',
      {
        config: staff,
        schema: {
          tags: ['admin'],
          summary: 'Any import with its report',
          params: IdParams,
          querystring: ImportDetailQuery,
          response: { 200: ImportDetail, ...problemResponses(400, 401, 403, 404) },
        },
      },
      async (request) => {
        const row = await getImport(runtime, request.params.id);
        if (!row) throw notFound('import_not_found', { ru: 'Загрузка не найдена', en: 'Import not found' });
        return importDetail(runtime, row, request, request.query);
      },
    );

    app.get(
      '/api/v2/admin/shops/:id/export',
      {
        config: staff,
        schema: {
          tags: ['admin'],
          summary: 'Download a shop’s active goods: YAML, CSV or JSON',
          params: IdParams,
          querystring: ExportQuery,
          response: { 200: Type.String(), ...problemResponses(400, 401, 403, 404, 409) },
        },
      },
      async (request, reply) =>
        sendExport(runtime, reply, await shopOr404(request.params.id), request.query.format ?? 'yaml'),
    );

    app.post(
      '/api/v2/admin/shops/:id/exports',
      {
        config: staff,
        schema: {
          tags: ['admin'],
          summary: 'Prepare a shop’s export file in the background',
          params: IdParams,
          body: ExportBody,
          response: { 202: ExportSchema, ...problemResponses(400, 401, 403, 404) },
        },
      },
      async (request, reply) => {
        const shop = await shopOr404(request.params.id);
        const row = await transaction(runtime, (scope) =>
          queueExport(scope, {
            shopId: shop.id,
            requestedBy: currentUser(request).id,
            format: request.body.format ?? 'yaml',
          }),
        );
        return reply.status(202).send(exportView(row, '/api/v2/admin/exports'));
      },
    );

    app.get(
      '/api/v2/admin/exports/:id',
      {
        config: staff,
        schema: {
          tags: ['admin'],
          summary: 'Any export’s status',
          params: IdParams,
          response: { 200: ExportSchema, ...problemResponses(400, 401, 403, 404) },
        },
      },
      async (request) => {
        const row = await getExport(runtime.db, request.params.id);
        if (!row) throw notFound('export_not_found', { ru: 'Выгрузка не найдена', en: 'Export not found' });
        return exportView(row, '/api/v2/admin/exports');
      },
    );

    app.get(
      '/api/v2/admin/exports/:id/download',
      {
        config: staff,
        schema: {
          tags: ['admin'],
          summary: 'Download any finished export',
          params: IdParams,
          response: { 200: Type.String(), ...problemResponses(400, 401, 403, 404, 409) },
        },
      },
      async (request, reply) => sendDownload(runtime, reply, await getExport(runtime.db, request.params.id)),
    );

    app.patch(
      '/api/v2/admin/categories/:id',
      {
        config: staff,
        schema: {
          tags: ['admin'],
          summary: 'Rename a category (suppliers’ files keep landing in it)',
          params: IdParams,
          body: RenameBody,
          response: { 200: CategoryAdminSchema, ...problemResponses(400, 401, 403, 404, 409) },
        },
      },
      async (request) => {
        const category = await renameCategory(runtime, request.params.id, request.body.name);
        return {
          id: category.id,
          name: category.name,
          product_count: await productCount(runtime, category.id),
        };
      },
    );

    app.post(
      '/api/v2/admin/categories/:id/merge',
      {
        config: staff,
        schema: {
          tags: ['admin'],
          summary:
            'Merge a category into another: its products, suppliers’ mappings and future imports move there',
          params: IdParams,
          body: MergeBody,
          response: { 200: CategoryAdminSchema, ...problemResponses(400, 401, 403, 404, 422) },
        },
      },
      async (request) => {
        const result = await mergeCategories(runtime, request.params.id, request.body.into);
        return {
          id: result.target.id,
          name: result.target.name,
          product_count: await productCount(runtime, result.target.id),
        };
      },
    );

    app.get(
      '/api/v2/admin/parameters',
      {
        config: staff,
        schema: {
          tags: ['admin'],
          summary: 'Characteristics with their kind and how many offers use them',
          querystring: PageQuery,
          response: { 200: ParameterPage, ...problemResponses(400, 401, 403) },
        },
      },
      async (request) => {
        const { limit = 50, cursor } = request.query;
        const rows = await listParameters(runtime.db, {
          limit: limit + 1,
          afterId: idCursor(cursor, 'parameter'),
        });
        const page = rows.slice(0, limit);
        return {
          items: page,
          next_cursor: rows.length > limit ? encodeCursor('parameter', [page[page.length - 1].id]) : null,
        };
      },
    );

    app.patch(
      '/api/v2/admin/parameters/:id',
      {
        config: staff,
        schema: {
          tags: ['admin'],
          summary: 'Rename a characteristic and/or fix its kind (number, text, boolean)',
          params: IdParams,
          body: ParameterPatchBody,
          response: { 200: ParameterSchema, ...problemResponses(400, 401, 403, 404, 409, 422) },
        },
      },
      async (request) => updateParameter(runtime, request.params.id, request.body),
    );

    app.post(
      '/api/v2/admin/parameters/:id/merge',
      {
        config: staff,
        schema: {
          tags: ['admin'],
          summary: 'Merge a characteristic into another (e.g. "Цвет" and "Color")',
          params: IdParams,
          body: MergeBody,
          response: { 200: ParameterSchema, ...problemResponses(400, 401, 403, 404, 422) },
        },
      },
      async (request) => mergeParameters(runtime, request.params.id, request.body.into),
    );
  };
}

async function productCount(runtime: Runtime, categoryId: number): Promise<number> {
  const result = (await runtime.db.execute(
    sql`select count(*)::integer as count from products where category_id = ${categoryId} and offer_count > 0`,
  )) as unknown as { rows: { count: number }[] };
  return result.rows[0].count;
}
