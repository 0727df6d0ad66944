// Reads v1 needs, through the services: offers by id (visible or not) and whole unpaged lists
// collected from keyset pages.
import type { Queryable } from '../db/client.ts';
import { offersById as offersInfo } from '../modules/catalog/catalog.service.ts';
import type { OrderDetail } from '../modules/orders/views.ts';
import type { CatalogOffer } from './shapes.ts';

/**
 * Offers by id as they are now, for the `product_info` of basket and order lines, hidden ones too
 * (the catalog's offersById).
 */
export async function offersById(
  db: Queryable,
  offerIds: readonly number[],
): Promise<Map<number, CatalogOffer>> {
  return offersInfo(db, offerIds);
}

/** The offers named by the orders' lines, as they are now. */
export function offersOfOrders(db: Queryable, orders: readonly OrderDetail[]) {
  return offersById(
    db,
    orders.flatMap((order) => order.parts.flatMap((part) => part.lines.map((line) => line.offerId))),
  );
}

/** Every id of a keyset-paged list, in its order (v1 answers whole lists). */
export async function allIds(
  page: (cursor?: string) => Promise<{ items: { id: number }[]; nextCursor: string | null }>,
): Promise<number[]> {
  const ids: number[] = [];
  let cursor: string | undefined;
  do {
    const next = await page(cursor);
    ids.push(...next.items.map((item) => item.id));
    cursor = next.nextCursor ?? undefined;
  } while (cursor);
  return ids;
}
