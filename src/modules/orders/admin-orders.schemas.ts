// The v2 shapes of staff's order views: every order and part carries the states staff may move it
// to (`allowed_states`), so the console offers only those.
import { type Static, Type } from 'typebox';
import { Money, Page } from '../../http/common-schemas.ts';
import { ADMIN_ORDER_SORTS, type AdminOrder, type AdminOrderSummary } from './admin-orders.service.ts';
import {
  HistorySchema,
  LineFilterQuery,
  OrderListQuery,
  OrderPartSchema,
  OrderStateSchema,
  OrderSummarySchema,
  orderProperties,
  PaymentStatusSchema,
  presentHistory,
  presentOrderCommon,
  presentOrderSummary,
  StatusBody,
} from './orders.schemas.ts';

const Id = Type.Integer({ minimum: 1, maximum: 2_147_483_647 });
const AllowedStates = Type.Array(OrderStateSchema, {
  description: 'The states staff may set it to now (from the one transition table)',
});

const AdminHistorySchema = Type.Object({
  ...HistorySchema.properties,
  actor_id: Type.Union([Type.Integer(), Type.Null()]),
});

export const AdminOrderPartSchema = Type.Object({
  ...OrderPartSchema.properties,
  allowed_states: AllowedStates,
});

export const AdminOrderSchema = Type.Object({
  ...orderProperties,
  parts: Type.Array(AdminOrderPartSchema),
  buyer_id: Type.Integer(),
  allowed_states: AllowedStates,
  history: Type.Array(AdminHistorySchema),
});

export const AdminOrderSummarySchema = Type.Object({
  ...OrderSummarySchema.properties,
  allowed_states: AllowedStates,
  buyer: Type.Object({ id: Type.Integer(), email: Type.String(), company: Type.String() }),
  parts: Type.Array(
    Type.Object({
      id: Type.Integer(),
      shop_id: Type.Integer(),
      shop_name: Type.String(),
      state: OrderStateSchema,
      total: Money,
      payment_status: PaymentStatusSchema,
      allowed_states: AllowedStates,
    }),
  ),
});

export const AdminOrderPage = Page(AdminOrderSummarySchema);

export const AdminOrderListQuery = Type.Object(
  {
    ...OrderListQuery.properties,
    ...LineFilterQuery,
    shop_id: Type.Optional(Id),
    buyer_id: Type.Optional(Id),
    payment_status: Type.Optional(
      Type.Unsafe<Static<typeof PaymentStatusSchema>>({
        ...PaymentStatusSchema,
        description: "The order's payment status (with shop_id: that shop's part's)",
      }),
    ),
    number: Type.Optional(
      Type.String({
        maxLength: 20,
        description:
          'An order number: `Z-000042` or `42` finds that order; a shorter `Z-0000…` finds the numbers it begins',
      }),
    ),
    sort: Type.Optional(
      Type.Union(
        ADMIN_ORDER_SORTS.map((sort) => Type.Literal(sort)),
        { description: 'created_at or total, `-` for descending; default `-created_at`' },
      ),
    ),
  },
  { additionalProperties: false },
);

export const AdminStatusBody = Type.Object(
  {
    ...StatusBody.properties,
    part_id: Type.Optional(Type.Integer({ minimum: 1, description: 'Move only this supplier part' })),
  },
  { additionalProperties: false },
);

export const PartParams = Type.Object({ id: Id, part_id: Id });

export function presentAdminOrder(order: AdminOrder): Static<typeof AdminOrderSchema> {
  const common = presentOrderCommon(order);
  return {
    ...common,
    parts: common.parts.map((part, index) => ({
      ...part,
      allowed_states: [...order.parts[index].allowedStates],
    })),
    buyer_id: order.userId,
    allowed_states: [...order.allowedStates],
    history: order.history.map((entry) => ({ ...presentHistory(entry), actor_id: entry.actorId })),
  };
}

export function presentAdminSummary(order: AdminOrderSummary): Static<typeof AdminOrderSummarySchema> {
  return {
    ...presentOrderSummary(order),
    allowed_states: [...order.allowedStates],
    buyer: order.buyer,
    parts: order.parts.map((part) => ({
      id: part.id,
      shop_id: part.shopId,
      shop_name: part.shopName,
      state: part.state,
      total: part.total,
      payment_status: part.paymentStatus,
      allowed_states: [...part.allowedStates],
    })),
  };
}
