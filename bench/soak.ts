// `npm run bench:soak`: a bounded mixed load on the PostgreSQL server, reported minute by minute.
//
// A fresh database (BENCH_DATABASE_URL, else DATABASE_URL, else the local server), the API as its
// own process with its workers (`node src/server.ts`: emails to DATA_DIR/mailbox, imports), three
// suppliers with 2,000 goods each and 200 buyers. Then, for SOAK_MINUTES (10 by default),
// SOAK_CONNECTIONS (8) clients browse (lists, product pages), search, fill baskets and check out,
// while a supplier re-imports its price list (new prices and stock) every SOAK_IMPORT_SECONDS (30).
// Every minute: requests, throughput, p99, errors, the API process's RSS. At the end: the RSS slope
// after the warm-up (two minutes; one in a run under four) from samples every 10 s (MiB per
// minute), and every failed request. A failure is any answer
// but 2xx, except the refusals the rules make (409 out of stock or changed, 422 nothing to order,
// 404 for a product page an import hid a moment before): the bench exits 1 on any other. Results go to bench/results/soak.md and .json.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openPostgres } from '../src/db/client.ts';
import { migrate } from '../src/db/migrate.ts';
import { shops } from '../src/db/schema/catalog.ts';
import { contacts } from '../src/db/schema/contacts.ts';
import { users } from '../src/db/schema/users.ts';
import { generatePriceList } from '../src/modules/catalog/demo/generate.ts';
import { freshDatabase, machine, percentile, startServer, tokenFor, writeResult } from './lib.ts';

const MINUTES = Number(process.env.SOAK_MINUTES ?? 10);
const CONNECTIONS = Number(process.env.SOAK_CONNECTIONS ?? 8);
const IMPORT_SECONDS = Number(process.env.SOAK_IMPORT_SECONDS ?? 30);
const GOODS = Number(process.env.SOAK_GOODS ?? 2000);
const BUYERS = 200;
const BY_DESIGN = new Set([409, 422]);

interface Minute {
  minute: number;
  requests: number;
  perSecond: number;
  p50: number;
  p99: number;
  byDesign: number;
  failed: number;
  imports: number;
  rssMiB: number;
  /** The server's own figures at the minute's end (MiB). */
  heapUsed: number;
  heapTotal: number;
  external: number;
  arrayBuffers: number;
}

function random(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state * 1_664_525 + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}

async function main(): Promise<void> {
  const database = await freshDatabase('zakupka_soak');
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'zakupka-soak-'));
  const handle = openPostgres(database.url, 4);
  await migrate(handle);
  const suppliers: { token: string; shop: number; name: string }[] = [];
  for (let s = 0; s < 3; s += 1) {
    const [owner] = await handle.db
      .insert(users)
      .values({
        email: `soak-supplier-${s}@bench.test`,
        passwordHash: '!',
        role: 'supplier',
        emailConfirmedAt: new Date(),
      })
      .returning({ id: users.id });
    const name = `Поставщик ${s + 1}`;
    const [shop] = await handle.db
      .insert(shops)
      .values({ ownerId: owner.id, name })
      .returning({ id: shops.id });
    suppliers.push({
      token: await tokenFor(handle.db, { id: owner.id, role: 'supplier' }),
      shop: shop.id,
      name,
    });
  }
  const buyerRows = await handle.db
    .insert(users)
    .values(
      Array.from({ length: BUYERS }, (_, i) => ({
        email: `soak-buyer-${i}@bench.test`,
        passwordHash: '!',
        role: 'buyer' as const,
        firstName: 'Покупатель',
        company: `ООО Сеть ${i}`,
        emailConfirmedAt: new Date(),
        inn: '7701234567',
      })),
    )
    .returning({ id: users.id });
  const contactRows = await handle.db
    .insert(contacts)
    .values(
      buyerRows.map((row) => ({
        userId: row.id,
        city: 'Москва',
        street: 'Тверская',
        house: '1',
        phone: '+79160000000',
      })),
    )
    .returning({ id: contacts.id, userId: contacts.userId });
  const buyers = await Promise.all(
    contactRows.map(async (c) => ({
      token: await tokenFor(handle.db, { id: c.userId, role: 'buyer' }),
      contactId: c.id,
    })),
  );
  await handle.close();

  // The server's own memory figures (bench/memory-monitor.ts): heap versus the rest of RSS.
  const memoryFile = path.join(dataDir, 'memory.jsonl');
  const server = await startServer(
    { DATABASE_URL: database.url, DATA_DIR: dataDir, MEMORY_MONITOR_FILE: memoryFile },
    ['--import', './bench/memory-monitor.ts'],
  );
  /** The server's last memory line: MiB of heap used, heap total, external, array buffers. */
  const memory = (): { heapUsed: number; heapTotal: number; external: number; arrayBuffers: number } => {
    try {
      const lines = fs.readFileSync(memoryFile, 'utf8').trim().split('\n');
      return JSON.parse(lines.at(-1)!);
    } catch {
      return { heapUsed: Number.NaN, heapTotal: Number.NaN, external: Number.NaN, arrayBuffers: Number.NaN };
    }
  };
  // A request that gets no answer (connection refused or reset) comes back as status 0: a failure.
  const call = async (method: string, url: string, token?: string, body?: unknown) => {
    try {
      const res = await fetch(`${server.url}${url}`, {
        method,
        headers: {
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...(body && !(body instanceof FormData) ? { 'content-type': 'application/json' } : {}),
        },
        body: body instanceof FormData ? body : body ? JSON.stringify(body) : undefined,
      });
      const text = await res.text();
      return { status: res.status, text };
    } catch (error) {
      return { status: 0, text: (error as Error).message };
    }
  };
  let importSeed = 0;
  const importRound = async (supplier: (typeof suppliers)[number], wait: boolean) => {
    const form = new FormData();
    const file = generatePriceList({
      shop: suppliers.indexOf(supplier),
      shopName: supplier.name,
      goods: GOODS,
      seed: importSeed++,
    });
    form.append('file', new Blob([file]), 'price.yaml');
    const res = await call('POST', '/api/v2/supplier/imports', supplier.token, form);
    if (res.status !== 202) throw new Error(`import refused: ${res.status} ${res.text}`);
    const id = JSON.parse(res.text).id;
    while (wait) {
      const detail = JSON.parse((await call('GET', `/api/v2/supplier/imports/${id}`, supplier.token)).text);
      if (detail.status === 'succeeded') return;
      if (detail.status === 'failed') throw new Error(`import failed: ${JSON.stringify(detail.error)}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  };
  for (const supplier of suppliers) await importRound(supplier, true);
  let productIds: { id: number; name: string }[] = [];
  let offerIds: number[] = [];
  // What clients pick from, read again after every import (an import can hide a product).
  // A list that comes back empty or unreadable while the catalog has goods is a failure: counted,
  // and the clients keep what they had.
  const listFailures: string[] = [];
  const refresh = async () => {
    const products = await call('GET', '/api/v2/products?limit=200');
    const offers = await call('GET', '/api/v2/offers?limit=200');
    const productItems = products.status === 200 ? JSON.parse(products.text).items : undefined;
    const offerItems = offers.status === 200 ? JSON.parse(offers.text).items : undefined;
    if (!productItems?.length || !offerItems?.length) {
      listFailures.push(
        `refresh after an import: products ${products.status} (${productItems?.length ?? '-'} items), ` +
          `offers ${offers.status} (${offerItems?.length ?? '-'} items)`,
      );
      if (productIds.length > 0 && offerIds.length > 0) return;
      throw new Error(listFailures.at(-1));
    }
    productIds = productItems;
    offerIds = (offerItems as { id: number }[]).map((o) => o.id);
  };
  await refresh();
  const words = [
    ...new Set(productIds.flatMap((p) => p.name.split(/\s+/)).filter((w) => w.length > 3)),
  ].slice(0, 40);
  console.log(
    `soak: ${MINUTES} min, ${CONNECTIONS} clients, ${suppliers.length} × ${GOODS} goods, ${BUYERS} buyers; ${machine()}`,
  );

  const started = Date.now();
  const end = started + MINUTES * 60_000;
  const minutes: Minute[] = [];
  const failures: string[] = [];
  let bucket = { latencies: [] as number[], byDesign: 0, failed: 0, imports: 0 };
  const record = (status: number, ms: number, what: string) => {
    bucket.latencies.push(ms);
    if (status >= 200 && status < 300) return;
    // A product page asked just as an import hid that product is a 404 by design too.
    if (BY_DESIGN.has(status) || (status === 404 && what === 'GET /products/:id')) bucket.byDesign += 1;
    else {
      bucket.failed += 1;
      if (failures.length < 50) failures.push(`${what}: ${status}`);
    }
  };
  const client = async (index: number) => {
    const r = random(index + 1);
    const buyer = () => buyers[Math.floor(r() * buyers.length)];
    while (Date.now() < end) {
      const roll = r();
      const t0 = performance.now();
      let what: string;
      let res: { status: number; text: string };
      if (roll < 0.35) {
        what = 'GET /products';
        res = await call('GET', `/api/v2/products?limit=20&sort=${r() < 0.5 ? 'price' : 'name'}`);
      } else if (roll < 0.55) {
        const id = productIds[Math.floor(r() * productIds.length)].id;
        what = 'GET /products/:id';
        res = await call('GET', `/api/v2/products/${id}`);
      } else if (roll < 0.7) {
        what = 'GET /products?q=';
        res = await call(
          'GET',
          `/api/v2/products?q=${encodeURIComponent(words[Math.floor(r() * words.length)] ?? 'товар')}&limit=20`,
        );
      } else if (roll < 0.9) {
        what = 'POST /basket/items';
        res = await call('POST', '/api/v2/basket/items', buyer().token, {
          offer_id: offerIds[Math.floor(r() * offerIds.length)],
          quantity: 1 + Math.floor(r() * 3),
        });
      } else {
        const b = buyer();
        what = 'POST /orders';
        res = await call('POST', '/api/v2/orders', b.token, { contact_id: b.contactId });
      }
      record(res.status, performance.now() - t0, what);
    }
  };
  const importer = (async () => {
    let turn = 0;
    while (Date.now() + IMPORT_SECONDS * 1000 < end) {
      await new Promise((resolve) => setTimeout(resolve, IMPORT_SECONDS * 1000));
      const t0 = performance.now();
      try {
        await importRound(suppliers[turn++ % suppliers.length], true);
        const listed = listFailures.length;
        await refresh();
        if (listFailures.length > listed) {
          bucket.failed += 1;
          failures.push(listFailures.at(-1)!);
        }
        bucket.imports += 1;
        record(200, performance.now() - t0, 'import');
      } catch (error) {
        bucket.failed += 1;
        failures.push(`import: ${(error as Error).message}`);
      }
    }
  })();
  const flush = () => {
    const sorted = [...bucket.latencies].sort((a, b) => a - b);
    const row: Minute = {
      minute: minutes.length + 1,
      requests: sorted.length,
      perSecond: Math.round(sorted.length / 60),
      p50: Math.round(percentile(sorted, 50) * 10) / 10,
      p99: Math.round(percentile(sorted, 99) * 10) / 10,
      byDesign: bucket.byDesign,
      failed: bucket.failed,
      imports: bucket.imports,
      rssMiB: Math.round(server.rssMiB()),
      ...memory(),
    };
    minutes.push(row);
    console.log(
      `minute ${row.minute}: ${row.requests} requests (${row.perSecond}/s), p50 ${row.p50} ms, p99 ${row.p99} ms, ` +
        `${row.byDesign} refused by design, ${row.failed} failed, ${row.imports} imports, RSS ${row.rssMiB} MiB ` +
        `(heap ${row.heapUsed}/${row.heapTotal}, external ${row.external}, array buffers ${row.arrayBuffers})`,
    );
    bucket = { latencies: [], byDesign: 0, failed: 0, imports: 0 };
  };
  const reporter = setInterval(flush, 60_000);
  const samples: { second: number; rssMiB: number; heapUsedMiB: number }[] = [];
  const sampler = setInterval(() => {
    samples.push({
      second: Math.round((Date.now() - started) / 1000),
      rssMiB: server.rssMiB(),
      heapUsedMiB: memory().heapUsed,
    });
  }, 10_000);
  await Promise.all([...Array.from({ length: CONNECTIONS }, (_, i) => client(i)), importer]);
  clearInterval(reporter);
  if (bucket.latencies.length > 0 && Date.now() - started > minutes.length * 60_000 + 5_000) flush();

  clearInterval(sampler);
  // RSS slope (least squares over the 10-second samples) after the warm-up: the first two minutes,
  // or the first one in a run shorter than four. MiB per minute.
  const warmup = (MINUTES >= 4 ? 2 : 1) * 60;
  const steady = samples.filter((sample) => sample.second >= warmup);
  const n = steady.length;
  const slopeOf = (value: (sample: (typeof samples)[number]) => number) => {
    const points = steady.filter((x) => Number.isFinite(value(x)));
    const mx = points.reduce((sum, x) => sum + x.second / 60, 0) / Math.max(1, points.length);
    const my = points.reduce((sum, x) => sum + value(x), 0) / Math.max(1, points.length);
    return points.length >= 3
      ? points.reduce((sum, x) => sum + (x.second / 60 - mx) * (value(x) - my), 0) /
          points.reduce((sum, x) => sum + (x.second / 60 - mx) ** 2, 0)
      : Number.NaN;
  };
  const slope = slopeOf((x) => x.rssMiB);
  const heapSlope = slopeOf((x) => x.heapUsedMiB);
  const failed = minutes.reduce((sum, m) => sum + m.failed, 0);
  const peak = server.peakRssMiB();
  await server.stop();
  await database.drop();
  fs.rmSync(dataDir, { recursive: true, force: true });

  const table = minutes
    .map(
      (m) =>
        `| ${m.minute} | ${m.requests} | ${m.perSecond} | ${m.p50} | ${m.p99} | ${m.byDesign} | ${m.failed} | ${m.imports} | ${m.rssMiB} | ${m.heapUsed} / ${m.heapTotal} | ${m.external} / ${m.arrayBuffers} |`,
    )
    .join('\n');
  // Flat memory: the steady-state slope within SOAK_MAX_SLOPE MiB/min (1 by default: 8 MiB over the
  // eight steady minutes of a default run, well under one import's transient working set).
  const maxSlope = Number(process.env.SOAK_MAX_SLOPE ?? 1);
  const flat = Number.isFinite(slope) && slope <= maxSlope;
  const verdict =
    `verdict: ${failed === 0 && flat ? 'PASS' : 'FAIL'} — ${failed} failed request(s); RSS slope ` +
    `${Number.isFinite(slope) ? slope.toFixed(2) : 'n/a'} MiB/min over minutes ${warmup / 60 + 1}–${MINUTES} ` +
    `(${flat ? 'flat' : Number.isFinite(slope) ? 'growing' : 'too short to tell'}, bound ${maxSlope} MiB/min)`;
  const markdown = `# Soak (${new Date().toISOString().slice(0, 10)})

${MINUTES} min, ${CONNECTIONS} clients: 35 % product lists, 20 % product pages, 15 % searches, 20 % basket adds,
10 % checkouts; a supplier re-imports ${GOODS} goods every ${IMPORT_SECONDS} s. ${machine()}; server, PostgreSQL
and load generator on the same machine.

| minute | requests | req/s | p50 ms | p99 ms | refused by design (409/422) | failed | imports | API RSS MiB | heap used / total MiB | external / array buffers MiB |
|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|
${table}

RSS slope over minutes ${warmup / 60 + 1}–${MINUTES} (least squares, ${n} samples 10 s apart): ${Number.isFinite(slope) ? slope.toFixed(2) : 'n/a'} MiB/min; peak RSS ${Math.round(peak)} MiB. Heap used: ${Number.isFinite(heapSlope) ? heapSlope.toFixed(2) : 'n/a'} MiB/min over the same minutes (a growing heap is a leak or a filling cache; RSS growing over a flat heap is memory the allocator keeps).
Failed requests: ${failed}${failures.length ? ` (${failures.slice(0, 10).join('; ')})` : ''}.

${verdict}
`;
  writeResult('soak', markdown, {
    minutes,
    samples,
    slopeMiBPerMinute: slope,
    heapSlopeMiBPerMinute: heapSlope,
    verdict,
    peakRssMiB: peak,
    failed,
    failures,
  });
  console.log(markdown);
  if (failed > 0 || !flat) process.exitCode = 1;
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
