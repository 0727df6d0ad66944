// The product list (GET /api/v2/products): search, filters, sorting and keyset pages. Without
// offer-level filters it reads the product summary kept by the database through partial indexes;
// with them, matching offers are aggregated per product (see README.md, "Lists and pagination").
// The page itself is cut by the paging helper (src/http/paging.ts) from limit + 1 rows.
import { type SQL, sql } from 'drizzle-orm';
import type { Queryable } from '../../db/client.ts';
import { AppError } from '../../http/errors.ts';
import {
  decodeKindCursor,
  encodeCursor,
  invalidCursor,
  kindCursor,
  pageOf,
  peekLimit,
} from '../../http/paging.ts';
import {
  CATALOG_CURRENCY,
  offerConditions,
  offerSearch,
  offerSearchJoin,
  type Prepared,
  type ProductListOptions,
  type ProductPage,
  type ProductSort,
  prepare,
  productConditions,
  searchJoin,
} from './catalog-filters.ts';
import { catalogQuery } from './query.ts';
import { compileQuery, correctTokens, queryTokens } from './search.ts';

/**
 * A corrected search's pages carry the words searched in their cursor (after the sort values), so
 * that following `next_cursor` with the query as typed goes on with the corrected search.
 */
export function searchedWords(options: ProductListOptions, sort: ProductSort): string | null {
  if (!options.cursor) return null;
  const words = decodeKindCursor(options.cursor, sort, 2, 1)[2];
  return typeof words === 'string' ? words : null;
}

export function withSearchedWords(page: ProductPage, sort: ProductSort, words: string): ProductPage {
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
export async function* fallbackSearches(db: Queryable, prepared: Prepared): AsyncGenerator<Prepared> {
  const corrected = correctTokens(prepared.tokens, prepared.compiled);
  const words = corrected?.tokens ?? prepared.tokens;
  if (corrected && corrected.query !== null) {
    // Compiled again, with the corrected words' transliterations and synonyms: the next pages
    // (asked with the corrected words) then rank exactly as this one.
    const { query } = await compileQuery(db, corrected.tokens);
    yield { ...prepared, tokens: corrected.tokens, query: query ?? corrected.query };
  }
  for (let keep = words.length - 1; keep >= 1; keep -= 1) {
    const fewer = words.slice(0, keep);
    const { query } = await compileQuery(db, fewer);
    if (query !== null) yield { ...prepared, tokens: fewer, query };
  }
}

export function stripWords(cursor: string, sort: ProductSort): string {
  return encodeCursor(kindCursor(sort, decodeKindCursor(cursor, sort, 2, 1).slice(0, 2)));
}

/**
 * Ranked search over the whole catalog: how many of the best-ranked matches are picked from the
 * search table alone before they meet their products (0: not this way). Ranking every match is
 * cheap there; joining every match to its product only to check it is visible was most of a broad
 * search's time. Nearly every product is visible, so a page's worth is almost always among them.
 */
export function rankedCandidates(options: ProductListOptions, prepared: Prepared, sort: ProductSort): number {
  const plain = !prepared.offerLevel && options.category === undefined && !options.inStock;
  return sort === 'relevance' && plain && prepared.query !== null ? (options.limit + 1) * 3 : 0;
}

/**
 * A category's first page, cheapest first, with offer filters: how many of the cheapest matching
 * offers are walked in the category's price order (0: not this way). A product first met in that
 * order is met at its best price, so the first products met are the page, in order; only their
 * offer counts and stock need their other offers. Later pages (a cursor) aggregate as usual.
 */
export function cheapestWalk(options: ProductListOptions, prepared: Prepared, sort: ProductSort): number {
  const walkable = sort === 'price' && !options.cursor && options.category !== undefined;
  return walkable && prepared.offerLevel && prepared.query === null ? (options.limit + 1) * 4 : 0;
}

export async function runProductQuery(
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

export function reorder(sort: ProductSort): SQL {
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
