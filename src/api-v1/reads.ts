// Reads v1 needs in shapes the services do not hand out: offers by id (visible or not) and whole
// unpaged lists collected from keyset pages.
import { eq, inArray } from 'drizzle-orm';
import type { Queryable } from '../db/client.ts';
import { categories, offers, products } from '../db/schema/catalog.ts';
import { characteristicsOf } from '../modules/catalog/catalog.service.ts';
import type { OrderDetail } from '../modules/orders/views.ts';
import type { CatalogOffer } from './shapes.ts';

/**
 * Offers by id as they are now, for the `product_info` of basket and order lines. Unlike the
 * catalog's listing this shows hidden offers too (deactivated, or of a shop that stopped accepting
 * orders): a basket or an order may hold goods the catalog no longer shows.
 */
export async function offersById(
  db: Queryable,
  offerIds: readonly number[],
): Promise<Map<number, CatalogOffer>> {
  const ids = [...new Set(offerIds)];
  if (ids.length === 0) return new Map();
  // One after another: `db` may be a transaction, whose one connection runs one query at a time.
  const found = await db
    .select({
      id: offers.id,
      model: offers.model,
      name: offers.name,
      categoryName: categories.name,
      shopId: offers.shopId,
      stock: offers.quantity,
      price: offers.price,
      priceRrc: offers.priceRrc,
    })
    .from(offers)
    .innerJoin(products, eq(products.id, offers.productId))
    .innerJoin(categories, eq(categories.id, products.categoryId))
    .where(inArray(offers.id, ids));
  const characteristics = await characteristicsOf(db, ids);
  return new Map(
    found.map((offer) => [
      offer.id,
      {
        ...offer,
        parameters: (characteristics.get(offer.id) ?? []).map(({ name, value }) => ({ name, value })),
      },
    ]),
  );
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
