// The public catalog: shops, categories, products (filters, facets, sorting, keyset pagination),
// product detail with offers and family variants, and the flat list of offers.
//
// Only visible offers count anywhere: active, of a shop that accepts orders. A product is listed
// when it has a visible offer that matches every offer-level filter (shop, price range, stock,
// characteristics); the item then shows the best price, offer count and stock over those matching
// offers. Without offer-level filters the list reads the product summary kept by the database
// (products.offer_count, min_price, in_stock…), so an unfiltered or category list is one index scan.
import { eq, inArray, type SQL, sql } from 'drizzle-orm';
import type { Queryable } from '../../db/client.ts';
import { runPrepared } from '../../db/prepared.ts';
import { categories, offers, products } from '../../db/schema/catalog.ts';
import { CATALOG_CURRENCY } from './catalog-filters.ts';
import { type presentTerms, termsJsonSql } from './delivery-terms.ts';
import { catalogQuery } from './query.ts';
import { compileQuery, queryTokens } from './search.ts';

type ShopTerms = ReturnType<typeof presentTerms>;

export interface CharacteristicView {
  name: string;
  value: string;
  kind: string;
}

/** Characteristics of offers, by offer id, in parameter-name order. */
export async function characteristicsOf(
  db: Queryable,
  offerIds: number[],
): Promise<Map<number, CharacteristicView[]>> {
  const result = new Map<number, CharacteristicView[]>();
  if (offerIds.length === 0) return result;
  const found = await catalogQuery<{ offer_id: number; name: string; value: string; kind: string }>(
    db,
    sql`
      select op.offer_id, pa.name, op.value, pa.kind
      from offer_parameters op join parameters pa on pa.id = op.parameter_id
      where op.offer_id = any(${sql.param(offerIds)}::integer[])
      order by op.offer_id, pa.name collate "C"`,
  );
  for (const row of found) {
    let list = result.get(row.offer_id);
    if (!list) {
      list = [];
      result.set(row.offer_id, list);
    }
    list.push({ name: row.name, value: row.value, kind: row.kind });
  }
  return result;
}

/**
 * A product page as the JSON text of ProductDetailSchema: the product with its visible offers
 * (cheapest first) and its families' other units; undefined when hidden. One statement that builds
 * the whole body: the page is the hottest read after the list, and parsing the database's JSON only
 * to serialise it again was a third of the API's work per page.
 */
export async function getProductJson(db: Queryable, productId: number): Promise<string | undefined> {
  // Prepared: planning this statement took as long as running it.
  const [row] = await runPrepared<{ body: string }>(
    db,
    'catalog_product_detail_json',
    sql`
      with product as (
        select p.id, p.name, p.category_id, c.name as category_name
        from products p join categories c on c.id = p.category_id
        where p.id = ${productId} and p.offer_count > 0
      ), offer_rows as (
        select o.id, o.shop_id, s.name as shop_name, ${termsJsonSql('s')} as shop_terms, s.currency,
               o.external_id, o.model, o.name, o.price, o.price_rrc, o.quantity, o.characteristics
        from offers o join shops s on s.id = o.shop_id
        where o.product_id = ${productId} and o.is_active and s.accepting_orders
      ), variant_rows as (
        select distinct on (v.id) v.id, v.product_id, v.shop_id, v.model, v.name, v.price, v.quantity,
               v.characteristics
        from offer_rows o
        join offers v on v.shop_id = o.shop_id and v.model = o.model and v.product_id <> ${productId}
        join shops s on s.id = v.shop_id
        where o.model is not null and v.is_active and s.accepting_orders
        order by v.id
        limit 200
      ), chars as (
        -- Only for offers whose shown characteristics were not written (see offers.characteristics).
        select op.offer_id,
               json_agg(json_build_object('name', pa.name, 'value', op.value, 'kind', pa.kind) order by pa.name collate "C") as list
        from offer_parameters op join parameters pa on pa.id = op.parameter_id
        where op.offer_id in (select id from offer_rows where characteristics is null
                              union all select id from variant_rows where characteristics is null)
        group by op.offer_id
      )
      select json_build_object(
        'id', p.id, 'name', p.name,
        'category', json_build_object('id', p.category_id, 'name', p.category_name),
        'best_price', (select min(o.price) from offer_rows o)::text,
        'currency', ${CATALOG_CURRENCY}::text,
        'offer_count', (select count(*) from offer_rows),
        'total_stock', (select sum(o.quantity) from offer_rows o),
        'offers', (select json_agg(json_build_object(
            'id', o.id, 'shop', json_build_object('id', o.shop_id, 'name', o.shop_name, 'terms', o.shop_terms),
            'external_id', o.external_id, 'model', o.model, 'name', o.name,
            'price', o.price::text, 'price_rrc', o.price_rrc::text, 'currency', o.currency,
            'quantity', o.quantity, 'in_stock', o.quantity > 0,
            'characteristics', coalesce(o.characteristics, ch.list, '[]'::json)) order by o.price, o.id)
          from offer_rows o left join chars ch on ch.offer_id = o.id),
        'variants', coalesce((select json_agg(json_build_object(
            'product_id', v.product_id, 'offer_id', v.id, 'shop_id', v.shop_id, 'model', v.model,
            'name', v.name, 'price', v.price::text, 'quantity', v.quantity,
            'characteristics', coalesce(v.characteristics, ch.list, '[]'::json)) order by v.model, v.name, v.id)
          from variant_rows v left join chars ch on ch.offer_id = v.id), '[]'::json)
      )::text as body
      from product p
      where exists (select 1 from offer_rows)`,
  );
  return row?.body;
}

export interface OfferFilters {
  shop?: number;
  category?: number;
  q?: string;
  /** Offers after this id (keyset). */
  afterId?: number;
  limit: number;
}

export interface OfferView {
  id: number;
  product_id: number;
  shop: { id: number; name: string; terms: ShopTerms };
  category: { id: number; name: string };
  external_id: string;
  model: string | null;
  name: string;
  price: string;
  price_rrc: string;
  currency: string;
  quantity: number;
  characteristics: CharacteristicView[];
}

/** Visible offers by id: the flat list (what the v1 adapter serves as `products`). */
export async function listOffers(db: Queryable, filters: OfferFilters): Promise<OfferView[]> {
  const where: SQL[] = [sql`o.is_active`, sql`s.accepting_orders`];
  if (filters.shop !== undefined) where.push(sql`o.shop_id = ${filters.shop}`);
  if (filters.category !== undefined) where.push(sql`p.category_id = ${filters.category}`);
  if (filters.afterId !== undefined) where.push(sql`o.id > ${filters.afterId}`);
  if (filters.q !== undefined) {
    const { query } = await compileQuery(db, queryTokens(filters.q));
    if (query === null) return [];
    where.push(
      sql`exists (select 1 from product_search ps where ps.product_id = p.id and ps.search_vector @@ ${query}::tsquery)`,
    );
  }
  const found = await catalogQuery<{
    id: number;
    product_id: number;
    shop_id: number;
    shop_name: string;
    shop_terms: ShopTerms;
    category_id: number;
    category_name: string;
    external_id: string;
    model: string | null;
    name: string;
    price: string;
    price_rrc: string;
    currency: string;
    quantity: number;
    characteristics: CharacteristicView[] | null;
  }>(
    db,
    sql`
      select o.id, o.product_id, o.shop_id, s.name as shop_name, ${termsJsonSql('s')} as shop_terms,
             p.category_id, c.name as category_name,
             o.external_id, o.model, o.name, o.price::text as price, o.price_rrc::text as price_rrc,
             s.currency, o.quantity, o.characteristics
      from offers o
      join shops s on s.id = o.shop_id
      join products p on p.id = o.product_id
      join categories c on c.id = p.category_id
      where ${sql.join(where, sql` and `)}
      order by o.id
      limit ${filters.limit}`,
  );
  // Built from the values only for offers whose shown characteristics were not written.
  const characteristics = await characteristicsOf(
    db,
    found.filter((o) => o.characteristics === null).map((o) => o.id),
  );
  return found.map((o) => ({
    id: o.id,
    product_id: o.product_id,
    shop: { id: o.shop_id, name: o.shop_name, terms: o.shop_terms },
    category: { id: o.category_id, name: o.category_name },
    external_id: o.external_id,
    model: o.model,
    name: o.name,
    price: o.price,
    price_rrc: o.price_rrc,
    currency: o.currency,
    quantity: o.quantity,
    characteristics: o.characteristics ?? characteristics.get(o.id) ?? [],
  }));
}

export interface CategoryView {
  id: number;
  name: string;
  product_count: number;
  normalized_name: string;
}

/** Categories by name with their visible product counts; empty ones only with `all`. */
export async function listCategories(
  db: Queryable,
  options: { all?: boolean; limit: number; after?: { name: string; id: number } },
): Promise<CategoryView[]> {
  return await catalogQuery<CategoryView>(
    db,
    sql`
      select * from (
        select c.id, c.name, c.normalized_name,
               (select count(*)::integer from products p where p.category_id = c.id and p.offer_count > 0) as product_count
        from categories c
        where c.merged_into_id is null
        ${options.after ? sql`and (c.normalized_name, c.id) > (${options.after.name}, ${options.after.id})` : sql``}
        order by c.normalized_name, c.id
      ) c
      ${options.all ? sql`` : sql`where c.product_count > 0`}
      limit ${options.limit}`,
  );
}

/** An offer as a basket or order line shows it, whatever its state. */
export interface OfferInfo {
  id: number;
  model: string | null;
  name: string;
  categoryName: string;
  shopId: number;
  stock: number;
  price: string;
  priceRrc: string;
  parameters: { name: string; value: string }[];
}

/**
 * Offers by id as they are now, for what basket and order lines show of their goods (v1's
 * `product_info`). Unlike the
 * catalog's listing this shows hidden offers too (deactivated, or of a shop that stopped accepting
 * orders): a basket or an order may hold goods the catalog no longer shows.
 */
export async function offersById(
  db: Queryable,
  offerIds: readonly number[],
): Promise<Map<number, OfferInfo>> {
  const ids = [...new Set(offerIds)];
  if (ids.length === 0) return new Map();
  // One after another: `db` may be a transaction, whose one connection runs one query at a time.
  const found = await db
    .select({
      id: offers.id,
      model: offers.model,
      name: offers.name,
      categoryName: categories.name,
      shopId: offers.shopId,
      stock: offers.quantity,
      price: offers.price,
      priceRrc: offers.priceRrc,
    })
    .from(offers)
    .innerJoin(products, eq(products.id, offers.productId))
    .innerJoin(categories, eq(categories.id, products.categoryId))
    .where(inArray(offers.id, ids));
  const characteristics = await characteristicsOf(db, ids);
  return new Map(
    found.map((offer) => [
      offer.id,
      {
        ...offer,
        parameters: (characteristics.get(offer.id) ?? []).map(({ name, value }) => ({ name, value })),
      },
    ]),
  );
}
