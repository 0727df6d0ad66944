// The pre-aggregated facet counts (migration 0035): the facets the API answers from them equal the
// facets the original query counts from the offers, and the counts equal a recount from the offers,
// after imports, an import that removes and changes goods, curation merges, a checkout that sells an
// offer out and its cancellation, a shop that stops and resumes accepting orders, and a random series
// of writes to offers and shops.
import { sql } from 'drizzle-orm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importFile } from '../../../test/factories/catalog.ts';
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
import { rowsOf } from '../../db/statement-queue.ts';
import type { ProductFilters } from './catalog-filters.ts';
import { generatePriceList } from './demo/generate.ts';
import { FACET_PARAMETERS, FACET_VALUES, NUMERIC_TEXT, productFacets } from './facets.service.ts';

let t: TestApp;
let staff: Actor;
let buyer: Buyer;
const suppliers: Supplier[] = [];

function file(shop: number, goods: number, seed: number): string {
  return generatePriceList({ shop, shopName: `Склад ${shop + 1}`, goods, seed });
}

beforeAll(async () => {
  t = await buildTestApp({ env: { CATALOG_CACHE_MB: '0', RATE_LIMIT: 'false' } });
  staff = await createStaff(t);
  buyer = await createBuyer(t);
  for (let shop = 0; shop < 3; shop += 1) {
    const supplier = await createSupplier(t, { shop: { name: `Склад ${shop + 1}` } });
    suppliers.push(supplier);
    expect((await importFile(t, supplier.headers, file(shop, 80, 0))).status).toBe('succeeded');
  }
});
afterAll(() => t?.close());

async function query<T>(statement: ReturnType<typeof sql>): Promise<T[]> {
  return rowsOf<T>(await t.runtime.db.execute(statement));
}

/** The categories with listed products, most products first. */
async function categoryIds(): Promise<number[]> {
  const rows = await query<{ category_id: number }>(sql`
    select category_id from offers o join shops s on s.id = o.shop_id
    where o.is_active and s.accepting_orders
    group by category_id order by count(distinct product_id) desc, category_id`);
  return rows.map((row) => row.category_id);
}

function path(filters: ProductFilters): string {
  const query = new URLSearchParams();
  if (filters.category !== undefined) query.set('category', String(filters.category));
  if (filters.inStock) query.set('in_stock', 'true');
  return `/api/v2/products/facets?${query}`;
}

/** The API's facets (from the counts) equal the original query's, for the catalog and categories. */
async function expectFacetsAgree(): Promise<void> {
  const categories = await categoryIds();
  const filterSets: ProductFilters[] = [];
  for (const category of [undefined, ...categories.slice(0, 3), categories.at(-1)]) {
    filterSets.push({ category }, { category, inStock: true });
  }
  for (const filters of filterSets) {
    const res = await t.app.inject({ method: 'GET', url: path(filters) });
    expect(res.statusCode, res.body).toBe(200);
    const original = await productFacets(t.runtime.db, filters, { aggregates: false });
    expect(res.json(), JSON.stringify(filters)).toEqual(JSON.parse(JSON.stringify(original)));
  }
}

/** Recounted from the offers: products per category and key, and per key in stock. */
const RECOUNT = sql`
  select o.category_id, k.key, count(distinct o.product_id)::integer as products,
         (count(distinct o.product_id) filter (where o.quantity > 0))::integer as in_stock
  from offers o join shops s on s.id = o.shop_id
  cross join lateral unnest(o.facet_keys || array['*', 'shop:' || o.shop_id]) as k(key)
  where o.is_active and s.accepting_orders
  group by o.category_id, k.key
  order by 1, 2`;

const STORED = sql`
  select category_id, key, sum(products)::integer as products, sum(in_stock)::integer as in_stock
  from category_facet_counts where category_id <> 0 group by category_id, key
  having sum(products) <> 0 or sum(in_stock) <> 0
  order by 1, 2`;

async function expectCountsEqualRecount(): Promise<void> {
  const [stored, recount] = [await query(STORED), await query(RECOUNT)];
  expect(stored.length).toBeGreaterThan(0);
  expect(stored).toEqual(recount);
  // Category 0, the whole catalog: products over every category.
  const catalog = await query(sql`
    select key, sum(products)::integer as products, sum(in_stock)::integer as in_stock
    from category_facet_counts where category_id = 0 group by key
    having sum(products) <> 0 or sum(in_stock) <> 0 order by key`);
  const catalogRecount = await query(sql`
    select k.key, count(distinct o.product_id)::integer as products,
           (count(distinct o.product_id) filter (where o.quantity > 0))::integer as in_stock
    from offers o join shops s on s.id = o.shop_id
    cross join lateral unnest(o.facet_keys || array['*', 'shop:' || o.shop_id]) as k(key)
    where o.is_active and s.accepting_orders
    group by k.key order by k.key`);
  expect(catalog).toEqual(catalogRecount);
  // No shard ever goes below zero, and each product's keys are its visible offers' keys.
  const [negative] = await query<{ n: number }>(
    sql`select count(*)::integer as n from category_facet_counts where products < 0 or in_stock < 0`,
  );
  expect(negative.n).toBe(0);
  const [stale] = await query<{ n: number }>(sql`
    with fresh as (
      select o.product_id, o.category_id, array_agg(distinct k.key order by k.key) as keys,
             coalesce(array_agg(distinct k.key order by k.key) filter (where o.quantity > 0), '{}') as stock_keys
      from offers o join shops s on s.id = o.shop_id
      cross join lateral unnest(o.facet_keys || array['*', 'shop:' || o.shop_id]) as k(key)
      where o.is_active and s.accepting_orders
      group by o.product_id, o.category_id
    )
    select count(*)::integer as n from fresh f full join product_facets pf
      on pf.product_id = f.product_id and pf.category_id = f.category_id
    where (f.keys, f.stock_keys) is distinct from (pf.keys, pf.stock_keys)`);
  expect(stale.n).toBe(0);
}

/**
 * The characteristics and values shown, by the plain rule: every value of every characteristic
 * ranked (count, then value key), recounted from the offers — what `parameterRows` must give while
 * it sorts only the values that can be shown.
 */
async function rankedEveryValue(filters: ProductFilters) {
  const where = sql.join(
    [
      sql`o.is_active and s.accepting_orders`,
      ...(filters.category !== undefined ? [sql`o.category_id = ${filters.category}`] : []),
      ...(filters.inStock ? [sql`o.quantity > 0`] : []),
    ],
    sql` and `,
  );
  const rows = await query<{
    parameter_id: number;
    name: string;
    kind: string;
    value: string;
    count: number;
    min: string | null;
    max: string | null;
    values_of_parameter: number;
  }>(sql`
    with v as (
      select k.key, count(distinct o.product_id)::integer as count
      from offers o join shops s on s.id = o.shop_id cross join lateral unnest(o.facet_keys) as k(key)
      where ${where} group by k.key
    ), s as (
      select split_part(v.key, ':', 1)::integer as parameter_id,
             substr(v.key, strpos(v.key, ':') + 1) as value_key, v.count
      from v
    ), ranked as (
      select s.*, pa.name, pa.kind,
             row_number() over (partition by s.parameter_id order by s.count desc, s.value_key) as n,
             count(*) over (partition by s.parameter_id) as values_of_parameter,
             sum(s.count) over (partition by s.parameter_id) as coverage,
             min(case when pa.kind = 'number' and s.value_key ~ ${NUMERIC_TEXT} then s.value_key::numeric end)
               over (partition by s.parameter_id) as low,
             max(case when pa.kind = 'number' and s.value_key ~ ${NUMERIC_TEXT} then s.value_key::numeric end)
               over (partition by s.parameter_id) as high
      from s join parameters pa on pa.id = s.parameter_id
    ), top as (
      select parameter_id from ranked where n = 1 order by coverage desc, parameter_id limit ${FACET_PARAMETERS}
    )
    select r.parameter_id, r.name, r.kind,
           coalesce((select op.value from offer_parameters op
                     where op.parameter_id = r.parameter_id and op.value_key = r.value_key
                     order by op.offer_id limit 1), r.value_key) as value,
           r.count, r.low::text as min, r.high::text as max, r.values_of_parameter::integer as values_of_parameter
    from ranked r join top t on t.parameter_id = r.parameter_id
    where r.n <= ${FACET_VALUES}
    order by r.coverage desc, r.parameter_id, r.count desc, r.value_key`);
  const groups = new Map<
    number,
    {
      id: number;
      name: string;
      kind: string;
      values: { value: string; count: number }[];
      min: string | null;
      max: string | null;
    }
  >();
  for (const row of rows) {
    let group = groups.get(row.parameter_id);
    if (!group) {
      group = {
        id: row.parameter_id,
        name: row.name,
        kind: row.kind,
        values: [],
        min: row.kind === 'number' ? row.min : null,
        max: row.kind === 'number' ? row.max : null,
      };
      groups.set(row.parameter_id, group);
    }
    group.values.push({ value: row.value, count: row.count });
  }
  for (const group of groups.values()) {
    if (group.kind === 'number') group.values.sort((a, b) => Number(a.value) - Number(b.value));
  }
  const mostValues = Math.max(0, ...rows.map((row) => row.values_of_parameter));
  return { parameters: [...groups.values()], mostValues };
}

/** The API's characteristics equal ranking every value, for the catalog and categories. */
async function expectValuesAsRankingEvery(): Promise<void> {
  const categories = await categoryIds();
  let mostValues = 0;
  for (const category of [undefined, ...categories.slice(0, 3)]) {
    for (const filters of [{ category }, { category, inStock: true }] as ProductFilters[]) {
      const res = await t.app.inject({ method: 'GET', url: path(filters) });
      expect(res.statusCode, res.body).toBe(200);
      const reference = await rankedEveryValue(filters);
      expect(res.json().parameters, JSON.stringify(filters)).toEqual(reference.parameters);
      mostValues = Math.max(mostValues, reference.mostValues);
    }
  }
  // Some characteristic has more values than are shown: the cut is tested, not only the order.
  expect(mostValues).toBeGreaterThan(FACET_VALUES);
}

async function expectAllAgree(): Promise<void> {
  await expectCountsEqualRecount();
  await expectFacetsAgree();
  await expectValuesAsRankingEvery();
}

describe('pre-aggregated facet counts', () => {
  it('agree with the offers after imports of several shops', async () => {
    await expectAllAgree();
    const res = await t.app.inject({ method: 'GET', url: '/api/v2/products/facets' });
    const body = res.json();
    expect(body.total).toBeGreaterThan(0);
    expect(body.shops).toHaveLength(3);
    expect(body.parameters.length).toBeGreaterThan(0);
  });

  it('agree after imports refreshing more products than one statement does', async () => {
    // On PGlite the import refreshes facets 100 products a statement and adds the counts' differences
    // up itself (import-facets.ts): 260 new goods, then the same shop with other stock and values.
    const supplier = await createSupplier(t, { shop: { name: 'Склад 9' } });
    expect((await importFile(t, supplier.headers, file(8, 260, 1))).status).toBe('succeeded');
    await expectAllAgree();
    expect((await importFile(t, supplier.headers, file(8, 230, 5))).status).toBe('succeeded');
    await expectAllAgree();
  });

  it('agree after an import that removes and changes goods', async () => {
    // Fewer goods (the rest deactivated), another seed (prices, stock and characteristics change).
    const done = await importFile(t, suppliers[0].headers, file(0, 50, 7));
    expect(done.status).toBe('succeeded');
    expect(done.counts.deactivated).toBeGreaterThan(0);
    await expectAllAgree();
  });

  it('agree after curation merges a category and a characteristic', async () => {
    const [first, second] = await categoryIds();
    const merged = await t.app.inject({
      method: 'POST',
      url: `/api/v2/admin/categories/${second}/merge`,
      headers: staff.headers,
      payload: { into: first },
    });
    expect(merged.statusCode, merged.body).toBe(200);
    await expectAllAgree();
    const [source, target] = await query<{ id: number }>(sql`
      select parameter_id as id from offer_parameters group by parameter_id order by count(*) desc, parameter_id limit 2`);
    const res = await t.app.inject({
      method: 'POST',
      url: `/api/v2/admin/parameters/${source.id}/merge`,
      headers: staff.headers,
      payload: { into: target.id },
    });
    expect(res.statusCode, res.body).toBe(200);
    await expectAllAgree();
  });

  it('agree after a checkout sells out an offer and its cancellation returns the stock', async () => {
    // An offer whose product has no other offer in stock: selling it out changes the in-stock counts.
    const [offer] = await query<{ id: number; quantity: number; product_id: number }>(sql`
      select o.id, o.quantity, o.product_id from offers o join shops s on s.id = o.shop_id
      where o.is_active and s.accepting_orders and o.quantity between 1 and 20
        and not exists (select 1 from offers x where x.product_id = o.product_id and x.id <> o.id and x.quantity > 0)
      order by o.id limit 1`);
    const inStock = async () =>
      (await t.app.inject({ method: 'GET', url: path({ inStock: true }) })).json().total;
    const before = await inStock();
    const order = await placeOrder(t, buyer, [{ offerId: offer.id, quantity: offer.quantity }]);
    expect(await inStock()).toBe(before - 1);
    await expectAllAgree();
    const canceled = await t.app.inject({
      method: 'POST',
      url: `/api/v2/orders/${order.id}/cancel`,
      headers: buyer.headers,
    });
    expect(canceled.statusCode, canceled.body).toBe(200);
    expect(await inStock()).toBe(before);
    await expectAllAgree();
  });

  it('agree while a shop stops and resumes accepting orders', async () => {
    const shop = suppliers[1].shop.id;
    const set = async (accepting: boolean) => {
      const res = await t.app.inject({
        method: 'PATCH',
        url: `/api/v2/admin/shops/${shop}`,
        headers: staff.headers,
        payload: { accepting_orders: accepting },
      });
      expect(res.statusCode, res.body).toBe(200);
    };
    await set(false);
    const facets = (await t.app.inject({ method: 'GET', url: '/api/v2/products/facets' })).json();
    expect(facets.shops.map((s: { id: number }) => s.id)).not.toContain(shop);
    await expectAllAgree();
    await set(true);
    await expectAllAgree();
  });

  it('equal a recount after a random series of writes to offers and shops', async () => {
    const offerIds = (await query<{ id: number }>(sql`select id from offers order by id`)).map((r) => r.id);
    const productIds = (await query<{ id: number }>(sql`select id from products order by id`)).map(
      (r) => r.id,
    );
    // The first shop keeps accepting orders: the catalog is never empty.
    const shopIds = suppliers.slice(1).map((s) => s.shop.id);
    const keys = (
      await query<{ key: string }>(sql`select distinct unnest(facet_keys) as key from offers`)
    ).map((r) => r.key);
    const offer = fc.constantFrom(...offerIds);
    const write = fc.oneof(
      fc.record({
        kind: fc.constant('stock' as const),
        offers: fc.uniqueArray(offer, { minLength: 1, maxLength: 4 }),
        quantity: fc.constantFrom(0, 0, 1, 5),
      }),
      fc.record({ kind: fc.constant('active' as const), offer, active: fc.boolean() }),
      fc.record({
        kind: fc.constant('keys' as const),
        offer,
        keys: fc.uniqueArray(fc.constantFrom(...keys), { maxLength: 3 }),
      }),
      fc.record({ kind: fc.constant('move' as const), offer, product: fc.constantFrom(...productIds) }),
      fc.record({
        kind: fc.constant('shop' as const),
        shop: fc.constantFrom(...shopIds),
        accepting: fc.boolean(),
      }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(write, { minLength: 1, maxLength: 6 }), async (writes) => {
        for (const w of writes) {
          if (w.kind === 'stock') {
            await t.runtime.db.execute(
              sql`update offers set quantity = ${w.quantity} where id = any(${sql.param(w.offers)}::integer[])`,
            );
          } else if (w.kind === 'active') {
            await t.runtime.db.execute(sql`update offers set is_active = ${w.active} where id = ${w.offer}`);
          } else if (w.kind === 'keys') {
            await t.runtime.db.execute(
              sql`update offers set facet_keys = ${sql.param(w.keys)}::text[] where id = ${w.offer}`,
            );
          } else if (w.kind === 'move') {
            // To another product (its category comes with it: catalog_offer_category).
            await t.runtime.db.execute(
              sql`update offers set product_id = ${w.product} where id = ${w.offer}`,
            );
          } else {
            await t.runtime.db.execute(
              sql`update shops set accepting_orders = ${w.accepting} where id = ${w.shop}`,
            );
          }
        }
        await expectCountsEqualRecount();
      }),
      { numRuns: 25 },
    );
    await t.runtime.db.execute(
      sql`update shops set accepting_orders = true where id = any(${sql.param(shopIds)}::integer[])`,
    );
    await expectAllAgree();
  });
});
