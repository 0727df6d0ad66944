// The pricing step of baskets and orders. The discount rules themselves live in one pure function,
// `priceLines` (modules/promotions/discount-engine.ts: best single promotion per line, the coupon, rounding
// per line half up); this step feeds it the lines and the rules chosen for them (see discount-choice.ts),
// splits the result into one part per supplier and turns minor units back into decimal strings.
// Invariants (tested): every part's total = its subtotal − its line discounts − its share of the
// order discount; the parts add up to the order; no amount is negative.
import type { DiscountSource } from '../../db/schema/orders.ts';
import { fromMinor, toMinor } from '../../lib/money.ts';
import {
  type CouponRule,
  type CouponStatus,
  type PromotionRule,
  priceLines,
} from '../promotions/discount-engine.ts';

export interface OrderPricingLine<K> {
  /** The caller's key of the line (a basket item id). */
  key: K;
  shopId: number;
  productId: number;
  categoryId: number;
  unitPrice: string;
  quantity: number;
}

export interface OrderPricingInput<K> {
  lines: readonly OrderPricingLine<K>[];
  promotions: readonly PromotionRule[];
  coupon: CouponRule | null;
  now: Date;
}

export interface PricedOrderLine<K> {
  key: K;
  shopId: number;
  unitPrice: string;
  quantity: number;
  /** unitPrice × quantity. */
  amount: string;
  discount: string;
  discountSource: DiscountSource | null;
  /** amount − discount. */
  total: string;
  /** This line's share of the order-level discount. */
  orderDiscount: string;
}

export interface PricedOrderPart<K> {
  shopId: number;
  lines: PricedOrderLine<K>[];
  subtotal: string;
  linesDiscount: string;
  orderDiscount: string;
  total: string;
}

export interface PricedOrder<K> {
  /** In input order. */
  lines: PricedOrderLine<K>[];
  /** One per shop, in the order of each shop's first line. */
  parts: PricedOrderPart<K>[];
  subtotal: string;
  linesDiscount: string;
  orderDiscount: string;
  total: string;
  /** What became of the coupon, when one was given. */
  coupon: { code: string; status: CouponStatus; discount: string } | null;
}

export function priceOrder<K>(input: OrderPricingInput<K>): PricedOrder<K> {
  const pricing = priceLines({
    lines: input.lines.map((line, index) => ({
      lineRef: index,
      productId: line.productId,
      categoryId: line.categoryId,
      shopId: line.shopId,
      unitPrice: toMinor(line.unitPrice),
      quantity: line.quantity,
    })),
    promotions: input.promotions,
    coupon: input.coupon,
    now: input.now,
  });

  const parts = new Map<
    number,
    { lines: PricedOrderLine<K>[]; subtotal: bigint; discount: bigint; share: bigint }
  >();
  const lines = pricing.lines.map((priced, index): PricedOrderLine<K> => {
    const line = input.lines[index];
    const out: PricedOrderLine<K> = {
      key: line.key,
      shopId: line.shopId,
      unitPrice: fromMinor(priced.unitPrice),
      quantity: priced.quantity,
      amount: fromMinor(priced.amount),
      discount: fromMinor(priced.discount),
      discountSource: priced.source,
      total: fromMinor(priced.total),
      orderDiscount: fromMinor(priced.orderDiscount),
    };
    let part = parts.get(line.shopId);
    if (!part) {
      part = { lines: [], subtotal: 0n, discount: 0n, share: 0n };
      parts.set(line.shopId, part);
    }
    part.lines.push(out);
    part.subtotal += priced.amount;
    part.discount += priced.discount;
    part.share += priced.orderDiscount;
    return out;
  });

  return {
    lines,
    parts: [...parts].map(([shopId, part]) => ({
      shopId,
      lines: part.lines,
      subtotal: fromMinor(part.subtotal),
      linesDiscount: fromMinor(part.discount),
      orderDiscount: fromMinor(part.share),
      total: fromMinor(part.subtotal - part.discount - part.share),
    })),
    subtotal: fromMinor(pricing.subtotal),
    linesDiscount: fromMinor(pricing.linesDiscount),
    orderDiscount: fromMinor(pricing.orderDiscount),
    total: fromMinor(pricing.total),
    coupon: pricing.coupon && {
      code: pricing.coupon.code,
      status: pricing.coupon.status,
      discount: fromMinor(pricing.coupon.discount),
    },
  };
}
