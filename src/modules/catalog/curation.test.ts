import { eq, sql } from 'drizzle-orm';
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

type Shown = { name: string; value: string; kind: string }[];

/** The characteristics an offer shows on its product page and in the flat offers, which must agree. */
async function shown(externalId: string): Promise<Shown> {
  const [offer] = await t.runtime.db.select().from(offers).where(eq(offers.externalId, externalId));
  const page = (await call('GET', `/api/v2/products/${offer.productId}`)).json();
  const onPage = page.offers.find((o: { id: number }) => o.id === offer.id).characteristics as Shown;
  const flat = (await call('GET', `/api/v2/offers?shop=${offer.shopId}&limit=100`)).json();
  expect(flat.items.find((o: { id: number }) => o.id === offer.id).characteristics).toEqual(onPage);
  return onPage;
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
    // Name-sorted with an offer filter, the category's offers are read in their product's name
    // order: the moved offers carry the names of the products they now belong to.
    const filtered = await t.app.inject({
      method: 'GET',
      url: `/api/v2/products?category=${target}&price_min=0&sort=name`,
    });
    expect(
      filtered.json().items.map((i: { name: string; offer_count: number }) => [i.name, i.offer_count]),
    ).toEqual([
      ['Телефон Два', 1],
      ['Телефон Один', 2],
      ['Телефон Три', 1],
    ]);
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
    // Offers show the new name, in name order.
    expect(await shown('a1')).toEqual([
      { name: 'Память', value: '64', kind: 'text' },
      { name: 'Цвет корпуса', value: 'черный', kind: 'text' },
    ]);
  });

  it('merges "Color" into "Цвет корпуса": one facet, and later imports follow', async () => {
    const target = await parameterId('Цвет корпуса');
    const source = await parameterId('Color');
    const res = await call('POST', `/api/v2/admin/parameters/${source}/merge`, { into: target });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ id: target, offer_count: 3 });
    expect(await shown('b1')).toEqual([
      { name: 'Память', value: '64 ГБ', kind: 'text' },
      { name: 'Цвет корпуса', value: 'black', kind: 'text' },
    ]);
    const facets = await t.app.inject({ method: 'GET', url: '/api/v2/products/facets' });
    const names = facets.json().parameters.map((p: { name: string }) => p.name);
    expect(names).toContain('Цвет корпуса');
    expect(names).not.toContain('Color');
    const filtered = await t.app.inject({ method: 'GET', url: '/api/v2/products?param.Цвет корпуса=black' });
    expect(filtered.json().items.map((i: { name: string }) => i.name)).toEqual(['Телефон Один']);
    // Within the category the offers' facet keys decide: they follow the merge too.
    const category = filtered.json().items[0].category.id;
    const within = await t.app.inject({
      method: 'GET',
      url: `/api/v2/products?category=${category}&param.Цвет корпуса=black`,
    });
    expect(within.json().items.map((i: { name: string }) => i.name)).toEqual(['Телефон Один']);
    const withinFacets = await t.app.inject({
      method: 'GET',
      url: `/api/v2/products/facets?category=${category}`,
    });
    expect(withinFacets.json().parameters.map((p: { name: string }) => p.name)).not.toContain('Color');

    // A changed B file writes its "Color" values under the merged characteristic.
    const changed = FILE_B.replace('Color: black', 'Color: graphite');
    expect((await importFile(t, b.headers, changed)).counts.updated).toBe(1);
    const after = await t.app.inject({ method: 'GET', url: '/api/v2/products?param.Цвет корпуса=graphite' });
    expect(after.json().items).toHaveLength(1);
    const list = await call('GET', '/api/v2/admin/parameters');
    expect(list.json().items.map((p: { id: number }) => p.id)).not.toContain(source);
  });
});

describe('renames and the round trip', () => {
  const FILE_C = `shop: C
categories:
  - id: 5
    name: Ноутбуки
goods:
  - id: c1
    category: 5
    name: Ноутбук Лёгкий
    price: 50000.50
    quantity: 2
    parameters:
      Вес (кг): 1.2
  - id: c2
    category: 5
    name: Ноутбук Тяжёлый
    price: 70000
    quantity: 0
    parameters:
      Вес (кг): 2.5
`;

  async function liveCategories(normalized: string[]) {
    return t.runtime.db
      .select()
      .from(categories)
      .where(
        sql`${categories.normalizedName} = any(${sql.param(normalized)}::text[]) or ${categories.name} = any(${sql.param(normalized)}::text[])`,
      );
  }

  it('exports the renamed category and imports the export back into it, unchanged', async () => {
    const c = await createSupplier(t);
    expect((await importFile(t, c.headers, FILE_C)).status).toBe('succeeded');
    const id = await categoryId('Ноутбуки');
    const renamed = await call('PATCH', `/api/v2/admin/categories/${id}`, { name: 'Ноутбуки и ультрабуки' });
    expect(renamed.statusCode, renamed.body).toBe(200);

    const exported = await t.app.inject({
      method: 'GET',
      url: '/api/v2/supplier/export?format=yaml',
      headers: c.headers,
    });
    expect(exported.statusCode).toBe(200);
    expect(exported.body).toContain('name: Ноутбуки и ультрабуки');
    const back = await importFile(t, c.headers, exported.body);
    expect(back.status).toBe('succeeded');
    expect(back.counts).toMatchObject({ total: 2, created: 0, updated: 0, unchanged: 2, deactivated: 0 });
    // The supplier's own file, with the old name, still lands there too.
    expect((await importFile(t, c.headers, FILE_C)).counts).toMatchObject({ unchanged: 2, created: 0 });

    // One shown category; the old name is only an alias of it.
    const rows = await liveCategories(['ноутбуки', 'ноутбуки и ультрабуки']);
    expect(rows.filter((row) => row.mergedIntoId === null).map((row) => row.id)).toEqual([id]);
    expect(rows.find((row) => row.normalizedName === 'ноутбуки')?.mergedIntoId).toBe(id);
    const list = await t.app.inject({ method: 'GET', url: '/api/v2/categories?all=true' });
    const names = list.json().items.map((item: { name: string }) => item.name);
    expect(names.filter((name: string) => name.startsWith('Ноутбуки'))).toEqual(['Ноутбуки и ультрабуки']);

    // Another supplier writing the new name joins the same category and product.
    const d = await createSupplier(t);
    const fileD = FILE_C.replace('shop: C', 'shop: D')
      .replace('name: Ноутбуки', 'name: ноутбуки  и ультрабуки')
      .replace('id: c1', 'id: d1')
      .replace('id: c2', 'id: d2');
    expect((await importFile(t, d.headers, fileD)).counts.created).toBe(2);
    const [d1] = await t.runtime.db.select().from(offers).where(eq(offers.externalId, 'd1'));
    const [c1] = await t.runtime.db.select().from(offers).where(eq(offers.externalId, 'c1'));
    expect(d1.productId).toBe(c1.productId);
    expect(d1.categoryId).toBe(id);
  });

  it('renames back to an old name (the alias swaps) and refuses another category’s alias', async () => {
    const id = await categoryId('Ноутбуки и ультрабуки');
    const back = await call('PATCH', `/api/v2/admin/categories/${id}`, { name: 'Ноутбуки' });
    expect(back.statusCode, back.body).toBe(200);
    expect(back.json()).toMatchObject({ id, name: 'Ноутбуки' });
    const rows = await liveCategories(['ноутбуки', 'ноутбуки и ультрабуки']);
    expect(rows.find((row) => row.normalizedName === 'ноутбуки')?.id).toBe(id);
    expect(rows.find((row) => row.normalizedName === 'ноутбуки и ультрабуки')?.mergedIntoId).toBe(id);

    // "Смартфоны" is an alias of the category renamed in the first test: taken.
    const taken = await call('PATCH', `/api/v2/admin/categories/${id}`, { name: 'смартфоны' });
    expect(taken.statusCode).toBe(409);
    expect(taken.json()).toMatchObject({
      code: 'category_exists',
      existing_id: await categoryId('Смартфоны и телефоны'),
    });
  });

  it('a renamed characteristic matches both names; kinds follow the values', async () => {
    const weight = await parameterId('Вес (кг)');
    const res = await call('PATCH', `/api/v2/admin/parameters/${weight}`, { name: 'Масса, кг' });
    expect(res.statusCode, res.body).toBe(200);
    const e = await createSupplier(t);
    const fileE = `shop: E
categories:
  - id: 1
    name: Ноутбуки
goods:
  - id: e1
    category: 1
    name: Ноутбук Средний
    price: 60000
    quantity: 1
    parameters:
      Масса, кг: 1.8
`;
    expect((await importFile(t, e.headers, fileE)).status).toBe('succeeded');
    const list = await call('GET', '/api/v2/admin/parameters?limit=200');
    const masses = list.json().items.filter((p: { name: string }) => /Вес|Масса/.test(p.name));
    expect(masses).toEqual([
      { id: weight, name: 'Масса, кг', kind: 'number', kind_fixed: false, offer_count: 5 },
    ]);
    expect(await shown('c1')).toEqual([{ name: 'Масса, кг', value: '1.2', kind: 'number' }]);
    // A text value under the old name makes the characteristic itself text.
    const c = await createSupplier(t);
    const textual = FILE_C.replace('shop: C', 'shop: F')
      .replace('id: c1', 'id: f1')
      .replace('id: c2', 'id: f2')
      .replace('Вес (кг): 1.2', 'Вес (кг): лёгкий');
    expect((await importFile(t, c.headers, textual)).status).toBe('succeeded');
    const [row] = await t.runtime.db.select().from(parameters).where(eq(parameters.id, weight));
    expect(row.kind).toBe('text');
    // Another shop's offers, imported before, show the new kind too.
    expect(await shown('c1')).toEqual([{ name: 'Масса, кг', value: '1.2', kind: 'text' }]);
    expect(await shown('f1')).toEqual([{ name: 'Масса, кг', value: 'лёгкий', kind: 'text' }]);
  });
});
