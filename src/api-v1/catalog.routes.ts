// API v1 catalog (public): categories and shops in DRF pages of 40, and the flat list of offers
// (`products`) with the shop and category filters, on the catalog services v2 uses and through the
// same read cache: an answer is kept as its JSON bytes while the catalog revision is unchanged, so
// a repeated read costs one (shared) revision query and no serialization.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { type TSchema, Type } from 'typebox';
import type { Queryable } from '../db/client.ts';
import { publicReadLimit } from '../http/rate-limits.ts';
import { type CacheScopes, listScopes, NO_IMPORT_SCOPE } from '../modules/catalog/cache-scopes.ts';
import { listCategories, listOffers } from '../modules/catalog/catalog.service.ts';
import { catalogReadCacheOf } from '../modules/catalog/read-cache.ts';
import { listShops } from '../modules/catalog/shops.service.ts';
import type { Runtime } from '../runtime.ts';
import {
  CategorySchema,
  DrfPage,
  InvalidPageSchema,
  OfferSchema,
  PageQuery,
  ProductsQuery,
  ShopSchema,
  transportResponses,
  V1FailureSchema,
} from './schemas.ts';
import { offerJson } from './shapes.ts';
import { failure, say, toId, WRONG_ARGUMENTS } from './transport.ts';

/** DRF's PAGE_SIZE in the reference. */
export const V1_PAGE_SIZE = 40;
/** How many rows one call of a catalog listing fetches while v1 collects a whole list. */
const CHUNK = 1000;

const tags = ['v1'];

const CategoryPage = DrfPage(CategorySchema);
const ShopPage = DrfPage(ShopSchema);
const OfferList = Type.Array(OfferSchema);
const JSON_UTF8 = 'application/json; charset=utf-8';

interface DrfPageOf<T> {
  count: number;
  next: string | null;
  previous: string | null;
  results: T[];
}

/**
 * One page of `all` as DRF's PageNumberPagination answers it, with absolute links built on
 * PUBLIC_URL (never on the Host header) keeping the other query parameters; the link to page 1 has
 * no `page`, as DRF's has not. Undefined for a page that does not exist.
 */
function drfPage<T>(runtime: Runtime, request: FastifyRequest, all: T[], rawPage: string | undefined) {
  const page = rawPage === undefined || rawPage === '' ? 1 : toId(rawPage);
  const pages = Math.max(1, Math.ceil(all.length / V1_PAGE_SIZE));
  if (page === undefined || page > pages) return undefined;
  const [path, query = ''] = request.url.split('?', 2);
  const link = (target: number) => {
    const params = new URLSearchParams(query);
    if (target === 1) params.delete('page');
    else params.set('page', String(target));
    const search = params.toString();
    return `${runtime.config.publicUrl}${path}${search ? `?${search}` : ''}`;
  };
  const result: DrfPageOf<T> = {
    count: all.length,
    next: page < pages ? link(page + 1) : null,
    previous: page > 1 ? link(page - 1) : null,
    results: all.slice((page - 1) * V1_PAGE_SIZE, page * V1_PAGE_SIZE),
  };
  return result;
}

const invalidPage = { ru: 'Неверная страница.', en: 'Invalid page.' };

export function catalogV1Routes(runtime: Runtime): FastifyPluginAsyncTypebox {
  return async (app) => {
    const publicRead = publicReadLimit(runtime.config);
    // The catalog reads' handle and cache, as v2's (the replica when there is one).
    const cache = catalogReadCacheOf(runtime.readDb, runtime.config.catalogCacheBytes, {
      snapshots: runtime.readDatabase !== runtime.database,
    });
    /**
     * A JSON body from the read cache, or `build()`'s (null: no such answer, never stored). The
     * body is serialized once, by the schema its route declares, and sent as bytes after that.
     */
    const cachedBody = async (
      key: string,
      build: (db: Queryable) => Promise<Buffer | null>,
      scopes: CacheScopes,
    ) => {
      const answer = await cache.read(key, build, (body) => body?.length ?? 0, undefined, scopes);
      if (answer.notModified) throw new Error('v1 reads pass no If-None-Match');
      return answer.value;
    };
    const sendBody = (reply: FastifyReply, body: Buffer) => reply.type(JSON_UTF8).send(body);
    /** `value` as JSON by `schema`'s compiled serializer (compiled once per schema object). */
    const serialize = (reply: FastifyReply, value: unknown, schema: TSchema) =>
      Buffer.from(
        reply.serializeInput(value as { [key: string]: unknown }, schema as { [key: string]: unknown }),
      );
    app.get(
      '/categories',
      {
        config: publicRead,
        schema: {
          tags,
          operationId: 'v1ListCategories',
          summary: 'Every category, by name, also those with nothing on sale now (40 per page)',
          querystring: PageQuery,
          response: { 200: CategoryPage, 404: InvalidPageSchema, ...transportResponses },
        },
      },
      async (request, reply) => {
        // The page's links are built from the request's path and query, so they key the answer.
        const body = await cachedBody(
          `v1:${request.url}`,
          async (db) => {
            const all: { id: number; name: string }[] = [];
            let after: { name: string; id: number } | undefined;
            for (;;) {
              // Every category, as the reference lists them: also those with nothing on sale now.
              const chunk = await listCategories(db, { all: true, limit: CHUNK, after });
              all.push(...chunk.map(({ id, name }) => ({ id, name })));
              if (chunk.length < CHUNK) break;
              const last = chunk[chunk.length - 1];
              after = { name: last.normalized_name, id: last.id };
            }
            const page = drfPage(runtime, request, all, request.query.page);
            return page ? serialize(reply, page, CategoryPage) : null;
          },
          NO_IMPORT_SCOPE,
        ); // names of every category: no import's scope changes them
        if (!body) return reply.code(404).send({ detail: say(request, invalidPage) });
        return sendBody(reply, body);
      },
    );

    app.get(
      '/shops',
      {
        config: publicRead,
        schema: {
          tags,
          operationId: 'v1ListShops',
          summary: 'Shops accepting orders (40 per page)',
          querystring: PageQuery,
          response: { 200: ShopPage, 404: InvalidPageSchema, ...transportResponses },
        },
      },
      async (request, reply) => {
        const body = await cachedBody(
          `v1:${request.url}`,
          async (db) => {
            const all: { id: number; name: string; state: boolean }[] = [];
            let afterId: number | undefined;
            for (;;) {
              const chunk = await listShops(db, { limit: CHUNK, afterId });
              all.push(
                ...chunk.map((shop) => ({ id: shop.id, name: shop.name, state: shop.accepting_orders })),
              );
              if (chunk.length < CHUNK) break;
              afterId = chunk[chunk.length - 1].id;
            }
            const page = drfPage(runtime, request, all, request.query.page);
            return page ? serialize(reply, page, ShopPage) : null;
          },
          NO_IMPORT_SCOPE,
        ); // names and states: an import renaming its shop bumps the revision
        if (!body) return reply.code(404).send({ detail: say(request, invalidPage) });
        return sendBody(reply, body);
      },
    );

    app.get(
      '/products',
      {
        config: publicRead,
        schema: {
          tags,
          operationId: 'v1ListProducts',
          summary: 'Offers on sale (shops accepting orders), optionally of one shop and/or category',
          description: 'Not paged, as in the reference.',
          querystring: ProductsQuery,
          // The list is sent as bytes serialized by `OfferList` alone (the failure by the union).
          response: { 200: Type.Union([OfferList, V1FailureSchema]), ...transportResponses },
        },
      },
      async (request, reply) => {
        const { shop_id: rawShop, category_id: rawCategory } = request.query;
        const shop = rawShop ? toId(rawShop) : undefined;
        const category = rawCategory ? toId(rawCategory) : undefined;
        if ((rawShop && shop === undefined) || (rawCategory && category === undefined)) {
          return failure(WRONG_ARGUMENTS);
        }
        const body = await cachedBody(
          `v1:products:${shop ?? ''}:${category ?? ''}`,
          async (db) => {
            const all = [];
            let afterId: number | undefined;
            for (;;) {
              const chunk = await listOffers(db, { shop, category, afterId, limit: CHUNK });
              all.push(
                ...chunk.map((offer) =>
                  offerJson({
                    id: offer.id,
                    model: offer.model,
                    name: offer.name,
                    categoryName: offer.category.name,
                    shopId: offer.shop.id,
                    stock: offer.quantity,
                    price: offer.price,
                    priceRrc: offer.price_rrc,
                    parameters: offer.characteristics,
                  }),
                ),
              );
              if (chunk.length < CHUNK) break;
              afterId = chunk[chunk.length - 1].id;
            }
            return serialize(reply, all, OfferList);
          },
          listScopes({ shop, category }),
        );
        return sendBody(reply, body as Buffer);
      },
    );
  };
}
