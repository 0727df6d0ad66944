// The import's apply step: ONE transaction that writes a price list's goods into the catalog.
// Batches of goods (from the goods reader) are compared with the shop's offers in memory; only the
// rows that differ are written, set-based, through the statement queue (the SQL is built in
// import-statements.ts and import-parameters.ts): new products with their summary and search
// text, new offers with their characteristics, changed offers in place. Then the goods missing
// from the file are deactivated and the summary and search text of the older products that changed
// are refreshed. See README.md in this folder for the rules.
import { setImmediate as nextTurn } from 'node:timers/promises';
import { sql } from 'drizzle-orm';
import { arrayLiteral } from '../../db/array-literal.ts';
import type { Import } from '../../db/schema/catalog.ts';
import { param, rowsOf, statementQueue } from '../../db/statement-queue.ts';
import type { TxScope } from '../../db/transaction.ts';
import { collectGarbage } from '../../lib/memory.ts';
import { recordImportScopes } from './cache-scopes.ts';
import { refreshFacetsEmbedded } from './import-facets.ts';
import { type FileTally, IMPORT_BATCH, type PriceListSummary, type Staged } from './import-goods.ts';
import { type ParameterIndex, resolveParameters, writeParameters } from './import-parameters.ts';
import {
  type ChangedOffer,
  findProducts,
  type GoodsColumns,
  groupProducts,
  newOffersStatement,
  type ProductGroup,
  productsStatement,
  type RowImage,
  rowImage,
  searchTexts,
  storedOffersStatement,
} from './import-statements.ts';
import { searchWordsOf } from './search.ts';
import { productSearchInsert, SEARCH_VECTORS_SQL, searchWordsInsert } from './search-index.ts';

/** Advisory-lock namespace of imports: (IMPORT_LOCK, shop id). */
export const IMPORT_LOCK = 7_311_004;

export interface Applied {
  created: number;
  updated: number;
  unchanged: number;
  deactivated: number;
  renamedFrom: string | null;
  superseded: boolean;
}

/** A batch of the file on its way: classified, its products asked for, its offers still to write. */
interface BatchWork {
  staged: Staged;
  goodCategory: number[];
  images: (RowImage | undefined)[];
  /** Goods the shop has no offer for. */
  fresh: number[];
  /** Goods whose stored offer differs, with that offer's id. */
  existing: { index: number; id: number }[];
  groups: ProductGroup[];
  /** Settles when every group has its product id. */
  products: Promise<unknown>;
  /**
   * The search vectors of the batch's products, when computed beside the transaction: the id of
   * each product the batch created (null for the others), by position, and the vectors in the
   * same order as a tsvector[] literal.
   */
  vectors?: { created: (number | null)[]; literal: Promise<string> };
}

export async function applyPriceList(
  scope: TxScope,
  job: Import,
  priceList: PriceListSummary,
  nextGoods: () => Promise<Staged | undefined>,
  tally: FileTally,
  timings: Record<string, number>,
): Promise<Applied> {
  const { tx } = scope;
  const shopId = job.shopId;
  // The summary triggers stand aside: this transaction refreshes the products it touched, once.
  await tx.execute(sql`select set_config('zakupka.catalog_bulk', 'on', true)`);
  // The read cache's scopes: what this transaction writes to offers and their products is recorded
  // at the end (recordImportScopes) instead of bumping the catalog revision; anything else it
  // writes bumps the revision row by row (migration 0034).
  await tx.execute(sql`select set_config('zakupka.catalog_scoped', 'on', true)`);
  // Set-based statements over the whole file sort and hash in memory rather than on disk.
  await tx.execute(sql`select set_config('work_mem', '256MB', true)`);
  await tx.execute(sql`select pg_advisory_xact_lock(${IMPORT_LOCK}, ${shopId})`);

  const newer = rowsOf<{ id: number }>(
    await tx.execute(
      sql`select id from imports where shop_id = ${shopId} and id > ${job.id} and status = 'succeeded' limit 1`,
    ),
  );
  if (newer.length > 0) {
    return { created: 0, updated: 0, unchanged: 0, deactivated: 0, renamedFrom: null, superseded: true };
  }

  // Lock order, so that an import and checkouts never deadlock (a deadlock's victim would be the
  // import, the transaction that waited first): checkouts lock the offers they sell in id order, then
  // (stock crossing zero) their products, and take key-share locks on the shops of their parts. The
  // import takes every offer of the shop in id order before it touches anything a checkout waits
  // for, and holds the shop's row with a lock that key-share does not wait for. One session on
  // PGlite: nothing to order there.
  if (scope.runtime.database.kind !== 'pglite') {
    await tx.execute(sql`select 1 from offers where shop_id = ${shopId} order by id for no key update`);
  }
  // The shop takes the file's name.
  const [shop] = rowsOf<{ name: string; accepting_orders: boolean }>(
    await tx.execute(sql`select name, accepting_orders from shops where id = ${shopId} for no key update`),
  );
  const accepting = shop.accepting_orders;
  let renamedFrom: string | null = null;
  if (shop.name !== priceList.shopName) {
    await tx.execute(
      sql`update shops set name = ${priceList.shopName}, updated_at = ${scope.now} where id = ${shopId}`,
    );
    renamedFrom = shop.name;
  }

  // Categories: global by normalised name; the supplier's ids map onto them per shop.
  const categoryList = [...priceList.categories.values()];
  if (categoryList.length > 0) {
    await tx.execute(sql`
      insert into categories (name, normalized_name)
      select * from unnest(${param(categoryList.map((c) => c.name))}::text[],
                           ${param(categoryList.map((c) => c.normalizedName))}::text[])
      on conflict (normalized_name) do nothing`);
    await tx.execute(sql`
      insert into shop_categories (shop_id, external_id, category_id)
      select ${shopId}, u.external_id, coalesce(c.merged_into_id, c.id)
      from unnest(${param(categoryList.map((c) => c.externalId))}::text[],
                  ${param(categoryList.map((c) => c.normalizedName))}::text[]) as u(external_id, normalized_name)
      join categories c on c.normalized_name = u.normalized_name
      on conflict (shop_id, external_id) do update set category_id = excluded.category_id
      where shop_categories.category_id <> excluded.category_id`);
  }

  // Where each good's category is: the supplier's category's normalised name leads to a category
  // (or to the one staff merged it into).
  const categoryIds = new Map<string, { id: number; name: string }>();
  if (categoryList.length > 0) {
    const found = rowsOf<{ normalized_name: string; id: number; name: string }>(
      await tx.execute(sql`
        select c.normalized_name, t.id, t.name
        from categories c join categories t on t.id = coalesce(c.merged_into_id, c.id)
        where c.normalized_name = any(${param(categoryList.map((c) => c.normalizedName))}::text[])`),
    );
    for (const row of found) categoryIds.set(row.normalized_name, { id: row.id, name: row.name });
  }
  const categoryNames = new Map([...categoryIds.values()].map((c) => [c.id, c.name]));

  const stored = await storedOffers(scope, shopId);
  // A file of several batches on the server: its search vectors are computed on a connection
  // beside this one (see askProducts). Without one, the products statement computes them.
  const aside =
    priceList.goodsCount > IMPORT_BATCH
      ? await scope.runtime.database.connectAside?.().catch((error: unknown) => {
          scope.runtime.log.warn(
            { err: error },
            'import: no connection aside, search vectors computed inline',
          );
          return undefined;
        })
      : undefined;
  const durations: Record<string, number> = {};
  const queue = statementQueue(scope, durations, scope.runtime.database.kind === 'pglite');

  // Across the batches: characteristics met so far, products by key, what the end refreshes.
  const parameters: ParameterIndex = {
    ids: new Map(),
    kinds: new Map(),
    shown: new Map(),
    turnedText: new Set(),
  };
  /** Products this import created. */
  const newProducts = new Set<number>();
  /** Products whose offers this import wrote, before and after (the read cache's product scopes). */
  const touchedProducts = new Set<number>();
  // Older products whose summary or search text the end refreshes, and new ones whose goods came
  // in several batches (each batch inserted or found them with its own goods only).
  const statsProducts = new Set<number>();
  const searchProducts = new Set<number>();
  // Older products whose facet counts the end refreshes (new ones are refreshed all).
  const facetProducts = new Set<number>();
  const spanning = (id: number) => {
    statsProducts.add(id);
    searchProducts.add(id);
  };
  const words = new Set(searchWordsOf(categoryList.map((c) => c.name)));
  let valid = 0;
  let created = 0;
  let updated = 0;

  /**
   * Classifies a batch and asks for its products. A good the shop has no offer for is new. A
   * stored one is written when its digest, stock, product key or active flag differs; the rest (a
   * daily re-import: nearly all) go no further.
   */
  const askProducts = async (staged: Staged): Promise<BatchWork> => {
    await resolveParameters(queue, staged, parameters);
    const goodCategory = staged.categoryNorms.map((norm) => categoryIds.get(norm)!.id);
    const fresh: number[] = [];
    const existing: { index: number; id: number }[] = [];
    /** The stored offer of each good that has one and differs. */
    const storedOf: (StoredOffer | undefined)[] = [];
    /** The images the comparison made, which the offers statement reuses. */
    const images: (RowImage | undefined)[] = [];
    for (let i = 0; i < staged.rows.length; i += 1) {
      const offer = stored.get(staged.externalIds[i]);
      if (!offer) {
        fresh.push(i);
        continue;
      }
      offer.seen = true;
      // The digest is made only when the cheap comparisons leave the row unchanged.
      // In the price list and unchanged: left as it is (hidden by staff or shown).
      let unchanged =
        offer.in_price_list &&
        offer.quantity === staged.quantities[i] &&
        offer.category_id === goodCategory[i] &&
        offer.product_name_key === staged.normalizedNames[i];
      if (unchanged) {
        const image = rowImage(staged, goodCategory, parameters.ids, i);
        images[i] = image;
        unchanged = offer.import_hash === image.hash;
      }
      if (!unchanged) {
        existing.push({ index: i, id: offer.id });
        storedOf[i] = offer;
      }
    }
    valid += staged.rows.length;
    created += fresh.length;

    // Products: the same normalised name in the same category is the same product. A group with
    // a good whose stored offer has that category and name keeps that offer's product. The others
    // go to the database: a product new in this import is inserted with the summary and search
    // text of this batch's goods; one another shop brought, one of the shop's other offers
    // belongs to, or an earlier batch inserted (refreshed at the end), gets its id back.
    const groups = groupProducts(
      staged,
      [...fresh, ...existing.map((row) => row.index)],
      goodCategory,
      accepting,
    );
    const unknown: ProductGroup[] = [];
    for (const group of groups) {
      for (const i of group.goods) {
        const offer = storedOf[i];
        if (
          offer &&
          offer.category_id === group.categoryId &&
          offer.product_name_key === group.normalizedName
        ) {
          group.productId = offer.product_id;
          break;
        }
      }
      if (group.productId === undefined) unknown.push(group);
    }
    let asked: Promise<unknown> = Promise.resolve();
    let vectors: BatchWork['vectors'];
    if (unknown.length > 0) {
      const texts = searchTexts(staged, unknown, categoryNames);
      // Stemming the search texts is the products statement's largest part: on the server it runs
      // on a connection of its own, beside this one, and its vectors are written after the
      // batch's offers, by when they have long arrived.
      if (aside) {
        const literal = aside.query<{ vectors: string }>(SEARCH_VECTORS_SQL, [
          texts.names,
          texts.middle,
          texts.values,
        ]);
        literal.catch(() => {});
        vectors = {
          created: new Array(unknown.length).fill(null),
          literal: literal.then(([row]) => row.vectors),
        };
      }
      asked = queue
        .run<{ id: number; ord: number; created: boolean }>(
          'products',
          productsStatement(unknown, texts, !aside),
          (rows) => {
            for (const row of rows) {
              const group = unknown[row.ord - 1];
              group.productId = row.id;
              // A product an earlier batch of this import created comes back as found.
              if (row.created) {
                newProducts.add(row.id);
                if (vectors) vectors.created[row.ord - 1] = row.id;
              } else if (newProducts.has(row.id)) spanning(row.id);
            }
          },
        )
        .then(() => findProducts(queue, unknown));
      asked.catch(() => {});
    }
    return { staged, goodCategory, images, fresh, existing, groups, products: asked, vectors };
  };

  /** Queues a batch's offers once its products are known: new ones, then the changed stored ones. */
  const writeOffers = async (work: BatchWork): Promise<void> => {
    await work.products;
    const { staged, goodCategory, images, fresh, existing } = work;
    const productOf = new Int32Array(staged.rows.length);
    for (const group of work.groups) for (const i of group.goods) productOf[i] = group.productId!;
    for (const { index } of existing) {
      touchedProducts.add(productOf[index]);
      touchedProducts.add(stored.get(staged.externalIds[index])!.product_id);
    }
    for (const i of fresh) {
      touchedProducts.add(productOf[i]);
      if (!newProducts.has(productOf[i])) {
        statsProducts.add(productOf[i]);
        searchProducts.add(productOf[i]);
        facetProducts.add(productOf[i]);
      }
    }
    // Words for typo correction: the names of the goods written.
    for (const word of searchWordsOf(fresh.map((i) => staged.names[i]))) words.add(word);
    const goods: GoodsColumns = {
      staged,
      goodCategory,
      images,
      parameterIds: parameters.ids,
      parameterShown: parameters.shown,
      productOf,
    };
    if (fresh.length > 0) {
      // In product order: the product index grows at its end.
      fresh.sort((a, b) => productOf[a] - productOf[b]);
      queue.run<{ count: number }>('new_offers', newOffersStatement(scope, shopId, goods, fresh), (rows) => {
        if (rows[0]?.count !== fresh.length)
          throw new Error(`import: ${rows[0]?.count} offers inserted, ${fresh.length} expected`);
      });
    }
    // Building a statement holds the event loop: requests are answered between two.
    if (fresh.length > 0 && existing.length > 0) await nextTurn();
    if (existing.length > 0) {
      // Updated in place (same id), reactivated; a row that differed only in its digest (written
      // by an older version, or changed by another writer and changed back) gets the digest.
      queue.run<ChangedOffer>('offers', storedOffersStatement(scope, goods, existing), (rows) => {
        const rewritten: ChangedOffer[] = [];
        const names: string[] = [];
        for (const row of rows) {
          if (row.changed) {
            updated += 1;
            if (!newProducts.has(row.product_id)) statsProducts.add(row.product_id);
            names.push(staged.names[row.idx]);
          }
          if (row.search_changed) {
            statsProducts.add(row.old_product_id);
            searchProducts.add(row.old_product_id);
            if (!newProducts.has(row.product_id)) searchProducts.add(row.product_id);
          }
          if (row.parameters_changed) rewritten.push(row);
          if (row.facets_changed) {
            facetProducts.add(row.old_product_id);
            facetProducts.add(row.product_id);
          }
        }
        for (const word of searchWordsOf(names)) words.add(word);
        // Their characteristics changed: the values replaced.
        if (rewritten.length > 0) writeParameters(queue, staged, rewritten, parameters.ids);
      });
    }
    const { vectors } = work;
    if (vectors?.created.some((id) => id !== null)) {
      queue.run(
        'products',
        vectors.literal.then((literal) =>
          productSearchInsert(sql`select id, vector
            from unnest(${param(arrayLiteral(vectors.created))}::integer[], ${param(literal)}::tsvector[]) as u(id, vector)
            where id is not null`),
        ),
      );
    }
  };

  let waiting: BatchWork | undefined;
  let progressed: Promise<unknown> = Promise.resolve();
  try {
    // Batch k is read and its products asked for while the database still works on batch k - 1,
    // whose offers are queued once its products are known.
    for (let staged = await nextGoods(); staged; staged = await nextGoods()) {
      const work = await askProducts(staged);
      const written = waiting;
      if (written) {
        await nextTurn();
        await writeOffers(written);
      }
      waiting = work;
      // Each batch leaves its texts behind (the file's values, the statements' parameters: about
      // 16 MB a batch of 2,000 goods), which the collector would let pile up: collected while
      // the database works on the statements just queued, in a process that answers no requests.
      if (written && written.fresh.length + written.existing.length > 0) collectGarbage(priceList.goodsCount);
      // Progress can only be seen from outside this transaction: it goes through the connection
      // aside, when there is one.
      if (aside) {
        const progress = 60 + Math.floor((35 * tally.read) / Math.max(1, priceList.goodsCount));
        progressed = aside
          .query('update imports set progress = $2 where id = $1 and progress < $2', [job.id, progress])
          .catch(() => undefined);
      }
    }
    if (waiting) await writeOffers(waiting);
    waiting = undefined;
    await queue.drain();
  } finally {
    // Nothing may still be running when the transaction ends.
    await queue.settle();
    await progressed;
    await aside?.close();
  }
  timings.apply_products_ms = Math.round(durations.products ?? 0);
  timings.apply_new_offers_ms = Math.round(durations.new_offers ?? 0);
  timings.apply_parameters_ms = Math.round(durations.parameters ?? 0);
  // Between the first and the last statement of the batches, how long the connection waited for the
  // import's JavaScript (reading, building statements).
  timings.apply_db_idle_ms = Math.round(durations.idle ?? 0);
  let mark = performance.now();
  const lap = (name: string) => {
    const now = performance.now();
    timings[name] = Math.round(now - mark);
    mark = now;
  };

  // Goods missing from the file: deactivated, never deleted (orders refer to them). A rejected
  // row's stored offer is kept as it is.
  for (const id of tally.keptIds) {
    const offer = stored.get(id);
    if (offer) offer.seen = true;
  }
  const missing = [...stored.values()].filter((o) => o.in_price_list && !o.seen).map((o) => o.id);
  const deactivatedRows = rowsOf<{ product_id: number }>(
    await tx.execute(sql`
      update offers o set is_active = false, in_price_list = false, updated_at = ${scope.now}
      where o.id = any(${param(missing)}::integer[]) and o.in_price_list
      returning o.product_id`),
  );
  // The stored offers' statements and this one.
  durations.offers = (durations.offers ?? 0) + performance.now() - mark;
  timings.apply_offers_ms = Math.round(durations.offers);
  mark = performance.now();

  // A characteristic this import turned into text: every offer holding it shows the new kind
  // (offers of other shops, and this file's earlier batches).
  if (parameters.turnedText.size > 0) {
    await tx.execute(sql`
      select catalog_refresh_offer_characteristics(array(
        select distinct offer_id from offer_parameters
        where parameter_id = any(${param([...parameters.turnedText])}::integer[])))`);
  }

  // The summary of every older product whose offers changed (an old product that loses an offer
  // to a renamed or re-categorised good too), and of a new one whose goods came in several
  // batches; the search text of those whose offers' searchable fields changed (model,
  // characteristics, product, reactivation).
  for (const row of deactivatedRows) {
    statsProducts.add(row.product_id);
    searchProducts.add(row.product_id);
    facetProducts.add(row.product_id);
  }
  const statsIds = [...statsProducts];
  const searchIds = [...searchProducts];
  // On PGlite a statement holds the API's thread: short ones, with a turn between them.
  const embedded = scope.runtime.database.kind === 'pglite';
  const chunk = embedded ? 1_000 : 50_000;
  const between = () => (embedded ? nextTurn() : undefined);
  for (let start = 0; start < statsIds.length; start += chunk) {
    await between();
    await tx.execute(
      sql`select catalog_refresh_product_stats(${param(statsIds.slice(start, start + chunk))}::integer[])`,
    );
  }
  for (let start = 0; start < searchIds.length; start += chunk) {
    await between();
    await tx.execute(
      sql`select catalog_refresh_product_search(${param(searchIds.slice(start, start + chunk))}::integer[])`,
    );
  }
  lap('apply_summary_ms');

  // The pre-aggregated facet counts of the products whose offers changed in what they count, and
  // of every new one (its summary was written with it; its facet rows were not).
  const facetIds = [...new Set([...facetProducts, ...newProducts])].sort((a, b) => a - b);
  if (embedded) {
    await refreshFacetsEmbedded(tx, facetIds);
  } else {
    for (let start = 0; start < facetIds.length; start += chunk) {
      await tx.execute(
        sql`select catalog_refresh_product_facets(${param(facetIds.slice(start, start + chunk))}::integer[])`,
      );
    }
  }
  lap('apply_facets_ms');

  // Words for typo correction: names of the goods written and of the categories.
  const wordList = [...words];
  const wordChunk = embedded ? 2_000 : 20_000;
  for (let start = 0; start < wordList.length; start += wordChunk) {
    await between();
    await tx.execute(searchWordsInsert(wordList.slice(start, start + wordChunk)));
  }
  lap('apply_words_ms');

  if (created + updated + deactivatedRows.length + statsIds.length + searchIds.length > 0) {
    for (const id of [...statsIds, ...searchIds, ...deactivatedRows.map((row) => row.product_id)])
      touchedProducts.add(id);
    await recordImportScopes(
      tx,
      shopId,
      [...stored.values()].map((o) => o.category_id),
      touchedProducts,
    );
  }

  return {
    created,
    updated,
    unchanged: valid - created - updated,
    deactivated: deactivatedRows.length,
    renamedFrom,
    superseded: false,
  };
}

interface StoredOffer {
  id: number;
  external_id: string;
  is_active: boolean;
  in_price_list: boolean;
  import_hash: string | null;
  quantity: number;
  category_id: number;
  product_name_key: string;
  product_id: number;
  /** Set when the file has the good (valid or rejected): the rest are deactivated. */
  seen?: boolean;
}

/** The shop's offers as the comparison with the file needs them, by the supplier's id. */
async function storedOffers(scope: TxScope, shopId: number): Promise<Map<string, StoredOffer>> {
  const rows = rowsOf<StoredOffer>(
    await scope.tx.execute(sql`
      select id, external_id, is_active, in_price_list, import_hash, quantity, category_id, product_name_key, product_id
      from offers where shop_id = ${shopId}`),
  );
  return new Map(rows.map((row) => [row.external_id, row]));
}
