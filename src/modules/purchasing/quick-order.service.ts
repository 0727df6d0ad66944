// POST /api/v2/basket/quick-order: lines "code or name; quantity" matched to products — first the
// supplier's good id (an offer's external id; that supplier's offer is then preferred), then the
// exact product name, then catalog search (one clear hit) — and put into the basket in one
// transaction (see fill-basket.ts). Answers what was matched and added, what is ambiguous (with
// candidates to choose from) and what is unmatched, each with its input line.
import { and, eq, inArray } from 'drizzle-orm';
import type { Queryable } from '../../db/client.ts';
import { offers, products, shops } from '../../db/schema/catalog.ts';
import { transaction } from '../../db/transaction.ts';
import type { Runtime } from '../../runtime.ts';
import { normalizeName } from '../catalog/normalize.ts';
import { listProducts } from '../catalog/products.service.ts';
import { type Basket, getBasket, lockBasket } from '../orders/basket.service.ts';
import { type FillResult, fillBasket, type WantedLine } from './fill-basket.ts';
import type { ParsedQuickOrder, QuickOrderLine } from './quick-order-parse.ts';

export interface Candidate {
  productId: number;
  name: string;
  bestPrice: string | null;
}

export interface MatchedLine extends QuickOrderLine {
  productId: number;
  productName: string;
  matchedBy: 'external_id' | 'name' | 'search';
  preferredShopId: number | null;
}

export interface QuickOrderResult {
  matched: MatchedLine[];
  ambiguous: (QuickOrderLine & { candidates: Candidate[] })[];
  unmatched: (QuickOrderLine & { reason: 'not_found' })[];
  invalid: ParsedQuickOrder['problems'];
  fill: FillResult;
  basket: Basket;
}

const visible = and(eq(offers.isActive, true), eq(shops.acceptingOrders, true));

async function byExternalId(db: Queryable, code: string) {
  return db
    .select({ productId: offers.productId, name: products.name, shopId: offers.shopId, price: offers.price })
    .from(offers)
    .innerJoin(shops, eq(shops.id, offers.shopId))
    .innerJoin(products, eq(products.id, offers.productId))
    .where(and(eq(offers.externalId, code), visible));
}

async function byName(db: Queryable, name: string) {
  return db
    .select({ productId: products.id, name: products.name, bestPrice: products.minPrice })
    .from(products)
    .where(
      and(
        eq(products.normalizedName, normalizeName(name)),
        inArray(
          products.id,
          db
            .select({ id: offers.productId })
            .from(offers)
            .innerJoin(shops, eq(shops.id, offers.shopId))
            .where(visible),
        ),
      ),
    );
}

/** Matches one line; the database is read only. */
async function matchLine(
  db: Queryable,
  line: QuickOrderLine,
): Promise<
  | { kind: 'matched'; value: MatchedLine }
  | { kind: 'ambiguous'; candidates: Candidate[] }
  | { kind: 'unmatched' }
> {
  const coded = await byExternalId(db, line.query);
  const codedProducts = [...new Map(coded.map((row) => [row.productId, row])).values()];
  if (codedProducts.length === 1) {
    const shopIds = [...new Set(coded.map((row) => row.shopId))];
    return {
      kind: 'matched',
      value: {
        ...line,
        productId: codedProducts[0].productId,
        productName: codedProducts[0].name,
        matchedBy: 'external_id',
        preferredShopId: shopIds.length === 1 ? shopIds[0] : null,
      },
    };
  }
  if (codedProducts.length > 1) {
    return {
      kind: 'ambiguous',
      candidates: codedProducts.map((row) => ({
        productId: row.productId,
        name: row.name,
        bestPrice: row.price,
      })),
    };
  }
  const named = await byName(db, line.query);
  if (named.length === 1) {
    return {
      kind: 'matched',
      value: {
        ...line,
        productId: named[0].productId,
        productName: named[0].name,
        matchedBy: 'name',
        preferredShopId: null,
      },
    };
  }
  if (named.length > 1) {
    return {
      kind: 'ambiguous',
      candidates: named.map((row) => ({
        productId: row.productId,
        name: row.name,
        bestPrice: row.bestPrice,
      })),
    };
  }
  const found = await listProducts(db, { q: line.query, limit: 5 });
  if (found.items.length === 1 && found.corrected_query === null) {
    const [only] = found.items;
    return {
      kind: 'matched',
      value: {
        ...line,
        productId: only.id,
        productName: only.name,
        matchedBy: 'search',
        preferredShopId: null,
      },
    };
  }
  if (found.items.length > 0) {
    return {
      kind: 'ambiguous',
      candidates: found.items.map((item) => ({
        productId: item.id,
        name: item.name,
        bestPrice: item.best_price,
      })),
    };
  }
  return { kind: 'unmatched' };
}

export async function quickOrder(
  runtime: Runtime,
  userId: number,
  parsed: ParsedQuickOrder,
): Promise<QuickOrderResult> {
  const matched: MatchedLine[] = [];
  const ambiguous: QuickOrderResult['ambiguous'] = [];
  const unmatched: QuickOrderResult['unmatched'] = [];
  for (const line of parsed.lines) {
    const outcome = await matchLine(runtime.db, line);
    if (outcome.kind === 'matched') matched.push(outcome.value);
    else if (outcome.kind === 'ambiguous') ambiguous.push({ ...line, candidates: outcome.candidates });
    else unmatched.push({ ...line, reason: 'not_found' });
  }
  const wanted: WantedLine[] = matched.map((line) => ({
    productId: line.productId,
    quantity: line.quantity,
    preferredShopId: line.preferredShopId,
  }));
  return transaction(runtime, async ({ tx, now }) => {
    const basketId = await lockBasket(tx, userId, now);
    const fill = await fillBasket(tx, basketId, wanted, now);
    return {
      matched,
      ambiguous,
      unmatched,
      invalid: parsed.problems,
      fill,
      basket: await getBasket(tx, userId, now),
    };
  });
}
