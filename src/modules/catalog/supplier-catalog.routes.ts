// /api/v2/supplier: the supplier's shop, its imports and exports (staff may export any shop here
// by naming it). Routes validate, authorise, call one service and shape the answer.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { transaction } from '../../db/transaction.ts';
import { currentUser } from '../../http/auth.ts';
import { CursorQuery, IdParams, LimitQuery, Page, problemResponses } from '../../http/common-schemas.ts';
import { notFound } from '../../http/errors.ts';
import { decodeIdCursor, kindCursor, mapPage, pageJson, pageOf, peekLimit } from '../../http/paging.ts';
import type { Runtime } from '../../runtime.ts';
import {
  ExportPage,
  ExportSchema,
  ImportAccepted,
  ImportDetail,
  ImportDetailQuery,
  ImportPage,
  PageQuery,
  ShopPatchBody,
  ShopSettings,
  SupplierExportBody,
  SupplierExportQuery,
} from './catalog.schemas.ts';
import {
  exportView,
  ImportQuery,
  importBody,
  importDescription,
  importDetail,
  importPage,
  importRequestOf,
  sendFile,
  shopPatch,
  shopSettings,
  supplier,
  supplierOrStaff,
} from './catalog.views.ts';
import {
  exportDownload,
  exportNow,
  getExport,
  listExports,
  queueExport,
  SYNC_EXPORT_LIMIT,
} from './export.service.ts';
import { getImport, listImports } from './import.service.ts';
import { requestImport } from './import-request.service.ts';
import { listShopOffers } from './moderation.service.ts';
import { ModeratedOfferSchema, presentModeratedOffer } from './moderation.views.ts';
import { changeShop, shopOfOwner, shopToExport } from './shops.service.ts';

const SupplierOfferQuery = Type.Object(
  {
    limit: Type.Optional(LimitQuery),
    cursor: Type.Optional(CursorQuery),
    q: Type.Optional(
      Type.String({ maxLength: 200, description: 'Part of the name or of the supplier’s id' }),
    ),
    hidden: Type.Optional(
      Type.Boolean({ description: 'Only the offers staff hid (true) or the others (false)' }),
    ),
  },
  { additionalProperties: false },
);

export function supplierCatalogRoutes(runtime: Runtime): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/api/v2/supplier/offers',
      {
        config: supplier,
        schema: {
          operationId: 'listSupplierOffers',
          tags: ['supplier'],
          summary: 'My offers of the latest price list, with whether staff hid them and why',
          querystring: SupplierOfferQuery,
          response: { 200: Page(ModeratedOfferSchema), ...problemResponses(400, 401, 403, 404) },
        },
      },
      async (request) => {
        const shop = await shopOfOwner(runtime.db, currentUser(request).id);
        const { limit = 50, cursor, q, hidden } = request.query;
        const rows = await listShopOffers(runtime.db, shop.id, {
          q,
          hidden,
          limit: peekLimit(limit),
          afterId: decodeIdCursor(cursor, 'supplier_offer'),
        });
        return pageJson(
          mapPage(
            pageOf(rows, limit, (last) => kindCursor('supplier_offer', [last.id])),
            presentModeratedOffer,
          ),
        );
      },
    );

    app.get(
      '/api/v2/supplier/shop',
      {
        config: supplier,
        schema: {
          operationId: 'getSupplierShop',
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
          operationId: 'updateSupplierShop',
          tags: ['supplier'],
          summary:
            'Change my shop: name, price-list URL, order acceptance, scheduled re-import, contacts, invoice requisites, VAT rate',
          description:
            '`accepting_orders: false` hides the shop’s goods from the catalog and refuses new orders of them. ' +
            '`import_every_hours` (1–720, or null) re-imports from `price_list_url` on a schedule.',
          body: ShopPatchBody,
          response: { 200: ShopSettings, ...problemResponses(400, 401, 403, 404, 422) },
        },
      },
      async (request) => {
        const shop = await shopOfOwner(runtime.db, currentUser(request).id);
        return shopSettings(await changeShop(runtime, shop, shopPatch(request.body)));
      },
    );

    app.post(
      '/api/v2/supplier/imports',
      {
        config: supplier,
        schema: {
          operationId: 'startSupplierImport',
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
        const user = currentUser(request);
        const shop = await shopOfOwner(runtime.db, user.id);
        const asked = await importRequestOf(runtime, request, request.query, user.id);
        const row = await requestImport(runtime, shop, asked);
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
          operationId: 'listSupplierImports',
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
          limit: peekLimit(limit),
          before: decodeIdCursor(cursor, 'import'),
        });
        return importPage(rows, limit, request);
      },
    );

    app.get(
      '/api/v2/supplier/imports/:id',
      {
        config: supplier,
        schema: {
          operationId: 'getSupplierImport',
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
          operationId: 'exportSupplierShop',
          tags: ['supplier'],
          summary: 'Download my active goods (staff: any shop’s): YAML (the import format), CSV or JSON',
          description: `Up to ${SYNC_EXPORT_LIMIT} goods inline; larger shops use POST /api/v2/supplier/exports (409 export_too_large). Staff name the shop with \`shop\`.`,
          querystring: SupplierExportQuery,
          response: { 200: Type.String(), ...problemResponses(400, 401, 403, 404, 409, 422) },
        },
      },
      async (request, reply) => {
        const shop = await shopToExport(runtime.db, currentUser(request), request.query.shop);
        const format = request.query.format ?? 'yaml';
        return sendFile(reply, await exportNow(runtime.db, shop.id, format, runtime.clock.now()));
      },
    );

    app.post(
      '/api/v2/supplier/exports',
      {
        config: supplierOrStaff,
        schema: {
          operationId: 'startSupplierExport',
          tags: ['supplier'],
          summary: 'Prepare an export file in the background (any size; staff: any shop)',
          description:
            'Staff name the shop with `shop` and follow the export under /api/v2/admin/exports/:id.',
          body: SupplierExportBody,
          response: { 202: ExportSchema, ...problemResponses(400, 401, 403, 404, 422) },
        },
      },
      async (request, reply) => {
        const user = currentUser(request);
        const shop = await shopToExport(runtime.db, user, request.body.shop);
        const row = await transaction(runtime, (scope) =>
          queueExport(scope, {
            shopId: shop.id,
            requestedBy: user.id,
            format: request.body.format ?? 'yaml',
          }),
        );
        const prefix = user.role === 'staff' ? '/api/v2/admin/exports' : '/api/v2/supplier/exports';
        return reply.status(202).header('location', `${prefix}/${row.id}`).send(exportView(row, prefix));
      },
    );

    app.get(
      '/api/v2/supplier/exports',
      {
        config: supplier,
        schema: {
          operationId: 'listSupplierExports',
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
          limit: peekLimit(limit),
          before: decodeIdCursor(cursor, 'export'),
        });
        const page = pageOf(rows, limit, (last) => kindCursor('export', [last.id]));
        return pageJson({
          items: page.items.map((row) => exportView(row, '/api/v2/supplier/exports')),
          nextCursor: page.nextCursor,
        });
      },
    );

    app.get(
      '/api/v2/supplier/exports/:id',
      {
        config: supplier,
        schema: {
          operationId: 'getSupplierExport',
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
          operationId: 'downloadSupplierExport',
          tags: ['supplier'],
          summary: 'Download a finished export',
          params: IdParams,
          response: { 200: Type.String(), ...problemResponses(400, 401, 403, 404, 409) },
        },
      },
      async (request, reply) => {
        const shop = await shopOfOwner(runtime.db, currentUser(request).id);
        const row = await getExport(runtime.db, request.params.id, shop.id);
        return sendFile(reply, await exportDownload(runtime.db, row));
      },
    );
  };
}
