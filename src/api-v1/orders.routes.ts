// API v1 basket and orders, on the orders services v2 uses: the same stock checks, prices, totals,
// atomic checkout and emails. The basket is the reference's order in state "basket"; its id is the
// orders module's basket id, and POST order turns it into the order with that same id.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { Localized } from '../http/errors.ts';
import {
  addBasketItems,
  findBasket,
  getBasket,
  offerUnavailable,
  outOfStock,
  removeBasketItems,
  setBasketQuantities,
  shopNotAccepting,
} from '../modules/orders/basket.service.ts';
import { checkout } from '../modules/orders/checkout.service.ts';
import { listBuyerOrders } from '../modules/orders/orders.service.ts';
import { loadOrders } from '../modules/orders/views.ts';
import type { Runtime } from '../runtime.ts';
import { allIds, offersById, offersOfOrders } from './reads.ts';
import {
  BasketAddBody,
  BasketUpdateBody,
  DeletedSchema,
  IdsBody,
  OrderBody,
  OrderSchema,
  okOr,
  protectedResponses,
  V1_CONSUMES,
  V1OkSchema,
} from './schemas.ts';
import { basketJson, orderJson } from './shapes.ts';
import {
  BAD_FORMAT,
  bodyOf,
  caller,
  failure,
  hasAll,
  idList,
  isRefusal,
  jsonItems,
  MISSING_ARGUMENTS,
  say,
  toId,
  type V1Failure,
  v1Access,
  WRONG_ARGUMENTS,
} from './transport.ts';

const tags = ['v1'];
const security = [{ token: [] }];
const buyer = v1Access('buyer');
/** Rows per call while v1 collects a whole (unpaged) list. */
const CHUNK = 200;

const CreatedSchema = Type.Object({ Status: Type.Literal(true), 'Создано объектов': Type.Integer() });
const UpdatedSchema = Type.Object({ Status: Type.Literal(true), 'Обновлено объектов': Type.Integer() });

/** A line checkout refused, as the orders service reports it. */
interface RefusedLine {
  offer_id: number;
  name: string;
  shop_name: string;
  problems: string[];
  requested_quantity: number;
  available_quantity: number;
}

/**
 * A refused checkout in one message naming every offending offer, with the texts the basket uses
 * for the same problems.
 */
function checkoutRefusal(request: FastifyRequest, lines: RefusedLine[]): V1Failure {
  const texts: Localized[] = lines.flatMap((line) =>
    line.problems.flatMap((problem): Localized[] => {
      if (problem === 'offer_unavailable') return [offerUnavailable(line.offer_id, line.name).detail!];
      if (problem === 'shop_not_accepting_orders') {
        return [shopNotAccepting(line.offer_id, line.name, line.shop_name).detail!];
      }
      if (problem === 'out_of_stock') {
        return [
          outOfStock(line.offer_id, line.name, line.requested_quantity, line.available_quantity).detail!,
        ];
      }
      return [];
    }),
  );
  return failure(texts.map((item) => say(request, item)).join('; '));
}

export function ordersV1Routes(runtime: Runtime): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/basket',
      {
        onRequest: buyer,
        schema: {
          tags,
          security,
          operationId: 'v1GetBasket',
          summary: 'My basket: a list holding it, or empty',
          description: 'Prices, totals and stock as they are now; `total_sum` is what checkout would charge.',
          response: { 200: Type.Array(OrderSchema), ...protectedResponses },
        },
      },
      async (request) => {
        const { id } = caller(request);
        const [header, basket] = await Promise.all([
          findBasket(runtime.db, id),
          getBasket(runtime.db, id, runtime.clock.now()),
        ]);
        if (!header || basket.itemsCount === 0) return [];
        const offers = await offersById(
          runtime.db,
          basket.groups.flatMap((group) => group.lines.map((line) => line.offerId)),
        );
        return [basketJson(header, basket, offers)];
      },
    );

    app.post(
      '/basket',
      {
        onRequest: buyer,
        attachValidation: true,
        schema: {
          tags,
          security,
          operationId: 'v1AddToBasket',
          summary: 'Put offers into my basket',
          description:
            'All or nothing: an offer that is not on sale, short of stock or of a shop not accepting orders ' +
            'refuses the whole request. An offer already in the basket gets the quantity added.',
          consumes: V1_CONSUMES,
          body: BasketAddBody,
          response: { 200: okOr(CreatedSchema), ...protectedResponses },
        },
      },
      async (request) => {
        const { items } = bodyOf(request);
        if (!items) return failure(MISSING_ARGUMENTS);
        const parsed = jsonItems(items, ['product_info', 'quantity'] as const);
        if (!parsed) return failure(BAD_FORMAT);
        const created = await addBasketItems(
          runtime,
          caller(request).id,
          parsed.map((item) => ({ offerId: item.product_info, quantity: item.quantity })),
        );
        return { Status: true as const, 'Создано объектов': created };
      },
    );

    app.put(
      '/basket',
      {
        onRequest: buyer,
        attachValidation: true,
        schema: {
          tags,
          security,
          operationId: 'v1UpdateBasket',
          summary: 'Set quantities of my basket’s lines',
          description:
            'All or nothing, checked against stock. Ids that are not lines of my basket are not counted.',
          consumes: V1_CONSUMES,
          body: BasketUpdateBody,
          response: { 200: okOr(UpdatedSchema), ...protectedResponses },
        },
      },
      async (request) => {
        const { items } = bodyOf(request);
        if (!items) return failure(MISSING_ARGUMENTS);
        const parsed = jsonItems(items, ['id', 'quantity'] as const);
        if (!parsed) return failure(BAD_FORMAT);
        const updated = await setBasketQuantities(
          runtime,
          caller(request).id,
          parsed.map((item) => ({ itemId: item.id, quantity: item.quantity })),
        );
        return { Status: true as const, 'Обновлено объектов': updated };
      },
    );

    app.delete(
      '/basket',
      {
        onRequest: buyer,
        attachValidation: true,
        schema: {
          tags,
          security,
          operationId: 'v1DeleteFromBasket',
          summary: 'Remove lines from my basket',
          consumes: V1_CONSUMES,
          body: IdsBody,
          response: { 200: okOr(DeletedSchema), ...protectedResponses },
        },
      },
      async (request) => {
        const ids = idList(bodyOf(request).items);
        if (ids.length === 0) return failure(MISSING_ARGUMENTS);
        const deleted = await removeBasketItems(runtime, caller(request).id, ids);
        return { Status: true as const, 'Удалено объектов': deleted };
      },
    );

    app.get(
      '/order',
      {
        onRequest: buyer,
        schema: {
          tags,
          security,
          operationId: 'v1ListOrders',
          summary: 'My orders, newest first',
          description: 'Lines show the goods as they were sold; `state` is the order’s overall state.',
          response: { 200: Type.Array(OrderSchema), ...protectedResponses },
        },
      },
      async (request) => {
        const userId = caller(request).id;
        const ids = await allIds((cursor) => listBuyerOrders(runtime.db, userId, { limit: CHUNK, cursor }));
        const orders = await loadOrders(runtime.db, ids);
        const offers = await offersOfOrders(runtime.db, orders);
        return orders.map((order) => orderJson(order, offers));
      },
    );

    app.post(
      '/order',
      {
        onRequest: buyer,
        attachValidation: true,
        schema: {
          tags,
          security,
          operationId: 'v1PlaceOrder',
          summary: 'Confirm my basket as an order, delivered to one of my contacts',
          description:
            'Stock is taken atomically; an offer short of stock, no longer on sale or of a shop not accepting ' +
            'orders refuses the order with a message naming it. The buyer gets a confirmation email, staff ' +
            'an invoice, each supplier its part.',
          consumes: V1_CONSUMES,
          body: OrderBody,
          response: { 200: okOr(V1OkSchema), ...protectedResponses },
        },
      },
      async (request) => {
        const body = bodyOf(request);
        if (!hasAll(body, ['id', 'contact'])) return failure(MISSING_ARGUMENTS);
        const basketId = toId(body.id);
        if (basketId === undefined) return failure(MISSING_ARGUMENTS);
        const contactId = toId(body.contact);
        if (contactId === undefined) return failure(WRONG_ARGUMENTS);
        try {
          // The basket becomes the order under the same id; checkout checks, under the basket's
          // lock, that the posted id is still the buyer's basket.
          await checkout(runtime, caller(request).id, { contactId, basketId });
        } catch (error) {
          if (isRefusal(error, 'contact_not_found', 'basket_not_found', 'basket_empty')) {
            return failure(WRONG_ARGUMENTS);
          }
          const lines = isRefusal(error, 'offer_unavailable', 'shop_not_accepting_orders', 'out_of_stock')
            ? (error.extra?.lines as RefusedLine[] | undefined)
            : undefined;
          if (lines?.length) return checkoutRefusal(request, lines);
          // A supplier part below its minimum: the same message as v2's problem detail.
          if (isRefusal(error, 'below_minimum_order') && error.detail)
            return failure(say(request, error.detail));
          throw error;
        }
        return { Status: true as const };
      },
    );
  };
}
