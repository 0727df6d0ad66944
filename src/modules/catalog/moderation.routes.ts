// /api/v2/admin moderation for staff: products with every offer (hidden ones included), and hiding or
// showing an offer or a whole product with a reason. Hidden goods vanish from the public catalog
// and cannot be put in a basket or ordered; the supplier sees why (GET /api/v2/supplier/offers).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { currentUser } from '../../http/auth.ts';
import { CursorQuery, IdParams, LimitQuery, Page, problemResponses } from '../../http/common-schemas.ts';
import { decodeIdCursor, kindCursor, mapPage, pageJson, pageOf, peekLimit } from '../../http/paging.ts';
import type { Runtime } from '../../runtime.ts';
import { staff } from './catalog.views.ts';
import {
  type AdminProductRow,
  listProductsForStaff,
  offerForStaff,
  productForStaff,
  setOfferVisibility,
  setProductVisibility,
} from './moderation.service.ts';
import { ModeratedOfferSchema, presentModeratedOffer } from './moderation.views.ts';

const Id = Type.Integer({ minimum: 1, maximum: 2_147_483_647 });

const AdminProductSchema = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  category: Type.Object({ id: Type.Integer(), name: Type.String() }),
  hidden: Type.Boolean(),
  hidden_reason: Type.Union([Type.String(), Type.Null()]),
  offer_count: Type.Integer({ description: 'Offers shown in the catalog' }),
  offers_total: Type.Integer({ description: 'Offers of every shop, hidden and delisted ones included' }),
  min_price: Type.Union([Type.String(), Type.Null()]),
});

const AdminProductDetail = Type.Object({
  ...AdminProductSchema.properties,
  offers: Type.Array(ModeratedOfferSchema),
});

const VisibilityBody = Type.Object(
  {
    hidden: Type.Boolean(),
    hidden_reason: Type.Optional(
      Type.Union([Type.String({ maxLength: 1000 }), Type.Null()], {
        description: 'Why it is hidden: shown to the supplier; cleared when shown again',
      }),
    ),
  },
  { additionalProperties: false },
);

const ProductListQuery = Type.Object(
  {
    limit: Type.Optional(LimitQuery),
    cursor: Type.Optional(CursorQuery),
    q: Type.Optional(Type.String({ maxLength: 200, description: 'Part of the product’s name' })),
    category_id: Type.Optional(Id),
    shop_id: Type.Optional(Type.Integer({ ...Id, description: 'Products the shop has an offer of' })),
    hidden: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

function presentProduct(row: AdminProductRow) {
  return {
    id: row.id,
    name: row.name,
    category: { id: row.categoryId, name: row.categoryName },
    hidden: row.hidden,
    hidden_reason: row.hiddenReason,
    offer_count: row.offerCount,
    offers_total: row.offersTotal,
    min_price: row.minPrice,
  };
}

function reasonOf(body: { hidden_reason?: string | null }): string | null {
  return body.hidden_reason?.trim() || null;
}

export function moderationRoutes(runtime: Runtime): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/api/v2/admin/products',
      {
        config: staff,
        schema: {
          operationId: 'adminListProducts',
          tags: ['admin'],
          summary: 'Products by id, hidden ones included; filter by name, category, shop and hidden',
          querystring: ProductListQuery,
          response: { 200: Page(AdminProductSchema), ...problemResponses(400, 401, 403) },
        },
      },
      async (request) => {
        const { limit = 50, cursor, q, category_id, shop_id, hidden } = request.query;
        const rows = await listProductsForStaff(runtime.db, {
          q,
          categoryId: category_id,
          shopId: shop_id,
          hidden,
          limit: peekLimit(limit),
          afterId: decodeIdCursor(cursor, 'admin_product'),
        });
        return pageJson(
          mapPage(
            pageOf(rows, limit, (last) => kindCursor('admin_product', [last.id])),
            presentProduct,
          ),
        );
      },
    );

    app.get(
      '/api/v2/admin/products/:id',
      {
        config: staff,
        schema: {
          operationId: 'adminGetProduct',
          tags: ['admin'],
          summary: 'A product with every offer of every shop, hidden and delisted ones included',
          params: IdParams,
          response: { 200: AdminProductDetail, ...problemResponses(400, 401, 403, 404) },
        },
      },
      async (request) => {
        const found = await productForStaff(runtime.db, request.params.id);
        return { ...presentProduct(found.product), offers: found.offers.map(presentModeratedOffer) };
      },
    );

    app.patch(
      '/api/v2/admin/products/:id',
      {
        config: staff,
        schema: {
          operationId: 'adminModerateProduct',
          tags: ['admin'],
          summary: 'Hide or show a product with all its offers',
          description:
            'A hidden product vanishes from the public catalog (lists, search, facets, its page, /api/v1) ' +
            'and none of its offers can be put in a basket or ordered; a re-import does not show it again. ' +
            'Audited as `product.hidden` / `product.shown`.',
          params: IdParams,
          body: VisibilityBody,
          response: { 200: AdminProductDetail, ...problemResponses(400, 401, 403, 404) },
        },
      },
      async (request) => {
        await setProductVisibility(runtime, currentUser(request).id, request.params.id, {
          hidden: request.body.hidden,
          reason: reasonOf(request.body),
        });
        const found = await productForStaff(runtime.db, request.params.id);
        return { ...presentProduct(found.product), offers: found.offers.map(presentModeratedOffer) };
      },
    );

    app.patch(
      '/api/v2/admin/offers/:id',
      {
        config: staff,
        schema: {
          operationId: 'adminModerateOffer',
          tags: ['admin'],
          summary: 'Hide or show one offer',
          description:
            'A hidden offer vanishes from the public catalog and cannot be put in a basket or ordered (a ' +
            'basket line of it shows `offer_unavailable`); a re-import does not show it again; the supplier ' +
            'sees it hidden with the reason. Audited as `offer.hidden` / `offer.shown`.',
          params: IdParams,
          body: VisibilityBody,
          response: { 200: ModeratedOfferSchema, ...problemResponses(400, 401, 403, 404) },
        },
      },
      async (request) => {
        await setOfferVisibility(runtime, currentUser(request).id, request.params.id, {
          hidden: request.body.hidden,
          reason: reasonOf(request.body),
        });
        return presentModeratedOffer(await offerForStaff(runtime.db, request.params.id));
      },
    );
  };
}
