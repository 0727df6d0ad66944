// /api/v2/shopping-lists: a buyer's named lists, and putting one into the basket.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { currentUser } from '../../http/auth.ts';
import { IdParams, problemResponses } from '../../http/common-schemas.ts';
import type { Runtime } from '../../runtime.ts';
import { presentBasket } from '../orders/orders.schemas.ts';
import {
  CreateListBody,
  FillResultSchema,
  ListLineBody,
  ListLineParams,
  presentFill,
  presentList,
  ShoppingListIndex,
  ShoppingListSchema,
  UpdateListBody,
} from './purchasing.schemas.ts';
import {
  createShoppingList,
  deleteShoppingList,
  getShoppingList,
  type ListLineInput,
  type ListSource,
  listShoppingLists,
  putListLine,
  removeListLine,
  shoppingListToBasket,
  updateShoppingList,
} from './shopping-lists.service.ts';

const buyer = { roles: ['buyer'] as const };
const tags = ['shopping-lists'];

function lineInput(line: {
  product_id: number;
  quantity: number;
  preferred_shop_id?: number | null;
}): ListLineInput {
  return {
    productId: line.product_id,
    quantity: line.quantity,
    preferredShopId: line.preferred_shop_id ?? null,
  };
}

export function shoppingListRoutes(runtime: Runtime): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/api/v2/shopping-lists',
      {
        config: buyer,
        schema: {
          tags,
          operationId: 'listShoppingLists',
          summary: 'My shopping lists',
          response: { 200: ShoppingListIndex, ...problemResponses(401, 403) },
        },
      },
      async (request) => {
        const rows = await listShoppingLists(runtime.db, currentUser(request).id);
        return {
          items: rows.map((row) => ({
            id: row.id,
            name: row.name,
            line_count: row.lineCount,
            created_at: row.createdAt.toISOString(),
            updated_at: row.updatedAt.toISOString(),
          })),
        };
      },
    );

    app.post(
      '/api/v2/shopping-lists',
      {
        config: buyer,
        schema: {
          tags,
          operationId: 'createShoppingList',
          summary: 'Make a shopping list: from given lines, from the basket or from one of my orders',
          body: CreateListBody,
          response: { 201: ShoppingListSchema, ...problemResponses(400, 401, 403, 404, 409) },
        },
      },
      async (request, reply) => {
        const body = request.body;
        const source: ListSource = body.from_basket
          ? { kind: 'basket' }
          : body.from_order_id !== undefined
            ? { kind: 'order', orderId: body.from_order_id }
            : { kind: 'lines', lines: (body.lines ?? []).map(lineInput) };
        const list = await createShoppingList(runtime, currentUser(request).id, { name: body.name, source });
        return reply.status(201).send(presentList(list));
      },
    );

    app.get(
      '/api/v2/shopping-lists/:id',
      {
        config: buyer,
        schema: {
          tags,
          operationId: 'getShoppingList',
          summary: 'A shopping list with its lines',
          params: IdParams,
          response: { 200: ShoppingListSchema, ...problemResponses(400, 401, 403, 404) },
        },
      },
      async (request) =>
        presentList(await getShoppingList(runtime.db, currentUser(request).id, request.params.id)),
    );

    app.patch(
      '/api/v2/shopping-lists/:id',
      {
        config: buyer,
        schema: {
          tags,
          operationId: 'updateShoppingList',
          summary: 'Rename a shopping list and/or replace its lines',
          params: IdParams,
          body: UpdateListBody,
          response: { 200: ShoppingListSchema, ...problemResponses(400, 401, 403, 404, 409) },
        },
      },
      async (request) =>
        presentList(
          await updateShoppingList(runtime, currentUser(request).id, request.params.id, {
            name: request.body.name,
            lines: request.body.lines?.map(lineInput),
          }),
        ),
    );

    app.delete(
      '/api/v2/shopping-lists/:id',
      {
        config: buyer,
        schema: {
          tags,
          operationId: 'deleteShoppingList',
          summary: 'Delete a shopping list (refused while a standing order uses it)',
          params: IdParams,
          response: { 204: Type.Null(), ...problemResponses(400, 401, 403, 404, 409) },
        },
      },
      async (request, reply) => {
        await deleteShoppingList(runtime, currentUser(request).id, request.params.id);
        return reply.status(204).send(null);
      },
    );

    app.post(
      '/api/v2/shopping-lists/:id/lines',
      {
        config: buyer,
        schema: {
          tags,
          operationId: 'putShoppingListLine',
          summary: 'Add a product to a list (or set its quantity and preferred shop)',
          params: IdParams,
          body: ListLineBody,
          response: { 200: ShoppingListSchema, ...problemResponses(400, 401, 403, 404, 409) },
        },
      },
      async (request) =>
        presentList(
          await putListLine(runtime, currentUser(request).id, request.params.id, lineInput(request.body)),
        ),
    );

    app.delete(
      '/api/v2/shopping-lists/:id/lines/:lineId',
      {
        config: buyer,
        schema: {
          tags,
          operationId: 'deleteShoppingListLine',
          summary: 'Remove a line from a list',
          params: ListLineParams,
          response: { 204: Type.Null(), ...problemResponses(400, 401, 403, 404) },
        },
      },
      async (request, reply) => {
        await removeListLine(runtime, currentUser(request).id, request.params.id, request.params.lineId);
        return reply.status(204).send(null);
      },
    );

    app.post(
      '/api/v2/shopping-lists/:id/to-basket',
      {
        config: buyer,
        schema: {
          tags,
          operationId: 'shoppingListToBasket',
          summary:
            'Put every line into the basket: the preferred shop’s offer where it can, else the best offer',
          description:
            'Each line takes the preferred shop’s offer when it is on sale with the stock, else the cheapest offer with ' +
            'the stock, else what the best-stocked offer has (`partial_stock`). Lines that could not be added are in ' +
            '`skipped` with the reason; the rest are added.',
          params: IdParams,
          response: { 200: FillResultSchema, ...problemResponses(400, 401, 403, 404) },
        },
      },
      async (request) => {
        const result = await shoppingListToBasket(runtime, currentUser(request).id, request.params.id);
        return { ...presentFill(result), basket: presentBasket(result.basket) };
      },
    );
  };
}
