// Service results in the reference's shapes. Pure: data in, v1 objects out.
import type { Contact } from '../db/schema/contacts.ts';
import type { DeliverySnapshot } from '../db/schema/orders.ts';
import type { User } from '../db/schema/users.ts';
import type { Basket } from '../modules/orders/basket.service.ts';
import type { SupplierOrder } from '../modules/orders/supplier-orders.service.ts';
import type { OrderDetail, OrderLineView } from '../modules/orders/views.ts';

/**
 * A money amount as a JSON number, as the reference's integer prices are. Exact: an amount has at
 * most 14 significant digits (numeric(14,2)), and every decimal of up to 15 significant digits reads
 * into a double and prints back as the same decimal. Nothing is computed with it.
 */
export function amount(decimal: string): number {
  return Number(decimal);
}

export interface V1Contact {
  id: number;
  city: string;
  street: string;
  house: string;
  structure: string;
  building: string;
  apartment: string;
  phone: string;
}

export function contactJson(contact: Contact): V1Contact {
  const { id, city, street, house, structure, building, apartment, phone } = contact;
  return { id, city, street, house, structure, building, apartment, phone };
}

/** An order's delivery contact as it was at checkout. */
export function deliveryJson(delivery: DeliverySnapshot): V1Contact {
  const { contactId, city, street, house, structure, building, apartment, phone } = delivery;
  return { id: contactId, city, street, house, structure, building, apartment, phone };
}

export function userDetailsJson(user: User, contacts: Contact[]) {
  return {
    id: user.id,
    first_name: user.firstName,
    last_name: user.lastName,
    email: user.email,
    company: user.company,
    position: user.position,
    contacts: contacts.map(contactJson),
  };
}

/** An offer as the catalog shows it now (ProductInfo in the reference). */
export interface CatalogOffer {
  id: number;
  model: string | null;
  name: string;
  categoryName: string;
  shopId: number;
  stock: number;
  price: string;
  priceRrc: string;
  parameters: { name: string; value: string }[];
}

export function offerJson(offer: CatalogOffer) {
  return {
    id: offer.id,
    model: offer.model ?? '',
    product: { name: offer.name, category: offer.categoryName },
    shop: offer.shopId,
    quantity: offer.stock,
    price: amount(offer.price),
    price_rrc: amount(offer.priceRrc),
    product_parameters: offer.parameters.map((parameter) => ({
      parameter: parameter.name,
      value: parameter.value,
    })),
  };
}

/** The basket as the reference's single `state: "basket"` order; `offers` holds its lines' offers. */
export function basketJson(
  header: { id: number; updatedAt: Date },
  basket: Basket,
  offers: ReadonlyMap<number, CatalogOffer>,
) {
  return {
    id: header.id,
    ordered_items: basket.groups.flatMap((group) =>
      group.lines.map((line) => ({
        id: line.id,
        product_info: offerJson(offers.get(line.offerId)!),
        quantity: line.quantity,
      })),
    ),
    state: 'basket' as const,
    dt: (basket.updatedAt ?? header.updatedAt).toISOString(),
    total_sum: amount(basket.total),
    contact: null,
  };
}

/**
 * An order line as the reference shows it: the good as it was sold (name, prices, characteristics
 * are the order's snapshot), with the category and stock of the offer as it is now.
 */
function orderedItemJson(line: OrderLineView, shopId: number, offers: ReadonlyMap<number, CatalogOffer>) {
  const live = offers.get(line.offerId);
  return {
    id: line.id,
    product_info: {
      id: line.offerId,
      model: line.model ?? '',
      product: { name: line.name, category: live?.categoryName ?? '' },
      shop: shopId,
      quantity: live?.stock ?? 0,
      price: amount(line.unitPrice),
      price_rrc: amount(line.priceRrc),
      product_parameters: Object.entries(line.characteristics).map(([parameter, value]) => ({
        parameter,
        value: String(value),
      })),
    },
    quantity: line.quantity,
  };
}

/** The buyer's whole order. */
export function orderJson(order: OrderDetail, offers: ReadonlyMap<number, CatalogOffer>) {
  return {
    id: order.id,
    ordered_items: order.parts.flatMap((part) =>
      part.lines.map((line) => orderedItemJson(line, part.shop.id, offers)),
    ),
    state: order.state,
    dt: order.createdAt.toISOString(),
    total_sum: amount(order.total),
    contact: deliveryJson(order.delivery),
  };
}

/** What a supplier sees of an order (the orders module's cut): its own part — lines, sum, state. */
export function supplierOrderJson(view: SupplierOrder, offers: ReadonlyMap<number, CatalogOffer>) {
  return {
    id: view.id,
    ordered_items: view.part.lines.map((line) => orderedItemJson(line, view.part.shop.id, offers)),
    state: view.part.state,
    dt: view.createdAt.toISOString(),
    total_sum: amount(view.part.total),
    contact: deliveryJson(view.delivery),
  };
}
