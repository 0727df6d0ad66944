// /docs in a real browser, opened at the address the README gives (127.0.0.1, while PUBLIC_URL
// says localhost): Swagger UI shows the operations and "Try it out" → "Execute" gets an answer
// from the server (before, the document's server was PUBLIC_URL: a cross-origin call that the
// browser refused with "Failed to fetch").
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, newPage, type RunningServer, startServer } from './harness.ts';

let server: RunningServer;
let browser: Browser;

beforeAll(async () => {
  [server, browser] = await Promise.all([startServer(), launchBrowser()]);
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('/docs', () => {
  it('executes a call from "Try it out" at the address the page was opened at', async () => {
    const page = await newPage(browser, 'docs-try-it-out');
    const opened = Date.now();
    await page.goto(`${server.url}/docs`);
    // The tags come first; a tag opens its operations.
    const tag = page.locator('#operations-tag-health');
    await tag.waitFor({ state: 'visible' });
    const usable = Date.now() - opened;
    await tag.click();
    const operation = page.locator('#operations-health-getLiveness');
    await operation.waitFor({ state: 'visible' });
    // Reported, not asserted (no timing asserts in tests): how soon the page is usable.
    console.log(
      `/docs: tags shown ${usable} ms after opening; first operation shown ${Date.now() - opened} ms after opening (incl. the click)`,
    );
    const resources = await page.evaluate(() =>
      (
        performance.getEntriesByType('resource') as unknown as {
          name: string;
          duration: number;
          transferSize: number;
        }[]
      ).map((r) => `${new URL(r.name).pathname} ${Math.round(r.duration)} ms ${r.transferSize} B`),
    );
    console.log(`/docs resources: ${resources.join('; ')}`);

    await operation.locator('.opblock-summary').click();
    await operation.getByRole('button', { name: 'Try it out' }).click();
    await operation.getByRole('button', { name: 'Execute' }).click();
    const status = operation.locator('.live-responses-table .response .response-col_status').first();
    await status.waitFor({ state: 'visible' });
    expect(((await status.textContent()) ?? '').trim()).toBe('200');
    const body = await operation
      .locator('.live-responses-table .response-col_description pre')
      .first()
      .textContent();
    expect(JSON.parse(body ?? '')).toEqual({ status: 'ok' });
    // The call went to the page's own origin.
    const requestUrl = (await operation.locator('.request-url pre').textContent()) ?? '';
    expect(requestUrl.trim()).toBe(`${server.url}/health/live`);
  });
});
