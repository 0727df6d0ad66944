import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../../test/helpers/app.ts';
import { offers, shops } from '../../db/schema/catalog.ts';
import { users } from '../../db/schema/users.ts';
import { generatePriceList, worldProduct } from '../catalog/demo/generate.ts';
import { WHOLESALE_GOODS, wholesaleName, wholesalePriceList } from '../catalog/demo/wholesale.ts';
import { catalogIsEmpty, DEMO_PASSWORD, describeDemo, loadDemoData } from './demo.service.ts';

let t: TestApp;

beforeAll(async () => {
  t = await buildTestApp({ workers: false });
});
afterAll(() => t?.close());

describe('the price-list generator', () => {
  it('is deterministic and shares products between neighbouring shops', () => {
    const a = generatePriceList({ shop: 0, shopName: 'A', goods: 50, stride: 25 });
    expect(generatePriceList({ shop: 0, shopName: 'A', goods: 50, stride: 25 })).toBe(a);
    const b = generatePriceList({ shop: 1, shopName: 'B', goods: 50, stride: 25 });
    const names = (text: string) =>
      new Set([...text.split('\ngoods:\n')[1].matchAll(/^ {4}name: (.+)$/gm)].map((m) => m[1]));
    const shared = [...names(a)].filter((name) => names(b).has(name));
    expect(shared).toHaveLength(25);
    expect(worldProduct(7).parameters).toHaveLength(5);
    expect(new Set(Array.from({ length: 5000 }, (_, i) => worldProduct(i).name)).size).toBe(5000);
  });
});

describe('the wholesale demo catalog', () => {
  it('covers groceries, household goods and electronics, overlapping between suppliers', () => {
    const all = wholesalePriceList({ shop: 0, shopName: 'A', goods: WHOLESALE_GOODS, stride: 0 });
    for (const name of [
      'Бакалея',
      'Напитки',
      'Бытовая химия',
      'Товары для дома',
      'Электроника',
      'Бытовая техника',
    ]) {
      expect(all).toContain(`name: "${name}"`);
    }
    // Phones are electronics here, never accessories.
    expect(all).toContain('name: "Samsung Galaxy A25 — Смартфон');
    const a = wholesalePriceList({ shop: 0, shopName: 'A', goods: 48, stride: 20 });
    expect(wholesalePriceList({ shop: 0, shopName: 'A', goods: 48, stride: 20 })).toBe(a);
    const b = wholesalePriceList({ shop: 1, shopName: 'B', goods: 48, stride: 20 });
    const names = (text: string) =>
      new Set([...text.split('\ngoods:\n')[1].matchAll(/^ {4}name: (.+)$/gm)].map((m) => m[1]));
    expect([...names(a)].filter((name) => names(b).has(name))).toHaveLength(28);
  });
});

describe('demo data', () => {
  it('loads accounts and a multi-supplier catalog, and loading again changes nothing', async () => {
    expect(await catalogIsEmpty(t.runtime)).toBe(true);
    const result = await loadDemoData(t.runtime, { shops: 2, goodsPerShop: 40 });
    expect(result).toMatchObject({ loaded: true, shops: 3, goods: 14 + 80 });
    expect(result.accounts.map((a) => a.role).sort()).toEqual([
      'buyer',
      'staff',
      'supplier',
      'supplier',
      'supplier',
    ]);
    expect(describeDemo(result)).toContain(DEMO_PASSWORD);

    const login = await t.app.inject({
      method: 'POST',
      url: '/api/v2/auth/login',
      payload: { email: 'buyer@demo.zakupka.local', password: DEMO_PASSWORD },
    });
    expect(login.statusCode, login.body).toBe(200);

    const [staff] = await t.runtime.db
      .select()
      .from(users)
      .where(eq(users.email, 'staff@demo.zakupka.local'));
    expect(staff).toMatchObject({ role: 'staff' });
    expect(staff.emailConfirmedAt).not.toBeNull();

    // Overlapping goods: some products are offered by both generated suppliers.
    const [{ shared }] = (
      (await t.runtime.db.execute(
        sql`select count(*)::integer as shared from products where offer_count > 1`,
      )) as unknown as { rows: { shared: number }[] }
    ).rows;
    expect(shared).toBeGreaterThan(0);

    // A wholesale catalog of a retail chain's suppliers: groceries, household goods, electronics,
    // with brands, pack sizes and order units; one product at several prices.
    const categories = await t.app.inject({ method: 'GET', url: '/api/v2/categories' });
    const categoryNames = JSON.stringify(categories.json());
    for (const name of ['Бакалея', 'Молочная продукция', 'Бытовая химия', 'Гигиена']) {
      expect(categoryNames).toContain(name);
    }
    // Goods 16…39 of the world are offered by both suppliers: juice (20) among them.
    const juice = await t.app.inject({
      method: 'GET',
      url: `/api/v2/products?q=${encodeURIComponent('сок')}`,
    });
    const found = juice.json().items.find((p: { name: string }) => p.name === wholesaleName(20));
    expect(found, juice.body).toBeDefined();
    const detail = (await t.app.inject({ method: 'GET', url: `/api/v2/products/${found.id}` })).json();
    expect(detail.offers).toHaveLength(2);
    expect(new Set(detail.offers.map((o: { price: string }) => o.price)).size).toBe(2);
    for (const offer of detail.offers) expect(Number(offer.price)).toBeGreaterThan(60);
    expect(JSON.stringify(detail)).toContain('Единица');

    const before = await t.runtime.db.select({ id: offers.id, updatedAt: offers.updatedAt }).from(offers);
    await loadDemoData(t.runtime, { shops: 2, goodsPerShop: 40 });
    const after = await t.runtime.db.select({ id: offers.id, updatedAt: offers.updatedAt }).from(offers);
    expect(after).toEqual(before);
    expect(await t.runtime.db.select().from(shops)).toHaveLength(3);
    expect(await catalogIsEmpty(t.runtime)).toBe(false);
  });
});
