// The discount engine: one pure function from (lines, promotions, coupon, now) to line prices,
// discounts and totals. No database, no clock: everything it needs comes in, so the basket, checkout,
// emails and tests all price the same way. Amounts are BigInt minor units (kopecks).
//
// The rules, in the order they apply:
//
// 1. Promotions. A promotion applies to a line when it is enabled, `starts_at ≤ now < ends_at`, it
//    targets the line (see `targets`), the line's quantity reaches `min_line_quantity` and the order's
//    subtotal (before any discount) reaches `min_order_amount`. Promotions never stack: each line gets
//    the single applicable promotion giving it the largest discount; equal discounts go to the higher
//    `priority`, then to the older promotion (lower id).
// 2. Coupon. Valid when `starts_at ≤ now < ends_at` and the order's subtotal reaches its
//    `min_order_amount`. Its reach is every line (scope `order`) or the lines it targets (scope
//    `lines`). With `combines_with_promotions = false` its reach excludes the lines that carry a
//    promotion — the usual "not on goods already on sale" rule, applied the same way to both scopes.
//    - scope `lines`: on each line of its reach the coupon competes with the line's promotion like one
//      more promotion (a line never carries two discounts; a tie goes to the promotion). Percent is
//      of the line's amount; fixed is per unit.
//    - scope `order`: an order-level discount on top of the line prices of its reach. Percent is
//      taken per line; a fixed amount (at most the reach's total) is spread over the lines of the
//      reach in proportion to their totals by the largest-remainder method, so shares add up exactly.
// 3. Rounding happens once, per line, half up (a percent of a line's amount); a discount never
//    exceeds the amount it is taken from, so no line and no total is ever negative, and the lines
//    always add up to the totals.
import { mulDivRoundHalfUp } from '../../lib/money.ts';

export type DiscountKind = 'percent' | 'fixed';

export interface Discount {
  kind: DiscountKind;
  /** percent: hundredths of a percent (12.5 % → 1250n); fixed: minor units (per unit, or per order). */
  value: bigint;
}

/**
 * What a promotion or a `lines` coupon applies to: every line (`all`), or the lines whose product is
 * among `productIds` or whose category is among `categoryIds` (both empty: any good) and — when
 * `shopIds` is not empty — whose shop is among `shopIds`.
 */
export interface Targets {
  all: boolean;
  categoryIds: readonly number[];
  productIds: readonly number[];
  shopIds: readonly number[];
}

export interface PromotionRule {
  id: number;
  name: string;
  enabled: boolean;
  startsAt: Date;
  /** Exclusive; null: open-ended. */
  endsAt: Date | null;
  targets: Targets;
  discount: Discount;
  minLineQuantity: number;
  minOrderAmount: bigint | null;
  priority: number;
}

export interface CouponRule {
  code: string;
  startsAt: Date;
  endsAt: Date | null;
  scope: 'order' | 'lines';
  /** Used by scope `lines` only. */
  targets: Targets;
  discount: Discount;
  minOrderAmount: bigint | null;
  combinesWithPromotions: boolean;
}

export interface PricingLine<Ref = string | number> {
  lineRef: Ref;
  productId: number;
  categoryId: number;
  shopId: number;
  /** Minor units, ≥ 0. */
  unitPrice: bigint;
  /** A positive integer. */
  quantity: number;
}

export type DiscountSource =
  | { kind: 'promotion'; id: number; name: string }
  | { kind: 'coupon'; code: string };

export interface PricedLine<Ref = string | number> {
  lineRef: Ref;
  unitPrice: bigint;
  quantity: number;
  /** unitPrice × quantity: the original amount. */
  amount: bigint;
  /** The line's own discount: one promotion, or a `lines` coupon. */
  discount: bigint;
  source: DiscountSource | null;
  /** amount − discount. */
  total: bigint;
  /** This line's share of the order-level (scope `order`) coupon discount. */
  orderDiscount: bigint;
  /** total − orderDiscount: what the line finally costs. */
  finalAmount: bigint;
}

export type CouponStatus =
  /** It lowers the price. */
  | 'applied'
  | 'not_started'
  | 'expired'
  | 'min_amount'
  /** Valid, but nothing in the order is within its reach. */
  | 'no_effect'
  /**
   * Valid and goods within its reach, but a promotion already discounts them: the coupon does not
   * combine with promotions, or the promotion takes off at least as much.
   */
  | 'promotion_applies';

export interface CouponOutcome {
  code: string;
  status: CouponStatus;
  /** Everything the coupon takes off: its line discounts plus the order-level discount. */
  discount: bigint;
}

export interface Pricing<Ref = string | number> {
  lines: PricedLine<Ref>[];
  /** Σ amount. */
  subtotal: bigint;
  /** Σ line discounts. */
  linesDiscount: bigint;
  /** The order-level coupon discount, = Σ line.orderDiscount. */
  orderDiscount: bigint;
  /** subtotal − linesDiscount − orderDiscount = Σ line.finalAmount. */
  total: bigint;
  coupon: CouponOutcome | null;
}

export interface PricingInput<Ref = string | number> {
  lines: readonly PricingLine<Ref>[];
  promotions: readonly PromotionRule[];
  coupon: CouponRule | null;
  now: Date;
}

const HUNDRED_PERCENT = 10_000n;

export function isWithinWindow(rule: { startsAt: Date; endsAt: Date | null }, now: Date): boolean {
  const t = now.getTime();
  return rule.startsAt.getTime() <= t && (rule.endsAt === null || t < rule.endsAt.getTime());
}

export function targetsLine(
  targets: Targets,
  line: Pick<PricingLine, 'productId' | 'categoryId' | 'shopId'>,
) {
  if (targets.all) return true;
  if (targets.shopIds.length > 0 && !targets.shopIds.includes(line.shopId)) return false;
  if (targets.productIds.length === 0 && targets.categoryIds.length === 0) return targets.shopIds.length > 0;
  return targets.productIds.includes(line.productId) || targets.categoryIds.includes(line.categoryId);
}

/** A per-line discount: a percent of `base` (rounded half up), or a fixed amount per unit; ≤ base. */
function lineDiscount(discount: Discount, base: bigint, quantity: number): bigint {
  const raw =
    discount.kind === 'percent'
      ? mulDivRoundHalfUp(base, discount.value, HUNDRED_PERCENT)
      : discount.value * BigInt(quantity);
  return raw < 0n ? 0n : minOf(raw, base);
}

function minOf(a: bigint, b: bigint): bigint {
  return a < b ? a : b;
}

/**
 * Splits `amount` over `weights` in proportion, exactly: floors first, then the leftover minor units
 * to the largest remainders (ties: earlier first). Requires amount ≤ Σ weights, so no share exceeds
 * its weight.
 */
export function distribute(amount: bigint, weights: readonly bigint[]): bigint[] {
  const sum = weights.reduce((a, b) => a + b, 0n);
  if (sum === 0n || amount === 0n) return weights.map(() => 0n);
  const shares = weights.map((w) => (amount * w) / sum);
  let left = amount - shares.reduce((a, b) => a + b, 0n);
  const order = weights
    .map((w, index) => ({ index, remainder: (amount * w) % sum }))
    .sort((a, b) => (a.remainder === b.remainder ? a.index - b.index : a.remainder > b.remainder ? -1 : 1));
  for (const { index } of order) {
    if (left === 0n) break;
    shares[index] += 1n;
    left -= 1n;
  }
  return shares;
}

interface Candidate {
  discount: bigint;
  source: DiscountSource;
  priority: number;
  id: number;
}

/** Larger discount first; then higher priority; then lower id. */
function better(a: Candidate, b: Candidate): boolean {
  if (a.discount !== b.discount) return a.discount > b.discount;
  if (a.priority !== b.priority) return a.priority > b.priority;
  return a.id < b.id;
}

export function priceLines<Ref>(input: PricingInput<Ref>): Pricing<Ref> {
  const { lines, now, coupon } = input;
  const amounts = lines.map((line) => line.unitPrice * BigInt(line.quantity));
  const subtotal = amounts.reduce((a, b) => a + b, 0n);

  // 1. The best single promotion per line.
  const promotions = input.promotions.filter(
    (p) => p.enabled && isWithinWindow(p, now) && (p.minOrderAmount === null || subtotal >= p.minOrderAmount),
  );
  const best: (Candidate | null)[] = lines.map((line, i) => {
    let chosen: Candidate | null = null;
    for (const promotion of promotions) {
      if (line.quantity < promotion.minLineQuantity || !targetsLine(promotion.targets, line)) continue;
      const candidate: Candidate = {
        discount: lineDiscount(promotion.discount, amounts[i], line.quantity),
        source: { kind: 'promotion', id: promotion.id, name: promotion.name },
        priority: promotion.priority,
        id: promotion.id,
      };
      if (candidate.discount > 0n && (!chosen || better(candidate, chosen))) chosen = candidate;
    }
    return chosen;
  });

  // 2. The coupon.
  let status: CouponStatus | null = null;
  if (coupon) {
    if (now.getTime() < coupon.startsAt.getTime()) status = 'not_started';
    else if (!isWithinWindow(coupon, now)) status = 'expired';
    else if (coupon.minOrderAmount !== null && subtotal < coupon.minOrderAmount) status = 'min_amount';
  }
  const active = coupon && status === null ? coupon : null;
  const inReach = lines.map(
    (line, i) =>
      active !== null &&
      (active.scope === 'order' || targetsLine(active.targets, line)) &&
      (active.combinesWithPromotions || best[i] === null),
  );

  const chosen = best.map((promotion, i) => {
    if (active?.scope !== 'lines' || !inReach[i]) return promotion;
    const discount = lineDiscount(active.discount, amounts[i], lines[i].quantity);
    // A tie leaves the promotion in place.
    if (discount === 0n || (promotion && promotion.discount >= discount)) return promotion;
    return { discount, source: { kind: 'coupon', code: active.code }, priority: 0, id: 0 } as Candidate;
  });
  const discounts = chosen.map((c) => c?.discount ?? 0n);
  const totals = amounts.map((amount, i) => amount - discounts[i]);

  let orderShares = lines.map(() => 0n);
  if (active?.scope === 'order') {
    const base = totals.map((total, i) => (inReach[i] ? total : 0n));
    if (active.discount.kind === 'percent') {
      orderShares = base.map((b) => lineDiscount(active.discount, b, 1));
    } else {
      const reach = base.reduce((a, b) => a + b, 0n);
      orderShares = distribute(minOf(active.discount.value, reach), base);
    }
  }

  const priced: PricedLine<Ref>[] = lines.map((line, i) => ({
    lineRef: line.lineRef,
    unitPrice: line.unitPrice,
    quantity: line.quantity,
    amount: amounts[i],
    discount: discounts[i],
    source: chosen[i]?.source ?? null,
    total: totals[i],
    orderDiscount: orderShares[i],
    finalAmount: totals[i] - orderShares[i],
  }));
  const linesDiscount = discounts.reduce((a, b) => a + b, 0n);
  const orderDiscount = orderShares.reduce((a, b) => a + b, 0n);

  let outcome: CouponOutcome | null = null;
  if (coupon) {
    const couponLines = priced
      .filter((line) => line.source?.kind === 'coupon')
      .reduce((sum, line) => sum + line.discount, 0n);
    const taken = couponLines + orderDiscount;
    // Taking nothing: say whether its goods are here at all, or promotions hold them.
    const targeted =
      active !== null &&
      lines.some(
        (line, i) => amounts[i] > 0n && (active.scope === 'order' || targetsLine(active.targets, line)),
      );
    outcome = {
      code: coupon.code,
      status: status ?? (taken > 0n ? 'applied' : targeted ? 'promotion_applies' : 'no_effect'),
      discount: taken,
    };
  }

  return {
    lines: priced,
    subtotal,
    linesDiscount,
    orderDiscount,
    total: subtotal - linesDiscount - orderDiscount,
    coupon: outcome,
  };
}
