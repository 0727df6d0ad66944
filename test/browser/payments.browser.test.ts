// Payments in the console, in a real browser (Debian's Chromium) against `node src/server.ts` on a
// fresh embedded database with the demo data and the embedded default card provider (`sandbox`):
// staff record and void bank payments on an order page and download the invoice; a supplier uploads
// a 1C statement naming its invoice and reads the report (twice); a buyer pays by card on the
// sandbox page and comes back to the console to see the order paid. Every page fails its test on
// any browser console error.
import fs from 'node:fs';
import path from 'node:path';
import { createZakupkaClient, unwrap, type ZakupkaClient } from '@zakupka/client';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { statementFile } from '../factories/payments.ts';
import { launchBrowser, newPage, type RunningServer, startServer, watchConsole } from './harness.ts';

const PASSWORD = 'Zakupka-Demo-2026';
const STAFF = 'staff@demo.zakupka.local';
const BUYER = 'buyer@demo.zakupka.local';
const SUPPLIER = 'supplier@demo.zakupka.local';
const LAPTOP = { width: 1366, height: 768 };

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

interface PlacedOrder {
  id: number;
  number: string;
  total: string;
  billing: { inn?: string | null };
  parts: { id: number; total: string; shop: { id: number; name: string } }[];
}

/** An order of one offer of the demo supplier's shop, placed by the demo buyer through the API. */
async function placeOrder(quantity = 1): Promise<PlacedOrder> {
  const supplier = await apiAs(SUPPLIER);
  const shop = unwrap(await supplier.api.GET('/api/v2/supplier/shop'));
  const offers = unwrap(
    await supplier.api.GET('/api/v2/offers', { params: { query: { shop: shop.id, limit: 50 } } }),
  );
  const offer = (offers.items as { id: number; quantity: number }[]).find((item) => item.quantity > 2);
  if (!offer) throw new Error('the demo shop has no offer in stock');
  const buyer = await apiAs(BUYER);
  const existing = unwrap(await buyer.api.GET('/api/v2/me/contacts'));
  const contacts = Array.isArray(existing) ? existing : (existing as { items: { id: number }[] }).items;
  const contactId =
    contacts[0]?.id ??
    unwrap(
      await buyer.api.POST('/api/v2/me/contacts', {
        body: {
          city: 'Москва',
          street: 'Тверская',
          house: '7',
          phone: '+79161234567',
          recipient_name: 'Иван Петров',
        },
      }),
    ).id;
  unwrap(await buyer.api.POST('/api/v2/basket/items', { body: { offer_id: offer.id, quantity } }));
  return unwrap(
    await buyer.api.POST('/api/v2/orders', { body: { contact_id: contactId } }),
  ) as unknown as PlacedOrder;
}

async function signIn(page: Page, email: string) {
  await page.goto(`${server.url}/`);
  await page.getByLabel('Электронная почта').fill(email);
  await page.getByLabel('Пароль').fill(PASSWORD);
  await page.getByRole('button', { name: 'Войти' }).click();
}

/** "1234.50" minus "100.00" as a decimal string, in kopecks (the test's own arithmetic). */
function minus(a: string, b: string): string {
  const kopecks = (value: string) => Math.round(Number(value) * 100);
  const rest = kopecks(a) - kopecks(b);
  return `${Math.floor(rest / 100)}.${String(rest % 100).padStart(2, '0')}`;
}

describe('payments in the console', () => {
  it('staff record a partial then a full payment, void one, and download the invoice PDF', async () => {
    const order = await placeOrder(2);
    const part = order.parts[0];
    const rest = minus(part.total, '100.00');

    const page = await newPage(browser, 'staff-payments', LAPTOP);
    const console = watchConsole(page);
    await signIn(page, STAFF);
    await page.getByRole('menuitem', { name: 'Заказы' }).waitFor();
    await page.goto(`${server.url}/console/orders/${order.id}/show`);
    const panel = page.getByRole('region', { name: 'Оплата', exact: true });
    const partCard = panel.getByRole('region', { name: `Поставщик «${part.shop.name}»` });
    await partCard.getByText('Не оплачен').waitFor();

    async function record(amount: string, reference: string) {
      await partCard.getByRole('button', { name: 'Внести платёж' }).click();
      const form = page.getByRole('form', { name: 'Внести платёж' });
      await form.getByLabel('Сумма').fill(amount.replace('.', ','));
      await form.getByLabel('Платёжное поручение / номер').fill(reference);
      await form.getByRole('button', { name: 'Внести платёж' }).click();
      await form.waitFor({ state: 'detached' });
    }

    await record('100.00', 'п/п № 11 от 03.12.2026');
    await partCard.getByText('Оплачен частично').waitFor();
    await record(rest, 'п/п № 12 от 03.12.2026');
    await partCard.getByText('Оплачен', { exact: true }).waitFor();
    // The order's own status (the panel's heading chip) follows its only part.
    await expect.poll(() => panel.getByText('Оплачен', { exact: true }).count()).toBe(2);
    const payments = partCard.getByRole('table', { name: `Платежи: ${part.shop.name}` });
    await expect.poll(() => payments.getByRole('row').count()).toBe(3);
    await payments.getByRole('row').filter({ hasText: 'п/п № 11' }).getByText('Сотрудник').waitFor();

    // Void the first payment: the part falls back to partially paid and the row keeps the reason.
    await payments
      .getByRole('row')
      .filter({ hasText: 'п/п № 11' })
      .getByRole('button', { name: 'Аннулировать' })
      .click();
    const voidForm = page.getByRole('form', { name: 'Аннулировать' });
    await voidForm.getByLabel('Причина').fill('Ошибочно внесён');
    await voidForm.getByRole('button', { name: 'Аннулировать' }).click();
    await voidForm.waitFor({ state: 'detached' });
    await partCard.getByText('Оплачен частично').waitFor();
    await payments.getByText(/Аннулирован .*: Ошибочно внесён/).waitFor();
    const staffApi = await apiAs(STAFF);
    const view = unwrap(
      await staffApi.api.GET('/api/v2/orders/{id}/payments', { params: { path: { id: order.id } } }),
    );
    expect(view.parts[0]).toMatchObject({ status: 'partially_paid', paid_amount: rest });
    expect(view.parts[0].payments.filter((payment) => payment.voided)).toHaveLength(1);

    // The invoice PDF is issued on download and named by its number.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      partCard.getByRole('button', { name: 'Скачать счёт (PDF)' }).click(),
    ]);
    const file = await download.path();
    expect(fs.readFileSync(file).subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(download.suggestedFilename()).toMatch(/^invoice-\d{4}-\d{5}\.pdf$/);
    await partCard.getByText(/Счёт № \d{4}-\d{5} от/).waitFor();

    // A screenshot of the page for the README.
    await panel.scrollIntoViewIfNeeded();
    fs.mkdirSync(path.resolve('docs'), { recursive: true });
    await page.screenshot({ path: path.resolve('docs/console-payments.png') });
    // The staff order list shows and filters by the payment status.
    await page.goto(
      `${server.url}/console/orders?filter=${encodeURIComponent(JSON.stringify({ payment_status: 'partially_paid' }))}`,
    );
    const row = page.getByRole('row').filter({ hasText: order.number });
    await row.getByText('Оплачен частично').waitFor();
    expect(console.unexpected()).toEqual([]);
  });

  it('a supplier uploads a statement naming its invoice: matched, then already recorded', async () => {
    const order = await placeOrder(1);
    const part = order.parts[0];
    const supplierApi = await apiAs(SUPPLIER);
    // The invoice is issued with the order's confirmation email (a job) or on first download.
    const pdf = await supplierApi.api.GET('/api/v2/orders/{id}/parts/{part_id}/invoice.pdf', {
      params: { path: { id: order.id, part_id: part.id } },
      parseAs: 'blob',
    });
    const invoice = pdf.response.headers.get('x-invoice-number');
    expect(invoice).toMatch(/^\d{4}-\d{5}$/);
    const statement = statementFile([
      {
        number: '345',
        date: '03.12.2026',
        amount: part.total,
        payerInn: order.billing.inn ?? '',
        purpose: `Оплата по счёту № ${invoice} от 03.12.2026`,
        received: '03.12.2026',
      },
    ]);
    const file = path.join(server.dataDir, 'statement.txt');
    fs.writeFileSync(file, statement);

    const page = await newPage(browser, 'supplier-statement', LAPTOP);
    const console = watchConsole(page);
    await signIn(page, SUPPLIER);
    await page.getByRole('menuitem', { name: 'Банковские выписки' }).click();
    const form = page.getByRole('form', { name: 'Загрузить выписку из банка' });

    await form.getByLabel('Файл').setInputFiles(file);
    await form.getByRole('button', { name: 'Загрузить' }).click();
    const matched = page.getByRole('table', { name: 'Сопоставлены и внесены' });
    await matched.getByText(`Счёт ${invoice}`).waitFor();
    await page.getByText('Уже внесены ранее: нет').waitFor();
    // The match links to the supplier's order page.
    expect(await matched.getByRole('link').getAttribute('href')).toBe(
      `/console/supplier-orders/${order.id}/show`,
    );
    await expect
      .poll(async () => {
        const now = unwrap(
          await supplierApi.api.GET('/api/v2/orders/{id}/payments', { params: { path: { id: order.id } } }),
        );
        return now.parts[0].status;
      })
      .toBe('paid');

    await form.getByLabel('Файл').setInputFiles(file);
    await form.getByRole('button', { name: 'Загрузить' }).click();
    const already = page.getByRole('table', { name: 'Уже внесены ранее' });
    await already.getByText(`Счёт ${invoice}`).waitFor();
    await page.getByText('Сопоставлены и внесены: нет').waitFor();
    // Both uploads are in the history, newest first.
    await expect.poll(() => page.getByRole('row').filter({ hasText: 'statement.txt' }).count()).toBe(2);

    // A file that is not a 1C statement: the API's error names the line.
    const bad = path.join(server.dataDir, 'not-a-statement.txt');
    fs.writeFileSync(bad, 'Это не выписка\r\n');
    await form.getByLabel('Файл').setInputFiles(bad);
    await form.getByRole('button', { name: 'Загрузить' }).click();
    await page
      .getByRole('alert')
      .filter({ hasText: /Строка 1/ })
      .waitFor();

    // The match's link opens the supplier's order page, which shows the part paid.
    await form.getByLabel('Файл').setInputFiles(file);
    await form.getByRole('button', { name: 'Загрузить' }).click();
    await page.getByRole('table', { name: 'Уже внесены ранее' }).getByRole('link').click();
    await page.getByRole('heading', { name: `Заказ ${order.number}` }).waitFor();
    const panel = page.getByRole('region', { name: 'Оплата', exact: true });
    await panel
      .getByRole('region', { name: `Поставщик «${part.shop.name}»` })
      .getByText('Оплачен', { exact: true })
      .waitFor();
    await panel
      .getByRole('table', { name: `Платежи: ${part.shop.name}` })
      .getByText('п/п № 345 от 03.12.2026')
      .waitFor();
    expect(console.unexpected([/status of 422/])).toEqual([]);
  });

  it('a buyer pays an order by card on the sandbox page and comes back to see it paid', async () => {
    const order = await placeOrder(1);
    const page = await newPage(browser, 'buyer-card', LAPTOP);
    const console = watchConsole(page);
    // The console at 127.0.0.1 while PUBLIC_URL is the default http://localhost:<port>: the sandbox
    // keeps the buyer on the console's origin, where its session is.
    await signIn(page, BUYER);
    await page.getByRole('menuitem', { name: 'Счета и оплата' }).click();
    await page.getByRole('row').filter({ hasText: order.number }).getByText(order.number).click();
    await page.getByRole('heading', { name: `Счета и оплата заказа ${order.number}` }).waitFor();
    const panel = page.getByRole('region', { name: 'Оплата', exact: true });
    await panel.getByText('Не оплачен').first().waitFor();
    await panel.getByRole('button', { name: /^Оплатить картой/ }).click();

    await page.getByRole('heading', { name: 'Песочница оплаты' }).waitFor();
    expect(new URL(page.url()).origin).toBe(server.url);
    await page.getByRole('button', { name: 'Оплатить' }).click();
    await page.waitForURL(`${server.url}/console/payment-orders/${order.id}/show?card_payment=latest`);
    await page.getByText('Оплата картой получена. Спасибо!').waitFor();
    await expect.poll(() => panel.getByText('Оплачен', { exact: true }).count()).toBeGreaterThan(0);
    await expect(panel.getByRole('button', { name: /^Оплатить картой/ }).count()).resolves.toBe(0);
    const buyerApi = await apiAs(BUYER);
    const view = unwrap(
      await buyerApi.api.GET('/api/v2/orders/{id}/payments', { params: { path: { id: order.id } } }),
    );
    expect(view.status).toBe('paid');
    expect(view.card_payments.map((card) => card.status)).toEqual(['succeeded']);
    expect(console.unexpected()).toEqual([]);
  });

  it('staff mark a bank refund of a canceled paid order done, and read the notification log', async () => {
    const order = await placeOrder(1);
    const staffApi = await apiAs(STAFF);
    unwrap(
      await staffApi.api.POST('/api/v2/orders/{id}/parts/{part_id}/payments', {
        params: { path: { id: order.id, part_id: order.parts[0].id } },
        body: { amount: '50.00', paid_at: new Date().toISOString(), reference: 'п/п № 90' },
      }),
    );
    const buyerApi = await apiAs(BUYER);
    unwrap(
      await buyerApi.api.POST('/api/v2/orders/{id}/cancel', { params: { path: { id: order.id } }, body: {} }),
    );
    // The refund is created by a job queued with the cancel.
    await expect
      .poll(
        async () => {
          const pending = unwrap(
            await staffApi.api.GET('/api/v2/admin/payments/refunds', {
              params: { query: { status: 'pending' } },
            }),
          );
          return pending.items.filter((refund) => refund.order_id === order.id).length;
        },
        { timeout: 30_000 },
      )
      .toBe(1);

    const page = await newPage(browser, 'staff-refunds', LAPTOP);
    const console = watchConsole(page);
    await signIn(page, STAFF);
    await page.getByRole('menuitem', { name: 'Возвраты' }).click();
    const row = page.getByRole('row').filter({ hasText: `#${order.id} ·` });
    await row.getByText('ожидает').waitFor();
    await row.getByText('50,00 ₽').waitFor();
    await row.getByRole('button', { name: 'Отметить выполненным' }).click();
    const form = page.getByRole('form', { name: 'Отметить выполненным' });
    await form.getByLabel(/Платёжное поручение/).fill('п/п № 77 от 04.12.2026');
    await form.getByRole('button', { name: 'Подтвердить' }).click();
    await page.getByText('Возврат отмечен выполненным; покупатель получит письмо').waitFor();
    await row.getByText('выполнен').waitFor();
    await row.getByText('п/п № 77 от 04.12.2026').waitFor();
    const view = unwrap(
      await staffApi.api.GET('/api/v2/orders/{id}/payments', { params: { path: { id: order.id } } }),
    );
    expect(view.parts[0].status).toBe('refunded');

    // The provider's notifications, the buyer's card payment of the test before among them.
    await page.getByRole('menuitem', { name: 'Уведомления оплат' }).click();
    await page
      .getByRole('row')
      .filter({ hasText: 'payment.succeeded' })
      .getByText('Платёж записан')
      .first()
      .waitFor();

    // Staff see every upload, the supplier's of the test before with its shop; a row opens its report.
    await page.getByRole('menuitem', { name: 'Банковские выписки' }).click();
    // (The supplier uploaded its statement three times; the newest first.)
    const uploads = page.getByRole('row').filter({ hasText: 'statement.txt' });
    await expect.poll(() => uploads.count()).toBe(3);
    await uploads.first().getByText(order.parts[0].shop.name).waitFor();
    await uploads.first().getByText('statement.txt').click();
    await page.getByRole('table', { name: 'Уже внесены ранее' }).getByRole('link').waitFor();
    expect(
      await page.getByRole('table', { name: 'Уже внесены ранее' }).getByRole('link').getAttribute('href'),
    ).toMatch(/^\/console\/orders\/\d+\/show$/);
    expect(console.unexpected()).toEqual([]);
  });
});
