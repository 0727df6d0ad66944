// Putting products (shopping-list lines, quick-order lines, standing-order runs) into the buyer's
// basket: each product takes the preferred shop's offer when that offer is on sale with the stock,
// else the cheapest visible offer with the stock, else the visible offer with the most stock for
// what it has (reported as partial). Every refusal is a reported line, never an error of the whole.
import { and, asc, eq, gt, inArray } from 'drizzle-orm';
import type { Transaction } from '../../db/client.ts';
import { offers, products, shops } from '../../db/schema/catalog.ts';
import type { SkippedLine } from '../../db/schema/purchasing.ts';
import { AppError } from '../../http/errors.ts';
import { localize } from '../../lib/i18n.ts';
import { putIntoBasket } from '../orders/basket.service.ts';

export interface WantedLine {
  productId: number;
  quantity: number;
  preferredShopId?: number | null;
}

export interface AddedLine {
  productId: number;
  productName: string;
  offerId: number;
  shopId: number;
  shopName: string;
  quantity: number;
  /** Less than asked: no offer holds the whole quantity. */
  partial: boolean;
  /** The preferred shop's offer was not usable; another supplier's was taken. */
  preferredUnavailable: boolean;
}

export interface FillResult {
  added: AddedLine[];
  skipped: SkippedLine[];
}

/** Reasons a wanted line is not (fully) added. */
export type SkipReason = 'not_offered' | 'out_of_stock' | 'partial_stock' | string;

/** Fills the (locked) basket `basketId` with the wanted lines, in order. */
export async function fillBasket(
  tx: Transaction,
  basketId: number,
  wanted: readonly WantedLine[],
  now: Date,
): Promise<FillResult> {
  const productIds = [...new Set(wanted.map((line) => line.productId))];
  const candidates = productIds.length
    ? await tx
        .select({
          offerId: offers.id,
          productId: offers.productId,
          shopId: offers.shopId,
          shopName: shops.name,
          price: offers.price,
          stock: offers.quantity,
        })
        .from(offers)
        .innerJoin(shops, eq(shops.id, offers.shopId))
        .where(
          and(
            inArray(offers.productId, productIds),
            eq(offers.isActive, true),
            eq(shops.acceptingOrders, true),
            gt(offers.quantity, 0),
          ),
        )
        .orderBy(asc(offers.price), asc(offers.id))
    : [];
  const names = productIds.length
    ? new Map(
        (
          await tx
            .select({ id: products.id, name: products.name })
            .from(products)
            .where(inArray(products.id, productIds))
        ).map((row) => [row.id, row.name]),
      )
    : new Map<number, string>();

  const result: FillResult = { added: [], skipped: [] };
  for (const line of wanted) {
    const productName = names.get(line.productId) ?? String(line.productId);
    const own = candidates.filter((offer) => offer.productId === line.productId);
    const skip = (reason: SkipReason, quantity = line.quantity) =>
      result.skipped.push({ productId: line.productId, productName, quantity, reason });
    if (own.length === 0) {
      skip('not_offered');
      continue;
    }
    const preferred =
      line.preferredShopId == null
        ? undefined
        : own.find((offer) => offer.shopId === line.preferredShopId && offer.stock >= line.quantity);
    const whole = preferred ?? own.find((offer) => offer.stock >= line.quantity);
    const chosen = whole ?? [...own].sort((a, b) => b.stock - a.stock)[0];
    const quantity = Math.min(line.quantity, chosen.stock);
    try {
      await putIntoBasket(tx, basketId, { offerId: chosen.offerId, quantity, mode: 'add', now });
    } catch (error) {
      // The checks before the write refuse without touching the transaction: report and go on.
      if (error instanceof AppError) {
        skip(error.code);
        continue;
      }
      throw error;
    }
    result.added.push({
      productId: line.productId,
      productName,
      offerId: chosen.offerId,
      shopId: chosen.shopId,
      shopName: chosen.shopName,
      quantity,
      partial: quantity < line.quantity,
      preferredUnavailable: line.preferredShopId != null && chosen.shopId !== line.preferredShopId,
    });
    if (quantity < line.quantity) skip('partial_stock', line.quantity - quantity);
  }
  return result;
}

const REASON_TEXTS: Record<string, { ru: string; en: string }> = {
  not_offered: { ru: 'сейчас никто не продаёт', en: 'nobody offers it now' },
  out_of_stock: { ru: 'нет в наличии', en: 'out of stock' },
  partial_stock: { ru: 'не хватило остатка', en: 'not enough stock' },
  quantity_limit_exceeded: { ru: 'слишком много в строке корзины', en: 'too many in one basket line' },
  basket_full: { ru: 'корзина заполнена', en: 'the basket is full' },
  currency_mismatch: { ru: 'другая валюта, чем в корзине', en: 'another currency than the basket' },
};

/** A skip reason for people. */
export function reasonText(reason: string, language: 'ru' | 'en'): string {
  const text = REASON_TEXTS[reason];
  return text ? localize(text, language) : reason;
}
