// POST /api/v2/basket/optimize: the buyer's basket rearranged over the suppliers so that it costs
// least (after promotions and the basket's coupon), stays within stock, and every supplier part
// reaches its minimum. The search is optimizer.ts; this file feeds it the basket, the candidate
// offers and the pricing of the discount engine, describes the moves, and applies them in one
// transaction under the basket's lock (preview and apply compute the same way).
import { and, asc, eq, gt, inArray } from 'drizzle-orm';
import type { Queryable, Transaction } from '../../db/client.ts';
import { offers, products, shops } from '../../db/schema/catalog.ts';
import { basketItems, baskets } from '../../db/schema/orders.ts';
import { transaction } from '../../db/transaction.ts';
import { conflict } from '../../http/errors.ts';
import { fromMinor, toMinor } from '../../lib/money.ts';
import type { Runtime } from '../../runtime.ts';
import { priceLines } from '../promotions/discount-engine.ts';
import {
  type Basket,
  getBasket,
  type LiveLine,
  liveLineColumns,
  lockBasket,
  putIntoBasket,
} from './basket.service.ts';
import { chooseDiscounts } from './discount-choice.ts';
import { type CandidateOffer, optimizeBasket, type Plan, type Supply } from './optimizer.ts';
import { priceOrder } from './pricing.ts';
import { termsOfShops } from './supplier-terms.ts';

export interface OfferRef {
  offerId: number;
  shopId: number;
  shopName: string;
  unitPrice: string;
}

export interface OptimizeMove {
  productId: number;
  productName: string;
  quantity: number;
  from: OfferRef;
  to: OfferRef;
  /** What the move saves at line prices after promotions (the totals are exact; moves may round). */
  saving: string;
}

export interface OptimizeResult {
  applied: boolean;
  exact: boolean;
  /** Every supplier part of the proposed basket reaches its minimum. */
  feasible: boolean;
  suppliersConsidered: number;
  totalBefore: string;
  totalAfter: string;
  saving: string;
  moves: OptimizeMove[];
  unresolved: { productId: number; productName: string; quantity: number; reason: 'not_enough_stock' }[];
  /** The basket after applying (apply: true), else null. */
  basket: Basket | null;
}

interface CandidateRow extends CandidateOffer {
  shopName: string;
  categoryId: number;
  productName: string;
}

async function basketLines(db: Queryable, userId: number): Promise<LiveLine[]> {
  return db
    .select(liveLineColumns)
    .from(baskets)
    .innerJoin(basketItems, eq(basketItems.basketId, baskets.id))
    .innerJoin(offers, eq(offers.id, basketItems.offerId))
    .innerJoin(products, eq(products.id, offers.productId))
    .innerJoin(shops, eq(shops.id, offers.shopId))
    .where(eq(baskets.userId, userId))
    .orderBy(asc(basketItems.id));
}

/** Every offer a basket product may come from now: active, of a shop accepting orders, in stock. */
async function candidateOffers(
  db: Queryable,
  productIds: number[],
  currency: string,
): Promise<CandidateRow[]> {
  const rows = await db
    .select({
      offerId: offers.id,
      shopId: offers.shopId,
      productId: offers.productId,
      price: offers.price,
      stock: offers.quantity,
      shopName: shops.name,
      categoryId: products.categoryId,
      productName: products.name,
    })
    .from(offers)
    .innerJoin(shops, eq(shops.id, offers.shopId))
    .innerJoin(products, eq(products.id, offers.productId))
    .where(
      and(
        inArray(offers.productId, productIds),
        eq(offers.isActive, true),
        eq(shops.acceptingOrders, true),
        eq(shops.currency, currency),
        gt(offers.quantity, 0),
      ),
    )
    .orderBy(asc(offers.id));
  return rows.map(({ price, ...row }) => ({ ...row, unitPrice: toMinor(price) }));
}

/** Computes the best basket; with `apply`, writes it (the caller holds the basket's lock). */
async function optimizeWithin(
  db: Queryable,
  userId: number,
  now: Date,
): Promise<Omit<OptimizeResult, 'applied' | 'basket'> & { plan: Plan; lines: LiveLine[] }> {
  const lines = await basketLines(db, userId);
  const empty = {
    exact: true,
    feasible: true,
    suppliersConsidered: 0,
    totalBefore: '0.00',
    totalAfter: '0.00',
    saving: '0.00',
    moves: [],
    unresolved: [],
    plan: new Map(),
    lines,
  };
  if (lines.length === 0) return empty;
  const currency = lines[0].currency;
  const productIds = [...new Set(lines.map((line) => line.productId))];
  const candidates = await candidateOffers(db, productIds, currency);
  const offerById = new Map<number, CandidateRow>(candidates.map((offer) => [offer.offerId, offer]));
  // The basket's own offers, even when no longer candidates, so the current plan can be priced.
  for (const line of lines) {
    if (!offerById.has(line.offerId)) {
      offerById.set(line.offerId, {
        offerId: line.offerId,
        shopId: line.shopId,
        productId: line.productId,
        unitPrice: toMinor(line.price),
        stock: line.isActive && line.acceptingOrders ? line.stock : 0,
        shopName: line.shopName,
        categoryId: line.categoryId,
        productName: line.productName,
      });
    }
  }
  const byProduct = new Map<number, CandidateOffer[]>();
  for (const offer of candidates) {
    const list = byProduct.get(offer.productId) ?? [];
    list.push(offer);
    byProduct.set(offer.productId, list);
  }

  const currentPricing = lines.map((line) => ({
    key: line.itemId,
    shopId: line.shopId,
    productId: line.productId,
    categoryId: line.categoryId,
    unitPrice: line.price,
    quantity: line.quantity,
  }));
  const discounts = await chooseDiscounts(db, { userId, lines: currentPricing, now });
  const subtotal = currentPricing.reduce(
    (sum, line) => sum + toMinor(line.unitPrice) * BigInt(line.quantity),
    0n,
  );
  // Line costs: the promotions whose order minimum this basket reaches, applied per line.
  const linePromotions = discounts.promotions
    .filter((promotion) => promotion.minOrderAmount === null || subtotal >= promotion.minOrderAmount)
    .map((promotion) => ({ ...promotion, minOrderAmount: null }));
  const costCache = new Map<string, bigint>();
  const lineCost = (offer: CandidateOffer, quantity: number): bigint => {
    const key = `${offer.offerId}:${quantity}`;
    let cost = costCache.get(key);
    if (cost === undefined) {
      const row = offerById.get(offer.offerId)!;
      cost = priceLines({
        lines: [
          {
            lineRef: 0,
            productId: row.productId,
            categoryId: row.categoryId,
            shopId: row.shopId,
            unitPrice: row.unitPrice,
            quantity,
          },
        ],
        promotions: linePromotions,
        coupon: null,
        now,
      }).total;
      costCache.set(key, cost);
    }
    return cost;
  };
  const planLines = (plan: Plan) =>
    [...plan.values()].flatMap((supplies) =>
      supplies.map((supply) => {
        const row = offerById.get(supply.offerId)!;
        return {
          key: supply.offerId,
          shopId: row.shopId,
          productId: row.productId,
          categoryId: row.categoryId,
          unitPrice: fromMinor(row.unitPrice),
          quantity: supply.quantity,
        };
      }),
    );
  const basketTotal = (plan: Plan): bigint =>
    toMinor(
      priceOrder({ lines: planLines(plan), promotions: discounts.promotions, coupon: discounts.coupon, now })
        .total,
    );

  const demands = productIds.map((productId) => {
    const own = lines.filter((line) => line.productId === productId);
    return {
      productId,
      quantity: own.reduce((sum, line) => sum + line.quantity, 0),
      current: own.map((line) => ({ offerId: line.offerId, quantity: line.quantity })),
    };
  });
  const terms = await termsOfShops(db, [...new Set([...offerById.values()].map((offer) => offer.shopId))]);
  const minimums = new Map(
    [...terms].map(([shopId, shopTerms]) => [
      shopId,
      shopTerms.minOrderAmount === null ? null : toMinor(shopTerms.minOrderAmount),
    ]),
  );
  const result = optimizeBasket({ demands, offers: byProduct, minimums, lineCost, basketTotal });

  const currentPlan: Plan = new Map(demands.map((demand) => [demand.productId, demand.current]));
  const before = basketTotal(currentPlan);
  const after = basketTotal(result.plan);
  const moves: OptimizeMove[] = [];
  for (const demand of demands) {
    moves.push(
      ...describeMoves(
        demand.productId,
        demand.current,
        result.plan.get(demand.productId) ?? [],
        offerById,
        lineCost,
      ),
    );
  }
  return {
    exact: result.exact,
    feasible: result.feasible,
    suppliersConsidered: result.suppliers,
    totalBefore: fromMinor(before),
    totalAfter: fromMinor(after),
    saving: fromMinor(before - after),
    moves,
    unresolved: result.unresolved.map((productId) => {
      const own = lines.filter((line) => line.productId === productId);
      return {
        productId,
        productName: own[0].productName,
        quantity: own.reduce((sum, line) => sum + line.quantity, 0),
        reason: 'not_enough_stock' as const,
      };
    }),
    plan: result.plan,
    lines,
  };
}

/** A product's change of supply as moves: what left each offer, paired with what each new one takes. */
function describeMoves(
  productId: number,
  before: readonly Supply[],
  after: readonly Supply[],
  offerById: ReadonlyMap<number, CandidateRow>,
  lineCost: (offer: CandidateOffer, quantity: number) => bigint,
): OptimizeMove[] {
  const quantityIn = (supplies: readonly Supply[], offerId: number) =>
    supplies.find((supply) => supply.offerId === offerId)?.quantity ?? 0;
  const offerIds = [...new Set([...before, ...after].map((supply) => supply.offerId))];
  const sources = offerIds
    .map((offerId) => ({ offerId, left: quantityIn(before, offerId) - quantityIn(after, offerId) }))
    .filter((entry) => entry.left > 0);
  const targets = offerIds
    .map((offerId) => ({ offerId, left: quantityIn(after, offerId) - quantityIn(before, offerId) }))
    .filter((entry) => entry.left > 0);
  // Unit costs after promotions, of the lines as they are before (sources) and after (targets).
  const unitCost = (supplies: readonly Supply[], offerId: number) => {
    const quantity = quantityIn(supplies, offerId);
    return Number(lineCost(offerById.get(offerId)!, quantity)) / quantity;
  };
  const ref = (offerId: number): OfferRef => {
    const row = offerById.get(offerId)!;
    return { offerId, shopId: row.shopId, shopName: row.shopName, unitPrice: fromMinor(row.unitPrice) };
  };
  const moves: OptimizeMove[] = [];
  for (const source of sources) {
    for (const target of targets) {
      if (source.left === 0) break;
      const quantity = Math.min(source.left, target.left);
      if (quantity === 0) continue;
      source.left -= quantity;
      target.left -= quantity;
      const saving = BigInt(
        Math.round(quantity * (unitCost(before, source.offerId) - unitCost(after, target.offerId))),
      );
      moves.push({
        productId,
        productName: offerById.get(source.offerId)!.productName,
        quantity,
        from: ref(source.offerId),
        to: ref(target.offerId),
        saving: fromMinor(saving),
      });
    }
  }
  return moves;
}

/** Rewrites the basket's lines to the plan: lines of moved offers go, the plan's offers are set. */
async function applyPlan(
  tx: Transaction,
  basketId: number,
  lines: readonly LiveLine[],
  plan: Plan,
  now: Date,
) {
  const keep = new Map<number, number>();
  for (const supplies of plan.values())
    for (const supply of supplies) keep.set(supply.offerId, supply.quantity);
  const gone = lines.filter((line) => !keep.has(line.offerId)).map((line) => line.itemId);
  if (gone.length > 0) await tx.delete(basketItems).where(inArray(basketItems.id, gone));
  for (const [offerId, quantity] of keep) {
    const line = lines.find((own) => own.offerId === offerId);
    if (line?.quantity === quantity) continue;
    await putIntoBasket(tx, basketId, { offerId, quantity, mode: 'set', now });
  }
}

export async function optimizeBasketOf(
  runtime: Runtime,
  userId: number,
  options: { apply: boolean },
): Promise<OptimizeResult> {
  if (!options.apply) {
    const now = runtime.clock.now();
    const { plan: _plan, lines: _lines, ...preview } = await optimizeWithin(runtime.db, userId, now);
    return { ...preview, applied: false, basket: null };
  }
  return transaction(runtime, async ({ tx, now }) => {
    const basketId = await lockBasket(tx, userId, now);
    const { plan, lines, ...outcome } = await optimizeWithin(tx, userId, now);
    if (lines.length === 0)
      throw conflict('basket_empty', { ru: 'Корзина пуста', en: 'The basket is empty' });
    const applied = outcome.moves.length > 0 && outcome.feasible;
    if (applied) await applyPlan(tx, basketId, lines, plan, now);
    return { ...outcome, applied, basket: await getBasket(tx, userId, now) };
  });
}
