// /api/v2/basket: the buyer's basket across suppliers.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { currentUser } from '../../http/auth.ts';
import { IdParams, problemResponses } from '../../http/common-schemas.ts';
import type { Runtime } from '../../runtime.ts';
import {
  addBasketItem,
  clearBasket,
  getBasket,
  removeBasketItem,
  updateBasketItem,
} from './basket.service.ts';
import { AddItemBody, BasketSchema, presentBasket, QuantityBody } from './orders.schemas.ts';

const buyer = { roles: ['buyer'] as const };
const tags = ['basket'];

export function basketRoutes(runtime: Runtime): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/api/v2/basket',
      {
        config: buyer,
        schema: {
          tags,
          operationId: 'getBasket',
          summary: 'The basket: lines grouped by supplier, sums, and each line’s problems now',
          response: { 200: BasketSchema, ...problemResponses(401, 403) },
        },
      },
      async (request) =>
        presentBasket(await getBasket(runtime.db, currentUser(request).id, runtime.clock.now())),
    );

    app.post(
      '/api/v2/basket/items',
      {
        config: buyer,
        schema: {
          tags,
          operationId: 'addBasketItem',
          summary: 'Put an offer into the basket (an offer already there gets the quantity added)',
          body: AddItemBody,
          response: { 201: BasketSchema, ...problemResponses(400, 401, 403, 404, 409) },
        },
      },
      async (request, reply) => {
        const basket = await addBasketItem(runtime, currentUser(request).id, {
          offerId: request.body.offer_id,
          quantity: request.body.quantity,
        });
        return reply.status(201).send(presentBasket(basket));
      },
    );

    app.patch(
      '/api/v2/basket/items/:id',
      {
        config: buyer,
        schema: {
          tags,
          operationId: 'updateBasketItem',
          summary: 'Set the quantity of a basket line',
          params: IdParams,
          body: QuantityBody,
          response: { 200: BasketSchema, ...problemResponses(400, 401, 403, 404, 409) },
        },
      },
      async (request) =>
        presentBasket(
          await updateBasketItem(runtime, currentUser(request).id, request.params.id, {
            quantity: request.body.quantity,
          }),
        ),
    );

    app.delete(
      '/api/v2/basket/items/:id',
      {
        config: buyer,
        schema: {
          tags,
          operationId: 'deleteBasketItem',
          summary: 'Remove a basket line',
          params: IdParams,
          response: { 204: Type.Null(), ...problemResponses(401, 403, 404) },
        },
      },
      async (request, reply) => {
        await removeBasketItem(runtime, currentUser(request).id, request.params.id);
        return reply.status(204).send(null);
      },
    );

    app.delete(
      '/api/v2/basket',
      {
        config: buyer,
        schema: {
          tags,
          operationId: 'clearBasket',
          summary: 'Empty the basket',
          response: { 204: Type.Null(), ...problemResponses(401, 403) },
        },
      },
      async (request, reply) => {
        await clearBasket(runtime, currentUser(request).id);
        return reply.status(204).send(null);
      },
    );
  };
}
