// /api/v2 catalog: the module's routes by audience — the public catalog here, the supplier's shop
// (supplier-catalog.routes.ts) and the staff's upkeep (admin-catalog.routes.ts). Routes validate,
// authorise, call one service and shape the answer. Public reads are served through the read
// cache and limited per client address (publicRead).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { type Static, Type } from 'typebox';
import type { Queryable } from '../../db/client.ts';
import { IdParams, problemResponses } from '../../http/common-schemas.ts';
import { forbidden, notFound } from '../../http/errors.ts';
import {
  decodeIdCursor,
  decodeKindCursor,
  kindCursor,
  pageJson,
  pageOf,
  peekLimit,
} from '../../http/paging.ts';
import { publicReadLimit } from '../../http/rate-limits.ts';
import type { Runtime } from '../../runtime.ts';
import { adminCatalogRoutes } from './admin-catalog.routes.ts';
import { type CacheScopes, listScopes, productPageScopes } from './cache-scopes.ts';
import {
  CategoryListQuery,
  CategoryPage,
  FacetQuery,
  FacetsSchema,
  OfferListQuery,
  OfferPage,
  ProductDetailSchema,
  ProductListQuery,
  ProductPageSchema,
  ShopDetail,
  ShopListQuery,
  ShopPage,
} from './catalog.schemas.ts';
import { getProductJson, listCategories, listOffers } from './catalog.service.ts';
import type { ParameterFilter, ProductFilters } from './catalog-filters.ts';
import { productFacets } from './facets.service.ts';
import { moderationRoutes } from './moderation.routes.ts';
import { productPageTemplate, renderProductPage, templateBytes } from './product-delivery.ts';
import { listProducts } from './products.service.ts';
import { cacheKey, catalogReadCacheOf, jsonBytes } from './read-cache.ts';
import { getPublicShop, installImportSchedule, listShops } from './shops.service.ts';
import { supplierCatalogRoutes } from './supplier-catalog.routes.ts';
import { synonymRoutes } from './synonyms.routes.ts';

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

const NotModified = Type.Null({
  description: 'Not modified: the catalog has not changed since the ETag named in If-None-Match',
});

export function catalogRoutes(runtime: Runtime): FastifyPluginAsyncTypebox {
  return async (app) => {
    const publicRead = publicReadLimit(runtime.config);
    await installImportSchedule(runtime);
    // Public reads go to the read handle (the replica when there is one); a replica's answers are
    // built in a snapshot with the revision they are cached under.
    const cache = catalogReadCacheOf(runtime.readDb, runtime.config.catalogCacheBytes, {
      snapshots: runtime.readDatabase !== runtime.database,
    });
    /**
     * A public catalog answer from the read cache: 304 (sent) when the client has it, else the
     * answer with its tag (none for a missing answer: the cache gives it none).
     */
    const cachedJson = async <T>(
      request: FastifyRequest,
      reply: FastifyReply,
      key: string,
      build: (db: Queryable) => Promise<T>,
      scopes?: CacheScopes,
    ): Promise<T | FastifyReply> => {
      const answer = await cache.read(key, build, jsonBytes, request.headers['if-none-match'], scopes);
      if (answer.notModified) return reply.code(304).header('etag', answer.etag).send(null);
      if (answer.etag) reply.header('etag', answer.etag);
      return answer.value;
    };

    // ----- public catalog -----------------------------------------------------------------

    app.get(
      '/api/v2/shops',
      {
        config: publicRead,
        schema: {
          operationId: 'listShops',
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
        const items = await listShops(runtime.readDb, {
          all,
          limit: peekLimit(limit),
          afterId: decodeIdCursor(cursor, 'shop'),
        });
        return pageJson(pageOf(items, limit, (last) => kindCursor('shop', [last.id])));
      },
    );

    app.get(
      '/api/v2/shops/:id',
      {
        config: publicRead,
        schema: {
          operationId: 'getShop',
          tags: ['catalog'],
          summary: 'A shop (hidden when it does not accept orders, except to staff)',
          params: IdParams,
          response: { 200: ShopDetail, ...problemResponses(400, 404) },
        },
      },
      async (request) =>
        getPublicShop(runtime.readDb, request.params.id, request.user?.role === 'staff', runtime.clock.now()),
    );

    app.get(
      '/api/v2/categories',
      {
        config: publicRead,
        schema: {
          operationId: 'listCategories',
          tags: ['catalog'],
          summary: 'Categories by name, with the number of products on sale',
          querystring: CategoryListQuery,
          response: { 200: CategoryPage, 304: NotModified, ...problemResponses(400) },
        },
      },
      async (request, reply) => {
        const { all, limit = 200, cursor } = request.query;
        const after = cursor ? decodeKindCursor(cursor, 'category', 2) : undefined;
        return cachedJson(request, reply, cacheKey('categories', { all, limit, cursor }), async (db) => {
          const items = await listCategories(db, {
            all,
            limit: peekLimit(limit),
            after: after ? { name: String(after[0]), id: Number(after[1]) } : undefined,
          });
          const page = pageOf(items, limit, (last) =>
            kindCursor('category', [last.normalized_name, last.id]),
          );
          return {
            items: page.items.map(({ id, name, product_count }) => ({ id, name, product_count })),
            next_cursor: page.nextCursor,
          };
        });
      },
    );

    app.get(
      '/api/v2/products',
      {
        config: publicRead,
        schema: {
          operationId: 'listProducts',
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
        return cachedJson(
          request,
          reply,
          cacheKey('products', options),
          (db) => listProducts(db, options),
          listScopes(options),
        );
      },
    );

    app.get(
      '/api/v2/products/facets',
      {
        config: publicRead,
        schema: {
          operationId: 'getProductFacets',
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
        return cachedJson(request, reply, cacheKey('facets', filters), (db) => productFacets(db, filters));
      },
    );

    app.get(
      '/api/v2/products/:id',
      {
        config: publicRead,
        schema: {
          operationId: 'getProduct',
          tags: ['catalog'],
          summary: 'A product: every visible offer (cheapest first) and the other units of its families',
          params: IdParams,
          response: { 200: ProductDetailSchema, 304: NotModified, ...problemResponses(400, 404) },
        },
      },
      async (request, reply) => {
        const { id } = request.params;
        // The cached page is a template; the offers' expected delivery dates are filled per request
        // (they move with the clock, not with the catalog revision), and the ETag names them too.
        const answer = await cache.read(
          `product:${id}`,
          async (db) => {
            const json = await getProductJson(db, id);
            return json === undefined ? undefined : productPageTemplate(json);
          },
          (template) => (template ? templateBytes(template) : 0),
          undefined,
          productPageScopes(id),
        );
        if (answer.notModified || answer.value === undefined) {
          throw notFound('product_not_found', { ru: 'Товар не найден', en: 'Product not found' });
        }
        const { body, datesTag } = renderProductPage(answer.value, runtime.clock.now());
        if (answer.etag) {
          const etag = `"${answer.etag.slice(1, -1)}-${datesTag}"`;
          const tags = request.headers['if-none-match']?.split(',').map((tag) => tag.trim()) ?? [];
          if (tags.includes(etag) || tags.includes('*'))
            return reply.code(304).header('etag', etag).send(null);
          reply.header('etag', etag);
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
        config: publicRead,
        schema: {
          operationId: 'listOffers',
          tags: ['catalog'],
          summary: 'Offers, flat: each supplier’s goods with price, stock and characteristics',
          querystring: OfferListQuery,
          response: { 200: OfferPage, 304: NotModified, ...problemResponses(400) },
        },
      },
      async (request, reply) => {
        const { shop, category, q, limit = 50, cursor } = request.query;
        const afterId = decodeIdCursor(cursor, 'offer');
        return cachedJson(
          request,
          reply,
          cacheKey('offers', { shop, category, q, afterId, limit }),
          async (db) => {
            const items = await listOffers(db, {
              shop,
              category,
              q,
              afterId,
              limit: peekLimit(limit),
            });
            return pageJson(pageOf(items, limit, (last) => kindCursor('offer', [last.id])));
          },
          listScopes({ shop, category, q }),
        );
      },
    );

    await app.register(supplierCatalogRoutes(runtime));
    await app.register(adminCatalogRoutes(runtime));
    await app.register(moderationRoutes(runtime));
    await app.register(synonymRoutes(runtime));
  };
}
