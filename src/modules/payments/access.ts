// Who may see and touch the payments of which order part: the buyer every part of its own order,
// a supplier only its own shop's part, staff everything. Anything else is "not found", as with orders.
import type { Queryable } from '../../db/client.ts';
import type { UserRole } from '../../db/schema/users.ts';
import { forbidden } from '../../http/errors.ts';
import { shopOfOwner } from '../catalog/shops.service.ts';
import { orderNotFound, partNotFound } from './ledger.ts';

export interface Caller {
  id: number;
  role: UserRole;
}

/** The ids of the parts the caller may see; throws 404 when it may see none of the order. */
export async function visiblePartIds(
  db: Queryable,
  caller: Caller,
  order: { id: number; userId: number; parts: readonly { id: number; shopId: number }[] },
): Promise<number[]> {
  if (caller.role === 'staff') return order.parts.map((part) => part.id);
  if (caller.role === 'buyer') {
    if (order.userId !== caller.id) throw orderNotFound(order.id);
    return order.parts.map((part) => part.id);
  }
  const shop = await shopOfOwner(db, caller.id).catch(() => null);
  const own = order.parts.filter((part) => part.shopId === shop?.id);
  if (own.length === 0) throw orderNotFound(order.id);
  return own.map((part) => part.id);
}

/** The part, when the caller may see it. */
export async function visiblePart<P extends { id: number; shopId: number }>(
  db: Queryable,
  caller: Caller,
  order: { id: number; userId: number; parts: readonly P[] },
  partId: number,
): Promise<P> {
  const visible = await visiblePartIds(db, caller, order);
  const part = order.parts.find((candidate) => candidate.id === partId);
  if (!part) throw partNotFound(order.id, partId);
  if (!visible.includes(part.id)) {
    // A supplier naming another supplier's part of an order it is in: the part does not exist for it.
    throw partNotFound(order.id, partId);
  }
  return part;
}

/** Recording and voiding money: staff, or the supplier whose part it is (never the buyer). */
export async function managedPart<P extends { id: number; shopId: number }>(
  db: Queryable,
  caller: Caller,
  order: { id: number; userId: number; parts: readonly P[] },
  partId: number,
): Promise<P> {
  if (caller.role === 'buyer') {
    throw forbidden('forbidden', {
      ru: 'Платежи записывают поставщик или сотрудники',
      en: 'Payments are recorded by the supplier or staff',
    });
  }
  return visiblePart(db, caller, order, partId);
}
