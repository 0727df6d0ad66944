// Checkout: the basket becomes an order, in one transaction. The buyer's basket row is locked first,
// so one buyer's checkouts (retries, double clicks, parallel tabs) run one after another; the offers
// are then locked in id order, re-checked, and their stock taken with conditional updates, so stock
// is never oversold whatever other buyers do. The order's emails are queued in the same transaction
// (one job that renders and queues them: see queueOrderPlacedEmails).
import { createHash } from 'node:crypto';
import { and, asc, eq, sql } from 'drizzle-orm';
import type { Transaction } from '../../db/client.ts';
import { runPrepared } from '../../db/prepared.ts';
import { offers, products, shops } from '../../db/schema/catalog.ts';
import { contacts } from '../../db/schema/contacts.ts';
import {
  type BillingSnapshot,
  basketItems,
  baskets,
  checkoutIdempotencyKeys,
  type DeliverySnapshot,
  type Order,
  type OrderLine,
  type OrderPart,
  type OrderStatusHistoryRow,
} from '../../db/schema/orders.ts';
import { users } from '../../db/schema/users.ts';
import { type TxScope, transaction } from '../../db/transaction.ts';
import { type AppError, conflict, notFound, unprocessable } from '../../http/errors.ts';
import { MAX_MINOR, toMinor } from '../../lib/money.ts';
import type { Runtime } from '../../runtime.ts';
import { expectedDeliveryDate } from '../catalog/delivery-terms.ts';
import { assertCouponApplies, recordCouponUse } from '../promotions/for-orders.ts';
import {
  BLOCKING,
  type LineProblem,
  type LiveLine,
  lineProblems,
  liveLineColumns,
  pricingLine,
} from './basket.service.ts';
import { chooseDiscounts, normalizeCouponCode } from './discount-choice.ts';
import { queueOrderPlacedEmails } from './jobs.ts';
import { UNPAID } from './payment-status.ts';
import { type PricedOrder, priceOrder } from './pricing.ts';
import { takeStock } from './stock.ts';
import { belowMinimumOrder, partsBelowMinimum, termsOfShops } from './supplier-terms.ts';
import { assembleOrder, loadOrder, type OrderDetail } from './views.ts';
import { publishOrderPlaced } from './webhook-events.ts';

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
  /**
   * The basket the client showed (API v1 posts its id): when given, checkout is refused with 404
   * `basket_not_found` unless the buyer's basket is still that one.
   */
  basketId?: number;
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

/**
 * `within`: run inside the caller's transaction (a standing order's run claims its slot and places
 * the order in one transaction); without it, checkout opens its own.
 */
export async function checkout(
  runtime: Runtime,
  userId: number,
  input: CheckoutInput,
  within?: TxScope,
): Promise<CheckoutResult> {
  const requestHash = input.idempotencyKey === undefined ? null : checkoutRequestHash(input);
  const work = async (scope: TxScope) => {
    const { tx, now } = scope;
    // The buyer's lock: a second checkout of the same basket waits here, then finds it empty. The
    // same statement reads the buyer's billing details and the delivery contact (if it is theirs).
    const [head] = await tx
      .select({
        basketId: baskets.id,
        contact: contacts,
        email: users.email,
        firstName: users.firstName,
        lastName: users.lastName,
        company: users.company,
        position: users.position,
        phone: users.phone,
        legalName: users.legalName,
        inn: users.inn,
        kpp: users.kpp,
        ogrn: users.ogrn,
        bankBik: users.bankBik,
        settlementAccount: users.settlementAccount,
        correspondentAccount: users.correspondentAccount,
      })
      .from(baskets)
      .innerJoin(users, eq(users.id, baskets.userId))
      .leftJoin(
        contacts,
        and(eq(contacts.id, sql.placeholder('contactId')), eq(contacts.userId, baskets.userId)),
      )
      .where(eq(baskets.userId, sql.placeholder('userId')))
      .for('update', { of: baskets })
      .prepare('orders_checkout_head')
      .execute({ userId, contactId: input.contactId });

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
    if (input.basketId !== undefined && head?.basketId !== input.basketId) {
      throw notFound('basket_not_found', {
        ru: `Корзина ${input.basketId} не найдена`,
        en: `Basket ${input.basketId} not found`,
      });
    }
    if (!head) throw basketEmpty();
    const { contact, ...buyer } = head;
    if (!contact) {
      throw notFound('contact_not_found', {
        ru: `Адрес доставки ${input.contactId} не найден`,
        en: `Delivery contact ${input.contactId} not found`,
      });
    }

    // Lock the offers in id order (every writer of offers' stock locks in this order), then re-check.
    const locked: LiveLine[] = await tx
      .select(liveLineColumns)
      .from(basketItems)
      .innerJoin(offers, eq(offers.id, basketItems.offerId))
      .innerJoin(products, eq(products.id, offers.productId))
      .innerJoin(shops, eq(shops.id, offers.shopId))
      .where(eq(basketItems.basketId, sql.placeholder('basketId')))
      .orderBy(asc(offers.id))
      .for('update', { of: offers })
      .prepare('orders_checkout_lines')
      .execute({ basketId: head.basketId });
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
      purpose: 'checkout',
      now,
    });
    const priced = priceOrder({ lines: pricingLines, ...discounts, now });
    assertCouponApplies(priced.coupon);

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

    // Every supplier part must reach its shop's minimum; refused before anything is taken.
    const terms = await termsOfShops(
      tx,
      priced.parts.map((part) => part.shopId),
    );
    const shopNameOf = new Map(lines.map((line) => [line.shopId, line.shopName]));
    const below = partsBelowMinimum(
      priced.parts.map((part) => ({
        shopId: part.shopId,
        shopName: shopNameOf.get(part.shopId)!,
        subtotal: part.subtotal,
      })),
      terms,
    );
    if (below.length > 0) throw belowMinimumOrder(below);

    // The offers are locked and re-checked, so this takes everything; the guard in the statement
    // keeps stock from going negative even if a future caller forgets to lock.
    const short = await takeStock(tx, lines);
    if (short.length > 0) {
      throw blockedCheckout(
        lines.filter((line) => short.includes(line.offerId)),
        () => ['out_of_stock'],
      )!;
    }

    const detail = await insertOrder(tx, {
      userId,
      basketId: head.basketId,
      now,
      currency,
      priced,
      lines,
      promisedDates: new Map(
        [...terms].map(([shopId, shopTerms]) => [shopId, expectedDeliveryDate(shopTerms, now)]),
      ),
      couponCode: priced.coupon?.status === 'applied' ? priced.coupon.code : null,
      comment: input.comment?.trim() ?? '',
      idempotency:
        input.idempotencyKey === undefined ? null : { key: input.idempotencyKey, requestHash: requestHash! },
      delivery: {
        contactId: contact.id,
        city: contact.city,
        street: contact.street,
        house: contact.house,
        structure: contact.structure,
        building: contact.building,
        apartment: contact.apartment,
        phone: contact.phone,
        recipientName: contact.recipientName,
        comment: contact.comment,
      },
      billing: {
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
      },
    });
    // The coupon's use, in this transaction: a parallel checkout that took its last use makes this
    // one fail with `coupon_used_up` and roll back, stock and all.
    if (discounts.chosen && priced.coupon) {
      const use = {
        coupon: discounts.chosen.coupon,
        orderId: detail.id,
        userId,
        discount: toMinor(priced.coupon.discount),
      };
      await recordCouponUse(tx, use, now);
    }

    await queueOrderPlacedEmails(scope, detail.id);
    await publishOrderPlaced(scope, detail);
    return { order: detail };
  };
  const outcome = within ? await work(within) : await transaction(runtime, work);

  if (outcome.order) return { order: outcome.order, replayed: false };
  const order = await loadOrder(within?.tx ?? runtime.db, outcome.replayOf);
  if (!order) throw new Error(`idempotency key points at missing order ${outcome.replayOf}`);
  return { order, replayed: true };
}

interface NewOrder {
  userId: number;
  basketId: number;
  now: Date;
  currency: string;
  priced: PricedOrder<number>;
  /** The basket's lines, keyed by item id in `priced`. */
  lines: readonly LiveLine[];
  /** The delivery date promised per shop. */
  promisedDates: ReadonlyMap<number, string>;
  couponCode: string | null;
  comment: string;
  delivery: DeliverySnapshot;
  billing: BillingSnapshot;
  idempotency: { key: string; requestHash: string } | null;
}

/**
 * Writes the order, its parts, its lines (snapshots of the offers), its first history row and the
 * idempotency key, and removes the basket — one statement, so one round trip. The basket becomes the
 * order: the order takes the basket's id (drawn from the orders' sequence, see `lockBasket`) and the
 * basket row goes with its lines, so the buyer's next basket is a new one with a new id. A basket made
 * before basket ids came from that sequence may hold an order's number; its order gets a fresh one. Answers the order as
 * the services show it, assembled from what was written.
 */
async function insertOrder(tx: Transaction, order: NewOrder): Promise<OrderDetail> {
  const { now, priced } = order;
  const byItem = new Map(order.lines.map((line) => [line.itemId, line]));
  const parts = priced.parts.map((part, index) => ({
    index,
    shop_id: part.shopId,
    shop_name: byItem.get(part.lines[0].key)!.shopName,
    subtotal: part.subtotal,
    lines_discount: part.linesDiscount,
    order_discount: part.orderDiscount,
    total: part.total,
    promised_delivery_date: order.promisedDates.get(part.shopId) ?? null,
  }));
  const lines = priced.lines.map((pricedLine, index) => {
    const line = byItem.get(pricedLine.key)!;
    return {
      index,
      offer_id: line.offerId,
      product_id: line.productId,
      product_name: line.productName,
      name: line.name,
      model: line.model,
      external_id: line.externalId,
      shop_id: line.shopId,
      shop_name: line.shopName,
      characteristics: line.parameters,
      quantity: line.quantity,
      unit_price: pricedLine.unitPrice,
      price_rrc: line.priceRrc,
      amount: pricedLine.amount,
      discount: pricedLine.discount,
      discount_source: pricedLine.discountSource,
      total: pricedLine.total,
    };
  });
  const at = now.toISOString();
  const [ids] = await runPrepared<{
    order_id: number;
    history_id: number;
    parts: [number, number][];
    lines: [number, number][];
  }>(
    tx,
    'orders_insert_order',
    sql`
    with new_order as (
      insert into orders (id, user_id, state, currency, subtotal, lines_discount, order_discount, total,
                          coupon_code, contact_id, delivery, billing, comment, created_at, updated_at)
      overriding system value
      values (case when exists (select 1 from orders where id = ${order.basketId}::int)
                   then nextval(pg_get_serial_sequence('orders', 'id'))::int else ${order.basketId}::int end,
              ${order.userId}, 'new', ${order.currency}, ${priced.subtotal}, ${priced.linesDiscount},
              ${priced.orderDiscount}, ${priced.total}, ${order.couponCode}, ${order.delivery.contactId},
              ${JSON.stringify(order.delivery)}::jsonb, ${JSON.stringify(order.billing)}::jsonb, ${order.comment},
              ${at}::timestamptz, ${at}::timestamptz)
      returning id
    ), new_parts as (
      insert into order_parts (order_id, shop_id, shop_name, state, subtotal, lines_discount, order_discount,
                               total, promised_delivery_date, order_created_at, updated_at)
      select new_order.id, p.shop_id, p.shop_name, 'new', p.subtotal, p.lines_discount, p.order_discount, p.total,
             p.promised_delivery_date, ${at}::timestamptz, ${at}::timestamptz
      from new_order, jsonb_to_recordset(${JSON.stringify(parts)}::jsonb) as p(
        index int, shop_id int, shop_name text, subtotal numeric, lines_discount numeric, order_discount numeric,
        total numeric, promised_delivery_date date)
      order by p.index
      returning id, shop_id
    ), new_lines as (
      insert into order_lines (order_id, part_id, offer_id, product_id, product_name, name, model, external_id,
                               shop_id, shop_name, characteristics, quantity, unit_price, price_rrc, amount,
                               discount, discount_source, total)
      select new_order.id, new_parts.id, l.offer_id, l.product_id, l.product_name, l.name, l.model, l.external_id,
             l.shop_id, l.shop_name, l.characteristics, l.quantity, l.unit_price, l.price_rrc, l.amount,
             l.discount, l.discount_source, l.total
      from new_order, jsonb_to_recordset(${JSON.stringify(lines)}::jsonb) as l(
        index int, offer_id int, product_id int, product_name text, name text, model text, external_id text,
        shop_id int, shop_name text, characteristics jsonb, quantity int, unit_price numeric, price_rrc numeric,
        amount numeric, discount numeric, discount_source jsonb, total numeric)
      join new_parts on new_parts.shop_id = l.shop_id
      order by l.index
      returning id, offer_id
    ), first_state as (
      insert into order_status_history (order_id, actor_id, actor_role, from_state, to_state, created_at)
      select new_order.id, ${order.userId}, 'buyer', null, 'new', ${at}::timestamptz from new_order
      returning id
    ), basket_gone as (
      delete from baskets where id = ${order.basketId}
    ), remembered as (
      insert into checkout_idempotency_keys (user_id, key, request_hash, order_id, created_at)
      select ${order.userId}, ${order.idempotency?.key ?? null}::text, ${order.idempotency?.requestHash ?? null}::text,
             new_order.id, ${at}::timestamptz
      from new_order where ${order.idempotency !== null}
    )
    select new_order.id as order_id,
           (select id from first_state) as history_id,
           (select json_agg(json_build_array(id, shop_id)) from new_parts) as parts,
           (select json_agg(json_build_array(id, offer_id)) from new_lines) as lines
    from new_order`,
  );
  const partIdOfShop = new Map(ids.parts.map(([id, shopId]) => [shopId, id]));
  const lineIdOfOffer = new Map(ids.lines.map(([id, offerId]) => [offerId, id]));

  const orderRow: Order = {
    id: ids.order_id,
    userId: order.userId,
    state: 'new',
    currency: order.currency,
    subtotal: priced.subtotal,
    linesDiscount: priced.linesDiscount,
    orderDiscount: priced.orderDiscount,
    total: priced.total,
    couponCode: order.couponCode,
    contactId: order.delivery.contactId,
    delivery: order.delivery,
    billing: order.billing,
    comment: order.comment,
    ...UNPAID,
    createdAt: now,
    updatedAt: now,
  };
  const partRows: OrderPart[] = parts.map((part) => ({
    id: partIdOfShop.get(part.shop_id)!,
    orderId: ids.order_id,
    shopId: part.shop_id,
    shopName: part.shop_name,
    state: 'new',
    subtotal: part.subtotal,
    linesDiscount: part.lines_discount,
    orderDiscount: part.order_discount,
    total: part.total,
    promisedDeliveryDate: part.promised_delivery_date,
    orderCreatedAt: now,
    ...UNPAID,
    updatedAt: now,
  }));
  const lineRows: OrderLine[] = lines.map((line) => ({
    id: lineIdOfOffer.get(line.offer_id)!,
    orderId: ids.order_id,
    partId: partIdOfShop.get(line.shop_id)!,
    offerId: line.offer_id,
    productId: line.product_id,
    productName: line.product_name,
    name: line.name,
    model: line.model,
    externalId: line.external_id,
    shopId: line.shop_id,
    shopName: line.shop_name,
    characteristics: line.characteristics,
    quantity: line.quantity,
    unitPrice: line.unit_price,
    priceRrc: line.price_rrc,
    amount: line.amount,
    discount: line.discount,
    discountSource: line.discount_source,
    total: line.total,
  }));
  const history: OrderStatusHistoryRow[] = [
    {
      id: ids.history_id,
      orderId: ids.order_id,
      partId: null,
      actorId: order.userId,
      actorRole: 'buyer',
      fromState: null,
      toState: 'new',
      note: '',
      createdAt: now,
    },
  ];
  return assembleOrder(orderRow, partRows, lineRows, history);
}
