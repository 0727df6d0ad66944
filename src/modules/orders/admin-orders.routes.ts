// /api/v2/admin/orders: every order, for staff.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { currentUser } from '../../http/auth.ts';
import { IdParams, problemResponses } from '../../http/common-schemas.ts';
import type { Runtime } from '../../runtime.ts';
import {
  AdminOrderListQuery,
  AdminOrderPage,
  AdminOrderSchema,
  AdminStatusBody,
  PartParams,
  presentAdminOrder,
  presentAdminSummary,
} from './admin-orders.schemas.ts';
import { adminView, getAdminOrder, listAdminOrders } from './admin-orders.service.ts';
import { setOrderStateAsStaff } from './lifecycle.service.ts';
import { parseDateBound } from './listing.ts';
import { StatusBody } from './orders.schemas.ts';

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
          summary:
            'All orders; filter by state, payment status, shop, buyer, dates, number, category and product; sort by date or total',
          description:
            'Newest first unless `sort` says otherwise; the cursor belongs to its sort. ' +
            '`state=new` lists the orders awaiting confirmation (the dashboard’s ' +
            '`orders_awaiting_confirmation`); `created_from=<today 00:00 Moscow time as a date-time>` the ' +
            'orders of today (`orders_today`, `revenue_today` is the sum of their totals, canceled ones aside).',
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
          categoryId: q.category_id,
          productId: q.product_id,
          paymentStatus: q.payment_status,
          number: q.number,
          sort: q.sort,
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
          description:
            'Only to one of the order’s (or part’s) `allowed_states`; the buyer is emailed. Audited.',
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
        return presentAdminOrder(adminView(order));
      },
    );

    app.post(
      '/api/v2/admin/orders/:id/parts/:part_id/status',
      {
        config: staff,
        schema: {
          tags,
          operationId: 'adminSetOrderPartStatus',
          summary: 'Set one supplier part’s state',
          description:
            'Only to one of the part’s `allowed_states`; the buyer is emailed as for the order. Audited.',
          params: PartParams,
          body: StatusBody,
          response: { 200: AdminOrderSchema, ...problemResponses(400, 401, 403, 404, 409) },
        },
      },
      async (request) => {
        const order = await setOrderStateAsStaff(runtime, currentUser(request).id, request.params.id, {
          state: request.body.state,
          note: request.body.note,
          partId: request.params.part_id,
        });
        return presentAdminOrder(adminView(order));
      },
    );
  };
}
