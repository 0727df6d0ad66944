// What the product list and the facets share: the filters (shop, category, price range, stock,
// characteristics, search) resolved once per request and turned into SQL conditions over offers and
// products. Only visible offers count: active, of a shop that accepts orders.
import { type SQL, sql } from 'drizzle-orm';
import type { Queryable } from '../../db/client.ts';
import type { ParameterKind } from '../../db/schema/catalog.ts';
import { normalizeName } from './normalize.ts';
import { catalogQuery } from './query.ts';
import { type CompiledQuery, compileQuery, queryTokens } from './search.ts';

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

export interface ResolvedParameter {
  id: number;
  kind: ParameterKind;
  keys: string[];
  ranges: { min: string | null; max: string | null }[];
}

export const DECIMAL = /^-?\d+(?:\.\d+)?$/;

/** Parameter filters by id, or null when a named parameter does not exist (nothing can match). */
export async function resolveParameters(
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
export function facetKey(parameterId: number, valueKey: string): string {
  return `${parameterId}:${valueKey}`;
}

/**
 * An offer `o` has one of the parameter's values. Within a category, value lists are checked on
 * the offer's own facet keys, which the category's covering index carries: no other table is read.
 * Number ranges, and filters over the whole catalog (where the characteristic's index is the
 * narrower way in), look the values up in offer_parameters.
 */
export function parameterCondition(offer: SQL, parameter: ResolvedParameter, withinCategory: boolean): SQL {
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

export interface Prepared {
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

export async function prepare(db: Queryable, filters: ProductFilters): Promise<Prepared> {
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
export function offerConditions(
  filters: ProductFilters,
  parameters: ResolvedParameter[],
  skip?: string,
): SQL[] {
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
export function searchJoin(query: string | null): SQL {
  return query !== null ? sql` join product_search ps on ps.product_id = p.id` : sql``;
}

/** The search text of an offer's product, joined when there is a query. */
export function offerSearchJoin(query: string | null): SQL {
  return query !== null ? sql` join product_search ps on ps.product_id = o.product_id` : sql``;
}

export function offerSearch(query: string | null): SQL[] {
  return query !== null ? [sql`ps.search_vector @@ ${query}::tsquery`] : [];
}

export function productConditions(filters: ProductFilters, query: string | null, skip?: string): SQL[] {
  const where: SQL[] = [];
  if (filters.category !== undefined && skip !== 'category')
    where.push(sql`p.category_id = ${filters.category}`);
  if (query !== null) where.push(sql`ps.search_vector @@ ${query}::tsquery`);
  return where;
}
