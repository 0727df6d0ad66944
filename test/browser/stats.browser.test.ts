// The statistics pages in a real browser, on the demo catalog with two months of sales history
// (DEMO_DATA=true, DEMO_HISTORY_MONTHS=2): staff pick last month by supplier and read the same
// figures as the API answers, the revenue chart drawn with its previous-period overlay; a bar opens
// the order list filtered by its shop and the period; a supplier sees its own shop's figures only.
// Keeps docs/console-stats.png (1366×768). Any browser console error fails a test.
import path from 'node:path';
import { createZakupkaClient, unwrap, type ZakupkaClient } from '@zakupka/client';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { presetPeriod } from '../../console/src/stats/periods.ts';
import { launchBrowser, newPage, type RunningServer, startServer, watchConsole } from './harness.ts';

const PASSWORD = 'Zakupka-Demo-2026';
const STAFF = 'staff@demo.zakupka.local';
const SUPPLIER = 'supplier2@demo.zakupka.local';
const LAPTOP = { width: 1366, height: 768 };
const FIGURE_KEYS = [
  'revenue',
  'orders',
  'average_order',
  'units',
  'revenue_before_discounts',
  'discounts',
  'cancelled_orders',
] as const;
const MONEY = new Set(['revenue', 'average_order', 'revenue_before_discounts', 'discounts']);

let server: RunningServer;
let browser: Browser;

beforeAll(async () => {
  [server, browser] = await Promise.all([
    startServer({ DEMO_DATA: 'true', DEMO_HISTORY_MONTHS: '2', RATE_LIMIT: 'false' }),
    launchBrowser(),
  ]);
}, 300_000);
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

async function apiAs(email: string): Promise<ZakupkaClient> {
  const client = createZakupkaClient({ baseUrl: server.url });
  await client.login({ email, password: PASSWORD });
  return client;
}

/** A statistics answer as JSON (the endpoints also answer CSV and XLSX, hence the loose type). */
async function report(client: ZakupkaClient, path: string, query: Record<string, unknown>): Promise<any> {
  return unwrap(
    await client.api.GET(path as '/api/v2/admin/stats/sales', { params: { query: query as never } }),
  );
}

async function signIn(page: Page, email: string) {
  await page.goto(`${server.url}/`);
  await page.getByLabel('Электронная почта').fill(email);
  await page.getByLabel('Пароль').fill(PASSWORD);
  await page.getByRole('button', { name: 'Войти' }).click();
}

/** A figure as the page shows it in Russian: `12 345,67 ₽` or `1 234` (spaces of any kind). */
function shown(key: string, value: string | number | null): string {
  if (value === null) return '—';
  if (!MONEY.has(key)) return Number(value).toLocaleString('ru-RU').replace(/\s/g, '');
  const [whole, fraction = ''] = String(value).split('.');
  return `${Number(whole).toLocaleString('ru-RU')},${`${fraction}00`.slice(0, 2)}₽`.replace(/\s/g, '');
}

async function choose(page: Page, testId: string, option: string) {
  await page.getByTestId(testId).click();
  await page.getByRole('option', { name: option, exact: true }).click();
}

/** The page's figures equal the API's totals (and the previous period's, for the change). */
async function expectFigures(page: Page, report: any) {
  for (const key of FIGURE_KEYS) {
    const card = page.getByTestId(`stats-figure-${key}`);
    const value = card.getByTestId('stats-figure-value');
    expect(await value.getAttribute('data-value'), key).toBe(String(report.totals[key] ?? ''));
    expect(((await value.textContent()) ?? '').replace(/\s/g, ''), key).toBe(shown(key, report.totals[key]));
    expect(await card.getByTestId('stats-figure-change').getAttribute('data-previous'), key).toBe(
      String(report.previous.totals[key] ?? ''),
    );
  }
}

/** Something is painted on the chart's canvas (not a blank box). */
async function paintedPixels(chart: Locator): Promise<number> {
  return chart
    .locator('canvas')
    .first()
    .evaluate((canvas: HTMLCanvasElement) => {
      const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
      let painted = 0;
      for (let i = 3; i < data.length; i += 4) if (data[i] > 0) painted += 1;
      return painted;
    });
}

/** Clicks the first (best) bar of a top-N chart: its grid is 170 px from the left, 8 from the top, 24 from the bottom. */
async function clickFirstBar(chart: Locator, bars: number) {
  const box = (await chart.boundingBox())!;
  const band = (box.height - 8 - 24) / bars;
  await chart.click({ position: { x: 170 + 6, y: 8 + band * 0.3 } });
}

describe('the statistics pages', () => {
  it('staff read last month by supplier as the API answers it, and a bar opens that shop’s orders', async () => {
    const period = presetPeriod('last_month');
    const staff = await apiAs(STAFF);
    const query = { ...period, interval: 'day' as const, time_zone: 'Europe/Moscow' };
    const bySupplier = await report(staff, '/api/v2/admin/stats/sales', {
      ...query,
      group_by: 'shop',
      limit: 6,
    });
    const topShops = await report(staff, '/api/v2/admin/stats/sales', {
      ...query,
      group_by: 'shop',
      limit: 10,
    });
    expect(bySupplier.totals.orders).toBeGreaterThan(0);
    expect(bySupplier.groups.length).toBeGreaterThan(1);

    const page = await newPage(browser, 'stats-staff', LAPTOP);
    const console = watchConsole(page);
    await signIn(page, STAFF);
    await page.getByRole('menuitem', { name: 'Статистика' }).click();
    await page.getByTestId('stats-loaded').waitFor({ timeout: 60_000 });
    await choose(page, 'stats-preset', 'Прошлый месяц');
    await choose(page, 'stats-breakdown', 'По поставщикам');
    const loaded = page.locator(
      `[data-testid="stats-loaded"][data-from="${period.from}"][data-to="${period.to}"]`,
    );
    await loaded.waitFor({ timeout: 60_000 });
    await expectFigures(page, bySupplier);

    // Revenue over time: one stacked series per supplier, the period's line and the previous one's.
    const chart = page.getByTestId('stats-revenue-chart');
    expect(await chart.getAttribute('data-series-count')).toBe(String(bySupplier.groups.length + 2));
    await expect.poll(() => paintedPixels(chart)).toBeGreaterThan(2_000);
    for (const top of ['shop', 'category', 'product']) {
      const bars = page.getByTestId(`stats-top-${top}`);
      expect(await bars.getAttribute('data-series-count'), top).toBe('2');
      await expect.poll(() => paintedPixels(bars)).toBeGreaterThan(500);
    }
    await page.mouse.move(0, 0);
    await page.waitForTimeout(1_500); // the charts' entry animation
    await page.screenshot({ path: path.resolve('docs/console-stats.png') });

    // The best supplier's bar: its orders of the period.
    const best = topShops.groups[0];
    await clickFirstBar(page.getByTestId('stats-top-shop'), topShops.groups.length);
    await page.waitForURL(/\/console\/orders\?.*filter=/);
    const filter = JSON.parse(new URL(page.url()).searchParams.get('filter') ?? '{}');
    expect(filter).toEqual({
      shop_id: best.id,
      created_from: `${period.from}T00:00:00+03:00`,
      created_to: `${period.to}T23:59:59.999+03:00`,
    });
    const orders = unwrap(
      await staff.api.GET('/api/v2/admin/orders', {
        params: { query: { ...filter, limit: 25, sort: '-created_at' } },
      }),
    );
    expect(orders.items.length).toBeGreaterThan(0);
    await expect
      .poll(() => page.locator('.RaDatagrid-tbody tr, table tbody tr').count(), { timeout: 30_000 })
      .toBe(orders.items.length);
    await expect.poll(() => page.getByText(orders.items[0].number).count()).toBeGreaterThan(0);
    expect(console.unexpected()).toEqual([]);
  });

  it('a supplier sees its own shop’s figures only, and a category bar opens its own orders of it', async () => {
    const period = presetPeriod('last_month');
    const query = { ...period, interval: 'day' as const, time_zone: 'Europe/Moscow' };
    const supplier = await apiAs(SUPPLIER);
    const shop = unwrap(await supplier.api.GET('/api/v2/supplier/shop'));
    const own = await report(supplier, '/api/v2/supplier/stats/sales', query);
    const categories = await report(supplier, '/api/v2/supplier/stats/sales', {
      ...query,
      group_by: 'category',
      limit: 10,
    });
    // The same figures as the staff's row of that shop, and less than the whole.
    const staff = await apiAs(STAFF);
    const all = await report(staff, '/api/v2/admin/stats/sales', { ...query, shop_id: shop.id });
    expect(own.totals).toEqual(all.totals);
    expect(own.totals.orders).toBeGreaterThan(0);

    const page = await newPage(browser, 'stats-supplier', LAPTOP);
    const console = watchConsole(page);
    await signIn(page, SUPPLIER);
    await page.getByRole('menuitem', { name: 'Статистика' }).click();
    await page.getByTestId('stats-loaded').waitFor({ timeout: 60_000 });
    await choose(page, 'stats-preset', 'Прошлый месяц');
    await page
      .locator(`[data-testid="stats-loaded"][data-from="${period.from}"][data-to="${period.to}"]`)
      .waitFor({ timeout: 60_000 });
    await expectFigures(page, own);
    expect(await page.getByTestId('stats-top-shop').count()).toBe(0);
    expect(await page.getByTestId('stats-revenue-chart').getAttribute('data-series-count')).toBe('2');

    const best = categories.groups.find((group: { id: number }) => group.id !== 0)!;
    expect(categories.groups[0].id).toBe(best.id);
    await clickFirstBar(page.getByTestId('stats-top-category'), categories.groups.length);
    await page.waitForURL(/\/console\/supplier-orders\?.*filter=/);
    const filter = JSON.parse(new URL(page.url()).searchParams.get('filter') ?? '{}');
    expect(filter).toMatchObject({ category_id: best.id, created_from: `${period.from}T00:00:00+03:00` });
    const orders = unwrap(
      await supplier.api.GET('/api/v2/supplier/orders', { params: { query: { ...filter, limit: 25 } } }),
    );
    expect(orders.items.length).toBeGreaterThan(0);
    await expect
      .poll(() => page.getByText(orders.items[0].number).count(), { timeout: 30_000 })
      .toBeGreaterThan(0);
    expect(console.unexpected()).toEqual([]);
  });
});
