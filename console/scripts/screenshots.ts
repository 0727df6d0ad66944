// The README's screenshots: the console on demo data at 1366×768, taken with playwright-core and
// Debian's Chromium. Start a server with `DEMO_DATA=true npm start` (and place an order or two),
// then: `node console/scripts/screenshots.ts http://127.0.0.1:8000` → docs/console-*.png.
import path from 'node:path';
import { chromium, type Page } from 'playwright-core';

const base = process.argv[2] ?? 'http://127.0.0.1:8000';
const docs = path.resolve(import.meta.dirname, '../../docs');
const PASSWORD = 'Zakupka-Demo-2026';

async function signIn(page: Page, email: string) {
  await page.goto(`${base}/`);
  await page.getByLabel('Электронная почта').fill(email);
  await page.getByLabel('Пароль').fill(PASSWORD);
  await page.getByRole('button', { name: 'Войти' }).click();
  await page.getByRole('menuitem', { name: 'Главная' }).waitFor();
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu'],
});
try {
  const staff = await (await browser.newContext({ viewport: { width: 1366, height: 768 } })).newPage();
  await signIn(staff, 'staff@demo.zakupka.local');
  await staff.getByText('Заказы ждут подтверждения').waitFor();
  await staff.screenshot({ path: path.join(docs, 'console-home.png') });
  await staff.getByRole('menuitem', { name: 'Заказы' }).click();
  await staff.getByRole('row').nth(1).getByText(/^Z-/).click();
  await staff.getByRole('heading', { name: /^Заказ Z-/ }).waitFor();
  await staff.screenshot({ path: path.join(docs, 'console-order.png') });

  const supplier = await (await browser.newContext({ viewport: { width: 1366, height: 768 } })).newPage();
  await signIn(supplier, 'supplier@demo.zakupka.local');
  await supplier.getByRole('menuitem', { name: 'Прайс-лист' }).click();
  await supplier
    .getByRole('button', { name: /^Подробно о загрузке/ })
    .first()
    .click();
  await supplier.getByTestId('import-counts').waitFor();
  await supplier.screenshot({ path: path.join(docs, 'console-price-list.png') });
} finally {
  await browser.close();
}
