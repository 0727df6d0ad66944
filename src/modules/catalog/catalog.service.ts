// The public catalog: shops, categories, products (filters, facets, sorting, keyset pagination),
// product detail with offers and family variants, and the flat list of offers.
//
// Only visible offers count anywhere: active, of a shop that accepts orders. A product is listed
// when it has a visible offer that matches every offer-level filter (shop, price range, stock,
// characteristics); the item then shows the best price, offer count and stock over those matching
// offers. Without offer-level filters the list reads the product summary kept by the database
// (products.offer_count, min_price, in_stock…), so an unfiltered or category list is one index scan.
import { type SQL, sql } from 'drizzle-orm';
import type { Queryable } from '../../db/client.ts';
import { runPrepared } from '../../db/prepared.ts';
import type { ParameterKind } from '../../db/schema/catalog.ts';
import { AppError } from '../../http/errors.ts';
import {
  decodeKindCursor,
  encodeCursor,
  invalidCursor,
  kindCursor,
  pageOf,
  peekLimit,
} from '../../http/paging.ts';
import { normalizeName } from './normalize.ts';
import { catalogQuery } from './query.ts';
import { type CompiledQuery, compileQuery, correctTokens, queryTokens } from './search.ts';

/** Listings show amounts in the catalog's currency (every shop's default). */
export const CATALOG_CURRENCY = 'RUB';

export const PRODUCT_SORTS = ['relevance', 'price', '-price', 'name', 'new'] as const;
export type ProductSort = (typeof PRODUCT_SORTS)[number];

export interface ParameterFilter {
  /** The parameter's name as the client wrote it (matched by normalised name). */
  name: string;
  /** Values (any of them matches); a number kind also takes ranges "min..max". */
  values: string[];
}

export interface ProductFilters {
  q?: string;
  category?: number;
  shop?: number;
  priceMin?: string;
  priceMax?: string;
  inStock?: boolean;
  parameters?: ParameterFilter[];
}

export interface ProductListOptions extends ProductFilters {
  sort?: ProductSort;
  limit: number;
  cursor?: string;
}

export interface ProductListItem {
  id: number;
  name: string;
  category: { id: number; name: string };
  best_price: string;
  currency: string;
  offer_count: number;
  total_stock: number;
  in_stock: boolean;
}

export interface ProductPage {
  items: ProductListItem[];
  next_cursor: string | null;
  /** Set when the query found nothing as typed and was run with corrected words. */
  corrected_query: string | null;
}

interface ResolvedParameter {
  id: number;
  kind: ParameterKind;
  keys: string[];
  ranges: { min: string | null; max: string | null }[];
}

const DECIMAL = /^-?\d+(?:\.\d+)?$/;

/** Parameter filters by id, or null when a named parameter does not exist (nothing can match). */
async function resolveParameters(
  db: Queryable,
  filters: ParameterFilter[] | undefined,
): Promise<ResolvedParameter[] | null> {
  if (!filters || filters.length === 0) return [];
  // A filter names a characteristic by what people see (its name, maybe renamed by staff) or by
  // the key suppliers write; a merged characteristic's key leads to the one it was merged into.
  const nameKeys = filters.map((f) => normalizeName(f.name));
  const shownNames = filters.map((f) => f.name.trim());
  const found = await catalogQuery<{
    id: number;
    kind: ParameterKind;
    normalized_name: string;
    name: string;
  }>(
    db,
    sql`
      select t.id, t.kind, p.normalized_name, t.name
      from parameters p join parameters t on t.id = coalesce(p.merged_into_id, p.id)
      where p.normalized_name = any(${sql.param(nameKeys)}::text[]) or p.name = any(${sql.param(shownNames)}::text[])`,
  );
  const resolved: ResolvedParameter[] = [];
  for (const filter of filters) {
    const key = normalizeName(filter.name);
    const parameter =
      found.find((p) => normalizeName(p.name) === key) ?? found.find((p) => p.normalized_name === key);
    if (!parameter) return null;
    const keys: string[] = [];
    const ranges: ResolvedParameter['ranges'] = [];
    for (const raw of filter.values) {
      const value = raw.trim();
      const range = value.match(/^(-?\d+(?:\.\d+)?)?\.\.(-?\d+(?:\.\d+)?)?$/);
      if (range && (range[1] || range[2])) ranges.push({ min: range[1] ?? null, max: range[2] ?? null });
      else if (parameter.kind === 'boolean') {
        const folded = normalizeName(value);
        if (['true', 'да', 'yes', '1'].includes(folded)) keys.push('true');
        else if (['false', 'нет', 'no', '0'].includes(folded)) keys.push('false');
        else keys.push(folded);
      } else if (parameter.kind === 'number' && DECIMAL.test(value)) ranges.push({ min: value, max: value });
      else keys.push(normalizeName(value));
    }
    resolved.push({ id: parameter.id, kind: parameter.kind, keys, ranges });
  }
  return resolved;
}

/** The key of one characteristic value in `offers.facet_keys`: "<parameter id>:<value key>". */
function facetKey(parameterId: number, valueKey: string): string {
  return `${parameterId}:${valueKey}`;
}

/**
 * An offer `o` has one of the parameter's values. Within a category, value lists are checked on
 * the offer's own facet keys, which the category's covering index carries: no other table is read.
 * Number ranges, and filters over the whole catalog (where the characteristic's index is the
 * narrower way in), look the values up in offer_parameters.
 */
function parameterCondition(offer: SQL, parameter: ResolvedParameter, withinCategory: boolean): SQL {
  if (withinCategory && parameter.ranges.length === 0 && parameter.keys.length > 0) {
    const keys = parameter.keys.map((key) => facetKey(parameter.id, key));
    return sql`o.facet_keys && ${sql.param(keys)}::text[]`;
  }
  const alternatives: SQL[] = [];
  if (parameter.keys.length > 0) {
    alternatives.push(sql`op.value_key = any(${sql.param(parameter.keys)}::text[])`);
  }
  for (const range of parameter.ranges) {
    const bounds: SQL[] = [];
    if (range.min !== null) bounds.push(sql`op.value_number >= ${range.min}::numeric`);
    if (range.max !== null) bounds.push(sql`op.value_number <= ${range.max}::numeric`);
    alternatives.push(sql`(${sql.join(bounds, sql` and `)})`);
  }
  if (alternatives.length === 0) return sql`false`;
  return sql`exists (select 1 from offer_parameters op
    where op.offer_id = ${offer} and op.parameter_id = ${parameter.id} and (${sql.join(alternatives, sql` or `)}))`;
}

interface Prepared {
  tokens: string[];
  /** The compiled tsquery (text) of the tokens; null without a query. */
  query: string | null;
  /**
   * The words as typed, compiled, with correction candidates for the misspelt ones: what the
   * fallbacks start from (a fallback's own Prepared keeps it unchanged; nothing reads it there).
   */
  compiled: CompiledQuery;
  parameters: ResolvedParameter[];
  /** True when some filter applies to offers rather than products. */
  offerLevel: boolean;
  impossible: boolean;
}

async function prepare(db: Queryable, filters: ProductFilters): Promise<Prepared> {
  const parameters = await resolveParameters(db, filters.parameters);
  const tokens = filters.q ? queryTokens(filters.q) : [];
  const compiled = await compileQuery(db, tokens);
  const { query } = compiled;
  return {
    tokens,
    query,
    compiled,
    parameters: parameters ?? [],
    impossible: parameters === null || (filters.q !== undefined && filters.q.trim() !== '' && query === null),
    offerLevel:
      filters.shop !== undefined ||
      filters.priceMin !== undefined ||
      filters.priceMax !== undefined ||
      (parameters?.length ?? 0) > 0,
  };
}

/** Conditions on an offer `o` (joined with its shop `s`) for the offer-level filters. */
function offerConditions(filters: ProductFilters, parameters: ResolvedParameter[], skip?: string): SQL[] {
  const where: SQL[] = [sql`o.is_active`, sql`s.accepting_orders`];
  // The offer's copy of its category: category and price ranges are one index range over offers.
  if (filters.category !== undefined && skip !== 'category')
    where.push(sql`o.category_id = ${filters.category}`);
  if (filters.shop !== undefined && skip !== 'shop') where.push(sql`o.shop_id = ${filters.shop}`);
  if (filters.inStock) where.push(sql`o.quantity > 0`);
  if (filters.priceMin !== undefined) where.push(sql`o.price >= ${filters.priceMin}::numeric`);
  if (filters.priceMax !== undefined) where.push(sql`o.price <= ${filters.priceMax}::numeric`);
  const withinCategory = filters.category !== undefined && skip !== 'category';
  for (const parameter of parameters) {
    if (skip === `parameter:${parameter.id}` || skip === 'parameters') continue;
    where.push(parameterCondition(sql`o.id`, parameter, withinCategory));
  }
  return where;
}

/** The search text of products `p`, joined when there is a query. */
function searchJoin(query: string | null): SQL {
  return query !== null ? sql` join product_search ps on ps.product_id = p.id` : sql``;
}

/** The search text of an offer's product, joined when there is a query. */
function offerSearchJoin(query: string | null): SQL {
  return query !== null ? sql` join product_search ps on ps.product_id = o.product_id` : sql``;
}

function offerSearch(query: string | null): SQL[] {
  return query !== null ? [sql`ps.search_vector @@ ${query}::tsquery`] : [];
}

function productConditions(filters: ProductFilters, query: string | null, skip?: string): SQL[] {
  const where: SQL[] = [];
  if (filters.category !== undefined && skip !== 'category')
    where.push(sql`p.category_id = ${filters.category}`);
  if (query !== null) where.push(sql`ps.search_vector @@ ${query}::tsquery`);
  return where;
}

/**
 * A corrected search's pages carry the words searched in their cursor (after the sort values), so
 * that following `next_cursor` with the query as typed goes on with the corrected search.
 */
function searchedWords(options: ProductListOptions, sort: ProductSort): string | null {
  if (!options.cursor) return null;
  const words = decodeKindCursor(options.cursor, sort, 2, 1)[2];
  return typeof words === 'string' ? words : null;
}

function withSearchedWords(page: ProductPage, sort: ProductSort, words: string): ProductPage {
  const next = page.next_cursor ? [...decodeKindCursor(page.next_cursor, sort, 2), words] : null;
  return { ...page, next_cursor: next ? encodeCursor(kindCursor(sort, next)) : null, corrected_query: words };
}

export async function listProducts(db: Queryable, options: ProductListOptions): Promise<ProductPage> {
  const typedSort: ProductSort =
    options.sort ?? (queryTokens(options.q ?? '').length > 0 ? 'relevance' : 'name');
  const carried = searchedWords(options, typedSort);
  if (carried !== null) {
    const page = await listProducts(db, {
      ...options,
      q: carried,
      cursor: stripWords(options.cursor!, typedSort),
    });
    return withSearchedWords(page, typedSort, carried);
  }
  const prepared = await prepare(db, options);
  const sort: ProductSort = options.sort ?? (prepared.tokens.length > 0 ? 'relevance' : 'name');
  const empty: ProductPage = { items: [], next_cursor: null, corrected_query: null };
  if (prepared.impossible) return empty;
  if (sort === 'relevance' && prepared.tokens.length === 0) {
    throw new AppError(400, 'validation_failed', {
      detail: { ru: 'Сортировка по релевантности требует запроса q', en: 'sort=relevance needs a query q' },
      errors: [{ field: 'querystring.sort', message: { ru: 'нужен параметр q', en: 'needs q' } }],
    });
  }
  const page = await runProductQuery(db, options, prepared, sort);
  if (page.items.length > 0 || prepared.tokens.length === 0 || options.cursor) return page;
  for await (const fallback of fallbackSearches(db, prepared)) {
    const retry = await runProductQuery(db, options, fallback, sort);
    if (retry.items.length > 0) return withSearchedWords(retry, sort, fallback.tokens.join(' '));
  }
  return empty;
}

/**
 * What to search when the words as typed find nothing, in order: the nearest catalog words for
 * the misspelt ones ("samsnug" → "samsung"), then fewer words, the last ones dropped one by one
 * ("кофемашины для дома" → "кофемашины для"): the answer names the words it searched.
 */
async function* fallbackSearches(db: Queryable, prepared: Prepared): AsyncGenerator<Prepared> {
  const corrected = correctTokens(prepared.tokens, prepared.compiled);
  const words = corrected?.tokens ?? prepared.tokens;
  if (corrected && corrected.query !== null)
    yield { ...prepared, tokens: corrected.tokens, query: corrected.query };
  for (let keep = words.length - 1; keep >= 1; keep -= 1) {
    const fewer = words.slice(0, keep);
    const { query } = await compileQuery(db, fewer);
    if (query !== null) yield { ...prepared, tokens: fewer, query };
  }
}

function stripWords(cursor: string, sort: ProductSort): string {
  return encodeCursor(kindCursor(sort, decodeKindCursor(cursor, sort, 2, 1).slice(0, 2)));
}

/**
 * Ranked search over the whole catalog: how many of the best-ranked matches are picked from the
 * search table alone before they meet their products (0: not this way). Ranking every match is
 * cheap there; joining every match to its product only to check it is visible was most of a broad
 * search's time. Nearly every product is visible, so a page's worth is almost always among them.
 */
function rankedCandidates(options: ProductListOptions, prepared: Prepared, sort: ProductSort): number {
  const plain = !prepared.offerLevel && options.category === undefined && !options.inStock;
  return sort === 'relevance' && plain && prepared.query !== null ? (options.limit + 1) * 3 : 0;
}

/**
 * A category's first page, cheapest first, with offer filters: how many of the cheapest matching
 * offers are walked in the category's price order (0: not this way). A product first met in that
 * order is met at its best price, so the first products met are the page, in order; only their
 * offer counts and stock need their other offers. Later pages (a cursor) aggregate as usual.
 */
function cheapestWalk(options: ProductListOptions, prepared: Prepared, sort: ProductSort): number {
  const walkable = sort === 'price' && !options.cursor && options.category !== undefined;
  return walkable && prepared.offerLevel && prepared.query === null ? (options.limit + 1) * 4 : 0;
}

async function runProductQuery(
  db: Queryable,
  options: ProductListOptions,
  prepared: Prepared,
  sort: ProductSort,
  candidates = rankedCandidates(options, prepared, sort),
  walk = cheapestWalk(options, prepared, sort),
): Promise<ProductPage> {
  const { query } = prepared;
  const limit = options.limit;

  // The list's columns: best price, offer count, stock — from the summary or from matching offers.
  let from: SQL;
  // Offer-level lists filter inside the aggregate (offers carry the category); product-level lists
  // filter the products.
  const where: SQL[] = prepared.offerLevel || candidates > 0 ? [] : productConditions(options, query);
  const values = options.cursor ? decodeKindCursor(options.cursor, sort, 2) : undefined;
  if (prepared.offerLevel && walk > 0) {
    const matching = sql.join(offerConditions(options, prepared.parameters), sql` and `);
    from = sql`(
      select w.product_id, w.best_price, w.walked, c.offer_count, c.total_stock
      from (
        select x.product_id, min(x.price) as best_price, max(x.walked) as walked
        from (
          select y.*, count(*) over () as walked
          from (
            select o.product_id, o.price from offers o join shops s on s.id = o.shop_id
            where ${matching}
            order by o.price, o.product_id
            limit ${walk}
          ) y
        ) x
        group by x.product_id
        order by min(x.price), x.product_id
        limit ${limit + 1}
      ) w
      cross join lateral (
        select count(*)::integer as offer_count, sum(o.quantity)::bigint as total_stock
        from offers o join shops s on s.id = o.shop_id
        where o.product_id = w.product_id and ${matching}
      ) c
    ) m cross join lateral (select * from products p where p.id = m.product_id offset 0) p`;
  } else if (prepared.offerLevel) {
    // Offers carry their category, so only the search needs another table inside: the offers of
    // the category (or of the found products) are read and grouped, nothing else. Sorted by price,
    // the page is cut inside the aggregate; otherwise each group finds its product by key.
    let cut = sql``;
    let groupBy = sql`o.product_id`;
    let afterName = sql``;
    if (sort === 'name' && options.category !== undefined && query === null) {
      // The category's offers in product-name order (offers carry their product's name key): the
      // page is the first groups of one index range, read only as far as the page needs.
      groupBy = sql`o.product_name_key, o.product_id`;
      if (values)
        afterName = sql` and (o.product_name_key, o.product_id) > (${String(values[0])}, ${Number(values[1])})`;
      cut = sql`order by o.product_name_key, o.product_id limit ${limit + 1}`;
    } else if (sort === 'price' || sort === '-price') {
      const [direction, compare] = sort === 'price' ? [sql`asc`, sql`>`] : [sql`desc`, sql`<`];
      const after = values
        ? sql`having (min(o.price), o.product_id) ${compare} (${String(values[0])}::numeric, ${Number(values[1])})`
        : sql``;
      cut = sql`${after} order by min(o.price) ${direction}, o.product_id ${direction} limit ${limit + 1}`;
    }
    from = sql`(
      select o.product_id, min(o.price) as best_price, count(*)::integer as offer_count,
             sum(o.quantity)::bigint as total_stock
      from offers o join shops s on s.id = o.shop_id${offerSearchJoin(query)}
      where ${sql.join([...offerConditions(options, prepared.parameters), ...offerSearch(query)], sql` and `)}${afterName}
      group by ${groupBy}
      ${cut}
    ) m cross join lateral (select * from products p where p.id = m.product_id offset 0) p${searchJoin(query)}`;
  } else if (candidates > 0) {
    // The cursor's condition applies to the candidates, so that each page picks its own.
    const after = values
      ? sql`and (ts_rank(ps.search_vector, ${query}::tsquery) < ${String(values[0])}::real
             or (ts_rank(ps.search_vector, ${query}::tsquery) = ${String(values[0])}::real
                 and ps.product_id > ${Number(values[1])}))`
      : sql``;
    from = sql`(
      select ps.product_id, ts_rank(ps.search_vector, ${query}::tsquery) as rank,
             count(*) over () as candidates
      from product_search ps
      where ps.search_vector @@ ${query}::tsquery ${after}
      order by 2 desc, 1
      limit ${candidates}
    ) ps left join (select p.*, p.min_price as best_price from products p where p.offer_count > 0) p on p.id = ps.product_id`;
  } else if (options.inStock) {
    from = sql`(select p.*, p.in_stock_min_price as best_price from products p where p.in_stock) p${searchJoin(query)}`;
    where.push(sql`p.offer_count > 0`);
  } else {
    from = sql`(select p.*, p.min_price as best_price from products p where p.offer_count > 0) p${searchJoin(query)}`;
  }
  const price = prepared.offerLevel ? sql`m.best_price` : sql`p.best_price`;
  const rank =
    candidates > 0
      ? sql`ps.rank`
      : query !== null
        ? sql`ts_rank(ps.search_vector, ${query}::tsquery)`
        : sql`0::real`;

  let order: SQL;
  let cursorValues: (row: Record<string, unknown>) => (string | number)[];
  switch (sort) {
    case 'name':
      order = sql`p.normalized_name, p.id`;
      if (values) where.push(sql`(p.normalized_name, p.id) > (${String(values[0])}, ${Number(values[1])})`);
      cursorValues = (row) => [row.normalized_name as string, row.id as number];
      break;
    case 'price':
      order = sql`${price}, p.id`;
      if (values) where.push(sql`(${price}, p.id) > (${String(values[0])}::numeric, ${Number(values[1])})`);
      cursorValues = (row) => [row.best_price as string, row.id as number];
      break;
    case '-price':
      order = sql`${price} desc, p.id desc`;
      if (values) where.push(sql`(${price}, p.id) < (${String(values[0])}::numeric, ${Number(values[1])})`);
      cursorValues = (row) => [row.best_price as string, row.id as number];
      break;
    case 'new':
      order = sql`p.id desc`;
      if (values) where.push(sql`p.id < ${Number(values[1])}`);
      cursorValues = (row) => [0, row.id as number];
      break;
    case 'relevance':
      // Hidden candidates (no product row) come last: they only tell how many candidates there were.
      order = candidates > 0 ? sql`p.id is null, rank_value desc, p.id` : sql`rank_value desc, p.id`;
      if (values && candidates === 0) {
        where.push(
          sql`(${rank} < ${String(values[0])}::real or (${rank} = ${String(values[0])}::real and p.id > ${Number(values[1])}))`,
        );
      }
      cursorValues = (row) => [String(row.rank), row.id as number];
      break;
  }
  if (values && sort !== 'new' && values.some((v) => v === '')) throw invalidCursor();

  // Stock and offer count of the page's products: carried by the aggregate, or looked up per row.
  const visibleOffers = sql`from offers o join shops s on s.id = o.shop_id
    where o.product_id = page.id and o.is_active and s.accepting_orders ${options.inStock ? sql`and o.quantity > 0` : sql``}`;
  const inner = prepared.offerLevel
    ? sql`m.offer_count, m.total_stock`
    : sql`p.offer_count, null::bigint as total_stock`;
  const outerStock = prepared.offerLevel
    ? sql`page.total_stock`
    : sql`(select coalesce(sum(o.quantity), 0)::bigint ${visibleOffers})`;
  const outerCount =
    prepared.offerLevel || !options.inStock
      ? sql`page.offer_count`
      : sql`(select count(*)::integer ${visibleOffers})`;

  const found = await catalogQuery<Record<string, unknown>>(
    db,
    sql`
      select page.id, page.name, page.normalized_name, page.category_id, page.best_price, page.rank,
             page.probed, c.name as category_name, ${outerStock} as stock, ${outerCount} as offers
      from (
        select p.id, p.name, p.normalized_name, p.category_id, ${price}::text as best_price,
               ${price} as price_value, ${inner}, ${rank}::text as rank, ${rank} as rank_value,
               ${candidates > 0 ? sql`ps.candidates` : walk > 0 ? sql`m.walked` : sql`0::bigint`} as probed
        from ${from}
        ${where.length > 0 ? sql`where ${sql.join(where, sql` and `)}` : sql``}
        order by ${order}
        limit ${peekLimit(limit)}
      ) page
      ${candidates > 0 ? sql`left join` : sql`join`} categories c on c.id = page.category_id
      order by ${reorder(sort)}`,
  );
  // `probed`: the rows a fast path looked at (ranked candidates, offers walked), to tell whether
  // they were enough.
  let rows = found;
  // Fewer products than a page among the offers walked, and more offers left: aggregate them all.
  if (walk > 0 && found.length <= limit && found.length > 0 && Number(found[0].probed) >= walk) {
    return runProductQuery(db, options, prepared, sort, candidates, 0);
  }
  if (candidates > 0) {
    // Too few of the picked candidates were visible: not every match was seen. No row at all: the
    // query matches nothing, and the plain statement would find nothing either.
    rows = found.filter((row) => row.id !== null);
    if (rows.length <= limit && found.length > 0 && Number(found[0].probed) >= candidates) {
      return runProductQuery(db, options, prepared, sort, 0);
    }
  }
  const page = pageOf(rows, limit, (last) => kindCursor(sort, cursorValues(last)));
  return {
    items: page.items.map((row) => ({
      id: row.id as number,
      name: row.name as string,
      category: { id: row.category_id as number, name: row.category_name as string },
      best_price: row.best_price as string,
      currency: CATALOG_CURRENCY,
      offer_count: Number(row.offers),
      total_stock: Number(row.stock),
      in_stock: Number(row.stock) > 0,
    })),
    next_cursor: page.nextCursor,
    corrected_query: null,
  };
}

function reorder(sort: ProductSort): SQL {
  switch (sort) {
    case 'name':
      return sql`page.normalized_name, page.id`;
    case 'price':
      return sql`page.price_value, page.id`;
    case '-price':
      return sql`page.price_value desc, page.id desc`;
    case 'relevance':
      return sql`page.rank_value desc, page.id`;
    default:
      return sql`page.id desc`;
  }
}

// ---------------------------------------------------------------------------------------------
// Facets

export interface Facets {
  total: number;
  categories: { id: number; name: string; count: number }[];
  shops: { id: number; name: string; count: number }[];
  parameters: {
    id: number;
    name: string;
    kind: string;
    values: { value: string; count: number }[];
    min: string | null;
    max: string | null;
  }[];
  corrected_query: string | null;
}

/** Values shown per characteristic, and characteristics shown. */
const FACET_VALUES = 30;
/** A value key that reads as a number (number characteristics' values are stored canonically). */
const NUMERIC_TEXT = '^-?[0-9]+(\\.[0-9]+)?$';
const FACET_PARAMETERS = 25;

/** Offers matching the filters (all but `skip`), with their category. */
function matchingOffers(filters: ProductFilters, prepared: Prepared, skip?: string): SQL {
  const where = [...offerConditions(filters, prepared.parameters, skip), ...offerSearch(prepared.query)];
  return sql`select o.id, o.product_id, o.shop_id, o.category_id, o.facet_keys
    from offers o join shops s on s.id = o.shop_id${offerSearchJoin(prepared.query)}
    where ${sql.join(where, sql` and `)}`;
}

/**
 * Counts of products per category, shop and characteristic value under the filters. Each group is
 * counted without its own filter (choosing "black" still shows how many are red), the usual
 * behaviour of faceted navigation.
 */
export async function productFacets(db: Queryable, filters: ProductFilters): Promise<Facets> {
  let prepared = await prepare(db, filters);
  const none: Facets = { total: 0, categories: [], shops: [], parameters: [], corrected_query: null };
  if (prepared.impossible) return none;
  let corrected: string | null = null;
  if (prepared.tokens.length > 0) {
    const [hit] = await catalogQuery<{ found: boolean }>(
      db,
      sql`select exists(${matchingOffers(filters, prepared)}) as found`,
    );
    if (!hit.found) {
      // The words the product list would search instead (the same fallbacks, the first that finds).
      let found: Prepared | null = null;
      for await (const fallback of fallbackSearches(db, prepared)) {
        const [again] = await catalogQuery<{ found: boolean }>(
          db,
          sql`select exists(${matchingOffers(filters, fallback)}) as found`,
        );
        if (again.found) {
          found = fallback;
          break;
        }
      }
      if (!found) return none;
      prepared = found;
      corrected = found.tokens.join(' ');
    }
  }

  const [total] = await catalogQuery<{ count: number }>(
    db,
    sql`select count(distinct m.product_id)::integer as count from (${matchingOffers(filters, prepared)}) m`,
  );
  // Without other filters the category counts are the product summary's: one index scan, not a
  // pass over every offer of the catalog.
  const categoryCounts =
    !prepared.offerLevel && prepared.query === null
      ? sql`
      select c.id, c.name, count(*)::integer as count
      from products p join categories c on c.id = p.category_id
      where ${filters.inStock ? sql`p.in_stock` : sql`p.offer_count > 0`}
      group by c.id, c.name order by count desc, c.name limit 200`
      : sql`
      select c.id, c.name, count(distinct m.product_id)::integer as count
      from (${matchingOffers(filters, prepared, 'category')}) m join categories c on c.id = m.category_id
      group by c.id, c.name order by count desc, c.name limit 200`;
  const categories = await catalogQuery<{ id: number; name: string; count: number }>(db, categoryCounts);
  const shopCounts = await catalogQuery<{ id: number; name: string; count: number }>(
    db,
    sql`
      select sh.id, sh.name, count(distinct m.product_id)::integer as count
      from (${matchingOffers(filters, prepared, 'shop')}) m join shops sh on sh.id = m.shop_id
      group by sh.id, sh.name order by count desc, sh.name limit 200`,
  );

  const parameterFacets = async (skip: string, only?: number) =>
    await catalogQuery<{
      parameter_id: number;
      name: string;
      kind: string;
      value: string;
      count: number;
      coverage: number;
      min: string | null;
      max: string | null;
    }>(
      // Values are counted from the matching offers' own facet keys (read with the offers, no join
      // to offer_parameters); only the values shown are looked up there, for how they are written.

      db,
      sql`
        with v as (
          select k.key, count(distinct m.product_id)::integer as count
          from (${matchingOffers(filters, prepared, skip)}) m cross join unnest(m.facet_keys) as k(key)
          ${only !== undefined ? sql`where k.key like ${`${only}:%`}` : sql``}
          group by k.key
        ), s as (
          select split_part(v.key, ':', 1)::integer as parameter_id,
                 substr(v.key, strpos(v.key, ':') + 1) as value_key, v.count
          from v
        ), ranked as (
          select s.*, pa.name, pa.kind,
                 row_number() over (partition by s.parameter_id order by s.count desc, s.value_key) as n,
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
               r.count, r.coverage::integer as coverage, r.low::text as min, r.high::text as max
        from ranked r join top t on t.parameter_id = r.parameter_id
        where r.n <= ${FACET_VALUES}
        order by r.coverage desc, r.parameter_id, r.count desc, r.value_key`,
    );

  let valueRows = await parameterFacets('none');
  // A filtered characteristic is counted without its own filter, and always shown.
  for (const parameter of prepared.parameters) {
    const own = await parameterFacets(`parameter:${parameter.id}`, parameter.id);
    valueRows = [...valueRows.filter((row) => row.parameter_id !== parameter.id), ...own];
  }
  const byParameter = new Map<number, Facets['parameters'][number]>();
  for (const row of valueRows) {
    let facet = byParameter.get(row.parameter_id);
    if (!facet) {
      facet = {
        id: row.parameter_id,
        name: row.name,
        kind: row.kind,
        values: [],
        min: row.kind === 'number' ? row.min : null,
        max: row.kind === 'number' ? row.max : null,
      };
      byParameter.set(row.parameter_id, facet);
    }
    facet.values.push({ value: row.value, count: row.count });
  }
  // Numbers read best in numeric order.
  for (const facet of byParameter.values()) {
    if (facet.kind === 'number') facet.values.sort((a, b) => Number(a.value) - Number(b.value));
  }
  return {
    total: total.count,
    categories,
    shops: shopCounts,
    parameters: [...byParameter.values()],
    corrected_query: corrected,
  };
}

// ---------------------------------------------------------------------------------------------
// Product detail, offers, categories

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
        select o.id, o.shop_id, s.name as shop_name, s.currency, o.external_id, o.model, o.name,
               o.price, o.price_rrc, o.quantity, o.characteristics
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
            'id', o.id, 'shop', json_build_object('id', o.shop_id, 'name', o.shop_name),
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
  shop: { id: number; name: string };
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
      select o.id, o.product_id, o.shop_id, s.name as shop_name, p.category_id, c.name as category_name,
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
    shop: { id: o.shop_id, name: o.shop_name },
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
