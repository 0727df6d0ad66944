// The import's SQL: each statement of the apply built from a batch of goods (columns unnested in
// SQL). Products by (category, normalised name) with their summary; new offers with their
// characteristics; stored offers updated in place, answering what changed.
import { hash } from 'node:crypto';
import { type SQL, sql } from 'drizzle-orm';
import { arrayLiteral } from '../../db/array-literal.ts';
import { param, type StatementQueue } from '../../db/statement-queue.ts';
import type { TxScope } from '../../db/transaction.ts';
import type { Staged } from './import-goods.ts';
import {
  characteristicsJsonOf,
  characteristicsUnnest,
  facetKeysLiteralOf,
  parametersJsonOf,
  type ShownParameter,
} from './import-parameters.ts';
import { productSearchInsert, searchVector } from './search-index.ts';

/** Good i as the import writes it: its characteristics, its facet keys and its digest. */
export interface RowImage {
  parameters: string;
  facetKeys: string;
  hash: string;
}

/**
 * The digest covers every column the import writes (quantity aside, which checkouts change and
 * which is compared as it is) and the characteristics' ids and keys.
 */
export function rowImage(
  staged: Staged,
  goodCategory: number[],
  parameterIds: Map<string, number>,
  i: number,
): RowImage {
  const parameters = parametersJsonOf(staged, i);
  const facetKeys = facetKeysLiteralOf(staged, parameterIds, i);
  const digest = hash(
    'sha1',
    [
      staged.externalIds[i],
      goodCategory[i],
      staged.normalizedNames[i],
      staged.models[i] ?? '\u0002',
      staged.names[i],
      staged.prices[i],
      staged.pricesRrc[i],
      parameters,
      facetKeys,
    ].join('\u0001'),
    'base64',
  );
  return { parameters, facetKeys, hash: digest };
}

export interface ProductGroup {
  categoryId: number;
  normalizedName: string;
  /** The first good's name as written. */
  name: string;
  /** Positions of the group's goods in the staged columns. */
  goods: number[];
  offerCount: number;
  minPrice: string | null;
  maxPrice: string | null;
  inStock: boolean;
  inStockMinPrice: string | null;
  /** Set once known: the product's id. */
  productId?: number;
}

function cents(price: string): bigint {
  return BigInt(price.replace('.', ''));
}

/** The given goods of the file by product, with the summary a product has when these are all its offers. */
export function groupProducts(
  staged: Staged,
  rows: number[],
  goodCategory: number[],
  accepting: boolean,
): ProductGroup[] {
  const byKey = new Map<string, ProductGroup>();
  for (const i of rows) {
    const key = `${goodCategory[i]}\u0000${staged.normalizedNames[i]}`;
    let group = byKey.get(key);
    if (!group) {
      group = {
        categoryId: goodCategory[i],
        normalizedName: staged.normalizedNames[i],
        name: staged.names[i],
        goods: [],
        offerCount: 0,
        minPrice: null,
        maxPrice: null,
        inStock: false,
        inStockMinPrice: null,
      };
      byKey.set(key, group);
    }
    group.goods.push(i);
    if (!accepting) continue;
    const price = staged.prices[i];
    group.offerCount += 1;
    if (group.minPrice === null || cents(price) < cents(group.minPrice)) group.minPrice = price;
    if (group.maxPrice === null || cents(price) > cents(group.maxPrice)) group.maxPrice = price;
    if (staged.quantities[i] > 0) {
      group.inStock = true;
      if (group.inStockMinPrice === null || cents(price) < cents(group.inStockMinPrice))
        group.inStockMinPrice = price;
    }
  }
  return [...byKey.values()];
}

/** What full-text search reads of each group, as array literals: name (A), models and category (B), text characteristic values (C). */
export interface SearchTexts {
  names: string;
  middle: string;
  values: string;
}

export function searchTexts(
  staged: Staged,
  groups: ProductGroup[],
  categoryNames: Map<number, string>,
): SearchTexts {
  const middle: string[] = [];
  const values: string[] = [];
  for (const group of groups) {
    const models = new Set<string>();
    const texts = new Set<string>();
    for (const i of group.goods) {
      const model = staged.models[i];
      if (model !== null) models.add(model.replace(/[/_\-.:]/g, ' '));
      for (let j = staged.paramStart[i]; j < staged.paramStart[i + 1]; j += 1) {
        if (staged.params.kind[j] === 'text') texts.add(staged.params.value[j]);
      }
    }
    middle.push(`${[...models].join(' ')} ${categoryNames.get(group.categoryId) ?? ''}`);
    values.push([...texts].join(' '));
  }
  return {
    names: arrayLiteral(groups.map((g) => g.name)),
    middle: arrayLiteral(middle),
    values: arrayLiteral(values),
  };
}

/**
 * One batch of product groups: the new ones inserted with their summary (and, with `stemHere`,
 * their search vector; else the caller writes the vectors), and every group's product id, by its
 * position in the batch (`ord`, from 1).
 */
export function productsStatement(groups: ProductGroup[], texts: SearchTexts, stemHere: boolean): SQL {
  const searchable = stemHere
    ? sql`, searchable as (
      ${productSearchInsert(sql`select c.id, ${sql.raw(searchVector('u.name', 't.middle', 't.characteristic_values'))}
      from created c join u on u.category_id = c.category_id and u.normalized_name = c.normalized_name
      join unnest(${param(texts.middle)}::text[], ${param(texts.values)}::text[])
        with ordinality as t(middle, characteristic_values, ord) on t.ord = u.ord`)}
    )`
    : sql``;
  // A product another transaction committed after this statement's snapshot is neither inserted
  // nor seen here: findProducts looks for it again.
  return sql`
    with u as (
      select * from unnest(
        ${param(arrayLiteral(groups.map((g) => g.categoryId)))}::integer[],
        ${param(texts.names)}::text[],
        ${param(arrayLiteral(groups.map((g) => g.normalizedName)))}::text[],
        ${param(arrayLiteral(groups.map((g) => g.offerCount)))}::integer[],
        ${param(arrayLiteral(groups.map((g) => g.minPrice)))}::numeric[],
        ${param(arrayLiteral(groups.map((g) => g.maxPrice)))}::numeric[],
        ${param(arrayLiteral(groups.map((g) => g.inStock)))}::boolean[],
        ${param(arrayLiteral(groups.map((g) => g.inStockMinPrice)))}::numeric[])
        with ordinality as u(category_id, name, normalized_name, offer_count, min_price, max_price, in_stock,
                             in_stock_min_price, ord)
    ), created as (
      insert into products (category_id, name, normalized_name, offer_count, min_price, max_price, in_stock, in_stock_min_price)
      select category_id, name, normalized_name, offer_count, min_price, max_price, in_stock, in_stock_min_price
      from u order by ord
      on conflict (category_id, normalized_name) do nothing
      returning id, category_id, normalized_name
    )${searchable}
    select c.id, u.ord::integer as ord, true as created
    from created c join u on u.category_id = c.category_id and u.normalized_name = c.normalized_name
    union all
    select p.id, u.ord::integer, false
    from u join products p on p.category_id = u.category_id and p.normalized_name = u.normalized_name`;
}

/**
 * The ids of the groups whose product the products statement did not see (committed meanwhile by
 * another import).
 */
export async function findProducts(queue: StatementQueue, groups: ProductGroup[]): Promise<void> {
  const missing = groups.filter((group) => group.productId === undefined);
  if (missing.length === 0) return;
  const rows = await queue.run<{ id: number; ord: number }>(
    'products',
    sql`
      select p.id, u.ord::integer as ord
      from unnest(${param(missing.map((g) => g.categoryId))}::integer[],
                  ${param(missing.map((g) => g.normalizedName))}::text[]) with ordinality as u(category_id, normalized_name, ord)
      join products p on p.category_id = u.category_id and p.normalized_name = u.normalized_name`,
  );
  for (const row of rows) missing[row.ord - 1].productId = row.id;
  const lost = missing.find((group) => group.productId === undefined);
  if (lost)
    throw new Error(
      `import: product (${lost.categoryId}, ${lost.normalizedName}) neither inserted nor found`,
    );
}

/** What the offer statements read of the file: its goods, with their category and product ids. */
export interface GoodsColumns {
  staged: Staged;
  goodCategory: number[];
  /** Images already made (by the comparison with the stored offer), by position. */
  images: (RowImage | undefined)[];
  parameterIds: Map<string, number>;
  /** Each characteristic's name and kind as shown, by id. */
  parameterShown: Map<number, ShownParameter>;
  productOf: Int32Array;
}

/** The given goods' columns as the offers statements take them, in this order. */
function offerColumns(goods: GoodsColumns, rows: number[]): SQL {
  const { staged, goodCategory, parameterIds, parameterShown, productOf } = goods;
  const images = rows.map((i) => goods.images[i] ?? rowImage(staged, goodCategory, parameterIds, i));
  const shown = rows.map((i) => characteristicsJsonOf(staged, parameterIds, parameterShown, i));
  return sql`
        ${param(arrayLiteral(rows.map((i) => productOf[i])))}::integer[],
        ${param(arrayLiteral(rows.map((i) => goodCategory[i])))}::integer[],
        ${param(arrayLiteral(rows.map((i) => staged.normalizedNames[i])))}::text[],
        ${param(arrayLiteral(rows.map((i) => staged.externalIds[i])))}::text[],
        ${param(arrayLiteral(rows.map((i) => staged.models[i])))}::text[],
        ${param(arrayLiteral(rows.map((i) => staged.names[i])))}::text[],
        ${param(arrayLiteral(rows.map((i) => staged.prices[i])))}::numeric[],
        ${param(arrayLiteral(rows.map((i) => staged.pricesRrc[i])))}::numeric[],
        ${param(arrayLiteral(rows.map((i) => staged.quantities[i])))}::integer[],
        ${param(arrayLiteral(images.map((image) => image.parameters)))}::jsonb[],
        ${param(arrayLiteral(images.map((image) => image.facetKeys)))}::text[],
        ${param(arrayLiteral(images.map((image) => image.hash)))}::text[],
        ${param(arrayLiteral(shown))}::json[]`;
}

const OFFER_COLUMNS = sql.raw(
  'product_id, category_id, product_name_key, external_id, model, name, price, price_rrc, quantity, parameters, facet_keys, import_hash, characteristics',
);

/**
 * One batch of new offers, inserted with their characteristics. The shop's import lock means
 * nobody else inserts this shop's offers meanwhile: none of them exists. An offer of a hidden
 * product is inserted hidden (its product joined: see storedOffersStatement).
 */
export function newOffersStatement(scope: TxScope, shopId: number, goods: GoodsColumns, rows: number[]): SQL {
  const { staged, parameterIds } = goods;
  const values = characteristicsUnnest(
    staged,
    parameterIds,
    rows.map((i) => ({ offer: staged.externalIds[i], index: i })),
    'text',
  );
  return sql`
    with added as (
      insert into offers (shop_id, ${OFFER_COLUMNS}, is_active, created_at, updated_at)
      select ${shopId}, u.product_id, u.category_id, u.product_name_key, u.external_id, u.model, u.name, u.price,
             u.price_rrc, u.quantity, u.parameters, u.facet_keys::text[], u.import_hash, u.characteristics,
             not np.hidden, ${scope.now}, ${scope.now}
      from unnest(${offerColumns(goods, rows)}) with ordinality as u(${OFFER_COLUMNS}, ord)
      join products np on np.id = u.product_id
      order by ord
      returning id, external_id
    ), valued as (
      insert into offer_parameters (offer_id, parameter_id, value, value_number, value_key)
      select a.id, v.parameter_id, v.value, v.value_number, v.value_key
      from ${values} as v(external_id, parameter_id, value, value_number, value_key)
      join added a on a.external_id = v.external_id
    )
    select count(*)::integer as count from added`;
}

/** A stored offer the import wrote, as it was before (`old_product_id`) and what changed. */
export interface ChangedOffer {
  id: number;
  idx: number;
  product_id: number;
  old_product_id: number;
  /** Any column other than the digest (else only the digest was brought up to date). */
  changed: boolean;
  /** Its product's search text reads it: model, characteristics, product, active flag. */
  search_changed: boolean;
  /** Characteristic values or ids: its offer_parameters rows are rewritten. */
  parameters_changed: boolean;
  /** What the facet counts read: product, category, visibility, stock crossing zero, facet keys. */
  facets_changed: boolean;
}

/**
 * One batch of stored offers, updated in place and reactivated. `old` is the row as this
 * statement found it (the statement's snapshot), so what changed is known without a second read.
 */
export function storedOffersStatement(
  scope: TxScope,
  goods: GoodsColumns,
  rows: { index: number; id: number }[],
): SQL {
  const indexes = rows.map((row) => row.index);
  // Every column the import writes but the digest, before and after.
  const contentColumns = [
    'product_id',
    'category_id',
    'product_name_key',
    'model',
    'name',
    'price',
    'price_rrc',
    'quantity',
    'is_active',
    'parameters',
    'facet_keys',
  ];
  const before = sql.raw(contentColumns.map((column) => `old.${column}`).join(', '));
  // Back in the price list, the offer is shown unless staff hid it or its product (moderation
  // outlives any number of imports). Its product (`np`) is joined, never asked with `not exists`:
  // the planner made that a hashed subplan reading every product, once per use (four uses: 48 ms
  // of a 1,000-offer statement at 100,000 products).
  const visible = 'not old.hidden and not np.hidden';
  const after = sql.raw(
    contentColumns
      .map((column) =>
        column === 'is_active'
          ? `(${visible})`
          : column === 'facet_keys'
            ? 'u.facet_keys::text[]'
            : `u.${column}`,
      )
      .join(', '),
  );
  return sql`
    update offers o set
      product_id = u.product_id,
      category_id = u.category_id,
      product_name_key = u.product_name_key,
      model = u.model,
      name = u.name,
      price = u.price,
      price_rrc = u.price_rrc,
      quantity = u.quantity,
      is_active = ${sql.raw(`(${visible})`)},
      in_price_list = true,
      parameters = u.parameters,
      facet_keys = u.facet_keys::text[],
      import_hash = u.import_hash,
      characteristics = u.characteristics,
      updated_at = case when (${before}) is distinct from (${after}) then ${scope.now}::timestamptz
                        else old.updated_at end
    from unnest(${param(arrayLiteral(rows.map((row) => row.id)))}::integer[],
                ${param(arrayLiteral(indexes))}::integer[],
                ${offerColumns(goods, indexes)}) as u(id, idx, ${OFFER_COLUMNS})
    join offers old on old.id = u.id
    join products np on np.id = u.product_id
    where o.id = u.id
    returning o.id, u.idx, o.product_id, old.product_id as old_product_id,
      (${before}) is distinct from (${after}) as changed,
      (old.product_id, old.model, old.parameters, old.is_active) is distinct from (u.product_id, u.model, u.parameters, ${sql.raw(`(${visible})`)}) as search_changed,
      (old.parameters, old.facet_keys) is distinct from (u.parameters, u.facet_keys::text[]) as parameters_changed,
      (old.product_id, old.category_id, old.is_active, old.quantity > 0, old.facet_keys)
        is distinct from (u.product_id, u.category_id, ${sql.raw(`(${visible})`)}, u.quantity > 0, u.facet_keys::text[])
        as facets_changed`;
}
