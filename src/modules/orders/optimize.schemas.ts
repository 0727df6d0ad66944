// The v2 shapes of POST /api/v2/basket/optimize.
import { type Static, Type } from 'typebox';
import { Money } from '../../http/common-schemas.ts';
import type { OfferRef, OptimizeResult } from './optimize.service.ts';
import { BasketSchema, presentBasket } from './orders.schemas.ts';

export const OptimizeBody = Type.Object(
  {
    apply: Type.Optional(
      Type.Boolean({
        default: false,
        description: 'false (default): preview only; true: rewrite the basket as proposed',
      }),
    ),
  },
  { additionalProperties: false },
);

const OfferRefSchema = Type.Object({
  offer_id: Type.Integer(),
  shop_id: Type.Integer(),
  shop_name: Type.String(),
  unit_price: Money,
});

export const OptimizeResultSchema = Type.Object({
  applied: Type.Boolean({
    description: 'The basket was rewritten (apply: true and there was a feasible improvement)',
  }),
  exact: Type.Boolean({
    description: 'Every set of candidate suppliers was searched (up to 12); false: the heuristic',
  }),
  feasible: Type.Boolean({ description: 'Every supplier part of the proposed basket reaches its minimum' }),
  suppliers_considered: Type.Integer(),
  total_before: Money,
  total_after: Money,
  saving: Money,
  moves: Type.Array(
    Type.Object({
      product_id: Type.Integer(),
      product_name: Type.String(),
      quantity: Type.Integer({ description: 'Units moved from one offer to the other' }),
      from: OfferRefSchema,
      to: OfferRefSchema,
      saving: Type.Unsafe<string>({ ...Money, description: 'At line prices after promotions (may round)' }),
    }),
  ),
  unresolved: Type.Array(
    Type.Object({
      product_id: Type.Integer(),
      product_name: Type.String(),
      quantity: Type.Integer(),
      reason: Type.Literal('not_enough_stock', {
        description: 'No set of offers holds the quantity; the line stays',
      }),
    }),
  ),
  basket: Type.Union([BasketSchema, Type.Null()], {
    description: 'The basket after applying; null for a preview',
  }),
});

function presentRef(ref: OfferRef) {
  return { offer_id: ref.offerId, shop_id: ref.shopId, shop_name: ref.shopName, unit_price: ref.unitPrice };
}

export function presentOptimizeResult(result: OptimizeResult): Static<typeof OptimizeResultSchema> {
  return {
    applied: result.applied,
    exact: result.exact,
    feasible: result.feasible,
    suppliers_considered: result.suppliersConsidered,
    total_before: result.totalBefore,
    total_after: result.totalAfter,
    saving: result.saving,
    moves: result.moves.map((move) => ({
      product_id: move.productId,
      product_name: move.productName,
      quantity: move.quantity,
      from: presentRef(move.from),
      to: presentRef(move.to),
      saving: move.saving,
    })),
    unresolved: result.unresolved.map((entry) => ({
      product_id: entry.productId,
      product_name: entry.productName,
      quantity: entry.quantity,
      reason: entry.reason,
    })),
    basket: result.basket && presentBasket(result.basket),
  };
}
