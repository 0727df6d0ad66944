// Taking and returning stock: the one place where orders write a catalog table (offers.quantity).
// Both run inside the caller's transaction. Taking is conditional, so stock never goes below zero
// whatever runs at the same time; the caller locks the offers first (in id order) and re-checks them.
import { sql } from 'drizzle-orm';
import type { Transaction } from '../../db/client.ts';
import { runPrepared } from '../../db/prepared.ts';

export interface StockLine {
  offerId: number;
  quantity: number;
}

/** Merges lines of the same offer and orders them by offer id (the lock order). */
function merged(lines: readonly StockLine[]): { ids: number[]; quantities: number[] } {
  const byOffer = new Map<number, number>();
  for (const line of lines) byOffer.set(line.offerId, (byOffer.get(line.offerId) ?? 0) + line.quantity);
  const ids = [...byOffer.keys()].sort((a, b) => a - b);
  return { ids, quantities: ids.map((id) => byOffer.get(id)!) };
}

/**
 * Takes the quantities from stock, all or nothing: answers the offers that could not give their
 * quantity (inactive, or too little left); when that list is not empty nothing must be kept, and the
 * caller rolls back by throwing.
 */
export async function takeStock(tx: Transaction, lines: readonly StockLine[]): Promise<number[]> {
  const { ids, quantities } = merged(lines);
  if (ids.length === 0) return [];
  const rows = await runPrepared<{ id: number }>(
    tx,
    'orders_take_stock',
    sql`
    update offers set quantity = offers.quantity - wanted.quantity
    from unnest(${sql.param(ids)}::int[], ${sql.param(quantities)}::int[]) as wanted(id, quantity)
    where offers.id = wanted.id and offers.is_active and offers.quantity >= wanted.quantity
    returning offers.id`,
  );
  const taken = new Set(rows.map((row) => Number(row.id)));
  return ids.filter((id) => !taken.has(id));
}

/** Puts the quantities back (a canceled part). Offers are never deleted, so every line finds its offer. */
export async function returnStock(tx: Transaction, lines: readonly StockLine[]): Promise<void> {
  const { ids, quantities } = merged(lines);
  if (ids.length === 0) return;
  // Lock in id order, as checkouts do, so that the two never deadlock.
  await tx.execute(
    sql`select id from offers where id = any(${sql.param(ids)}::int[]) order by id for update`,
  );
  await tx.execute(sql`
    update offers set quantity = offers.quantity + returned.quantity
    from unnest(${sql.param(ids)}::int[], ${sql.param(quantities)}::int[]) as returned(id, quantity)
    where offers.id = returned.id`);
}
