// Staff's home figures: each equals the size of the filtered list it links to; today is a Moscow day.
import { eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOffer, createShop } from '../../../test/factories/catalog.ts';
import {
  type Actor,
  createBuyer,
  createStaff,
  createSupplier,
  placeOrder,
} from '../../../test/factories/orders.ts';
import { buildTestApp, type TestApp } from '../../../test/helpers/app.ts';
import { imports, orders } from '../../db/schema/index.ts';
import { startOfDay } from './dashboard.service.ts';

let t: TestApp;
let staff: Actor;

beforeAll(async () => {
  t = await buildTestApp({ workers: false });
  staff = await createStaff(t);
});
afterAll(() => t?.close());

const get = (url: string, headers = staff.headers) => t.app.inject({ method: 'GET', url, headers });

async function listSize(url: string): Promise<{ count: number; totals: string[] }> {
  const res = await get(url.includes('?') ? `${url}&limit=200` : `${url}?limit=200`);
  expect(res.statusCode, res.body).toBe(200);
  const body = res.json();
  expect(body.next_cursor).toBeNull();
  return {
    count: body.items.length,
    totals: body.items.map((o: { total?: string; state?: string }) => o.total),
  };
}

describe('startOfDay', () => {
  it('is Moscow midnight, also when the UTC date differs', () => {
    expect(startOfDay(new Date('2026-12-03T21:30:00Z'), 'Europe/Moscow').toISOString()).toBe(
      '2026-12-03T21:00:00.000Z',
    );
    expect(startOfDay(new Date('2026-12-03T20:59:59Z'), 'Europe/Moscow').toISOString()).toBe(
      '2026-12-02T21:00:00.000Z',
    );
    expect(startOfDay(new Date('2026-07-01T12:00:00Z'), 'UTC').toISOString()).toBe(
      '2026-07-01T00:00:00.000Z',
    );
  });
});

describe('GET /api/v2/admin/dashboard', () => {
  it('answers figures equal to the lists they link to', async () => {
    const supplier = await createSupplier(t);
    const buyer = await createBuyer(t);
    const placed = [];
    for (const price of ['100.50', '200.25', '300.00']) {
      const offer = await createOffer(t.runtime, { shopId: supplier.shop.id, price, quantity: 5 });
      placed.push(await placeOrder(t, buyer, [{ offerId: offer.id }]));
    }
    const move = (id: number, state: string) =>
      t.app.inject({
        method: 'POST',
        url: `/api/v2/admin/orders/${id}/status`,
        headers: staff.headers,
        payload: { state, note: 'проверка' },
      });
    expect((await move(placed[1].id, 'confirmed')).statusCode).toBe(200);
    expect((await move(placed[2].id, 'canceled')).statusCode).toBe(200);
    // Today's three orders placed within today (Moscow), and one a moment before today began.
    const todayStart = startOfDay(t.runtime.clock.now(), 'Europe/Moscow');
    const older = await createOffer(t.runtime, { shopId: supplier.shop.id, price: '999.00', quantity: 5 });
    const yesterdays = await placeOrder(t, buyer, [{ offerId: older.id }]);
    await t.runtime.db
      .update(orders)
      .set({ createdAt: new Date(todayStart.getTime() - 1) })
      .where(eq(orders.id, yesterdays.id));
    await t.runtime.db
      .update(orders)
      .set({ createdAt: todayStart })
      .where(
        inArray(
          orders.id,
          placed.map((o) => o.id),
        ),
      );
    await createShop(t.runtime, { acceptingOrders: false });
    await createShop(t.runtime, { acceptingOrders: false });
    await t.runtime.db.insert(imports).values([
      { shopId: supplier.shop.id, source: 'url', status: 'failed' },
      {
        shopId: supplier.shop.id,
        source: 'url',
        status: 'failed',
        createdAt: new Date(Date.now() - 2 * 86_400_000),
      },
      { shopId: supplier.shop.id, source: 'url', status: 'succeeded' },
    ]);

    const res = await get('/api/v2/admin/dashboard');
    expect(res.statusCode, res.body).toBe(200);
    const figures = res.json();
    const today = await listSize(
      `/api/v2/admin/orders?created_from=${encodeURIComponent(figures.today_starts_at)}`,
    );
    const failed = await listSize(
      `/api/v2/admin/imports?status=failed&since=${encodeURIComponent(figures.failed_imports_since)}`,
    );
    expect(figures).toMatchObject({
      orders_awaiting_confirmation: (await listSize('/api/v2/admin/orders?state=new')).count,
      orders_today: today.count,
      failed_imports_24h: failed.count,
      shops_not_accepting_orders: (await listSize('/api/v2/admin/shops?accepting_orders=false')).count,
    });
    // The lists themselves, so the equalities above are not of two empty things.
    expect(figures.orders_awaiting_confirmation).toBe(2);
    expect(figures.failed_imports_24h).toBe(1);
    expect(figures.shops_not_accepting_orders).toBe(2);
    expect(figures.orders_today).toBe(3);
    expect(figures.today_starts_at).toBe(todayStart.toISOString());
    expect(figures.revenue_today).toBe('300.75');
  });

  it('is for staff only', async () => {
    const buyer = await createBuyer(t);
    const supplier = await createSupplier(t);
    expect((await get('/api/v2/admin/dashboard', buyer.headers)).statusCode).toBe(403);
    expect((await get('/api/v2/admin/dashboard', supplier.headers)).statusCode).toBe(403);
  });
});
