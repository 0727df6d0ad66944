// The optimizer's guarantees on random baskets, priced by the real discount engine: the plan buys
// exactly what the basket asks within stock; every supplier part reaches its minimum; no single-line
// move improves an applied result; without minimums it is never worse than the best assignment of
// whole lines found by brute force.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type PromotionRule, priceLines } from '../promotions/discount-engine.ts';
import { type CandidateOffer, type Demand, moveSupply, optimizeBasket, type Plan } from './optimizer.ts';

interface Instance {
  offers: CandidateOffer[];
  demands: Demand[];
  minimums: Map<number, bigint | null>;
  promotions: PromotionRule[];
}

const NOW = new Date('2026-12-03T12:00:00Z');

const instance = fc
  .record({
    shopCount: fc.integer({ min: 1, max: 5 }),
    productCount: fc.integer({ min: 1, max: 5 }),
    seedOffers: fc.array(
      fc.record({
        shop: fc.nat(),
        product: fc.nat(),
        price: fc.integer({ min: 100, max: 20_000 }),
        stock: fc.integer({ min: 0, max: 12 }),
      }),
      { minLength: 1, maxLength: 18 },
    ),
    quantities: fc.array(fc.integer({ min: 1, max: 10 }), { minLength: 5, maxLength: 5 }),
    minimums: fc.array(fc.option(fc.integer({ min: 100, max: 60_000 }), { nil: null }), {
      minLength: 5,
      maxLength: 5,
    }),
    promotions: fc.array(
      fc.record({
        shop: fc.nat(),
        percent: fc.integer({ min: 1, max: 50 }),
        minLineQuantity: fc.integer({ min: 1, max: 4 }),
        minOrder: fc.option(fc.integer({ min: 1000, max: 50_000 }), { nil: null }),
      }),
      { maxLength: 3 },
    ),
    withMinimums: fc.boolean(),
  })
  .map((raw): Instance => {
    const offers: CandidateOffer[] = raw.seedOffers.map((seed, index) => ({
      offerId: index + 1,
      shopId: (seed.shop % raw.shopCount) + 1,
      productId: (seed.product % raw.productCount) + 1,
      unitPrice: BigInt(seed.price),
      stock: seed.stock,
    }));
    const demands: Demand[] = [];
    for (let productId = 1; productId <= raw.productCount; productId += 1) {
      const own = offers.filter((offer) => offer.productId === productId);
      if (own.length === 0) continue;
      const quantity = raw.quantities[productId - 1];
      demands.push({ productId, quantity, current: [{ offerId: own[0].offerId, quantity }] });
    }
    const minimums = new Map<number, bigint | null>();
    for (let shopId = 1; shopId <= raw.shopCount; shopId += 1) {
      const minimum = raw.withMinimums ? raw.minimums[shopId - 1] : null;
      minimums.set(shopId, minimum === null ? null : BigInt(minimum));
    }
    const promotions: PromotionRule[] = raw.promotions.map((p, index) => ({
      id: index + 1,
      name: `promo ${index + 1}`,
      enabled: true,
      startsAt: new Date('2026-01-01T00:00:00Z'),
      endsAt: null,
      targets: { all: false, categoryIds: [], productIds: [], shopIds: [(p.shop % raw.shopCount) + 1] },
      discount: { kind: 'percent', value: BigInt(p.percent * 100) },
      minLineQuantity: p.minLineQuantity,
      minOrderAmount: p.minOrder === null ? null : BigInt(p.minOrder),
      priority: 0,
    }));
    return { offers, demands, minimums, promotions };
  });

function pricingOf(inst: Instance) {
  const offerById = new Map(inst.offers.map((offer) => [offer.offerId, offer]));
  const linesOf = (plan: Plan) =>
    [...plan.values()].flatMap((supplies) =>
      supplies.map((supply) => {
        const offer = offerById.get(supply.offerId)!;
        return {
          lineRef: supply.offerId,
          productId: offer.productId,
          categoryId: 1,
          shopId: offer.shopId,
          unitPrice: offer.unitPrice,
          quantity: supply.quantity,
        };
      }),
    );
  const basketTotal = (plan: Plan) =>
    priceLines({ lines: linesOf(plan), promotions: inst.promotions, coupon: null, now: NOW }).total;
  const lineCost = (offer: CandidateOffer, quantity: number) =>
    priceLines({
      lines: [
        {
          lineRef: 0,
          productId: offer.productId,
          categoryId: 1,
          shopId: offer.shopId,
          unitPrice: offer.unitPrice,
          quantity,
        },
      ],
      promotions: inst.promotions.map((promotion) => ({ ...promotion, minOrderAmount: null })),
      coupon: null,
      now: NOW,
    }).total;
  const meetsMinimums = (plan: Plan) => {
    const amounts = new Map<number, bigint>();
    for (const supplies of plan.values()) {
      for (const supply of supplies) {
        const offer = offerById.get(supply.offerId)!;
        amounts.set(
          offer.shopId,
          (amounts.get(offer.shopId) ?? 0n) + offer.unitPrice * BigInt(supply.quantity),
        );
      }
    }
    return [...amounts].every(([shopId, amount]) => {
      const minimum = inst.minimums.get(shopId) ?? null;
      return minimum === null || amount >= minimum;
    });
  };
  return { offerById, basketTotal, lineCost, meetsMinimums };
}

function run(inst: Instance, exactLimit?: number) {
  const pricing = pricingOf(inst);
  const offers = new Map<number, CandidateOffer[]>();
  for (const offer of inst.offers)
    offers.set(offer.productId, [...(offers.get(offer.productId) ?? []), offer]);
  const result = optimizeBasket({
    demands: inst.demands,
    offers,
    minimums: inst.minimums,
    lineCost: pricing.lineCost,
    basketTotal: pricing.basketTotal,
    exactLimit,
  });
  return { result, offers, ...pricing };
}

describe('optimizer properties', () => {
  for (const [label, exactLimit] of [
    ['exact search', undefined],
    ['heuristic', 0],
  ] as const) {
    it(`${label}: buys exactly the basket within stock, keeps minimums, and no single-line move improves it`, () => {
      fc.assert(
        fc.property(instance, (inst) => {
          const { result, offers, offerById, basketTotal, meetsMinimums } = run(inst, exactLimit);
          for (const demand of inst.demands) {
            const supplies = result.plan.get(demand.productId)!;
            expect(supplies.reduce((sum, supply) => sum + supply.quantity, 0)).toBe(demand.quantity);
            // With no feasible plan the basket is left as it is (nothing is proposed).
            if (!result.feasible || result.unresolved.includes(demand.productId)) continue;
            for (const supply of supplies) {
              const offer = offerById.get(supply.offerId)!;
              expect(offer.productId).toBe(demand.productId);
              expect(supply.quantity).toBeLessThanOrEqual(offer.stock);
            }
          }
          if (!result.feasible) return;
          expect(meetsMinimums(result.plan)).toBe(true);
          const total = basketTotal(result.plan);
          for (const [productId, supplies] of result.plan) {
            if (result.unresolved.includes(productId)) continue;
            for (const supply of supplies) {
              for (const target of offers.get(productId) ?? []) {
                if (target.offerId === supply.offerId) continue;
                const moved = moveSupply(supplies, supply, target);
                if (!moved) continue;
                const candidate = new Map(result.plan);
                candidate.set(productId, moved);
                if (!meetsMinimums(candidate)) continue;
                expect(basketTotal(candidate)).toBeGreaterThanOrEqual(total);
              }
            }
          }
        }),
        { numRuns: 300 },
      );
    });
  }

  // Exactness is claimed without supplier minimums and without promotions that need an order
  // minimum: the search prices lines with only the promotions the basket already qualifies for, so
  // a plan that newly crosses a promotion's order minimum can be missed (fast-check found one:
  // 501 against 499 with a 50 % promotion from 10.00). That case is a known limit (README), not
  // part of this property.
  it('without minimums or order-minimum promotions, is never worse than the best whole-line assignment (brute force)', () => {
    fc.assert(
      fc.property(
        instance.map((inst) => ({
          ...inst,
          minimums: new Map([...inst.minimums].map(([shopId]) => [shopId, null])),
          promotions: inst.promotions.map((promotion) => ({ ...promotion, minOrderAmount: null })),
        })),
        (inst) => {
          const { result, offers, basketTotal } = run(inst);
          if (result.unresolved.length > 0) return;
          let best: bigint | null = null;
          const walk = (index: number, plan: Plan) => {
            if (index === inst.demands.length) {
              const total = basketTotal(plan);
              if (best === null || total < best) best = total;
              return;
            }
            const demand = inst.demands[index];
            for (const offer of offers.get(demand.productId) ?? []) {
              if (offer.stock < demand.quantity) continue;
              plan.set(demand.productId, [{ offerId: offer.offerId, quantity: demand.quantity }]);
              walk(index + 1, plan);
            }
            plan.delete(demand.productId);
          };
          walk(0, new Map());
          if (best !== null) expect(basketTotal(result.plan)).toBeLessThanOrEqual(best);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('moves a line to a cheaper supplier, splits when one lacks the stock, and respects a minimum', () => {
    const inst: Instance = {
      offers: [
        { offerId: 1, shopId: 1, productId: 1, unitPrice: 10_000n, stock: 100 },
        { offerId: 2, shopId: 2, productId: 1, unitPrice: 8_000n, stock: 3 },
        { offerId: 3, shopId: 3, productId: 2, unitPrice: 5_000n, stock: 100 },
        { offerId: 4, shopId: 2, productId: 2, unitPrice: 4_900n, stock: 100 },
      ],
      demands: [
        { productId: 1, quantity: 5, current: [{ offerId: 1, quantity: 5 }] },
        { productId: 2, quantity: 1, current: [{ offerId: 3, quantity: 1 }] },
      ],
      minimums: new Map([
        [1, null],
        [2, null],
        [3, 100_000n],
      ]),
      promotions: [],
    };
    const { result } = run(inst);
    expect(result.exact).toBe(true);
    expect(result.plan.get(1)).toEqual([
      { offerId: 2, quantity: 3 },
      { offerId: 1, quantity: 2 },
    ]);
    // Shop 3's minimum (1000.00) is out of reach, so product 2 goes to shop 2 anyway (cheaper too).
    expect(result.plan.get(2)).toEqual([{ offerId: 4, quantity: 1 }]);
  });

  // fast-check's counterexample (CI, seed 1853460007): a 3 % promotion from 3 units a line. Two
  // offers at 1.00 hold 3 units each, one at 1.01 holds 5. Priced at unit cost × quantity the split
  // 3 + 2 looked cheaper (4.85) than the whole line at 1.01 (4.90), but the piece of 2 gets no
  // discount: the split really costs 4.91. Pieces are priced with their real line cost now.
  it('prices each piece of a split by its real line cost (a promotion from a line quantity)', () => {
    const inst: Instance = {
      offers: [
        { offerId: 1, shopId: 1, productId: 1, unitPrice: 100n, stock: 3 },
        { offerId: 2, shopId: 1, productId: 1, unitPrice: 101n, stock: 5 },
        { offerId: 3, shopId: 1, productId: 1, unitPrice: 100n, stock: 3 },
      ],
      demands: [{ productId: 1, quantity: 5, current: [{ offerId: 1, quantity: 5 }] }],
      minimums: new Map([[1, null]]),
      promotions: [
        {
          id: 1,
          name: 'promo 1',
          enabled: true,
          startsAt: new Date('2026-01-01T00:00:00Z'),
          endsAt: null,
          targets: { all: false, categoryIds: [], productIds: [], shopIds: [1] },
          discount: { kind: 'percent', value: 300n },
          minLineQuantity: 3,
          minOrderAmount: null,
          priority: 0,
        },
      ],
    };
    const { result, basketTotal } = run(inst);
    expect(result.plan.get(1)).toEqual([{ offerId: 2, quantity: 5 }]);
    expect(basketTotal(result.plan)).toBe(490n);
  });
});
