// The console in a real browser (Debian's Chromium) against `node src/server.ts` on a fresh
// embedded database with the demo data (DEMO_DATA=true: demo staff, suppliers and a buyer, one
// password) and a real SMTP server catching the mail. Every page fails its test on any browser
// console error (a refused request counts) unless the test names the one it expects.
import path from 'node:path';
import { createZakupkaClient, unwrap, type ZakupkaClient } from '@zakupka/client';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SmtpCapture, startSmtpCapture } from '../helpers/smtp.ts';
import { launchBrowser, newPage, type RunningServer, startServer, watchConsole } from './harness.ts';

const PASSWORD = 'Zakupka-Demo-2026';
const STAFF = 'staff@demo.zakupka.local';
const BUYER = 'buyer@demo.zakupka.local';
const SUPPLIER = 'supplier@demo.zakupka.local';
const LAPTOP = { width: 1366, height: 768 };

let server: RunningServer;
let browser: Browser;
let mail: SmtpCapture;

beforeAll(async () => {
  mail = await startSmtpCapture();
  [server, browser] = await Promise.all([
    startServer({ DEMO_DATA: 'true', SMTP_URL: mail.url, RATE_LIMIT: 'false' }),
    launchBrowser(),
  ]);
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await mail?.close();
});

async function apiAs(email: string): Promise<ZakupkaClient> {
  const client = createZakupkaClient({ baseUrl: server.url });
  await client.login({ email, password: PASSWORD });
  return client;
}

/** An offer of the demo supplier's shop that is on sale with stock. */
async function supplierOffer(): Promise<{ id: number; shopId: number }> {
  const supplier = await apiAs(SUPPLIER);
  const shop = unwrap(await supplier.api.GET('/api/v2/supplier/shop'));
  const offers = unwrap(
    await supplier.api.GET('/api/v2/offers', { params: { query: { shop: shop.id, limit: 50 } } }),
  );
  const offer = (offers.items as { id: number; quantity: number }[]).find((item) => item.quantity > 2);
  if (!offer) throw new Error('the demo shop has no offer in stock');
  return { id: offer.id, shopId: shop.id };
}

async function buyerWithContact(): Promise<{ client: ZakupkaClient; contactId: number }> {
  const client = await apiAs(BUYER);
  const existing = unwrap(await client.api.GET('/api/v2/me/contacts'));
  const items = Array.isArray(existing) ? existing : (existing as { items: { id: number }[] }).items;
  if (items.length) return { client, contactId: items[0].id };
  const contact = unwrap(
    await client.api.POST('/api/v2/me/contacts', {
      body: {
        city: 'Москва',
        street: 'Тверская',
        house: '7',
        phone: '+79161234567',
        recipient_name: 'Иван Петров',
      },
    }),
  );
  return { client, contactId: contact.id };
}

async function signIn(page: Page, email: string) {
  await page.goto(`${server.url}/`);
  // GET / leads to the console's login page.
  await page.getByLabel('Электронная почта').fill(email);
  await page.getByLabel('Пароль').fill(PASSWORD);
  await page.getByRole('button', { name: 'Войти' }).click();
}

describe('the console', () => {
  it('staff find a new order and confirm it; the buyer gets the email', async () => {
    const offer = await supplierOffer();
    const { client: buyer, contactId } = await buyerWithContact();
    unwrap(await buyer.api.POST('/api/v2/basket/items', { body: { offer_id: offer.id, quantity: 1 } }));
    const order = unwrap(await buyer.api.POST('/api/v2/orders', { body: { contact_id: contactId } }));
    mail.clear();

    const page = await newPage(browser, 'staff-confirms-order', LAPTOP);
    const console = watchConsole(page);
    await signIn(page, STAFF);
    await page.getByRole('menuitem', { name: 'Заказы' }).click();
    await page.getByLabel('Номер').fill(order.number);
    // The filter applies (debounced) through the address: wait for it before opening a row.
    await page.waitForURL(/filter=.*number/);
    const row = page.getByRole('row').filter({ hasText: order.number });
    await expect.poll(() => page.getByRole('row').count(), { timeout: 15_000 }).toBe(2);
    await row.waitFor();
    await row.getByText('Новый').first().click();
    await page.getByRole('heading', { name: `Заказ ${order.number}` }).waitFor();

    const orderForm = page.getByRole('form', { name: 'Статус заказа' });
    await orderForm.getByLabel('Новый статус').click();
    // Only the transition table's targets are offered (the API's allowed_states), never the
    // current state.
    const staff = await apiAs(STAFF);
    const allowed = unwrap(
      await staff.api.GET('/api/v2/admin/orders/{id}', { params: { path: { id: order.id } } }),
    ).allowed_states;
    const options = await page.getByRole('option').allTextContents();
    expect(options).toHaveLength(allowed.length);
    expect(options).toContain('Подтверждён');
    expect(options).not.toContain('Новый');
    await page.getByRole('option', { name: 'Подтверждён' }).click();
    await orderForm.getByLabel('Комментарий').fill('Проверено по телефону');
    await orderForm.getByRole('button', { name: 'Изменить статус' }).click();
    await page.getByText('Статус изменён; покупатель получит письмо').waitFor();
    await expect
      .poll(
        async () =>
          unwrap(await buyer.api.GET('/api/v2/orders/{id}', { params: { path: { id: order.id } } })).state,
      )
      .toBe('confirmed');

    const email = await mail.waitFor(
      (m) => m.recipients.includes(BUYER) && (m.text ?? '').includes(order.number),
    );
    expect(email.subject ?? '').not.toBe('');
    expect(console.unexpected()).toEqual([]);
  });

  it('a supplier uploads a price list, watches the progress and sees the 14 goods', async () => {
    const page = await newPage(browser, 'supplier-uploads-price-list', LAPTOP);
    const console = watchConsole(page);
    await signIn(page, SUPPLIER);
    await page.getByRole('menuitem', { name: 'Прайс-лист' }).click();
    await page
      .getByLabel('Файл прайс-листа (YAML или JSON)')
      .setInputFiles(path.resolve('test/fixtures/shop1.yaml'));
    const start = page.getByRole('button', { name: 'Загрузить', exact: true });
    await expect.poll(() => start.isEnabled(), { timeout: 10_000 }).toBe(true);
    await start.click();
    // The import is queued for the job worker: the bar shows while it waits and runs.
    await page.getByRole('progressbar', { name: 'Ход загрузки' }).waitFor();
    const counts = page.getByTestId('import-counts');
    await counts.waitFor({ timeout: 60_000 });
    expect(await counts.textContent()).toMatch(/^Товаров: 14;/);
    expect(console.unexpected()).toEqual([]);
  });

  it('a supplier stops accepting orders (after a confirmation) and the basket shows the problem', async () => {
    const offer = await supplierOffer();
    const { client: buyer } = await buyerWithContact();
    unwrap(await buyer.api.POST('/api/v2/basket/items', { body: { offer_id: offer.id, quantity: 1 } }));

    const page = await newPage(browser, 'supplier-stops-orders', LAPTOP);
    const console = watchConsole(page);
    await signIn(page, SUPPLIER);
    await page.getByRole('menuitem', { name: 'Мой магазин' }).click();
    await page.getByText('Магазин принимает заказы.').waitFor();
    await page.getByRole('button', { name: 'Выключить приём заказов' }).click();
    // Nothing changes before the confirmation.
    await page.getByRole('dialog').waitFor();
    const before = unwrap(await buyer.api.GET('/api/v2/basket'));
    expect(before.groups.find((g) => g.shop.id === offer.shopId)?.shop.accepting_orders).toBe(true);
    await page.getByRole('dialog').getByRole('button', { name: 'Подтвердить' }).click();
    await page.getByText('Магазин не принимает заказы: покупатели не могут заказать ваши товары.').waitFor();

    const basket = unwrap(await buyer.api.GET('/api/v2/basket'));
    const group = basket.groups.find((g) => g.shop.id === offer.shopId)!;
    expect(group.shop.accepting_orders).toBe(false);
    expect(group.lines.find((line) => line.offer_id === offer.id)?.problems).toContain(
      'shop_not_accepting_orders',
    );
    expect(console.unexpected()).toEqual([]);

    // Back on, so the shop stays usable.
    await page.getByRole('button', { name: 'Включить приём заказов' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Подтвердить' }).click();
    await page.getByText('Магазин принимает заказы.').waitFor();
  });

  it('staff block a user (after a confirmation), who then cannot sign in', async () => {
    const blocked = 'supplier7@demo.zakupka.local';
    const page = await newPage(browser, 'staff-blocks-user', LAPTOP);
    const console = watchConsole(page);
    await signIn(page, STAFF);
    await page.getByRole('menuitem', { name: 'Пользователи' }).click();
    await page.getByLabel('Почта, имя или компания').fill('supplier7@demo');
    await page.waitForURL(/filter=.*supplier7/);
    const row = page.getByRole('row').filter({ hasText: blocked });
    // The header and the one account found.
    await expect.poll(() => page.getByRole('row').count(), { timeout: 15_000 }).toBe(2);
    await row.waitFor();
    await row.getByText('Поставщик', { exact: true }).click();
    await page.getByLabel('Причина блокировки').fill('Нарушение договора');
    await page.getByRole('button', { name: 'Заблокировать' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Подтвердить' }).click();
    await page.getByText('Заблокирован. Причина: Нарушение договора').waitFor();
    expect(console.unexpected()).toEqual([]);

    const refused = await newPage(browser, 'blocked-user-signs-in', LAPTOP);
    const refusedConsole = watchConsole(refused);
    await signIn(refused, blocked);
    await refused.getByRole('alert').waitFor();
    expect(refused.url()).toContain('/console/login');
    // The one expected error: the refused login request itself.
    expect(refusedConsole.unexpected([/status of 403 .*\/api\/v2\/auth\/login/])).toEqual([]);
    const direct = await fetch(`${server.url}/api/v2/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: blocked, password: PASSWORD }),
    });
    expect(direct.status).toBe(403);
    expect(((await direct.json()) as { code: string }).code).toBe('account_blocked');
  });

  it('a deep link survives a reload, and a missing asset is a 404', async () => {
    const supplier = await apiAs(SUPPLIER);
    const shop = unwrap(await supplier.api.GET('/api/v2/supplier/shop'));
    const page = await newPage(browser, 'deep-link-reload', LAPTOP);
    const console = watchConsole(page);
    await signIn(page, STAFF);
    await page.getByRole('menuitem', { name: 'Заказы' }).waitFor();
    await page.goto(`${server.url}/console/shops/${shop.id}/show`);
    await page.getByText(shop.name).first().waitFor();
    await page.reload();
    await page.getByText(shop.name).first().waitFor();
    expect(new URL(page.url()).pathname).toBe(`/console/shops/${shop.id}/show`);
    expect(console.unexpected()).toEqual([]);
    expect((await fetch(`${server.url}/console/assets/missing.js`)).status).toBe(404);
  });

  it('a buyer who signs in gets the buyer’s home: search, basket, latest orders, and the buyer’s menu', async () => {
    const page = await newPage(browser, 'buyer-signs-in', LAPTOP);
    const console = watchConsole(page);
    await signIn(page, BUYER);
    await page.getByRole('heading', { level: 1, name: 'Закупка на сегодня' }).waitFor();
    await page.getByRole('search').getByLabel('Поиск товаров').waitFor();
    await page.getByRole('region', { name: 'Последние заказы' }).waitFor();
    for (const item of ['Каталог', 'Корзина', 'Мои заказы'])
      await page.getByRole('menuitem', { name: item }).waitFor();
    // Staff's lists are not the buyer's.
    expect(await page.getByRole('menuitem', { name: 'Пользователи' }).count()).toBe(0);
    expect(console.unexpected()).toEqual([]);
  });

  it('speaks English when switched, the server’s messages included', async () => {
    const page = await newPage(browser, 'english', LAPTOP);
    const console = watchConsole(page);
    await page.goto(`${server.url}/console/`);
    await page.getByRole('heading', { name: 'Вход в консоль' }).waitFor();
    await page.getByRole('button', { name: /Русский/i }).click();
    await page.getByRole('menuitem', { name: 'English' }).click();
    await page.getByRole('heading', { name: 'Sign in to the console' }).waitFor();
    await page.getByLabel('Email').fill(STAFF);
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    // The API's refusal, asked for in English.
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toMatch(/^[\x20-\x7e’]+$/);
    expect(console.unexpected([/status of 401 .*\/api\/v2\/auth\/login/])).toEqual([]);
  });

  it('staff hide an offer with a reason (after a confirmation); the supplier sees it hidden and why', async () => {
    const offer = await supplierOffer();
    const staffApi = await apiAs(STAFF);
    const listed = unwrap(
      await staffApi.api.GET('/api/v2/offers', { params: { query: { shop: offer.shopId, limit: 50 } } }),
    );
    const target = listed.items.find((item) => item.id === offer.id)!;

    const page = await newPage(browser, 'staff-hides-offer', LAPTOP);
    const console = watchConsole(page);
    await signIn(page, STAFF);
    await page.getByRole('menuitem', { name: 'Товары' }).waitFor();
    await page.goto(`${server.url}/console/products/${target.product_id}/show`);
    const row = page.getByRole('row').filter({ hasText: target.shop.name });
    await row.waitFor();
    await row.getByLabel('Причина').fill('Нет сертификата');
    await row.getByRole('button', { name: /^Скрыть / }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Подтвердить' }).click();
    await row.getByText('Скрыт модератором. Причина: Нет сертификата').waitFor();
    expect(console.unexpected()).toEqual([]);

    const supplierPage = await newPage(browser, 'supplier-sees-hidden-offer', LAPTOP);
    const supplierConsole = watchConsole(supplierPage);
    await signIn(supplierPage, SUPPLIER);
    await supplierPage.getByRole('menuitem', { name: 'Мои предложения' }).click();
    const hiddenRow = supplierPage.getByRole('row').filter({ hasText: target.external_id });
    await hiddenRow.getByText('Скрыт модератором. Причина: Нет сертификата').waitFor();
    expect(supplierConsole.unexpected()).toEqual([]);
    // Gone from the public catalog.
    const after = unwrap(
      await staffApi.api.GET('/api/v2/offers', { params: { query: { shop: offer.shopId, limit: 50 } } }),
    );
    expect(after.items.some((item) => item.id === offer.id)).toBe(false);
  });
});
