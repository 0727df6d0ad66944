import fs from 'node:fs';
import { eq } from 'drizzle-orm';
import { Value } from 'typebox/value';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importFile, type ListedProduct } from '../../../test/factories/catalog.ts';
import { createStaff, createSupplier, type Supplier } from '../../../test/factories/orders.ts';
import { buildTestApp, type TestApp } from '../../../test/helpers/app.ts';
import { offers } from '../../db/schema/catalog.ts';
import { ProductDetailSchema } from './catalog.schemas.ts';

/** The product page's schema with no room for undeclared properties, at any depth. */
const ClosedProductDetail = closed(ProductDetailSchema);
function closed<T>(schema: T): T {
  if (Array.isArray(schema)) return schema.map(closed) as T;
  if (schema === null || typeof schema !== 'object') return schema;
  const copy: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) copy[key] = closed(value);
  if (copy.type === 'object' && copy.properties) copy.additionalProperties = false;
  return copy as T;
}

const SAMPLE = fs.readFileSync(new URL('../../../test/fixtures/shop1.yaml', import.meta.url), 'utf8');

// A second supplier: some of the sample's products (same names, other prices), some of its own.
const SECOND = `shop: Электроника Оптом
categories:
  - id: 224
    name: Телевизоры
  - id: 3
    name: смартфоны
goods:
  - id: A1
    category: 3
    model: apple/iphone/xr
    name: Смартфон Apple iPhone XR 256GB (красный)
    price: 63500.50
    price_rrc: 69990
    quantity: 2
    parameters:
      "Цвет": красный
      "Встроенная память (Гб)": 256
  - id: A2
    category: 224
    model: samsung/qled
    name: Samsung QLED Q90R 65" 4K UHD Smart TV
    price: 2400
    price_rrc: 2999
    quantity: 0
    parameters:
      "Smart TV": true
      "Screen Size (inches)": 65
  - id: A3
    category: 224
    name: Телевизор Хайсенс 50 дюймов
    price: 31000
    price_rrc: 35000
    quantity: 5
    parameters:
      "Screen Size (inches)": 50
      "Smart TV": false
`;

let t: TestApp;
let first: Supplier;
let second: Supplier;

type Item = ListedProduct;

async function get(url: string, headers: Record<string, string> = {}) {
  const res = await t.app.inject({ method: 'GET', url, headers });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

async function names(query: string): Promise<string[]> {
  const body = await get(`/api/v2/products?${query}`);
  return body.items.map((item: Item) => item.name);
}

beforeAll(async () => {
  t = await buildTestApp({ workers: true });
  first = await createSupplier(t);
  second = await createSupplier(t);
  expect((await importFile(t, first.headers, SAMPLE)).status).toBe('succeeded');
  expect((await importFile(t, second.headers, SECOND)).status).toBe('succeeded');
});
afterAll(() => t?.close());

describe('product list', () => {
  it('lists products once with the best price, offer count and stock across suppliers', async () => {
    const body = await get('/api/v2/products?limit=200');
    expect(body.items).toHaveLength(15);
    const xr = body.items.find((item: Item) => item.name === 'Смартфон Apple iPhone XR 256GB (красный)');
    expect(xr).toMatchObject({
      best_price: '63500.50',
      currency: 'RUB',
      offer_count: 2,
      total_stock: 11,
      in_stock: true,
    });
    expect(xr.category.name).toBe('Смартфоны');
    const qled = body.items.find((item: Item) => item.name.startsWith('Samsung QLED'));
    expect(qled).toMatchObject({ best_price: '2400.00', offer_count: 2, total_stock: 4 });
  });

  it('sorts by price both ways, by name and by novelty', async () => {
    const cheapest = await get('/api/v2/products?sort=price&limit=3');
    expect(cheapest.items.map((i: Item) => i.best_price)).toEqual(['700.00', '1000.00', '1200.00']);
    const dearest = await get('/api/v2/products?sort=-price&limit=2');
    expect(dearest.items.map((i: Item) => i.best_price)).toEqual(['110000.00', '95000.00']);
    const byName = await names('sort=name&limit=200');
    expect(byName).toEqual([...byName].sort((a, b) => (a.toLowerCase() < b.toLowerCase() ? -1 : 1)));
    const newest = await names('sort=new&limit=1');
    expect(newest).toEqual(['Телевизор Хайсенс 50 дюймов']);
  });

  it('filters by category, shop, price range, stock and characteristics', async () => {
    const categories = await get('/api/v2/categories');
    const tv = categories.items.find((c: { name: string }) => c.name === 'Телевизоры');
    expect(tv.product_count).toBe(6);
    expect(await names(`category=${tv.id}&price_min=1000&price_max=2500&sort=price`)).toEqual([
      'Vizio P-Series Quantum 65" 4K UHD Smart TV',
      'LG OLED CX 55" 4K UHD Smart TV',
      'Samsung QLED Q90R 65" 4K UHD Smart TV',
    ]);
    // With a shop filter, the best price is that shop's.
    const secondOnly = await get(`/api/v2/products?shop=${second.shop.id}&sort=price`);
    expect(secondOnly.items.map((i: Item) => [i.name.slice(0, 14), i.best_price, i.offer_count])).toEqual([
      ['Samsung QLED Q', '2400.00', 1],
      ['Телевизор Хайс', '31000.00', 1],
      ['Смартфон Apple', '63500.50', 1],
    ]);
    // In stock: the second supplier's QLED has none, so the first's price shows.
    const inStock = await get(`/api/v2/products?category=${tv.id}&in_stock=true&sort=price&limit=50`);
    expect(inStock.items.find((i: Item) => i.name.startsWith('Samsung QLED')).best_price).toBe('2500.00');
    expect(await names(`param.Screen Size (inches)=65&sort=name`)).toEqual([
      'Samsung QLED Q90R 65" 4K UHD Smart TV',
      'Vizio P-Series Quantum 65" 4K UHD Smart TV',
    ]);
    expect(await names(`param.Screen Size (inches)=50..56&sort=name`)).toEqual([
      'LG OLED CX 55" 4K UHD Smart TV',
      'TCL 6-Series 55" 4K UHD Smart TV',
      'Телевизор Хайсенс 50 дюймов',
    ]);
    expect(await names(`param.цвет=Красный&param.цвет=синий&sort=name`)).toEqual([
      'Смартфон Apple iPhone XR 128GB (синий)',
      'Смартфон Apple iPhone XR 256GB (красный)',
    ]);
    expect(await names(`param.Smart TV=нет`)).toEqual(['Телевизор Хайсенс 50 дюймов']);
    expect(await names(`param.No such thing=1`)).toEqual([]);
    // Within a category, value lists are tested on the offers' facet keys: the same answers.
    const phones = categories.items.find((c: { name: string }) => c.name === 'Смартфоны');
    expect(await names(`category=${phones.id}&param.цвет=Красный&param.цвет=синий&sort=name`)).toEqual([
      'Смартфон Apple iPhone XR 128GB (синий)',
      'Смартфон Apple iPhone XR 256GB (красный)',
    ]);
    expect(await names(`category=${tv.id}&param.Smart TV=нет`)).toEqual(['Телевизор Хайсенс 50 дюймов']);
    expect(await names(`category=${phones.id}&param.Smart TV=нет`)).toEqual([]);
    expect(await names(`category=${tv.id}&param.Screen Size (inches)=65&sort=name`)).toEqual([
      'Samsung QLED Q90R 65" 4K UHD Smart TV',
      'Vizio P-Series Quantum 65" 4K UHD Smart TV',
    ]);
  });

  it('pages a name-sorted category list with offer filters, each product once, in name order', async () => {
    const categories = await get('/api/v2/categories');
    for (const category of categories.items as { id: number }[]) {
      for (const filter of ['price_min=0', 'in_stock=true', 'param.Smart TV=да&param.Smart TV=нет']) {
        const query = `category=${category.id}&${filter}&sort=name`;
        const whole = (await get(`/api/v2/products?${query}&limit=100`)).items as Item[];
        // The same products as the category's plain list, less those the filter drops.
        const plain = (await get(`/api/v2/products?category=${category.id}&sort=name&limit=100`))
          .items as Item[];
        expect(whole.map((i) => i.id)).toEqual(
          plain.map((i) => i.id).filter((id) => whole.some((w) => w.id === id)),
        );
        const paged: Item[] = [];
        let cursor: string | null = null;
        do {
          const page: { items: Item[]; next_cursor: string | null } = await get(
            `/api/v2/products?${query}&limit=1${cursor ? `&cursor=${cursor}` : ''}`,
          );
          paged.push(...page.items);
          cursor = page.next_cursor;
        } while (cursor);
        expect(paged).toEqual(whole);
      }
    }
    const tv = categories.items.find((c: { name: string }) => c.name === 'Телевизоры');
    const inStock = (await get(`/api/v2/products?category=${tv.id}&in_stock=true&sort=name`)).items as Item[];
    // The second supplier's QLED has no stock: the first supplier's offer alone makes the row.
    expect(inStock.find((i) => i.name.startsWith('Samsung QLED'))).toMatchObject({
      best_price: '2500.00',
      offer_count: 1,
    });
    expect(inStock.every((i) => i.total_stock > 0)).toBe(true);
  });

  it('rejects unknown query parameters and bad cursors with problems', async () => {
    const unknown = await t.app.inject({ method: 'GET', url: '/api/v2/products?colour=red' });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().code).toBe('validation_failed');
    const cursor = await t.app.inject({ method: 'GET', url: '/api/v2/products?cursor=bm9wZQ' });
    expect(cursor.statusCode).toBe(400);
    expect(cursor.json().code).toBe('invalid_cursor');
  });

  it('pages with a keyset cursor that stays stable while data changes', async () => {
    const page1 = await get('/api/v2/products?sort=price&limit=5');
    expect(page1.next_cursor).toBeTruthy();
    // Meanwhile: a cheaper product appears before the cursor, and a listed one goes away.
    const extra = `shop: Электроника Оптом\ncategories:\n  - id: 224\n    name: Телевизоры\n  - id: 3\n    name: смартфоны\ngoods:\n${SECOND.split('goods:\n')[1]}  - id: A4\n    category: 224\n    name: Самый дешёвый телевизор\n    price: 1\n    quantity: 1\n`;
    expect((await importFile(t, second.headers, extra)).counts.created).toBe(1);
    const page2 = await get(`/api/v2/products?sort=price&limit=5&cursor=${page1.next_cursor}`);
    const seen = [...page1.items, ...page2.items].map((i: Item) => i.id);
    expect(new Set(seen).size).toBe(seen.length);
    expect(page2.items.map((i: Item) => i.name)).not.toContain('Самый дешёвый телевизор');
    // Walking the rest of the list ends, with every product exactly once.
    let cursor = page2.next_cursor;
    while (cursor) {
      const next = await get(`/api/v2/products?sort=price&limit=5&cursor=${cursor}`);
      seen.push(...next.items.map((i: Item) => i.id));
      cursor = next.next_cursor;
    }
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toHaveLength(15);
    expect((await importFile(t, second.headers, SECOND)).counts.deactivated).toBe(1);
  });

  it('keeps the cursor stable while a listed product is deactivated or repriced between pages', async () => {
    const full = (await get('/api/v2/products?sort=price&limit=200')).items as Item[];
    const page1 = await get('/api/v2/products?sort=price&limit=5');
    expect(page1.items.map((i: Item) => i.id)).toEqual(full.slice(0, 5).map((i) => i.id));
    // Two products after the cursor that only the first supplier offers: one goes away, one
    // becomes the cheapest of all (it moves before the cursor).
    const later = full.slice(5).filter((i) => i.offer_count === 1);
    const ownOffer = async (productId: number) => {
      const rows = await t.runtime.db.select().from(offers).where(eq(offers.productId, productId));
      return rows.find((o) => o.shopId === first.shop.id);
    };
    const candidates = [];
    for (const item of later) {
      const offer = await ownOffer(item.id);
      if (offer) candidates.push({ item, offer });
    }
    expect(candidates.length).toBeGreaterThanOrEqual(2);
    const [gone, repriced] = candidates;
    const start = SAMPLE.indexOf(`  - id: ${gone.offer.externalId}\n`);
    const end = SAMPLE.indexOf('\n  - id: ', start + 1);
    let file = SAMPLE.slice(0, start) + (end < 0 ? '' : SAMPLE.slice(end + 1));
    const at = file.indexOf(`  - id: ${repriced.offer.externalId}\n`);
    const priceAt = file.indexOf('    price: ', at);
    file = `${file.slice(0, priceAt)}    price: 1${file.slice(file.indexOf('\n', priceAt))}`;
    expect((await importFile(t, first.headers, file)).counts).toMatchObject({ updated: 1, deactivated: 1 });

    const rest: Item[] = [];
    let cursor = page1.next_cursor;
    while (cursor) {
      const next = await get(`/api/v2/products?sort=price&limit=5&cursor=${cursor}`);
      rest.push(...next.items);
      cursor = next.next_cursor;
    }
    // Every untouched product after the cursor exactly once, in order; neither changed one shows.
    expect(rest.map((i) => i.id)).toEqual(
      full
        .slice(5)
        .map((i) => i.id)
        .filter((id) => id !== gone.item.id && id !== repriced.item.id),
    );
    // A fresh first page shows the repriced product first.
    expect((await get('/api/v2/products?sort=price&limit=1')).items[0].id).toBe(repriced.item.id);
    expect((await importFile(t, first.headers, SAMPLE)).counts).toMatchObject({ updated: 2 });
  });
});

describe('search', () => {
  it('understands Russian morphology and ranks name matches first', async () => {
    const found = await names('q=смартфоны');
    expect(found.length).toBeGreaterThanOrEqual(4);
    expect(found.slice(0, 4).every((name) => name.startsWith('Смартфон'))).toBe(true);
    expect(await names('q=телевизоры хайсенс')).toEqual(['Телевизор Хайсенс 50 дюймов']);
    // Stop words are in no search text: they do not have to match ("для", "и", "the").
    const phones = await get(`/api/v2/products?q=${encodeURIComponent('смартфоны для apple и the iphone')}`);
    expect(phones.corrected_query).toBeNull();
    expect(phones.items.map((i: Item) => i.name)).toEqual(
      expect.arrayContaining(['Смартфон Apple iPhone XR 256GB (красный)']),
    );
    expect(phones.items.every((i: Item) => i.name.startsWith('Смартфон Apple'))).toBe(true);
    expect(await names(`q=${encodeURIComponent('для и the')}`)).toEqual([]);
  });

  it('understands English morphology and characteristic values', async () => {
    expect(await names('q=drives&sort=name')).toEqual([
      'USB Flash Drive Kingston DataTraveler 32GB (red)',
      'USB Flash Drive SanDisk Ultra Flair 64GB (silver)',
    ]);
    expect(await names('q=mystic bronze')).toEqual([
      'Smartphone Samsung Galaxy Note20 256GB (mystic bronze)',
    ]);
    // A model key: "apple/iphone/xr" is found by "xr".
    expect((await names('q=xr')).length).toBe(3);
  });

  it('matches prefixes as the user types', async () => {
    // A brand typed in the other alphabet is transliterated: "самс" finds the Samsung goods as "sams" does.
    expect((await names('q=самс')).length).toBe(3);
    expect((await names('q=sams')).length).toBe(3);
    expect(await names('q=kingst')).toEqual(['USB Flash Drive Kingston DataTraveler 32GB (red)']);
    expect(await names('q=хайс')).toEqual(['Телевизор Хайсенс 50 дюймов']);
    // An earlier word the catalog has only as the start of a longer one was cut short: a prefix too.
    expect(await names('q=kingst usb')).toEqual(['USB Flash Drive Kingston DataTraveler 32GB (red)']);
    // A finished earlier word is matched as a word, with its forms.
    expect(await names('q=drive kingst')).toEqual(['USB Flash Drive Kingston DataTraveler 32GB (red)']);
  });

  it('corrects typos when nothing matches as typed', async () => {
    const samsung = await get('/api/v2/products?q=samsnug');
    expect(samsung.corrected_query).toBe('samsung');
    expect(samsung.items.length).toBe(3);
    const phone = await get('/api/v2/products?q=смартфом%20xioami');
    expect(phone.corrected_query).toBe('смартфон xiaomi');
    expect(phone.items.map((i: Item) => i.name)).toEqual([
      'Smartphone Xiaomi Mi 10T Pro 256GB (cosmic black)',
    ]);
    // "телевизр" is corrected to the category's word: every TV, the one named so first.
    const tv = await get('/api/v2/products?q=телевизр');
    expect(tv.corrected_query).toMatch(/^телевизор/);
    expect(tv.items).toHaveLength(6);
    expect(tv.items[0].name).toBe('Телевизор Хайсенс 50 дюймов');
    // Its next pages, asked with the query as typed, go on with the corrected words.
    const seen: number[] = [];
    let cursor: string | null = null;
    do {
      const page: { items: Item[]; next_cursor: string | null; corrected_query: string | null } = await get(
        `/api/v2/products?q=samsnug&limit=1${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(page.corrected_query).toBe('samsung');
      expect(page.items).toHaveLength(1);
      seen.push(page.items[0].id);
      cursor = page.next_cursor;
    } while (cursor);
    expect(seen).toEqual(samsung.items.map((i: Item) => i.id));
    // Still nothing: the last words are dropped until something is found, and the answer says so.
    const fewer = await get(`/api/v2/products?q=${encodeURIComponent('смартфоны для дома')}`);
    expect(fewer.corrected_query).toBe('смартфоны для');
    expect(fewer.items.length).toBeGreaterThanOrEqual(4);
    expect(fewer.items.every((i: Item) => i.category.name === 'Смартфоны')).toBe(true);
    const both = await get(`/api/v2/products?q=${encodeURIComponent('смартфом xioami qwertyuiop')}`);
    expect(both.corrected_query).toBe('смартфон xiaomi');
    expect(both.items.map((i: Item) => i.name)).toEqual([
      'Smartphone Xiaomi Mi 10T Pro 256GB (cosmic black)',
    ]);
    const facets = await get(`/api/v2/products/facets?q=${encodeURIComponent('смартфоны для дома')}`);
    expect(facets.corrected_query).toBe('смартфоны для');
    expect(facets.total).toBe(fewer.items.length);
    const nothing = await get('/api/v2/products?q=qwertyuiop');
    expect(nothing).toEqual({ items: [], next_cursor: null, corrected_query: null });
  });

  it('pages search results by relevance', async () => {
    const page1 = await get('/api/v2/products?q=smart&limit=2');
    const page2 = await get(`/api/v2/products?q=smart&limit=2&cursor=${page1.next_cursor}`);
    const ids = [...page1.items, ...page2.items].map((i: Item) => i.id);
    expect(new Set(ids).size).toBe(4);
  });
});

describe('facets', () => {
  it('counts products per category, shop and characteristic value, each without its own filter', async () => {
    const all = await get('/api/v2/products/facets');
    expect(all.total).toBe(15);
    const byCategory = Object.fromEntries(
      all.categories.map((c: { name: string; count: number }) => [c.name, c.count]),
    );
    expect(byCategory).toEqual({ Смартфоны: 5, Телевизоры: 6, Аксессуары: 2, 'Flash-накопители': 2 });
    const byShop = Object.fromEntries(all.shops.map((s: { id: number; count: number }) => [s.id, s.count]));
    expect(byShop).toEqual({ [first.shop.id]: 14, [second.shop.id]: 3 });

    const tvs = await get('/api/v2/products/facets?param.Screen Size (inches)=65');
    expect(tvs.total).toBe(2);
    const size = tvs.parameters.find((p: { name: string }) => p.name === 'Screen Size (inches)');
    // Counted without its own filter: every size stays visible, in numeric order.
    expect(size.values).toEqual([
      { value: '6.2', count: 1 },
      { value: '6.67', count: 1 },
      { value: '6.7', count: 1 },
      { value: '50', count: 1 },
      { value: '55', count: 2 },
      { value: '65', count: 2 },
      { value: '75', count: 1 },
    ]);
    expect(size).toMatchObject({ kind: 'number', min: '6.2', max: '75' });
    const smart = tvs.parameters.find((p: { name: string }) => p.name === 'Smart TV');
    expect(smart.values).toEqual([{ value: 'true', count: 2 }]);
    expect(tvs.categories).toEqual([expect.objectContaining({ name: 'Телевизоры', count: 2 })]);

    // Within a category: its products' values only, as written in the price list.
    const tvId = tvs.categories[0].id;
    const inCategory = await get(`/api/v2/products/facets?category=${tvId}`);
    expect(inCategory.total).toBe(6);
    const sizes = inCategory.parameters.find((p: { name: string }) => p.name === 'Screen Size (inches)');
    expect(sizes).toMatchObject({ kind: 'number', min: '50', max: '75' });
    expect(sizes.values).toEqual([
      { value: '50', count: 1 },
      { value: '55', count: 2 },
      { value: '65', count: 2 },
      { value: '75', count: 1 },
    ]);
    const smartTv = inCategory.parameters.find((p: { name: string }) => p.name === 'Smart TV');
    expect(smartTv.values).toEqual([
      { value: 'true', count: 5 },
      { value: 'false', count: 1 },
    ]);
    const chosen = await get(`/api/v2/products/facets?category=${tvId}&param.Smart TV=нет`);
    expect(chosen.total).toBe(1);
    expect(chosen.parameters.find((p: { name: string }) => p.name === 'Smart TV').values).toHaveLength(2);
  });
});

describe('product detail and offers', () => {
  it('shows every visible offer, cheapest first, and the family’s other units', async () => {
    const [offer] = await t.runtime.db.select().from(offers).where(eq(offers.externalId, '4216313'));
    const product = await get(`/api/v2/products/${offer.productId}`);
    expect(product.name).toBe('Смартфон Apple iPhone XR 256GB (красный)');
    expect(product.offers.map((o: { price: string; shop: { id: number } }) => [o.shop.id, o.price])).toEqual([
      [second.shop.id, '63500.50'],
      [first.shop.id, '65000.00'],
    ]);
    expect(product.offers[1].characteristics).toContainEqual({
      name: 'Цвет',
      value: 'красный',
      kind: 'text',
    });
    expect(product).toMatchObject({
      best_price: '63500.50',
      currency: 'RUB',
      offer_count: 2,
      total_stock: 11,
    });
    // The body is built by the database and sent as it is: it must be exactly the declared schema.
    expect(Value.Errors(ClosedProductDetail, product)).toEqual([]);
    // The other XR units of both suppliers' apple/iphone/xr families.
    expect(product.variants.map((v: { name: string }) => v.name).sort()).toEqual([
      'Смартфон Apple iPhone XR 128GB (синий)',
      'Смартфон Apple iPhone XR 256GB (черный)',
    ]);
  });

  it('builds an offer’s characteristics from its values when no shown ones were written', async () => {
    const [offer] = await t.runtime.db.select().from(offers).where(eq(offers.externalId, '4216313'));
    const before = await get(`/api/v2/products/${offer.productId}`);
    const flatBefore = await get(`/api/v2/offers?shop=${offer.shopId}&limit=100`);
    // Another writer (a tool, psql) leaves the shown characteristics unwritten.
    await t.runtime.db.update(offers).set({ characteristics: null }).where(eq(offers.id, offer.id));
    try {
      const after = await get(`/api/v2/products/${offer.productId}`);
      expect(after.offers).toEqual(before.offers);
      expect(after.variants).toEqual(before.variants);
      expect((await get(`/api/v2/offers?shop=${offer.shopId}&limit=100`)).items).toEqual(flatBefore.items);
      const shown = after.offers.find((o: { id: number }) => o.id === offer.id).characteristics;
      expect(shown).toContainEqual({ name: 'Цвет', value: 'красный', kind: 'text' });
    } finally {
      await t.runtime.database.query('select catalog_refresh_offer_characteristics(array[$1::integer])', [
        offer.id,
      ]);
    }
  });

  it('lists flat offers with filters and a cursor', async () => {
    const page = await get(`/api/v2/offers?shop=${first.shop.id}&limit=10`);
    expect(page.items).toHaveLength(10);
    const rest = await get(`/api/v2/offers?shop=${first.shop.id}&limit=10&cursor=${page.next_cursor}`);
    expect(rest.items).toHaveLength(4);
    expect(rest.next_cursor).toBeNull();
    const found = await get('/api/v2/offers?q=iphone');
    expect(found.items).toHaveLength(5);
    expect(found.items[0]).toMatchObject({ currency: 'RUB', price: expect.stringMatching(/^\d+\.\d{2}$/) });
  });
});

describe('a shop that stops accepting orders', () => {
  it('disappears from every catalog endpoint, and comes back', async () => {
    const patch = (accepting: boolean) =>
      t.app.inject({
        method: 'PATCH',
        url: '/api/v2/supplier/shop',
        headers: second.headers,
        payload: { accepting_orders: accepting },
      });
    const [own] = await t.runtime.db.select().from(offers).where(eq(offers.externalId, 'A3'));
    expect((await patch(false)).json().accepting_orders).toBe(false);

    const shopsList = await get('/api/v2/shops');
    expect(shopsList.items.map((s: { id: number }) => s.id)).not.toContain(second.shop.id);
    expect((await t.app.inject({ method: 'GET', url: `/api/v2/shops/${second.shop.id}` })).statusCode).toBe(
      404,
    );
    expect(await names('limit=200')).not.toContain('Телевизор Хайсенс 50 дюймов');
    expect((await get('/api/v2/products?limit=200')).items).toHaveLength(14);
    expect((await t.app.inject({ method: 'GET', url: `/api/v2/products/${own.productId}` })).statusCode).toBe(
      404,
    );
    expect((await get(`/api/v2/offers?shop=${second.shop.id}`)).items).toEqual([]);
    const facets = await get('/api/v2/products/facets');
    expect(facets.shops.map((s: { id: number }) => s.id)).toEqual([first.shop.id]);
    const xr = (await get('/api/v2/products?q=iphone xr 256 красный')).items[0];
    expect(xr).toMatchObject({ best_price: '65000.00', offer_count: 1 });
    const categories = await get('/api/v2/categories');
    expect(categories.items.find((c: { name: string }) => c.name === 'Телевизоры').product_count).toBe(5);
    // Staff still see it.
    const staff = await createStaff(t);
    const all = await get('/api/v2/shops?all=true', staff.headers);
    expect(all.items.map((s: { id: number }) => s.id)).toContain(second.shop.id);
    expect((await t.app.inject({ method: 'GET', url: '/api/v2/shops?all=true' })).statusCode).toBe(403);

    await patch(true);
    expect((await get('/api/v2/products?limit=200')).items).toHaveLength(15);
  });
});

describe('ranked search when the best matches are hidden', () => {
  const umbrellas = (shop: string, prefix: string, count: number) =>
    `shop: ${shop}\ncategories:\n  - id: 1\n    name: Зонты\ngoods:\n${Array.from(
      { length: count },
      (_, i) =>
        `  - id: ${prefix}${i}\n    category: 1\n    name: Зонт ${prefix} ${i}\n    price: 100\n    quantity: 1\n`,
    ).join('')}`;

  it('still finds the visible ones, page by page', async () => {
    const hidden = await createSupplier(t);
    const shown = await createSupplier(t);
    // The hidden shop's umbrellas come first (lower ids, equal rank): more than a page's candidates.
    expect((await importFile(t, hidden.headers, umbrellas('Скрытый', 'h', 8))).status).toBe('succeeded');
    expect((await importFile(t, shown.headers, umbrellas('Видимый', 'v', 2))).status).toBe('succeeded');
    const off = await t.app.inject({
      method: 'PATCH',
      url: '/api/v2/supplier/shop',
      headers: hidden.headers,
      payload: { accepting_orders: false },
    });
    expect(off.statusCode, off.body).toBe(200);

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await get(`/api/v2/products?q=зонт&limit=1${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...page.items.map((item: Item) => item.name));
      cursor = page.next_cursor;
    } while (cursor && seen.length < 10);
    expect(seen.sort()).toEqual(['Зонт v 0', 'Зонт v 1']);
    expect(await names('q=зонт&limit=20')).toHaveLength(2);
  });
});
