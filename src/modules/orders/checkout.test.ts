import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createOffer } from '../../../test/factories/catalog.ts';
import {
  addToBasket,
  type Buyer,
  checkoutRequest,
  createBuyer,
  createSupplier,
  placeOrder,
  type Supplier,
} from '../../../test/factories/orders.ts';
import { pdfText } from '../../../test/factories/payments.ts';
import { buildTestApp, TEST_STAFF_EMAIL, type TestApp } from '../../../test/helpers/app.ts';
import { offers, shops } from '../../db/schema/catalog.ts';
import { users } from '../../db/schema/users.ts';
import { importPriceList } from '../catalog/import.service.ts';
import { findBasket } from './basket.service.ts';

let t: TestApp;
let alpha: Supplier;
let beta: Supplier;

beforeAll(async () => {
  t = await buildTestApp();
  alpha = await createSupplier(t, { shop: { name: 'Альфа' }, user: { preferredLanguage: 'ru' } });
  beta = await createSupplier(t, { shop: { name: 'Beta Trade' }, user: { preferredLanguage: 'en' } });
});
afterAll(() => t?.close());
beforeEach(() => t.mail.clear());

async function stock(offerId: number): Promise<number> {
  const [row] = await t.runtime.db
    .select({ quantity: offers.quantity })
    .from(offers)
    .where(eq(offers.id, offerId));
  return row.quantity;
}

describe('checkout across two suppliers', () => {
  it('splits the order per supplier, snapshots every line, takes stock, empties the basket and sends every email', async () => {
    const buyer = await createBuyer(t, {
      firstName: 'Мария',
      company: 'ООО Ромашка',
      legalName: 'Общество с ограниченной ответственностью «Ромашка»',
      inn: '7701234567',
      kpp: '770101001',
      bankBik: '044525225',
      settlementAccount: '40702810400000012345',
    });
    const phone = await createOffer(t.runtime, {
      shopId: alpha.shop.id,
      name: 'Смартфон Apple iPhone XS Max 512GB (золотистый)',
      model: 'apple/iphone/xs-max',
      externalId: '4216292',
      price: '110000.00',
      priceRrc: '116990.00',
      quantity: 14,
      parameters: { 'Диагональ (дюйм)': 6.5, Цвет: 'золотистый' },
    });
    const case_ = await createOffer(t.runtime, {
      shopId: alpha.shop.id,
      name: 'Чехол',
      price: '990.50',
      quantity: 100,
    });
    const cable = await createOffer(t.runtime, {
      shopId: beta.shop.id,
      name: 'USB-C cable',
      price: '350.25',
      quantity: 7,
    });

    await addToBasket(t, buyer, phone.id, 2);
    await addToBasket(t, buyer, cable.id, 3);
    const basket = await addToBasket(t, buyer, case_.id, 1);
    expect(basket.groups.map((g: { shop: { name: string } }) => g.shop.name)).toEqual([
      'Альфа',
      'Beta Trade',
    ]);
    expect(basket.total).toBe('222041.25');

    const res = await checkoutRequest(t, buyer, { comment: 'Доставить до 12:00' });
    expect(res.statusCode, res.body).toBe(201);
    const order = res.json();
    expect(order).toMatchObject({
      number: `Z-${String(order.id).padStart(6, '0')}`,
      state: 'new',
      currency: 'RUB',
      subtotal: '222041.25',
      lines_discount: '0.00',
      order_discount: '0.00',
      total: '222041.25',
      coupon_code: null,
      comment: 'Доставить до 12:00',
      can_cancel: true,
      delivery: { contact_id: buyer.contact.id, city: 'Москва', street: 'Тверская', phone: '+79161234567' },
      billing: { email: buyer.user.email, inn: '7701234567', kpp: '770101001', company: 'ООО Ромашка' },
    });
    expect(order.parts).toHaveLength(2);
    const [partA, partB] = order.parts;
    expect(partA).toMatchObject({
      shop: { id: alpha.shop.id, name: 'Альфа' },
      state: 'new',
      total: '220990.50',
    });
    expect(partB).toMatchObject({
      shop: { id: beta.shop.id, name: 'Beta Trade' },
      state: 'new',
      total: '1050.75',
    });
    expect(partA.lines[0]).toMatchObject({
      offer_id: phone.id,
      name: 'Смартфон Apple iPhone XS Max 512GB (золотистый)',
      model: 'apple/iphone/xs-max',
      external_id: '4216292',
      characteristics: { 'Диагональ (дюйм)': 6.5, Цвет: 'золотистый' },
      quantity: 2,
      unit_price: '110000.00',
      price_rrc: '116990.00',
      amount: '220000.00',
      discount: '0.00',
      discount_source: null,
      total: '220000.00',
    });
    expect(order.history).toEqual([
      expect.objectContaining({ part_id: null, from: null, to: 'new', actor_role: 'buyer' }),
    ]);

    expect(await stock(phone.id)).toBe(12);
    expect(await stock(case_.id)).toBe(99);
    expect(await stock(cable.id)).toBe(4);
    const empty = await t.app.inject({ method: 'GET', url: '/api/v2/basket', headers: buyer.headers });
    expect(empty.json()).toMatchObject({ items_count: 0, groups: [], total: '0.00', currency: null });

    // The buyer's confirmation: lines by supplier, totals, address.
    const confirmation = await t.mail.waitFor((m) => m.recipients.includes(buyer.user.email));
    expect(confirmation.subject).toBe(`Заказ ${order.number} принят`);
    expect(confirmation.text).toContain('Здравствуйте, Мария!');
    expect(confirmation.text).toContain('ПОСТАВЩИК: АЛЬФА');
    expect(confirmation.html).toContain('Поставщик: Альфа');
    expect(confirmation.html).toContain('Поставщик: Beta Trade');
    expect(confirmation.text).toContain(
      'Смартфон Apple iPhone XS Max 512GB (золотистый) (apple/iphone/xs-max)',
    );
    expect(confirmation.text).toContain('222\u00a0041,25\u00a0₽');
    expect(confirmation.text).toContain('Москва, Тверская, д. 7, кв. 15');
    expect(confirmation.html).toContain('USB-C cable');

    // The staff invoice: buyer, billing, every line by supplier, totals, a printable attachment.
    const invoice = await t.mail.waitFor((m) => m.recipients.includes(TEST_STAFF_EMAIL));
    expect(invoice.subject).toContain(`Счёт: новый заказ ${order.number}`);
    for (const text of [
      '7701234567',
      '770101001',
      '40702810400000012345',
      'ООО Ромашка',
      'Альфа',
      'Beta Trade',
      'Чехол',
      '222\u00a0041,25\u00a0₽',
    ]) {
      expect((invoice.text ?? '').toLowerCase()).toContain(text.toLowerCase());
    }
    expect(invoice.attachments).toHaveLength(1);
    const attachment = invoice.attachments[0];
    expect(attachment.filename).toBe(`invoice-${order.number}.pdf`);
    expect(attachment.contentType).toBe('application/pdf');
    const document = await pdfText(attachment.content);
    expect(document).toContain(`Счёт по заказу ${order.number}`);
    expect(document).toContain('Общество с ограниченной ответственностью «Ромашка»');
    expect(document).toContain('USB-C cable');

    // Each supplier hears of its own part only, in its own language.
    const toAlpha = await t.mail.waitFor((m) => m.recipients.includes(alpha.user.email));
    expect(toAlpha.subject).toContain(`Новый заказ ${order.number}`);
    expect(toAlpha.text).toContain('Чехол');
    expect(toAlpha.text).toContain('Тверская');
    expect(toAlpha.text).not.toContain('USB-C cable');
    expect(toAlpha.text).not.toContain('350');
    const toBeta = await t.mail.waitFor((m) => m.recipients.includes(beta.user.email));
    expect(toBeta.subject).toBe(`New order ${order.number}: your part, 1,050.75 RUB`);
    expect(toBeta.text).toContain('USB-C cable');
    expect(toBeta.text).not.toContain('iPhone');
    expect(toBeta.text).not.toContain('110');
    expect(t.mail.messages).toHaveLength(4);
  });

  it('keeps a placed order unchanged when the price list changes later', async () => {
    const buyer = await createBuyer(t);
    const offer = await createOffer(t.runtime, {
      shopId: alpha.shop.id,
      name: 'Ноутбук',
      model: 'nb-1',
      price: '50000.00',
      quantity: 5,
    });
    const order = await placeOrder(t, buyer, [{ offerId: offer.id, quantity: 1 }]);
    // What a later import does: new name, price, parameters, stock; then the good disappears.
    await t.runtime.db
      .update(offers)
      .set({
        name: 'Ноутбук 2025',
        price: '45000.00',
        priceRrc: '47000.00',
        quantity: 100,
        parameters: { Цвет: 'серый' },
        model: 'nb-2',
      })
      .where(eq(offers.id, offer.id));
    await t.runtime.db.update(offers).set({ isActive: false }).where(eq(offers.id, offer.id));
    const res = await t.app.inject({
      method: 'GET',
      url: `/api/v2/orders/${order.id}`,
      headers: buyer.headers,
    });
    expect(res.statusCode).toBe(200);
    const after = res.json();
    expect(after.parts).toEqual(order.parts);
    expect(after.total).toBe('50000.00');
    expect(after.parts[0].lines[0]).toMatchObject({
      name: 'Ноутбук',
      model: 'nb-1',
      unit_price: '50000.00',
      characteristics: {},
    });
  });

  it('keeps a placed order unchanged through a real price-list import', async () => {
    const supplier = await createSupplier(t, { shop: { name: 'Связной' } });
    const list = (name: string, price: number, quantity: number, withSecond: boolean) =>
      Buffer.from(
        [
          'shop: Связной',
          'categories:',
          '  - id: 224',
          '    name: Смартфоны',
          'goods:',
          '  - id: 4216292',
          '    category: 224',
          '    model: apple/iphone/xs-max',
          `    name: ${name}`,
          `    price: ${price}`,
          `    price_rrc: ${price + 1000}`,
          `    quantity: ${quantity}`,
          '    parameters:',
          '      "Цвет": золотистый',
          ...(withSecond
            ? ['  - id: 77', '    category: 224', '    name: Чехол', '    price: 500', '    quantity: 3']
            : []),
        ].join('\n'),
      );
    const first = await importPriceList(t.runtime, {
      shopId: supplier.shop.id,
      content: list('iPhone XS Max', 110000, 14, true),
    });
    expect(first.status, JSON.stringify(first)).toBe('succeeded');
    const [phone] = await t.runtime.db
      .select()
      .from(offers)
      .where(and(eq(offers.shopId, supplier.shop.id), eq(offers.externalId, '4216292')));
    const buyer = await createBuyer(t);
    const order = await placeOrder(t, buyer, [{ offerId: phone.id, quantity: 2 }]);

    const second = await importPriceList(t.runtime, {
      shopId: supplier.shop.id,
      content: list('iPhone XS Max (2025)', 99000, 50, false),
    });
    expect(second.status, JSON.stringify(second)).toBe('succeeded');
    const [reimported] = await t.runtime.db.select().from(offers).where(eq(offers.id, phone.id));
    expect(reimported).toMatchObject({ name: 'iPhone XS Max (2025)', price: '99000.00', quantity: 50 });

    const res = await t.app.inject({
      method: 'GET',
      url: `/api/v2/orders/${order.id}`,
      headers: buyer.headers,
    });
    const after = res.json();
    expect(after.parts).toEqual(order.parts);
    expect(after.total).toBe('220000.00');
    expect(after.parts[0].lines[0]).toMatchObject({
      name: 'iPhone XS Max',
      unit_price: '110000.00',
      price_rrc: '111000.00',
      external_id: '4216292',
      characteristics: { Цвет: 'золотистый' },
    });
  });

  it('refuses an empty basket', async () => {
    const buyer = await createBuyer(t);
    const res = await checkoutRequest(t, buyer);
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ code: 'basket_empty' });
  });

  it('makes the basket the order under the basket’s id; the next purchase gets a new basket', async () => {
    const buyer = await createBuyer(t);
    const offer = await createOffer(t.runtime, { shopId: alpha.shop.id, price: '12.00', quantity: 20 });
    await addToBasket(t, buyer, offer.id, 2);
    const basketId = (await findBasket(t.runtime.db, buyer.user.id))!.id;
    const key = { 'idempotency-key': 'basket-becomes-order' };
    const res = await checkoutRequest(t, buyer, {}, key);
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().id).toBe(basketId);
    expect(await findBasket(t.runtime.db, buyer.user.id)).toBeNull();
    const basket = await t.app.inject({ method: 'GET', url: '/api/v2/basket', headers: buyer.headers });
    expect(basket.json()).toMatchObject({ items_count: 0, groups: [] });

    // A retry with the key finds the order although its basket is gone; without one, the basket is empty.
    const retry = await checkoutRequest(t, buyer, {}, key);
    expect(retry.statusCode).toBe(201);
    expect(retry.json().id).toBe(basketId);
    expect((await checkoutRequest(t, buyer)).json()).toMatchObject({ code: 'basket_empty' });

    await addToBasket(t, buyer, offer.id, 1);
    const next = (await findBasket(t.runtime.db, buyer.user.id))!.id;
    expect(next).not.toBe(basketId);
    const second = await checkoutRequest(t, buyer);
    expect(second.json().id).toBe(next);
    expect(await stock(offer.id)).toBe(17);
    const [one, two] = await Promise.all(
      [basketId, next].map((id) =>
        t.app.inject({ method: 'GET', url: `/api/v2/orders/${id}`, headers: buyer.headers }),
      ),
    );
    expect([one.statusCode, two.statusCode]).toEqual([200, 200]);
    expect([one.json().parts[0].lines[0].quantity, two.json().parts[0].lines[0].quantity]).toEqual([2, 1]);
  });

  it('gives a basket made before basket ids came from the orders’ sequence a fresh order number if its id is taken', async () => {
    const earlier = await createBuyer(t);
    const offer = await createOffer(t.runtime, { shopId: alpha.shop.id, price: '3.00', quantity: 20 });
    const placed = await placeOrder(t, earlier, [{ offerId: offer.id }]);
    // Another buyer's basket that holds that order's number, as the baskets' own sequence gave them.
    const buyer = await createBuyer(t);
    await t.runtime.db.execute(
      sql`insert into baskets (id, user_id) overriding system value values (${placed.id}, ${buyer.user.id})`,
    );
    await addToBasket(t, buyer, offer.id, 1);
    expect((await findBasket(t.runtime.db, buyer.user.id))!.id).toBe(placed.id);
    const res = await checkoutRequest(t, buyer);
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().id).not.toBe(placed.id);
    expect(await findBasket(t.runtime.db, buyer.user.id)).toBeNull();
  });

  it("answers 404 for another buyer's contact and takes nothing", async () => {
    const buyer = await createBuyer(t);
    const other = await createBuyer(t);
    const offer = await createOffer(t.runtime, { shopId: alpha.shop.id, price: '10.00', quantity: 3 });
    await addToBasket(t, buyer, offer.id, 2);
    const res = await checkoutRequest(t, buyer, { contact_id: other.contact.id });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ code: 'contact_not_found' });
    expect(await stock(offer.id)).toBe(3);
    const basket = await t.app.inject({ method: 'GET', url: '/api/v2/basket', headers: buyer.headers });
    expect(basket.json().items_count).toBe(1);
  });

  it('refuses a line over stock with the available quantity, and takes nothing else', async () => {
    const buyer = await createBuyer(t);
    const scarce = await createOffer(t.runtime, {
      shopId: alpha.shop.id,
      name: 'Редкий',
      price: '10.00',
      quantity: 5,
    });
    const plenty = await createOffer(t.runtime, { shopId: beta.shop.id, price: '1.00', quantity: 50 });
    await addToBasket(t, buyer, scarce.id, 4);
    await addToBasket(t, buyer, plenty.id, 10);
    await t.runtime.db.update(offers).set({ quantity: 3 }).where(eq(offers.id, scarce.id));
    const res = await checkoutRequest(t, buyer);
    expect(res.statusCode).toBe(409);
    const body = res.json();
    expect(body.code).toBe('out_of_stock');
    expect(body.lines).toEqual([
      expect.objectContaining({
        offer_id: scarce.id,
        name: 'Редкий',
        problems: ['out_of_stock'],
        requested_quantity: 4,
        available_quantity: 3,
      }),
    ]);
    expect(await stock(scarce.id)).toBe(3);
    expect(await stock(plenty.id)).toBe(50);
  });

  it('refuses a withdrawn offer and a shop that stopped accepting orders, naming the lines', async () => {
    const buyer = await createBuyer(t);
    const gamma = await createSupplier(t);
    const withdrawn = await createOffer(t.runtime, { shopId: alpha.shop.id, price: '10.00', quantity: 5 });
    const paused = await createOffer(t.runtime, { shopId: gamma.shop.id, price: '20.00', quantity: 5 });
    await addToBasket(t, buyer, withdrawn.id);
    await addToBasket(t, buyer, paused.id);

    await t.runtime.db.update(shops).set({ acceptingOrders: false }).where(eq(shops.id, gamma.shop.id));
    let res = await checkoutRequest(t, buyer);
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({
      code: 'shop_not_accepting_orders',
      lines: [{ offer_id: paused.id, problems: ['shop_not_accepting_orders'] }],
    });

    await t.runtime.db.update(offers).set({ isActive: false }).where(eq(offers.id, withdrawn.id));
    res = await checkoutRequest(t, buyer);
    expect(res.statusCode).toBe(409);
    expect(res.json().code).toBe('offer_unavailable');
    expect(res.json().lines.map((l: { offer_id: number }) => l.offer_id)).toEqual([withdrawn.id, paused.id]);
    expect(await stock(paused.id)).toBe(5);
  });

  it('passes a price change at the current price, or refuses it when the buyer sends the total they saw', async () => {
    const buyer = await createBuyer(t);
    const offer = await createOffer(t.runtime, { shopId: alpha.shop.id, price: '100.00', quantity: 10 });
    const shown = await addToBasket(t, buyer, offer.id, 2);
    expect(shown.total).toBe('200.00');
    await t.runtime.db.update(offers).set({ price: '120.00' }).where(eq(offers.id, offer.id));

    const basket = (
      await t.app.inject({ method: 'GET', url: '/api/v2/basket', headers: buyer.headers })
    ).json();
    expect(basket.groups[0].lines[0]).toMatchObject({
      unit_price: '120.00',
      price_when_added: '100.00',
      problems: ['price_changed'],
    });
    expect(basket).toMatchObject({ total: '240.00', has_blocking_problems: false });

    const refused = await checkoutRequest(t, buyer, { expected_total: '200.00' });
    expect(refused.statusCode).toBe(409);
    expect(refused.json()).toMatchObject({
      code: 'price_changed',
      expected_total: '200.00',
      total: '240.00',
      lines: [
        { offer_id: offer.id, price_when_added: '100.00', unit_price: '120.00', problems: ['price_changed'] },
      ],
    });
    expect(await stock(offer.id)).toBe(10);

    const accepted = await checkoutRequest(t, buyer, { expected_total: '240' });
    expect(accepted.statusCode, accepted.body).toBe(201);
    expect(accepted.json().total).toBe('240.00');
  });

  it('passes a price change when no expected total is sent', async () => {
    const buyer = await createBuyer(t);
    const offer = await createOffer(t.runtime, { shopId: alpha.shop.id, price: '100.00', quantity: 10 });
    await addToBasket(t, buyer, offer.id, 1);
    await t.runtime.db.update(offers).set({ price: '90.00' }).where(eq(offers.id, offer.id));
    const res = await checkoutRequest(t, buyer);
    expect(res.statusCode).toBe(201);
    expect(res.json().parts[0].lines[0].unit_price).toBe('90.00');
  });

  it('refuses an unknown coupon and keeps the basket', async () => {
    const buyer = await createBuyer(t);
    const offer = await createOffer(t.runtime, { shopId: alpha.shop.id, price: '100.00', quantity: 10 });
    await addToBasket(t, buyer, offer.id, 1);
    const res = await checkoutRequest(t, buyer, { coupon_code: ' spring-10 ' });
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({ code: 'coupon_not_found', coupon_code: 'SPRING-10' });
    expect(await stock(offer.id)).toBe(10);
  });

  it('returns the same order for a retry with the same Idempotency-Key, and 422 for another body', async () => {
    const buyer = await createBuyer(t);
    const offer = await createOffer(t.runtime, { shopId: alpha.shop.id, price: '5.00', quantity: 10 });
    await addToBasket(t, buyer, offer.id, 2);
    const first = await checkoutRequest(t, buyer, { comment: 'раз' }, { 'idempotency-key': 'order-1' });
    expect(first.statusCode).toBe(201);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    const retry = await checkoutRequest(t, buyer, { comment: 'раз' }, { 'idempotency-key': 'order-1' });
    expect(retry.statusCode).toBe(201);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.json()).toEqual(first.json());
    const other = await checkoutRequest(t, buyer, { comment: 'два' }, { 'idempotency-key': 'order-1' });
    expect(other.statusCode).toBe(422);
    expect(other.json().code).toBe('idempotency_key_reused');
    expect(await stock(offer.id)).toBe(8);
    // The key is the buyer's own: another buyer's same key is another request.
    const someoneElse = await createBuyer(t);
    await addToBasket(t, someoneElse, offer.id, 1);
    const theirs = await checkoutRequest(
      t,
      someoneElse,
      { comment: 'раз' },
      { 'idempotency-key': 'order-1' },
    );
    expect(theirs.statusCode).toBe(201);
    expect(theirs.json().id).not.toBe(first.json().id);
  });

  it('validates the body', async () => {
    const buyer = await createBuyer(t);
    const res = await checkoutRequest(t, buyer, { contact_id: 'x', expected_total: '1.234', extra: true });
    expect(res.statusCode).toBe(400);
    const fields = res
      .json()
      .errors.map((e: { field: string }) => e.field)
      .sort();
    expect(fields).toEqual(['body.contact_id', 'body.expected_total', 'body.extra']);
  });

  it('is for buyers only', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v2/orders',
      headers: alpha.headers,
      payload: { contact_id: 1 },
    });
    expect(res.statusCode).toBe(403);
    const anonymous = await t.app.inject({
      method: 'POST',
      url: '/api/v2/orders',
      payload: { contact_id: 1 },
    });
    expect(anonymous.statusCode).toBe(401);
  });

  it('writes emails in the buyer’s language', async () => {
    const buyer: Buyer = await createBuyer(t, { firstName: 'John', preferredLanguage: 'en' });
    const offer = await createOffer(t.runtime, {
      shopId: alpha.shop.id,
      name: 'Widget',
      price: '1234.50',
      quantity: 10,
    });
    const order = await placeOrder(t, buyer, [{ offerId: offer.id, quantity: 1 }]);
    const mail = await t.mail.waitFor((m) => m.recipients.includes(buyer.user.email));
    expect(mail.subject).toBe(`Order ${order.number} received`);
    expect(mail.text).toContain('Hello John,');
    expect(mail.text).toContain('1,234.50 RUB');
    const [row] = await t.runtime.db
      .select({ language: users.preferredLanguage })
      .from(users)
      .where(eq(users.id, buyer.user.id));
    expect(row.language).toBe('en');
  });
});
