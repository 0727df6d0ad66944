// The v2 shapes of supplier terms as baskets and orders show them (see supplier-terms.ts).
import { type Static, Type } from 'typebox';
import { Money } from '../../http/common-schemas.ts';
import type { PartDelivery } from './supplier-terms.ts';

export const PartDeliverySchema = Type.Object(
  {
    min_order_amount: Type.Union([Money, Type.Null()], { description: 'The supplier’s minimum; null: none' }),
    minimum_reached: Type.Boolean({
      description: 'The part’s subtotal (before discounts) reaches the minimum',
    }),
    missing_amount: Type.Unsafe<string>({
      ...Money,
      description: 'What the part lacks ("0.00" when reached)',
    }),
    expected_delivery_date: Type.String({
      format: 'date',
      description:
        'The supplier’s local date if ordered now: cut-off, lead time, then the next delivery weekday',
    }),
  },
  { description: 'The supplier’s minimum order and expected delivery for this part' },
);

export const PromisedDeliveryDate = Type.Union([Type.String({ format: 'date' }), Type.Null()], {
  description: 'The delivery date promised at checkout from the supplier’s terms (null for older orders)',
});

export function presentPartDelivery(delivery: PartDelivery): Static<typeof PartDeliverySchema> {
  return {
    min_order_amount: delivery.minOrderAmount,
    minimum_reached: delivery.minimumReached,
    missing_amount: delivery.missingAmount,
    expected_delivery_date: delivery.expectedDeliveryDate,
  };
}
