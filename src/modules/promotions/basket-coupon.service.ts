// The coupon a buyer attaches to their basket: checked when attached (each refusal with its own
// code), shown with what it does to the basket now, and used by checkout unless another is named.
import { eq } from 'drizzle-orm';
import type { Queryable } from '../../db/client.ts';
import { offers, products } from '../../db/schema/catalog.ts';
import { basketItems, baskets } from '../../db/schema/orders.ts';
import { basketCoupons, type Coupon } from '../../db/schema/promotions.ts';
import { type TxScope, transaction } from '../../db/transaction.ts';
import { toMinor } from '../../lib/money.ts';
import type { Runtime } from '../../runtime.ts';
import { hitLimits } from '../accounts/rate-limit.ts';
import { assertCouponUsable, findCouponByCode } from './coupons.service.ts';
import { type CouponOutcome, type PricingLine, priceLines } from './discount-engine.ts';
import { activePromotions, couponRule } from './rules.ts';

/** The buyer's basket lines as the discount engine reads them, at the offers' current prices. */
export async function basketPricingLines(db: Queryable, userId: number): Promise<PricingLine<number>[]> {
  const rows = await db
    .select({
      itemId: basketItems.id,
      quantity: basketItems.quantity,
      price: offers.price,
      productId: offers.productId,
      categoryId: products.categoryId,
      shopId: offers.shopId,
    })
    .from(basketItems)
    .innerJoin(baskets, eq(baskets.id, basketItems.basketId))
    .innerJoin(offers, eq(offers.id, basketItems.offerId))
    .innerJoin(products, eq(products.id, offers.productId))
    .where(eq(baskets.userId, userId))
    .orderBy(basketItems.id);
  return rows.map((row) => ({
    lineRef: row.itemId,
    productId: row.productId,
    categoryId: row.categoryId,
    shopId: row.shopId,
    unitPrice: toMinor(row.price),
    quantity: row.quantity,
  }));
}

export interface AttachedCoupon {
  coupon: Coupon;
  outcome: CouponOutcome;
}

/** What the coupon does to the buyer's basket now, with the promotions in force. */
async function preview(db: Queryable, userId: number, coupon: Coupon, now: Date): Promise<CouponOutcome> {
  const lines = await basketPricingLines(db, userId);
  const pricing = priceLines({
    lines,
    promotions: await activePromotions(db, now),
    coupon: couponRule(coupon),
    now,
  });
  return pricing.coupon!;
}

/**
 * Attaches the coupon to the buyer's basket after checking everything that can be checked before
 * checkout: it exists and is on, its window, its total and per-buyer limits, the basket's subtotal.
 * Attaching another replaces it.
 */
export async function attachCoupon(
  { tx, now }: TxScope,
  userId: number,
  code: string,
): Promise<AttachedCoupon> {
  const coupon = await findCouponByCode(tx, code);
  const lines = await basketPricingLines(tx, userId);
  const subtotal = lines.reduce((sum, line) => sum + line.unitPrice * BigInt(line.quantity), 0n);
  await assertCouponUsable(tx, coupon, userId, subtotal, now);
  await tx
    .insert(basketCoupons)
    .values({ userId, couponId: coupon.id, attachedAt: now })
    .onConflictDoUpdate({ target: basketCoupons.userId, set: { couponId: coupon.id, attachedAt: now } });
  return { coupon, outcome: await preview(tx, userId, coupon, now) };
}

/**
 * `attachCoupon` for one buyer's request, after counting it against the buyer's tries. Codes typed by
 * hand ("SPRING10") can be guessed: a buyer gets RATE_LIMIT_COUPON_MAX tries per window, which no
 * honest buyer reaches. Counted in PostgreSQL, so every API process sees the same count.
 */
export async function attachCouponFor(
  runtime: Runtime,
  userId: number,
  code: string,
): Promise<AttachedCoupon> {
  await hitLimits(
    runtime,
    [{ key: `coupon:user:${userId}`, limit: runtime.config.rateLimit.couponAttempts }],
    'too_many_coupon_attempts',
  );
  return transaction(runtime, (scope) => attachCoupon(scope, userId, code));
}

export async function detachCoupon({ tx }: TxScope, userId: number): Promise<void> {
  await tx.delete(basketCoupons).where(eq(basketCoupons.userId, userId));
}
