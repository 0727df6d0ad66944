import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type CouponRule,
  distribute,
  type Pricing,
  type PricingLine,
  type PromotionRule,
  priceLines,
  type Targets,
} from './discount-engine.ts';

const NOW = new Date('2026-06-15T12:00:00Z');
const DAY = 24 * 3600 * 1000;
const ALL: Targets = { all: true, categoryIds: [], productIds: [], shopIds: [] };

function targets(partial: Partial<Targets>): Targets {
  return { all: false, categoryIds: [], productIds: [], shopIds: [], ...partial };
}

function promotion(overrides: Partial<PromotionRule> = {}): PromotionRule {
  return {
    id: 1,
    name: 'Акция',
    enabled: true,
    startsAt: new Date(NOW.getTime() - DAY),
    endsAt: new Date(NOW.getTime() + DAY),
    targets: ALL,
    discount: { kind: 'percent', value: 1000n },
    minLineQuantity: 1,
    minOrderAmount: null,
    priority: 0,
    ...overrides,
  };
}

function coupon(overrides: Partial<CouponRule> = {}): CouponRule {
  return {
    code: 'SAVE',
    startsAt: new Date(NOW.getTime() - DAY),
    endsAt: new Date(NOW.getTime() + DAY),
    scope: 'order',
    targets: targets({}),
    discount: { kind: 'percent', value: 1000n },
    minOrderAmount: null,
    combinesWithPromotions: true,
    ...overrides,
  };
}

let nextRef = 0;
function line(overrides: Partial<PricingLine<number>> = {}): PricingLine<number> {
  nextRef += 1;
  return {
    lineRef: nextRef,
    productId: 1,
    categoryId: 10,
    shopId: 100,
    unitPrice: 10000n,
    quantity: 1,
    ...overrides,
  };
}

function price(
  lines: PricingLine<number>[],
  promotions: PromotionRule[] = [],
  rule: CouponRule | null = null,
  now = NOW,
): Pricing<number> {
  return priceLines({ lines, promotions, coupon: rule, now });
}

// ---------------------------------------------------------------------------------------------
// Properties

const arbTargets: fc.Arbitrary<Targets> = fc.oneof(
  fc.constant(ALL),
  fc.record({
    all: fc.constant(false),
    categoryIds: fc.uniqueArray(fc.integer({ min: 1, max: 4 }), { maxLength: 2 }),
    productIds: fc.uniqueArray(fc.integer({ min: 1, max: 6 }), { maxLength: 3 }),
    shopIds: fc.uniqueArray(fc.integer({ min: 1, max: 3 }), { maxLength: 2 }),
  }),
);

const arbDiscount = fc.oneof(
  fc.record({ kind: fc.constant('percent' as const), value: fc.bigInt({ min: 1n, max: 10_000n }) }),
  fc.record({ kind: fc.constant('fixed' as const), value: fc.bigInt({ min: 1n, max: 2_000_000n }) }),
);

const arbWindow = fc
  .tuple(fc.integer({ min: -10, max: 5 }), fc.option(fc.integer({ min: 1, max: 20 })))
  .map(([startDays, length]) => {
    const startsAt = new Date(NOW.getTime() + startDays * DAY);
    return { startsAt, endsAt: length === null ? null : new Date(startsAt.getTime() + length * DAY) };
  });

const arbPromotion: fc.Arbitrary<PromotionRule> = fc
  .record({
    id: fc.integer({ min: 1, max: 1000 }),
    enabled: fc.boolean(),
    window: arbWindow,
    targets: arbTargets,
    discount: arbDiscount,
    minLineQuantity: fc.integer({ min: 1, max: 5 }),
    minOrderAmount: fc.option(fc.bigInt({ min: 0n, max: 5_000_000n })),
    priority: fc.integer({ min: -3, max: 3 }),
  })
  .map(({ window, ...rest }) => ({ ...rest, ...window, name: `P${rest.id}` }));

const arbCoupon: fc.Arbitrary<CouponRule> = fc
  .record({
    window: arbWindow,
    scope: fc.constantFrom('order' as const, 'lines' as const),
    targets: arbTargets,
    discount: arbDiscount,
    minOrderAmount: fc.option(fc.bigInt({ min: 0n, max: 5_000_000n })),
    combinesWithPromotions: fc.boolean(),
  })
  .map(({ window, ...rest }) => ({ ...rest, ...window, code: 'PROP' }));

const arbLine = fc.record({
  lineRef: fc.nat(),
  productId: fc.integer({ min: 1, max: 6 }),
  categoryId: fc.integer({ min: 1, max: 4 }),
  shopId: fc.integer({ min: 1, max: 3 }),
  unitPrice: fc.bigInt({ min: 0n, max: 10_000_000n }),
  quantity: fc.integer({ min: 1, max: 50 }),
});

const arbInput = fc.record({
  lines: fc.array(arbLine, { maxLength: 8 }),
  promotions: fc.array(arbPromotion, { maxLength: 5 }),
  coupon: fc.option(arbCoupon),
  now: fc.constant(NOW),
});

describe('priceLines properties', () => {
  it('never gives a negative total or line', () => {
    fc.assert(
      fc.property(arbInput, (input) => {
        const result = priceLines(input);
        expect(result.total >= 0n).toBe(true);
        for (const l of result.lines) {
          expect(l.total >= 0n && l.finalAmount >= 0n && l.discount >= 0n && l.orderDiscount >= 0n).toBe(
            true,
          );
        }
      }),
    );
  });

  it('never takes more off a line than its amount', () => {
    fc.assert(
      fc.property(arbInput, (input) => {
        for (const l of priceLines(input).lines) {
          expect(l.discount + l.orderDiscount <= l.amount).toBe(true);
          expect(l.amount).toBe(l.unitPrice * BigInt(l.quantity));
        }
      }),
    );
  });

  it('adds the lines up to the totals exactly', () => {
    fc.assert(
      fc.property(arbInput, (input) => {
        const r = priceLines(input);
        const sum = (pick: (l: (typeof r.lines)[number]) => bigint) =>
          r.lines.reduce((a, l) => a + pick(l), 0n);
        expect(sum((l) => l.amount)).toBe(r.subtotal);
        expect(sum((l) => l.discount)).toBe(r.linesDiscount);
        expect(sum((l) => l.orderDiscount)).toBe(r.orderDiscount);
        expect(sum((l) => l.finalAmount)).toBe(r.total);
        expect(r.subtotal - r.linesDiscount - r.orderDiscount).toBe(r.total);
        for (const l of r.lines) {
          expect(l.total).toBe(l.amount - l.discount);
          expect(l.finalAmount).toBe(l.total - l.orderDiscount);
        }
        if (r.coupon) {
          const couponLines = r.lines.filter((l) => l.source?.kind === 'coupon');
          expect(r.coupon.discount).toBe(couponLines.reduce((a, l) => a + l.discount, 0n) + r.orderDiscount);
          expect(r.coupon.status === 'applied').toBe(r.coupon.discount > 0n);
        } else {
          expect(r.orderDiscount).toBe(0n);
        }
      }),
    );
  });

  it('is the identity without promotions and coupon', () => {
    fc.assert(
      fc.property(fc.array(arbLine, { maxLength: 8 }), (lines) => {
        const r = priceLines({ lines, promotions: [], coupon: null, now: NOW });
        expect(r.total).toBe(r.subtotal);
        expect(r.linesDiscount + r.orderDiscount).toBe(0n);
        r.lines.forEach((l, i) => {
          expect(l.lineRef).toBe(lines[i].lineRef);
          expect(l.finalAmount).toBe(lines[i].unitPrice * BigInt(lines[i].quantity));
          expect(l.source).toBeNull();
        });
      }),
    );
  });

  it('is the identity when no promotion is in force and the coupon is not valid', () => {
    fc.assert(
      fc.property(
        fc.array(arbLine, { maxLength: 8 }),
        fc.array(arbPromotion, { maxLength: 4 }),
        (lines, promotions) => {
          const expired = promotions.map((p) => ({
            ...p,
            endsAt: new Date(NOW.getTime() - 1),
            startsAt: new Date(NOW.getTime() - DAY),
          }));
          const r = price(lines as PricingLine<number>[], expired, coupon({ endsAt: NOW }));
          expect(r.total).toBe(r.subtotal);
          expect(r.coupon?.status).toBe('expired');
        },
      ),
    );
  });

  it('never makes a line dearer by adding a promotion', () => {
    fc.assert(
      fc.property(arbInput, arbPromotion, (input, extra) => {
        const before = priceLines({ ...input, coupon: null });
        const after = priceLines({ ...input, coupon: null, promotions: [...input.promotions, extra] });
        after.lines.forEach((l, i) => {
          expect(l.total <= before.lines[i].total).toBe(true);
        });
      }),
    );
  });

  it('distributes exactly, each share within its weight', () => {
    fc.assert(
      fc.property(
        fc.array(fc.bigInt({ min: 0n, max: 10_000_000n }), { minLength: 1, maxLength: 10 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (weights, fraction) => {
          const sum = weights.reduce((a, b) => a + b, 0n);
          const amount = (sum * BigInt(Math.floor(fraction * 1000))) / 1000n;
          const shares = distribute(amount, weights);
          expect(shares.reduce((a, b) => a + b, 0n)).toBe(amount);
          shares.forEach((s, i) => {
            expect(s >= 0n && s <= weights[i]).toBe(true);
          });
        },
      ),
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Examples

describe('promotions', () => {
  it('takes a percent per line, rounded half up once per line', () => {
    // 3 × 33.35 = 100.05; 12.5 % = 12.50625 → 12.51
    const r = price(
      [line({ unitPrice: 3335n, quantity: 3 })],
      [promotion({ discount: { kind: 'percent', value: 1250n } })],
    );
    expect(r.lines[0]).toMatchObject({ amount: 10005n, discount: 1251n, total: 8754n });
    // 0.5 of a kopeck rounds up: 1 % of 0.50 = 0.005 → 0.01
    const half = price(
      [line({ unitPrice: 50n })],
      [promotion({ discount: { kind: 'percent', value: 100n } })],
    );
    expect(half.lines[0].discount).toBe(1n);
  });

  it('takes a fixed amount per unit, never more than the line', () => {
    const r = price(
      [line({ unitPrice: 10000n, quantity: 4 })],
      [promotion({ discount: { kind: 'fixed', value: 1500n } })],
    );
    expect(r.lines[0]).toMatchObject({ discount: 6000n, total: 34000n });
    const capped = price(
      [line({ unitPrice: 1000n, quantity: 2 })],
      [promotion({ discount: { kind: 'fixed', value: 5000n } })],
    );
    expect(capped.lines[0]).toMatchObject({ discount: 2000n, total: 0n, finalAmount: 0n });
    expect(capped.total).toBe(0n);
  });

  it('targets by category, product and shop', () => {
    const phone = line({ productId: 1, categoryId: 10, shopId: 100 });
    const cable = line({ productId: 2, categoryId: 20, shopId: 100 });
    const tv = line({ productId: 3, categoryId: 30, shopId: 200 });
    const lines = [phone, cable, tv];
    const byCategory = price(lines, [promotion({ targets: targets({ categoryIds: [10, 30] }) })]);
    expect(byCategory.lines.map((l) => l.discount)).toEqual([1000n, 0n, 1000n]);
    const byProduct = price(lines, [promotion({ targets: targets({ productIds: [2] }) })]);
    expect(byProduct.lines.map((l) => l.discount)).toEqual([0n, 1000n, 0n]);
    const byShop = price(lines, [promotion({ targets: targets({ shopIds: [100] }) })]);
    expect(byShop.lines.map((l) => l.discount)).toEqual([1000n, 1000n, 0n]);
    // A category at one shop only.
    const categoryAtShop = price(lines, [
      promotion({ targets: targets({ categoryIds: [10, 30], shopIds: [200] }) }),
    ]);
    expect(categoryAtShop.lines.map((l) => l.discount)).toEqual([0n, 0n, 1000n]);
    // Products or categories: either matches.
    const either = price(lines, [promotion({ targets: targets({ categoryIds: [10], productIds: [3] }) })]);
    expect(either.lines.map((l) => l.discount)).toEqual([1000n, 0n, 1000n]);
    expect(price(lines, [promotion({ targets: ALL })]).linesDiscount).toBe(3000n);
    expect(byCategory.lines[0].source).toEqual({ kind: 'promotion', id: 1, name: 'Акция' });
  });

  it('applies only within its window (start inclusive, end exclusive) and when enabled', () => {
    const starts = new Date('2026-07-01T00:00:00Z');
    const ends = new Date('2026-07-08T00:00:00Z');
    const rule = promotion({ startsAt: starts, endsAt: ends });
    const at = (now: Date) => price([line()], [rule], null, now).linesDiscount;
    expect(at(new Date(starts.getTime() - 1))).toBe(0n);
    expect(at(starts)).toBe(1000n);
    expect(at(new Date(ends.getTime() - 1))).toBe(1000n);
    expect(at(ends)).toBe(0n);
    expect(
      price([line()], [promotion({ endsAt: null, startsAt: starts })], null, new Date('2030-01-01'))
        .linesDiscount,
    ).toBe(1000n);
    expect(price([line()], [promotion({ enabled: false })]).linesDiscount).toBe(0n);
  });

  it('gives each line the best single promotion, never two', () => {
    const small = promotion({ id: 1, name: 'Small', discount: { kind: 'percent', value: 500n } });
    const big = promotion({ id: 2, name: 'Big', discount: { kind: 'fixed', value: 2000n } });
    const r = price([line({ unitPrice: 10000n })], [small, big]);
    expect(r.lines[0]).toMatchObject({ discount: 2000n, source: { kind: 'promotion', id: 2, name: 'Big' } });
    // Which is best depends on the line: 5 % of 1000.00 beats 20.00 off.
    const r2 = price([line({ unitPrice: 100000n })], [small, big]);
    expect(r2.lines[0]).toMatchObject({ discount: 5000n, source: { id: 1 } });
  });

  it('breaks ties by priority, then by the older promotion', () => {
    const a = promotion({ id: 5, name: 'A', priority: 0 });
    const b = promotion({ id: 7, name: 'B', priority: 1 });
    const c = promotion({ id: 3, name: 'C', priority: 1 });
    expect(price([line()], [a, b]).lines[0].source).toMatchObject({ id: 7 });
    expect(price([line()], [a, b, c]).lines[0].source).toMatchObject({ id: 3 });
    expect(price([line()], [c, b, a]).lines[0].source).toMatchObject({ id: 3 });
  });

  it('honours the minimum line quantity and order amount', () => {
    const bulk = promotion({ minLineQuantity: 3 });
    expect(price([line({ quantity: 2 })], [bulk]).linesDiscount).toBe(0n);
    expect(price([line({ quantity: 3 })], [bulk]).linesDiscount).toBe(3000n);
    // The order's subtotal before any discount counts, across all lines.
    const big = promotion({ minOrderAmount: 50000n, targets: targets({ productIds: [1] }) });
    expect(price([line({ unitPrice: 40000n })], [big]).linesDiscount).toBe(0n);
    const r = price([line({ unitPrice: 40000n }), line({ productId: 2, unitPrice: 10000n })], [big]);
    expect(r.lines.map((l) => l.discount)).toEqual([4000n, 0n]);
  });
});

describe('coupons', () => {
  it('takes a percent off the whole order, per line', () => {
    const r = price([line({ unitPrice: 3335n, quantity: 3 }), line({ unitPrice: 1000n })], [], coupon());
    expect(r.lines.map((l) => l.orderDiscount)).toEqual([1001n, 100n]);
    expect(r).toMatchObject({ subtotal: 11005n, orderDiscount: 1101n, total: 9904n, linesDiscount: 0n });
    expect(r.coupon).toEqual({ code: 'SAVE', status: 'applied', discount: 1101n });
  });

  it('spreads a fixed order discount over the lines so the parts add up', () => {
    const r = price(
      [line({ unitPrice: 100n }), line({ unitPrice: 100n }), line({ unitPrice: 100n })],
      [],
      coupon({ discount: { kind: 'fixed', value: 100n } }),
    );
    expect(r.lines.map((l) => l.orderDiscount)).toEqual([34n, 33n, 33n]);
    expect(r.total).toBe(200n);
    // Never more than the order.
    const all = price(
      [line({ unitPrice: 500n })],
      [],
      coupon({ discount: { kind: 'fixed', value: 100000n } }),
    );
    expect(all).toMatchObject({ orderDiscount: 500n, total: 0n });
  });

  it('stacks on promotions when it combines with them', () => {
    const r = price([line({ unitPrice: 10000n })], [promotion()], coupon({ combinesWithPromotions: true }));
    // 100.00 − 10 % promotion = 90.00; − 10 % coupon = 81.00
    expect(r.lines[0]).toMatchObject({
      discount: 1000n,
      total: 9000n,
      orderDiscount: 900n,
      finalAmount: 8100n,
    });
  });

  it('leaves promoted lines alone when it does not combine', () => {
    const promoted = line({ productId: 1, unitPrice: 10000n });
    const plain = line({ productId: 2, unitPrice: 10000n });
    const onSale = promotion({ targets: targets({ productIds: [1] }) });
    const r = price([promoted, plain], [onSale], coupon({ combinesWithPromotions: false }));
    expect(r.lines.map((l) => [l.discount, l.orderDiscount])).toEqual([
      [1000n, 0n],
      [0n, 1000n],
    ]);
    // Everything on sale: the coupon has nothing to act on.
    const none = price([promoted], [onSale], coupon({ combinesWithPromotions: false }));
    expect(none.coupon).toEqual({ code: 'SAVE', status: 'promotion_applies', discount: 0n });
    expect(none.total).toBe(9000n);
  });

  it('discounts only its target lines, competing with promotions there', () => {
    const phone = line({ productId: 1, categoryId: 10, unitPrice: 10000n, quantity: 2 });
    const cable = line({ productId: 2, categoryId: 20, unitPrice: 1000n });
    const rule = coupon({
      scope: 'lines',
      targets: targets({ categoryIds: [10] }),
      discount: { kind: 'fixed', value: 1500n },
    });
    const r = price([phone, cable], [], rule);
    expect(r.lines[0]).toMatchObject({
      discount: 3000n,
      source: { kind: 'coupon', code: 'SAVE' },
      orderDiscount: 0n,
    });
    expect(r.lines[1]).toMatchObject({ discount: 0n, source: null });
    expect(r.coupon).toEqual({ code: 'SAVE', status: 'applied', discount: 3000n });
    // A bigger promotion on the same line wins; the coupon then does nothing.
    const bigger = promotion({ discount: { kind: 'percent', value: 2000n } });
    const r2 = price([phone], [bigger], { ...rule, combinesWithPromotions: true });
    expect(r2.lines[0]).toMatchObject({ discount: 4000n, source: { kind: 'promotion' } });
    expect(r2.coupon?.status).toBe('promotion_applies');
    // A smaller one loses to the coupon when it may combine…
    const smaller = promotion({ discount: { kind: 'percent', value: 500n } });
    expect(price([phone], [smaller], { ...rule, combinesWithPromotions: true }).lines[0].source).toEqual({
      kind: 'coupon',
      code: 'SAVE',
    });
    // …and keeps the line when it may not.
    expect(
      price([phone], [smaller], { ...rule, combinesWithPromotions: false }).lines[0].source,
    ).toMatchObject({
      kind: 'promotion',
    });
  });

  it('reports a coupon outside its window or below its minimum', () => {
    const later = coupon({ startsAt: new Date(NOW.getTime() + 1), endsAt: null });
    expect(price([line()], [], later)).toMatchObject({
      total: 10000n,
      coupon: { status: 'not_started', discount: 0n },
    });
    const over = coupon({ endsAt: NOW });
    expect(price([line()], [], over).coupon?.status).toBe('expired');
    const minimum = coupon({ minOrderAmount: 10001n });
    expect(price([line()], [], minimum).coupon?.status).toBe('min_amount');
    expect(price([line({ unitPrice: 10001n })], [], minimum).coupon?.status).toBe('applied');
  });
});
