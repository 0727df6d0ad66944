// The shape of an offer as staff moderate it and as its supplier sees it: hidden or not, and why.
import { Type } from 'typebox';
import { Money, Timestamp } from '../../http/common-schemas.ts';
import type { ModeratedOffer } from './moderation.service.ts';

export const ModeratedOfferSchema = Type.Object({
  id: Type.Integer(),
  shop: Type.Object({ id: Type.Integer(), name: Type.String() }),
  product_id: Type.Integer(),
  external_id: Type.String({ description: 'The supplier’s id of the good' }),
  name: Type.String(),
  model: Type.Union([Type.String(), Type.Null()]),
  price: Money,
  price_rrc: Money,
  quantity: Type.Integer(),
  in_price_list: Type.Boolean({ description: 'In the shop’s latest price list' }),
  shown: Type.Boolean({ description: 'Shown in the catalog and orderable now' }),
  hidden: Type.Boolean({ description: 'Hidden by staff (the offer, or its whole product)' }),
  hidden_reason: Type.Union([Type.String(), Type.Null()]),
  updated_at: Timestamp,
});

export function presentModeratedOffer(offer: ModeratedOffer) {
  return {
    id: offer.id,
    shop: { id: offer.shopId, name: offer.shopName },
    product_id: offer.productId,
    external_id: offer.externalId,
    name: offer.name,
    model: offer.model,
    price: offer.price,
    price_rrc: offer.priceRrc,
    quantity: offer.quantity,
    in_price_list: offer.inPriceList,
    shown: offer.isActive,
    hidden: offer.hidden,
    hidden_reason: offer.hiddenReason,
    updated_at: offer.updatedAt.toISOString(),
  };
}
