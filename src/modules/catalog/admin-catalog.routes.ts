// /api/v2/admin catalog upkeep for staff: any shop's settings, imports and exports; categories and
// characteristics renamed and merged. Routes validate, authorise, call one service and shape the
// answer.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { transaction } from '../../db/transaction.ts';
import { currentUser } from '../../http/auth.ts';
import { CursorQuery, IdParams, LimitQuery, Page, problemResponses } from '../../http/common-schemas.ts';
import { notFound } from '../../http/errors.ts';
import {
  decodeIdCursor,
  decodeKindCursor,
  kindCursor,
  mapPage,
  pageJson,
  pageOf,
  peekLimit,
} from '../../http/paging.ts';
import type { Runtime } from '../../runtime.ts';
import {
  AdminImportListQuery,
  AdminShopListQuery,
  AdminShopPage,
  CategoryAdminSchema,
  ExportBody,
  ExportQuery,
  ExportSchema,
  ImportAccepted,
  ImportDetail,
  ImportDetailQuery,
  ImportPage,
  MergeBody,
  PageQuery,
  ParameterPage,
  ParameterPatchBody,
  ParameterSchema,
  RenameBody,
  ShopPatchBody,
  ShopSettings,
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
  staff,
} from './catalog.views.ts';
import {
  listCategoriesForStaff,
  listParameters,
  mergeCategories,
  mergeParameters,
  renameCategory,
  updateParameter,
} from './curation.service.ts';
import { exportDownload, exportNow, getExport, queueExport } from './export.service.ts';
import { getImport, listAllImports, listImports } from './import.service.ts';
import { requestImport } from './import-request.service.ts';
import { changeShop, listShopsForStaff, shopOr404 } from './shops.service.ts';

export function adminCatalogRoutes(runtime: Runtime): FastifyPluginAsyncTypebox {
  return async (app) => {
    // ----- shops, their imports and exports ---------------------------------------------------

    app.get(
      '/api/v2/admin/shops',
      {
        config: staff,
        schema: {
          operationId: 'adminListShops',
          tags: ['admin'],
          summary: 'Every shop by id; filter by name and order acceptance',
          description:
            '`accepting_orders=false` lists the shops not accepting orders (the dashboard’s ' +
            '`shops_not_accepting_orders`).',
          querystring: AdminShopListQuery,
          response: { 200: AdminShopPage, ...problemResponses(400, 401, 403) },
        },
      },
      async (request) => {
        const { limit = 50, cursor, q, accepting_orders } = request.query;
        const rows = await listShopsForStaff(runtime.db, {
          q,
          acceptingOrders: accepting_orders,
          limit: peekLimit(limit),
          afterId: decodeIdCursor(cursor, 'shop'),
        });
        return pageJson(
          mapPage(
            pageOf(rows, limit, (last) => kindCursor('shop', [last.id])),
            (shop) => ({ ...shopSettings(shop), owner_id: shop.ownerId, offer_count: shop.offerCount }),
          ),
        );
      },
    );

    app.get(
      '/api/v2/admin/imports',
      {
        config: staff,
        schema: {
          operationId: 'adminListImports',
          tags: ['admin'],
          summary: 'Imports of every shop, newest first; filter by shop, status and time',
          description:
            '`status=failed&since=<now − 24 h>` lists the failed imports of the last 24 hours (the ' +
            'dashboard’s `failed_imports_24h`).',
          querystring: AdminImportListQuery,
          response: { 200: ImportPage, ...problemResponses(400, 401, 403) },
        },
      },
      async (request) => {
        const { limit = 50, cursor, shop_id, status, since } = request.query;
        const rows = await listAllImports(runtime, {
          shopId: shop_id,
          status,
          since: since === undefined ? undefined : new Date(since),
          limit: peekLimit(limit),
          before: decodeIdCursor(cursor, 'import'),
        });
        return importPage(rows, limit, request);
      },
    );

    app.get(
      '/api/v2/admin/shops/:id',
      {
        config: staff,
        schema: {
          operationId: 'adminGetShop',
          tags: ['admin'],
          summary: 'A shop’s settings',
          params: IdParams,
          response: { 200: ShopSettings, ...problemResponses(400, 401, 403, 404) },
        },
      },
      async (request) => shopSettings(await shopOr404(runtime.db, request.params.id)),
    );

    app.patch(
      '/api/v2/admin/shops/:id',
      {
        config: staff,
        schema: {
          operationId: 'adminUpdateShop',
          tags: ['admin'],
          summary:
            'Change a shop: name, price-list URL, order acceptance, scheduled re-import, contacts, invoice requisites, VAT rate',
          params: IdParams,
          body: ShopPatchBody,
          response: { 200: ShopSettings, ...problemResponses(400, 401, 403, 404, 422) },
        },
      },
      async (request) => {
        const shop = await shopOr404(runtime.db, request.params.id);
        const changed = await changeShop(runtime, shop, shopPatch(request.body), currentUser(request).id);
        return shopSettings(changed);
      },
    );

    app.post(
      '/api/v2/admin/shops/:id/imports',
      {
        config: staff,
        schema: {
          operationId: 'adminStartShopImport',
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
        const shop = await shopOr404(runtime.db, request.params.id);
        const asked = await importRequestOf(runtime, request, request.query, currentUser(request).id);
        const row = await requestImport(runtime, shop, { ...asked, byStaff: true });
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
          operationId: 'adminListShopImports',
          tags: ['admin'],
          summary: 'A shop’s imports, newest first',
          params: IdParams,
          querystring: PageQuery,
          response: { 200: ImportPage, ...problemResponses(400, 401, 403, 404) },
        },
      },
      async (request) => {
        const shop = await shopOr404(runtime.db, request.params.id);
        const { limit = 50, cursor } = request.query;
        const rows = await listImports(runtime, shop.id, {
          limit: peekLimit(limit),
          before: decodeIdCursor(cursor, 'import'),
        });
        return importPage(rows, limit, request);
      },
    );

    app.get(
      '/api/v2/admin/imports/:id',
      {
        config: staff,
        schema: {
          operationId: 'adminGetImport',
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
          operationId: 'adminExportShop',
          tags: ['admin'],
          summary: 'Download a shop’s active goods: YAML, CSV or JSON',
          params: IdParams,
          querystring: ExportQuery,
          response: { 200: Type.String(), ...problemResponses(400, 401, 403, 404, 409) },
        },
      },
      async (request, reply) => {
        const shop = await shopOr404(runtime.db, request.params.id);
        const format = request.query.format ?? 'yaml';
        return sendFile(reply, await exportNow(runtime.db, shop.id, format, runtime.clock.now()));
      },
    );

    app.post(
      '/api/v2/admin/shops/:id/exports',
      {
        config: staff,
        schema: {
          operationId: 'adminStartShopExport',
          tags: ['admin'],
          summary: 'Prepare a shop’s export file in the background',
          params: IdParams,
          body: ExportBody,
          response: { 202: ExportSchema, ...problemResponses(400, 401, 403, 404) },
        },
      },
      async (request, reply) => {
        const shop = await shopOr404(runtime.db, request.params.id);
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
          operationId: 'adminGetExport',
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
          operationId: 'adminDownloadExport',
          tags: ['admin'],
          summary: 'Download any finished export',
          params: IdParams,
          response: { 200: Type.String(), ...problemResponses(400, 401, 403, 404, 409) },
        },
      },
      async (request, reply) =>
        sendFile(reply, await exportDownload(runtime.db, await getExport(runtime.db, request.params.id))),
    );

    // ----- curation: categories and characteristics -----------------------------------------

    app.get(
      '/api/v2/admin/categories',
      {
        config: staff,
        schema: {
          operationId: 'adminListCategories',
          tags: ['admin'],
          summary: 'Categories by name with their product counts (on sale and in all), for curation',
          querystring: Type.Object(
            {
              limit: Type.Optional(LimitQuery),
              cursor: Type.Optional(CursorQuery),
              q: Type.Optional(Type.String({ maxLength: 200, description: 'Part of the name' })),
            },
            { additionalProperties: false },
          ),
          response: {
            200: Page(
              Type.Object({
                ...CategoryAdminSchema.properties,
                products_total: Type.Integer({
                  description: 'Every product, hidden and unsold ones included',
                }),
              }),
            ),
            ...problemResponses(400, 401, 403),
          },
        },
      },
      async (request) => {
        const { limit = 50, cursor, q } = request.query;
        const after = cursor ? decodeKindCursor(cursor, 'admin_category', 2) : undefined;
        const rows = await listCategoriesForStaff(runtime.db, {
          q,
          limit: peekLimit(limit),
          after: after ? { name: String(after[0]), id: Number(after[1]) } : undefined,
        });
        return pageJson(
          mapPage(
            pageOf(rows, limit, (last) => kindCursor('admin_category', [last.normalizedName, last.id])),
            (row) => ({
              id: row.id,
              name: row.name,
              product_count: row.productCount,
              products_total: row.productsTotal,
            }),
          ),
        );
      },
    );

    app.patch(
      '/api/v2/admin/categories/:id',
      {
        config: staff,
        schema: {
          operationId: 'adminRenameCategory',
          tags: ['admin'],
          summary: 'Rename a category (suppliers’ files keep landing in it)',
          params: IdParams,
          body: RenameBody,
          response: { 200: CategoryAdminSchema, ...problemResponses(400, 401, 403, 404, 409) },
        },
      },
      async (request) =>
        renameCategory(runtime, request.params.id, request.body.name, currentUser(request).id),
    );

    app.post(
      '/api/v2/admin/categories/:id/merge',
      {
        config: staff,
        schema: {
          operationId: 'adminMergeCategories',
          tags: ['admin'],
          summary:
            'Merge a category into another: its products, suppliers’ mappings and future imports move there',
          params: IdParams,
          body: MergeBody,
          response: { 200: CategoryAdminSchema, ...problemResponses(400, 401, 403, 404, 422) },
        },
      },
      async (request) =>
        mergeCategories(runtime, request.params.id, request.body.into, currentUser(request).id),
    );

    app.get(
      '/api/v2/admin/parameters',
      {
        config: staff,
        schema: {
          operationId: 'adminListParameters',
          tags: ['admin'],
          summary: 'Characteristics with their kind and how many offers use them',
          querystring: PageQuery,
          response: { 200: ParameterPage, ...problemResponses(400, 401, 403) },
        },
      },
      async (request) => {
        const { limit = 50, cursor } = request.query;
        const rows = await listParameters(runtime.db, {
          limit: peekLimit(limit),
          afterId: decodeIdCursor(cursor, 'parameter'),
        });
        return pageJson(pageOf(rows, limit, (last) => kindCursor('parameter', [last.id])));
      },
    );

    app.patch(
      '/api/v2/admin/parameters/:id',
      {
        config: staff,
        schema: {
          operationId: 'adminUpdateParameter',
          tags: ['admin'],
          summary: 'Rename a characteristic and/or fix its kind (number, text, boolean)',
          params: IdParams,
          body: ParameterPatchBody,
          response: { 200: ParameterSchema, ...problemResponses(400, 401, 403, 404, 409, 422) },
        },
      },
      async (request) => updateParameter(runtime, request.params.id, request.body, currentUser(request).id),
    );

    app.post(
      '/api/v2/admin/parameters/:id/merge',
      {
        config: staff,
        schema: {
          operationId: 'adminMergeParameters',
          tags: ['admin'],
          summary: 'Merge a characteristic into another (e.g. "Цвет" and "Color")',
          params: IdParams,
          body: MergeBody,
          response: { 200: ParameterSchema, ...problemResponses(400, 401, 403, 404, 422) },
        },
      },
      async (request) =>
        mergeParameters(runtime, request.params.id, request.body.into, currentUser(request).id),
    );
  };
}
