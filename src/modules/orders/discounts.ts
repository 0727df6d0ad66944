// Where promotions and coupons plug into orders. `chooseDiscounts` picks the rules that apply to a
// basket or a checkout (the promotions in force; the buyer's coupon, checked); `priceOrder`
// (pricing.ts) applies them through the discount engine. It runs inside the checkout transaction, so
// the coupon's row can be locked and its limits checked there; the redemption is recorded right after
// the order is inserted (checkout.service.ts) and given back when the order is canceled
// (lifecycle.service.ts) — the two places are marked.
import type { Queryable } from '../../db/client.ts';
import { unprocessable } from '../../http/errors.ts';
import type { CouponRule, PromotionRule } from '../promotions/discounts.ts';
import type { OrderPricingLine } from './pricing.ts';

export interface DiscountRequest {
  userId: number;
  lines: readonly OrderPricingLine<number>[];
  /** As the buyer typed it at checkout; undefined when none was given. */
  couponCode?: string;
  now: Date;
}

/** The rules `priceOrder` applies: the promotions in force and the buyer's valid coupon. */
export interface DiscountChoice {
  promotions: readonly PromotionRule[];
  coupon: CouponRule | null;
}

export const NO_DISCOUNTS: DiscountChoice = { promotions: [], coupon: null };

/** Normalises a coupon code as typed: trimmed, upper-case; empty means none. */
export function normalizeCouponCode(code: string | undefined | null): string | undefined {
  const trimmed = code?.trim();
  return trimmed ? trimmed.toUpperCase() : undefined;
}

/**
 * The discounts for these lines. Until the promotions module wires its rules in here, no line is
 * discounted and no coupon is known: a given code is refused with 422 `coupon_not_found` rather than
 * silently ignored, so a buyer never believes a discount applied when it did not.
 */
export async function chooseDiscounts(_db: Queryable, request: DiscountRequest): Promise<DiscountChoice> {
  const code = normalizeCouponCode(request.couponCode);
  if (code !== undefined) {
    throw unprocessable(
      'coupon_not_found',
      { ru: `Купон «${code}» не найден`, en: `Coupon "${code}" not found` },
      { coupon_code: code },
    );
  }
  return NO_DISCOUNTS;
}
