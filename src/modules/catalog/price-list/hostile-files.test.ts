// Price lists written to hurt: each import ends `failed` with its code, quickly, and the API keeps
// answering while the file is read (the reader runs in a worker thread). While each import runs,
// the test asks GET /health/live and GET /api/v2/products?limit=1 over real HTTP every 20 ms and
// requires every probe to be answered; the latencies are printed, not asserted (a busy CI machine
// must not fail the suite on timing).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ImportDetailBody, uploadPriceList } from '../../../../test/factories/catalog.ts';
import { createSupplier, type Supplier } from '../../../../test/factories/orders.ts';
import { buildTestApp, type TestApp } from '../../../../test/helpers/app.ts';

let t: TestApp;

/** Polls an import until it ends (a minute at most: a loaded CI machine is slow, not wrong). */
async function waitForImport(
  _t: TestApp,
  headers: Record<string, string>,
  id: number,
): Promise<ImportDetailBody> {
  const deadline = Date.now() + 240_000;
  for (;;) {
    const res = await t.app.inject({ method: 'GET', url: `/api/v2/supplier/imports/${id}`, headers });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json() as ImportDetailBody;
    if (body.status === 'succeeded' || body.status === 'failed') return body;
    if (Date.now() > deadline) throw new Error(`import ${id} still ${body.status}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
let supplier: Supplier;
let apiBase: string;
let streamServer: http.Server;
let streamBase: string;
let streamedBytes = 0;

const GIGABYTE = 1024 * 1024 * 1024;

beforeAll(async () => {
  t = await buildTestApp({ env: { ALLOW_PRIVATE_IMPORT_URLS: 'true', RATE_LIMIT: 'false' } });
  supplier = await createSupplier(t);
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  apiBase = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
  // 1 GB of one line, made as it is sent: it stops when the client hangs up.
  streamServer = http.createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'text/yaml' });
    const chunk = Buffer.alloc(64 * 1024, 'a');
    const pump = () => {
      while (streamedBytes < GIGABYTE) {
        streamedBytes += chunk.length;
        if (!response.write(chunk)) return void response.once('drain', pump);
      }
      response.end();
    };
    response.on('close', () => response.destroy());
    response.write('shop: ');
    pump();
  });
  await new Promise<void>((resolve) => streamServer.listen(0, '127.0.0.1', resolve));
  streamBase = `http://127.0.0.1:${(streamServer.address() as AddressInfo).port}`;
});

afterAll(async () => {
  streamServer?.closeAllConnections();
  await new Promise((resolve) => streamServer?.close(resolve));
  await t?.close();
});

interface Probes {
  answered: number;
  failed: string[];
  healthMs: number[];
  readMs: number[];
}

/**
 * Probes health and a catalog read every 20 ms until `work` settles. A probe fails on an error status
 * or when no answer comes within 120 s (an API held by the import, not a slow one: under load a probe
 * on a busy 2-core machine once took over 30 s).
 */
async function whileProbing<T>(work: () => Promise<T>): Promise<{ result: T; probes: Probes }> {
  const probes: Probes = { answered: 0, failed: [], healthMs: [], readMs: [] };
  let done = false;
  const probe = async (path: string, into: number[]) => {
    const started = performance.now();
    try {
      const res = await fetch(`${apiBase}${path}`, { signal: AbortSignal.timeout(120_000) });
      await res.arrayBuffer();
      if (res.status !== 200) probes.failed.push(`${path}: ${res.status}`);
      else probes.answered += 1;
    } catch (error) {
      probes.failed.push(`${path}: ${(error as Error).message}`);
    }
    into.push(performance.now() - started);
  };
  const loop = (async () => {
    while (!done) {
      await Promise.all([
        probe('/health/live', probes.healthMs),
        probe('/api/v2/products?limit=1', probes.readMs),
      ]);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  })();
  try {
    const result = await work();
    return { result, probes };
  } finally {
    done = true;
    await loop;
  }
}

function summary(name: string, probes: Probes): void {
  const stat = (values: number[]) => {
    const sorted = [...values].sort((a, b) => a - b);
    const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
    return `p50 ${at(0.5).toFixed(1)} ms, p99 ${at(0.99).toFixed(1)} ms, max ${(sorted.at(-1) ?? 0).toFixed(1)} ms`;
  };
  console.log(
    `${name}: ${probes.answered} probes answered; /health/live ${stat(probes.healthMs)}; /api/v2/products ${stat(probes.readMs)}`,
  );
}

async function importUpload(name: string, content: string) {
  return whileProbing(async () => {
    const started = performance.now();
    const { id } = await uploadPriceList(t, supplier.headers, content, { fileName: 'hostile.yaml' });
    const detail = await waitForImport(t, supplier.headers, id);
    return { detail, seconds: (performance.now() - started) / 1000, name };
  });
}

function expectFailedResponsive(outcome: Awaited<ReturnType<typeof importUpload>>, code: string): void {
  const { result, probes } = outcome;
  summary(`${result.name} (failed in ${result.seconds.toFixed(2)} s)`, probes);
  expect(result.detail.status).toBe('failed');
  expect(result.detail.error?.code).toBe(code);
  expect(probes.failed).toEqual([]);
  expect(probes.healthMs.length).toBeGreaterThan(0);
}

/** The classic: 11 levels of 10 aliases each, about 800 bytes expanding to 10^11 values. */
function billionLaughs(): string {
  const lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
  for (let level = 1; level <= 10; level += 1) {
    const refs = Array.from({ length: 10 }, () => `*a${level - 1}`).join(',');
    lines.push(`a${level}: &a${level} [${refs}]`);
  }
  lines.push('shop: Смех', 'categories: [{id: 1, name: Смех}]', 'goods: *a10');
  return `${lines.join('\n')}\n`;
}

describe('hostile price lists end failed while the API answers', () => {
  it('the billion laughs (805 bytes): aliases bounded', async () => {
    const file = billionLaughs();
    expect(file.length).toBeLessThan(1000);
    expectFailedResponsive(await importUpload('billion laughs', file), 'too_many_aliases');
  }, 300_000);

  it('deep nesting, block style: too_deep', async () => {
    const lines = ['shop: Глубина', 'categories:', '  - {id: 1, name: Глубина}', 'goods:', '  - id: 1'];
    lines.push('    name: Матрёшка', '    category: 1', '    price: 1', '    quantity: 1', '    parameters:');
    for (let level = 0; level < 3000; level += 1) lines.push(`${' '.repeat(6 + level)}k${level}:`);
    lines.push(`${' '.repeat(6 + 3000)}k: v`);
    expectFailedResponsive(await importUpload('deep block nesting', `${lines.join('\n')}\n`), 'too_deep');
  }, 300_000);

  it('deep nesting, flow style: too_deep', async () => {
    const depth = 20_000;
    const file = `shop: Глубина\ncategories: []\ngoods: ${'['.repeat(depth)}${']'.repeat(depth)}\n`;
    const outcome = await importUpload('deep flow nesting', file);
    expectFailedResponsive(outcome, 'too_deep');
  }, 300_000);

  it('100,000 characteristics on one good: too_many_characteristics', async () => {
    const lines = ['shop: Характеристики', 'categories:', '  - {id: 1, name: Разное}', 'goods:', '  - id: 1'];
    lines.push(
      '    name: Всё сразу',
      '    category: 1',
      '    price: 1',
      '    quantity: 1',
      '    parameters:',
    );
    for (let i = 0; i < 100_000; i += 1) lines.push(`      Характеристика ${i}: ${i}`);
    expectFailedResponsive(
      await importUpload('100,000 characteristics', `${lines.join('\n')}\n`),
      'too_many_characteristics',
    );
  }, 300_000);

  it('a 1 GB stream of one line by URL: line_too_long, after a few hundred KB', async () => {
    streamedBytes = 0;
    const outcome = await whileProbing(async () => {
      const started = performance.now();
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/v2/supplier/imports',
        headers: supplier.headers,
        payload: { url: `${streamBase}/endless.yaml` },
      });
      expect(res.statusCode, res.body).toBe(202);
      const detail = await waitForImport(t, supplier.headers, res.json().id);
      return { detail, seconds: (performance.now() - started) / 1000, name: '1 GB one-line stream' };
    });
    expectFailedResponsive(outcome, 'line_too_long');
    console.log(`1 GB one-line stream: the server had sent ${(streamedBytes / 1024 / 1024).toFixed(1)} MB`);
    expect(streamedBytes).toBeLessThan(64 * 1024 * 1024);
  }, 300_000);

  it('the reader has a deadline and a memory ceiling of its own', async () => {
    const configured = t.runtime.config.importLimits;
    const file = billionLaughs();
    try {
      // With the expansion bounds lifted, only the deadline stops the billion laughs…
      t.runtime.config.importLimits = {
        ...configured,
        maxAliases: 1e9,
        maxNodes: 1e9,
        timeoutMs: 500,
        memoryMb: 2048,
      };
      expectFailedResponsive(await importUpload('billion laughs, deadline only', file), 'parse_timeout');
      // …or the heap ceiling.
      t.runtime.config.importLimits = {
        ...configured,
        maxAliases: 1e9,
        maxNodes: 1e9,
        timeoutMs: 120_000,
        memoryMb: 16,
      };
      expectFailedResponsive(
        await importUpload('billion laughs, memory only', file),
        'parse_memory_exceeded',
      );
    } finally {
      t.runtime.config.importLimits = configured;
    }
  }, 300_000);

  it('a normal file still imports after all of these', async () => {
    const file = [
      'shop: Нормальный',
      'categories:',
      '  - {id: 1, name: Телефоны}',
      'goods:',
      '  - id: 1',
      '    name: Телефон',
      '    category: 1',
      '    price: 100.50',
      '    quantity: 3',
      '    parameters: {Цвет: черный}',
    ].join('\n');
    const { result } = await importUpload('normal', `${file}\n`);
    expect(result.detail.status).toBe('succeeded');
    expect(result.detail.counts.created).toBe(1);
  }, 300_000);
});
