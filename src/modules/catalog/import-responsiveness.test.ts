// The API keeps answering while a large price list is imported (issue 16). While a 20,000-good
// upload is received, read and applied, the test asks GET /health/live and GET
// /api/v2/products?limit=1 over real HTTP every 20 ms, one of each at a time, and prints their
// p50 / p99 / max. Every probe must be answered, and within bounds generous enough for a loaded CI
// machine: a median under a second and, on the PostgreSQL server, no stall over 20 s (an import
// that held the event loop for its whole run, as the one in issue 16 did, stalls far longer). The
// strict figure, p99 ≤ 100 ms during a 100,000-good import on a quiet machine, is the bench's:
// `npm run bench:import-responsiveness` (not met yet: see its results). On PGlite the database
// itself runs on the API's thread, so each of the import's statements holds requests for as long
// as it runs there: only the median is bounded.
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ImportDetailBody, uploadPriceList } from '../../../test/factories/catalog.ts';
import { createSupplier, type Supplier } from '../../../test/factories/orders.ts';
import { buildTestApp, type TestApp } from '../../../test/helpers/app.ts';
import { generatePriceList } from './demo/generate.ts';

const GOODS = 20_000;

let t: TestApp;
let supplier: Supplier;
let apiBase: string;

beforeAll(async () => {
  t = await buildTestApp({ env: { RATE_LIMIT: 'false' } });
  supplier = await createSupplier(t);
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  apiBase = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await t?.close();
});

/** Polls the import until it ends (four minutes at most: a loaded CI machine is slow, not wrong). */
async function waitLong(id: number): Promise<ImportDetailBody> {
  const deadline = Date.now() + 240_000;
  for (;;) {
    const res = await t.app.inject({
      method: 'GET',
      url: `/api/v2/supplier/imports/${id}`,
      headers: supplier.headers,
    });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json() as ImportDetailBody;
    if (body.status === 'succeeded' || body.status === 'failed') return body;
    if (Date.now() > deadline) throw new Error(`import ${id} still ${body.status}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

function stat(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  return { count: sorted.length, p50: at(0.5), p99: at(0.99), max: sorted.at(-1) ?? 0 };
}

describe('a large import', () => {
  it(`of ${GOODS.toLocaleString('en')} goods leaves the API answering`, async () => {
    const content = generatePriceList({ shop: 0, shopName: 'Большой поставщик', goods: GOODS });
    const healthMs: number[] = [];
    const readMs: number[] = [];
    const failed: string[] = [];
    let done = false;
    const probe = async (path: string, into: number[]) => {
      const started = performance.now();
      try {
        const res = await fetch(`${apiBase}${path}`, { signal: AbortSignal.timeout(120_000) });
        await res.arrayBuffer();
        if (res.status !== 200) failed.push(`${path}: ${res.status}`);
      } catch (error) {
        failed.push(`${path}: ${(error as Error).message}`);
      }
      into.push(performance.now() - started);
    };
    const prober = (async () => {
      while (!done) {
        await Promise.all([probe('/health/live', healthMs), probe('/api/v2/products?limit=1', readMs)]);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();
    const started = performance.now();
    let status: string;
    try {
      const { id } = await uploadPriceList(t, supplier.headers, content);
      const detail = await waitLong(id);
      status = detail.status;
      expect(detail.counts.created, JSON.stringify(detail.error)).toBe(GOODS);
    } finally {
      done = true;
      await prober;
    }
    const health = stat(healthMs);
    const read = stat(readMs);
    const format = (s: ReturnType<typeof stat>) =>
      `${s.count} answers, p50 ${s.p50.toFixed(1)} ms, p99 ${s.p99.toFixed(1)} ms, max ${s.max.toFixed(1)} ms`;
    console.log(
      `${GOODS} goods on ${t.runtime.database.kind} imported (${status}) in ` +
        `${((performance.now() - started) / 1000).toFixed(1)} s; /health/live ${format(health)}; ` +
        `/api/v2/products?limit=1 ${format(read)}`,
    );
    expect(status).toBe('succeeded');
    expect(failed).toEqual([]);
    expect(health.count).toBeGreaterThan(10);
    expect(health.p50).toBeLessThan(1_000);
    // On PGlite the database's own work holds the thread: one stall of 11 s was measured there
    // (20,000 goods, load average 3), so only the median is bounded.
    if (t.runtime.database.kind === 'postgres') {
      expect(health.max).toBeLessThan(20_000);
      expect(read.max).toBeLessThan(20_000);
    }
  }, 300_000);
});
