// The read cache's scopes (read-cache.ts, migration 0034): what an import's apply changed, recorded
// at its end, and what a cached answer depends on, declared by the route that caches it.
//
// An import of shop S changes only offers of S and the products they belong to. It records the
// scopes `s:S`, `c:<category>` for every category S's offers were in before or are in after (also
// inactive ones: a superset costs hits, never exactness) and `p:<product>` for every product one of
// S's offers left, joined or changed on. Anything else the apply writes (a new product, category,
// characteristic or search word, the shop's row, a characteristic turned into text) bumps the
// catalog revision through the row triggers of 0034, which empties the whole cache as before.
import { sql } from 'drizzle-orm';
import type { Queryable, Transaction } from '../../db/client.ts';
import { runPrepared } from '../../db/prepared.ts';
import { param, rowsOf } from '../../db/statement-queue.ts';

/** An import whose offers touch more products than this bumps the catalog revision instead. */
export const MAX_PRODUCT_SCOPES = 20_000;

export const shopScope = (id: number): string => `s:${id}`;
export const categoryScope = (id: number): string => `c:${id}`;
export const productScope = (id: number): string => `p:${id}`;

/**
 * What a cached answer depends on among imports (every answer also depends on the catalog
 * revision, which any other write moves):
 * - `'all'`: any import (lists and searches over the whole catalog, facets, category counts);
 * - `keys`: an import that changed one of these scopes (none: no import changes the answer);
 * - `product`: besides `keys`, the shops with an offer (any, shown or not) on this product, looked
 *   up with the counts: a product page shows its offers and their shops' family units.
 */
export type CacheScopes = 'all' | { keys: string[]; product?: number };

/** For answers no import can change: shops' names and states, every category's name. */
export const NO_IMPORT_SCOPE: CacheScopes = { keys: [] };

/**
 * A list of products or offers under these filters. Its items belong to the category (a product's
 * offers all carry its category; the category filter is the category itself, without
 * subcategories: `catalog-filters.ts`), or else are offers of the shop with the summary over that
 * shop's offers only; a search over a shop's goods ranks products by text other shops' offers
 * feed, so it depends on every import, as an unfiltered list does.
 */
export function listScopes(filters: { category?: number; shop?: number; q?: string }): CacheScopes {
  if (filters.category !== undefined) return { keys: [categoryScope(filters.category)] };
  if (filters.shop !== undefined && !filters.q?.trim()) return { keys: [shopScope(filters.shop)] };
  return 'all';
}

/** A product page: its product and the shops of its offers. */
export function productPageScopes(id: number): CacheScopes {
  return { keys: [productScope(id)], product: id };
}

/** The revisions and a scope list's change count, read in one snapshot. */
export interface ScopeState {
  /** The catalog revision, `<epoch>:<changes>`. */
  revision: string;
  /** How many imports recorded scopes. */
  imports: string;
  /** The scopes, a product page's shops added. */
  keys: string[];
  /** The sum of the scopes' change counts. */
  changes: string;
}

/**
 * The revisions and the change count of `keys` (and, for a product, of its shops' scopes) in one
 * statement, so in one snapshot: on a replica the count is never newer than the revisions.
 */
export async function scopeState(db: Queryable, keys: string[], product?: number): Promise<ScopeState> {
  const [row] = await runPrepared<ScopeState>(
    db,
    'catalog_scope_state',
    sql`select r.revision, r.imports, k.keys,
        (select coalesce(sum(c.changes), 0)::text from catalog_scope_changes c where c.scope = any(k.keys)) as changes
      from (select min(epoch::text) || ':' || sum(changes)::text as revision, sum(imports)::text as imports
            from catalog_revision) r,
        (select ${param(keys)}::text[] || array(
            select distinct 's:' || o.shop_id from offers o where o.product_id = ${param(product ?? null)}::integer
          ) as keys) k`,
  );
  return row;
}

/**
 * The end of an import's apply (in its transaction): its scopes recorded, one more import counted.
 * `categoriesBefore` are the categories of the shop's offers as the apply found them.
 */
export async function recordImportScopes(
  tx: Transaction,
  shopId: number,
  categoriesBefore: number[],
  products: Set<number>,
): Promise<void> {
  if (products.size > MAX_PRODUCT_SCOPES) {
    await tx.execute(sql`select catalog_revision_add()`);
    return;
  }
  const after = rowsOf<{ category_id: number }>(
    await tx.execute(sql`select distinct category_id from offers where shop_id = ${shopId}`),
  );
  const categories = new Set([...categoriesBefore, ...after.map((row) => row.category_id)]);
  const scopes = [
    shopScope(shopId),
    ...[...categories].map(categoryScope),
    ...[...products].map(productScope),
  ];
  await tx.execute(sql`select catalog_record_scopes(${param(scopes)}::text[])`);
}
