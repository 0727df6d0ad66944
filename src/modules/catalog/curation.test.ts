import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importFile } from '../../../test/factories/catalog.ts';
import { type Actor, createStaff, createSupplier, type Supplier } from '../../../test/factories/orders.ts';
import { buildTestApp, type TestApp } from '../../../test/helpers/app.ts';
import { categories, offers, parameters } from '../../db/schema/catalog.ts';

let t: TestApp;
let staff: Actor;
let a: Supplier;
let b: Supplier;

const FILE_A = `shop: A
categories:
  - id: 1
    name: Смартфоны
goods:
  - id: a1
    category: 1
    name: Телефон Один
    price: 100
    quantity: 1
    parameters:
      Цвет: черный
      Память: 64
  - id: a2
    category: 1
    name: Телефон Два
    price: 200
    quantity: 1
    parameters:
      Цвет: белый
`;

const FILE_B = `shop: B
categories:
  - id: 9
    name: Мобильные телефоны
goods:
  - id: b1
    category: 9
    name: Телефон Один
    price: 90
    quantity: 3
    parameters:
      Color: black
      Память: 64 ГБ
  - id: b2
    category: 9
    name: Телефон Три
    price: 300
    quantity: 1
`;

beforeAll(async () => {
  t = await buildTestApp();
  staff = await createStaff(t);
  a = await createSupplier(t);
  b = await createSupplier(t);
  expect((await importFile(t, a.headers, FILE_A)).status).toBe('succeeded');
  expect((await importFile(t, b.headers, FILE_B)).status).toBe('succeeded');
});
afterAll(() => t?.close());

async function categoryId(name: string): Promise<number> {
  const [row] = await t.runtime.db.select().from(categories).where(eq(categories.name, name));
  return row.id;
}

async function parameterId(name: string): Promise<number> {
  const [row] = await t.runtime.db.select().from(parameters).where(eq(parameters.name, name));
  return row.id;
}

function call(method: 'PATCH' | 'POST' | 'GET', url: string, payload?: object, headers = staff.headers) {
  return t.app.inject({ method, url, headers, payload });
}

describe('categories', () => {
  it('renames a category; suppliers’ files keep landing in it', async () => {
    const id = await categoryId('Смартфоны');
    const res = await call('PATCH', `/api/v2/admin/categories/${id}`, { name: 'Смартфоны и телефоны' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ id, name: 'Смартфоны и телефоны', product_count: 2 });
    expect((await importFile(t, a.headers, FILE_A)).counts.unchanged).toBe(2);
    const search = await t.app.inject({ method: 'GET', url: '/api/v2/products?q=телефоны' });
    expect(search.json().items.length).toBeGreaterThan(0);

    const taken = await call('PATCH', `/api/v2/admin/categories/${id}`, { name: 'мобильные  ТЕЛЕФОНЫ' });
    expect(taken.statusCode).toBe(409);
    expect(taken.json()).toMatchObject({
      code: 'category_exists',
      existing_id: await categoryId('Мобильные телефоны'),
    });
    const supplierTry = await call('PATCH', `/api/v2/admin/categories/${id}`, { name: 'x' }, a.headers);
    expect(supplierTry.statusCode).toBe(403);
  });

  it('merges categories: products of one name become one, and later imports follow', async () => {
    const target = await categoryId('Смартфоны и телефоны');
    const source = await categoryId('Мобильные телефоны');
    const res = await call('POST', `/api/v2/admin/categories/${source}/merge`, { into: target });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ id: target, product_count: 3 });

    const list = await t.app.inject({ method: 'GET', url: '/api/v2/products?sort=name' });
    const items = list.json().items as {
      name: string;
      offer_count: number;
      best_price: string;
      category: { id: number };
    }[];
    expect(items.map((i) => [i.name, i.offer_count, i.best_price])).toEqual([
      ['Телефон Два', 1, '200.00'],
      ['Телефон Один', 2, '90.00'],
      ['Телефон Три', 1, '300.00'],
    ]);
    expect(items.every((i) => i.category.id === target)).toBe(true);
    const cats = await t.app.inject({ method: 'GET', url: '/api/v2/categories?all=true' });
    expect(cats.json().items.map((c: { id: number }) => c.id)).not.toContain(source);

    // B's next file still says "Мобильные телефоны": it lands in the merged category, nothing moves.
    const again = await importFile(t, b.headers, FILE_B);
    expect(again.counts).toMatchObject({ created: 0, updated: 0, unchanged: 2 });
    const [b1] = await t.runtime.db.select().from(offers).where(eq(offers.externalId, 'b1'));
    const [a1] = await t.runtime.db.select().from(offers).where(eq(offers.externalId, 'a1'));
    expect(b1.productId).toBe(a1.productId);

    const self = await call('POST', `/api/v2/admin/categories/${target}/merge`, { into: target });
    expect(self.statusCode).toBe(422);
    const gone = await call('POST', `/api/v2/admin/categories/${source}/merge`, { into: target });
    expect(gone.statusCode).toBe(404);
  });
});

describe('characteristics', () => {
  it('fixes a kind only when every value fits, and imports keep it', async () => {
    const memory = await parameterId('Память');
    // "64 ГБ" from B made it text; it cannot be declared a number while that value exists.
    const refused = await call('PATCH', `/api/v2/admin/parameters/${memory}`, { kind: 'number' });
    expect(refused.statusCode).toBe(422);
    expect(refused.json().code).toBe('kind_mismatch');
    const colour = await parameterId('Цвет');
    const fixed = await call('PATCH', `/api/v2/admin/parameters/${colour}`, {
      kind: 'text',
      name: 'Цвет корпуса',
    });
    expect(fixed.statusCode, fixed.body).toBe(200);
    expect(fixed.json()).toMatchObject({
      id: colour,
      name: 'Цвет корпуса',
      kind: 'text',
      kind_fixed: true,
      offer_count: 2,
    });
  });

  it('merges "Color" into "Цвет корпуса": one facet, and later imports follow', async () => {
    const target = await parameterId('Цвет корпуса');
    const source = await parameterId('Color');
    const res = await call('POST', `/api/v2/admin/parameters/${source}/merge`, { into: target });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ id: target, offer_count: 3 });
    const facets = await t.app.inject({ method: 'GET', url: '/api/v2/products/facets' });
    const names = facets.json().parameters.map((p: { name: string }) => p.name);
    expect(names).toContain('Цвет корпуса');
    expect(names).not.toContain('Color');
    const filtered = await t.app.inject({ method: 'GET', url: '/api/v2/products?param.Цвет корпуса=black' });
    expect(filtered.json().items.map((i: { name: string }) => i.name)).toEqual(['Телефон Один']);

    // A changed B file writes its "Color" values under the merged characteristic.
    const changed = FILE_B.replace('Color: black', 'Color: graphite');
    expect((await importFile(t, b.headers, changed)).counts.updated).toBe(1);
    const after = await t.app.inject({ method: 'GET', url: '/api/v2/products?param.Цвет корпуса=graphite' });
    expect(after.json().items).toHaveLength(1);
    const list = await call('GET', '/api/v2/admin/parameters');
    expect(list.json().items.map((p: { id: number }) => p.id)).not.toContain(source);
  });
});
