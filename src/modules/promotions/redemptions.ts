// A coupon's use by an order, recorded inside the checkout transaction, and given back (once) when
// the order is cancelled. The limits hold under any concurrency because `used_count` only moves by
// conditional updates of the coupon's row: the increment that would pass `usage_limit` matches no
// row, and while one checkout holds the row, every other checkout of the same coupon waits for it
// and then re-reads the row (and, statement by statement, the redemptions it committed).
import { and, count, eq, isNull, sql } from 'drizzle-orm';
import type { Transaction } from '../../db/client.ts';
import { type Coupon, couponRedemptions, coupons } from '../../db/schema/promotions.ts';
import { fromMinor } from '../../lib/money.ts';
import { couponAlreadyUsedByYou, couponNotFound, couponUsedUp } from './coupon-errors.ts';

export interface Redemption {
  coupon: Coupon;
  orderId: number;
  userId: number;
  /** Everything the coupon took off the order, minor units. */
  discount: bigint;
}

/**
 * Takes one use of the coupon for this order, or throws `coupon_used_up` /
 * `coupon_already_used_by_you` (the caller's transaction then rolls back with everything it did).
 */
export async function redeemCoupon(tx: Transaction, redemption: Redemption, now: Date): Promise<void> {
  const { coupon, orderId, userId, discount } = redemption;
  const [taken] = await tx
    .update(coupons)
    .set({ usedCount: sql`${coupons.usedCount} + 1` })
    .where(
      and(
        eq(coupons.id, coupon.id),
        eq(coupons.enabled, true),
        sql`(${coupons.usageLimit} is null or ${coupons.usedCount} < ${coupons.usageLimit})`,
      ),
    )
    .returning();
  if (!taken) {
    const [row] = await tx
      .select({ enabled: coupons.enabled })
      .from(coupons)
      .where(eq(coupons.id, coupon.id));
    throw row?.enabled ? couponUsedUp(coupon) : couponNotFound(coupon.code);
  }
  // The row is ours until commit: this buyer's other checkouts of this coupon wait above.
  if (taken.perBuyerLimit !== null) {
    const [mine] = await tx
      .select({ n: count() })
      .from(couponRedemptions)
      .where(
        and(
          eq(couponRedemptions.couponId, coupon.id),
          eq(couponRedemptions.userId, userId),
          isNull(couponRedemptions.releasedAt),
        ),
      );
    if (mine.n >= taken.perBuyerLimit) throw couponAlreadyUsedByYou(taken);
  }
  await tx.insert(couponRedemptions).values({
    couponId: coupon.id,
    orderId,
    userId,
    discount: fromMinor(discount),
    createdAt: now,
  });
}

/**
 * Gives the order's coupon use back: once, however many times or in parallel it is called (the
 * conditional update matches the redemption only while it stands). True when this call released it.
 */
export async function releaseCoupon(tx: Transaction, orderId: number, now: Date): Promise<boolean> {
  const [released] = await tx
    .update(couponRedemptions)
    .set({ releasedAt: now })
    .where(and(eq(couponRedemptions.orderId, orderId), isNull(couponRedemptions.releasedAt)))
    .returning({ couponId: couponRedemptions.couponId });
  if (!released) return false;
  await tx
    .update(coupons)
    .set({ usedCount: sql`${coupons.usedCount} - 1` })
    .where(eq(coupons.id, released.couponId));
  return true;
}
