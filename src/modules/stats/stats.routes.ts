// Sales statistics: /api/v2/admin/stats/sales (staff, everything), /api/v2/supplier/stats/sales (a
// supplier's own parts only), /api/v2/stats/purchases (a buyer's own spend). Same query, same answer
// shape; `format=csv|xlsx` streams the same figures as a spreadsheet.

import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { currentUser } from '../../http/auth.ts';
import { problemResponses } from '../../http/common-schemas.ts';
import { requestLanguage } from '../../http/error-handler.ts';
import { validationError } from '../../http/errors.ts';
import type { Runtime } from '../../runtime.ts';
import { shopOfOwner } from '../catalog/shops.service.ts';
import { exportFileName, salesCsv, salesXlsx } from './export.ts';
import { installFoldSchedule } from './fold.service.ts';
import type { Interval } from './periods.ts';
import { type SalesReport, salesReport } from './sales.service.ts';
import {
  AdminSalesQuery,
  PurchasesQuery,
  presentReport,
  SalesReportSchema,
  SupplierSalesQuery,
} from './stats.schemas.ts';

const DEFAULT_TIME_ZONE = 'Europe/Moscow';

const produces = [
  'application/json',
  'text/csv',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
];
const response = {
  200: Type.Union([
    SalesReportSchema,
    Type.String({ description: 'format=csv or format=xlsx: the spreadsheet file' }),
  ]),
  ...problemResponses(400, 401, 403, 404),
};
const description =
  'Figures per bucket of the period (`buckets`, `series`), per group (`groups`, best-selling first) and for the previous period of equal length (`previous`). Revenue counts the lines of supplier parts not canceled, after line discounts and their share of order discounts; canceled parts count only as cancelled orders and amount.';

interface CommonQuery {
  from: string;
  to: string;
  time_zone?: string;
  interval?: Interval;
  state?: 'new' | 'confirmed' | 'assembled' | 'sent' | 'delivered' | 'canceled';
  limit?: number;
  format?: 'json' | 'csv' | 'xlsx';
}

function isRealDate(value: string): boolean {
  const parsed = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().slice(0, 10) === value;
}

function commonQuery(q: CommonQuery) {
  const errors = (['from', 'to'] as const)
    .filter((field) => !isRealDate(q[field]))
    .map((field) => ({ field: `query.${field}`, message: { ru: 'Неверная дата', en: 'Invalid date' } }));
  if (errors.length) throw validationError(errors);
  return {
    from: q.from,
    to: q.to,
    timeZone: q.time_zone ?? DEFAULT_TIME_ZONE,
    interval: q.interval ?? 'day',
    state: q.state,
    limit: q.limit ?? 20,
  };
}

async function answer(
  request: FastifyRequest,
  reply: FastifyReply,
  report: SalesReport,
  format: CommonQuery['format'],
) {
  if (format === 'csv') {
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="${exportFileName(report, 'csv')}"`)
      .send(salesCsv(report, requestLanguage(request)));
  }
  if (format === 'xlsx') {
    return reply
      .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
      .header('content-disposition', `attachment; filename="${exportFileName(report, 'xlsx')}"`)
      .send(await salesXlsx(report, requestLanguage(request)));
  }
  return presentReport(report);
}

export function statsRoutes(runtime: Runtime): FastifyPluginAsyncTypebox {
  return async (app) => {
    await installFoldSchedule(runtime);

    app.get(
      '/api/v2/admin/stats/sales',
      {
        config: { roles: ['staff'] as const },
        schema: {
          tags: ['admin'],
          operationId: 'adminSalesStats',
          summary: 'Sales by period, supplier, category, product or buyer, with the previous period',
          description: `${description} Filters as the order list: \`state\` (of the supplier part), \`shop_id\`, \`buyer_id\`.`,
          querystring: AdminSalesQuery,
          produces,
          response,
        },
      },
      async (request, reply) => {
        const q = request.query;
        const report = await salesReport(runtime.db, {
          ...commonQuery(q),
          groupBy: q.group_by,
          shopId: q.shop_id,
          buyerId: q.buyer_id,
        });
        return answer(request, reply, report, q.format);
      },
    );

    app.get(
      '/api/v2/supplier/stats/sales',
      {
        config: { roles: ['supplier'] as const },
        schema: {
          tags: ['supplier'],
          operationId: 'supplierSalesStats',
          summary: 'My sales (my parts of orders only) by period, category, product or buyer',
          description,
          querystring: SupplierSalesQuery,
          produces,
          response,
        },
      },
      async (request, reply) => {
        const q = request.query;
        const shop = await shopOfOwner(runtime.db, currentUser(request).id);
        const report = await salesReport(runtime.db, {
          ...commonQuery(q),
          groupBy: q.group_by,
          shopId: shop.id,
        });
        return answer(request, reply, report, q.format);
      },
    );

    app.get(
      '/api/v2/stats/purchases',
      {
        config: { roles: ['buyer'] as const },
        schema: {
          tags: ['orders'],
          operationId: 'buyerPurchaseStats',
          summary: 'My spend by period, supplier, category or product',
          description: `${description} Here "revenue" is what I paid.`,
          querystring: PurchasesQuery,
          produces,
          response,
        },
      },
      async (request, reply) => {
        const q = request.query;
        const report = await salesReport(runtime.db, {
          ...commonQuery(q),
          groupBy: q.group_by,
          shopId: q.shop_id,
          buyerId: currentUser(request).id,
        });
        return answer(request, reply, report, q.format);
      },
    );
  };
}
