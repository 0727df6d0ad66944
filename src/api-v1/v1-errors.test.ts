// API v1's refusals, endpoint by endpoint: no or a bad token (403 "Log in required"), the wrong kind
// of account (403), missing arguments, malformed `items`, other people's ids, more than is in stock;
// and the transport: multipart bodies, trailing slashes, DRF pages, large imports, the docs.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiTokenFor, createContact } from '../../test/factories/accounts.ts';
import { createOffer, createShop, multipartBody } from '../../test/factories/catalog.ts';
import { createUser, DEFAULT_PASSWORD } from '../../test/factories.ts';
import { buildTestApp, type TestApp } from '../../test/helpers/app.ts';
import { serveFiles, v1 } from '../../test/helpers/v1.ts';
import { categories, offers } from '../db/schema/catalog.ts';
import { orders } from '../db/schema/orders.ts';
import { LOGIN_API_TOKENS_KEPT } from '../modules/accounts/api-tokens.service.ts';
import { V1_PAGE_SIZE } from './catalog.routes.ts';
import { V1_INLINE_IMPORT_BYTES } from './partner.routes.ts';

const MISSING = { Status: false, Errors: 'Не указаны все необходимые аргументы' };
const WRONG = { Status: false, Errors: 'Неправильно указаны аргументы' };
const BAD_FORMAT = { Status: false, Errors: 'Неверный формат запроса' };

let t: TestApp;
let files: Awaited<ReturnType<typeof serveFiles>>;
let tmp: string;
const tokens = { buyer: '', other: '', supplier: '', staff: '' };
let buyer: Awaited<ReturnType<typeof createUser>>;
let other: Awaited<ReturnType<typeof createUser>>;
let supplier: Awaited<ReturnType<typeof createUser>>;
let shopId: number;
let phone: { id: number; name: string };
let headset: { id: number; name: string };
let buyerContact: number;
let otherContact: number;

async function stock(offerId: number): Promise<number> {
  const [row] = await t.runtime.db
    .select({ quantity: offers.quantity })
    .from(offers)
    .where(eq(offers.id, offerId));
  return row.quantity;
}

/** A price list bigger than v1 imports inline. */
function largePriceList(): string {
  const goods: string[] = [];
  let size = 0;
  for (let i = 1; size <= V1_INLINE_IMPORT_BYTES; i += 1) {
    const good =
      `  - id: ${i}\n    category: 1\n    model: big/${i}\n    name: Большой товар номер ${i} с длинным названием для объёма\n` +
      `    price: ${100 + (i % 50)}\n    price_rrc: 200\n    quantity: 3\n` +
      `    parameters:\n      "Описание": "${'описание '.repeat(12)}"\n`;
    goods.push(good);
    size += Buffer.byteLength(good);
  }
  return `shop: Большой склад\ncategories:\n  - id: 1\n    name: Большие товары\ngoods:\n${goods.join('')}`;
}

beforeAll(async () => {
  t = await buildTestApp({ env: { ALLOW_PRIVATE_IMPORT_URLS: 'true' } });
  buyer = await createUser(t.runtime, { role: 'buyer' });
  other = await createUser(t.runtime, { role: 'buyer' });
  supplier = await createUser(t.runtime, { role: 'supplier', company: 'ООО Поставщик' });
  const staff = await createUser(t.runtime, { role: 'staff' });
  tokens.buyer = (await createApiTokenFor(t, buyer)).token;
  tokens.other = (await createApiTokenFor(t, other)).token;
  tokens.supplier = (await createApiTokenFor(t, supplier)).token;
  tokens.staff = (await createApiTokenFor(t, staff)).token;
  const shop = await createShop(t.runtime, { ownerId: supplier.id, name: 'Поставщик' });
  shopId = shop.id;
  phone = await createOffer(t.runtime, {
    shopId,
    price: '1000.50',
    quantity: 5,
    name: 'Телефон Тест',
    categoryName: 'Телефоны',
  });
  headset = await createOffer(t.runtime, {
    shopId,
    price: 300,
    quantity: 10,
    name: 'Гарнитура Тест',
    categoryName: 'Аксессуары',
  });
  buyerContact = (await createContact(t, buyer)).id;
  otherContact = (await createContact(t, other)).id;

  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'v1-import-'));
  fs.writeFileSync(path.join(tmp, 'large.yaml'), largePriceList());
  fs.writeFileSync(path.join(tmp, 'broken.yaml'), 'shop: [unclosed\n');
  files = await serveFiles({
    'large.yaml': path.join(tmp, 'large.yaml'),
    'broken.yaml': path.join(tmp, 'broken.yaml'),
  });
});
afterAll(async () => {
  await files?.close();
  await t?.close();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

const PROTECTED: ['GET' | 'POST' | 'PUT' | 'DELETE', string][] = [
  ['GET', 'user/details'],
  ['POST', 'user/details'],
  ['GET', 'user/contact'],
  ['POST', 'user/contact'],
  ['PUT', 'user/contact'],
  ['DELETE', 'user/contact'],
  ['GET', 'basket'],
  ['POST', 'basket'],
  ['PUT', 'basket'],
  ['DELETE', 'basket'],
  ['GET', 'order'],
  ['POST', 'order'],
  ['POST', 'partner/update'],
  ['GET', 'partner/state'],
  ['POST', 'partner/state'],
  ['GET', 'partner/orders'],
];

describe('who may call', () => {
  it('answers 403 "Log in required" without a token or with a bad one, on every protected endpoint', async () => {
    for (const [method, route] of PROTECTED) {
      for (const authorization of [undefined, 'Token zk_not-a-real-token', 'Token abc', 'Bearer nonsense']) {
        const res = await v1(t, method, route, {
          headers: authorization ? { authorization } : {},
          body: method === 'GET' ? undefined : { items: '1' },
        });
        expect(res.statusCode, `${method} ${route} ${authorization}`).toBe(403);
        expect(res.json()).toEqual({ Status: false, Error: 'Log in required' });
      }
    }
  });

  it('answers 403 to the wrong kind of account', async () => {
    for (const [method, route] of PROTECTED) {
      const partner = route.startsWith('partner/');
      const buyerOnly = route === 'basket' || route === 'order';
      const refused: [string, string][] = partner
        ? [
            [tokens.buyer, 'Только для магазинов'],
            [tokens.staff, 'Только для магазинов'],
          ]
        : buyerOnly
          ? [
              [tokens.supplier, 'Только для покупателей'],
              [tokens.staff, 'Только для покупателей'],
            ]
          : [];
      for (const [token, message] of refused) {
        const res = await v1(t, method, route, { token, body: method === 'GET' ? undefined : {} });
        expect(res.statusCode, `${method} ${route}`).toBe(403);
        expect(res.json()).toEqual({ Status: false, Error: message });
      }
    }
  });
});

describe('missing arguments', () => {
  it('are named the reference’s way on every endpoint that takes input', async () => {
    const cases: [string, 'POST' | 'PUT' | 'DELETE', string, Record<string, unknown>][] = [
      [
        '',
        'POST',
        'user/register',
        { first_name: 'А', last_name: 'Б', email: 'x@example.test', password: 'p', company: 'c' },
      ],
      ['', 'POST', 'user/register/confirm', { email: buyer.email }],
      ['', 'POST', 'user/login', { email: buyer.email }],
      ['', 'POST', 'user/password_reset', {}],
      ['', 'POST', 'user/password_reset/confirm', { token: 'abc' }],
      [tokens.buyer, 'POST', 'user/contact', { city: 'Москва', street: 'Тверская' }],
      [tokens.buyer, 'PUT', 'user/contact', { city: 'Тула' }],
      [tokens.buyer, 'PUT', 'user/contact', { id: 'abc' }],
      [tokens.buyer, 'DELETE', 'user/contact', {}],
      [tokens.buyer, 'DELETE', 'user/contact', { items: 'a,b' }],
      [tokens.buyer, 'POST', 'basket', {}],
      [tokens.buyer, 'POST', 'basket', { items: '' }],
      [tokens.buyer, 'PUT', 'basket', {}],
      [tokens.buyer, 'DELETE', 'basket', {}],
      [tokens.buyer, 'POST', 'order', { id: '1' }],
      [tokens.buyer, 'POST', 'order', { id: 'abc', contact: String(buyerContact) }],
      [tokens.supplier, 'POST', 'partner/update', {}],
      [tokens.supplier, 'POST', 'partner/state', {}],
    ];
    for (const [token, method, route, body] of cases) {
      for (const encoding of ['form', 'json'] as const) {
        const res = await v1(t, method, route, { token: token || undefined, body, encoding });
        expect(res.statusCode, `${method} ${route} ${JSON.stringify(body)}`).toBe(200);
        expect(res.json(), `${method} ${route} ${JSON.stringify(body)}`).toEqual(MISSING);
      }
    }
    // Without any body at all, too.
    const bare = await v1(t, 'POST', 'user/login');
    expect(bare.json()).toEqual(MISSING);
  });
});

describe('accounts', () => {
  it('reports registration problems by field', async () => {
    const base = { first_name: 'Олег', last_name: 'Иванов', company: 'Сеть', position: 'Закупщик' };
    const weak = await v1(t, 'POST', 'user/register', {
      body: { ...base, email: 'weak@example.test', password: '12345' },
    });
    expect(weak.json()).toEqual({ Status: false, Errors: { password: expect.any(Array) } });
    expect(weak.json().Errors.password.length).toBeGreaterThanOrEqual(2);
    const taken = await v1(t, 'POST', 'user/register', {
      body: { ...base, email: buyer.email, password: 'Sovsem-Novyi-2026' },
    });
    expect(taken.json()).toEqual({ Status: false, Errors: { email: [expect.stringContaining('уже есть')] } });
    const type = await v1(t, 'POST', 'user/register', {
      body: { ...base, email: 'type@example.test', password: 'Sovsem-Novyi-2026', type: 'admin' },
    });
    expect(type.json()).toEqual({ Status: false, Errors: { type: [expect.any(String)] } });
    const english = await v1(t, 'POST', 'user/register', {
      body: { ...base, email: 'weak@example.test', password: 'short' },
      headers: { 'accept-language': 'en' },
    });
    expect(english.json().Errors.password).toContain(
      'This password is too short. It must contain at least 8 characters.',
    );
  });

  it('refuses a wrong confirmation token and a wrong password', async () => {
    const confirm = await v1(t, 'POST', 'user/register/confirm', {
      body: { email: buyer.email, token: 'nope' },
    });
    expect(confirm.json()).toEqual({ Status: false, Errors: 'Неправильно указан токен или email' });
    const login = await v1(t, 'POST', 'user/login', {
      body: { email: buyer.email, password: 'Wrong-Password-1' },
    });
    expect(login.json()).toEqual({ Status: false, Errors: 'Не удалось авторизовать' });
    const unknown = await v1(t, 'POST', 'user/login', {
      body: { email: 'nobody@example.test', password: DEFAULT_PASSWORD },
    });
    expect(unknown.json()).toEqual({ Status: false, Errors: 'Не удалось авторизовать' });
  });

  it('takes multipart bodies and trailing slashes, and the login token works as `Token <key>`', async () => {
    const login = await v1(t, 'POST', 'user/login/', {
      body: { email: buyer.email, password: DEFAULT_PASSWORD },
      encoding: 'multipart',
    });
    expect(login.json()).toEqual({ Status: true, Token: expect.stringMatching(/^zk_/) });
    const details = await v1(t, 'GET', 'user/details/', { token: login.json().Token });
    expect(details.json()).toMatchObject({ id: buyer.id, email: buyer.email });
    const contact = await v1(t, 'POST', 'user/contact/', {
      token: login.json().Token,
      body: { city: 'Казань', street: 'Баумана', phone: '+79031234567' },
      encoding: 'multipart',
    });
    expect(contact.json()).toEqual({ Status: true });
    // A file part among the fields is not taken, and does not stop the fields from being read.
    const withFile = multipartBody(
      { name: 'note.txt', content: 'ignored' },
      { email: buyer.email, password: DEFAULT_PASSWORD },
    );
    const fileLogin = await t.app.inject({
      method: 'POST',
      url: '/api/v1/user/login',
      payload: withFile.payload,
      headers: withFile.headers,
    });
    expect(fileLogin.json()).toEqual({ Status: true, Token: expect.stringMatching(/^zk_/) });

    const list = (await v1(t, 'GET', 'user/contact', { token: tokens.buyer })).json();
    const added = list.find((c: { city: string }) => c.city === 'Казань');
    const removed = await v1(t, 'DELETE', 'user/contact', {
      token: tokens.buyer,
      body: { items: `${added.id}` },
    });
    expect(removed.json()).toEqual({ Status: true, 'Удалено объектов': 1 });
  });

  it('gives every login its own token and keeps the latest ten, never touching integration tokens', async () => {
    const user = await createUser(t.runtime, { role: 'buyer' });
    const integration = await createApiTokenFor(t, user, { name: 'ERP' });
    const issued: string[] = [];
    for (let i = 0; i < LOGIN_API_TOKENS_KEPT + 1; i += 1) {
      const res = await v1(t, 'POST', 'user/login', {
        body: { email: user.email, password: DEFAULT_PASSWORD },
      });
      issued.push(res.json().Token);
    }
    expect(new Set(issued).size).toBe(issued.length);
    const works = async (token: string) => (await v1(t, 'GET', 'user/details', { token })).statusCode === 200;
    expect(await works(issued[0])).toBe(false);
    for (const token of issued.slice(1)) expect(await works(token)).toBe(true);
    expect(await works(integration.token)).toBe(true);
  });

  it('changes details and the password; refuses a weak password and a malformed or taken email', async () => {
    const weak = await v1(t, 'POST', 'user/details', { token: tokens.other, body: { password: '1234' } });
    expect(weak.json()).toEqual({ Status: false, Errors: { password: expect.any(Array) } });
    const malformed = await v1(t, 'POST', 'user/details', {
      token: tokens.other,
      body: { email: 'new-at-example.test' },
    });
    expect(malformed.json()).toEqual({ Status: false, Errors: { email: [expect.any(String)] } });
    const taken = await v1(t, 'POST', 'user/details', {
      token: tokens.other,
      body: { email: buyer.email },
    });
    expect(taken.json()).toEqual({ Status: false, Errors: { email: [expect.any(String)] } });
    // Another free address starts an email change (src/modules/accounts/email-change.test.ts): the
    // address stays until the new one confirms.
    const moving = await v1(t, 'POST', 'user/details', {
      token: tokens.other,
      body: { email: 'new@example.test' },
    });
    expect(moving.json()).toEqual({ Status: true });
    await t.mail.waitFor((m) => m.recipients.includes('new@example.test'));
    expect((await v1(t, 'GET', 'user/details', { token: tokens.other })).json().email).toBe(other.email);
    const empty = await v1(t, 'POST', 'user/details', { token: tokens.other, body: { first_name: ' ' } });
    expect(empty.json()).toEqual({ Status: false, Errors: { first_name: [expect.any(String)] } });

    const changed = await v1(t, 'POST', 'user/details', {
      token: tokens.other,
      body: {
        first_name: 'Пётр',
        company: 'Новая сеть',
        email: other.email.toUpperCase(),
        password: 'Drugoi-Parol-2026',
      },
    });
    expect(changed.json()).toEqual({ Status: true });
    const details = (await v1(t, 'GET', 'user/details', { token: tokens.other })).json();
    expect(details).toMatchObject({ first_name: 'Пётр', company: 'Новая сеть', email: other.email });
    const old = await v1(t, 'POST', 'user/login', {
      body: { email: other.email, password: DEFAULT_PASSWORD },
    });
    expect(old.json().Status).toBe(false);
    const fresh = await v1(t, 'POST', 'user/login', {
      body: { email: other.email, password: 'Drugoi-Parol-2026' },
    });
    expect(fresh.json().Status).toBe(true);
    await t.mail.waitFor((m) => m.recipients.includes(other.email) && m.subject!.includes('Пароль'));
  });

  it('refuses a bad reset token and a weak new password', async () => {
    const bad = await v1(t, 'POST', 'user/password_reset/confirm', {
      body: { token: 'nope', password: 'Horoshii-Parol-1' },
    });
    expect(bad.json()).toEqual({ Status: false, Errors: expect.stringContaining('неверен') });
  });
});

describe('contacts', () => {
  it('changes and deletes only the caller’s own contacts', async () => {
    const foreign = await v1(t, 'PUT', 'user/contact', {
      token: tokens.buyer,
      body: { id: String(otherContact), city: 'Сочи' },
    });
    expect(foreign.json()).toEqual(WRONG);
    const bad = await v1(t, 'PUT', 'user/contact', {
      token: tokens.buyer,
      body: { id: String(buyerContact), phone: '12' },
    });
    expect(bad.json()).toEqual({ Status: false, Errors: { phone: [expect.stringContaining('телефона')] } });
    const deleted = await v1(t, 'DELETE', 'user/contact', {
      token: tokens.buyer,
      body: { items: `${otherContact},999999` },
    });
    expect(deleted.json()).toEqual({ Status: true, 'Удалено объектов': 0 });
    const theirs = (await v1(t, 'GET', 'user/contact', { token: tokens.other })).json();
    expect(theirs.map((c: { id: number }) => c.id)).toEqual([otherContact]);
  });

  it('keeps at most five contacts', async () => {
    const user = await createUser(t.runtime, { role: 'buyer' });
    const { token } = await createApiTokenFor(t, user);
    for (let i = 0; i < 5; i += 1) {
      const res = await v1(t, 'POST', 'user/contact', {
        token,
        body: { city: `Город ${i}`, street: 'Улица', phone: '+79161234567' },
      });
      expect(res.json()).toEqual({ Status: true });
    }
    const sixth = await v1(t, 'POST', 'user/contact', {
      token,
      body: { city: 'Город', street: 'Улица', phone: '+79161234567' },
    });
    expect(sixth.json()).toEqual({ Status: false, Errors: expect.stringContaining('не больше 5') });
  });
});

describe('basket and orders', () => {
  it('refuses malformed items and changes nothing', async () => {
    const adds = [
      'not json',
      '{"product_info": 1, "quantity": 1}',
      '[1, 2]',
      `[{"product_info": "x", "quantity": 1}]`,
      `[{"product_info": ${phone.id}, "quantity": 0}]`,
      `[{"product_info": ${phone.id}}]`,
      `[{"product_info": ${phone.id}, "quantity": 1.5}]`,
    ];
    for (const items of adds) {
      const res = await v1(t, 'POST', 'basket', { token: tokens.buyer, body: { items } });
      expect(res.json(), items).toEqual(BAD_FORMAT);
    }
    const json = await v1(t, 'POST', 'basket', {
      token: tokens.buyer,
      body: { items: { product_info: phone.id, quantity: 1 } },
      encoding: 'json',
    });
    expect(json.json()).toEqual(BAD_FORMAT);
    const update = await v1(t, 'PUT', 'basket', { token: tokens.buyer, body: { items: '[{"id": 1}]' } });
    expect(update.json()).toEqual(BAD_FORMAT);
    expect((await v1(t, 'GET', 'basket', { token: tokens.buyer })).json()).toEqual([]);
  });

  it('refuses more than is in stock, naming the offer, all or nothing', async () => {
    const res = await v1(t, 'POST', 'basket', {
      token: tokens.buyer,
      body: {
        items: JSON.stringify([
          { product_info: headset.id, quantity: 1 },
          { product_info: phone.id, quantity: 6 },
        ]),
      },
    });
    expect(res.json()).toEqual({
      Status: false,
      Errors: `Недостаточно товара «Телефон Тест» (предложение ${phone.id}): запрошено 6, в наличии 5`,
    });
    const unknown = await v1(t, 'POST', 'basket', {
      token: tokens.buyer,
      body: { items: JSON.stringify([{ product_info: 999999, quantity: 1 }]) },
    });
    expect(unknown.json()).toEqual({ Status: false, Errors: 'Предложение 999999 не найдено' });
    expect((await v1(t, 'GET', 'basket', { token: tokens.buyer })).json()).toEqual([]);
  });

  it('leaves other people’s basket lines, baskets and contacts alone', async () => {
    await v1(t, 'POST', 'basket', {
      token: tokens.other,
      body: { items: [{ product_info: headset.id, quantity: 2 }] },
      encoding: 'json',
    });
    const [theirs] = (await v1(t, 'GET', 'basket', { token: tokens.other })).json();
    const theirLine = theirs.ordered_items[0].id;

    const mine = await v1(t, 'POST', 'basket', {
      token: tokens.buyer,
      body: { items: JSON.stringify([{ product_info: phone.id, quantity: 4 }]) },
    });
    expect(mine.json()).toEqual({ Status: true, 'Создано объектов': 1 });
    const [basket] = (await v1(t, 'GET', 'basket', { token: tokens.buyer })).json();

    const update = await v1(t, 'PUT', 'basket', {
      token: tokens.buyer,
      body: { items: JSON.stringify([{ id: theirLine, quantity: 1 }]) },
    });
    expect(update.json()).toEqual({ Status: true, 'Обновлено объектов': 0 });
    const remove = await v1(t, 'DELETE', 'basket', {
      token: tokens.buyer,
      body: { items: String(theirLine) },
    });
    expect(remove.json()).toEqual({ Status: true, 'Удалено объектов': 0 });
    expect((await v1(t, 'GET', 'basket', { token: tokens.other })).json()[0].ordered_items[0].quantity).toBe(
      2,
    );

    const tooMany = await v1(t, 'PUT', 'basket', {
      token: tokens.buyer,
      body: { items: JSON.stringify([{ id: basket.ordered_items[0].id, quantity: 9 }]) },
    });
    expect(tooMany.json()).toEqual({ Status: false, Errors: expect.stringContaining('в наличии 5') });

    for (const body of [
      { id: String(theirs.id), contact: String(buyerContact) },
      { id: String(basket.id), contact: String(otherContact) },
      { id: String(basket.id), contact: 'abc' },
      { id: String(basket.id + 1000), contact: String(buyerContact) },
    ]) {
      const res = await v1(t, 'POST', 'order', { token: tokens.buyer, body });
      expect(res.json(), JSON.stringify(body)).toEqual(WRONG);
    }
    expect(await t.runtime.db.select().from(orders)).toEqual([]);
  });

  it('refuses an order above today’s stock, naming the offer, and takes nothing', async () => {
    // The buyer holds 4 phones in the basket; someone else buys 3 of the 5 first.
    const rival = await createUser(t.runtime, { role: 'buyer' });
    const { token } = await createApiTokenFor(t, rival);
    const contact = await createContact(t, rival);
    await v1(t, 'POST', 'basket', {
      token,
      body: { items: JSON.stringify([{ product_info: phone.id, quantity: 3 }]) },
    });
    const [rivalBasket] = (await v1(t, 'GET', 'basket', { token })).json();
    const bought = await v1(t, 'POST', 'order', {
      token,
      body: { id: String(rivalBasket.id), contact: String(contact.id) },
    });
    expect(bought.json()).toEqual({ Status: true });
    expect(await stock(phone.id)).toBe(2);

    const [basket] = (await v1(t, 'GET', 'basket', { token: tokens.buyer })).json();
    const res = await v1(t, 'POST', 'order', {
      token: tokens.buyer,
      body: { id: String(basket.id), contact: String(buyerContact) },
    });
    expect(res.json()).toEqual({
      Status: false,
      Errors: `Недостаточно товара «Телефон Тест» (предложение ${phone.id}): запрошено 4, в наличии 2`,
    });
    expect(await stock(phone.id)).toBe(2);
    expect((await v1(t, 'GET', 'order', { token: tokens.buyer })).json()).toEqual([]);
    expect((await v1(t, 'GET', 'basket', { token: tokens.buyer })).json()[0].ordered_items).toHaveLength(1);

    // A shop that stops accepting orders refuses them too.
    await v1(t, 'PUT', 'basket', {
      token: tokens.buyer,
      body: { items: JSON.stringify([{ id: basket.ordered_items[0].id, quantity: 1 }]) },
    });
    expect(
      (await v1(t, 'POST', 'partner/state', { token: tokens.supplier, body: { state: 'n' } })).json(),
    ).toEqual({
      Status: true,
    });
    const closed = await v1(t, 'POST', 'order', {
      token: tokens.buyer,
      body: { id: String(basket.id), contact: String(buyerContact) },
    });
    expect(closed.json()).toEqual({ Status: false, Errors: expect.stringContaining('не принимает заказы') });
    expect(
      (await v1(t, 'POST', 'partner/state', { token: tokens.supplier, body: { state: 'Y' } })).json(),
    ).toEqual({
      Status: true,
    });
    const ok = await v1(t, 'POST', 'order', {
      token: tokens.buyer,
      body: { id: String(basket.id), contact: String(buyerContact) },
    });
    expect(ok.json()).toEqual({ Status: true });
    expect(await stock(phone.id)).toBe(1);
    expect((await v1(t, 'GET', 'order', { token: tokens.buyer })).json()).toMatchObject([{ id: basket.id }]);
  });
});

describe('catalog', () => {
  it('pages categories 40 at a time with absolute links, and refuses a page that does not exist', async () => {
    for (let i = 0; i < V1_PAGE_SIZE + 5; i += 1) {
      await createOffer(t.runtime, {
        shopId,
        price: 10,
        quantity: 1,
        categoryName: `Раздел ${String(i).padStart(2, '0')}`,
      });
    }
    const first = (await v1(t, 'GET', 'categories?page=1')).json();
    expect(first.count).toBeGreaterThanOrEqual(V1_PAGE_SIZE + 5);
    expect(first.results).toHaveLength(V1_PAGE_SIZE);
    expect(first.next).toBe('http://zakupka.test/api/v1/categories?page=2');
    expect(first.previous).toBeNull();
    const second = (await v1(t, 'GET', 'categories?page=2')).json();
    expect(second.previous).toBe('http://zakupka.test/api/v1/categories');
    expect(second.next).toBeNull();
    expect(second.results).toHaveLength(first.count - V1_PAGE_SIZE);
    const ids = new Set([...first.results, ...second.results].map((c: { id: number }) => c.id));
    expect(ids.size).toBe(first.count);

    for (const page of ['3', '0', 'x']) {
      const res = await v1(t, 'GET', `categories?page=${page}`);
      expect(res.statusCode).toBe(404);
      expect(res.json()).toEqual({ detail: 'Неверная страница.' });
    }
  });

  it('lists every category, also those with nothing on sale, as the reference does', async () => {
    const [empty] = await t.runtime.db
      .insert(categories)
      .values({ name: 'Пустой раздел', normalizedName: 'пустой раздел' })
      .returning();
    const withdrawn = await createOffer(t.runtime, {
      shopId,
      price: 10,
      quantity: 1,
      categoryName: 'Снятые с продажи',
    });
    await t.runtime.db.update(offers).set({ isActive: false }).where(eq(offers.id, withdrawn.id));
    const listed: { id: number; name: string }[] = [];
    for (let page = 1; ; page += 1) {
      const res = (await v1(t, 'GET', `categories?page=${page}`)).json();
      listed.push(...res.results);
      if (!res.next) break;
    }
    expect(listed).toContainEqual({ id: empty.id, name: 'Пустой раздел' });
    expect(listed.map((category) => category.name)).toContain('Снятые с продажи');
    expect((await v1(t, 'GET', `products?category_id=${empty.id}`)).json()).toEqual([]);
  });

  it('refuses filters that are not ids', async () => {
    expect((await v1(t, 'GET', 'products?shop_id=abc')).json()).toEqual(WRONG);
    expect((await v1(t, 'GET', 'products?category_id=-1')).json()).toEqual(WRONG);
  });
});

describe('partner', () => {
  it('refuses an invalid URL, an unreachable file and a broken one', async () => {
    const invalid = await v1(t, 'POST', 'partner/update', {
      token: tokens.supplier,
      body: { url: 'not a url' },
    });
    expect(invalid.json()).toEqual({ Status: false, Error: expect.any(String) });
    const ftp = await v1(t, 'POST', 'partner/update', {
      token: tokens.supplier,
      body: { url: 'ftp://example.test/a.yaml' },
    });
    expect(ftp.json()).toEqual({ Status: false, Error: expect.any(String) });
    const missing = await v1(t, 'POST', 'partner/update', {
      token: tokens.supplier,
      body: { url: files.url('nope.yaml') },
    });
    expect(missing.json()).toEqual({ Status: false, Errors: expect.stringContaining('404') });
    const broken = await v1(t, 'POST', 'partner/update', {
      token: tokens.supplier,
      body: { url: files.url('broken.yaml') },
    });
    expect(broken.json()).toEqual({ Status: false, Errors: expect.any(String) });
    // Nothing of the shop was taken off sale by the failed imports.
    expect(await stock(headset.id)).toBeGreaterThan(0);
    const products = (await v1(t, 'GET', `products?shop_id=${shopId}`)).json();
    expect(products.map((p: { id: number }) => p.id)).toContain(headset.id);
  });

  it('refuses a state that is not a truth value', async () => {
    const res = await v1(t, 'POST', 'partner/state', { token: tokens.supplier, body: { state: 'maybe' } });
    expect(res.json()).toEqual({ Status: false, Errors: expect.stringContaining('maybe') });
    expect((await v1(t, 'GET', 'partner/state', { token: tokens.supplier })).json()).toMatchObject({
      state: true,
    });
  });

  it('imports a large price list in the background and names the import', async () => {
    const owner = await createUser(t.runtime, { role: 'supplier' });
    const shop = await createShop(t.runtime, { ownerId: owner.id });
    const { token } = await createApiTokenFor(t, owner);
    const res = await v1(t, 'POST', 'partner/update', { token, body: { url: files.url('large.yaml') } });
    expect(res.json()).toEqual({ Status: true, Task: expect.any(Number) });
    // The job imports it; the goods appear.
    const deadline = Date.now() + 120_000;
    let count = 0;
    while (Date.now() < deadline) {
      count = (await v1(t, 'GET', `products?shop_id=${shop.id}`)).json().length;
      if (count > 0) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(count).toBeGreaterThan(1000);
  });
});

describe('documentation', () => {
  it('documents every v1 route under the v1 tag with its answers', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/docs/json' })).json();
    const v1Paths = Object.keys(doc.paths).filter((p) => p.startsWith('/api/v1/'));
    expect(v1Paths).toEqual(
      expect.arrayContaining([
        '/api/v1/user/register',
        '/api/v1/user/register/confirm',
        '/api/v1/user/login',
        '/api/v1/user/details',
        '/api/v1/user/password_reset',
        '/api/v1/user/password_reset/confirm',
        '/api/v1/user/contact',
        '/api/v1/categories',
        '/api/v1/shops',
        '/api/v1/products',
        '/api/v1/basket',
        '/api/v1/order',
        '/api/v1/partner/update',
        '/api/v1/partner/state',
        '/api/v1/partner/orders',
      ]),
    );
    for (const p of v1Paths) {
      for (const operation of Object.values(doc.paths[p]) as { tags: string[]; responses: object }[]) {
        expect(operation.tags).toEqual(['v1']);
        expect(Object.keys(operation.responses)).toContain('200');
      }
    }
    expect(doc.tags).toContainEqual(
      expect.objectContaining({ name: 'v1', description: expect.stringContaining('Seed-compatible') }),
    );
  });
});
