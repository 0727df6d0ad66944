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
import type { ParameterKind } from '../../db/schema/catalog.ts';
import { AppError } from '../../http/errors.ts';
import { normalizeName } from './normalize.ts';
import { correctTokens, queryTokens, tsQuery } from './search.ts';

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

function rows<T>(result: unknown): T[] {
  return (result as { rows: T[] }).rows;
}

export function invalidCursor(): AppError {
  return new AppError(400, 'invalid_cursor', {
    detail: { ru: 'Неверный курсор страницы', en: 'Invalid page cursor' },
  });
}

export function encodeCursor(sort: string, values: (string | number)[]): string {
  return Buffer.from(JSON.stringify([sort, ...values])).toString('base64url');
}

export function decodeCursor(cursor: string, sort: string, size: number): (string | number)[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalidCursor();
  }
  if (!Array.isArray(parsed) || parsed[0] !== sort || parsed.length !== size + 1) throw invalidCursor();
  const values = parsed.slice(1);
  if (!values.every((v) => typeof v === 'string' || (typeof v === 'number' && Number.isSafeInteger(v)))) {
    throw invalidCursor();
  }
  return values as (string | number)[];
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
  const names = filters.map((f) => normalizeName(f.name));
  const found = rows<{ id: number; kind: ParameterKind; normalized_name: string }>(
    await db.execute(
      sql`select id, kind, normalized_name from parameters where normalized_name = any(${sql.param(names)}::text[])`,
    ),
  );
  const resolved: ResolvedParameter[] = [];
  for (const filter of filters) {
    const parameter = found.find((p) => p.normalized_name === normalizeName(filter.name));
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

function parameterCondition(offer: SQL, parameter: ResolvedParameter): SQL {
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
  parameters: ResolvedParameter[];
  /** True when some filter applies to offers rather than products. */
  offerLevel: boolean;
  impossible: boolean;
}

async function prepare(db: Queryable, filters: ProductFilters): Promise<Prepared> {
  const parameters = await resolveParameters(db, filters.parameters);
  const tokens = filters.q ? queryTokens(filters.q) : [];
  return {
    tokens,
    parameters: parameters ?? [],
    impossible:
      parameters === null || (filters.q !== undefined && filters.q.trim() !== '' && tokens.length === 0),
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
  if (filters.shop !== undefined && skip !== 'shop') where.push(sql`o.shop_id = ${filters.shop}`);
  if (filters.inStock) where.push(sql`o.quantity > 0`);
  if (filters.priceMin !== undefined) where.push(sql`o.price >= ${filters.priceMin}::numeric`);
  if (filters.priceMax !== undefined) where.push(sql`o.price <= ${filters.priceMax}::numeric`);
  for (const parameter of parameters) {
    if (skip === `parameter:${parameter.id}` || skip === 'parameters') continue;
    where.push(parameterCondition(sql`o.id`, parameter));
  }
  return where;
}

function productConditions(filters: ProductFilters, tokens: string[], skip?: string): SQL[] {
  const where: SQL[] = [];
  if (filters.category !== undefined && skip !== 'category')
    where.push(sql`p.category_id = ${filters.category}`);
  if (tokens.length > 0) where.push(sql`p.search_vector @@ (${tsQuery(tokens)})`);
  return where;
}

export async function listProducts(db: Queryable, options: ProductListOptions): Promise<ProductPage> {
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
  // Nothing as typed: try the nearest catalog words.
  const corrected = await correctTokens(db, prepared.tokens);
  if (!corrected) return empty;
  const retry = await runProductQuery(db, options, { ...prepared, tokens: corrected }, sort);
  return { ...retry, corrected_query: corrected.join(' ') };
}

async function runProductQuery(
  db: Queryable,
  options: ProductListOptions,
  prepared: Prepared,
  sort: ProductSort,
): Promise<ProductPage> {
  const { tokens } = prepared;
  const limit = options.limit;
  const query = tokens.length > 0 ? tsQuery(tokens) : undefined;

  // The list's columns: best price, offer count, stock — from the summary or from matching offers.
  let from: SQL;
  const where: SQL[] = productConditions(options, tokens);
  if (prepared.offerLevel) {
    from = sql`(
      select o.product_id, min(o.price) as best_price, count(*)::integer as offer_count,
             sum(o.quantity)::bigint as total_stock
      from offers o join shops s on s.id = o.shop_id
      where ${sql.join(offerConditions(options, prepared.parameters), sql` and `)}
      group by o.product_id
    ) m join products p on p.id = m.product_id`;
  } else if (options.inStock) {
    from = sql`(select p.*, p.in_stock_min_price as best_price from products p where p.in_stock) p`;
    where.push(sql`p.offer_count > 0`);
  } else {
    from = sql`(select p.*, p.min_price as best_price from products p where p.offer_count > 0) p`;
  }
  const price = prepared.offerLevel ? sql`m.best_price` : sql`p.best_price`;
  const rank = query ? sql`ts_rank(p.search_vector, ${query})` : sql`0::real`;

  let order: SQL;
  let cursorValues: (row: Record<string, unknown>) => (string | number)[];
  const values = options.cursor ? decodeCursor(options.cursor, sort, 2) : undefined;
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
      order = sql`rank_value desc, p.id`;
      if (values) {
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

  const found = rows<Record<string, unknown>>(
    await db.execute(sql`
      select page.id, page.name, page.normalized_name, page.category_id, page.best_price, page.rank,
             c.name as category_name, ${outerStock} as stock, ${outerCount} as offers
      from (
        select p.id, p.name, p.normalized_name, p.category_id, ${price}::text as best_price,
               ${price} as price_value, ${inner}, ${rank}::text as rank, ${rank} as rank_value
        from ${from}
        ${where.length > 0 ? sql`where ${sql.join(where, sql` and `)}` : sql``}
        order by ${order}
        limit ${limit + 1}
      ) page
      join categories c on c.id = page.category_id
      order by ${reorder(sort)}`),
  );
  const more = found.length > limit;
  const pageRows = found.slice(0, limit);
  return {
    items: pageRows.map((row) => ({
      id: row.id as number,
      name: row.name as string,
      category: { id: row.category_id as number, name: row.category_name as string },
      best_price: row.best_price as string,
      currency: CATALOG_CURRENCY,
      offer_count: Number(row.offers),
      total_stock: Number(row.stock),
      in_stock: Number(row.stock) > 0,
    })),
    next_cursor: more ? encodeCursor(sort, cursorValues(pageRows[pageRows.length - 1])) : null,
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
