import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatMoney, fromMinor, toMinor } from '../../lib/money.ts';
import type { CouponRule, PromotionRule } from '../promotions/discount-engine.ts';
import { type OrderPricingLine, priceOrder } from './pricing.ts';

const NOW = new Date('2026-06-15T12:00:00Z');
const DAY = 86_400_000;

const lineArb = fc.record({
  shopId: fc.integer({ min: 1, max: 4 }),
  productId: fc.integer({ min: 1, max: 6 }),
  categoryId: fc.integer({ min: 1, max: 3 }),
  unitPrice: fc.bigInt({ min: 0n, max: 10_000_000n }).map(fromMinor),
  quantity: fc.integer({ min: 1, max: 500 }),
});

const promotionArb: fc.Arbitrary<PromotionRule> = fc.record({
  id: fc.integer({ min: 1, max: 50 }),
  name: fc.constant('Акция'),
  enabled: fc.constant(true),
  startsAt: fc.constant(new Date(NOW.getTime() - DAY)),
  endsAt: fc.constant(null),
  targets: fc.record({
    all: fc.boolean(),
    categoryIds: fc.array(fc.integer({ min: 1, max: 3 }), { maxLength: 2 }),
    productIds: fc.array(fc.integer({ min: 1, max: 6 }), { maxLength: 2 }),
    shopIds: fc.array(fc.integer({ min: 1, max: 4 }), { maxLength: 2 }),
  }),
  discount: fc.oneof(
    fc.record({ kind: fc.constant('percent' as const), value: fc.bigInt({ min: 1n, max: 10_000n }) }),
    fc.record({ kind: fc.constant('fixed' as const), value: fc.bigInt({ min: 1n, max: 5_000_000n }) }),
  ),
  minLineQuantity: fc.integer({ min: 1, max: 3 }),
  minOrderAmount: fc.constant(null),
  priority: fc.integer({ min: 0, max: 3 }),
});

const couponArb: fc.Arbitrary<CouponRule> = fc.record({
  code: fc.constant('SAVE'),
  startsAt: fc.constant(new Date(NOW.getTime() - DAY)),
  endsAt: fc.constant(null),
  scope: fc.constant('order' as const),
  targets: fc.constant({ all: false, categoryIds: [], productIds: [], shopIds: [] }),
  discount: fc.oneof(
    fc.record({ kind: fc.constant('percent' as const), value: fc.bigInt({ min: 1n, max: 10_000n }) }),
    fc.record({ kind: fc.constant('fixed' as const), value: fc.bigInt({ min: 1n, max: 100_000_000n }) }),
  ),
  minOrderAmount: fc.constant(null),
  combinesWithPromotions: fc.boolean(),
});

function keyed(lines: Omit<OrderPricingLine<number>, 'key'>[]): OrderPricingLine<number>[] {
  return lines.map((line, key) => ({ key, ...line }));
}

const sum = (values: string[]) => values.reduce((total, value) => total + toMinor(value), 0n);

describe('priceOrder', () => {
  it('splits into one part per supplier that add up to the order, whatever the discounts', () => {
    fc.assert(
      fc.property(
        fc.array(lineArb, { minLength: 1, maxLength: 12 }),
        fc.array(promotionArb, { maxLength: 3 }),
        fc.option(couponArb, { nil: null }),
        (lines, promotions, coupon) => {
          const priced = priceOrder({ lines: keyed(lines), promotions, coupon, now: NOW });
          expect(priced.parts.map((p) => p.shopId)).toEqual([...new Set(lines.map((l) => l.shopId))]);
          expect(priced.parts.flatMap((p) => p.lines.map((l) => l.key)).sort((a, b) => a - b)).toEqual(
            lines.map((_, i) => i),
          );
          for (const part of priced.parts) {
            expect(toMinor(part.total)).toBe(
              toMinor(part.subtotal) - toMinor(part.linesDiscount) - toMinor(part.orderDiscount),
            );
            expect(toMinor(part.total)).toBeGreaterThanOrEqual(0n);
            expect(toMinor(part.subtotal)).toBe(sum(part.lines.map((l) => l.amount)));
            expect(toMinor(part.orderDiscount)).toBe(sum(part.lines.map((l) => l.orderDiscount)));
          }
          for (const field of ['subtotal', 'linesDiscount', 'orderDiscount', 'total'] as const) {
            expect(toMinor(priced[field])).toBe(sum(priced.parts.map((p) => p[field])));
          }
          for (const line of priced.lines) {
            expect(toMinor(line.discount)).toBeLessThanOrEqual(toMinor(line.amount));
            expect(toMinor(line.total)).toBe(toMinor(line.amount) - toMinor(line.discount));
            expect(toMinor(line.orderDiscount)).toBeLessThanOrEqual(toMinor(line.total));
            expect(line.discount === '0.00').toBe(line.discountSource === null);
          }
        },
      ),
    );
  });

  it('without promotions or a coupon, charges exactly price × quantity', () => {
    fc.assert(
      fc.property(fc.array(lineArb, { minLength: 1, maxLength: 12 }), (lines) => {
        const priced = priceOrder({ lines: keyed(lines), promotions: [], coupon: null, now: NOW });
        const expected = lines.reduce((total, l) => total + toMinor(l.unitPrice) * BigInt(l.quantity), 0n);
        expect(toMinor(priced.total)).toBe(expected);
        expect(priced.linesDiscount).toBe('0.00');
        expect(priced.orderDiscount).toBe('0.00');
        expect(priced.coupon).toBeNull();
      }),
    );
  });

  it('keeps money exact where floats would not', () => {
    const priced = priceOrder({
      lines: keyed([
        { shopId: 1, productId: 1, categoryId: 1, unitPrice: '0.10', quantity: 3 },
        { shopId: 2, productId: 2, categoryId: 1, unitPrice: '999999999.99', quantity: 3 },
      ]),
      promotions: [],
      coupon: null,
      now: NOW,
    });
    expect(priced.parts.map((p) => p.total)).toEqual(['0.30', '2999999999.97']);
    expect(priced.total).toBe('3000000000.27');
  });

  it('spreads an order discount over the suppliers in proportion', () => {
    const priced = priceOrder({
      lines: keyed([
        { shopId: 1, productId: 1, categoryId: 1, unitPrice: '100.00', quantity: 1 },
        { shopId: 2, productId: 2, categoryId: 1, unitPrice: '200.00', quantity: 1 },
      ]),
      promotions: [],
      coupon: {
        code: 'MINUS100',
        startsAt: new Date(NOW.getTime() - DAY),
        endsAt: null,
        scope: 'order',
        targets: { all: false, categoryIds: [], productIds: [], shopIds: [] },
        discount: { kind: 'fixed', value: 10_000n },
        minOrderAmount: null,
        combinesWithPromotions: true,
      },
      now: NOW,
    });
    expect(priced.parts.map((p) => [p.orderDiscount, p.total])).toEqual([
      ['33.33', '66.67'],
      ['66.67', '133.33'],
    ]);
    expect(priced).toMatchObject({
      orderDiscount: '100.00',
      total: '200.00',
      coupon: { code: 'MINUS100', status: 'applied' },
    });
  });
});

describe('money', () => {
  it('converts between decimal strings and minor units exactly', () => {
    expect(toMinor('64000.50')).toBe(6_400_050n);
    expect(toMinor('64000.5')).toBe(6_400_050n);
    expect(toMinor('7')).toBe(700n);
    expect(toMinor('-0.01')).toBe(-1n);
    expect(fromMinor(6_400_050n)).toBe('64000.50');
    expect(fromMinor(-1n)).toBe('-0.01');
    expect(fromMinor(99_999_999_999_999n)).toBe('999999999999.99');
    for (const bad of ['', '1.234', '1,5', 'abc', '1e3']) expect(() => toMinor(bad)).toThrow();
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 15n), max: 10n ** 15n }), (n) => toMinor(fromMinor(n)) === n),
    );
  });

  it('formats amounts for people in either language', () => {
    expect(formatMoney('1234567.5', 'RUB', 'ru')).toBe('1\u00a0234\u00a0567,50\u00a0₽');
    expect(formatMoney('1234567.5', 'RUB', 'en')).toBe('1,234,567.50 RUB');
    expect(formatMoney('-5', 'EUR', 'ru')).toBe('-5,00\u00a0€');
  });
});
