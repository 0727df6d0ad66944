// Supplier terms as the basket and checkout apply them: per supplier part, whether its minimum is
// reached (the part's subtotal — goods at their prices, before discounts — against the shop's
// `min_order_amount`), how much is missing, and the delivery date expected (and, at checkout,
// promised) from the shop's cut-off, lead time and delivery days.
import { inArray } from 'drizzle-orm';
import type { Queryable } from '../../db/client.ts';
import { shops } from '../../db/schema/catalog.ts';
import { type AppError, conflict } from '../../http/errors.ts';
import { fromMinor, toMinor } from '../../lib/money.ts';
import { type DeliveryTerms, expectedDeliveryDate, termsOf } from '../catalog/delivery-terms.ts';

/** The terms of the given shops, by shop id. */
export async function termsOfShops(
  db: Queryable,
  shopIds: readonly number[],
): Promise<Map<number, DeliveryTerms>> {
  const ids = [...new Set(shopIds)];
  if (ids.length === 0) return new Map();
  const rows = await db
    .select({
      id: shops.id,
      minOrderAmount: shops.minOrderAmount,
      deliveryDays: shops.deliveryDays,
      leadTimeDays: shops.leadTimeDays,
      orderCutoff: shops.orderCutoff,
      timeZone: shops.timeZone,
    })
    .from(shops)
    .where(inArray(shops.id, ids));
  return new Map(rows.map((row) => [row.id, termsOf(row)]));
}

export interface PartDelivery {
  minOrderAmount: string | null;
  minimumReached: boolean;
  /** What the part lacks to reach the minimum ("0.00" when reached). */
  missingAmount: string;
  expectedDeliveryDate: string;
}

export function partDelivery(terms: DeliveryTerms, subtotal: string, now: Date): PartDelivery {
  const missing = terms.minOrderAmount === null ? 0n : toMinor(terms.minOrderAmount) - toMinor(subtotal);
  return {
    minOrderAmount: terms.minOrderAmount,
    minimumReached: missing <= 0n,
    missingAmount: fromMinor(missing > 0n ? missing : 0n),
    expectedDeliveryDate: expectedDeliveryDate(terms, now),
  };
}

export interface PartBelowMinimum {
  shopId: number;
  shopName: string;
  subtotal: string;
  minOrderAmount: string;
  missingAmount: string;
}

/** 409 `below_minimum_order` naming every supplier part below its minimum and its shortfall. */
export function belowMinimumOrder(parts: readonly PartBelowMinimum[]): AppError {
  const ru = parts.map(
    (part) => `«${part.shopName}» — не хватает ${part.missingAmount} (минимум ${part.minOrderAmount})`,
  );
  const en = parts.map(
    (part) => `"${part.shopName}" — ${part.missingAmount} short (minimum ${part.minOrderAmount})`,
  );
  return conflict(
    'below_minimum_order',
    {
      ru: `Сумма заказа у поставщика ниже его минимальной: ${ru.join('; ')}`,
      en: `The order from a supplier is below its minimum: ${en.join('; ')}`,
    },
    {
      shop_id: parts[0].shopId,
      shop_name: parts[0].shopName,
      missing_amount: parts[0].missingAmount,
      parts: parts.map((part) => ({
        shop_id: part.shopId,
        shop_name: part.shopName,
        subtotal: part.subtotal,
        min_order_amount: part.minOrderAmount,
        missing_amount: part.missingAmount,
      })),
    },
  );
}

/** The parts below their shop's minimum (empty when every part reaches it). */
export function partsBelowMinimum(
  parts: readonly { shopId: number; shopName: string; subtotal: string }[],
  terms: ReadonlyMap<number, DeliveryTerms>,
): PartBelowMinimum[] {
  const below: PartBelowMinimum[] = [];
  for (const part of parts) {
    const minimum = terms.get(part.shopId)?.minOrderAmount ?? null;
    if (minimum === null) continue;
    const missing = toMinor(minimum) - toMinor(part.subtotal);
    if (missing > 0n) {
      below.push({ ...part, minOrderAmount: minimum, missingAmount: fromMinor(missing) });
    }
  }
  return below;
}
