// The v2 shapes of baskets and orders (snake_case, money as two-place decimal strings with the
// currency alongside), and the presenters that turn service objects into them.
import { type Static, Type } from 'typebox';
import { CursorQuery, LimitQuery, Money, Page, Timestamp } from '../../http/common-schemas.ts';
import { BasketCouponSchema, presentBasketCoupon } from '../promotions/promotions.schemas.ts';
import type { Basket, BasketLine } from './basket.service.ts';
import { MAX_LINE_QUANTITY } from './basket.service.ts';
import type { OrderSummary, ReorderResult } from './orders.service.ts';
import type { SupplierOrder, SupplierOrderSummary } from './supplier-orders.service.ts';
import { PartDeliverySchema, PromisedDeliveryDate, presentPartDelivery } from './supplier-terms.schemas.ts';
import type { HistoryEntry, OrderDetail, OrderLineView, OrderPartView, PaymentSummary } from './views.ts';

const Id = Type.Integer({ minimum: 1, maximum: 2_147_483_647 });
export const OrderStateSchema = Type.Union(
  [
    Type.Literal('new'),
    Type.Literal('confirmed'),
    Type.Literal('assembled'),
    Type.Literal('sent'),
    Type.Literal('delivered'),
    Type.Literal('canceled'),
  ],
  { description: 'new → confirmed → assembled → sent → delivered; or canceled' },
);
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) =>
  Type.Union([schema, Type.Null()]);

export const DiscountSourceSchema = Type.Union([
  Type.Object({ kind: Type.Literal('promotion'), id: Type.Integer(), name: Type.String() }),
  Type.Object({ kind: Type.Literal('coupon'), code: Type.String() }),
  Type.Null(),
]);

const LineProblemSchema = Type.Union(
  [
    Type.Literal('offer_unavailable'),
    Type.Literal('shop_not_accepting_orders'),
    Type.Literal('out_of_stock'),
    Type.Literal('price_changed'),
  ],
  { description: 'price_changed: the price differs from when the line was added (does not block checkout)' },
);

// ---- Basket ----

export const BasketLineSchema = Type.Object({
  id: Type.Integer({ description: 'The basket line (item) id' }),
  offer_id: Type.Integer(),
  product_id: Type.Integer(),
  product_name: Type.String(),
  name: Type.String({ description: "The supplier's name of the good" }),
  model: Nullable(Type.String()),
  external_id: Type.String({ description: "The supplier's id of the good" }),
  quantity: Type.Integer(),
  available_quantity: Type.Integer({ description: 'In stock now (0 when withdrawn)' }),
  unit_price: Money,
  price_when_added: Money,
  price_rrc: Money,
  amount: Money,
  discount: Money,
  discount_source: DiscountSourceSchema,
  total: Money,
  problems: Type.Array(LineProblemSchema),
});

export const BasketSchema = Type.Object({
  currency: Nullable(Type.String()),
  groups: Type.Array(
    Type.Object({
      shop: Type.Object({ id: Type.Integer(), name: Type.String(), accepting_orders: Type.Boolean() }),
      lines: Type.Array(BasketLineSchema),
      subtotal: Money,
      lines_discount: Money,
      order_discount: Money,
      total: Money,
      delivery: PartDeliverySchema,
    }),
    { description: 'Lines grouped by supplier' },
  ),
  items_count: Type.Integer(),
  subtotal: Money,
  lines_discount: Money,
  order_discount: Money,
  total: Money,
  coupon: Type.Union([BasketCouponSchema, Type.Null()], {
    description: 'The coupon attached with POST /api/v2/basket/coupon, and what it does now',
  }),
  has_blocking_problems: Type.Boolean({ description: 'Some line cannot be ordered as it is now' }),
  updated_at: Nullable(Timestamp),
});

export const AddItemBody = Type.Object(
  {
    offer_id: Id,
    quantity: Type.Integer({ minimum: 1, maximum: MAX_LINE_QUANTITY }),
  },
  { additionalProperties: false },
);

export const QuantityBody = Type.Object(
  { quantity: Type.Integer({ minimum: 1, maximum: MAX_LINE_QUANTITY }) },
  { additionalProperties: false },
);

function presentBasketLine(line: BasketLine): Static<typeof BasketLineSchema> {
  return {
    id: line.id,
    offer_id: line.offerId,
    product_id: line.productId,
    product_name: line.productName,
    name: line.name,
    model: line.model,
    external_id: line.externalId,
    quantity: line.quantity,
    available_quantity: line.availableQuantity,
    unit_price: line.unitPrice,
    price_when_added: line.priceWhenAdded,
    price_rrc: line.priceRrc,
    amount: line.amount,
    discount: line.discount,
    discount_source: line.discountSource,
    total: line.total,
    problems: line.problems,
  };
}

export function presentBasket(basket: Basket): Static<typeof BasketSchema> {
  return {
    currency: basket.currency,
    groups: basket.groups.map((group) => ({
      shop: { id: group.shop.id, name: group.shop.name, accepting_orders: group.shop.acceptingOrders },
      lines: group.lines.map(presentBasketLine),
      subtotal: group.subtotal,
      lines_discount: group.linesDiscount,
      order_discount: group.orderDiscount,
      total: group.total,
      delivery: presentPartDelivery(group.delivery),
    })),
    items_count: basket.itemsCount,
    subtotal: basket.subtotal,
    lines_discount: basket.linesDiscount,
    order_discount: basket.orderDiscount,
    total: basket.total,
    coupon: basket.coupon && presentBasketCoupon(basket.coupon),
    has_blocking_problems: basket.hasBlockingProblems,
    updated_at: basket.updatedAt?.toISOString() ?? null,
  };
}

// ---- Checkout ----

export const CheckoutBody = Type.Object(
  {
    contact_id: Id,
    comment: Type.Optional(Type.String({ maxLength: 2000 })),
    coupon_code: Type.Optional(Type.String({ maxLength: 64 })),
    expected_total: Type.Optional(
      Type.String({
        pattern: '^\\d{1,12}(\\.\\d{1,2})?$',
        description:
          'The basket total the buyer was shown. If the basket now totals otherwise, checkout answers 409 `price_changed`; without it, current prices apply.',
      }),
    ),
  },
  { additionalProperties: false },
);

export const CheckoutHeaders = Type.Object({
  'idempotency-key': Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 255,
      pattern: '^[\\x21-\\x7e]+$',
      description: 'A retry with the same key and body returns the same order; another body answers 422',
    }),
  ),
});

// ---- Orders ----

const DeliverySchema = Type.Object({
  contact_id: Type.Integer(),
  city: Type.String(),
  street: Type.String(),
  house: Type.String(),
  structure: Type.String(),
  building: Type.String(),
  apartment: Type.String(),
  phone: Type.String(),
  recipient_name: Type.String(),
  comment: Type.String(),
});

const BillingSchema = Type.Object({
  email: Type.String(),
  first_name: Type.String(),
  last_name: Type.String(),
  company: Type.String(),
  position: Type.String(),
  phone: Nullable(Type.String()),
  legal_name: Nullable(Type.String()),
  inn: Nullable(Type.String()),
  kpp: Nullable(Type.String()),
  ogrn: Nullable(Type.String()),
  bank_bik: Nullable(Type.String()),
  settlement_account: Nullable(Type.String()),
  correspondent_account: Nullable(Type.String()),
});

export const OrderLineSchema = Type.Object({
  id: Type.Integer(),
  offer_id: Type.Integer(),
  product_id: Type.Integer(),
  product_name: Type.String(),
  name: Type.String(),
  model: Nullable(Type.String()),
  external_id: Type.String(),
  characteristics: Type.Record(Type.String(), Type.Union([Type.String(), Type.Number(), Type.Boolean()])),
  quantity: Type.Integer(),
  unit_price: Money,
  price_rrc: Money,
  amount: Money,
  discount: Money,
  discount_source: DiscountSourceSchema,
  total: Money,
});

export const PaymentStatusSchema = Type.Union(
  [
    Type.Literal('unpaid'),
    Type.Literal('partially_paid'),
    Type.Literal('paid'),
    Type.Literal('overpaid'),
    Type.Literal('refunded'),
    Type.Literal('partially_refunded'),
  ],
  { description: 'Derived from the payments (not voided) and the refunds made' },
);

export const PaymentSummarySchema = Type.Object({
  status: PaymentStatusSchema,
  paid_amount: Type.Unsafe<string>({ ...Money, description: 'Payments received, not voided' }),
  refunded_amount: Type.Unsafe<string>({ ...Money, description: 'Refunds made' }),
});

export const OrderPartSchema = Type.Object({
  id: Type.Integer(),
  shop: Type.Object({ id: Type.Integer(), name: Type.String() }),
  state: OrderStateSchema,
  subtotal: Money,
  lines_discount: Money,
  order_discount: Money,
  total: Money,
  payment: PaymentSummarySchema,
  promised_delivery_date: PromisedDeliveryDate,
  lines: Type.Array(OrderLineSchema),
});

export const HistorySchema = Type.Object({
  id: Type.Integer(),
  part_id: Nullable(Type.Integer()),
  shop_id: Nullable(Type.Integer()),
  actor_role: Type.String({ description: 'buyer, supplier, staff or system' }),
  from: Nullable(OrderStateSchema),
  to: OrderStateSchema,
  note: Type.String(),
  at: Timestamp,
});

export const orderProperties = {
  id: Type.Integer(),
  number: Type.String(),
  state: OrderStateSchema,
  created_at: Timestamp,
  updated_at: Timestamp,
  currency: Type.String(),
  subtotal: Money,
  lines_discount: Money,
  order_discount: Money,
  total: Money,
  coupon_code: Nullable(Type.String()),
  comment: Type.String(),
  payment: Type.Unsafe<Static<typeof PaymentSummarySchema>>({
    ...PaymentSummarySchema,
    description: 'The sums over the parts; the status as for a part, due the order total',
  }),
  delivery: DeliverySchema,
  billing: BillingSchema,
  parts: Type.Array(OrderPartSchema),
};

export const BuyerOrderSchema = Type.Object({
  ...orderProperties,
  can_cancel: Type.Boolean(),
  history: Type.Array(HistorySchema),
});

export const SupplierOrderSchema = Type.Object({
  id: Type.Integer(),
  number: Type.String(),
  created_at: Timestamp,
  currency: Type.String(),
  comment: Type.String(),
  delivery: DeliverySchema,
  buyer: Type.Object({
    company: Type.String(),
    first_name: Type.String(),
    last_name: Type.String(),
    email: Type.String(),
    phone: Nullable(Type.String()),
  }),
  part: OrderPartSchema,
  allowed_states: Type.Array(OrderStateSchema),
  history: Type.Array(HistorySchema),
});

export const OrderSummarySchema = Type.Object({
  id: Type.Integer(),
  number: Type.String(),
  state: OrderStateSchema,
  created_at: Timestamp,
  total: Money,
  currency: Type.String(),
  payment_status: PaymentStatusSchema,
});

export const SupplierOrderSummarySchema = Type.Object({
  id: Type.Integer({ description: 'The order id' }),
  number: Type.String(),
  state: OrderStateSchema,
  created_at: Timestamp,
  total: Type.Unsafe<string>({ ...Money, description: "The supplier's part total" }),
  currency: Type.String(),
  buyer_company: Type.String(),
  payment_status: Type.Unsafe<string>({ ...PaymentStatusSchema, description: "My part's payment status" }),
});

export const BuyerOrderPage = Page(OrderSummarySchema);
export const SupplierOrderPage = Page(SupplierOrderSummarySchema);

const DateBound = Type.String({
  pattern: '^\\d{4}-\\d{2}-\\d{2}(T[0-9:.]+(Z|[+-]\\d{2}:\\d{2}))?$',
  description: 'A date (the whole UTC day) or a date-time; bounds are inclusive',
});

export const OrderListQuery = Type.Object(
  {
    state: Type.Optional(OrderStateSchema),
    created_from: Type.Optional(DateBound),
    created_to: Type.Optional(DateBound),
    limit: Type.Optional(LimitQuery),
    cursor: Type.Optional(CursorQuery),
  },
  { additionalProperties: false },
);

/** The drill-down filters of the staff and supplier lists (a bar of the statistics pages). */
export const LineFilterQuery = {
  category_id: Type.Optional(
    Type.Integer({
      minimum: 1,
      maximum: 2_147_483_647,
      description:
        'Orders having a line of this category (the category when the line was sold, as statistics count it)',
    }),
  ),
  product_id: Type.Optional(
    Type.Integer({ minimum: 1, maximum: 2_147_483_647, description: 'Orders having a line of this product' }),
  ),
};

export const SupplierOrderListQuery = Type.Object(
  { ...OrderListQuery.properties, ...LineFilterQuery },
  { additionalProperties: false },
);

export const NoteBody = Type.Object(
  { note: Type.Optional(Type.String({ maxLength: 1000 })) },
  { additionalProperties: false },
);

export const StatusBody = Type.Object(
  {
    state: OrderStateSchema,
    note: Type.Optional(Type.String({ maxLength: 1000, description: 'Required when canceling a part' })),
  },
  { additionalProperties: false },
);

export const ReorderSchema = Type.Object({
  added: Type.Array(
    Type.Object({
      offer_id: Type.Integer(),
      name: Type.String(),
      requested_quantity: Type.Integer(),
      quantity: Type.Integer({ description: 'Put into the basket; less than requested when stock is short' }),
    }),
  ),
  not_added: Type.Array(
    Type.Object({
      offer_id: Type.Integer(),
      name: Type.String(),
      requested_quantity: Type.Integer(),
      code: Type.String({ description: 'offer_unavailable, shop_not_accepting_orders, out_of_stock, …' }),
      available_quantity: Nullable(Type.Integer()),
    }),
  ),
  basket: BasketSchema,
});

// ---- Presenters ----

function presentLine(line: OrderLineView): Static<typeof OrderLineSchema> {
  return {
    id: line.id,
    offer_id: line.offerId,
    product_id: line.productId,
    product_name: line.productName,
    name: line.name,
    model: line.model,
    external_id: line.externalId,
    characteristics: line.characteristics,
    quantity: line.quantity,
    unit_price: line.unitPrice,
    price_rrc: line.priceRrc,
    amount: line.amount,
    discount: line.discount,
    discount_source: line.discountSource,
    total: line.total,
  };
}

function presentPayment(payment: PaymentSummary): Static<typeof PaymentSummarySchema> {
  return {
    status: payment.status,
    paid_amount: payment.paidAmount,
    refunded_amount: payment.refundedAmount,
  };
}

function presentPart(part: OrderPartView): Static<typeof OrderPartSchema> {
  return {
    id: part.id,
    shop: part.shop,
    state: part.state,
    subtotal: part.subtotal,
    lines_discount: part.linesDiscount,
    order_discount: part.orderDiscount,
    total: part.total,
    payment: presentPayment(part.payment),
    promised_delivery_date: part.promisedDeliveryDate,
    lines: part.lines.map(presentLine),
  };
}

export function presentHistory(entry: HistoryEntry): Static<typeof HistorySchema> {
  return {
    id: entry.id,
    part_id: entry.partId,
    shop_id: entry.shopId,
    actor_role: entry.actorRole,
    from: entry.from,
    to: entry.to,
    note: entry.note,
    at: entry.at.toISOString(),
  };
}

function presentDelivery(order: Pick<OrderDetail, 'delivery'>): Static<typeof DeliverySchema> {
  const d = order.delivery;
  return {
    contact_id: d.contactId,
    city: d.city,
    street: d.street,
    house: d.house,
    structure: d.structure,
    building: d.building,
    apartment: d.apartment,
    phone: d.phone,
    recipient_name: d.recipientName,
    comment: d.comment,
  };
}

export function presentOrderCommon(order: OrderDetail) {
  const b = order.billing;
  return {
    id: order.id,
    number: order.number,
    state: order.state,
    created_at: order.createdAt.toISOString(),
    updated_at: order.updatedAt.toISOString(),
    currency: order.currency,
    subtotal: order.subtotal,
    lines_discount: order.linesDiscount,
    order_discount: order.orderDiscount,
    total: order.total,
    coupon_code: order.couponCode,
    comment: order.comment,
    payment: presentPayment(order.payment),
    delivery: presentDelivery(order),
    billing: {
      email: b.email,
      first_name: b.firstName,
      last_name: b.lastName,
      company: b.company,
      position: b.position,
      phone: b.phone,
      legal_name: b.legalName,
      inn: b.inn,
      kpp: b.kpp,
      ogrn: b.ogrn,
      bank_bik: b.bankBik,
      settlement_account: b.settlementAccount,
      correspondent_account: b.correspondentAccount,
    },
    parts: order.parts.map(presentPart),
  };
}

export function presentBuyerOrder(order: OrderDetail, canCancel: boolean): Static<typeof BuyerOrderSchema> {
  return { ...presentOrderCommon(order), can_cancel: canCancel, history: order.history.map(presentHistory) };
}

export function presentSupplierOrder(order: SupplierOrder): Static<typeof SupplierOrderSchema> {
  return {
    id: order.id,
    number: order.number,
    created_at: order.createdAt.toISOString(),
    currency: order.currency,
    comment: order.comment,
    delivery: presentDelivery(order),
    buyer: {
      company: order.buyer.company,
      first_name: order.buyer.firstName,
      last_name: order.buyer.lastName,
      email: order.buyer.email,
      phone: order.buyer.phone,
    },
    part: presentPart(order.part),
    allowed_states: [...order.allowedStates],
    history: order.history.map(presentHistory),
  };
}

export function presentOrderSummary(order: OrderSummary): Static<typeof OrderSummarySchema> {
  return {
    id: order.id,
    number: order.number,
    state: order.state,
    created_at: order.createdAt.toISOString(),
    total: order.total,
    currency: order.currency,
    payment_status: order.paymentStatus,
  };
}

export function presentSupplierSummary(
  order: SupplierOrderSummary,
): Static<typeof SupplierOrderSummarySchema> {
  return {
    id: order.id,
    number: order.number,
    state: order.state,
    created_at: order.createdAt.toISOString(),
    total: order.total,
    currency: order.currency,
    buyer_company: order.buyerCompany,
    payment_status: order.paymentStatus,
  };
}

export function presentReorder(result: ReorderResult): Static<typeof ReorderSchema> {
  return {
    added: result.added.map((line) => ({
      offer_id: line.offerId,
      name: line.name,
      requested_quantity: line.requestedQuantity,
      quantity: line.quantity,
    })),
    not_added: result.notAdded.map((line) => ({
      offer_id: line.offerId,
      name: line.name,
      requested_quantity: line.requestedQuantity,
      code: line.code,
      available_quantity: line.availableQuantity,
    })),
    basket: presentBasket(result.basket),
  };
}
