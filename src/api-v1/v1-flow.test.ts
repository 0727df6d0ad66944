// The whole seed scenario through API v1 only, as a client of the reference would run it: once with
// form bodies (values are strings), once with JSON bodies (numbers, and `items` as a real array).
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tokenFromEmail } from '../../test/factories/accounts.ts';
import { pdfText } from '../../test/factories/payments.ts';
import { uniqueEmail } from '../../test/factories.ts';
import { buildTestApp, TEST_STAFF_EMAIL, type TestApp } from '../../test/helpers/app.ts';
import { serveFiles, type V1Encoding, v1 } from '../../test/helpers/v1.ts';

const SHOP1 = path.resolve(import.meta.dirname, '../../test/fixtures/shop1.yaml');
const PASSWORD = 'Zakupka-Flow-2026';
const NEW_PASSWORD = 'Ochen-Novyi-Parol-77';

interface Offer {
  id: number;
  model: string;
  product: { name: string; category: string };
  shop: number;
  quantity: number;
  price: number;
  price_rrc: number;
  product_parameters: { parameter: string; value: string }[];
}

/** Money as the Russian emails write it: "110 000,00 ₽" with no-break spaces. */
function rub(amount: number): string {
  const [units, cents] = amount.toFixed(2).split('.');
  return `${units.replace(/\B(?=(\d{3})+(?!\d))/g, '\u00a0')},${cents}\u00a0₽`;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

describe.each<V1Encoding>(['form', 'json'])('API v1 end to end (%s bodies)', (encoding) => {
  let t: TestApp;
  let files: Awaited<ReturnType<typeof serveFiles>>;
  const buyer = { email: uniqueEmail('v1-buyer'), token: '' };
  const supplier = { email: uniqueEmail('v1-shop'), token: '' };
  let shopId = 0;
  let products: Offer[] = [];
  let basketId = 0;
  let basketTotal = 0;
  let contactId = 0;
  const ordered = new Map<number, number>();

  /** In JSON, clients send numbers and a real `items` array; in forms everything is text. */
  const id = (value: number) => (encoding === 'json' ? value : String(value));
  const items = (list: object[]) => (encoding === 'json' ? list : JSON.stringify(list));
  const call = (
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    route: string,
    body?: Record<string, unknown>,
    token?: string,
  ) => v1(t, method, route, { body, token, encoding });

  beforeAll(async () => {
    t = await buildTestApp({ env: { ALLOW_PRIVATE_IMPORT_URLS: 'true' } });
    files = await serveFiles({ 'shop1.yaml': SHOP1 });
  });
  afterAll(async () => {
    await files?.close();
    await t?.close();
  });

  it('registers a supplier and a buyer, inactive until confirmed', async () => {
    for (const [who, type] of [
      [supplier, 'shop'],
      [buyer, 'buyer'],
    ] as const) {
      const res = await call('POST', 'user/register', {
        first_name: 'Анна',
        last_name: 'Смирнова',
        email: who.email,
        password: PASSWORD,
        company: type === 'shop' ? 'ООО Связной' : 'Сеть Магнолия',
        position: 'Менеджер',
        type,
      });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({ Status: true });
    }
    const early = await call('POST', 'user/login', { email: buyer.email, password: PASSWORD });
    expect(early.json()).toEqual({ Status: false, Errors: 'Не удалось авторизовать' });
  });

  it('confirms both with the tokens from the emails and logs in with API tokens', async () => {
    for (const who of [supplier, buyer]) {
      const mail = await t.mail.waitFor((m) => m.recipients.includes(who.email));
      const token = tokenFromEmail(mail, 'confirm-email');
      const confirmed = await call('POST', 'user/register/confirm', { email: who.email, token });
      expect(confirmed.json()).toEqual({ Status: true });
      const again = await call('POST', 'user/register/confirm', { email: who.email, token });
      expect(again.json()).toEqual({ Status: false, Errors: 'Неправильно указан токен или email' });

      const login = await call('POST', 'user/login', { email: who.email, password: PASSWORD });
      expect(login.json()).toEqual({ Status: true, Token: expect.stringMatching(/^zk_/) });
      who.token = login.json().Token;
    }
    const details = await call('GET', 'user/details', undefined, buyer.token);
    expect(details.json()).toEqual({
      id: expect.any(Number),
      first_name: 'Анна',
      last_name: 'Смирнова',
      email: buyer.email,
      company: 'Сеть Магнолия',
      position: 'Менеджер',
      contacts: [],
    });
  });

  it('imports the supplier’s price list by URL before answering', async () => {
    const res = await call('POST', 'partner/update', { url: files.url('shop1.yaml') }, supplier.token);
    expect(res.json()).toEqual({ Status: true });
    const state = await call('GET', 'partner/state', undefined, supplier.token);
    expect(state.json()).toEqual({ id: expect.any(Number), name: 'Связной', state: true });
    shopId = state.json().id;
  });

  it('lists categories and shops in DRF pages, and the products with their filters', async () => {
    const categories = await call('GET', 'categories');
    expect(categories.json()).toEqual({
      count: 4,
      next: null,
      previous: null,
      results: expect.arrayContaining(
        ['Смартфоны', 'Аксессуары', 'Flash-накопители', 'Телевизоры'].map((name) => ({
          id: expect.any(Number),
          name,
        })),
      ),
    });
    const shops = await call('GET', 'shops/');
    expect(shops.json()).toEqual({
      count: 1,
      next: null,
      previous: null,
      results: [{ id: shopId, name: 'Связной', state: true }],
    });

    const all = await call('GET', 'products');
    products = all.json();
    expect(products).toHaveLength(14);
    expect(products.find((offer) => offer.product.name.includes('XS Max'))).toEqual({
      id: expect.any(Number),
      model: 'apple/iphone/xs-max',
      product: { name: 'Смартфон Apple iPhone XS Max 512GB (золотистый)', category: 'Смартфоны' },
      shop: shopId,
      quantity: 14,
      price: 110000,
      price_rrc: 116990,
      product_parameters: expect.arrayContaining([
        { parameter: 'Цвет', value: 'золотистый' },
        { parameter: 'Диагональ (дюйм)', value: '6.5' },
        { parameter: 'Встроенная память (Гб)', value: '512' },
        { parameter: 'Разрешение (пикс)', value: '2688x1242' },
      ]),
    });

    const smartphones = categories.json().results.find((c: { name: string }) => c.name === 'Смартфоны');
    const filtered = await call('GET', `products?shop_id=${shopId}&category_id=${smartphones.id}`);
    const expected = products.filter((offer) => offer.product.category === 'Смартфоны');
    expect(expected.length).toBeGreaterThan(1);
    expect(expected.length).toBeLessThan(products.length);
    expect(
      filtered
        .json()
        .map((offer: Offer) => offer.id)
        .sort(),
    ).toEqual(expected.map((o) => o.id).sort());
    const otherShop = await call('GET', `products?shop_id=${shopId + 1000}`);
    expect(otherShop.json()).toEqual([]);
  });

  it('fills the basket: add, update, add again, delete, with totals', async () => {
    const [a, b, c] = [products[0], products[1], products[2]];
    const added = await call(
      'POST',
      'basket',
      {
        items: items([
          { product_info: id(a.id), quantity: id(2) },
          { product_info: id(b.id), quantity: id(1) },
        ]),
      },
      buyer.token,
    );
    expect(added.json()).toEqual({ Status: true, 'Создано объектов': 2 });

    let basket = (await call('GET', 'basket', undefined, buyer.token)).json();
    expect(basket).toHaveLength(1);
    expect(basket[0]).toMatchObject({
      id: expect.any(Number),
      state: 'basket',
      dt: expect.any(String),
      total_sum: 2 * a.price + b.price,
      contact: null,
    });
    expect(basket[0].ordered_items).toEqual([
      { id: expect.any(Number), product_info: a, quantity: 2 },
      { id: expect.any(Number), product_info: b, quantity: 1 },
    ]);
    basketId = basket[0].id;
    const [lineA, lineB] = basket[0].ordered_items.map((item: { id: number }) => item.id);

    const updated = await call(
      'PUT',
      'basket',
      { items: items([{ id: id(lineA), quantity: id(3) }]) },
      buyer.token,
    );
    expect(updated.json()).toEqual({ Status: true, 'Обновлено объектов': 1 });
    const more = await call(
      'POST',
      'basket',
      {
        items: items([
          { product_info: id(a.id), quantity: id(1) },
          { product_info: id(c.id), quantity: id(2) },
        ]),
      },
      buyer.token,
    );
    expect(more.json()).toEqual({ Status: true, 'Создано объектов': 2 });
    const deleted = await call('DELETE', 'basket', { items: `${lineB}` }, buyer.token);
    expect(deleted.json()).toEqual({ Status: true, 'Удалено объектов': 1 });

    basket = (await call('GET', 'basket', undefined, buyer.token)).json();
    expect(basket[0].id).toBe(basketId);
    expect(
      basket[0].ordered_items.map((item: { product_info: Offer; quantity: number }) => [
        item.product_info.id,
        item.quantity,
      ]),
    ).toEqual([
      [a.id, 4],
      [c.id, 2],
    ]);
    basketTotal = 4 * a.price + 2 * c.price;
    expect(basket[0].total_sum).toBe(basketTotal);
    // The same basket through v2 (the v1 token is an API token, good there too): the same total.
    const v2 = await t.app.inject({
      method: 'GET',
      url: '/api/v2/basket',
      headers: { authorization: `Token ${buyer.token}` },
    });
    expect(v2.json().total).toBe(basketTotal.toFixed(2));
    ordered.set(a.id, 4).set(c.id, 2);
  });

  it('keeps contacts: add, update, list, delete', async () => {
    const first = await call(
      'POST',
      'user/contact',
      { city: 'Москва', street: 'Тверская', house: '7', apartment: '15', phone: '+7 916 123-45-67' },
      buyer.token,
    );
    expect(first.json()).toEqual({ Status: true });
    const second = await call(
      'POST',
      'user/contact',
      { city: 'Тула', street: 'Ленина', phone: '89161234568' },
      buyer.token,
    );
    expect(second.json()).toEqual({ Status: true });
    let list = (await call('GET', 'user/contact', undefined, buyer.token)).json();
    expect(list).toHaveLength(2);
    contactId = list[0].id;

    const changed = await call('PUT', 'user/contact', { id: id(contactId), street: 'Петровка' }, buyer.token);
    expect(changed.json()).toEqual({ Status: true });
    const gone = await call('DELETE', 'user/contact', { items: `${list[1].id}` }, buyer.token);
    expect(gone.json()).toEqual({ Status: true, 'Удалено объектов': 1 });

    list = (await call('GET', 'user/contact', undefined, buyer.token)).json();
    expect(list).toEqual([
      {
        id: contactId,
        city: 'Москва',
        street: 'Петровка',
        house: '7',
        structure: '',
        building: '',
        apartment: '15',
        phone: '+79161234567',
      },
    ]);
    const details = (await call('GET', 'user/details', undefined, buyer.token)).json();
    expect(details.contacts).toEqual(list);
  });

  it('confirms the order with a contact: emails to the buyer and staff, stock taken', async () => {
    const confirmed = await call('POST', 'order', { id: id(basketId), contact: id(contactId) }, buyer.token);
    expect(confirmed.json()).toEqual({ Status: true });
    expect((await call('GET', 'basket', undefined, buyer.token)).json()).toEqual([]);

    const orders = (await call('GET', 'order', undefined, buyer.token)).json();
    expect(orders).toHaveLength(1);
    const [order] = orders;
    // The basket became the order: the same id.
    expect(order).toMatchObject({
      id: basketId,
      state: 'new',
      total_sum: basketTotal,
      contact: { id: contactId, city: 'Москва', street: 'Петровка', phone: '+79161234567' },
    });
    expect(
      order.ordered_items.map((item: { product_info: Offer; quantity: number }) => [
        item.product_info.id,
        item.quantity,
      ]),
    ).toEqual([...ordered.entries()]);

    const v2 = await t.app.inject({
      method: 'GET',
      url: `/api/v2/orders/${order.id}`,
      headers: { authorization: `Token ${buyer.token}` },
    });
    expect(v2.json()).toMatchObject({ id: order.id, state: 'new', total: basketTotal.toFixed(2) });

    const number = `Z-${String(order.id).padStart(6, '0')}`;
    const toBuyer = await t.mail.waitFor(
      (m) => m.recipients.includes(buyer.email) && m.subject!.includes(number),
    );
    expect(toBuyer.subject).toBe(`Заказ ${number} принят`);
    const toStaff = await t.mail.waitFor(
      (m) => m.recipients.includes(TEST_STAFF_EMAIL) && m.subject!.includes(number),
    );
    expect(toStaff.subject).toBe(`Счёт: новый заказ ${number} на ${rub(basketTotal)}`);

    // What they say: every line (name, quantity, price, sum) under its supplier, the totals, where to.
    const lines = [...ordered.entries()].map(([offerId, quantity]) => {
      const offer = products.find((o) => o.id === offerId)!;
      return { offer, quantity };
    });
    for (const mail of [toBuyer, toStaff]) {
      const text = mail.text ?? '';
      expect(text).toContain('ПОСТАВЩИК: СВЯЗНОЙ');
      for (const { offer, quantity } of lines) {
        expect(text).toMatch(
          new RegExp(
            `${escapeRegExp(`${offer.product.name} (${offer.model})`)}.* ${quantity} +${escapeRegExp(rub(offer.price))} +${escapeRegExp(rub(quantity * offer.price))}\n`,
          ),
        );
      }
      expect(text).toMatch(new RegExp(`Итого по поставщику +${escapeRegExp(rub(basketTotal))}`));
      expect(text).toContain(`Итого к оплате: ${rub(basketTotal)}`);
      expect(text).toContain('Москва, Петровка, д. 7, кв. 15');
      expect(text).toContain('+79161234567');
    }
    expect(toBuyer.text).toContain('Здравствуйте, Анна!');
    // The staff invoice names the buyer, with its printable copy attached.
    for (const fact of ['Смирнова Анна', buyer.email, 'Сеть Магнолия']) expect(toStaff.text).toContain(fact);
    expect(toStaff.attachments).toHaveLength(1);
    const invoice = await pdfText(toStaff.attachments[0].content);
    expect(invoice).toContain(`Счёт по заказу ${number}`);
    expect(invoice).toContain('Смирнова Анна');
    for (const { offer } of lines) expect(invoice).toContain(offer.product.name);
    expect(invoice).toContain(`Итого к оплате ${rub(basketTotal).replace(/\s+/g, ' ')}`);

    const after = (await call('GET', 'products')).json() as Offer[];
    for (const offer of products) {
      const now = after.find((o) => o.id === offer.id)!;
      expect(now.quantity).toBe(offer.quantity - (ordered.get(offer.id) ?? 0));
    }

    // That basket is gone: posting it again orders nothing; the next purchase gets a new basket.
    const again = await call('POST', 'order', { id: id(basketId), contact: id(contactId) }, buyer.token);
    expect(again.json()).toEqual({ Status: false, Errors: 'Неправильно указаны аргументы' });
    const refill = await call(
      'POST',
      'basket',
      { items: items([{ product_info: id(products[3].id), quantity: id(1) }]) },
      buyer.token,
    );
    expect(refill.json()).toEqual({ Status: true, 'Создано объектов': 1 });
    const [next] = (await call('GET', 'basket', undefined, buyer.token)).json();
    expect(next.id).not.toBe(basketId);
    expect(next.ordered_items).toHaveLength(1);
    const emptied = await call('DELETE', 'basket', { items: `${next.ordered_items[0].id}` }, buyer.token);
    expect(emptied.json()).toEqual({ Status: true, 'Удалено объектов': 1 });
    expect((await call('GET', 'order', undefined, buyer.token)).json()).toHaveLength(1);

    const partnerOrders = (await call('GET', 'partner/orders', undefined, supplier.token)).json();
    expect(partnerOrders).toEqual([
      {
        id: order.id,
        ordered_items: order.ordered_items,
        state: 'new',
        dt: order.dt,
        total_sum: basketTotal,
        contact: order.contact,
      },
    ]);
  });

  it('partner/state off hides the shop and its goods; on brings them back', async () => {
    const off = await call(
      'POST',
      'partner/state',
      { state: encoding === 'json' ? false : 'off' },
      supplier.token,
    );
    expect(off.json()).toEqual({ Status: true });
    expect((await call('GET', 'partner/state', undefined, supplier.token)).json()).toMatchObject({
      state: false,
    });
    expect((await call('GET', 'shops')).json()).toMatchObject({ count: 0, results: [] });
    expect((await call('GET', 'products')).json()).toEqual([]);
    expect((await call('GET', `products?shop_id=${shopId}`)).json()).toEqual([]);

    const on = await call(
      'POST',
      'partner/state',
      { state: encoding === 'json' ? true : 'on' },
      supplier.token,
    );
    expect(on.json()).toEqual({ Status: true });
    expect((await call('GET', 'shops')).json()).toMatchObject({
      count: 1,
      results: [{ id: shopId, state: true }],
    });
    expect((await call('GET', 'products')).json()).toHaveLength(14);
  });

  it('resets the password with the emailed token; the new password logs in', async () => {
    const asked = await call('POST', 'user/password_reset', { email: buyer.email });
    expect(asked.json()).toEqual({ status: 'OK' });
    const unknown = await call('POST', 'user/password_reset', { email: uniqueEmail('nobody') });
    expect(unknown.json()).toEqual({ status: 'OK' });

    const mail = await t.mail.waitFor(
      (m) => m.recipients.includes(buyer.email) && m.subject!.startsWith('Сброс пароля'),
    );
    const token = tokenFromEmail(mail, 'reset-password');
    const reset = await call('POST', 'user/password_reset/confirm', { token, password: NEW_PASSWORD });
    expect(reset.json()).toEqual({ status: 'OK' });

    const old = await call('POST', 'user/login', { email: buyer.email, password: PASSWORD });
    expect(old.json()).toEqual({ Status: false, Errors: 'Не удалось авторизовать' });
    const fresh = await call('POST', 'user/login', { email: buyer.email, password: NEW_PASSWORD });
    expect(fresh.json()).toEqual({ Status: true, Token: expect.stringMatching(/^zk_/) });
    const orders = await call('GET', 'order', undefined, fresh.json().Token);
    expect(orders.json()).toHaveLength(1);
  });
});
