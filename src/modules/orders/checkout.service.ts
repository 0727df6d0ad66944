// Checkout: the basket becomes an order, in one transaction. The buyer's basket row is locked first,
// so one buyer's checkouts (retries, double clicks, parallel tabs) run one after another; the offers
// are then locked in id order, re-checked, and their stock taken with conditional updates, so stock
// is never oversold whatever other buyers do. Emails are queued in the same transaction.
import { createHash } from 'node:crypto';
import { and, asc, eq } from 'drizzle-orm';
import { offers, products, shops } from '../../db/schema/catalog.ts';
import { contacts } from '../../db/schema/contacts.ts';
import {
  type BillingSnapshot,
  basketItems,
  baskets,
  checkoutIdempotencyKeys,
  type DeliverySnapshot,
  orderLines,
  orderParts,
  orderStatusHistory,
  orders,
} from '../../db/schema/orders.ts';
import { type Language, users } from '../../db/schema/users.ts';
import { transaction } from '../../db/transaction.ts';
import { type AppError, conflict, notFound, unprocessable } from '../../http/errors.ts';
import type { Runtime } from '../../runtime.ts';
import {
  BLOCKING,
  type LineProblem,
  type LiveLine,
  lineProblems,
  liveLineColumns,
  pricingLine,
} from './basket.service.ts';
import { chooseDiscounts, normalizeCouponCode } from './discounts.ts';
import { buyerConfirmationEmail, staffInvoiceEmail, supplierPartEmail } from './emails.ts';
import { MAX_MINOR, toMinor } from './money.ts';
import { priceOrder } from './pricing.ts';
import { takeStock } from './stock.ts';
import { assembleOrder, loadOrder, type OrderDetail } from './views.ts';

export interface CheckoutInput {
  contactId: number;
  comment?: string;
  couponCode?: string;
  /**
   * The basket total the buyer was shown. When given and the basket now totals otherwise (a price
   * changed), checkout is refused with 409 `price_changed`; when absent, current prices apply.
   */
  expectedTotal?: string;
  /** Same key and same input: the same order back, never a second one. */
  idempotencyKey?: string;
}

export interface CheckoutResult {
  order: OrderDetail;
  /** True when an earlier checkout with the same Idempotency-Key answered. */
  replayed: boolean;
}

/** What decides sameness under an Idempotency-Key: the request's meaning, not its spelling. */
export function checkoutRequestHash(input: CheckoutInput): string {
  const canonical = JSON.stringify([
    input.contactId,
    input.comment?.trim() ?? '',
    normalizeCouponCode(input.couponCode) ?? null,
    input.expectedTotal === undefined ? null : toMinor(input.expectedTotal).toString(),
  ]);
  return createHash('sha256').update(canonical).digest('hex');
}

interface CheckoutLine extends LiveLine {
  ownerEmail: string;
  ownerLanguage: Language;
}

const PROBLEM_ORDER: LineProblem[] = ['offer_unavailable', 'shop_not_accepting_orders', 'out_of_stock'];

const PROBLEM_TEXTS: Record<LineProblem, { ru: string; en: string }> = {
  offer_unavailable: {
    ru: 'Некоторые товары больше не продаются',
    en: 'Some goods are no longer offered',
  },
  shop_not_accepting_orders: {
    ru: 'Некоторые поставщики сейчас не принимают заказы',
    en: 'Some suppliers are not accepting orders now',
  },
  out_of_stock: {
    ru: 'Некоторых товаров недостаточно на складе',
    en: 'Some goods are short of stock',
  },
  price_changed: {
    ru: 'Цены изменились с тех пор, как вы смотрели корзину',
    en: 'Prices changed since you looked at the basket',
  },
};

function lineReport(line: LiveLine, problems: LineProblem[]) {
  return {
    item_id: line.itemId,
    offer_id: line.offerId,
    name: line.name,
    shop_id: line.shopId,
    shop_name: line.shopName,
    problems,
    requested_quantity: line.quantity,
    available_quantity: line.isActive ? line.stock : 0,
    price_when_added: line.priceWhenAdded,
    unit_price: line.price,
  };
}

/** 409 naming every offending line; the code is the gravest problem found. */
function blockedCheckout(
  lines: readonly LiveLine[],
  problemsOf: (line: LiveLine) => LineProblem[],
): AppError | null {
  const offending = lines
    .map((line) => ({ line, problems: problemsOf(line).filter((problem) => BLOCKING.has(problem)) }))
    .filter((entry) => entry.problems.length > 0);
  if (offending.length === 0) return null;
  const code = PROBLEM_ORDER.find((problem) => offending.some((entry) => entry.problems.includes(problem)))!;
  return conflict(code, PROBLEM_TEXTS[code], {
    lines: offending.map((entry) => lineReport(entry.line, entry.problems)),
  });
}

function basketEmpty(): AppError {
  return conflict('basket_empty', { ru: 'Корзина пуста', en: 'The basket is empty' });
}

export async function checkout(
  runtime: Runtime,
  userId: number,
  input: CheckoutInput,
): Promise<CheckoutResult> {
  const requestHash = input.idempotencyKey === undefined ? null : checkoutRequestHash(input);
  const outcome = await transaction(runtime, async ({ tx, now, enqueue }) => {
    // The buyer's lock: a second checkout of the same basket waits here, then finds it empty.
    const [basket] = await tx
      .select({ id: baskets.id })
      .from(baskets)
      .where(eq(baskets.userId, userId))
      .for('update');

    if (input.idempotencyKey !== undefined) {
      const [known] = await tx
        .select({
          orderId: checkoutIdempotencyKeys.orderId,
          requestHash: checkoutIdempotencyKeys.requestHash,
        })
        .from(checkoutIdempotencyKeys)
        .where(
          and(
            eq(checkoutIdempotencyKeys.userId, userId),
            eq(checkoutIdempotencyKeys.key, input.idempotencyKey),
          ),
        );
      if (known) {
        if (known.requestHash !== requestHash) {
          throw unprocessable('idempotency_key_reused', {
            ru: 'Этот Idempotency-Key уже использован для другого запроса',
            en: 'This Idempotency-Key was already used for a different request',
          });
        }
        return { replayOf: known.orderId };
      }
    }
    if (!basket) throw basketEmpty();

    const [buyer] = await tx
      .select({
        contact: contacts,
        email: users.email,
        firstName: users.firstName,
        lastName: users.lastName,
        company: users.company,
        position: users.position,
        phone: users.phone,
        preferredLanguage: users.preferredLanguage,
        legalName: users.legalName,
        inn: users.inn,
        kpp: users.kpp,
        ogrn: users.ogrn,
        bankBik: users.bankBik,
        settlementAccount: users.settlementAccount,
        correspondentAccount: users.correspondentAccount,
      })
      .from(contacts)
      .innerJoin(users, eq(users.id, contacts.userId))
      .where(and(eq(contacts.id, input.contactId), eq(contacts.userId, userId)));
    if (!buyer) {
      throw notFound('contact_not_found', {
        ru: `Адрес доставки ${input.contactId} не найден`,
        en: `Delivery contact ${input.contactId} not found`,
      });
    }

    // Lock the offers in id order (every writer of offers' stock locks in this order), then re-check.
    const locked: CheckoutLine[] = await tx
      .select({ ...liveLineColumns, ownerEmail: users.email, ownerLanguage: users.preferredLanguage })
      .from(basketItems)
      .innerJoin(offers, eq(offers.id, basketItems.offerId))
      .innerJoin(products, eq(products.id, offers.productId))
      .innerJoin(shops, eq(shops.id, offers.shopId))
      .innerJoin(users, eq(users.id, shops.ownerId))
      .where(eq(basketItems.basketId, basket.id))
      .orderBy(asc(offers.id))
      .for('update', { of: offers });
    if (locked.length === 0) throw basketEmpty();
    const lines = [...locked].sort((a, b) => a.itemId - b.itemId);

    const blocked = blockedCheckout(lines, lineProblems);
    if (blocked) throw blocked;
    const currency = lines[0].currency;
    if (lines.some((line) => line.currency !== currency)) {
      throw conflict('currency_mismatch', {
        ru: 'В корзине товары в разных валютах; оформите их разными заказами',
        en: 'The basket holds goods in different currencies; order them separately',
      });
    }

    const pricingLines = lines.map(pricingLine);
    const discounts = await chooseDiscounts(tx, {
      userId,
      lines: pricingLines,
      couponCode: input.couponCode,
      now,
    });
    const priced = priceOrder({ lines: pricingLines, ...discounts, now });

    if (input.expectedTotal !== undefined && toMinor(input.expectedTotal) !== toMinor(priced.total)) {
      throw conflict('price_changed', PROBLEM_TEXTS.price_changed, {
        expected_total: input.expectedTotal,
        total: priced.total,
        lines: lines
          .filter((line) => line.price !== line.priceWhenAdded)
          .map((line) => lineReport(line, ['price_changed'])),
      });
    }
    if (toMinor(priced.subtotal) > MAX_MINOR) {
      throw unprocessable('order_too_large', {
        ru: 'Сумма заказа слишком велика; разделите его на несколько',
        en: 'The order amount is too large; split it into several orders',
      });
    }

    // The offers are locked and re-checked, so this takes everything; the guard in the statement
    // keeps stock from going negative even if a future caller forgets to lock.
    const short = await takeStock(tx, lines);
    if (short.length > 0) {
      throw blockedCheckout(
        lines.filter((line) => short.includes(line.offerId)),
        () => ['out_of_stock'],
      )!;
    }

    const delivery: DeliverySnapshot = {
      contactId: buyer.contact.id,
      city: buyer.contact.city,
      street: buyer.contact.street,
      house: buyer.contact.house,
      structure: buyer.contact.structure,
      building: buyer.contact.building,
      apartment: buyer.contact.apartment,
      phone: buyer.contact.phone,
      recipientName: buyer.contact.recipientName,
      comment: buyer.contact.comment,
    };
    const billing: BillingSnapshot = {
      email: buyer.email,
      firstName: buyer.firstName,
      lastName: buyer.lastName,
      company: buyer.company,
      position: buyer.position,
      phone: buyer.phone,
      legalName: buyer.legalName,
      inn: buyer.inn,
      kpp: buyer.kpp,
      ogrn: buyer.ogrn,
      bankBik: buyer.bankBik,
      settlementAccount: buyer.settlementAccount,
      correspondentAccount: buyer.correspondentAccount,
    };

    const [order] = await tx
      .insert(orders)
      .values({
        userId,
        state: 'new',
        currency,
        subtotal: priced.subtotal,
        linesDiscount: priced.linesDiscount,
        orderDiscount: priced.orderDiscount,
        total: priced.total,
        couponCode: priced.coupon?.status === 'applied' ? priced.coupon.code : null,
        contactId: buyer.contact.id,
        delivery,
        billing,
        comment: input.comment?.trim() ?? '',
        createdAt: now,
        updatedAt: now,
      })
      .returning();

    const byItem = new Map(lines.map((line) => [line.itemId, line]));
    const parts = await tx
      .insert(orderParts)
      .values(
        priced.parts.map((part) => ({
          orderId: order.id,
          shopId: part.shopId,
          shopName: byItem.get(part.lines[0].key)!.shopName,
          state: 'new' as const,
          subtotal: part.subtotal,
          linesDiscount: part.linesDiscount,
          orderDiscount: part.orderDiscount,
          total: part.total,
          orderCreatedAt: now,
          updatedAt: now,
        })),
      )
      .returning();
    const partOfShop = new Map(parts.map((part) => [part.shopId, part.id]));

    const insertedLines = await tx
      .insert(orderLines)
      .values(
        priced.lines.map((pricedLine) => {
          const line = byItem.get(pricedLine.key)!;
          return {
            orderId: order.id,
            partId: partOfShop.get(line.shopId)!,
            offerId: line.offerId,
            productId: line.productId,
            productName: line.productName,
            name: line.name,
            model: line.model,
            externalId: line.externalId,
            shopId: line.shopId,
            shopName: line.shopName,
            characteristics: line.parameters,
            quantity: line.quantity,
            unitPrice: pricedLine.unitPrice,
            priceRrc: line.priceRrc,
            amount: pricedLine.amount,
            discount: pricedLine.discount,
            discountSource: pricedLine.discountSource,
            total: pricedLine.total,
          };
        }),
      )
      .returning();

    const history = await tx
      .insert(orderStatusHistory)
      .values({
        orderId: order.id,
        actorId: userId,
        actorRole: 'buyer',
        fromState: null,
        toState: 'new',
        createdAt: now,
      })
      .returning();

    // Promotions and coupons: a coupon that applied (priced.coupon.status === 'applied') is redeemed
    // here, in this transaction, under the coupon's row lock taken by chooseDiscounts.
    await tx.delete(basketItems).where(eq(basketItems.basketId, basket.id));
    if (input.idempotencyKey !== undefined) {
      await tx.insert(checkoutIdempotencyKeys).values({
        userId,
        key: input.idempotencyKey,
        requestHash: requestHash!,
        orderId: order.id,
        createdAt: now,
      });
    }

    const detail = assembleOrder(order, parts, insertedLines, history);
    await enqueue('send_email', buyerConfirmationEmail(detail, buyer.preferredLanguage));
    await enqueue('send_email', staffInvoiceEmail(detail, runtime.config.staffEmail));
    for (const part of detail.parts) {
      const owner = lines.find((line) => line.shopId === part.shop.id)!;
      await enqueue(
        'send_email',
        supplierPartEmail(detail, part, { email: owner.ownerEmail, language: owner.ownerLanguage }),
      );
    }
    return { order: detail };
  });

  if (outcome.order) return { order: outcome.order, replayed: false };
  const order = await loadOrder(runtime.db, outcome.replayOf);
  if (!order) throw new Error(`idempotency key points at missing order ${outcome.replayOf}`);
  return { order, replayed: true };
}
