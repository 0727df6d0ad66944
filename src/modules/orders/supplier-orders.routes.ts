// /api/v2/supplier/orders: the orders that contain the supplier's goods, its part only.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { currentUser } from '../../http/auth.ts';
import { IdParams, problemResponses } from '../../http/common-schemas.ts';
import type { Runtime } from '../../runtime.ts';
import { setPartStateAsSupplier } from './lifecycle.service.ts';
import { parseDateBound } from './listing.ts';
import {
  presentSupplierOrder,
  presentSupplierSummary,
  StatusBody,
  SupplierOrderListQuery,
  SupplierOrderPage,
  SupplierOrderSchema,
} from './orders.schemas.ts';
import { getSupplierOrder, listSupplierOrders, supplierView } from './supplier-orders.service.ts';

const supplier = { roles: ['supplier'] as const };
const tags = ['supplier'];

export function supplierOrderRoutes(runtime: Runtime): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/api/v2/supplier/orders',
      {
        config: supplier,
        schema: {
          tags,
          operationId: 'supplierListOrders',
          summary: 'Orders containing my goods, newest first (my part only)',
          description:
            '`state` filters by the state of my part; `category_id` / `product_id` keep the orders with a line of mine of that category (as sold) / product.',
          querystring: SupplierOrderListQuery,
          response: { 200: SupplierOrderPage, ...problemResponses(400, 401, 403, 404) },
        },
      },
      async (request) => {
        const q = request.query;
        const page = await listSupplierOrders(runtime.db, currentUser(request).id, {
          state: q.state,
          categoryId: q.category_id,
          productId: q.product_id,
          createdFrom: parseDateBound(q.created_from, 'query.created_from', false),
          createdBefore: parseDateBound(q.created_to, 'query.created_to', true),
          limit: q.limit ?? 50,
          cursor: q.cursor,
        });
        return { items: page.items.map(presentSupplierSummary), next_cursor: page.nextCursor };
      },
    );

    app.get(
      '/api/v2/supplier/orders/:id',
      {
        config: supplier,
        schema: {
          tags,
          operationId: 'supplierGetOrder',
          summary: 'One order: my part, its lines and sums, where to deliver',
          params: IdParams,
          response: { 200: SupplierOrderSchema, ...problemResponses(401, 403, 404) },
        },
      },
      async (request) =>
        presentSupplierOrder(await getSupplierOrder(runtime.db, currentUser(request).id, request.params.id)),
    );

    app.post(
      '/api/v2/supplier/orders/:id/status',
      {
        config: supplier,
        schema: {
          tags,
          operationId: 'supplierSetOrderStatus',
          summary:
            'Move my part: new → confirmed → assembled → sent → delivered, or cancel before sent (with a reason)',
          params: IdParams,
          body: StatusBody,
          response: { 200: SupplierOrderSchema, ...problemResponses(400, 401, 403, 404, 409) },
        },
      },
      async (request) => {
        const { order, shopId } = await setPartStateAsSupplier(
          runtime,
          currentUser(request).id,
          request.params.id,
          {
            state: request.body.state,
            note: request.body.note,
          },
        );
        return presentSupplierOrder(supplierView(order, shopId)!);
      },
    );
  };
}
