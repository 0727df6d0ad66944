// Shapes of the statistics API. Answers are chart-ready: `buckets` is the x axis, every `series` has
// one point per bucket in the same order, `previous.series` is the same for the period before (for
// an overlay), `groups` come best-selling first with their own series and previous-period totals.
import { type Static, Type } from 'typebox';
import { Money } from '../../http/common-schemas.ts';
import { fromMinor } from '../../lib/money.ts';
import { OrderStateSchema } from '../orders/orders.schemas.ts';
import { type Figures, revenueOf } from './figures.ts';
import type { SalesReport } from './sales.service.ts';

const LocalDate = Type.String({
  pattern: '^\\d{4}-\\d{2}-\\d{2}$',
  description: 'A local date in `time_zone` (YYYY-MM-DD); `from` and `to` are both included',
  examples: ['2026-11-01'],
});
const Id = Type.Integer({ minimum: 1, maximum: 2_147_483_647 });

export const IntervalSchema = Type.Union([Type.Literal('day'), Type.Literal('week'), Type.Literal('month')], {
  description: 'Bucket size: local days, ISO weeks (Monday first) or calendar months, clipped to the period',
});
export const FormatSchema = Type.Union([Type.Literal('json'), Type.Literal('csv'), Type.Literal('xlsx')], {
  description:
    '`csv`: UTF-8 with BOM, `;`-separated, decimal comma (as Russian Excel opens it); `xlsx`: a workbook with typed numbers and dates. Both streamed as attachments.',
});

const common = {
  from: LocalDate,
  to: LocalDate,
  time_zone: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 64,
      description:
        'IANA time zone the dates and buckets are in (default `Europe/Moscow`); its offset must be whole hours',
      examples: ['Europe/Moscow'],
    }),
  ),
  interval: Type.Optional(IntervalSchema),
  state: Type.Optional(
    Type.Union(OrderStateSchema.anyOf, {
      description:
        'Only lines of supplier parts in this state (`canceled`: only the cancelled figures). Without it, revenue counts every part not canceled.',
    }),
  ),
  limit: Type.Optional(
    Type.Integer({
      minimum: 1,
      maximum: 1000,
      default: 20,
      description: 'Groups to answer, best-selling first',
    }),
  ),
  format: Type.Optional(FormatSchema),
};

const GroupByAll = Type.Union(
  [Type.Literal('shop'), Type.Literal('category'), Type.Literal('product'), Type.Literal('buyer')],
  { description: 'Split the figures by supplier (shop), category (as at checkout), product or buyer' },
);

export const AdminSalesQuery = Type.Object(
  {
    ...common,
    group_by: Type.Optional(GroupByAll),
    shop_id: Type.Optional(Id),
    buyer_id: Type.Optional(Id),
  },
  { additionalProperties: false },
);

export const SupplierSalesQuery = Type.Object(
  { ...common, group_by: Type.Optional(GroupByAll) },
  { additionalProperties: false },
);

export const PurchasesQuery = Type.Object(
  {
    ...common,
    group_by: Type.Optional(
      Type.Union([Type.Literal('shop'), Type.Literal('category'), Type.Literal('product')], {
        description: 'Split the spend by supplier (shop), category (as at checkout) or product',
      }),
    ),
    shop_id: Type.Optional(Id),
  },
  { additionalProperties: false },
);

export const FiguresSchema = Type.Object(
  {
    orders: Type.Integer({ description: 'Orders with a line counted here (with a shop: that shop’s parts)' }),
    lines: Type.Integer({ description: 'Order lines counted' }),
    units: Type.Integer({ description: 'Units sold' }),
    revenue_before_discounts: Money,
    discounts: Type.String({
      ...Money,
      description: 'Line discounts + the lines’ shares of order discounts',
    }),
    line_discounts: Money,
    order_discounts: Money,
    revenue: Type.String({ ...Money, description: 'After every discount: what the buyers pay' }),
    average_order: Type.Union([Money, Type.Null()], { description: 'revenue / orders; null without orders' }),
    cancelled_orders: Type.Integer({ description: 'Orders with a canceled part counted here' }),
    cancelled_amount: Type.String({ ...Money, description: 'What the canceled lines would have cost' }),
  },
  { additionalProperties: false },
);

const BucketSchema = Type.Object({
  start: Type.String({ format: 'date' }),
  end: Type.String({ format: 'date', description: 'Last day of the bucket, included' }),
});

export const SalesReportSchema = Type.Object(
  {
    from: Type.String({ format: 'date' }),
    to: Type.String({ format: 'date' }),
    time_zone: Type.String(),
    interval: IntervalSchema,
    group_by: Type.Union([GroupByAll, Type.Null()]),
    currency: Type.String({ description: 'Currency of every amount' }),
    buckets: Type.Array(BucketSchema),
    totals: FiguresSchema,
    series: Type.Array(FiguresSchema, { description: 'One per bucket' }),
    groups: Type.Array(
      Type.Object({
        id: Type.Integer({ description: 'Shop, category, product or buyer id (0: no category)' }),
        name: Type.Union([Type.String(), Type.Null()]),
        totals: FiguresSchema,
        series: Type.Array(FiguresSchema, { description: 'One per bucket' }),
        previous: FiguresSchema,
      }),
    ),
    group_count: Type.Union([Type.Integer(), Type.Null()], {
      description:
        'Groups with any figure in the period (`groups` holds the first `limit`); null with `group_by=product`, which reads the best-sellers only',
    }),
    previous: Type.Object({
      from: Type.String({ format: 'date' }),
      to: Type.String({ format: 'date' }),
      totals: FiguresSchema,
      buckets: Type.Array(BucketSchema),
      series: Type.Array(FiguresSchema),
    }),
  },
  { additionalProperties: false },
);

export type FiguresOut = Static<typeof FiguresSchema>;

export function presentFigures(f: Figures): FiguresOut {
  const revenue = revenueOf(f);
  return {
    orders: f.orders,
    lines: f.lines,
    units: f.units,
    revenue_before_discounts: fromMinor(f.gross),
    discounts: fromMinor(f.lineDiscount + f.orderDiscount),
    line_discounts: fromMinor(f.lineDiscount),
    order_discounts: fromMinor(f.orderDiscount),
    revenue: fromMinor(revenue),
    // Half up, in kopecks.
    average_order:
      f.orders > 0 ? fromMinor((revenue * 2n + BigInt(f.orders)) / (2n * BigInt(f.orders))) : null,
    cancelled_orders: f.cancelledOrders,
    cancelled_amount: fromMinor(f.cancelledAmount),
  };
}

export function presentReport(report: SalesReport): Static<typeof SalesReportSchema> {
  const q = report.query;
  return {
    from: q.from,
    to: q.to,
    time_zone: q.timeZone,
    interval: q.interval,
    group_by: q.groupBy ?? null,
    currency: 'RUB',
    buckets: report.buckets,
    totals: presentFigures(report.totals),
    series: report.series.map(presentFigures),
    groups: report.groups.map((group) => ({
      id: group.id,
      name: group.name,
      totals: presentFigures(group.totals),
      series: group.series.map(presentFigures),
      previous: presentFigures(group.previous),
    })),
    group_count: report.groupCount,
    previous: {
      from: report.previous.from,
      to: report.previous.to,
      totals: presentFigures(report.previous.totals),
      buckets: report.previous.series.map(({ start, end }) => ({ start, end })),
      series: report.previous.series.map((point) => presentFigures(point.figures)),
    },
  };
}
