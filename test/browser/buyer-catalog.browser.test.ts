// The buyer's day in the console, in a real browser (Debian's Chromium) against
// `node src/server.ts` on a fresh embedded database with the demo data: search with a typo, compare
// one product's offers side by side, add from the dearer one, let the optimizer move the line, check
// out with a new delivery contact (a double click places one order), find the order in the list,
// reorder it and cancel it.
// And a supplier's minimum order: the basket shows how much is missing and checkout is refused.
// Every page fails its test on any browser console error unless the test names the one it expects.
import fs from 'node:fs';
import path from 'node:path';
import { createZakupkaClient, unwrap, type ZakupkaClient } from '@zakupka/client';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, newPage, type RunningServer, startServer, watchConsole } from './harness.ts';

const PASSWORD = 'Zakupka-Demo-2026';
const BUYER = 'buyer@demo.zakupka.local';
const LAPTOP = { width: 1366, height: 768 };
const TABLET = { width: 820, height: 1180 };
/** "кефир" mistyped: the catalog's typo correction finds it. */
const TYPO = 'кефр';

let server: RunningServer;
let browser: Browser;

beforeAll(async () => {
  [server, browser] = await Promise.all([
    startServer({ DEMO_DATA: 'true', RATE_LIMIT: 'false' }),
    launchBrowser(),
  ]);
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

async function apiAs(email: string): Promise<ZakupkaClient> {
  const client = createZakupkaClient({ baseUrl: server.url });
  await client.login({ email, password: PASSWORD });
  return client;
}

async function signIn(page: Page, email: string) {
  await page.goto(`${server.url}/`);
  await page.getByLabel('Электронная почта').fill(email);
  await page.getByLabel('Пароль').fill(PASSWORD);
  await page.getByRole('button', { name: 'Войти' }).click();
}

/** "1 234,50 ₽" as the console writes an API amount ("1234.50"). */
function roubles(amount: string): RegExp {
  const [whole, fraction = '00'] = amount.split('.');
  const grouped = Number(whole).toLocaleString('ru-RU').replace(/\s/g, '\\s');
  return new RegExp(`${grouped},${fraction.padEnd(2, '0').slice(0, 2)}\\s₽`);
}

async function screenshot(page: Page, name: string) {
  await page.screenshot({ path: path.resolve('docs', `console-buyer-${name}.png`) });
}

describe('the buyer’s workspace', () => {
  it('searches with a typo, compares offers, adds from the dearer one, optimizes, checks out and sees the order', async () => {
    // What the demo catalog offers for the typo: a product with offers of at least two suppliers.
    const anonymous = createZakupkaClient({ baseUrl: server.url });
    const found = unwrap(
      await anonymous.api.GET('/api/v2/products', { params: { query: { q: TYPO, limit: 50 } } }),
    );
    const target = found.items.find((item) => item.offer_count >= 2 && item.in_stock);
    expect(target, 'a product with two offers for the typo').toBeDefined();
    const product = unwrap(
      await anonymous.api.GET('/api/v2/products/{id}', { params: { path: { id: target!.id } } }),
    );
    const inStock = product.offers.filter((offer) => offer.quantity >= 1);
    const cheapest = inStock[0];
    const dearer = inStock.find((offer) => Number(offer.price) > Number(cheapest.price))!;
    expect(dearer, 'an offer dearer than the cheapest').toBeDefined();

    const page = await newPage(browser, 'buyer-day', LAPTOP);
    const console = watchConsole(page);
    await signIn(page, BUYER);
    // The buyer's home: a search box, the basket, the latest orders.
    await page.getByRole('heading', { level: 1, name: 'Закупка на сегодня' }).waitFor();
    await page.getByRole('search').getByLabel('Поиск товаров').fill(TYPO);
    await page.getByRole('search').getByRole('button', { name: 'Найти' }).click();
    await page.waitForURL(/\/console\/catalog\?q=/);
    const results = page.getByRole('table', { name: 'Товары' });
    await results.getByRole('link', { name: product.name }).waitFor();
    await page.getByText(/Точных совпадений нет — показаны результаты по запросу/).waitFor();
    await results.getByRole('link', { name: product.name }).click();

    // The product page: every offer side by side with its price, terms and expected delivery.
    await page.getByRole('heading', { level: 1, name: product.name }).waitFor();
    const offers = page.getByRole('list', { name: 'Предложения поставщиков' });
    const cheapCard = offers.getByRole('listitem', { name: cheapest.shop.name });
    const dearCard = offers.getByRole('listitem', { name: dearer.shop.name });
    await cheapCard.waitFor();
    expect(await offers.getByRole('listitem').count()).toBe(product.offers.length);
    await expect.poll(() => cheapCard.textContent()).toMatch(roubles(cheapest.price));
    expect(await dearCard.textContent()).toMatch(roubles(dearer.price));
    expect(await cheapCard.textContent()).toContain('Лучшая цена');
    for (const card of [cheapCard, dearCard]) {
      const text = (await card.textContent()) ?? '';
      expect(text).toContain('Доставка:');
      expect(text).toContain('Минимальный заказ');
      expect(text).toContain('Дни доставки');
    }
    // Side by side: the two cards share a row at 1366 px.
    const [cheapBox, dearBox] = [await cheapCard.boundingBox(), await dearCard.boundingBox()];
    expect(cheapBox && dearBox && Math.abs(cheapBox.y - dearBox.y) < 2).toBe(true);
    await screenshot(page, 'product');

    await dearCard.getByLabel('Кол-во').fill('1');
    await dearCard.getByRole('button', { name: 'В корзину' }).click();
    await dearCard.getByRole('link', { name: 'Перейти в корзину' }).click();

    // The basket: the line sits with the dearer supplier.
    await page.getByRole('heading', { level: 1, name: 'Корзина' }).waitFor();
    const dearGroup = page.getByRole('region', { name: dearer.shop.name });
    await dearGroup.getByRole('link', { name: product.name }).waitFor();
    await page.getByRole('button', { name: 'Подобрать выгоднее' }).click();
    const moves = page.getByRole('table', { name: 'Предлагаемые переносы' });
    const move = moves.getByRole('row').filter({ hasText: product.name });
    await move.waitFor();
    expect(await move.textContent()).toContain(dearer.shop.name);
    expect(await move.textContent()).toContain(cheapest.shop.name);
    const saving = (Number(dearer.price) - Number(cheapest.price)).toFixed(2);
    expect(await page.getByLabel('Итоги подбора').textContent()).toMatch(roubles(saving));
    await screenshot(page, 'basket');
    await page
      .getByRole('region', { name: 'Подбор выгодных поставщиков' })
      .getByRole('button', { name: 'Применить' })
      .click();
    const cheapGroup = page.getByRole('region', { name: cheapest.shop.name });
    await cheapGroup.getByRole('link', { name: product.name }).waitFor();
    expect(await page.getByRole('region', { name: dearer.shop.name }).count()).toBe(0);

    // Checkout: no contact yet, so one is added right here; a double click places one order.
    await page.getByRole('link', { name: 'Оформить заказ' }).click();
    await page.getByRole('heading', { level: 1, name: 'Оформление заказа' }).waitFor();
    const form = page.getByRole('form', { name: 'Добавить адрес' });
    await form.getByLabel('Город').fill('Москва');
    await form.getByLabel('Улица').fill('Тверская');
    await form.getByLabel('Дом').fill('7');
    await form.getByLabel('Телефон').fill('+79161234567');
    await form.getByRole('button', { name: 'Сохранить адрес' }).click();
    await page.getByRole('radio', { name: /Москва, Тверская, 7/ }).waitFor();
    expect(await page.getByRole('radio', { name: /Москва, Тверская, 7/ }).isChecked()).toBe(true);
    await page.getByRole('button', { name: 'Подтвердить заказ' }).dblclick();
    await page.waitForURL(/\/console\/my-orders\/\d+\/show$/);
    const orderId = Number(/my-orders\/(\d+)\/show/.exec(page.url())![1]);
    const heading = page.getByRole('heading', { level: 1, name: /^Заказ / });
    await heading.waitFor();
    await page
      .getByRole('region', { name: cheapest.shop.name })
      .getByRole('link', { name: product.name })
      .waitFor();

    // The order in the list.
    await page.getByRole('menuitem', { name: 'Мои заказы' }).click();
    const buyer = await apiAs(BUYER);
    const order = unwrap(await buyer.api.GET('/api/v2/orders/{id}', { params: { path: { id: orderId } } }));
    await page.getByRole('row').filter({ hasText: order.number }).waitFor();

    // Through the API: one order (the double click did not place two), with the cheaper offer.
    const list = unwrap(await buyer.api.GET('/api/v2/orders'));
    expect(list.items.map((item) => item.id)).toEqual([orderId]);
    expect(order.parts.map((part) => part.shop.id)).toEqual([cheapest.shop.id]);
    expect(order.parts[0].lines.map((line) => [line.offer_id, line.quantity])).toEqual([[cheapest.id, 1]]);
    expect(order.parts[0].promised_delivery_date).toBe(cheapest.expected_delivery_date);
    expect(order.delivery.city).toBe('Москва');

    // The order page again: reorder puts the line back in the basket and says so; then cancel.
    await page.getByRole('row').filter({ hasText: order.number }).click();
    await heading.waitFor();
    await page.getByRole('button', { name: 'Повторить заказ' }).click();
    await page.getByText('В корзину добавлена 1 строка').waitFor();
    const refilled = unwrap(await buyer.api.GET('/api/v2/basket'));
    expect(
      refilled.groups.flatMap((group) => group.lines.map((line) => [line.offer_id, line.quantity])),
    ).toEqual([[cheapest.id, 1]]);
    await page.getByRole('button', { name: 'Отменить заказ' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Подтвердить' }).click();
    await page
      .getByRole('heading', { level: 1, name: /^Заказ / })
      .getByText('Отменён')
      .waitFor();
    expect(
      unwrap(await buyer.api.GET('/api/v2/orders/{id}', { params: { path: { id: orderId } } })).state,
    ).toBe('canceled');
    expect(console.unexpected()).toEqual([]);
  });

  it('shows how much a supplier part lacks of its minimum, and checkout refuses it in words', async () => {
    const supplier = await apiAs('supplier2@demo.zakupka.local');
    const shop = unwrap(
      await supplier.api.PATCH('/api/v2/supplier/shop', { body: { min_order_amount: '100000' } }),
    );
    const offers = unwrap(
      await supplier.api.GET('/api/v2/offers', { params: { query: { shop: shop.id, limit: 50 } } }),
    );
    const offer = offers.items.find((item) => item.quantity >= 2 && Number(item.price) < 10000)!;
    const buyer = await apiAs(BUYER);
    // A delivery contact (the first test adds one through the page; this test does not rely on it).
    if (unwrap(await buyer.api.GET('/api/v2/me/contacts')).items.length === 0) {
      unwrap(
        await buyer.api.POST('/api/v2/me/contacts', {
          body: { city: 'Москва', street: 'Тверская', house: '7', phone: '+79161234567' },
        }),
      );
    }
    unwrap(await buyer.api.DELETE('/api/v2/basket'));
    unwrap(await buyer.api.POST('/api/v2/basket/items', { body: { offer_id: offer.id, quantity: 1 } }));
    const basket = unwrap(await buyer.api.GET('/api/v2/basket'));
    const missing = basket.groups[0].delivery.missing_amount;
    const ordersBefore = unwrap(await buyer.api.GET('/api/v2/orders')).items.length;

    // On a tablet: the pages fit its width (wide tables scroll inside their card).
    const page = await newPage(browser, 'buyer-minimum', TABLET);
    const console = watchConsole(page);
    const pageWidth = () => page.evaluate(() => document.documentElement.scrollWidth);
    await signIn(page, BUYER);
    await page.getByRole('heading', { level: 1, name: 'Закупка на сегодня' }).waitFor();
    await page.goto(`${server.url}/console/basket`);
    const group = page.getByRole('region', { name: shop.name });
    await group.getByRole('progressbar', { name: 'Минимальная сумма заказа' }).waitFor();
    const groupText = (await group.textContent()) ?? '';
    expect(groupText).toContain('До минимального заказа не хватает');
    expect(groupText).toMatch(roubles(missing));
    expect(groupText).toMatch(roubles('100000'));
    await page.getByText(/Не набрана минимальная сумма у поставщиков/).waitFor();
    expect(await pageWidth()).toBeLessThanOrEqual(TABLET.width);

    // Checkout: refused, in words, nothing taken.
    await page.getByRole('link', { name: 'Оформить заказ' }).click();
    await page.getByRole('radio').first().waitFor();
    await page.getByRole('button', { name: 'Подтвердить заказ' }).click();
    const refusal = page
      .getByRole('alert')
      .filter({ hasText: 'Не набрана минимальная сумма заказа у поставщика' });
    await refusal.waitFor();
    expect(await refusal.textContent()).toContain(shop.name);
    expect(page.url()).toMatch(/\/console\/checkout$/);
    expect(await pageWidth()).toBeLessThanOrEqual(TABLET.width);
    expect(unwrap(await buyer.api.GET('/api/v2/orders')).items.length).toBe(ordersBefore);
    const after = unwrap(await buyer.api.GET('/api/v2/basket'));
    expect(after.groups[0].lines.map((line) => line.offer_id)).toEqual([offer.id]);
    expect(console.unexpected([/status of 409/])).toEqual([]);
    // Put the shop back as the demo has it.
    unwrap(await supplier.api.PATCH('/api/v2/supplier/shop', { body: { min_order_amount: null } }));
  });
});

// The screenshots are kept for the README; make sure the folder is there.
fs.mkdirSync(path.resolve('docs'), { recursive: true });
