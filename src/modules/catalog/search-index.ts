// The writers of the search tables, the one place that knows their shape: `product_search` (one
// tsvector per product) and `search_words` (the catalog's words, for typo correction). The import
// and staff renames write through these; the SQL function catalog_refresh_product_search (a
// migration) rebuilds vectors with the same weights.
import { type SQL, sql } from 'drizzle-orm';

/** A product's search vector from its three texts: the same weights as catalog_refresh_product_search. */
export function searchVector(name: string, middle: string, values: string): string {
  return `setweight(to_tsvector('russian', ${name}), 'A') || setweight(to_tsvector('russian', ${middle}), 'B')
          || setweight(to_tsvector('russian', ${values}), 'C')`;
}

/** The search vectors of the texts, as a tsvector[] literal. */
export const SEARCH_VECTORS_SQL = `
  select array_agg(${searchVector('u.name', 'u.middle', 'u.characteristic_values')} order by u.ord)::text as vectors
  from unnest($1::text[], $2::text[], $3::text[]) with ordinality as u(name, middle, characteristic_values, ord)`;

/**
 * The one insert into product_search: `rows` selects (product id, search vector) of products that
 * have none yet (new products; a product's vector is rebuilt by catalog_refresh_product_search).
 */
export function productSearchInsert(rows: SQL): SQL {
  return sql`insert into product_search (product_id, search_vector)
      ${rows}`;
}

/** The one insert into search_words: words for typo correction, once each (the table only grows). */
export function searchWordsInsert(words: string[]): SQL {
  return sql`insert into search_words (word) select unnest(${sql.param(words)}::text[]) on conflict do nothing`;
}
