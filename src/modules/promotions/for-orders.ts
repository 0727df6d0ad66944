// What the orders module asks of promotions and coupons: the rules that apply to a basket or a
// checkout (the promotions in force, the buyer's coupon with its limits checked), and, once the order
// exists, the coupon's use recorded in the same transaction or given back when the order is cancelled.
import { eq } from 'drizzle-orm';
import type { Queryable, Transaction } from '../../db/client.ts';
import { basketCoupons, type Coupon, coupons } from '../../db/schema/promotions.ts';
import { conflict } from '../../http/errors.ts';
import { fromMinor, toMinor } from '../../lib/money.ts';
import { couponNotFound } from './coupon-errors.ts';
import { assertCouponUsable, findCouponByCode, redemptionsBy } from './coupons.service.ts';
import type { CouponOutcome, CouponRule, CouponStatus, PromotionRule } from './discount-engine.ts';
import { redeemCoupon, releaseCoupon } from './redemptions.ts';
import { couponRule, pricingRules } from './rules.ts';

/** Why a coupon attached to the basket cannot be used now, beyond what pricing itself tells. */
export type CouponBlock = 'unavailable' | 'used_up' | 'already_used_by_you';

/** The state of the basket's coupon as the buyer sees it. */
export type BasketCouponStatus = CouponStatus | CouponBlock;

export interface ChosenCoupon {
  coupon: Coupon;
  /** Null when blocked: pricing then ignores the coupon. */
  rule: CouponRule | null;
  block: CouponBlock | null;
}

export interface DiscountRules {
  promotions: PromotionRule[];
  coupon: ChosenCoupon | null;
}

/** The basket's coupon as the buyer sees it: its terms, and what it does to the basket now. */
export interface BasketCouponView {
  code: string;
  description: string;
  discountKind: Coupon['discountKind'];
  discountValue: string;
  scope: Coupon['scope'];
  endsAt: Date | null;
  minOrderAmount: string | null;
  combinesWithPromotions: boolean;
  status: BasketCouponStatus;
  /** What it takes off the basket now. */
  discount: string;
}

export function basketCouponView(
  chosen: Pick<ChosenCoupon, 'coupon' | 'block'>,
  outcome: { status: CouponStatus; discount: bigint } | null,
): BasketCouponView {
  const { coupon } = chosen;
  const money = (value: string) => fromMinor(toMinor(value));
  return {
    code: coupon.code,
    description: coupon.description,
    discountKind: coupon.discountKind,
    discountValue: money(coupon.discountValue),
    scope: coupon.scope,
    endsAt: coupon.endsAt,
    minOrderAmount: coupon.minOrderAmount === null ? null : money(coupon.minOrderAmount),
    combinesWithPromotions: coupon.combinesWithPromotions,
    status: chosen.block ?? outcome?.status ?? 'no_effect',
    discount: fromMinor(chosen.block || !outcome ? 0n : outcome.discount),
  };
}

async function couponById(db: Queryable, id: number): Promise<Coupon | null> {
  const [row] = await db.select().from(coupons).where(eq(coupons.id, id));
  return row ?? null;
}

/**
 * The rules for the buyer's basket as it stands: the promotions in force and the attached coupon.
 * Nothing is refused here; a coupon that can no longer be used says why and takes nothing off.
 */
export async function basketDiscountRules(db: Queryable, userId: number, now: Date): Promise<DiscountRules> {
  const { promotions, attachedCouponId } = await pricingRules(db, userId, now);
  const coupon = attachedCouponId === null ? null : await couponById(db, attachedCouponId);
  if (!coupon) return { promotions, coupon: null };
  let block: CouponBlock | null = null;
  if (!coupon.enabled) block = 'unavailable';
  else if (coupon.usageLimit !== null && coupon.usedCount >= coupon.usageLimit) block = 'used_up';
  else if (
    coupon.perBuyerLimit !== null &&
    (await redemptionsBy(db, coupon.id, userId)) >= coupon.perBuyerLimit
  ) {
    block = 'already_used_by_you';
  }
  return { promotions, coupon: { coupon, rule: block ? null : couponRule(coupon), block } };
}

/**
 * The rules for a checkout: the coupon named in the request, else the one attached to the basket,
 * checked for every refusal (`coupon_not_found`, `coupon_expired`, `coupon_used_up`,
 * `coupon_already_used_by_you`, `coupon_min_amount`; `subtotal` is before any discount). The limits
 * are checked again, under the coupon's lock, when the use is recorded.
 */
export async function checkoutDiscountRules(
  db: Queryable,
  request: { userId: number; couponCode?: string; subtotal: bigint; now: Date },
): Promise<DiscountRules> {
  const { promotions, attachedCouponId } = await pricingRules(db, request.userId, request.now);
  const typed = request.couponCode?.trim();
  const coupon = typed
    ? await findCouponByCode(db, typed)
    : attachedCouponId === null
      ? null
      : await couponById(db, attachedCouponId);
  if (!coupon) return { promotions, coupon: null };
  if (!coupon.enabled) throw couponNotFound(coupon.code);
  await assertCouponUsable(db, coupon, request.userId, request.subtotal, request.now);
  return { promotions, coupon: { coupon, rule: couponRule(coupon), block: null } };
}

/**
 * A coupon that would take nothing off (nothing in the order is within its reach, or the promotions
 * there are better) is refused rather than silently dropped or spent for nothing.
 */
export function assertCouponApplies(
  outcome: CouponOutcome | { code: string; status: CouponStatus } | null,
): void {
  if (outcome?.status === 'promotion_applies') {
    throw conflict(
      'coupon_promotion_applies',
      {
        ru:
          `Купон ${outcome.code} не даёт скидки на этот заказ: на его товары уже действует акция, ` +
          'которая не суммируется с купоном или выгоднее. Уберите купон из корзины — заказ оформится со скидкой по акции',
        en:
          `Coupon ${outcome.code} takes nothing off this order: a promotion already discounts its goods and ` +
          'does not combine with the coupon, or gives more. Remove the coupon from the basket to order with the promotion',
      },
      { coupon_code: outcome.code, coupon_status: outcome.status },
    );
  }
  if (outcome && outcome.status !== 'applied') {
    throw conflict(
      'coupon_not_applicable',
      {
        ru: `Купон ${outcome.code} не даёт скидки на этот заказ: в нём нет подходящих товаров`,
        en: `Coupon ${outcome.code} takes nothing off this order: no goods in it qualify`,
      },
      { coupon_code: outcome.code, coupon_status: outcome.status },
    );
  }
}

/**
 * Records the coupon's use by the order just inserted (same transaction) and takes it off the basket.
 * Throws `coupon_used_up` / `coupon_already_used_by_you` when a parallel checkout took the last use.
 */
export async function recordCouponUse(
  tx: Transaction,
  use: { coupon: Coupon; orderId: number; userId: number; discount: bigint },
  now: Date,
): Promise<void> {
  await redeemCoupon(tx, use, now);
  await tx.delete(basketCoupons).where(eq(basketCoupons.userId, use.userId));
}

/** Gives the cancelled order's coupon use back, once. */
export async function releaseOrderCoupon(tx: Transaction, orderId: number, now: Date): Promise<boolean> {
  return releaseCoupon(tx, orderId, now);
}
