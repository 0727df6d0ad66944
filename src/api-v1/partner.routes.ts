// API v1 for suppliers (user type `shop`): price-list import by URL, order acceptance, and the
// orders holding the shop's goods — on the catalog and orders services v2 uses.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { importNowOrQueue } from '../modules/catalog/import-request.service.ts';
import { shopOfOwner, updateShop } from '../modules/catalog/shops.service.ts';
import { listSupplierOrders, supplierView } from '../modules/orders/supplier-orders.service.ts';
import { loadOrders } from '../modules/orders/views.ts';
import type { Runtime } from '../runtime.ts';
import { allIds, offersOfOrders } from './reads.ts';
import {
  OrderSchema,
  okOr,
  PartnerStateBody,
  PartnerUpdateBody,
  protectedResponses,
  ShopSchema,
  V1_CONSUMES,
  V1OkSchema,
} from './schemas.ts';
import { supplierOrderJson } from './shapes.ts';
import { bodyOf, caller, failure, MISSING_ARGUMENTS, say, text, truthValue, v1Access } from './transport.ts';

const tags = ['v1'];
const security = [{ token: [] }];
const shopOnly = v1Access('shop');
const CHUNK = 200;

/**
 * A price list up to this size is imported before partner/update answers, so a client listing
 * products right after sees the goods (the sample is a few kilobytes); a larger one is imported by
 * the job system and the answer names the import.
 */
export const V1_INLINE_IMPORT_BYTES = 1024 * 1024;

const ImportedSchema = Type.Object({
  Status: Type.Literal(true),
  Task: Type.Optional(
    Type.Integer({ description: 'The import’s id when it runs in the background (see /api/v2 imports)' }),
  ),
});
const UrlRefusedSchema = Type.Object({ Status: Type.Literal(false), Error: Type.String() });

export function partnerV1Routes(runtime: Runtime): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.post(
      '/partner/update',
      {
        onRequest: shopOnly,
        attachValidation: true,
        schema: {
          tags,
          security,
          operationId: 'v1PartnerUpdate',
          summary: 'Import my price list from a URL (seed YAML format)',
          description:
            `A file up to ${V1_INLINE_IMPORT_BYTES / 1024} KiB is imported before the answer; a larger one ` +
            'is imported in the background and the answer carries its id as `Task`. Goods missing from the ' +
            'file are taken off sale, never deleted; rows with errors are skipped and reported through v2.',
          consumes: V1_CONSUMES,
          body: PartnerUpdateBody,
          response: {
            200: Type.Union([ImportedSchema, UrlRefusedSchema, okOr(V1OkSchema)]),
            ...protectedResponses,
          },
        },
      },
      async (request) => {
        const url = text(bodyOf(request), 'url')?.trim();
        if (!url) return failure(MISSING_ARGUMENTS);
        const user = caller(request);
        const shop = await shopOfOwner(runtime.db, user.id);
        const result = await importNowOrQueue(runtime, {
          shopId: shop.id,
          requestedBy: user.id,
          url,
          inlineMaxBytes: V1_INLINE_IMPORT_BYTES,
        });
        if (result.outcome === 'invalid_url')
          return { Status: false as const, Error: say(request, result.text) };
        if (result.outcome === 'refused') return failure(say(request, result.text));
        if (result.outcome === 'queued') return { Status: true as const, Task: result.importId };
        const done = result.import;
        if (done.status !== 'succeeded') {
          return failure(
            done.errorMessage
              ? say(request, done.errorMessage)
              : say(request, { ru: 'Прайс-лист не загружен', en: 'The price list was not imported' }),
          );
        }
        return { Status: true as const };
      },
    );

    app.get(
      '/partner/state',
      {
        onRequest: shopOnly,
        schema: {
          tags,
          security,
          operationId: 'v1GetPartnerState',
          summary: 'My shop and whether it accepts orders',
          response: { 200: ShopSchema, ...protectedResponses },
        },
      },
      async (request) => {
        const shop = await shopOfOwner(runtime.db, caller(request).id);
        return { id: shop.id, name: shop.name, state: shop.acceptingOrders };
      },
    );

    app.post(
      '/partner/state',
      {
        onRequest: shopOnly,
        attachValidation: true,
        schema: {
          tags,
          security,
          operationId: 'v1SetPartnerState',
          summary: 'Switch order acceptance on or off',
          description:
            'Off hides the shop and its goods from the catalog at once and stops new orders of them.',
          consumes: V1_CONSUMES,
          body: PartnerStateBody,
          response: { 200: okOr(V1OkSchema), ...protectedResponses },
        },
      },
      async (request) => {
        const raw = text(bodyOf(request), 'state');
        if (raw === undefined || raw === '') return failure(MISSING_ARGUMENTS);
        const state = truthValue(raw);
        if (state === undefined) {
          return failure(
            say(request, {
              ru: `Неверное значение state: «${raw}»; допустимо true/false, on/off, yes/no, 1/0, t/f, y/n`,
              en: `Invalid state "${raw}": use true/false, on/off, yes/no, 1/0, t/f, y/n`,
            }),
          );
        }
        const shop = await shopOfOwner(runtime.db, caller(request).id);
        await updateShop(runtime, shop.id, { acceptingOrders: state });
        return { Status: true as const };
      },
    );

    app.get(
      '/partner/orders',
      {
        onRequest: shopOnly,
        schema: {
          tags,
          security,
          operationId: 'v1ListPartnerOrders',
          summary: 'Orders holding my goods, newest first',
          description:
            'Each shows my part only: my lines, their sum as `total_sum`, and my part’s state as `state`.',
          response: { 200: Type.Array(OrderSchema), ...protectedResponses },
        },
      },
      async (request) => {
        const userId = caller(request).id;
        const shop = await shopOfOwner(runtime.db, userId);
        const ids = await allIds((cursor) =>
          listSupplierOrders(runtime.db, userId, { limit: CHUNK, cursor }),
        );
        const orders = await loadOrders(runtime.db, ids);
        const offers = await offersOfOrders(runtime.db, orders);
        return orders.flatMap((order) => {
          const view = supplierView(order, shop.id);
          return view ? [supplierOrderJson(view, offers)] : [];
        });
      },
    );
  };
}
