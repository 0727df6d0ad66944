// The best-offer basket, as a pure function: which offers (suppliers) should supply each product of
// the basket so that the basket costs least, every line stays within stock and every supplier part
// reaches its supplier's minimum. No database and no clock: the caller hands in the offers, the
// minimums and two pricing callbacks built on the discount engine (see optimize.service.ts).
//
// The algorithm:
//
// 1. Demand. The basket's lines are summed per product (the quantity to buy). Candidates of a
//    product are its visible offers (active, shop accepting orders, same currency) with stock.
//    A product no candidate set can cover stays where it is (reported as unresolved) and its
//    amount still counts towards its supplier's minimum.
// 2. Line costs. `lineCost(offer, quantity)` is the line's total after its best promotion, from the
//    discount engine — the same rules the basket and checkout apply.
// 3. Supplier sets, exact up to EXACT_SUPPLIER_LIMIT (12) candidate suppliers. For every subset S of
//    the candidate suppliers (2^n, at most 4096) each product takes its cheapest supply within S:
//    the cheapest single offer holding the whole quantity, or — when cheaper or the only way — the
//    quantity split over S's offers from the lowest unit cost up (stock permitting). A split is
//    priced piece by piece with the real line cost: a promotion from a line quantity may not reach
//    the smaller pieces (unit cost × pieces once preferred a split that cost more than one whole
//    line — 491 against 490, found by the brute-force property). S is feasible
//    when every product is covered and every supplier that receives anything reaches its minimum;
//    the cheapest feasible S wins. A subset is abandoned as soon as its running cost reaches the
//    best found (branch and bound on the cost). Per-line cheapest choices within the chosen set are
//    optimal for a fixed set, so this is exact over "which suppliers to use" under the line-cost
//    model; it does not raise a part to its minimum with costlier choices inside a set.
// 4. Beyond 12 suppliers, a heuristic: start from every supplier, and while some supplier part is
//    below its minimum, drop the below-minimum supplier whose removal costs least; then step 5.
// 5. Polish with the real total: single-line moves (a product's whole supply from one offer to
//    another offer of the product with the stock) are tried with `basketTotal` — the full engine,
//    promotions with order minimums and the coupon included — and kept while they lower the total
//    and keep every minimum; until none does. Hence no single-line move improves the result
//    (the property test holds it).

/** The most candidate suppliers searched exactly (2^12 = 4096 supplier sets). */
export const EXACT_SUPPLIER_LIMIT = 12;

export interface CandidateOffer {
  offerId: number;
  shopId: number;
  productId: number;
  /** Minor units. */
  unitPrice: bigint;
  stock: number;
}

export interface Demand {
  productId: number;
  quantity: number;
  /** Where the basket takes it from now. */
  current: Supply[];
}

export interface Supply {
  offerId: number;
  quantity: number;
}

export interface OptimizerInput {
  demands: readonly Demand[];
  /** Candidates per product, every offer the product may come from now (current ones included). */
  offers: ReadonlyMap<number, readonly CandidateOffer[]>;
  /** Minimum per shop in minor units (absent or null: none). */
  minimums: ReadonlyMap<number, bigint | null>;
  /** A line's total after promotions, in minor units. */
  lineCost(offer: CandidateOffer, quantity: number): bigint;
  /** The basket's real total for a plan, in minor units (the full engine). */
  basketTotal(plan: Plan): bigint;
  exactLimit?: number;
}

/** Product id → its supply. */
export type Plan = Map<number, Supply[]>;

export interface OptimizerResult {
  plan: Plan;
  /** The supplier sets were searched exhaustively. */
  exact: boolean;
  /** Every supplier part of the plan reaches its minimum. */
  feasible: boolean;
  suppliers: number;
  /** Products left as they are: no candidate set can supply them. */
  unresolved: number[];
  /** Single-line moves the polish step kept. */
  polishMoves: number;
}

interface CandidateEntry {
  offer: CandidateOffer;
  /** The supplier's index (its bit in a supplier set). */
  shop: number;
  /** Cost per unit of the largest line the offer can supply: the order a split takes offers in. */
  unitCost: number;
  /** The line's cost for the whole quantity; null when the stock does not hold it. */
  fullCost: number | null;
  /** The real cost of a line of `quantity` units (memoized: splits ask for the same pieces often). */
  costOf(quantity: number): number;
}

interface ProductModel {
  productId: number;
  quantity: number;
  /** Candidates by unit cost (for splits), with a supplier index. */
  byUnitCost: CandidateEntry[];
  /** The candidates holding the whole quantity, cheapest line first: the first within a set is its best. */
  byFullCost: CandidateEntry[];
}

export function optimizeBasket(input: OptimizerInput): OptimizerResult {
  const offerById = new Map<number, CandidateOffer>();
  for (const list of input.offers.values()) for (const offer of list) offerById.set(offer.offerId, offer);

  const shopIds: number[] = [];
  const shopIndex = new Map<number, number>();
  const indexOf = (shopId: number) => {
    let index = shopIndex.get(shopId);
    if (index === undefined) {
      index = shopIds.length;
      shopIds.push(shopId);
      shopIndex.set(shopId, index);
    }
    return index;
  };

  const models: ProductModel[] = [];
  const unresolved: Demand[] = [];
  for (const demand of input.demands) {
    const candidates = (input.offers.get(demand.productId) ?? []).filter((offer) => offer.stock > 0);
    const available = candidates.reduce((sum, offer) => sum + offer.stock, 0);
    if (available < demand.quantity) {
      unresolved.push(demand);
      continue;
    }
    const byUnitCost = candidates
      .map((offer): CandidateEntry => {
        const costs = new Map<number, number>();
        const costOf = (quantity: number) => {
          let cost = costs.get(quantity);
          if (cost === undefined) {
            cost = Number(input.lineCost(offer, quantity));
            costs.set(quantity, cost);
          }
          return cost;
        };
        const units = Math.min(offer.stock, demand.quantity);
        return {
          offer,
          shop: indexOf(offer.shopId),
          unitCost: costOf(units) / units,
          fullCost: offer.stock >= demand.quantity ? costOf(demand.quantity) : null,
          costOf,
        };
      })
      .sort((a, b) => a.unitCost - b.unitCost || a.offer.offerId - b.offer.offerId);
    const byFullCost = byUnitCost
      .filter((entry) => entry.fullCost !== null)
      .sort((a, b) => a.fullCost! - b.fullCost! || a.offer.offerId - b.offer.offerId);
    models.push({ productId: demand.productId, quantity: demand.quantity, byUnitCost, byFullCost });
  }

  const unresolvedIds = new Set(unresolved.map((demand) => demand.productId));
  // Amounts the unresolved products keep at their current suppliers (minimums count them).
  const fixedAmounts = new Map<number, bigint>();
  for (const demand of unresolved) {
    for (const supply of demand.current) {
      const offer = offerById.get(supply.offerId);
      if (!offer) continue;
      fixedAmounts.set(
        offer.shopId,
        (fixedAmounts.get(offer.shopId) ?? 0n) + offer.unitPrice * BigInt(supply.quantity),
      );
    }
  }

  const minimumOf = (shopId: number) => input.minimums.get(shopId) ?? null;

  /** The cheapest supply of every product within the supplier set `mask`; null when some cannot. */
  const cheapestWithin = (mask: number, bound: number): { plan: Plan; cost: number } | null => {
    let cost = 0;
    const plan: Plan = new Map();
    for (const model of models) {
      let single: CandidateEntry | null = null;
      for (const entry of model.byFullCost) {
        if (mask & (1 << entry.shop)) {
          single = entry;
          break;
        }
      }
      let splitCost = 0;
      let left = model.quantity;
      const split: Supply[] = [];
      for (const entry of model.byUnitCost) {
        if (left === 0) break;
        if (!(mask & (1 << entry.shop))) continue;
        const take = Math.min(left, entry.offer.stock);
        split.push({ offerId: entry.offer.offerId, quantity: take });
        splitCost += entry.costOf(take);
        left -= take;
      }
      if (left > 0 && !single) return null;
      if (single && (left > 0 || single.fullCost! <= splitCost)) {
        plan.set(model.productId, [{ offerId: single.offer.offerId, quantity: model.quantity }]);
        cost += single.fullCost!;
      } else {
        plan.set(model.productId, split);
        cost += splitCost;
      }
      if (cost >= bound) return null;
    }
    return { plan, cost };
  };

  const exact = shopIds.length <= (input.exactLimit ?? EXACT_SUPPLIER_LIMIT);
  let best: { plan: Plan; cost: number } | null = null;
  if (exact) {
    for (let mask = 1; mask < 1 << shopIds.length; mask += 1) {
      const found = cheapestWithin(mask, best?.cost ?? Number.POSITIVE_INFINITY);
      if (found && meetsMinimums(found.plan)) best = found;
    }
    if (models.length === 0 && meetsMinimums(new Map())) best = { plan: new Map(), cost: 0 };
  } else {
    // Bit masks are 32-bit: beyond the exact limit the supplier set is a Set.
    const allowed = new Set(shopIds.map((_, index) => index));
    const within = () => cheapestWithinSet(allowed);
    let current = within();
    while (current && !meetsMinimums(current.plan)) {
      const below = shopsBelowMinimum(current.plan);
      let pick: { index: number; result: { plan: Plan; cost: number } | null } | null = null;
      for (const shopId of below) {
        const index = shopIndex.get(shopId);
        // A shop already dropped is below only through unresolved lines: dropping cannot help.
        if (index === undefined || !allowed.has(index)) continue;
        allowed.delete(index);
        const result = within();
        allowed.add(index);
        if (!pick || (result && (!pick.result || result.cost < pick.result.cost))) pick = { index, result };
      }
      if (!pick) break;
      allowed.delete(pick.index);
      current = pick.result;
    }
    best = current && meetsMinimums(current.plan) ? current : null;
  }

  function cheapestWithinSet(allowed: ReadonlySet<number>): { plan: Plan; cost: number } | null {
    // The same choice as cheapestWithin, over a set of supplier indexes of any size.
    let cost = 0;
    const plan: Plan = new Map();
    for (const model of models) {
      const entries = model.byUnitCost.filter((entry) => allowed.has(entry.shop));
      let single: CandidateEntry | null = null;
      for (const entry of entries) {
        if (entry.fullCost !== null && (!single || entry.fullCost < single.fullCost!)) single = entry;
      }
      let left = model.quantity;
      let splitCost = 0;
      const split: Supply[] = [];
      for (const entry of entries) {
        if (left === 0) break;
        const take = Math.min(left, entry.offer.stock);
        split.push({ offerId: entry.offer.offerId, quantity: take });
        splitCost += entry.costOf(take);
        left -= take;
      }
      if (left > 0 && !single) return null;
      if (single && (left > 0 || single.fullCost! <= splitCost)) {
        plan.set(model.productId, [{ offerId: single.offer.offerId, quantity: model.quantity }]);
        cost += single.fullCost!;
      } else {
        plan.set(model.productId, split);
        cost += splitCost;
      }
    }
    return { plan, cost };
  }

  function partAmounts(plan: Plan): Map<number, bigint> {
    const amounts = new Map(fixedAmounts);
    for (const [productId, supplies] of plan) {
      // Unresolved products are counted once, in fixedAmounts.
      if (unresolvedIds.has(productId)) continue;
      for (const supply of supplies) {
        const offer = offerById.get(supply.offerId)!;
        amounts.set(
          offer.shopId,
          (amounts.get(offer.shopId) ?? 0n) + offer.unitPrice * BigInt(supply.quantity),
        );
      }
    }
    return amounts;
  }

  function shopsBelowMinimum(plan: Plan): number[] {
    const below: number[] = [];
    for (const [shopId, amount] of partAmounts(plan)) {
      const minimum = minimumOf(shopId);
      if (amount > 0n && minimum !== null && amount < minimum) below.push(shopId);
    }
    return below;
  }

  function meetsMinimums(plan: Plan): boolean {
    return shopsBelowMinimum(plan).length === 0;
  }

  // The plan with the unresolved products where they are.
  const withFixed = (plan: Plan): Plan => {
    const full: Plan = new Map(plan);
    for (const demand of unresolved)
      full.set(
        demand.productId,
        demand.current.map((supply) => ({ ...supply })),
      );
    return full;
  };
  const currentPlan = withFixed(new Map(input.demands.map((demand) => [demand.productId, demand.current])));
  // The basket as it is can stay only if its every line is within a candidate's stock.
  const candidateStock = new Map<number, number>();
  for (const list of input.offers.values())
    for (const offer of list) candidateStock.set(offer.offerId, offer.stock);
  const currentFeasible =
    meetsMinimums(currentPlan) &&
    models.every((model) =>
      (currentPlan.get(model.productId) ?? []).every(
        (supply) => supply.quantity <= (candidateStock.get(supply.offerId) ?? 0),
      ),
    );

  let plan = best ? withFixed(best.plan) : currentPlan;
  let feasible = best ? true : currentFeasible;
  // The search ranks with line costs; the real total decides against the basket as it is.
  if (best && currentFeasible && input.basketTotal(currentPlan) <= input.basketTotal(plan))
    plan = currentPlan;
  if (!best) feasible = currentFeasible;

  // 5. Polish: single-line moves judged by the real total, kept while they lower it.
  let polishMoves = 0;
  if (feasible) {
    let total = input.basketTotal(plan);
    // Full passes over every (line, other offer) until a pass keeps no move; a kept move changes
    // the plan in place and the pass goes on from there.
    for (let round = 0, improved = true; improved && round < 10_000; round += 1) {
      improved = false;
      for (const productId of [...plan.keys()]) {
        for (let moved = true; moved; ) {
          moved = false;
          const supplies = plan.get(productId)!;
          for (const supply of supplies) {
            for (const target of input.offers.get(productId) ?? []) {
              if (target.offerId === supply.offerId) continue;
              const next = moveSupply(supplies, supply, target);
              if (!next) continue;
              const candidate = new Map(plan);
              candidate.set(productId, next);
              if (!meetsMinimums(candidate)) continue;
              const candidateTotal = input.basketTotal(candidate);
              if (candidateTotal < total) {
                plan = candidate;
                total = candidateTotal;
                polishMoves += 1;
                improved = true;
                moved = true;
                break;
              }
            }
            if (moved) break;
          }
        }
      }
    }
  }

  return {
    plan,
    exact,
    feasible,
    suppliers: shopIds.length,
    unresolved: unresolved.map((demand) => demand.productId),
    polishMoves,
  };
}

/**
 * The supplies of a product with `supply` moved whole onto `target` (merged with what `target`
 * already supplies); null when the target's stock does not hold it.
 */
export function moveSupply(
  supplies: readonly Supply[],
  supply: Supply,
  target: CandidateOffer,
): Supply[] | null {
  const already = supplies.find((other) => other.offerId === target.offerId)?.quantity ?? 0;
  if (already + supply.quantity > target.stock) return null;
  const rest = supplies.filter((other) => other !== supply && other.offerId !== target.offerId);
  return [...rest, { offerId: target.offerId, quantity: already + supply.quantity }].sort(
    (a, b) => a.offerId - b.offerId,
  );
}
