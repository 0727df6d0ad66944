// Setting the buyer's basket aside and putting it back, inside one transaction: a standing order
// that places an order fills the basket with its list alone, checks out, and gives the buyer back
// the lines they had (with the prices they first saw, so price changes stay flagged).
import { eq } from 'drizzle-orm';
import type { Transaction } from '../../db/client.ts';
import { basketItems } from '../../db/schema/orders.ts';
import { lockBasket } from './basket.service.ts';

export interface StashedLine {
  offerId: number;
  quantity: number;
  priceWhenAdded: string;
  createdAt: Date;
}

/** Removes every line of the (locked) basket and answers them. */
export async function stashBasketLines(tx: Transaction, basketId: number): Promise<StashedLine[]> {
  return tx.delete(basketItems).where(eq(basketItems.basketId, basketId)).returning({
    offerId: basketItems.offerId,
    quantity: basketItems.quantity,
    priceWhenAdded: basketItems.priceWhenAdded,
    createdAt: basketItems.createdAt,
  });
}

/** Puts stashed lines back into the buyer's basket (a new one after a checkout); offers already there keep theirs. */
export async function restoreBasketLines(
  tx: Transaction,
  userId: number,
  lines: readonly StashedLine[],
  now: Date,
): Promise<void> {
  if (lines.length === 0) return;
  const basketId = await lockBasket(tx, userId, now);
  await tx
    .insert(basketItems)
    .values(lines.map((line) => ({ basketId, ...line, updatedAt: now })))
    .onConflictDoNothing();
}
