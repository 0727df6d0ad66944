// /api/v2/orders: checkout and the buyer's orders.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { currentUser } from '../../http/auth.ts';
import { IdParams, problemResponses } from '../../http/common-schemas.ts';
import type { Runtime } from '../../runtime.ts';
import { checkout } from './checkout.service.ts';
import { cancelOrderAsBuyer } from './lifecycle.service.ts';
import { parseDateBound } from './listing.ts';
import {
  BuyerOrderPage,
  BuyerOrderSchema,
  CheckoutBody,
  CheckoutHeaders,
  NoteBody,
  OrderListQuery,
  presentBuyerOrder,
  presentOrderSummary,
  presentReorder,
  ReorderSchema,
} from './orders.schemas.ts';
import { getBuyerOrder, listBuyerOrders, reorder } from './orders.service.ts';
import { canMoveOrder } from './transitions.ts';
import type { OrderDetail } from './views.ts';

const buyer = { roles: ['buyer'] as const };
const tags = ['orders'];

function buyerView(order: OrderDetail) {
  return presentBuyerOrder(
    order,
    canMoveOrder(
      'buyer',
      order.state,
      order.parts.map((part) => ({ state: part.state })),
      'canceled',
    ),
  );
}

export function orderRoutes(runtime: Runtime): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.post(
      '/api/v2/orders',
      {
        config: buyer,
        schema: {
          tags,
          operationId: 'placeOrder',
          summary: 'Check out: the basket becomes an order, one part per supplier',
          description:
            'Takes stock atomically, snapshots prices and names, empties the basket and queues the emails, all in one transaction. ' +
            'With `Idempotency-Key`, a retry returns the same order (header `idempotent-replayed: true`). ' +
            '409 codes: `basket_empty`, `out_of_stock`, `offer_unavailable`, `shop_not_accepting_orders` (with the offending `lines`), ' +
            '`price_changed` (only when `expected_total` is sent), `coupon_expired`, `coupon_used_up`, `coupon_already_used_by_you`, ' +
            "`coupon_min_amount`, `coupon_not_applicable` (nothing in the order is within the coupon's reach), " +
            '`coupon_promotion_applies` (a promotion already discounts its goods; remove the coupon to order with it). ' +
            'The coupon is `coupon_code`, else the one attached to the basket; its use is recorded in the same transaction. ' +
            '404 `contact_not_found`; 422 `idempotency_key_reused`, `coupon_not_found`.',
          headers: CheckoutHeaders,
          body: CheckoutBody,
          response: { 201: BuyerOrderSchema, ...problemResponses(400, 401, 403, 404, 409, 422) },
        },
      },
      async (request, reply) => {
        const result = await checkout(runtime, currentUser(request).id, {
          contactId: request.body.contact_id,
          comment: request.body.comment,
          couponCode: request.body.coupon_code,
          expectedTotal: request.body.expected_total,
          idempotencyKey: request.headers['idempotency-key'],
        });
        if (result.replayed) reply.header('idempotent-replayed', 'true');
        return reply.status(201).send(buyerView(result.order));
      },
    );

    app.get(
      '/api/v2/orders',
      {
        config: buyer,
        schema: {
          tags,
          operationId: 'listOrders',
          summary: 'My orders, newest first',
          querystring: OrderListQuery,
          response: { 200: BuyerOrderPage, ...problemResponses(400, 401, 403) },
        },
      },
      async (request) => {
        const q = request.query;
        const page = await listBuyerOrders(runtime.db, currentUser(request).id, {
          state: q.state,
          createdFrom: parseDateBound(q.created_from, 'query.created_from', false),
          createdBefore: parseDateBound(q.created_to, 'query.created_to', true),
          limit: q.limit ?? 50,
          cursor: q.cursor,
        });
        return { items: page.items.map(presentOrderSummary), next_cursor: page.nextCursor };
      },
    );

    app.get(
      '/api/v2/orders/:id',
      {
        config: buyer,
        schema: {
          tags,
          operationId: 'getOrder',
          summary: 'One of my orders: parts, lines, totals, history, address',
          params: IdParams,
          response: { 200: BuyerOrderSchema, ...problemResponses(401, 403, 404) },
        },
      },
      async (request) =>
        buyerView(await getBuyerOrder(runtime.db, currentUser(request).id, request.params.id)),
    );

    app.post(
      '/api/v2/orders/:id/cancel',
      {
        config: buyer,
        schema: {
          tags,
          operationId: 'cancelOrder',
          summary: 'Cancel my order (while it is new); the stock goes back',
          params: IdParams,
          body: NoteBody,
          response: { 200: BuyerOrderSchema, ...problemResponses(400, 401, 403, 404, 409) },
        },
        // The body (a note) is optional: a bare POST cancels too.
        preValidation: async (request) => {
          request.body ??= {};
        },
      },
      async (request) =>
        buyerView(
          await cancelOrderAsBuyer(runtime, currentUser(request).id, request.params.id, request.body.note),
        ),
    );

    app.post(
      '/api/v2/orders/:id/reorder',
      {
        config: buyer,
        schema: {
          tags,
          operationId: 'reorder',
          summary: 'Put the goods of an order back into the basket, as far as they are still available',
          params: IdParams,
          response: { 200: ReorderSchema, ...problemResponses(401, 403, 404) },
        },
      },
      async (request) => presentReorder(await reorder(runtime, currentUser(request).id, request.params.id)),
    );
  };
}
