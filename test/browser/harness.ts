// The browser-test harness: a real server (`node src/server.ts`) on a fresh embedded data folder
// and a free port, and headless Chromium (Debian's /usr/bin/chromium, or CHROMIUM_PATH) driven by
// playwright-core. A failing test leaves a screenshot in test/browser/screenshots/ (git-ignored).
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { onTestFailed } from 'vitest';
import { freePort, waitReady } from '../smoke/processes.ts';

export const SCREENSHOTS = path.resolve('test/browser/screenshots');

export interface RunningServer {
  url: string;
  dataDir: string;
  output(): string;
  stop(): Promise<void>;
}

/** `npm start` as a person runs it: embedded database in a fresh folder, a free port. */
export async function startServer(env: Record<string, string> = {}): Promise<RunningServer> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'zakupka-browser-'));
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, ['src/server.ts'], {
    env: {
      ...process.env,
      DATABASE_URL: '',
      DATA_DIR: dataDir,
      PORT: String(port),
      LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: 'pipe',
  });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitReady(url, child, 180_000);
  } catch (error) {
    child.kill('SIGKILL');
    throw new Error(`server did not start: ${(error as Error).message}\n${output}`);
  }
  return {
    url,
    dataDir,
    output: () => output,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export function chromiumPath(): string {
  return process.env.CHROMIUM_PATH || '/usr/bin/chromium';
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--disable-sync',
    ],
  });
}

/** A fresh page; if the current test fails, its screenshot is kept under `name`. */
export async function newPage(
  browser: Browser,
  name: string,
  viewport: { width: number; height: number } = { width: 1280, height: 900 },
): Promise<Page> {
  const context = await browser.newContext({ viewport, locale: 'ru-RU' });
  const page = await context.newPage();
  onTestFailed(async () => {
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true }).catch(() => {});
  });
  return page;
}

/**
 * Every error the page reports: console errors (a failed request is one too) and uncaught
 * exceptions. A test that expects a refused request names it in `expected` (a pattern of the
 * message) and asserts the rest is empty.
 */
export function watchConsole(page: Page): { errors: string[]; unexpected(expected?: RegExp[]): string[] } {
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`${message.text()} @ ${message.location().url}`);
  });
  page.on('pageerror', (error) => errors.push(`uncaught: ${error.message}`));
  onTestFailed(() => {
    if (errors.length) console.error(`browser console errors:\n${errors.join('\n')}`);
  });
  return {
    errors,
    unexpected: (expected = []) => errors.filter((error) => !expected.some((pattern) => pattern.test(error))),
  };
}
