// /api/v2/admin/dashboard: staff's home page figures.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { Money, problemResponses, Timestamp } from '../../http/common-schemas.ts';
import type { Runtime } from '../../runtime.ts';
import { dashboard } from './dashboard.service.ts';

const DashboardSchema = Type.Object(
  {
    orders_awaiting_confirmation: Type.Integer({ description: 'GET /api/v2/admin/orders?state=new' }),
    orders_today: Type.Integer({
      description: 'GET /api/v2/admin/orders?created_from=<today_starts_at> (canceled ones included)',
    }),
    revenue_today: Type.Unsafe<string>({
      ...Money,
      description: 'The sum of the totals of today’s orders, canceled ones aside (RUB)',
    }),
    failed_imports_24h: Type.Integer({
      description: 'GET /api/v2/admin/imports?status=failed&since=<failed_imports_since>',
    }),
    shops_not_accepting_orders: Type.Integer({
      description: 'GET /api/v2/admin/shops?accepting_orders=false',
    }),
    today_starts_at: Type.Unsafe<string>({
      ...Timestamp,
      description: 'Midnight of today in Europe/Moscow, the `created_from` of today’s orders',
    }),
    failed_imports_since: Type.Unsafe<string>({
      ...Timestamp,
      description: '24 hours ago, the `since` of failed imports',
    }),
  },
  { additionalProperties: false },
);

export function dashboardRoutes(runtime: Runtime): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/api/v2/admin/dashboard',
      {
        config: { roles: ['staff'] },
        schema: {
          tags: ['admin'],
          operationId: 'adminGetDashboard',
          summary:
            'Staff’s home: orders awaiting confirmation, today’s orders and revenue, failed imports, closed shops',
          description:
            'Each figure is the size of a filtered list (named on each field): ' +
            '`orders_awaiting_confirmation` = `GET /api/v2/admin/orders?state=new`; ' +
            '`orders_today` = `GET /api/v2/admin/orders?created_from=<today_starts_at>` (today in Europe/Moscow), ' +
            '`revenue_today` the sum of their totals without canceled orders; ' +
            '`failed_imports_24h` = `GET /api/v2/admin/imports?status=failed&since=<failed_imports_since>`; ' +
            '`shops_not_accepting_orders` = `GET /api/v2/admin/shops?accepting_orders=false`.',
          response: { 200: DashboardSchema, ...problemResponses(401, 403) },
        },
      },
      async () => {
        const figures = await dashboard(runtime);
        return {
          orders_awaiting_confirmation: figures.ordersAwaitingConfirmation,
          orders_today: figures.ordersToday,
          revenue_today: figures.revenueToday,
          failed_imports_24h: figures.failedImports24h,
          shops_not_accepting_orders: figures.shopsNotAcceptingOrders,
          today_starts_at: figures.todayStartsAt.toISOString(),
          failed_imports_since: figures.failedImportsSince.toISOString(),
        };
      },
    );
  };
}
