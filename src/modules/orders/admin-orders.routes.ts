// /api/v2/admin/orders: every order, for staff.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { currentUser } from '../../http/auth.ts';
import { IdParams, problemResponses } from '../../http/common-schemas.ts';
import type { Runtime } from '../../runtime.ts';
import { getAdminOrder, listAdminOrders } from './admin-orders.service.ts';
import { setOrderStateAsStaff } from './lifecycle.service.ts';
import { parseDateBound } from './listing.ts';
import {
  AdminOrderListQuery,
  AdminOrderPage,
  AdminOrderSchema,
  AdminStatusBody,
  presentAdminOrder,
  presentAdminSummary,
} from './orders.schemas.ts';
import { allowedTargets } from './transitions.ts';

const staff = { roles: ['staff'] as const };
const tags = ['admin'];

export function adminOrderRoutes(runtime: Runtime): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/api/v2/admin/orders',
      {
        config: staff,
        schema: {
          tags,
          operationId: 'adminListOrders',
          summary: 'All orders, newest first; filter by state, payment status, shop, buyer and dates',
          querystring: AdminOrderListQuery,
          response: { 200: AdminOrderPage, ...problemResponses(400, 401, 403) },
        },
      },
      async (request) => {
        const q = request.query;
        const page = await listAdminOrders(runtime.db, {
          state: q.state,
          shopId: q.shop_id,
          buyerId: q.buyer_id,
          paymentStatus: q.payment_status,
          createdFrom: parseDateBound(q.created_from, 'query.created_from', false),
          createdBefore: parseDateBound(q.created_to, 'query.created_to', true),
          limit: q.limit ?? 50,
          cursor: q.cursor,
        });
        return { items: page.items.map(presentAdminSummary), next_cursor: page.nextCursor };
      },
    );

    app.get(
      '/api/v2/admin/orders/:id',
      {
        config: staff,
        schema: {
          tags,
          operationId: 'adminGetOrder',
          summary: 'One order with every part, line, the billing details and the full history',
          params: IdParams,
          response: { 200: AdminOrderSchema, ...problemResponses(401, 403, 404) },
        },
      },
      async (request) => presentAdminOrder(await getAdminOrder(runtime.db, request.params.id)),
    );

    app.post(
      '/api/v2/admin/orders/:id/status',
      {
        config: staff,
        schema: {
          tags,
          operationId: 'adminSetOrderStatus',
          summary: 'Set the order’s state (cascades to its parts), or one part’s with `part_id`',
          params: IdParams,
          body: AdminStatusBody,
          response: { 200: AdminOrderSchema, ...problemResponses(400, 401, 403, 404, 409) },
        },
      },
      async (request) => {
        const order = await setOrderStateAsStaff(runtime, currentUser(request).id, request.params.id, {
          state: request.body.state,
          note: request.body.note,
          partId: request.body.part_id,
        });
        return presentAdminOrder({ ...order, allowedStates: allowedTargets('staff', order.state) });
      },
    );
  };
}
