// Where promotions and coupons plug into orders. `chooseDiscounts` picks the rules that apply to a
// basket or a checkout (the promotions in force; the buyer's coupon, checked — modules/promotions/
// for-orders.ts); `priceOrder` (pricing.ts) applies them through the discount engine. The coupon's
// use is recorded right after the order is inserted, in the checkout transaction (checkout.service.ts),
// and given back when the order is canceled (lifecycle.service.ts).
import type { Queryable } from '../../db/client.ts';
import { toMinor } from '../../lib/money.ts';
import type { CouponRule, PromotionRule } from '../promotions/discount-engine.ts';
import { basketDiscountRules, type ChosenCoupon, checkoutDiscountRules } from '../promotions/for-orders.ts';
import type { OrderPricingLine } from './pricing.ts';

export interface DiscountRequest {
  userId: number;
  lines: readonly OrderPricingLine<number>[];
  /** As the buyer typed it at checkout; undefined when none was given. */
  couponCode?: string;
  /**
   * 'checkout' refuses an unusable coupon with its code; 'basket' (the default) shows it, with why
   * it takes nothing off.
   */
  purpose?: 'basket' | 'checkout';
  now: Date;
}

/** The rules `priceOrder` applies: the promotions in force and the buyer's valid coupon. */
export interface DiscountChoice {
  promotions: readonly PromotionRule[];
  /** Null also when the basket's coupon cannot be used now (see `chosen.block`). */
  coupon: CouponRule | null;
  /** The buyer's coupon (named at checkout, or attached to the basket), if any. */
  chosen: ChosenCoupon | null;
}

/** Normalises a coupon code as typed: trimmed, upper-case; empty means none. */
export function normalizeCouponCode(code: string | undefined | null): string | undefined {
  const trimmed = code?.trim();
  return trimmed ? trimmed.toUpperCase() : undefined;
}

/** The discounts for these lines: the promotions in force and the buyer's coupon. */
export async function chooseDiscounts(db: Queryable, request: DiscountRequest): Promise<DiscountChoice> {
  const rules =
    request.purpose === 'checkout'
      ? await checkoutDiscountRules(db, {
          userId: request.userId,
          couponCode: request.couponCode,
          subtotal: request.lines.reduce(
            (sum, line) => sum + toMinor(line.unitPrice) * BigInt(line.quantity),
            0n,
          ),
          now: request.now,
        })
      : await basketDiscountRules(db, request.userId, request.now);
  return { promotions: rules.promotions, coupon: rules.coupon?.rule ?? null, chosen: rules.coupon };
}
