// The statistics API on a small history made through the real checkout and lifecycle: every figure
// checked against sums worked out by hand, before and after the deltas are folded into the rollups,
// and who may see what.
import { eq } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOffer } from '../../../test/factories/catalog.ts';
import {
  type Actor,
  type Buyer,
  createBuyer,
  createStaff,
  createSupplier,
  placeOrder,
  type Supplier,
} from '../../../test/factories/orders.ts';
import { buildTestApp, type TestApp } from '../../../test/helpers/app.ts';
import { products } from '../../db/schema/catalog.ts';
import { foldStatsDeltas } from './fold.service.ts';

let t: TestApp;
let alpha: Supplier;
let beta: Supplier;
let staff: Actor;
let olga: Buyer;
let ivan: Buyer;
let milkId: number;
let breadId: number;
const today = () => new Date(Date.now() + 3 * 3_600_000).toISOString().slice(0, 10); // Moscow, UTC+3

async function stats(actor: Actor, url: string, query: Record<string, string | number> = {}) {
  const params = new URLSearchParams({ from: today(), to: today(), ...query } as Record<string, string>);
  const res = await t.app.inject({ method: 'GET', url: `${url}?${params}`, headers: actor.headers });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

beforeAll(async () => {
  t = await buildTestApp({ workers: false });
  alpha = await createSupplier(t, { shop: { name: 'Альфа' } });
  beta = await createSupplier(t, { shop: { name: 'Бета' } });
  staff = await createStaff(t);
  olga = await createBuyer(t, { company: 'Магазин Ольги' });
  ivan = await createBuyer(t, { company: 'Магазин Ивана' });
  const a1 = await createOffer(t.runtime, {
    shopId: alpha.shop.id,
    price: '100.00',
    quantity: 100,
    categoryName: 'Молоко',
  });
  const a2 = await createOffer(t.runtime, {
    shopId: alpha.shop.id,
    price: '50.00',
    quantity: 100,
    categoryName: 'Хлеб',
  });
  const b1 = await createOffer(t.runtime, {
    shopId: beta.shop.id,
    price: '7.50',
    quantity: 100,
    categoryName: 'Молоко',
  });
  milkId = await categoryOf(a1.productId);
  breadId = await categoryOf(a2.productId);

  // Order 1 (Olga): alpha 2×100 + 1×50, beta 4×7.50; alpha confirms its part.
  const o1 = await placeOrder(t, olga, [
    { offerId: a1.id, quantity: 2 },
    { offerId: a2.id, quantity: 1 },
    { offerId: b1.id, quantity: 4 },
  ]);
  await move(alpha, o1.id, { state: 'confirmed' });
  // Order 2 (Ivan): alpha 1×100, beta 2×7.50; beta cancels its part.
  const o2 = await placeOrder(t, ivan, [
    { offerId: a1.id, quantity: 1 },
    { offerId: b1.id, quantity: 2 },
  ]);
  await move(beta, o2.id, { state: 'canceled', note: 'Нет машины' });
  // Order 3 (Olga): beta 1×7.50; Olga cancels the whole order.
  const o3 = await placeOrder(t, olga, [{ offerId: b1.id, quantity: 1 }]);
  const cancel = await t.app.inject({
    method: 'POST',
    url: `/api/v2/orders/${o3.id}/cancel`,
    headers: olga.headers,
  });
  expect(cancel.statusCode, cancel.body).toBe(200);
});
afterAll(() => t?.close());

async function categoryOf(productId: number): Promise<number> {
  const [row] = await t.runtime.db
    .select({ categoryId: products.categoryId })
    .from(products)
    .where(eq(products.id, productId));
  return row.categoryId;
}

async function move(supplier: Supplier, orderId: number, payload: Record<string, string>) {
  const res = await t.app.inject({
    method: 'POST',
    url: `/api/v2/supplier/orders/${orderId}/status`,
    headers: supplier.headers,
    payload,
  });
  expect(res.statusCode, res.body).toBe(200);
}

function figures(partial: Record<string, unknown>) {
  return expect.objectContaining(partial);
}

async function checkEverything() {
  const all = await stats(staff, '/api/v2/admin/stats/sales');
  expect(all.totals).toEqual({
    orders: 2,
    lines: 4,
    units: 8,
    revenue_before_discounts: '380.00',
    discounts: '0.00',
    line_discounts: '0.00',
    order_discounts: '0.00',
    revenue: '380.00',
    average_order: '190.00',
    cancelled_orders: 2,
    cancelled_amount: '22.50',
  });
  expect(all.series).toEqual([all.totals]);
  expect(all.buckets).toEqual([{ start: today(), end: today() }]);

  const byShop = await stats(staff, '/api/v2/admin/stats/sales', { group_by: 'shop' });
  expect(byShop.groups.map((g: { id: number; name: string }) => [g.id, g.name])).toEqual([
    [alpha.shop.id, 'Альфа'],
    [beta.shop.id, 'Бета'],
  ]);
  expect(byShop.groups[0].totals).toEqual(
    figures({ orders: 2, units: 4, revenue: '350.00', cancelled_orders: 0, cancelled_amount: '0.00' }),
  );
  expect(byShop.groups[1].totals).toEqual(
    figures({ orders: 1, units: 4, revenue: '30.00', cancelled_orders: 2, cancelled_amount: '22.50' }),
  );

  const byCategory = await stats(staff, '/api/v2/admin/stats/sales', { group_by: 'category' });
  expect(byCategory.groups.map((g: { id: number }) => g.id)).toEqual([milkId, breadId]);
  expect(byCategory.groups[0].totals).toEqual(
    figures({
      orders: 2,
      lines: 3,
      units: 7,
      revenue: '330.00',
      cancelled_orders: 2,
      cancelled_amount: '22.50',
    }),
  );
  expect(byCategory.groups[1].totals).toEqual(
    figures({ orders: 1, units: 1, revenue: '50.00', cancelled_orders: 0 }),
  );

  const byBuyer = await stats(staff, '/api/v2/admin/stats/sales', { group_by: 'buyer' });
  expect(
    byBuyer.groups.map((g: { id: number; totals: { revenue: string } }) => [g.id, g.totals.revenue]),
  ).toEqual([
    [olga.user.id, '280.00'],
    [ivan.user.id, '100.00'],
  ]);
  expect(byBuyer.groups[0].totals).toEqual(
    figures({ orders: 1, cancelled_orders: 1, cancelled_amount: '7.50' }),
  );

  const confirmed = await stats(staff, '/api/v2/admin/stats/sales', { state: 'confirmed' });
  expect(confirmed.totals).toEqual(
    figures({ orders: 1, revenue: '250.00', cancelled_orders: 0, cancelled_amount: '0.00' }),
  );
  const canceled = await stats(staff, '/api/v2/admin/stats/sales', { state: 'canceled' });
  expect(canceled.totals).toEqual(
    figures({ orders: 0, revenue: '0.00', cancelled_orders: 2, cancelled_amount: '22.50' }),
  );
  const betaOnly = await stats(staff, '/api/v2/admin/stats/sales', { shop_id: beta.shop.id });
  expect(betaOnly.totals).toEqual(figures({ orders: 1, revenue: '30.00', cancelled_orders: 2 }));
  const ivanOnly = await stats(staff, '/api/v2/admin/stats/sales', {
    buyer_id: ivan.user.id,
    group_by: 'shop',
  });
  expect(ivanOnly.totals).toEqual(
    figures({ orders: 1, revenue: '100.00', cancelled_orders: 1, cancelled_amount: '15.00' }),
  );
  expect(ivanOnly.groups.map((g: { id: number }) => g.id)).toEqual([alpha.shop.id, beta.shop.id]);

  // Suppliers: their own parts only.
  const betaOwn = await stats(beta, '/api/v2/supplier/stats/sales', { group_by: 'category' });
  expect(betaOwn.totals).toEqual(
    figures({ orders: 1, units: 4, revenue: '30.00', cancelled_orders: 2, cancelled_amount: '22.50' }),
  );
  expect(betaOwn.groups).toHaveLength(1);
  expect(betaOwn.groups[0].totals).toEqual(betaOwn.totals);
  const alphaOwn = await stats(alpha, '/api/v2/supplier/stats/sales', { group_by: 'buyer' });
  expect(alphaOwn.totals).toEqual(figures({ orders: 2, revenue: '350.00', cancelled_orders: 0 }));
  expect(alphaOwn.groups.map((g: { totals: { revenue: string } }) => g.totals.revenue)).toEqual([
    '250.00',
    '100.00',
  ]);

  // Buyers: their own spend only.
  const olgaOwn = await stats(olga, '/api/v2/stats/purchases', { group_by: 'category' });
  expect(olgaOwn.totals).toEqual(
    figures({ orders: 1, units: 7, revenue: '280.00', cancelled_orders: 1, cancelled_amount: '7.50' }),
  );
  expect(
    olgaOwn.groups.map((g: { id: number; totals: { revenue: string } }) => [g.id, g.totals.revenue]),
  ).toEqual([
    [milkId, '230.00'],
    [breadId, '50.00'],
  ]);
  const ivanOwn = await stats(ivan, '/api/v2/stats/purchases');
  expect(ivanOwn.totals).toEqual(figures({ orders: 1, revenue: '100.00', cancelled_amount: '15.00' }));
}

describe('sales statistics', () => {
  it('adds up the order lines, from the deltas alone and after they are folded', async () => {
    await checkEverything();
    expect(await foldStatsDeltas(t.runtime)).toBeGreaterThan(0);
    await checkEverything();
    expect(await foldStatsDeltas(t.runtime)).toBe(0);
  });

  it('answers the previous period of equal length, and a week or month in buckets', async () => {
    const res = await stats(staff, '/api/v2/admin/stats/sales', { interval: 'week', group_by: 'shop' });
    const day = today();
    expect(res.previous.to < day).toBe(true);
    expect(res.previous.totals).toEqual(figures({ orders: 0, revenue: '0.00' }));
    expect(res.groups[0].previous).toEqual(figures({ orders: 0, revenue: '0.00' }));
    const wide = await stats(staff, '/api/v2/admin/stats/sales', {
      from: `${day.slice(0, 4)}-01-01`,
      to: `${day.slice(0, 4)}-12-31`,
      interval: 'month',
    });
    expect(wide.buckets).toHaveLength(12);
    expect(wide.totals.revenue).toBe('380.00');
    expect(wide.series[Number(day.slice(5, 7)) - 1].revenue).toBe('380.00');
    expect(wide.previous.from).toBe(`${Number(day.slice(0, 4)) - 1}-01-01`);
  });

  it('counts an order on its local date in the asked time zone', async () => {
    const now = new Date();
    const inTokyo = new Date(now.getTime() + 9 * 3_600_000).toISOString().slice(0, 10);
    const inHonolulu = new Date(now.getTime() - 10 * 3_600_000).toISOString().slice(0, 10);
    const tokyo = await stats(staff, '/api/v2/admin/stats/sales', {
      from: inTokyo,
      to: inTokyo,
      time_zone: 'Asia/Tokyo',
    });
    expect(tokyo.totals.revenue).toBe('380.00');
    const honolulu = await stats(staff, '/api/v2/admin/stats/sales', {
      from: inHonolulu,
      to: inHonolulu,
      time_zone: 'Pacific/Honolulu',
    });
    expect(honolulu.totals.revenue).toBe('380.00');
    const off = await t.app.inject({
      method: 'GET',
      url: `/api/v2/admin/stats/sales?from=${today()}&to=${today()}&time_zone=Asia/Kolkata`,
      headers: staff.headers,
    });
    expect(off.statusCode).toBe(400);
    expect(off.json().errors[0].field).toBe('query.time_zone');
  });

  it('exports the same figures as CSV for Russian Excel and as a typed XLSX workbook', async () => {
    const q = `from=${today()}&to=${today()}&group_by=shop`;
    const csv = await t.app.inject({
      method: 'GET',
      url: `/api/v2/admin/stats/sales?${q}&format=csv`,
      headers: staff.headers,
    });
    expect(csv.statusCode, csv.body).toBe(200);
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(csv.headers['content-disposition']).toBe(
      `attachment; filename="sales-${today()}-${today()}-day-by-shop.csv"`,
    );
    expect(csv.rawPayload.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    const lines = csv.rawPayload.subarray(3).toString('utf8').split('\r\n');
    expect(lines[0]).toBe(
      'Период;Начало;Конец;Код;Поставщик;Заказы;Строки;Штук;Выручка до скидок;Скидки;Выручка;Средний заказ;Отменённые заказы;Сумма отмен',
    );
    expect(lines[1]).toBe(
      `Текущий;${today()};${today()};${alpha.shop.id};Альфа;2;3;4;350,00;0,00;350,00;175,00;0;0,00`,
    );
    expect(lines).toContain(`Итого;${today()};${today()};;;2;4;8;380,00;0,00;380,00;190,00;2;22,50`);

    const xlsx = await t.app.inject({
      method: 'GET',
      url: `/api/v2/admin/stats/sales?${q}&format=xlsx`,
      headers: staff.headers,
    });
    expect(xlsx.statusCode).toBe(200);
    expect(xlsx.headers['content-type']).toBe(
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    );
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(xlsx.rawPayload as never);
    const sheet = workbook.worksheets[0];
    expect(sheet.name).toBe('Продажи');
    const row = sheet.getRow(2);
    expect(row.getCell(2).value).toEqual(new Date(`${today()}T00:00:00Z`));
    expect(row.getCell(2).numFmt).toBe('dd.mm.yyyy');
    expect(row.getCell(5).value).toBe('Альфа');
    expect(row.getCell(6).value).toBe(2);
    expect(row.getCell(9).value).toBe(350);
    expect(row.getCell(9).numFmt).toBe('#,##0.00');
  });

  it('refuses what is not its business', async () => {
    const q = `from=${today()}&to=${today()}`;
    for (const [actor, url] of [
      [olga, `/api/v2/admin/stats/sales?${q}`],
      [alpha, `/api/v2/admin/stats/sales?${q}`],
      [olga, `/api/v2/supplier/stats/sales?${q}`],
      [staff, `/api/v2/stats/purchases?${q}`],
    ] as const) {
      const res = await t.app.inject({ method: 'GET', url, headers: actor.headers });
      expect(res.statusCode, url).toBe(403);
    }
    // A supplier cannot ask for another shop's figures; a buyer cannot ask for another buyer's.
    const other = await t.app.inject({
      method: 'GET',
      url: `/api/v2/supplier/stats/sales?${q}&shop_id=${beta.shop.id}`,
      headers: alpha.headers,
    });
    expect(other.statusCode).toBe(400);
    const otherBuyer = await t.app.inject({
      method: 'GET',
      url: `/api/v2/stats/purchases?${q}&buyer_id=${ivan.user.id}`,
      headers: olga.headers,
    });
    expect(otherBuyer.statusCode).toBe(400);
    const bad = await t.app.inject({
      method: 'GET',
      url: `/api/v2/admin/stats/sales?from=2026-02-30&to=2026-03-01`,
      headers: staff.headers,
    });
    expect(bad.statusCode).toBe(400);
    const reversed = await t.app.inject({
      method: 'GET',
      url: `/api/v2/admin/stats/sales?from=2026-03-02&to=2026-03-01`,
      headers: staff.headers,
    });
    expect(reversed.statusCode).toBe(400);
  });
});
