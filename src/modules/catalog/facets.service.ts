// Facets: product counts per category, shop and characteristic value under the same filters as
// the list, each group counted without its own filter.
import { type SQL, sql } from 'drizzle-orm';
import type { Queryable } from '../../db/client.ts';
import {
  offerConditions,
  offerSearch,
  offerSearchJoin,
  type Prepared,
  type ProductFilters,
  prepare,
} from './catalog-filters.ts';
import { fallbackSearches } from './products.service.ts';
import { catalogQuery } from './query.ts';

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
export const FACET_VALUES = 30;

/** A value key that reads as a number (number characteristics' values are stored canonically). */
export const NUMERIC_TEXT = '^-?[0-9]+(\\.[0-9]+)?$';

export const FACET_PARAMETERS = 25;

/** Offers matching the filters (all but `skip`), with their category. */
export function matchingOffers(filters: ProductFilters, prepared: Prepared, skip?: string): SQL {
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
export async function productFacets(
  db: Queryable,
  filters: ProductFilters,
  options: { aggregates?: boolean } = {},
): Promise<Facets> {
  let prepared = await prepare(db, filters);
  const none: Facets = { total: 0, categories: [], shops: [], parameters: [], corrected_query: null };
  if (prepared.impossible) return none;
  if ((options.aggregates ?? true) && aggregatesServe(filters, prepared)) {
    return await aggregatedFacets(db, filters);
  }
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
    await parameterRows(
      db,
      sql`
          select k.key, count(distinct m.product_id)::integer as count
          from (${matchingOffers(filters, prepared, skip)}) m cross join unnest(m.facet_keys) as k(key)
          ${only !== undefined ? sql`where k.key like ${`${only}:%`}` : sql``}
          group by k.key`,
    );

  let valueRows = await parameterFacets('none');
  // A filtered characteristic is counted without its own filter, and always shown.
  for (const parameter of prepared.parameters) {
    const own = await parameterFacets(`parameter:${parameter.id}`, parameter.id);
    valueRows = [...valueRows.filter((row) => row.parameter_id !== parameter.id), ...own];
  }
  return {
    total: total.count,
    categories,
    shops: shopCounts,
    parameters: parameterGroups(valueRows),
    corrected_query: corrected,
  };
}

interface ValueRow {
  parameter_id: number;
  name: string;
  kind: string;
  value: string;
  count: number;
  coverage: number;
  min: string | null;
  max: string | null;
}

/**
 * The characteristics shown and their values, from `counts`: a statement giving product counts per
 * facet key (`key`, `count`; counts above zero).
 *
 * The characteristics are ranked by coverage and cut first (one pass grouped by characteristic);
 * then only the values that can be among a characteristic's first FACET_VALUES are sorted: those
 * counting at least its FACET_VALUES-th largest count (an integer picked from the group's counts).
 * Ties at that count are all kept, so the values shown and their order are exactly those of ranking
 * every value; sorting every value of a characteristic with many (a weight's thousands) by count
 * and text was most of the statement's time.
 */
async function parameterRows(db: Queryable, counts: SQL): Promise<ValueRow[]> {
  return await catalogQuery<ValueRow>(
    // Values are counted from facet keys (the matching offers' own, or the pre-aggregated counts; no
    // join to offer_parameters); only the values shown are looked up there, for how they are written.
    db,
    sql`
        with v as (${counts}), s as (
          select split_part(v.key, ':', 1)::integer as parameter_id,
                 substr(v.key, strpos(v.key, ':') + 1) as value_key, v.count
          from v
        ), shown as (
          select a.*, pa.name, pa.kind from (
            select s.parameter_id, sum(s.count) as coverage,
                   min(case when s.value_key ~ ${NUMERIC_TEXT} then s.value_key::numeric end) as low,
                   max(case when s.value_key ~ ${NUMERIC_TEXT} then s.value_key::numeric end) as high,
                   coalesce((array_agg(s.count order by s.count desc))[${FACET_VALUES}], 0) as least
            from s group by s.parameter_id
          ) a join parameters pa on pa.id = a.parameter_id
          order by a.coverage desc, a.parameter_id limit ${FACET_PARAMETERS}
        ), ranked as (
          select s.*, row_number() over (partition by s.parameter_id order by s.count desc, s.value_key) as n
          from s join shown t on t.parameter_id = s.parameter_id
          where s.count >= t.least
        )
        select r.parameter_id, t.name, t.kind,
               coalesce((select op.value from offer_parameters op
                         where op.parameter_id = r.parameter_id and op.value_key = r.value_key
                         order by op.offer_id limit 1), r.value_key) as value,
               r.count, t.coverage::integer as coverage,
               (case when t.kind = 'number' then t.low end)::text as min,
               (case when t.kind = 'number' then t.high end)::text as max
        from ranked r join shown t on t.parameter_id = r.parameter_id
        where r.n <= ${FACET_VALUES}
        order by t.coverage desc, r.parameter_id, r.count desc, r.value_key`,
  );
}

/** Value rows grouped by characteristic, numbers in numeric order. */
function parameterGroups(valueRows: ValueRow[]): Facets['parameters'] {
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
  return [...byParameter.values()];
}

/**
 * Whether the pre-aggregated counts (`category_facet_counts`, migration 0035) answer these filters
 * exactly: no search words, no characteristic, shop or price filter; a category and "in stock" only.
 * A product belongs to one category, so per-category counts of distinct products add up to distinct
 * counts over the catalog.
 */
export function aggregatesServe(filters: ProductFilters, prepared: Prepared): boolean {
  return (
    prepared.query === null && prepared.tokens.length === 0 && !prepared.offerLevel && !filters.q?.trim()
  );
}

/** The facets from the pre-aggregated counts: a few hundred rows summed, no offer read. */
async function aggregatedFacets(db: Queryable, filters: ProductFilters): Promise<Facets> {
  const measure = filters.inStock ? sql`c.in_stock` : sql`c.products`;
  // Category 0 holds the whole catalog's counts.
  const inCategory = sql`c.category_id = ${filters.category ?? 0}`;
  const [total] = await catalogQuery<{ count: number }>(
    db,
    sql`select coalesce(sum(${measure}), 0)::integer as count
        from category_facet_counts c where ${inCategory} and c.key = '*'`,
  );
  // Counted without the category filter.
  const categories = await catalogQuery<{ id: number; name: string; count: number }>(
    db,
    sql`
      select ca.id, ca.name, n.count from (
        select c.category_id, sum(${measure})::integer as count
        from category_facet_counts c where c.key = '*' and c.category_id <> 0 group by c.category_id
      ) n join categories ca on ca.id = n.category_id
      where n.count > 0 order by n.count desc, ca.name limit 200`,
  );
  const shopCounts = await catalogQuery<{ id: number; name: string; count: number }>(
    db,
    sql`
      select sh.id, sh.name, n.count from (
        select substr(c.key, 6)::integer as shop_id, sum(${measure})::integer as count
        from category_facet_counts c where ${inCategory} and c.key like 'shop:%' group by c.key
      ) n join shops sh on sh.id = n.shop_id
      where n.count > 0 order by n.count desc, sh.name limit 200`,
  );
  // A characteristic value's counts are one row per category (shard 0: only '*' and shop keys are
  // sharded, migration 0035), so its row is its count: no grouping.
  const valueRows = await parameterRows(
    db,
    sql`
      select c.key, ${measure} as count
      from category_facet_counts c where ${inCategory} and c.key ~ '^[0-9]' and ${measure} > 0`,
  );
  return {
    total: total.count,
    categories,
    shops: shopCounts,
    parameters: parameterGroups(valueRows),
    corrected_query: null,
  };
}

// ---------------------------------------------------------------------------------------------
// Product detail, offers, categories
