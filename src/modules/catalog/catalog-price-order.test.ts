// A category's first page cheapest first, with offer filters, is read by walking the category's
// offers in price order (the first products met are the page) and falls back to aggregating every
// matching offer when the walk meets too few products. Both must give what the aggregate gives.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createOffer,
  createShop,
  findOrCreateCategory,
  type ListedProduct,
} from '../../../test/factories/catalog.ts';
import { buildTestApp, type TestApp } from '../../../test/helpers/app.ts';

let t: TestApp;
let category: number;

type Item = ListedProduct;

async function list(query: string): Promise<{ items: Item[]; next_cursor: string | null }> {
  const res = await t.app.inject({ method: 'GET', url: `/api/v2/products?${query}` });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

/** Every page of a list, following the cursor. */
async function walkPages(query: string): Promise<Item[]> {
  const items: Item[] = [];
  let cursor: string | null = null;
  do {
    const page = await list(`${query}${cursor ? `&cursor=${cursor}` : ''}`);
    items.push(...page.items);
    cursor = page.next_cursor;
  } while (cursor);
  return items;
}

beforeAll(async () => {
  t = await buildTestApp();
  category = await findOrCreateCategory(t.runtime, 'Телевизоры');
  // One product offered by ten shops, the cheapest offer out of stock: more offers than a short
  // page's walk reads.
  for (let i = 0; i < 10; i += 1) {
    const shop = await createShop(t.runtime);
    await createOffer(t.runtime, {
      shopId: shop.id,
      name: 'Популярный телевизор',
      categoryName: 'Телевизоры',
      price: i === 0 ? '5.00' : `${9 + i}.50`,
      quantity: i === 0 ? 0 : 1,
    });
  }
  const other = await createShop(t.runtime);
  for (let i = 0; i < 12; i += 1) {
    await createOffer(t.runtime, {
      shopId: other.id,
      name: `Телевизор ${String.fromCharCode(1040 + i)}`,
      categoryName: 'Телевизоры',
      price: 20 + (i % 4),
      quantity: i % 3,
    });
  }
  // Elsewhere: never on the category's pages.
  await createOffer(t.runtime, {
    shopId: other.id,
    name: 'Чайник',
    categoryName: 'Кухня',
    price: 1,
    quantity: 5,
  });
});
afterAll(() => t?.close());

describe('a category cheapest first, with offer filters', () => {
  for (const filter of ['price_min=0', 'in_stock=true', 'price_min=10&price_max=21']) {
    it(`gives the aggregate's pages (${filter})`, async () => {
      // Without a category the list aggregates every matching offer: the reference.
      const reference = (await list(`${filter}&sort=price&limit=100`)).items.filter(
        (item) => item.category.id === category,
      );
      expect(reference.length).toBeGreaterThan(5);
      for (const limit of [1, 2, 3, 5, 50]) {
        const first = await list(`category=${category}&${filter}&sort=price&limit=${limit}`);
        expect(first.items).toEqual(reference.slice(0, limit));
        expect(await walkPages(`category=${category}&${filter}&sort=price&limit=${limit}`)).toEqual(
          reference,
        );
      }
    });
  }

  it('counts every matching offer of a product met early, and its stock', async () => {
    const [popular] = (await list(`category=${category}&price_min=0&sort=price&limit=2`)).items;
    expect(popular).toMatchObject({
      name: 'Популярный телевизор',
      best_price: '5.00',
      offer_count: 10,
      total_stock: 9,
    });
    const [inStock] = (await list(`category=${category}&in_stock=true&sort=price&limit=2`)).items;
    expect(inStock).toMatchObject({
      name: 'Популярный телевизор',
      best_price: '10.50',
      offer_count: 9,
      total_stock: 9,
    });
  });
});
