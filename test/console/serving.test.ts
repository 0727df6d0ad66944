// The console as the API process serves it (src/http/console.ts): the built files with their
// cache rules, the single-page app for deep links, a real 404 for a missing asset, GET / → the
// console, and none of it in the OpenAPI document.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerConsole } from '../../src/http/console.ts';
import { buildTestApp, type TestApp } from '../helpers/app.ts';

const dist = fs.mkdtempSync(path.join(os.tmpdir(), 'zakupka-console-dist-'));
const INDEX =
  '<!doctype html><html><script type="module" src="/console/assets/index-abc123.js"></script></html>';
const SCRIPT = `console.log(${JSON.stringify('x'.repeat(5000))});`;
const app = Fastify();

beforeAll(async () => {
  fs.mkdirSync(path.join(dist, 'assets'));
  fs.writeFileSync(path.join(dist, 'index.html'), INDEX);
  fs.writeFileSync(path.join(dist, 'assets', 'index-abc123.js'), SCRIPT);
  await registerConsole(app, dist);
  await app.ready();
});
afterAll(async () => {
  await app.close();
  fs.rmSync(dist, { recursive: true, force: true });
});

describe('the console’s files', () => {
  it('answers a deep link with the app, never cached, and reloads work at any depth', async () => {
    for (const url of ['/console/', '/console', '/console/orders/42', '/console/shops/7/show']) {
      const res = await app.inject({ url });
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(res.headers['cache-control']).toBe('no-cache');
      expect(res.body).toBe(INDEX);
    }
  });

  it('serves hashed assets for a year, compressed, with an ETag that answers 304', async () => {
    const res = await app.inject({
      url: '/console/assets/index-abc123.js',
      headers: { 'accept-encoding': 'br, gzip' },
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(res.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(res.headers['content-encoding']).toBe('br');
    expect(zlib.brotliDecompressSync(res.rawPayload).toString()).toBe(SCRIPT);
    const again = await app.inject({
      url: '/console/assets/index-abc123.js',
      headers: { 'if-none-match': res.headers.etag as string },
    });
    expect(again.statusCode).toBe(304);
  });

  it('answers 404 for a missing asset or file instead of the page', async () => {
    for (const url of ['/console/assets/missing.js', '/console/assets/old', '/console/favicon.ico']) {
      expect((await app.inject({ url })).statusCode, url).toBe(404);
    }
  });

  it('picks up a rebuild without a restart', async () => {
    const rebuilt = INDEX.replace('abc123', 'def456');
    fs.writeFileSync(path.join(dist, 'index.html'), rebuilt);
    const later = new Date(Date.now() + 5000);
    fs.utimesSync(path.join(dist, 'index.html'), later, later);
    expect((await app.inject({ url: '/console/orders' })).body).toBe(rebuilt);
  });
});

describe('the console in the application', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp({ workers: false });
  });
  afterAll(async () => t?.close());

  it('redirects / to the console, keeps the API’s security headers, and stays out of the OpenAPI document', async () => {
    const root = await t.app.inject({ url: '/' });
    expect(root.statusCode).toBe(302);
    expect(root.headers.location).toBe('/console/');
    const page = await t.app.inject({ url: '/console/orders/42' });
    // Built (200) or not built yet (503 with the command to build it): never a JSON 404.
    expect([200, 503]).toContain(page.statusCode);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    const csp = String(page.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self' 'unsafe-inline'");
    const document = (await t.app.inject({ url: '/docs/json' })).json();
    const paths = Object.keys(document.paths);
    expect(paths.some((p) => p === '/' || p.startsWith('/console'))).toBe(false);
    expect((await t.app.inject({ url: '/docs' })).statusCode).toBeLessThan(400);
  });
});
