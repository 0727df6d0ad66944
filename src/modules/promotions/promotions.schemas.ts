// Request and response shapes of promotions and coupons (snake_case on the wire).
import { type Static, type TSchema, Type } from 'typebox';
import { CursorQuery, LimitQuery, Money, Timestamp } from '../../http/common-schemas.ts';
import type { BasketCouponView } from './for-orders.ts';

function Nullable<T extends TSchema>(schema: T, options: { description?: string } = {}) {
  return Type.Union([schema, Type.Null()], options);
}

/**
 * A nullable input as one JSON-schema type list (`["integer", "null"]`), not a union: with type
 * coercion on, AJV would turn `0` into `null` in a union's null branch (and `null` into `0`).
 */
function NullableInput<T extends TSchema>(schema: T, options: { description?: string } = {}) {
  const { type, ...rest } = schema as unknown as { type: string } & Record<string, unknown>;
  return Type.Unsafe<Static<T> | null>({ ...rest, ...options, type: [type, 'null'] });
}

/**
 * An amount as typed by staff: a decimal with up to two places. The sign is accepted here so that a
 * negative amount is refused by the service with a clear field message rather than a pattern error.
 */
function AmountInput(description?: string) {
  return Type.String({ pattern: '^\\s*-?\\d{1,12}(\\.\\d{1,2})?\\s*$', examples: ['500.00'], description });
}
function optional<T extends Record<string, TSchema>>(fields: T) {
  return Object.fromEntries(Object.entries(fields).map(([key, schema]) => [key, Type.Optional(schema)])) as {
    [K in keyof T]: ReturnType<typeof Type.Optional<T[K]>>;
  };
}

const Ids = Type.Array(Type.Integer({ minimum: 1, maximum: 2_147_483_647 }), {
  maxItems: 500,
  uniqueItems: true,
});
const DiscountKind = Type.Union([Type.Literal('percent'), Type.Literal('fixed')], {
  description: 'percent of the amount, or a fixed amount',
});

const PromotionTargetsInput = Type.Object(
  {
    all: Type.Optional(Type.Boolean({ description: 'Every good; then the lists stay empty' })),
    category_ids: Type.Optional(Ids),
    product_ids: Type.Optional(Ids),
    shop_ids: Type.Optional(Ids),
  },
  {
    additionalProperties: false,
    description:
      'A line is targeted when `all`, or when its product is in `product_ids` or its category in ' +
      '`category_ids` (both empty: any good) and, if `shop_ids` is not empty, its shop is in `shop_ids`.',
  },
);

const CouponTargetsInput = Type.Object(
  { category_ids: Type.Optional(Ids), product_ids: Type.Optional(Ids), shop_ids: Type.Optional(Ids) },
  {
    additionalProperties: false,
    description: 'For scope `lines`: the lines the coupon applies to, read as a promotion’s targets.',
  },
);

const promotionFields = {
  name: Type.String({ minLength: 1, maxLength: 200, examples: ['Смартфоны −10 %'] }),
  description: Type.String({ maxLength: 2000 }),
  enabled: Type.Boolean(),
  starts_at: Type.String({ format: 'date-time', description: 'Inclusive; default: now' }),
  ends_at: NullableInput(Type.String({ format: 'date-time' }), {
    description: 'Exclusive; null: open-ended',
  }),
  targets: PromotionTargetsInput,
  discount_kind: DiscountKind,
  discount_value: AmountInput('A percent (0 < v ≤ 100), or a fixed amount off each unit'),
  min_line_quantity: Type.Integer({ minimum: 1, maximum: 1_000_000 }),
  min_order_amount: NullableInput(AmountInput(), {
    description: 'The order subtotal before discounts must reach it',
  }),
  priority: Type.Integer({
    minimum: -1000,
    maximum: 1000,
    description: 'Breaks ties between promotions giving a line the same discount: higher wins',
  }),
};

export const PromotionCreateBody = Type.Object(
  {
    ...optional(promotionFields),
    name: promotionFields.name,
    targets: promotionFields.targets,
    discount_kind: promotionFields.discount_kind,
    discount_value: promotionFields.discount_value,
  },
  { additionalProperties: false },
);

export const PromotionPatchBody = Type.Object(optional(promotionFields), { additionalProperties: false });

const PromotionTargets = Type.Object({
  all: Type.Boolean(),
  category_ids: Type.Array(Type.Integer()),
  product_ids: Type.Array(Type.Integer()),
  shop_ids: Type.Array(Type.Integer()),
});

const RuleState = Type.Union(
  [Type.Literal('active'), Type.Literal('scheduled'), Type.Literal('ended'), Type.Literal('disabled')],
  { description: 'Now: in force, not yet started, over, or switched off' },
);

export const PromotionSchema = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  description: Type.String(),
  enabled: Type.Boolean(),
  state: RuleState,
  starts_at: Timestamp,
  ends_at: Nullable(Timestamp),
  targets: PromotionTargets,
  discount_kind: DiscountKind,
  discount_value: Money,
  min_line_quantity: Type.Integer(),
  min_order_amount: Nullable(Money),
  priority: Type.Integer(),
  created_at: Timestamp,
  updated_at: Timestamp,
});

export const ListQuery = Type.Object(
  {
    limit: LimitQuery,
    cursor: Type.Optional(CursorQuery),
    state: Type.Optional(RuleState),
    q: Type.Optional(
      Type.String({ maxLength: 200, description: 'Part of the name (promotions) or code (coupons)' }),
    ),
  },
  { additionalProperties: false },
);

export const CouponListQuery = Type.Object(
  {
    ...ListQuery.properties,
    batch_id: Type.Optional(Type.Integer({ minimum: 1, maximum: 2_147_483_647 })),
  },
  { additionalProperties: false },
);

export const PromotionUsageSchema = Type.Object({
  promotion_id: Type.Integer(),
  orders: Type.Integer({ description: 'Orders with at least one line discounted by it (canceled excluded)' }),
  lines: Type.Integer(),
  units: Type.Integer(),
  discount_given: Money,
});

// ---------- coupons ----------

const CODE_RULE =
  'Latin letters, digits, `-` and `_`; 3–64 characters; case and surrounding spaces do not matter';
function Code(description = CODE_RULE) {
  return Type.String({ minLength: 1, maxLength: 80, description, examples: ['SPRING-2026'] });
}

const couponSettings = {
  description: Type.String({ maxLength: 2000 }),
  enabled: Type.Boolean(),
  discount_kind: DiscountKind,
  discount_value: AmountInput(
    'A percent (0 < v ≤ 100); or a fixed amount off the order (scope order) or off each unit (scope lines)',
  ),
  scope: Type.Union([Type.Literal('order'), Type.Literal('lines')], {
    description: 'The whole order, or the lines named by `targets`',
  }),
  targets: CouponTargetsInput,
  starts_at: Type.String({ format: 'date-time', description: 'Inclusive; default: now' }),
  ends_at: NullableInput(Type.String({ format: 'date-time' }), {
    description: 'Exclusive; null: never expires',
  }),
  min_order_amount: NullableInput(AmountInput(), {
    description: 'The order subtotal before discounts must reach it',
  }),
  combines_with_promotions: Type.Boolean({
    description: 'false (default): the coupon does not touch lines that carry a promotion',
  }),
};

const couponLimits = {
  usage_limit: NullableInput(Type.Integer({ minimum: 1, maximum: 2_000_000_000 }), {
    description: 'Orders that may use it in total; 1: single-use; null: unlimited',
  }),
  per_buyer_limit: NullableInput(Type.Integer({ minimum: 1, maximum: 2_000_000_000 }), {
    description: 'Orders one buyer may use it for (default 1); null: unlimited',
  }),
};

export const CouponCreateBody = Type.Object(
  {
    code: Type.Optional(Code(`${CODE_RULE}. Absent: a random code is generated`)),
    ...optional(couponSettings),
    ...optional(couponLimits),
    discount_kind: couponSettings.discount_kind,
    discount_value: couponSettings.discount_value,
  },
  { additionalProperties: false },
);

export const CouponPatchBody = Type.Object(
  { code: Type.Optional(Code()), ...optional(couponSettings), ...optional(couponLimits) },
  { additionalProperties: false },
);

export const CouponBatchBody = Type.Object(
  {
    count: Type.Integer({ minimum: 1, maximum: 10_000, description: 'How many single-use codes to make' }),
    name: Type.Optional(Type.String({ maxLength: 200, examples: ['Рассылка апрель'] })),
    prefix: Type.Optional(
      Type.String({
        maxLength: 16,
        pattern: '^[A-Za-z0-9]*$',
        description: 'Put before each code',
        examples: ['APR'],
      }),
    ),
    ...optional(couponSettings),
    discount_kind: couponSettings.discount_kind,
    discount_value: couponSettings.discount_value,
  },
  { additionalProperties: false },
);

const CouponTargets = Type.Object({
  category_ids: Type.Array(Type.Integer()),
  product_ids: Type.Array(Type.Integer()),
  shop_ids: Type.Array(Type.Integer()),
});

export const CouponSchema = Type.Object({
  id: Type.Integer(),
  code: Type.String(),
  description: Type.String(),
  enabled: Type.Boolean(),
  state: RuleState,
  discount_kind: DiscountKind,
  discount_value: Money,
  scope: Type.Union([Type.Literal('order'), Type.Literal('lines')]),
  targets: CouponTargets,
  starts_at: Timestamp,
  ends_at: Nullable(Timestamp),
  usage_limit: Nullable(Type.Integer()),
  used_count: Type.Integer({ description: 'Orders using it now (cancelled orders give theirs back)' }),
  per_buyer_limit: Nullable(Type.Integer()),
  min_order_amount: Nullable(Money),
  combines_with_promotions: Type.Boolean(),
  batch_id: Nullable(Type.Integer()),
  created_at: Timestamp,
  updated_at: Timestamp,
});

export const CouponUsageSchema = Type.Object({
  coupon_id: Type.Integer(),
  code: Type.String(),
  orders: Type.Integer({ description: 'Orders using it (cancelled excluded)' }),
  released: Type.Integer({ description: 'Redemptions given back by cancelled orders' }),
  buyers: Type.Integer(),
  discount_given: Money,
  usage_limit: Nullable(Type.Integer()),
});

export const CouponBatchSchema = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  prefix: Type.String(),
  count: Type.Integer(),
  used: Type.Integer({ description: 'Codes used by an order now' }),
  created_at: Timestamp,
  csv_url: Type.String({ description: 'The codes as CSV' }),
});

export const CouponBatchCreated = Type.Object({
  batch: CouponBatchSchema,
  codes: Type.Array(Type.String()),
});

export const BatchParams = Type.Object({ id: Type.Integer({ minimum: 1, maximum: 2_147_483_647 }) });

// ---------- buyer ----------

export const AttachCouponBody = Type.Object({ code: Code() }, { additionalProperties: false });

export const BasketCouponSchema = Type.Object({
  code: Type.String(),
  description: Type.String(),
  discount_kind: DiscountKind,
  discount_value: Money,
  scope: Type.Union([Type.Literal('order'), Type.Literal('lines')]),
  ends_at: Nullable(Timestamp),
  min_order_amount: Nullable(Money),
  combines_with_promotions: Type.Boolean(),
  status: Type.Union(
    [
      Type.Literal('applied'),
      Type.Literal('not_started'),
      Type.Literal('expired'),
      Type.Literal('min_amount'),
      Type.Literal('no_effect'),
      Type.Literal('promotion_applies'),
      Type.Literal('used_up'),
      Type.Literal('already_used_by_you'),
      Type.Literal('unavailable'),
    ],
    {
      description:
        'What it does to the basket now: `applied`; or why it takes nothing off — `not_started`, ' +
        '`expired`, `min_amount` (the subtotal before discounts is below its minimum), `no_effect` ' +
        '(nothing in the basket is within its reach), `promotion_applies` (its goods are here, but a ' +
        'promotion already discounts them and does not combine with it, or gives more), `used_up`, `already_used_by_you`, ' +
        '`unavailable` (switched off). Checkout refuses it unless `applied`.',
    },
  ),
  discount: Type.Union([Money], { description: 'What it takes off the basket now' }),
});

export function presentBasketCoupon(view: BasketCouponView): Static<typeof BasketCouponSchema> {
  return {
    code: view.code,
    description: view.description,
    discount_kind: view.discountKind,
    discount_value: view.discountValue,
    scope: view.scope,
    ends_at: view.endsAt?.toISOString() ?? null,
    min_order_amount: view.minOrderAmount,
    combines_with_promotions: view.combinesWithPromotions,
    status: view.status,
    discount: view.discount,
  };
}
