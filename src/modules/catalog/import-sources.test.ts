// Imports by URL (redirects, limits, SSRF protection), upload limits, one import per shop at a time,
// and scheduled re-imports.
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import zlib from 'node:zlib';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authHeader } from '../../../test/factories/accounts.ts';
import { multipartBody, waitForImport } from '../../../test/factories/catalog.ts';
import { createSupplier } from '../../../test/factories/orders.ts';
import { buildTestApp, type TestApp } from '../../../test/helpers/app.ts';
import { onPostgresServer, someoneWaitsForALock } from '../../../test/helpers/database.ts';
import { categories, imports, offers, products } from '../../db/schema/catalog.ts';
import { fetchPriceList, isForbiddenAddress } from './fetch.ts';
import { importPriceList } from './import.service.ts';
import { normalizeName } from './normalize.ts';
import { queueDueImports } from './shops.service.ts';

const SAMPLE = fs.readFileSync(new URL('../../../test/fixtures/shop1.yaml', import.meta.url), 'utf8');

let server: http.Server;
let base: string;
let slowRequests = 0;

beforeAll(async () => {
  server = http.createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://x');
    const hops = Number(url.searchParams.get('hops') ?? 0);
    if (url.pathname === '/redirect') {
      response.writeHead(302, { location: hops > 1 ? `/redirect?hops=${hops - 1}` : '/shop1.yaml' });
      return response.end();
    }
    if (url.pathname === '/shop1.yaml') {
      // Content type is not trusted: this one lies.
      response.writeHead(200, { 'content-type': 'image/png' });
      return response.end(SAMPLE);
    }
    if (url.pathname === '/gzip') {
      response.writeHead(200, { 'content-encoding': 'gzip' });
      return response.end(zlib.gzipSync(SAMPLE));
    }
    if (url.pathname === '/slow') {
      slowRequests += 1;
      response.writeHead(200);
      response.write('shop: x\n');
      return; // never ends
    }
    response.writeHead(404);
    response.end('no');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe('fetching a price list', () => {
  it('knows the forbidden address ranges', () => {
    for (const address of [
      '127.0.0.1',
      '10.1.2.3',
      '172.16.0.1',
      '192.168.1.1',
      '169.254.169.254',
      '0.0.0.0',
      '100.64.0.1',
      '::1',
      'fe80::1',
      'fd00::1',
      '::ffff:127.0.0.1',
      '::ffff:7f00:1',
    ]) {
      expect(isForbiddenAddress(address), address).toBe(true);
    }
    for (const address of ['8.8.8.8', '77.88.8.8', '2a00:1450:4010:c05::71']) {
      expect(isForbiddenAddress(address), address).toBe(false);
    }
  });

  it('follows up to 3 redirects and no more', async () => {
    const options = { maxBytes: 1_000_000, allowPrivate: true };
    const fetched = await fetchPriceList(`${base}/redirect?hops=3`, options);
    expect(fetched.content.toString()).toBe(SAMPLE);
    expect(fetched.fileName).toBe('shop1.yaml');
    await expect(fetchPriceList(`${base}/redirect?hops=4`, options)).rejects.toMatchObject({
      code: 'too_many_redirects',
    });
  });

  it('refuses private addresses, also behind a host name', async () => {
    const options = { maxBytes: 1_000_000, allowPrivate: false };
    await expect(fetchPriceList(`${base}/shop1.yaml`, options)).rejects.toMatchObject({
      code: 'url_not_allowed',
    });
    const port = (server.address() as AddressInfo).port;
    await expect(fetchPriceList(`http://localhost:${port}/shop1.yaml`, options)).rejects.toMatchObject({
      code: 'url_not_allowed',
    });
    await expect(fetchPriceList(`http://[::1]:${port}/x`, options)).rejects.toMatchObject({
      code: 'url_not_allowed',
    });
    await expect(fetchPriceList('ftp://example.com/x.yaml', options)).rejects.toMatchObject({
      code: 'invalid_url',
    });
  });

  it('stops at the size limit, also for compressed bodies, and at the deadline', async () => {
    await expect(
      fetchPriceList(`${base}/shop1.yaml`, { maxBytes: 1000, allowPrivate: true }),
    ).rejects.toMatchObject({
      code: 'file_too_large',
    });
    await expect(
      fetchPriceList(`${base}/gzip`, { maxBytes: 1000, allowPrivate: true }),
    ).rejects.toMatchObject({
      code: 'file_too_large',
    });
    const unzipped = await fetchPriceList(`${base}/gzip`, { maxBytes: 1_000_000, allowPrivate: true });
    expect(unzipped.content.toString()).toBe(SAMPLE);
    await expect(
      fetchPriceList(`${base}/slow`, { maxBytes: 1_000_000, allowPrivate: true, timeoutMs: 300 }),
    ).rejects.toMatchObject({ code: 'url_timeout' });
    expect(slowRequests).toBe(1);
    await expect(
      fetchPriceList(`${base}/missing`, { maxBytes: 1000, allowPrivate: true }),
    ).rejects.toMatchObject({
      code: 'url_http_error',
    });
  });
});

describe('imports by URL', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp({ env: { ALLOW_PRIVATE_IMPORT_URLS: 'true' } });
  });
  afterAll(() => t?.close());

  it('imports from a URL through redirects and reports a failed download', async () => {
    const supplier = await createSupplier(t);
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v2/supplier/imports',
      headers: supplier.headers,
      payload: { url: `${base}/redirect?hops=2` },
    });
    expect(res.statusCode).toBe(202);
    expect(res.headers.location).toBe(`/api/v2/supplier/imports/${res.json().id}`);
    const done = await waitForImport(t, supplier.headers, res.json().id);
    expect(done).toMatchObject({ status: 'succeeded', source: 'url', file_name: 'shop1.yaml' });
    expect(done.counts.created).toBe(14);

    const missing = await t.app.inject({
      method: 'POST',
      url: '/api/v2/supplier/imports',
      headers: supplier.headers,
      payload: { url: `${base}/missing` },
    });
    const failed = await waitForImport(t, supplier.headers, missing.json().id);
    expect(failed).toMatchObject({ status: 'failed', error: { code: 'url_http_error' } });
    const active = await t.runtime.db.select().from(offers).where(eq(offers.shopId, supplier.shop.id));
    expect(active.filter((o) => o.isActive)).toHaveLength(14);
  });

  it('uses the shop’s price-list URL when none is given, and refuses non-http URLs', async () => {
    const supplier = await createSupplier(t);
    const none = await t.app.inject({
      method: 'POST',
      url: '/api/v2/supplier/imports',
      headers: supplier.headers,
      payload: {},
    });
    expect(none.statusCode).toBe(400);
    const ftp = await t.app.inject({
      method: 'POST',
      url: '/api/v2/supplier/imports',
      headers: supplier.headers,
      payload: { url: 'ftp://example.com/price.yaml' },
    });
    expect(ftp.statusCode).toBe(400);
    expect(ftp.json().errors[0].field).toBe('body.url');
    const set = await t.app.inject({
      method: 'PATCH',
      url: '/api/v2/supplier/shop',
      headers: supplier.headers,
      payload: { price_list_url: `${base}/shop1.yaml` },
    });
    expect(set.statusCode).toBe(200);
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v2/supplier/imports',
      headers: supplier.headers,
      payload: {},
    });
    expect(res.statusCode).toBe(202);
    expect((await waitForImport(t, supplier.headers, res.json().id)).counts.created).toBe(14);
  });

  it('re-imports on schedule when due', async () => {
    const supplier = await createSupplier(t);
    const patch = await t.app.inject({
      method: 'PATCH',
      url: '/api/v2/supplier/shop',
      headers: supplier.headers,
      payload: { import_every_hours: 6 },
    });
    expect(patch.statusCode).toBe(422);
    expect(patch.json().code).toBe('price_list_url_required');
    const ok = await t.app.inject({
      method: 'PATCH',
      url: '/api/v2/supplier/shop',
      headers: supplier.headers,
      payload: { price_list_url: `${base}/shop1.yaml`, import_every_hours: 6 },
    });
    expect(ok.json()).toMatchObject({ import_every_hours: 6, price_list_url: `${base}/shop1.yaml` });

    const scheduled = async () =>
      t.runtime.db.select().from(imports).where(eq(imports.shopId, supplier.shop.id));
    await queueDueImports(t.runtime);
    const [first] = await scheduled();
    expect(first).toMatchObject({ source: 'schedule', url: `${base}/shop1.yaml` });
    expect((await waitForImport(t, supplier.headers, first.id)).status).toBe('succeeded');
    // Not due again until the interval has passed.
    await queueDueImports(t.runtime);
    expect(await scheduled()).toHaveLength(1);
    t.clock.advance(6 * 3600 * 1000 + 1000);
    await queueDueImports(t.runtime);
    expect(await scheduled()).toHaveLength(2);
    const second = (await scheduled()).find((row) => row.id !== first.id)!;
    const fresh = await authHeader(t, supplier.user);
    expect((await waitForImport(t, fresh, second.id)).counts.unchanged).toBe(14);
  });

  it('is driven by a pg-boss schedule whose job queues and runs the due re-imports', async () => {
    // Installed when the app starts: every 5 minutes, in UTC.
    const [schedule] = await t.runtime.boss.getSchedules('catalog_scheduled_imports');
    expect(schedule).toMatchObject({ name: 'catalog_scheduled_imports', cron: '*/5 * * * *' });
    const from = new Date('2026-03-01T10:02:00Z');
    expect(t.runtime.boss.previewSchedule(schedule.cron, { from, count: 2, tz: schedule.timezone })).toEqual([
      new Date('2026-03-01T10:05:00Z'),
      new Date('2026-03-01T10:10:00Z'),
    ]);

    const supplier = await createSupplier(t);
    const ok = await t.app.inject({
      method: 'PATCH',
      url: '/api/v2/supplier/shop',
      headers: supplier.headers,
      payload: { price_list_url: `${base}/shop1.yaml`, import_every_hours: 1 },
    });
    expect(ok.statusCode, ok.body).toBe(200);
    // What the schedule sends at each occurrence; the workers take it from there.
    await t.runtime.boss.send(schedule.name, schedule.data ?? {});
    const deadline = Date.now() + 20_000;
    let queued: (typeof imports.$inferSelect)[] = [];
    while (queued.length === 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      queued = await t.runtime.db.select().from(imports).where(eq(imports.shopId, supplier.shop.id));
    }
    expect(queued).toHaveLength(1);
    expect(queued[0]).toMatchObject({ source: 'schedule', url: `${base}/shop1.yaml` });
    expect((await waitForImport(t, supplier.headers, queued[0].id)).counts.created).toBe(14);
  });
});

describe('protection', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp({ env: { ALLOW_PRIVATE_IMPORT_URLS: 'false', IMPORT_MAX_BYTES: '2048' } });
  });
  afterAll(() => t?.close());

  it('refuses a private-address URL at once and queues nothing', async () => {
    const supplier = await createSupplier(t);
    for (const url of [
      `${base}/shop1.yaml`,
      'http://169.254.169.254/latest/meta-data',
      'http://localhost/x.yaml',
    ]) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/v2/supplier/imports',
        headers: supplier.headers,
        payload: { url },
      });
      expect(res.statusCode, url).toBe(422);
      expect(res.json().code).toBe('url_not_allowed');
    }
    expect(await t.runtime.db.select().from(imports).where(eq(imports.shopId, supplier.shop.id))).toEqual([]);
  });

  it('refuses an upload over the size limit and queues nothing', async () => {
    const supplier = await createSupplier(t);
    const body = multipartBody({ name: 'shop1.yaml', content: SAMPLE });
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v2/supplier/imports',
      headers: { ...supplier.headers, ...body.headers },
      payload: body.payload,
    });
    expect(res.statusCode).toBe(413);
    expect(res.json().code).toBe('file_too_large');
    expect(await t.runtime.db.select().from(imports).where(eq(imports.shopId, supplier.shop.id))).toEqual([]);
  });
});

describe('one import per shop at a time', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp({ workers: false });
  });
  afterAll(() => t?.close());

  it.skipIf(!onPostgresServer())('applies concurrent imports of one shop one after the other', async () => {
    const supplier = await createSupplier(t);
    const goods = (from: number, to: number) =>
      Array.from({ length: to - from + 1 }, (_, i) => from + i)
        .map(
          (id) =>
            `  - id: ${id}\n    category: 1\n    name: Товар ${id}\n    price: ${id}.50\n    quantity: 1\n`,
        )
        .join('');
    const file = (from: number, to: number) =>
      Buffer.from(`shop: Параллельный\ncategories:\n  - id: 1\n    name: Разное\ngoods:\n${goods(from, to)}`);
    const [a, b] = await Promise.all([
      importPriceList(t.runtime, { shopId: supplier.shop.id, content: file(1, 400) }),
      importPriceList(t.runtime, { shopId: supplier.shop.id, content: file(201, 600) }),
    ]);
    const [older, newer] = a.id < b.id ? [a, b] : [b, a];
    const counts = (row: typeof a) => [
      row.status,
      row.errorCode,
      row.created,
      row.unchanged,
      row.deactivated,
    ];
    // Applied one after the other, whichever got the lock first: the second saw the first's result.
    // An older import never overwrites a newer one that was applied before it.
    expect([
      [
        ['succeeded', null, 400, 0, 0],
        ['succeeded', null, 200, 200, 200],
      ],
      [
        ['failed', 'superseded', 0, 0, 0],
        ['succeeded', null, 400, 0, 0],
      ],
    ]).toContainEqual([counts(older), counts(newer)]);
    const active = (
      await t.runtime.db.select().from(offers).where(eq(offers.shopId, supplier.shop.id))
    ).filter((o) => o.isActive);
    const newest = newer === a ? [1, 400] : [201, 600];
    expect(active.map((o) => Number(o.externalId)).sort((x, y) => x - y)).toEqual(
      Array.from({ length: 400 }, (_, i) => newest[0] + i),
    );
  });

  it.skipIf(!onPostgresServer())(
    'finds a product another transaction commits while the import is inserting it',
    async () => {
      const supplier = await createSupplier(t);
      const name = `Кофемолка Гонка ${supplier.shop.id}`;
      const [category] = await t.runtime.db
        .insert(categories)
        .values({
          name: `Гонки ${supplier.shop.id}`,
          normalizedName: normalizeName(`Гонки ${supplier.shop.id}`),
        })
        .returning();
      // Another writer (another shop's import) has the product inserted, not yet committed.
      const other = await t.runtime.database.pool!.connect();
      try {
        await other.query('begin');
        const {
          rows: [product],
        } = await other.query<{ id: number }>(
          'insert into products (category_id, name, normalized_name) values ($1, $2, $3) returning id',
          [category.id, name, normalizeName(name)],
        );
        const file = Buffer.from(
          `shop: Гонка\ncategories:\n  - id: 7\n    name: ${category.name}\ngoods:\n` +
            `  - id: R-1\n    category: 7\n    name: ${name}\n    price: 1990\n    quantity: 2\n`,
        );
        const running = importPriceList(t.runtime, { shopId: supplier.shop.id, content: file });
        // The import's products statement waits for that row; the other writer then commits. The
        // statement's snapshot is older than the commit: it neither inserts nor sees the product.
        await someoneWaitsForALock(other);
        await other.query('commit');
        const result = await running;
        expect(result).toMatchObject({ status: 'succeeded', created: 1 });
        const [offer] = await t.runtime.db.select().from(offers).where(eq(offers.shopId, supplier.shop.id));
        expect(offer.productId).toBe(product.id);
        const [listed] = await t.runtime.db.select().from(products).where(eq(products.id, product.id));
        expect(listed).toMatchObject({ offerCount: 1, minPrice: '1990.00', inStock: true });
      } finally {
        other.release();
      }
    },
  );
});
