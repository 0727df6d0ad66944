// The buyer's basket: one per buyer, across any number of suppliers. It reserves nothing; it checks
// each change against the offer as it is now, and shows every line's problems as they are now.
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { Queryable, Transaction } from '../../db/client.ts';
import { offers, products, shops } from '../../db/schema/catalog.ts';
import { basketItems, baskets, type DiscountSource } from '../../db/schema/orders.ts';
import { transaction } from '../../db/transaction.ts';
import { conflict, notFound } from '../../http/errors.ts';
import { toMinor } from '../../lib/money.ts';
import type { Runtime } from '../../runtime.ts';
import { type BasketCouponView, basketCouponView } from '../promotions/for-orders.ts';
import { chooseDiscounts } from './discount-choice.ts';
import { type OrderPricingLine, priceOrder } from './pricing.ts';
import { type PartDelivery, partDelivery, termsOfShops } from './supplier-terms.ts';

/** The most of one offer a basket line may hold. */
export const MAX_LINE_QUANTITY = 10_000;
/** The most distinct offers one basket may hold. */
export const MAX_BASKET_LINES = 200;

/** What is wrong with a line now; the first three block checkout. */
export type LineProblem =
  | 'offer_unavailable'
  | 'shop_not_accepting_orders'
  | 'out_of_stock'
  | 'price_changed';

export interface BasketLine {
  id: number;
  offerId: number;
  productId: number;
  productName: string;
  name: string;
  model: string | null;
  externalId: string;
  quantity: number;
  availableQuantity: number;
  unitPrice: string;
  priceWhenAdded: string;
  priceRrc: string;
  amount: string;
  discount: string;
  discountSource: DiscountSource | null;
  total: string;
  problems: LineProblem[];
}

export interface BasketGroup {
  shop: { id: number; name: string; acceptingOrders: boolean };
  lines: BasketLine[];
  subtotal: string;
  linesDiscount: string;
  /** This supplier's share of the order-level discount. */
  orderDiscount: string;
  total: string;
  /** The supplier's minimum against this part, and the delivery date expected if ordered now. */
  delivery: PartDelivery;
}

export interface Basket {
  /** Null while the basket is empty. */
  currency: string | null;
  groups: BasketGroup[];
  itemsCount: number;
  subtotal: string;
  linesDiscount: string;
  orderDiscount: string;
  total: string;
  /** The coupon attached to the basket and what it does now. */
  coupon: BasketCouponView | null;
  /** True when some line cannot be ordered as it is (price changes alone do not block). */
  hasBlockingProblems: boolean;
  updatedAt: Date | null;
}

/** A basket line joined with its offer and shop as they are now. */
export interface LiveLine {
  itemId: number;
  quantity: number;
  priceWhenAdded: string;
  offerId: number;
  productId: number;
  categoryId: number;
  productName: string;
  name: string;
  model: string | null;
  externalId: string;
  price: string;
  priceRrc: string;
  stock: number;
  isActive: boolean;
  parameters: Record<string, string | number | boolean>;
  shopId: number;
  shopName: string;
  acceptingOrders: boolean;
  currency: string;
}

export const liveLineColumns = {
  itemId: basketItems.id,
  quantity: basketItems.quantity,
  priceWhenAdded: basketItems.priceWhenAdded,
  offerId: offers.id,
  productId: offers.productId,
  categoryId: products.categoryId,
  productName: products.name,
  name: offers.name,
  model: offers.model,
  externalId: offers.externalId,
  price: offers.price,
  priceRrc: offers.priceRrc,
  stock: offers.quantity,
  isActive: offers.isActive,
  parameters: offers.parameters,
  shopId: shops.id,
  shopName: shops.name,
  acceptingOrders: shops.acceptingOrders,
  currency: shops.currency,
};

export function lineProblems(line: LiveLine): LineProblem[] {
  const problems: LineProblem[] = [];
  if (!line.isActive) problems.push('offer_unavailable');
  if (!line.acceptingOrders) problems.push('shop_not_accepting_orders');
  if (line.isActive && line.quantity > line.stock) problems.push('out_of_stock');
  if (line.price !== line.priceWhenAdded) problems.push('price_changed');
  return problems;
}

/** A basket line as the pricing step takes it, keyed by the basket item id. */
export function pricingLine(line: LiveLine): OrderPricingLine<number> {
  return {
    key: line.itemId,
    shopId: line.shopId,
    productId: line.productId,
    categoryId: line.categoryId,
    unitPrice: line.price,
    quantity: line.quantity,
  };
}

export const BLOCKING: ReadonlySet<LineProblem> = new Set([
  'offer_unavailable',
  'shop_not_accepting_orders',
  'out_of_stock',
]);

async function liveLines(
  db: Queryable,
  userId: number,
): Promise<{ lines: LiveLine[]; updatedAt: Date | null }> {
  const rows = await db
    .select({ ...liveLineColumns, basketUpdatedAt: baskets.updatedAt })
    .from(baskets)
    .innerJoin(basketItems, eq(basketItems.basketId, baskets.id))
    .innerJoin(offers, eq(offers.id, basketItems.offerId))
    .innerJoin(products, eq(products.id, offers.productId))
    .innerJoin(shops, eq(shops.id, offers.shopId))
    .where(eq(baskets.userId, userId))
    .orderBy(asc(basketItems.id));
  return { lines: rows, updatedAt: rows[0]?.basketUpdatedAt ?? null };
}

/** The basket priced as checkout would price it now, grouped by supplier, with each line's problems. */
export async function getBasket(db: Queryable, userId: number, now: Date = new Date()): Promise<Basket> {
  const { lines, updatedAt } = await liveLines(db, userId);
  const pricingLines = lines.map(pricingLine);
  const discounts = await chooseDiscounts(db, { userId, lines: pricingLines, now });
  const priced = priceOrder({ lines: pricingLines, ...discounts, now });
  const byItem = new Map(lines.map((line) => [line.itemId, line]));
  const terms = await termsOfShops(
    db,
    priced.parts.map((part) => part.shopId),
  );
  let hasBlockingProblems = false;
  const groups = priced.parts.map((part): BasketGroup => {
    const first = byItem.get(part.lines[0].key)!;
    return {
      shop: { id: first.shopId, name: first.shopName, acceptingOrders: first.acceptingOrders },
      lines: part.lines.map((pricedLine) => {
        const line = byItem.get(pricedLine.key)!;
        const problems = lineProblems(line);
        if (problems.some((problem) => BLOCKING.has(problem))) hasBlockingProblems = true;
        return {
          id: line.itemId,
          offerId: line.offerId,
          productId: line.productId,
          productName: line.productName,
          name: line.name,
          model: line.model,
          externalId: line.externalId,
          quantity: line.quantity,
          availableQuantity: line.isActive ? line.stock : 0,
          unitPrice: pricedLine.unitPrice,
          priceWhenAdded: line.priceWhenAdded,
          priceRrc: line.priceRrc,
          amount: pricedLine.amount,
          discount: pricedLine.discount,
          discountSource: pricedLine.discountSource,
          total: pricedLine.total,
          problems,
        };
      }),
      subtotal: part.subtotal,
      linesDiscount: part.linesDiscount,
      orderDiscount: part.orderDiscount,
      total: part.total,
      delivery: partDelivery(terms.get(part.shopId)!, part.subtotal, now),
    };
  });
  return {
    currency: lines[0]?.currency ?? null,
    groups,
    itemsCount: lines.length,
    subtotal: priced.subtotal,
    linesDiscount: priced.linesDiscount,
    orderDiscount: priced.orderDiscount,
    total: priced.total,
    coupon:
      discounts.chosen &&
      basketCouponView(
        discounts.chosen,
        priced.coupon && { status: priced.coupon.status, discount: toMinor(priced.coupon.discount) },
      ),
    hasBlockingProblems,
    updatedAt,
  };
}

/**
 * A new basket's id comes from the orders' id sequence: checkout makes the order under the basket's
 * own id (API v1 posts the basket id and then finds the order by it), and no order or other basket
 * can ever hold the same number.
 */
const NEXT_ORDER_ID = sql`nextval(pg_get_serial_sequence('orders', 'id'))`;

/**
 * The buyer's basket row, created on first use (and again after each checkout, which turns the row
 * into the order) and locked for the rest of the transaction.
 */
export async function lockBasket(tx: Transaction, userId: number, now: Date): Promise<number> {
  // A few rounds at most: a parallel first use by the same buyer makes the insert do nothing (the
  // update then finds that row), and so does a basket made before basket ids came from the orders'
  // sequence that holds the number just drawn (the next round draws another).
  for (let round = 0; round < 5; round += 1) {
    const [held] = await tx
      .update(baskets)
      .set({ updatedAt: now })
      .where(eq(baskets.userId, userId))
      .returning({ id: baskets.id });
    if (held) return held.id;
    const [made] = await tx
      .insert(baskets)
      .overridingSystemValue()
      .values({ id: NEXT_ORDER_ID, userId, createdAt: now, updatedAt: now })
      .onConflictDoNothing()
      .returning({ id: baskets.id });
    if (made) return made.id;
  }
  throw new Error(`could not make a basket for user ${userId}`);
}

function offerNamed(offerId: number, name: string): { ru: string; en: string } {
  return { ru: `«${name}» (предложение ${offerId})`, en: `"${name}" (offer ${offerId})` };
}

export function offerUnavailable(offerId: number, name: string) {
  const offer = offerNamed(offerId, name);
  return conflict(
    'offer_unavailable',
    { ru: `Товар ${offer.ru} больше не продаётся`, en: `${offer.en} is no longer offered` },
    { offer_id: offerId },
  );
}

export function shopNotAccepting(offerId: number, name: string, shopName: string) {
  const offer = offerNamed(offerId, name);
  return conflict(
    'shop_not_accepting_orders',
    {
      ru: `Поставщик «${shopName}» сейчас не принимает заказы: ${offer.ru}`,
      en: `Supplier "${shopName}" is not accepting orders now: ${offer.en}`,
    },
    { offer_id: offerId },
  );
}

export function outOfStock(offerId: number, name: string, requested: number, available: number) {
  const offer = offerNamed(offerId, name);
  return conflict(
    'out_of_stock',
    {
      ru: `Недостаточно товара ${offer.ru}: запрошено ${requested}, в наличии ${available}`,
      en: `Not enough of ${offer.en}: requested ${requested}, available ${available}`,
    },
    { offer_id: offerId, requested_quantity: requested, available_quantity: available },
  );
}

function quantityTooLarge(offerId: number) {
  return conflict(
    'quantity_limit_exceeded',
    {
      ru: `В строке корзины не больше ${MAX_LINE_QUANTITY} единиц`,
      en: `A basket line holds at most ${MAX_LINE_QUANTITY} units`,
    },
    { offer_id: offerId, max_quantity: MAX_LINE_QUANTITY },
  );
}

export type PutMode = 'add' | 'set';

/**
 * Puts an offer into the (locked) basket: adds to the line's quantity or sets it. The offer must be
 * active, its shop accepting orders, the resulting quantity within stock and the basket's currency
 * the offer's. A new line records today's price as `price_when_added`; an existing line keeps its
 * own (only removing the line and adding the offer again starts from today's price). Answers the
 * line's id and quantity.
 */
export async function putIntoBasket(
  tx: Transaction,
  basketId: number,
  input: { offerId: number; quantity: number; mode: PutMode; now: Date },
): Promise<{ itemId: number; quantity: number }> {
  const [offer] = await tx
    .select({
      id: offers.id,
      name: offers.name,
      price: offers.price,
      stock: offers.quantity,
      isActive: offers.isActive,
      shopName: shops.name,
      acceptingOrders: shops.acceptingOrders,
      currency: shops.currency,
    })
    .from(offers)
    .innerJoin(shops, eq(shops.id, offers.shopId))
    .where(eq(offers.id, input.offerId));
  if (!offer) {
    throw notFound('offer_not_found', {
      ru: `Предложение ${input.offerId} не найдено`,
      en: `Offer ${input.offerId} not found`,
    });
  }
  const present = await tx
    .select({ offerId: basketItems.offerId, quantity: basketItems.quantity, currency: shops.currency })
    .from(basketItems)
    .innerJoin(offers, eq(offers.id, basketItems.offerId))
    .innerJoin(shops, eq(shops.id, offers.shopId))
    .where(eq(basketItems.basketId, basketId));
  const existing = present.find((line) => line.offerId === offer.id);
  const quantity = input.mode === 'add' ? (existing?.quantity ?? 0) + input.quantity : input.quantity;

  if (!offer.isActive) throw offerUnavailable(offer.id, offer.name);
  if (!offer.acceptingOrders) throw shopNotAccepting(offer.id, offer.name, offer.shopName);
  if (quantity > MAX_LINE_QUANTITY) throw quantityTooLarge(offer.id);
  if (quantity > offer.stock) throw outOfStock(offer.id, offer.name, quantity, offer.stock);
  const other = present.find((line) => line.currency !== offer.currency);
  if (other) {
    throw conflict(
      'currency_mismatch',
      {
        ru: `Корзина в валюте ${other.currency}, а предложение ${offer.id} — в ${offer.currency}; оформите их разными заказами`,
        en: `The basket is in ${other.currency} but offer ${offer.id} is in ${offer.currency}; order them separately`,
      },
      { offer_id: offer.id },
    );
  }
  if (!existing && present.length >= MAX_BASKET_LINES) {
    throw conflict('basket_full', {
      ru: `В корзине не больше ${MAX_BASKET_LINES} разных товаров`,
      en: `A basket holds at most ${MAX_BASKET_LINES} different goods`,
    });
  }

  const [row] = await tx
    .insert(basketItems)
    .values({
      basketId,
      offerId: offer.id,
      quantity,
      priceWhenAdded: offer.price,
      createdAt: input.now,
      updatedAt: input.now,
    })
    .onConflictDoUpdate({
      target: [basketItems.basketId, basketItems.offerId],
      // The line keeps the price the buyer first saw, so a later change stays flagged.
      set: { quantity, updatedAt: input.now },
    })
    .returning({ id: basketItems.id });
  return { itemId: row.id, quantity };
}

/** Adds an offer; an offer already in the basket gets the quantity added to its line. */
export async function addBasketItem(
  runtime: Runtime,
  userId: number,
  input: { offerId: number; quantity: number },
): Promise<Basket> {
  return transaction(runtime, async ({ tx, now }) => {
    const basketId = await lockBasket(tx, userId, now);
    await putIntoBasket(tx, basketId, { ...input, mode: 'add', now });
    return getBasket(tx, userId, now);
  });
}

async function ownItem(tx: Transaction, userId: number, itemId: number) {
  const [item] = await tx
    .select({ id: basketItems.id, basketId: basketItems.basketId, offerId: basketItems.offerId })
    .from(basketItems)
    .innerJoin(baskets, eq(baskets.id, basketItems.basketId))
    .where(and(eq(basketItems.id, itemId), eq(baskets.userId, userId)));
  if (!item) {
    throw notFound('basket_item_not_found', {
      ru: `В корзине нет строки ${itemId}`,
      en: `No basket line ${itemId}`,
    });
  }
  return item;
}

/** Sets a line's quantity, checked like an addition. */
export async function updateBasketItem(
  runtime: Runtime,
  userId: number,
  itemId: number,
  input: { quantity: number },
): Promise<Basket> {
  return transaction(runtime, async ({ tx, now }) => {
    const basketId = await lockBasket(tx, userId, now);
    const item = await ownItem(tx, userId, itemId);
    await putIntoBasket(tx, basketId, { offerId: item.offerId, quantity: input.quantity, mode: 'set', now });
    return getBasket(tx, userId, now);
  });
}

export async function removeBasketItem(runtime: Runtime, userId: number, itemId: number): Promise<void> {
  await transaction(runtime, async ({ tx, now }) => {
    await lockBasket(tx, userId, now);
    const item = await ownItem(tx, userId, itemId);
    await tx.delete(basketItems).where(eq(basketItems.id, item.id));
  });
}

export async function clearBasket(runtime: Runtime, userId: number): Promise<void> {
  await transaction(runtime, async ({ tx, now }) => {
    const basketId = await lockBasket(tx, userId, now);
    await tx.delete(basketItems).where(eq(basketItems.basketId, basketId));
  });
}

// ---------------------------------------------------------------------------------------------
// Several lines at once (API v1 sends lists); each call is one transaction: all or nothing.

/** The buyer's basket row, if one was ever made: its id is the basket's id in API v1. */
export async function findBasket(
  db: Queryable,
  userId: number,
): Promise<{ id: number; createdAt: Date; updatedAt: Date } | null> {
  const [row] = await db
    .select({ id: baskets.id, createdAt: baskets.createdAt, updatedAt: baskets.updatedAt })
    .from(baskets)
    .where(eq(baskets.userId, userId));
  return row ?? null;
}

/** Adds every offer as `addBasketItem` would; one refusal refuses them all. Answers the count. */
export async function addBasketItems(
  runtime: Runtime,
  userId: number,
  items: readonly { offerId: number; quantity: number }[],
): Promise<number> {
  return transaction(runtime, async ({ tx, now }) => {
    const basketId = await lockBasket(tx, userId, now);
    for (const item of items) await putIntoBasket(tx, basketId, { ...item, mode: 'add', now });
    return items.length;
  });
}

/**
 * Sets the quantities of the buyer's own lines, each checked as `updateBasketItem` checks it; one
 * refusal refuses them all. Ids that are not lines of this basket are skipped. Answers how many
 * lines were set.
 */
export async function setBasketQuantities(
  runtime: Runtime,
  userId: number,
  items: readonly { itemId: number; quantity: number }[],
): Promise<number> {
  return transaction(runtime, async ({ tx, now }) => {
    const basketId = await lockBasket(tx, userId, now);
    const ids = [...new Set(items.map((item) => item.itemId))];
    const own =
      ids.length === 0
        ? []
        : await tx
            .select({ id: basketItems.id, offerId: basketItems.offerId })
            .from(basketItems)
            .where(and(eq(basketItems.basketId, basketId), inArray(basketItems.id, ids)));
    const offerOf = new Map(own.map((line) => [line.id, line.offerId]));
    let set = 0;
    for (const item of items) {
      const offerId = offerOf.get(item.itemId);
      if (offerId === undefined) continue;
      await putIntoBasket(tx, basketId, { offerId, quantity: item.quantity, mode: 'set', now });
      set += 1;
    }
    return set;
  });
}

/** Removes the buyer's own lines among `itemIds`; other ids are ignored. Answers how many went. */
export async function removeBasketItems(
  runtime: Runtime,
  userId: number,
  itemIds: readonly number[],
): Promise<number> {
  if (itemIds.length === 0) return 0;
  return transaction(runtime, async ({ tx, now }) => {
    const basketId = await lockBasket(tx, userId, now);
    const removed = await tx
      .delete(basketItems)
      .where(and(eq(basketItems.basketId, basketId), inArray(basketItems.id, [...new Set(itemIds)])))
      .returning({ id: basketItems.id });
    return removed.length;
  });
}
