// The v2 shapes of shopping lists and of filling the basket from them (and from quick orders).
import { type Static, Type } from 'typebox';
import { Timestamp } from '../../http/common-schemas.ts';
import { BasketSchema } from '../orders/orders.schemas.ts';
import type { FillResult } from './fill-basket.ts';
import type { ListLineView, ShoppingListView } from './shopping-lists.service.ts';

const Id = Type.Integer({ minimum: 1, maximum: 2_147_483_647 });

export const ListLineBody = Type.Object(
  {
    product_id: Id,
    quantity: Type.Integer({ minimum: 1, maximum: 10_000 }),
    preferred_shop_id: Type.Optional(
      Type.Union([Id, Type.Null()], { description: 'Take this shop’s offer when it can' }),
    ),
  },
  { additionalProperties: false },
);

export const CreateListBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200, examples: ['Молочка на понедельник'] }),
    lines: Type.Optional(Type.Array(ListLineBody, { maxItems: 200 })),
    from_basket: Type.Optional(
      Type.Boolean({ description: 'Start from the basket’s lines (their shops preferred)' }),
    ),
    from_order_id: Type.Optional(
      Type.Integer({ minimum: 1, description: 'Start from one of my orders (its shops preferred)' }),
    ),
  },
  { additionalProperties: false },
);

export const UpdateListBody = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    lines: Type.Optional(Type.Array(ListLineBody, { maxItems: 200, description: 'Replaces every line' })),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const ListLineParams = Type.Object({ id: Id, lineId: Id });

const ListLineSchema = Type.Object({
  id: Type.Integer(),
  product_id: Type.Integer(),
  product_name: Type.String(),
  quantity: Type.Integer(),
  preferred_shop: Type.Union([Type.Object({ id: Type.Integer(), name: Type.String() }), Type.Null()]),
});

export const ShoppingListSchema = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  lines: Type.Array(ListLineSchema),
  created_at: Timestamp,
  updated_at: Timestamp,
});

export const ShoppingListIndex = Type.Object({
  items: Type.Array(
    Type.Object({
      id: Type.Integer(),
      name: Type.String(),
      line_count: Type.Integer(),
      created_at: Timestamp,
      updated_at: Timestamp,
    }),
  ),
});

export const SkippedLineSchema = Type.Object({
  product_id: Type.Integer(),
  product_name: Type.String(),
  quantity: Type.Integer({ description: 'Units not added' }),
  reason: Type.String({
    description:
      '`not_offered` (no visible offer), `partial_stock` (the rest was added), or the basket’s refusal code (`quantity_limit_exceeded`, `basket_full`, `currency_mismatch`, …)',
  }),
});

export const FillResultSchema = Type.Object({
  added: Type.Array(
    Type.Object({
      product_id: Type.Integer(),
      product_name: Type.String(),
      offer_id: Type.Integer(),
      shop_id: Type.Integer(),
      shop_name: Type.String(),
      quantity: Type.Integer(),
      partial: Type.Boolean(),
      preferred_unavailable: Type.Boolean({
        description: 'The preferred shop could not supply it; another did',
      }),
    }),
  ),
  skipped: Type.Array(SkippedLineSchema),
  basket: BasketSchema,
});

function presentLine(line: ListLineView): Static<typeof ListLineSchema> {
  return {
    id: line.id,
    product_id: line.productId,
    product_name: line.productName,
    quantity: line.quantity,
    preferred_shop: line.preferredShop,
  };
}

export function presentList(list: ShoppingListView): Static<typeof ShoppingListSchema> {
  return {
    id: list.id,
    name: list.name,
    lines: list.lines.map(presentLine),
    created_at: list.createdAt.toISOString(),
    updated_at: list.updatedAt.toISOString(),
  };
}

export function presentFill(result: FillResult) {
  return {
    added: result.added.map((line) => ({
      product_id: line.productId,
      product_name: line.productName,
      offer_id: line.offerId,
      shop_id: line.shopId,
      shop_name: line.shopName,
      quantity: line.quantity,
      partial: line.partial,
      preferred_unavailable: line.preferredUnavailable,
    })),
    skipped: result.skipped.map((line) => ({
      product_id: line.productId,
      product_name: line.productName,
      quantity: line.quantity,
      reason: line.reason,
    })),
  };
}
