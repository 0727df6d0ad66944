import fs from 'node:fs';
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authHeader } from '../../../test/factories/accounts.ts';
import { importFile, uploadPriceList, waitForImport } from '../../../test/factories/catalog.ts';
import {
  createBuyer,
  createStaff,
  createSupplier,
  placeOrder,
  type Supplier,
} from '../../../test/factories/orders.ts';
import { buildTestApp, type TestApp } from '../../../test/helpers/app.ts';
import { onPostgresServer, someoneWaitsForALock } from '../../../test/helpers/database.ts';
import {
  categories,
  importFiles,
  imports,
  offerParameters,
  offers,
  parameters,
  products,
  shopCategories,
  shops,
} from '../../db/schema/catalog.ts';
import { JOB_HANDLERS } from '../../jobs/handlers.ts';
import { generatePriceList } from './demo/generate.ts';
import { IMPORT_BATCH, importPriceList, VACUUM_AFTER_ROWS } from './import.service.ts';

const SAMPLE = fs.readFileSync(new URL('../../../test/fixtures/shop1.yaml', import.meta.url), 'utf8');

let t: TestApp;

beforeAll(async () => {
  t = await buildTestApp({ env: { ALLOW_PRIVATE_IMPORT_URLS: 'true' } });
});
afterAll(() => t?.close());

async function offersOf(shopId: number) {
  return t.runtime.db.select().from(offers).where(eq(offers.shopId, shopId)).orderBy(offers.externalId);
}

/** The sample with edits applied to the good whose id is given. */
function editGood(yaml: string, id: string, edit: (block: string) => string): string {
  const start = yaml.indexOf(`  - id: ${id}\n`);
  if (start < 0) throw new Error(`no good ${id}`);
  const next = yaml.indexOf('\n  - id: ', start + 1);
  const end = next < 0 ? yaml.length : next + 1;
  return yaml.slice(0, start) + edit(yaml.slice(start, end)) + yaml.slice(end);
}

function withoutGood(yaml: string, id: string): string {
  return editGood(yaml, id, () => '');
}

describe('importing the sample price list', () => {
  let supplier: Supplier;

  beforeAll(async () => {
    supplier = await createSupplier(t, { shop: { name: 'Старое имя' } });
  });

  it('creates exactly the expected rows, exact money and typed characteristics', async () => {
    const result = await importFile(t, supplier.headers, SAMPLE, { fileName: 'shop1.yaml' });
    expect(result.status).toBe('succeeded');
    expect(result.counts).toEqual({
      total: 14,
      created: 14,
      updated: 0,
      unchanged: 0,
      deactivated: 0,
      rejected: 0,
    });
    expect(result.report).toEqual([]);
    // The file's `shop` names the shop.
    expect(result.shop_renamed).toEqual({ from: 'Старое имя', to: 'Связной' });
    const [shop] = await t.runtime.db.select().from(shops).where(eq(shops.id, supplier.shop.id));
    expect(shop.name).toBe('Связной');

    // Exactly 4 categories and 14 products (every good's name is its own), per category as in the file.
    const perCategory = await t.runtime.db
      .select({ category: categories.name, products: sql<number>`count(${products.id})::integer` })
      .from(categories)
      .leftJoin(products, eq(products.categoryId, categories.id))
      .groupBy(categories.name)
      .orderBy(categories.name);
    expect(perCategory).toEqual([
      { category: 'Flash-накопители', products: 2 },
      { category: 'Аксессуары', products: 2 },
      { category: 'Смартфоны', products: 5 },
      { category: 'Телевизоры', products: 5 },
    ]);

    const rows = await offersOf(supplier.shop.id);
    expect(rows).toHaveLength(14);
    const xsMax = rows.find((o) => o.externalId === '4216292')!;
    expect(xsMax).toMatchObject({
      model: 'apple/iphone/xs-max',
      name: 'Смартфон Apple iPhone XS Max 512GB (золотистый)',
      price: '110000.00',
      priceRrc: '116990.00',
      quantity: 14,
      isActive: true,
    });
    expect(xsMax.parameters).toEqual({
      'Диагональ (дюйм)': 6.5,
      'Разрешение (пикс)': '2688x1242',
      'Встроенная память (Гб)': 512,
      Цвет: 'золотистый',
    });

    // The supplier's category ids are kept per shop.
    const mapping = await t.runtime.db
      .select({ externalId: shopCategories.externalId })
      .from(shopCategories)
      .where(eq(shopCategories.shopId, supplier.shop.id));
    expect(mapping.map((m) => m.externalId).sort()).toEqual(['1', '15', '224', '5']);

    const kinds = Object.fromEntries(
      (await t.runtime.db.select().from(parameters)).map((p) => [p.name, p.kind]),
    );
    expect(kinds).toMatchObject({
      'Диагональ (дюйм)': 'number',
      'Разрешение (пикс)': 'text',
      Цвет: 'text',
      'Smart TV': 'boolean',
      'Capacity (GB)': 'number',
    });
    const [{ count }] = await t.runtime.db
      .select({ count: sql<number>`count(*)::integer` })
      .from(offerParameters)
      .innerJoin(offers, eq(offers.id, offerParameters.offerId))
      .where(eq(offers.shopId, supplier.shop.id));
    expect(count).toBe(4 * 4 + 2 * 4 + 2 * 2 + 1 * 4 + 5 * 3);

    // The new products' search text, written by the import (stemmed beside the transaction on the
    // server), is what the database's own refresh computes from the stored offers.
    const vectors = () =>
      t.runtime.database.query<{ id: number; vector: string | null }>(
        `select distinct p.id, ps.search_vector::text as vector
         from products p join offers o on o.product_id = p.id left join product_search ps on ps.product_id = p.id
         where o.shop_id = $1 order by p.id`,
        [supplier.shop.id],
      );
    const written = await vectors();
    expect(written.length).toBeGreaterThan(0);
    expect(written.some((row) => row.vector?.includes("'iphon':3A"))).toBe(true);
    expect(written.every((row) => row.vector !== null && row.vector.length > 0)).toBe(true);
    await t.runtime.database.query('select catalog_refresh_product_search($1::integer[])', [
      written.map((row) => row.id),
    ]);
    expect(await vectors()).toEqual(written);
  });

  it('writes each offer’s shown characteristics as the database would build them from its values', async () => {
    const read = async () =>
      (await offersOf(supplier.shop.id)).map((o) => ({ id: o.externalId, shown: o.characteristics }));
    const written = await read();
    expect(written.every((o) => Array.isArray(o.shown))).toBe(true);
    expect(written.find((o) => o.id === '4216313')?.shown).toContainEqual({
      name: 'Цвет',
      value: 'красный',
      kind: 'text',
    });
    await t.runtime.database.query(
      'select catalog_refresh_offer_characteristics(array(select id from offers where shop_id = $1))',
      [supplier.shop.id],
    );
    expect(await read()).toEqual(written);
  });

  it('reports everything unchanged on re-import and writes nothing', async () => {
    const before = await offersOf(supplier.shop.id);
    const result = await importFile(t, supplier.headers, SAMPLE);
    expect(result.counts).toEqual({
      total: 14,
      created: 0,
      updated: 0,
      unchanged: 14,
      deactivated: 0,
      rejected: 0,
    });
    expect(result.shop_renamed).toBeNull();
    const after = await offersOf(supplier.shop.id);
    expect(after.map((o) => o.updatedAt.getTime())).toEqual(before.map((o) => o.updatedAt.getTime()));
  });

  it('updates a changed price and stock in place, exactly', async () => {
    const before = (await offersOf(supplier.shop.id)).find((o) => o.externalId === '4216313')!;
    const changed = editGood(SAMPLE, '4216313', (block) =>
      block.replace('price: 65000', 'price: 64000.50').replace('quantity: 9', 'quantity: 3'),
    );
    const result = await importFile(t, supplier.headers, changed);
    expect(result.counts).toMatchObject({ created: 0, updated: 1, unchanged: 13, deactivated: 0 });
    const after = (await offersOf(supplier.shop.id)).find((o) => o.externalId === '4216313')!;
    expect(after.id).toBe(before.id);
    expect(after).toMatchObject({ price: '64000.50', quantity: 3 });
  });

  it('rewrites the characteristics of a good whose values changed, and only of that one', async () => {
    const valuesOf = async (externalId: string) => {
      const offer = (await offersOf(supplier.shop.id)).find((o) => o.externalId === externalId)!;
      const result = await t.runtime.db.execute(
        sql`select p.name, op.value, op.xmin::text as version
            from offer_parameters op join parameters p on p.id = op.parameter_id
            where op.offer_id = ${offer.id} order by p.name`,
      );
      return (result as unknown as { rows: { name: string; value: string; version: string }[] }).rows;
    };
    const recoloured = await valuesOf('4216313');
    const repriced = await valuesOf('4216226');
    const changed = editGood(
      editGood(SAMPLE, '4216313', (block) => block.replace('Цвет": красный', 'Цвет": синий')),
      '4216226',
      (block) => block.replace(/price: \d+/, 'price: 12345'),
    );
    const result = await importFile(t, supplier.headers, changed);
    expect(result.counts).toMatchObject({ created: 0, updated: 2, deactivated: 0 });

    const recolouredAfter = await valuesOf('4216313');
    expect(recolouredAfter.find((v) => v.name === 'Цвет')?.value).toBe('синий');
    expect(recolouredAfter.map((v) => v.name)).toEqual(recoloured.map((v) => v.name));
    // The repriced good's values are the same rows, not written again.
    expect(await valuesOf('4216226')).toEqual(repriced);
    const blue = await t.app.inject({ url: `/api/v2/products?param.${encodeURIComponent('Цвет')}=синий` });
    expect(blue.json().items.map((p: { name: string }) => p.name)).toContain(
      'Смартфон Apple iPhone XR 256GB (красный)',
    );
  });

  it('compares only changed rows again, whoever changed them, and restores the file', async () => {
    await importFile(t, supplier.headers, SAMPLE);
    const offers = await offersOf(supplier.shop.id);
    const stockTaken = offers.find((o) => o.externalId === '4216226')!;
    const repriced = offers.find((o) => o.externalId === '1234572')!;
    const digestless = offers.find((o) => o.externalId === '123476573')!;
    expect(offers.every((o) => o.importHash !== null)).toBe(true);
    // A checkout takes stock (the digest stays), psql changes a price (the digest goes), and an
    // older version wrote an offer without a digest.
    await t.runtime.db.execute(sql`update offers set quantity = quantity - 1 where id = ${stockTaken.id}`);
    await t.runtime.db.execute(sql`update offers set price = price + 1 where id = ${repriced.id}`);
    await t.runtime.db.execute(sql`update offers set import_hash = null where id = ${digestless.id}`);
    const afterWrites = await offersOf(supplier.shop.id);
    expect(afterWrites.find((o) => o.id === stockTaken.id)!.importHash).toBe(stockTaken.importHash);
    expect(afterWrites.find((o) => o.id === repriced.id)!.importHash).toBeNull();

    const result = await importFile(t, supplier.headers, SAMPLE);
    expect(result.counts).toMatchObject({ created: 0, updated: 2, unchanged: 12, deactivated: 0 });
    const after = await offersOf(supplier.shop.id);
    expect(after.find((o) => o.id === stockTaken.id)).toMatchObject({ quantity: stockTaken.quantity });
    expect(after.find((o) => o.id === repriced.id)).toMatchObject({ price: repriced.price });
    // The offer without a digest equalled its row: left as it was, its digest written.
    const rewritten = after.find((o) => o.id === digestless.id)!;
    expect(rewritten.updatedAt.getTime()).toBe(digestless.updatedAt.getTime());
    expect(rewritten.importHash).toBe(digestless.importHash);
    expect(after.map((o) => o.importHash)).toEqual(offers.map((o) => o.importHash));
  });

  it('deactivates removed goods, never deletes them: orders keep their lines', async () => {
    const buyer = await createBuyer(t);
    const offer = (await offersOf(supplier.shop.id)).find((o) => o.externalId === '1234572')!;
    const order = await placeOrder(t, buyer, [{ offerId: offer.id, quantity: 1 }]);

    const result = await importFile(
      t,
      supplier.headers,
      withoutGood(withoutGood(SAMPLE, '1234572'), '123476573'),
    );
    expect(result.counts).toMatchObject({ total: 12, deactivated: 2 });
    const rows = await offersOf(supplier.shop.id);
    expect(rows).toHaveLength(14);
    expect(
      rows
        .filter((o) => !o.isActive)
        .map((o) => o.externalId)
        .sort(),
    ).toEqual(['1234572', '123476573']);

    const seen = await t.app.inject({
      method: 'GET',
      url: `/api/v2/orders/${order.id}`,
      headers: buyer.headers,
    });
    expect(seen.statusCode).toBe(200);
    expect(JSON.stringify(seen.json())).toContain('Samsung QLED Q90R');

    // The deactivated good is out of the catalog.
    const listed = await t.app.inject({
      method: 'GET',
      url: `/api/v2/offers?shop=${supplier.shop.id}&limit=50`,
    });
    expect(listed.json().items.map((o: { external_id: string }) => o.external_id)).not.toContain('1234572');

    // Back in the file: the same offer comes back.
    const again = await importFile(t, supplier.headers, SAMPLE);
    expect(again.counts).toMatchObject({ created: 0, updated: 2, deactivated: 0 });
    const back = (await offersOf(supplier.shop.id)).find((o) => o.externalId === '1234572')!;
    // The file's stock is the truth again (the order had taken one of the 4).
    expect(back).toMatchObject({ id: offer.id, isActive: true, quantity: 4 });
  });

  it('keeps the supplier’s category ids apart from another supplier’s', async () => {
    const other = await createSupplier(t);
    const file = [
      'shop: Другой',
      'categories:',
      '  - id: 224',
      '    name: Телевизоры',
      '  - id: 7',
      '    name: " смартфоны "',
      'goods:',
      '  - id: 1',
      '    category: 224',
      '    name: Телевизор LG 43"',
      '    price: 30000',
      '    quantity: 2',
      '  - id: 2',
      '    category: 7',
      '    name: Смартфон Apple iPhone XS Max 512GB (ЗОЛОТИСТЫЙ)',
      '    price: 109000',
      '    quantity: 1',
    ].join('\n');
    const result = await importFile(t, other.headers, file);
    expect(result.counts).toMatchObject({ created: 2, rejected: 0 });
    const res = await t.app.inject({ method: 'GET', url: `/api/v2/offers?shop=${other.shop.id}` });
    const byId = Object.fromEntries(
      res.json().items.map((o: { external_id: string; category: { name: string } }) => [o.external_id, o]),
    );
    expect(byId['1'].category.name).toBe('Телевизоры');
    // " смартфоны " is the first supplier's "Смартфоны"; the same normalised name there is the same product.
    expect(byId['2'].category.name).toBe('Смартфоны');
    const mine = (await offersOf(supplier.shop.id)).find((o) => o.externalId === '4216292')!;
    expect(byId['2'].product_id).toBe(mine.productId);
    const product = await t.app.inject({ method: 'GET', url: `/api/v2/products/${mine.productId}` });
    expect(product.json().offers.map((o: { price: string }) => o.price)).toEqual(['109000.00', '110000.00']);
  });
});

describe('bad files and bad rows', () => {
  let supplier: Supplier;
  let baseline: { externalId: string; price: string; isActive: boolean }[];

  beforeAll(async () => {
    supplier = await createSupplier(t);
    const result = await importFile(t, supplier.headers, SAMPLE);
    expect(result.status).toBe('succeeded');
    baseline = (await offersOf(supplier.shop.id)).map(({ externalId, price, isActive }) => ({
      externalId,
      price,
      isActive,
    }));
  });

  async function unchangedCatalog() {
    const now = (await offersOf(supplier.shop.id)).map(({ externalId, price, isActive }) => ({
      externalId,
      price,
      isActive,
    }));
    expect(now).toEqual(baseline);
  }

  it.each([
    ['not YAML at all', 'shop: [Связной\ngoods: {', 'invalid_yaml'],
    ['a binary file', Buffer.from([0xff, 0xfe, 0x00, 0x01, 0x9c]), 'not_utf8'],
    ['a YAML list instead of a price list', '- a\n- b\n', 'not_a_price_list'],
    ['no goods', 'shop: Связной\ncategories: []\n', 'missing_goods'],
    ['no shop', 'categories: []\ngoods: []\n', 'missing_shop'],
    ['categories not a list', 'shop: Связной\ncategories: 5\ngoods: []\n', 'invalid_categories'],
    ['an empty file', '', 'empty_file'],
    ['no categories', 'shop: Связной\ngoods: []\n', 'missing_categories'],
    ['an over-long shop name', `shop: ${'Я'.repeat(201)}\ncategories: []\ngoods: []\n`, 'invalid_shop'],
  ])('refuses %s with a clear message and changes nothing', async (_name, content, code) => {
    const result = await importFile(t, supplier.headers, content as string);
    expect(result.status).toBe('failed');
    expect(result.error?.code).toBe(code);
    expect(result.error?.message.length).toBeGreaterThan(5);
    await unchangedCatalog();
  });

  it('refuses broken JSON', async () => {
    const result = await importFile(t, supplier.headers, '{"shop": "x", "goods": [', { fileName: 'p.json' });
    expect(result.error?.code).toBe('invalid_json');
    await unchangedCatalog();
  });

  const badRows = (): string =>
    [
      'shop: Связной',
      'categories:',
      '  - id: 224',
      '    name: Смартфоны',
      'goods:',
      '  - id: 4216292',
      '    category: 224',
      '    name: Смартфон Apple iPhone XS Max 512GB (золотистый)',
      '    price: -5',
      '    quantity: 14',
      '  - id: 900',
      '    category: 224',
      '    price: 100',
      '    quantity: 1',
      '  - id: 901',
      '    category: 224',
      '    name: Без цены',
      '    price: сто',
      '    quantity: много',
      '  - id: 902',
      '    category: 999',
      '    name: Чужая категория',
      '    price: 100',
      '    quantity: 1',
      '  - id: 903',
      '    category: 224',
      '    name: Хороший товар',
      '    price: 99.99',
      '    quantity: 1',
      '  - id: 903',
      '    category: 224',
      '    name: Дубликат',
      '    price: 1',
      '    quantity: 1',
      '  - id: 904',
      '    category: 224',
      `    name: ${'Д'.repeat(501)}`,
      '    price: 1',
      '    quantity: 1',
      '  - id: 905',
      '    category: 224',
      '    name: Дробное количество',
      '    price: 1.001',
      '    quantity: 1.5',
    ].join('\n');

  it('strict mode refuses the whole file and reports every bad row', async () => {
    const result = await importFile(t, supplier.headers, badRows(), { mode: 'strict' });
    expect(result.status).toBe('failed');
    expect(result.error?.code).toBe('rows_rejected');
    expect(result.counts.rejected).toBe(7);
    expect(result.report.map((r) => [r.row, r.field, r.code])).toEqual([
      [1, 'price', 'invalid_price'],
      [2, 'name', 'missing_field'],
      [3, 'price', 'invalid_price'],
      [3, 'quantity', 'invalid_quantity'],
      [4, 'category', 'unknown_category'],
      [6, 'id', 'duplicate_id'],
      [7, 'name', 'too_long'],
      [8, 'price', 'invalid_price'],
      [8, 'quantity', 'invalid_quantity'],
    ]);
    await unchangedCatalog();
  });

  it('lenient mode rejects the bad rows, applies the rest and keeps a rejected good as it was', async () => {
    const result = await importFile(t, supplier.headers, badRows());
    expect(result.status).toBe('succeeded');
    expect(result.counts).toMatchObject({ total: 8, created: 1, rejected: 7 });
    const first = result.report.find((r) => r.row === 1)!;
    expect(first).toMatchObject({ good_id: '4216292', line: 6, field: 'price' });
    expect(first.message).toContain('отрицательной');
    const rows = await offersOf(supplier.shop.id);
    // 4216292 had a bad price: the stored offer stays active with its old price.
    expect(rows.find((o) => o.externalId === '4216292')).toMatchObject({
      isActive: true,
      price: '110000.00',
    });
    expect(rows.find((o) => o.externalId === '903')).toMatchObject({ name: 'Хороший товар', price: '99.99' });
    // Goods absent from this file are deactivated.
    expect(
      rows
        .filter((o) => o.isActive)
        .map((o) => o.externalId)
        .sort(),
    ).toEqual(['4216292', '903']);

    const english = await t.app.inject({
      method: 'GET',
      url: `/api/v2/supplier/imports/${result.id}`,
      headers: { ...supplier.headers, 'accept-language': 'en' },
    });
    expect(english.json().report[0].message).toBe('the price must not be negative');
  });
});

describe('sources and access', () => {
  it('imports JSON with exact decimals', async () => {
    const supplier = await createSupplier(t);
    const json = JSON.stringify({
      shop: 'JSON-магазин',
      categories: [{ id: 1, name: 'Смартфоны' }],
      goods: [
        {
          id: 'A-1',
          category: 1,
          name: 'Телефон',
          price: 1,
          price_rrc: 2,
          quantity: 3,
          parameters: { Вес: 0.1 },
        },
      ],
    }).replace('"price":1,', '"price":64000.50,');
    const result = await importFile(t, supplier.headers, json, { fileName: 'price.json' });
    expect(result.counts).toMatchObject({ created: 1, rejected: 0 });
    const [offer] = await offersOf(supplier.shop.id);
    expect(offer).toMatchObject({ externalId: 'A-1', price: '64000.50', priceRrc: '2.00', quantity: 3 });
  });

  it('reads a large upload whole: a good after 20 MB of comments arrives intact', async () => {
    const supplier = await createSupplier(t);
    // The stored upload is read back in 8 MB slices: the last good lies in the third one.
    const filler = `# ${'ж'.repeat(1000)}\n`.repeat(11_000);
    const yaml = `shop: Большой файл\ncategories:\n  - id: 1\n    name: Смартфоны\ngoods:\n${filler}  - id: LAST\n    category: 1\n    name: Телефон «последний»\n    price: 10.05\n    price_rrc: 11\n    quantity: 4\n`;
    expect(Buffer.byteLength(yaml)).toBeGreaterThan(20 * 1024 * 1024);
    const result = await importFile(t, supplier.headers, yaml);
    expect(result.counts).toMatchObject({ total: 1, created: 1, rejected: 0 });
    const [offer] = await offersOf(supplier.shop.id);
    expect(offer).toMatchObject({
      externalId: 'LAST',
      name: 'Телефон «последний»',
      price: '10.05',
      quantity: 4,
    });
  }, 90_000); // 20 MB through upload, storage and the reader's thread: slow on a loaded machine

  it('refuses uploads that are not YAML or JSON by name', async () => {
    const supplier = await createSupplier(t);
    const { multipartBody } = await import('../../../test/factories/catalog.ts');
    const body = multipartBody({ name: 'price.xlsx', content: 'PK\u0003\u0004' });
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v2/supplier/imports',
      headers: { ...supplier.headers, ...body.headers },
      payload: body.payload,
    });
    expect(res.statusCode).toBe(415);
    expect(res.json().code).toBe('unsupported_file_type');
  });

  it('lets staff import for any shop and keeps imports private to their shop', async () => {
    const supplier = await createSupplier(t);
    const intruder = await createSupplier(t);
    const staff = await createStaff(t);
    const { id } = await uploadPriceList(t, staff.headers, SAMPLE, { shopId: supplier.shop.id });
    const done = await waitForImport(t, staff.headers, id, '/api/v2/admin/imports');
    expect(done.counts.created).toBe(14);
    const mine = await t.app.inject({
      method: 'GET',
      url: `/api/v2/supplier/imports/${id}`,
      headers: supplier.headers,
    });
    expect(mine.statusCode).toBe(200);
    const theirs = await t.app.inject({
      method: 'GET',
      url: `/api/v2/supplier/imports/${id}`,
      headers: intruder.headers,
    });
    expect(theirs.statusCode).toBe(404);
    const list = await t.app.inject({
      method: 'GET',
      url: '/api/v2/supplier/imports',
      headers: supplier.headers,
    });
    expect(list.json().items.map((i: { id: number }) => i.id)).toContain(id);
    const buyer = await createBuyer(t);
    const refused = await t.app.inject({
      method: 'GET',
      url: '/api/v2/supplier/imports',
      headers: buyer.headers,
    });
    expect(refused.statusCode).toBe(403);
    const anonymous = await t.app.inject({ method: 'GET', url: '/api/v2/supplier/imports' });
    expect(anonymous.statusCode).toBe(401);
    expect(await authHeader(t, staff.user)).toBeTruthy();
    const rows = await t.runtime.db
      .select()
      .from(offers)
      .where(and(eq(offers.shopId, supplier.shop.id), eq(offers.isActive, true)));
    expect(rows).toHaveLength(14);
  });
});

describe('over-long and negative values', () => {
  it('rejects each bad row with its field and applies the rest', async () => {
    const supplier = await createSupplier(t);
    const good = (id: string, lines: string[] = [], category = '1') =>
      [`  - id: ${id}`, `    category: ${category}`, ...lines].join('\n');
    const file = [
      'shop: Длинные строки',
      'categories:',
      '  - id: 1',
      '    name: Обычная',
      '  - id: 2',
      `    name: ${'К'.repeat(201)}`,
      'goods:',
      good('g1', ['    name: Отрицательный остаток', '    price: 10', '    quantity: -3']),
      good('x'.repeat(101), ['    name: Длинный id', '    price: 10', '    quantity: 1']),
      good('g3', [
        '    name: Длинная модель',
        `    model: ${'m'.repeat(201)}`,
        '    price: 10',
        '    quantity: 1',
      ]),
      good('g4', ['    name: В длинной категории', '    price: 10', '    quantity: 1'], '2'),
      good('g5', [
        '    name: Длинное имя характеристики',
        '    price: 10',
        '    quantity: 1',
        '    parameters:',
        `      ${'п'.repeat(201)}: 1`,
      ]),
      good('g6', [
        '    name: Длинное значение',
        '    price: 10',
        '    quantity: 1',
        '    parameters:',
        `      Описание: ${'з'.repeat(1001)}`,
      ]),
      good('g7', ['    name: Годный товар', '    price: 10', '    quantity: 0']),
    ].join('\n');
    const result = await importFile(t, supplier.headers, file);
    expect(result.status).toBe('succeeded');
    expect(result.counts).toMatchObject({ total: 7, created: 1, rejected: 6 });
    expect(result.report.map((r) => [r.row, r.good_id?.slice(0, 5) ?? null, r.field, r.code])).toEqual([
      [0, null, 'categories[1].name', 'too_long'],
      [1, 'g1', 'quantity', 'invalid_quantity'],
      [2, 'xxxxx', 'id', 'too_long'],
      [3, 'g3', 'model', 'too_long'],
      [4, 'g4', 'category', 'unknown_category'],
      [5, 'g5', `parameters.${'п'.repeat(201)}`, 'too_long'],
      [6, 'g6', 'parameters.Описание', 'too_long'],
    ]);
    expect(result.report[1].message).toContain('отрицательным');
    const rows = await offersOf(supplier.shop.id);
    expect(rows.map((o) => o.externalId)).toEqual(['g7']);
  });
});

describe('an unexpected failure while applying', () => {
  let supplier: Supplier;

  beforeAll(async () => {
    supplier = await createSupplier(t);
    expect((await importFile(t, supplier.headers, SAMPLE)).status).toBe('succeeded');
  });

  /** Everything an import could have touched, for comparison. */
  async function catalogState() {
    const [shop] = await t.runtime.db.select().from(shops).where(eq(shops.id, supplier.shop.id));
    const [counts] = await t.runtime.db
      .execute<{ categories: number; products: number; parameters: number }>(
        sql`select (select count(*)::integer from categories) as categories,
                 (select count(*)::integer from products) as products,
                 (select count(*)::integer from parameters) as parameters`,
      )
      .then(
        (r) =>
          (r as unknown as { rows: { categories: number; products: number; parameters: number }[] }).rows,
      );
    const goods = (await offersOf(supplier.shop.id)).map((o) => ({
      id: o.externalId,
      price: o.price,
      quantity: o.quantity,
      active: o.isActive,
      updated: o.updatedAt.getTime(),
    }));
    return { shop: shop.name, counts, goods };
  }

  /** An upload recorded as the route records it, without its job: the test runs the job by hand. */
  async function queuedUpload(content: string): Promise<number> {
    const [row] = await t.runtime.db
      .insert(imports)
      .values({ shopId: supplier.shop.id, requestedBy: null, source: 'upload', mode: 'lenient' })
      .returning();
    await t.runtime.db.insert(importFiles).values({ importId: row.id, content: Buffer.from(content) });
    return row.id;
  }

  /** The error the broken disk raised, as the database driver wraps it. */
  async function expectDiskOnFire(work: Promise<unknown>): Promise<void> {
    const error = await work.then(
      () => undefined,
      (e: Error & { cause?: Error }) => e,
    );
    expect(error, 'the import should have thrown').toBeDefined();
    expect(`${error?.message} ${error?.cause?.message}`).toContain('disk on fire');
  }

  const runJob = (importId: number) => JOB_HANDLERS.catalog_import(t.runtime, { importId });

  async function importRow(id: number) {
    const [row] = await t.runtime.db.select().from(imports).where(eq(imports.id, id));
    const files = await t.runtime.db.select().from(importFiles).where(eq(importFiles.importId, id));
    return { ...row, hasFile: files.length > 0 };
  }

  /** While it exists, writing offers fails as a lost disk would (after the shop, categories and products were written). */
  async function brokenOffers<T>(work: () => Promise<T>): Promise<T> {
    await t.runtime.db.execute(sql`
      create or replace function test_broken_offers() returns trigger language plpgsql as $$
      begin raise exception 'disk on fire'; end $$`);
    await t.runtime.db.execute(sql`
      create trigger test_broken_offers before insert or update on offers
      for each statement execute function test_broken_offers()`);
    try {
      return await work();
    } finally {
      await t.runtime.db.execute(sql`drop trigger test_broken_offers on offers`);
      await t.runtime.db.execute(sql`drop function test_broken_offers()`);
    }
  }

  const changed = () =>
    editGood(SAMPLE.replace('shop: Связной', 'shop: Связной-2'), '4216313', (block) =>
      block.replace('price: 65000', 'price: 61000'),
    ).replace('    name: Телевизоры', '    name: Телевизоры и мониторы') +
    '  - id: new-1\n    category: 5\n    name: Совсем новый телевизор\n    price: 1000\n    quantity: 1\n';

  it('leaves the previous catalog intact, waits for the retry with its file, and the retry applies it', async () => {
    const before = await catalogState();
    const id = await queuedUpload(changed());
    await brokenOffers(async () => {
      await expectDiskOnFire(runJob(id));
    });
    // Nothing of the half-done apply is left: shop name, new category, new product, prices.
    expect(await catalogState()).toEqual(before);
    expect(await importRow(id)).toMatchObject({
      status: 'queued',
      attempts: 1,
      errorCode: 'internal_error',
      hasFile: true,
    });

    // The job system's retry claims it again and, the disk mended, applies the file.
    await runJob(id);
    const done = await importRow(id);
    expect(done).toMatchObject({
      status: 'succeeded',
      attempts: 2,
      errorCode: null,
      created: 1,
      // The repriced good and the five televisions, now in «Телевизоры и мониторы».
      updated: 6,
      hasFile: false,
    });
    const after = await catalogState();
    expect(after.shop).toBe('Связной-2');
    expect(after.goods.find((g) => g.id === '4216313')?.price).toBe('61000.00');
  });

  it('fails for good at the last attempt and deletes the uploaded file', async () => {
    const before = await catalogState();
    const id = await queuedUpload(SAMPLE);
    await brokenOffers(async () => {
      await expectDiskOnFire(runJob(id));
      expect(await importRow(id)).toMatchObject({ status: 'queued', hasFile: true });
      await expectDiskOnFire(runJob(id));
    });
    expect(await importRow(id)).toMatchObject({
      status: 'failed',
      attempts: 2,
      errorCode: 'internal_error',
      hasFile: false,
    });
    expect(await catalogState()).toEqual(before);
    // A stray third run leaves a finished import alone.
    await runJob(id);
    expect(await importRow(id)).toMatchObject({ status: 'failed', attempts: 2 });
    const view = await t.app.inject({
      method: 'GET',
      url: `/api/v2/supplier/imports/${id}`,
      headers: supplier.headers,
    });
    expect(view.json()).toMatchObject({ status: 'failed', error: { code: 'internal_error' } });
  });

  it('an inline import (CLI) has no retry: it fails at once and says so', async () => {
    const before = await catalogState();
    await brokenOffers(async () => {
      await expectDiskOnFire(
        importPriceList(t.runtime, { shopId: supplier.shop.id, content: Buffer.from(changed()) }),
      );
    });
    const [last] = await t.runtime.db
      .select()
      .from(imports)
      .where(eq(imports.shopId, supplier.shop.id))
      .orderBy(sql`${imports.id} desc`)
      .limit(1);
    expect(last).toMatchObject({ status: 'failed', errorCode: 'internal_error', attempts: 1 });
    expect(await catalogState()).toEqual(before);
  });
});

describe('after a large import', () => {
  const vacuumJobs = async () =>
    (
      await t.runtime.database.query<{ n: number }>(
        `select count(*)::integer as n from pgboss.job where name = 'catalog_vacuum'`,
      )
    )[0].n;

  it('queues a vacuum of the catalog, which runs; a small import queues none', async () => {
    const supplier = await createSupplier(t);
    const before = await vacuumJobs();
    expect((await importFile(t, supplier.headers, SAMPLE)).counts.created).toBe(14);
    expect(await vacuumJobs()).toBe(before);

    const large = generatePriceList({ shop: 7, shopName: 'Большой склад', goods: VACUUM_AFTER_ROWS });
    expect((await importFile(t, supplier.headers, large)).counts.created).toBe(VACUUM_AFTER_ROWS);
    expect(await vacuumJobs()).toBe(before + 1);

    await JOB_HANDLERS.catalog_vacuum(t.runtime, {});
    if (t.runtime.database.kind === 'postgres') {
      const [offersStats] = await t.runtime.database.query<{ vacuumed: boolean }>(
        `select last_vacuum is not null as vacuumed from pg_stat_user_tables where relname = 'offers'`,
      );
      expect(offersStats.vacuumed).toBe(true);
    }
  });
});

describe('a file longer than one batch', () => {
  /**
   * IMPORT_BATCH + 2 goods of one category: the first and the one after the first batch share a
   * name (one product whose goods come in two batches); that one alone says what its material is,
   * and its weight is text where every other one is a number. Two other goods, one in each batch,
   * name a material of their own.
   */
  const SPANNING = IMPORT_BATCH + 1;
  const LAST = IMPORT_BATCH + 2;
  function twoBatches(lastWord = ''): string {
    const lines = ['shop: Длинный склад', 'categories:', '  - id: 1', '    name: Инструменты', 'goods:'];
    for (let n = 1; n <= LAST; n += 1) {
      lines.push(
        `  - id: g${n}`,
        '    category: 1',
        `    name: ${n === SPANNING ? 'Молоток 1' : `Молоток ${n}${n === LAST ? lastWord : ''}`}`,
        `    price: ${n === SPANNING ? '50.25' : '100'}`,
        `    quantity: ${n === 1 ? 0 : 3}`,
        '    parameters:',
        `      Вес: ${n === SPANNING ? 'тяжелый' : n}`,
      );
      if (n === SPANNING) lines.push('      Материал: титан');
      if (n === 2) lines.push('      Материал: бронза');
      if (n === LAST) lines.push('      Материал: сталь');
    }
    return `${lines.join('\n')}\n`;
  }

  it('sums up a product whose goods span batches, and finds every product by its own words', async () => {
    const supplier = await createSupplier(t);
    const result = await importFile(t, supplier.headers, twoBatches());
    expect(result.status).toBe('succeeded');
    expect(result.counts).toMatchObject({ total: LAST, created: LAST, rejected: 0 });

    const productNamed = async (name: string) =>
      (await t.runtime.db.select().from(products).where(eq(products.normalizedName, name)))[0];
    const hammer = await productNamed('молоток 1');
    // Both goods count: the first batch's (100.00, none in stock) and the second's (50.25, in stock).
    expect({
      offers: hammer.offerCount,
      min: hammer.minPrice,
      max: hammer.maxPrice,
      inStock: hammer.inStock,
      inStockMin: hammer.inStockMinPrice,
    }).toEqual({ offers: 2, min: '50.25', max: '100.00', inStock: true, inStockMin: '50.25' });
    const hammerOffers = await t.runtime.db.select().from(offers).where(eq(offers.productId, hammer.id));
    expect(hammerOffers.map((o) => o.externalId).sort()).toEqual(['g1', `g${SPANNING}`]);

    // Each product's search text holds its own goods' words, whichever batch brought them.
    const search = async (q: string) =>
      (await t.app.inject({ method: 'GET', url: `/api/v2/products?q=${encodeURIComponent(q)}` }))
        .json()
        .items.map((item: { id: number }) => item.id);
    expect(await search('титан')).toEqual([hammer.id]);
    expect(await search('бронза')).toEqual([(await productNamed('молоток 2')).id]);
    expect(await search('сталь')).toEqual([(await productNamed(`молоток ${LAST}`)).id]);

    // A number in the first batch, text in the second: the characteristic is text.
    const [weight] = await t.runtime.db.select().from(parameters).where(eq(parameters.normalizedName, 'вес'));
    expect(weight.kind).toBe('text');

    // Every other product is one good's.
    const [{ single }] = await t.runtime.database.query<{ single: number }>(
      `select count(*)::integer as single from products p join categories c on c.id = p.category_id
       where c.name = 'Инструменты' and p.offer_count = 1 and p.min_price = 100`,
    );
    expect(single).toBe(LAST - 2);

    const again = await importFile(t, supplier.headers, twoBatches());
    expect(again.counts).toMatchObject({ created: 0, updated: 0, unchanged: LAST });
  });

  it.skipIf(!onPostgresServer())('shows its progress while its transaction still runs', async () => {
    const supplier = await createSupplier(t);
    // A word only this file has, held uncommitted by another transaction: the import, having
    // written every batch, waits on it when it adds its words for typo correction.
    const word = `zk${Math.random()
      .toString(36)
      .replace(/[^a-z]/g, '')
      .slice(0, 8)}`;
    const other = await t.runtime.database.pool!.connect();
    try {
      await other.query('begin');
      await other.query('insert into search_words (word) values ($1)', [word]);
      const running = importPriceList(t.runtime, {
        shopId: supplier.shop.id,
        content: Buffer.from(twoBatches(` ${word}`)),
      });
      await someoneWaitsForALock(other);
      const [seen] = await t.runtime.db.select().from(imports).where(eq(imports.shopId, supplier.shop.id));
      expect({ status: seen.status, phase: seen.phase, progress: seen.progress }).toEqual({
        status: 'running',
        phase: 'apply',
        progress: 95,
      });
      await other.query('rollback');
      expect(await running).toMatchObject({ status: 'succeeded', progress: 100, created: LAST });
    } finally {
      other.release();
    }
  });
});
