// What a supplier may see of an order: its own part, the buyer's contact, its own part's history.
// Pure, so that the supplier routes, the v1 adapter and webhook events shape it the same way.
import type { BillingSnapshot, DeliverySnapshot, OrderState } from '../../db/schema/orders.ts';
import { allowedTargets } from './transitions.ts';
import type { HistoryEntry, OrderDetail, OrderPartView } from './views.ts';

export interface SupplierOrder {
  id: number;
  number: string;
  createdAt: Date;
  currency: string;
  comment: string;
  delivery: DeliverySnapshot;
  buyer: Pick<BillingSnapshot, 'company' | 'firstName' | 'lastName' | 'email' | 'phone'>;
  part: OrderPartView;
  /** The moves the supplier may make from here. */
  allowedStates: readonly OrderState[];
  /** Changes of its own part only. */
  history: HistoryEntry[];
}

/** Cuts a whole order down to what the supplier of `shopId` may see. */
export function supplierView(order: OrderDetail, shopId: number): SupplierOrder | null {
  const part = order.parts.find((candidate) => candidate.shop.id === shopId);
  if (!part) return null;
  const { company, firstName, lastName, email, phone } = order.billing;
  return {
    id: order.id,
    number: order.number,
    createdAt: order.createdAt,
    currency: order.currency,
    comment: order.comment,
    delivery: order.delivery,
    buyer: { company, firstName, lastName, email, phone },
    part,
    allowedStates: allowedTargets('supplier', part.state),
    history: order.history.filter((entry) => entry.partId === part.id),
  };
}
