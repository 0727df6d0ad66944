// The buyer's purchasing workspace in a real browser (Debian's Chromium) against
// `node src/server.ts` on a fresh embedded database with the demo data: quick order from a CSV
// file, a shopping list sent to the basket, a standing order created and paused, an API token
// shown once. Every page fails its test on any browser console error. What the pages did is
// checked through the API.
import fs from 'node:fs';
import path from 'node:path';
import { createZakupkaClient, unwrap, type ZakupkaClient } from '@zakupka/client';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { launchBrowser, newPage, type RunningServer, startServer, watchConsole } from './harness.ts';

const PASSWORD = 'Zakupka-Demo-2026';
const BUYER = 'buyer@demo.zakupka.local';
const LAPTOP = { width: 1366, height: 768 };
const TABLET = { width: 820, height: 1180 };
const SCREENSHOT = path.resolve('docs/console-buyer-quick-order.png');

const MILK = 'Простоквашино — Молоко 3,2 %, 930 мл';
const KEFIR = 'Домик в деревне — Кефир 2,5 %, 900 г';
const FLOUR = 'Макфа — Мука пшеничная высший сорт, 2 кг';
const SOUR_CREAM = 'Простоквашино — Сметана 20 %, 300 г';

let server: RunningServer;
let browser: Browser;
let buyer: ZakupkaClient;

beforeAll(async () => {
  [server, browser] = await Promise.all([
    startServer({ DEMO_DATA: 'true', RATE_LIMIT: 'false' }),
    launchBrowser(),
  ]);
  buyer = createZakupkaClient({ baseUrl: server.url });
  await buyer.login({ email: BUYER, password: PASSWORD });
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});
// Each test starts from an empty basket (the tests share the demo buyer).
beforeEach(async () => {
  unwrap(await buyer.api.DELETE('/api/v2/basket'));
});

async function signIn(page: Page) {
  await page.goto(`${server.url}/`);
  await page.getByLabel('Электронная почта').fill(BUYER);
  await page.getByLabel('Пароль').fill(PASSWORD);
  await page.getByRole('button', { name: 'Войти' }).click();
  // Signed in once the console leaves its login page (the session is kept for page.goto).
  await page.waitForURL((url) => !url.pathname.endsWith('/login'));
}

/** A demo product by its exact name, with its offers (cheapest first). */
async function product(name: string) {
  const found = unwrap(
    await buyer.api.GET('/api/v2/products', { params: { query: { q: name, limit: 20 } } }),
  );
  const hit = found.items.find((item) => item.name === name);
  if (!hit) throw new Error(`the demo catalog has no «${name}»`);
  return unwrap(await buyer.api.GET('/api/v2/products/{id}', { params: { path: { id: hit.id } } }));
}

/** The basket's lines as product name → {quantity, shop}. */
async function basketLines() {
  const basket = unwrap(await buyer.api.GET('/api/v2/basket'));
  const lines = new Map<string, { quantity: number; shopId: number }>();
  for (const group of basket.groups) {
    for (const line of group.lines)
      lines.set(line.product_name, { quantity: line.quantity, shopId: group.shop.id });
  }
  return lines;
}

async function contact(): Promise<{ city: string; street: string }> {
  const existing = unwrap(await buyer.api.GET('/api/v2/me/contacts'));
  if (existing.items.length) return existing.items[0];
  return unwrap(
    await buyer.api.POST('/api/v2/me/contacts', {
      body: {
        city: 'Москва',
        street: 'Тверская',
        house: '7',
        phone: '+79161234567',
        recipient_name: 'Иван Петров',
      },
    }),
  );
}

describe('the buyer’s purchasing workspace', () => {
  it('fills the basket by quick order from a CSV file: an ambiguous line resolved, an unmatched one reported', async () => {
    // The milk by a supplier's code: that supplier's offer (not the cheapest) is taken.
    const milk = await product(MILK);
    const coded = milk.offers[milk.offers.length - 1];
    expect(milk.offers.length).toBeGreaterThan(1);
    const csv = [`${coded.external_id};5`, 'Кефир;2', 'Макфа;3', 'Зуборезка хрустальная;1'].join('\n');

    const page = await newPage(browser, 'buyer-quick-order', LAPTOP);
    const console = watchConsole(page);
    await signIn(page);
    await page.getByRole('menuitem', { name: 'Быстрый заказ' }).click();
    await page.getByRole('heading', { level: 1, name: 'Быстрый заказ' }).waitFor();
    await page.getByLabel('Файл CSV или XLSX').setInputFiles({
      name: 'заказ.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(csv, 'utf8'),
    });
    await page.getByRole('button', { name: 'Загрузить в корзину' }).click();

    const matched = page.getByRole('table', { name: 'Найденные строки' });
    await matched.getByRole('row').filter({ hasText: MILK }).waitFor();
    await matched.getByRole('row').filter({ hasText: KEFIR }).waitFor();
    await page.getByText('Найдено: 2').waitFor();
    await page.getByText('Неоднозначно: 1').waitFor();
    await page.getByText('Не найдено: 1').waitFor();
    const unmatched = page.getByRole('table', { name: 'Не найдено' });
    await unmatched
      .getByRole('row')
      .filter({ hasText: 'Зуборезка хрустальная' })
      .getByText('товар не найден')
      .waitFor();
    const added = page.getByRole('table', { name: 'Добавлено в корзину' });
    await added.getByRole('row').filter({ hasText: MILK }).getByText(coded.shop.name).waitFor();

    // The ambiguous line: both Makfa goods offered; the flour is picked and goes into the basket.
    const ambiguous = page.getByRole('group', { name: 'Строка 3' });
    await ambiguous.getByRole('button', { name: /Макароны рожки/ }).waitFor();
    await ambiguous.getByRole('button', { name: new RegExp(FLOUR.slice(0, 20)) }).click();
    await ambiguous.getByText(`Выбрано: ${FLOUR}`).waitFor();
    await page.getByRole('heading', { name: 'Результат' }).scrollIntoViewIfNeeded();
    await page.evaluate(() => window.scrollBy(0, -80));
    fs.mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
    await page.screenshot({ path: SCREENSHOT });

    const lines = await basketLines();
    expect([...lines.keys()].sort()).toEqual([FLOUR, KEFIR, MILK].sort());
    expect(lines.get(MILK)).toEqual({ quantity: 5, shopId: coded.shop.id });
    expect(lines.get(KEFIR)?.quantity).toBe(2);
    expect(lines.get(FLOUR)?.quantity).toBe(3);

    await page.getByRole('link', { name: 'Перейти в корзину' }).waitFor();
    expect(console.unexpected()).toEqual([]);
  });

  it('creates a shopping list, adds two lines by search and sends it to the basket (on a tablet)', async () => {
    const sourCream = await product(SOUR_CREAM);
    const preferred = sourCream.offers[sourCream.offers.length - 1];

    const page = await newPage(browser, 'buyer-shopping-list', TABLET);
    const console = watchConsole(page);
    await signIn(page);
    // On a tablet the menu is folded: the list page is reached by its address.
    await page.goto(`${server.url}/console/shopping-lists`);
    await page.getByText('Списков покупок пока нет').waitFor();
    await page.getByRole('link', { name: 'Создать' }).first().click();
    await page.waitForURL(/\/shopping-lists\/create$/);
    await page.getByLabel('Название').fill('Молочка на понедельник');
    await page.getByRole('button', { name: 'Сохранить' }).click();
    await page.getByText('В списке пока нет товаров').waitFor();

    const add = page.getByRole('form', { name: 'Добавить товар' });
    await add.getByLabel('Товар (начните вводить название)').fill('Кефир');
    await page.getByRole('option', { name: new RegExp(KEFIR.slice(0, 15)) }).click();
    await add.getByLabel('Количество').fill('4');
    await add.getByRole('button', { name: 'Добавить' }).click();
    const table = page.getByRole('table', { name: 'Товары списка' });
    await table.getByRole('row').filter({ hasText: KEFIR }).waitFor();

    await add.getByLabel('Товар (начните вводить название)').fill('Сметана');
    await page.getByRole('option', { name: /Сметана 20/ }).click();
    await add.getByLabel('Количество').fill('2');
    await add.getByLabel('Поставщик').click();
    await page
      .getByRole('option', {
        name: new RegExp(`^${preferred.shop.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`),
      })
      .click();
    await add.getByRole('button', { name: 'Добавить' }).click();
    await table.getByRole('row').filter({ hasText: SOUR_CREAM }).getByText(preferred.shop.name).waitFor();

    await page.getByRole('button', { name: 'Положить в корзину' }).click();
    await page.getByText('Добавлено в корзину: 2 позиции').waitFor();

    const lines = await basketLines();
    expect(lines.get(KEFIR)?.quantity).toBe(4);
    expect(lines.get(SOUR_CREAM)).toEqual({ quantity: 2, shopId: preferred.shop.id });
    expect(lines.size).toBe(2);
    const lists = unwrap(await buyer.api.GET('/api/v2/shopping-lists'));
    expect(lists.items.find((list) => list.name === 'Молочка на понедельник')?.line_count).toBe(2);

    // A second list started from the basket: its goods, each with its shop preferred.
    await page.goto(`${server.url}/console/shopping-lists/create`);
    await page.getByLabel('Название').fill('Как в корзине');
    await page.getByLabel('Начать').click();
    await page.getByRole('option', { name: 'с товаров из корзины' }).click();
    await page.getByRole('button', { name: 'Сохранить' }).click();
    const copied = page.getByRole('table', { name: 'Товары списка' });
    await copied.getByRole('row').filter({ hasText: SOUR_CREAM }).getByText(preferred.shop.name).waitFor();
    await copied.getByRole('row').filter({ hasText: KEFIR }).waitFor();
    expect(await copied.getByRole('row').count()).toBe(3);

    // From the index, a list goes into the basket in one click.
    unwrap(await buyer.api.DELETE('/api/v2/basket'));
    await page.goto(`${server.url}/console/shopping-lists`);
    await page.getByRole('button', { name: 'Положить в корзину: Как в корзине' }).click();
    await page.getByText('В корзину добавлено позиций: 2').waitFor();
    expect((await basketLines()).get(SOUR_CREAM)).toEqual({ quantity: 2, shopId: preferred.shop.id });
    expect(console.unexpected()).toEqual([]);
  });

  it('creates a standing order, sees it listed with its next slot, pauses it and edits its schedule', async () => {
    const kefir = await product(KEFIR);
    const address = await contact();
    unwrap(
      await buyer.api.POST('/api/v2/shopping-lists', {
        body: { name: 'Кефир по будням', lines: [{ product_id: kefir.id, quantity: 6 }] },
      }),
    );

    const page = await newPage(browser, 'buyer-standing-order', LAPTOP);
    const console = watchConsole(page);
    await signIn(page);
    await page.getByRole('menuitem', { name: 'Регулярные заказы' }).click();
    await page.getByText('Регулярных заказов пока нет').waitFor();
    await page.getByRole('link', { name: 'Создать' }).first().click();
    await page.waitForURL(/\/standing-orders\/create$/);
    await page.getByLabel('Список покупок').click();
    await page.getByRole('option', { name: 'Кефир по будням' }).click();
    await page.getByLabel('Адрес доставки').click();
    await page.getByRole('option', { name: `${address.city}, ${address.street}`, exact: false }).click();
    await page.getByLabel('понедельник').check();
    await page.getByLabel('четверг').check();
    await page.getByLabel('Время').fill('07:30');
    await page.getByRole('button', { name: 'Сохранить' }).click();
    await page.getByRole('heading', { name: 'Запуски' }).waitFor();
    await page.getByText('Запусков ещё не было').waitFor();

    const [created] = unwrap(await buyer.api.GET('/api/v2/standing-orders')).items;
    expect(created).toMatchObject({ weekdays: [1, 4], time: '07:30', mode: 'prepare', paused: false });
    expect(created.next_slot_at).not.toBeNull();
    // The next slot as the page shows it: its date (in the schedule's time zone) and time.
    const slotDate = new Date(created.next_slot_at!).toLocaleDateString('ru-RU', {
      day: 'numeric',
      month: 'long',
      timeZone: 'Europe/Moscow',
    });

    await page.getByRole('menuitem', { name: 'Регулярные заказы' }).click();
    const row = page.getByRole('row').filter({ hasText: 'Кефир по будням' });
    await row.getByText('пн, чт в 07:30').waitFor();
    await row.getByRole('cell').filter({ hasText: slotDate }).filter({ hasText: '07:30' }).waitFor();
    await row.getByText('Действует').waitFor();
    await row.getByRole('button', { name: 'Приостановить' }).click();
    await row.getByText('Приостановлен').waitFor();
    await row.getByRole('button', { name: 'Возобновить' }).waitFor();
    const after = unwrap(
      await buyer.api.GET('/api/v2/standing-orders/{id}', { params: { path: { id: created.id } } }),
    );
    expect(after.paused).toBe(true);
    expect(after.next_slot_at).toBeNull();

    // Edited to every two days: the weekdays give way to the new kind of schedule.
    await row.getByText('Кефир по будням').click();
    await page.getByRole('link', { name: 'Редактировать' }).click();
    await page.waitForURL(new RegExp(`/standing-orders/${created.id}$`));
    await page.getByLabel('Каждые N дней').check();
    await page.getByLabel('Каждые (дней)').fill('2');
    await page.getByRole('button', { name: 'Сохранить' }).click();
    await page.getByText(/^каждые 2 дня с .* в 07:30 \(Europe\/Moscow\)$/).waitFor();
    const edited = unwrap(
      await buyer.api.GET('/api/v2/standing-orders/{id}', { params: { path: { id: created.id } } }),
    );
    expect(edited).toMatchObject({ weekdays: null, every_days: 2, time: '07:30', paused: true });
    expect(console.unexpected()).toEqual([]);
  });

  it('creates an API token and sees its secret once', async () => {
    const page = await newPage(browser, 'buyer-api-token', LAPTOP);
    const console = watchConsole(page);
    await signIn(page);
    await page.getByRole('menuitem', { name: 'API-токены' }).click();
    await page.getByText('Токенов пока нет').waitFor();
    await page.getByLabel('Название').fill('Учётная система');
    await page.getByRole('button', { name: 'Создать токен' }).click();
    const secret = page.getByTestId('api-token-secret');
    await secret.waitFor();
    const token = (await secret.textContent())!.trim();
    await page.getByRole('button', { name: 'Копировать' }).waitFor();
    const row = page.getByRole('row').filter({ hasText: 'Учётная система' });
    const prefix = (await row.locator('code').textContent())!.replace('…', '');
    expect(token.startsWith(prefix)).toBe(true);

    // The token works, and it is never shown again.
    const me = await fetch(`${server.url}/api/v2/me`, { headers: { authorization: `Bearer ${token}` } });
    expect(me.status).toBe(200);
    expect(((await me.json()) as { email: string }).email).toBe(BUYER);
    await page.reload();
    await page.getByRole('row').filter({ hasText: 'Учётная система' }).waitFor();
    expect(await page.getByTestId('api-token-secret').count()).toBe(0);
    expect(await page.content()).not.toContain(token);
    expect(console.unexpected()).toEqual([]);
  });

  it('keeps billing details (a wrong INN shown on its field) and a delivery address', async () => {
    const page = await newPage(browser, 'buyer-profile', LAPTOP);
    const console = watchConsole(page);
    await signIn(page);
    await page.getByRole('menuitem', { name: 'Профиль' }).click();
    const billing = page.getByRole('region', { name: 'Реквизиты' });
    await billing.getByLabel('Название организации').fill('ПАО Сбербанк');
    const inn = billing.getByLabel('ИНН', { exact: true });
    await inn.fill('7707083894');
    await billing.getByRole('button', { name: 'Сохранить' }).click();
    await expect.poll(() => inn.getAttribute('aria-invalid')).toBe('true');
    await billing.getByText('контрольн', { exact: false }).first().waitFor();

    await inn.fill('7707083893');
    await billing.getByLabel('КПП').fill('773601001');
    await billing.getByLabel('ОГРН / ОГРНИП').fill('1027700132195');
    await billing.getByLabel('БИК банка').fill('044525225');
    await billing.getByLabel('Расчётный счёт').fill('40702810138250123017');
    await billing.getByLabel('Корреспондентский счёт').fill('30101810400000000225');
    await billing.getByRole('button', { name: 'Сохранить' }).click();
    await page.getByText('Реквизиты сохранены').waitFor();
    expect(await inn.getAttribute('aria-invalid')).toBe('false');
    const me = unwrap(await buyer.api.GET('/api/v2/me'));
    expect(me.billing_details).toMatchObject({
      legal_name: 'ПАО Сбербанк',
      inn: '7707083893',
      kpp: '773601001',
    });

    await page.getByRole('menuitem', { name: 'Адреса доставки' }).click();
    await page.getByRole('link', { name: 'Создать' }).first().click();
    await page.waitForURL(/\/contacts\/create$/);
    await page.getByRole('button', { name: 'Сохранить' }).waitFor();
    await page.getByLabel('Город').fill('Казань');
    await page.getByLabel('Улица').fill('Баумана');
    await page.getByLabel('Дом', { exact: true }).fill('12');
    await page.getByLabel('Телефон').fill('+7 843 123-45-67');
    await page.getByRole('button', { name: 'Сохранить' }).click();
    await page.getByRole('row').filter({ hasText: 'Баумана' }).waitFor();
    const contacts = unwrap(await buyer.api.GET('/api/v2/me/contacts'));
    expect(contacts.items.some((item) => item.city === 'Казань' && item.phone === '+78431234567')).toBe(true);
    expect(console.unexpected([/status of 4\d\d .*\/api\/v2\/me/])).toEqual([]);
  });
});
