// The facet counts refreshed after an import on PGlite, in short statements (issue 16).
import { setImmediate as nextTurn } from 'node:timers/promises';
import { sql } from 'drizzle-orm';

import { arrayLiteral } from '../../db/array-literal.ts';
import type { Transaction } from '../../db/client.ts';
import { param, rowsOf } from '../../db/statement-queue.ts';

/** Products a statement refreshes the facets of, and count rows a statement moves, on PGlite. */
const EMBEDDED_FACET_CHUNK = 250;
const EMBEDDED_COUNTS_CHUNK = 2_000;

/** A row of catalog_product_facet_deltas. */
interface FacetDelta {
  category_id: number;
  key: string;
  shard: number;
  products: number;
  in_stock: number;
}

/**
 * Refreshes the facets of the given products (sorted ids) and moves the counts by their
 * differences. Each statement holds the API's thread on PGlite: requests are let in between two.
 */
export async function refreshFacetsEmbedded(tx: Transaction, facetIds: number[]): Promise<void> {
  // On PGlite the counts' differences are added up here and written once, a few thousand rows a
  // statement (migration 0038): every refresh moving the same count rows in one transaction made
  // the next slower (a thousand products: 150–330 ms of the API's thread), and adding them up in
  // one statement at the end took 0.7 s of it.
  // The planner has no statistics of what this transaction wrote and reads the whole offers table
  // for each statement (a fixed ~90 ms a statement at 20,000 offers); by the product index, 250
  // products take 15–25 ms. For these statements only.
  const [seqscan] = rowsOf<{ value: string }>(
    await tx.execute(sql`select current_setting('enable_seqscan') as value`),
  );
  await tx.execute(sql`select set_config('enable_seqscan', 'off', true)`);
  const deltas = new Map<string, { products: number; inStock: number }>();
  for (let start = 0; start < facetIds.length; start += EMBEDDED_FACET_CHUNK) {
    await nextTurn();
    const rows = rowsOf<FacetDelta>(
      await tx.execute(
        sql`select * from catalog_product_facet_deltas(${param(facetIds.slice(start, start + EMBEDDED_FACET_CHUNK))}::integer[])`,
      ),
    );
    for (const row of rows) {
      const key = `${row.category_id}\u0000${row.shard}\u0000${row.key}`;
      const sum = deltas.get(key) ?? { products: 0, inStock: 0 };
      sum.products += row.products;
      sum.inStock += row.in_stock;
      deltas.set(key, sum);
    }
  }
  await tx.execute(sql`select set_config('enable_seqscan', ${seqscan.value}, true)`);
  const moved = [...deltas].filter(([, sum]) => sum.products !== 0 || sum.inStock !== 0);
  for (let start = 0; start < moved.length; start += EMBEDDED_COUNTS_CHUNK) {
    await nextTurn();
    const part = moved.slice(start, start + EMBEDDED_COUNTS_CHUNK).map(([key, sum]) => {
      const [category, shard, text] = key.split('\u0000');
      return { category: Number(category), shard: Number(shard), text, ...sum };
    });
    await tx.execute(sql`
      insert into category_facet_counts as c (category_id, key, shard, products, in_stock)
      select * from unnest(${param(arrayLiteral(part.map((d) => d.category)))}::integer[],
                           ${param(arrayLiteral(part.map((d) => d.text)))}::text[],
                           ${param(arrayLiteral(part.map((d) => d.shard)))}::smallint[],
                           ${param(arrayLiteral(part.map((d) => d.products)))}::integer[],
                           ${param(arrayLiteral(part.map((d) => d.inStock)))}::integer[])
      order by 1, 2, 3
      on conflict (category_id, key, shard) do update
      set products = c.products + excluded.products, in_stock = c.in_stock + excluded.in_stock`);
  }
}
