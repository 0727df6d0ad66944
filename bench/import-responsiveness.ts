// `npm run bench:import-responsiveness`: how the API answers while it imports a 100,000-good price
// list (BENCH_GOODS) on the PostgreSQL server. The API runs as its own process with its workers; the
// file is uploaded, and while the import runs GET /health/live and GET /api/v2/products?limit=1 are
// asked every 20 ms (one of each at a time). Reports their p50 / p99 / max and the import's phases.
// Results go to bench/results/import-responsiveness.md and .json.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openPostgres } from '../src/db/client.ts';
import { migrate } from '../src/db/migrate.ts';
import { shops } from '../src/db/schema/catalog.ts';
import { users } from '../src/db/schema/users.ts';
import { generatePriceList } from '../src/modules/catalog/demo/generate.ts';
import { freshDatabase, machine, percentile, startServer, tokenFor, writeResult } from './lib.ts';

const GOODS = Number(process.env.BENCH_GOODS ?? 100_000);

async function main(): Promise<void> {
  const database = await freshDatabase('zakupka_resp');
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'zakupka-resp-'));
  const handle = openPostgres(database.url, 2);
  await migrate(handle);
  const [owner] = await handle.db
    .insert(users)
    .values({ email: 'resp@bench.test', passwordHash: '!', role: 'supplier', emailConfirmedAt: new Date() })
    .returning({ id: users.id });
  await handle.db.insert(shops).values({ ownerId: owner.id, name: 'Поставщик' });
  const token = await tokenFor(handle.db, { id: owner.id, role: 'supplier' });
  await handle.close();
  const file = generatePriceList({ shop: 0, shopName: 'Поставщик', goods: GOODS });
  const server = await startServer({ DATABASE_URL: database.url, DATA_DIR: dataDir });

  const probes = { health: [] as number[], products: [] as number[], failed: 0 };
  /** Probes slower than 200 ms: when (seconds since the upload began) and in which import phase. */
  const slow: { at: number; ms: number; phase: string }[] = [];
  let phase = 'upload';
  let origin = performance.now();
  let done = false;
  const probe = async (url: string, into: number[]) => {
    const t0 = performance.now();
    try {
      const res = await fetch(`${server.url}${url}`);
      await res.arrayBuffer();
      if (res.status !== 200) probes.failed += 1;
    } catch {
      probes.failed += 1;
    }
    const ms = performance.now() - t0;
    into.push(ms);
    if (ms > 200 && into === probes.health) {
      slow.push({ at: Math.round((t0 - origin) / 100) / 10, ms: Math.round(ms), phase });
    }
  };
  const prober = (async () => {
    while (!done) {
      await Promise.all([
        probe('/health/live', probes.health),
        probe('/api/v2/products?limit=1', probes.products),
      ]);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  })();

  const started = performance.now();
  origin = started;
  const form = new FormData();
  form.append('file', new Blob([file]), 'price.yaml');
  const res = await fetch(`${server.url}/api/v2/supplier/imports`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
    body: form,
  });
  const { id } = (await res.json()) as { id: number };
  let detail: { status: string; timings?: Record<string, number> };
  for (;;) {
    const r = await fetch(`${server.url}/api/v2/supplier/imports/${id}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    detail = (await r.json()) as typeof detail;
    const shown = detail as { phase?: string | null; progress?: number };
    phase = `${shown.phase ?? detail.status} ${shown.progress ?? ''}%`;
    if (detail.status === 'succeeded' || detail.status === 'failed') break;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const seconds = (performance.now() - started) / 1000;
  done = true;
  await prober;
  const peakRssMiB = Math.round(server.peakRssMiB());
  const load = os
    .loadavg()
    .map((x) => x.toFixed(1))
    .join(' ');
  await server.stop();
  await database.drop();
  fs.rmSync(dataDir, { recursive: true, force: true });

  const stat = (values: number[]) => {
    const sorted = [...values].sort((a, b) => a - b);
    return {
      count: sorted.length,
      p50: Math.round(percentile(sorted, 50) * 10) / 10,
      p99: Math.round(percentile(sorted, 99) * 10) / 10,
      max: Math.round((sorted.at(-1) ?? 0) * 10) / 10,
    };
  };
  const health = stat(probes.health);
  const products = stat(probes.products);
  const markdown = `# API responsiveness during a ${GOODS.toLocaleString('en')}-good import (${new Date().toISOString().slice(0, 10)})

${machine()}; load average at the end ${load}; server, PostgreSQL and this client on the same machine. Import ${detail.status} in ${seconds.toFixed(1)} s, server peak RSS ${peakRssMiB} MiB
(timings: ${JSON.stringify(detail.timings ?? {})}). Probes every 20 ms while it ran; ${probes.failed} failed.

| probe | answers | p50 ms | p99 ms | max ms |
|---|---:|---:|---:|---:|
| GET /health/live | ${health.count} | ${health.p50} | ${health.p99} | ${health.max} |
| GET /api/v2/products?limit=1 | ${products.count} | ${products.p50} | ${products.p99} | ${products.max} |

/health/live probes over 200 ms (seconds after the upload began, ms, the import's phase then):
${slow.map((x) => `${x.at} s ${x.ms} ms (${x.phase})`).join('; ') || 'none'}
`;
  writeResult('import-responsiveness', markdown, {
    goods: GOODS,
    seconds,
    detail,
    health,
    products,
    failed: probes.failed,
    peakRssMiB,
    load,
  });
  console.log(markdown);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
