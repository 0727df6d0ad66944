// The demo's sales history: orders over the past months on the demo catalog, parts in several states
// with some canceled, written once; the statistics of the seeded history equal the order lines.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStaff } from '../../../test/factories/orders.ts';
import { buildTestApp, type TestApp } from '../../../test/helpers/app.ts';
import { rowsOf } from '../../db/statement-queue.ts';
import { loadDemoData } from './demo.service.ts';

let t: TestApp;

beforeAll(async () => {
  t = await buildTestApp({ workers: false });
});
afterAll(() => t?.close());

const day = (date: Date) => date.toISOString().slice(0, 10);

describe('demo sales history', () => {
  it('is counted by the statistics as its order lines add up, and is written once', async () => {
    const result = await loadDemoData(t.runtime, { shops: 2, goodsPerShop: 30, historyMonths: 1 });
    const history = result.history!;
    expect(history.orders).toBeGreaterThan(40);
    const [facts] = rowsOf<{ orders: number; states: number; canceled: number; before: number }>(
      await t.runtime.db.execute(sql`
        select count(distinct o.id)::int as orders, count(distinct p.state)::int as states,
               count(*) filter (where p.state = 'canceled')::int as canceled,
               count(*) filter (where o.created_at < ${history.from.toISOString()}::timestamptz
                                  or o.created_at >= ${history.to.toISOString()}::timestamptz)::int as before
        from orders o join order_parts p on p.order_id = o.id`),
    );
    expect(facts).toMatchObject({ orders: history.orders, before: 0 });
    expect(facts.states).toBeGreaterThanOrEqual(3);
    expect(facts.canceled).toBeGreaterThan(0);

    const [lines] = rowsOf<{
      units: string;
      gross: string;
      revenue: string;
      orders: string;
      cancelled: string;
    }>(
      await t.runtime.db.execute(sql`
        select coalesce(sum(l.quantity) filter (where p.state <> 'canceled'), 0)::text as units,
               coalesce(sum(l.amount) filter (where p.state <> 'canceled'), 0)::text as gross,
               (select coalesce(sum(total), 0) from order_parts where state <> 'canceled')::text as revenue,
               count(distinct l.order_id) filter (where p.state <> 'canceled')::text as orders,
               count(distinct l.order_id) filter (where p.state = 'canceled')::text as cancelled
        from order_lines l join order_parts p on p.id = l.part_id`),
    );
    const staff = await createStaff(t);
    const yesterday = day(new Date(history.to.getTime() - 86_400_000));
    const res = await t.app.inject({
      method: 'GET',
      url: `/api/v2/admin/stats/sales?from=${day(history.from)}&to=${yesterday}&interval=month`,
      headers: staff.headers,
    });
    expect(res.statusCode, res.body).toBe(200);
    const totals = res.json().totals;
    expect(totals.units).toBe(Number(lines.units));
    expect(Number(totals.revenue_before_discounts)).toBe(Number(lines.gross));
    expect(Number(totals.revenue)).toBe(Number(lines.revenue));
    expect(totals.orders).toBe(Number(lines.orders));
    expect(totals.cancelled_orders).toBe(Number(lines.cancelled));

    // Again: the catalog is kept, no second history.
    const again = await loadDemoData(t.runtime, { shops: 2, goodsPerShop: 30, historyMonths: 1 });
    expect(again.history).toBeUndefined();
  });
});
