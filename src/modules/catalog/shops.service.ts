import { shops } from '../../db/schema/catalog.ts';
import type { TxScope } from '../../db/transaction.ts';

/** Every supplier account has its shop; it starts named after the company and accepting orders. */
export async function createShopForOwner(
  scope: Pick<TxScope, 'tx'>,
  owner: { id: number; company: string },
): Promise<{ id: number; name: string }> {
  const name = owner.company.trim() || `Shop ${owner.id}`;
  const [shop] = await scope.tx
    .insert(shops)
    .values({ ownerId: owner.id, name })
    .returning({ id: shops.id, name: shops.name });
  return shop;
}
