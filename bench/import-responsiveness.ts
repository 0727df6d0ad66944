// `npm run bench:import-responsiveness`: how the API answers while it imports a 100,000-good price
// list (BENCH_GOODS) on the PostgreSQL server, or with BENCH_DB=pglite on the embedded PGlite (the
// default of a server without DATABASE_URL). The API runs as its own process with its workers; the
// file is uploaded (by curl, a process of its own), and while the import runs GET /health/live and GET /api/v2/products?limit=1 are
// asked every 20 ms (one of each at a time). Reports their p50 / p99 / max and the import's phases.
// Results go to bench/results/import-responsiveness.md and .json (-pglite.md/.json for PGlite).
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { loadConfig } from '../src/config.ts';
import { type DatabaseHandle, openPostgres } from '../src/db/client.ts';
import { migrate } from '../src/db/migrate.ts';
import { shops } from '../src/db/schema/catalog.ts';
import { users } from '../src/db/schema/users.ts';
import { generatePriceList } from '../src/modules/catalog/demo/generate.ts';
import { createLogger, createRuntime } from '../src/runtime.ts';
import { freshDatabase, machine, percentile, startServer, tokenFor, writeResult } from './lib.ts';

const execFileAsync = promisify(execFile);
const GOODS = Number(process.env.BENCH_GOODS ?? 100_000);
const PGLITE = process.env.BENCH_DB === 'pglite';

/** The bench's supplier with its shop, and an access token for it. */
async function seedSupplier(db: DatabaseHandle['db']): Promise<string> {
  const [owner] = await db
    .insert(users)
    .values({ email: 'resp@bench.test', passwordHash: '!', role: 'supplier', emailConfirmedAt: new Date() })
    .returning({ id: users.id });
  await db.insert(shops).values({ ownerId: owner.id, name: 'Поставщик' });
  return tokenFor(db, { id: owner.id, role: 'supplier' });
}

async function main(): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'zakupka-resp-'));
  let token: string;
  let database: Awaited<ReturnType<typeof freshDatabase>> | undefined;
  if (PGLITE) {
    const config = loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'warn' });
    const runtime = await createRuntime(config, { log: createLogger(config), workers: false });
    token = await seedSupplier(runtime.db);
    await runtime.close();
  } else {
    database = await freshDatabase(process.env.BENCH_DB_PREFIX ?? 'zakupka_resp');
    const handle = openPostgres(database.url, 2);
    await migrate(handle);
    token = await seedSupplier(handle.db);
    await handle.close();
  }
  const file = generatePriceList({ shop: 0, shopName: 'Поставщик', goods: GOODS });
  const filePath = path.join(dataDir, 'price.yaml');
  fs.writeFileSync(filePath, file);
  // The server's own record of its event loop's stalls (bench/loop-monitor.ts): the client's
  // probes also wait for this process and for the machine; the monitor's CPU times do not.
  const stallFile = path.join(dataDir, 'stalls.jsonl');
  const server = await startServer(
    {
      ...(database ? { DATABASE_URL: database.url } : {}),
      DATA_DIR: dataDir,
      LOOP_MONITOR_FILE: stallFile,
    },
    ['--import', './bench/loop-monitor.ts'],
  );
  // A failed run leaves no server behind.
  process.on('exit', () => server.child.kill());
  /** When (epoch ms) the import entered each phase shown. */
  const phases: { at: number; phase: string }[] = [{ at: Date.now(), phase: 'upload' }];

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
  // Uploaded by curl, a process of its own: sending 40 MB from this one would hold this event loop
  // too, and the probes' times would include this process's own stall, not only the server's.
  const upload = await execFileAsync(
    'curl',
    [
      '--silent',
      '--show-error',
      '--fail-with-body',
      '-H',
      `authorization: Bearer ${token}`,
      '-F',
      `file=@${filePath};filename=price.yaml`,
      `${server.url}/api/v2/supplier/imports`,
    ],
    { maxBuffer: 1024 * 1024 },
  );
  const { id } = JSON.parse(upload.stdout) as { id: number };
  let detail: { status: string; timings?: Record<string, number> };
  let pollResets = 0;
  for (;;) {
    let r: Response;
    try {
      r = await fetch(`${server.url}/api/v2/supplier/imports/${id}`, {
        headers: { authorization: `Bearer ${token}` },
      });
    } catch {
      // A kept-alive connection the server closed as this request went out: asked again.
      pollResets += 1;
      continue;
    }
    detail = (await r.json()) as typeof detail;
    const shown = detail as { phase?: string | null; progress?: number };
    const now = `${shown.phase ?? detail.status} ${shown.progress ?? ''}%`;
    if (now !== phase) phases.push({ at: Date.now(), phase: now });
    phase = now;
    if (detail.status === 'succeeded' || detail.status === 'failed') break;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const seconds = (performance.now() - started) / 1000;
  const importEnd = Date.now();
  done = true;
  await prober;
  const peakRssMiB = Math.round(server.peakRssMiB());
  const load = os
    .loadavg()
    .map((x) => x.toFixed(1))
    .join(' ');
  await server.stop();
  const stalls = (fs.existsSync(stallFile) ? fs.readFileSync(stallFile, 'utf8') : '')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as { at: number; wallMs: number; cpuMs: number })
    .filter((stall) => stall.at >= phases[0].at && stall.at - stall.wallMs <= importEnd)
    .map((stall) => ({
      ...stall,
      phase: phases.findLast((p) => p.at <= stall.at - stall.wallMs)?.phase ?? 'upload',
    }));
  await database?.drop();
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

${PGLITE ? "Embedded PGlite (no DATABASE_URL): the database runs on the API process's own thread. " : 'PostgreSQL server. '}${machine()}; load average at the end ${load}; server${PGLITE ? '' : ', PostgreSQL'} and this client on the same machine. Import ${detail.status} in ${seconds.toFixed(1)} s, server peak RSS ${peakRssMiB} MiB
(timings: ${JSON.stringify(detail.timings ?? {})}). Probes every 20 ms while it ran; ${probes.failed} failed${pollResets ? ` (and ${pollResets} status polls met a closed connection and were asked again)` : ''}.

| probe | answers | p50 ms | p99 ms | max ms |
|---|---:|---:|---:|---:|
| GET /health/live | ${health.count} | ${health.p50} | ${health.p99} | ${health.max} |
| GET /api/v2/products?limit=1 | ${products.count} | ${products.p50} | ${products.p99} | ${products.max} |

/health/live probes over 200 ms (seconds after the upload began, ms, the import's phase then):
${slow.map((x) => `${x.at} s ${x.ms} ms (${x.phase})`).join('; ') || 'none'}

The server's own event loop (bench/loop-monitor.ts, a 5 ms timer in the server process): stretches
over 40 ms in which it did not turn, from the upload to the import's end. *CPU* is what the main
thread itself computed in the stretch (load-independent); the rest of the wall time was waiting for a
core (the machine's load) or for a synchronous call.

| | stretches | over 100 ms wall | over 50 ms CPU | over 100 ms CPU | longest wall ms | longest CPU ms | CPU ms in stretches |
|---|---:|---:|---:|---:|---:|---:|---:|
| event loop | ${stalls.length} | ${stalls.filter((x) => x.wallMs > 100).length} | ${stalls.filter((x) => x.cpuMs > 50).length} | ${stalls.filter((x) => x.cpuMs > 100).length} | ${Math.max(0, ...stalls.map((x) => x.wallMs))} | ${Math.max(0, ...stalls.map((x) => x.cpuMs))} | ${stalls.reduce((sum, x) => sum + x.cpuMs, 0)} |

Stretches with over 50 ms CPU (seconds after the upload began, wall / CPU ms, the import's phase then):
${
  stalls
    .filter((x) => x.cpuMs > 50)
    .map(
      (x) =>
        `${((x.at - x.wallMs - phases[0].at) / 1000).toFixed(1)} s ${x.wallMs}/${x.cpuMs} ms (${x.phase})`,
    )
    .join('; ') || 'none'
}
`;
  writeResult(PGLITE ? 'import-responsiveness-pglite' : 'import-responsiveness', markdown, {
    database: PGLITE ? 'pglite' : 'postgres',
    goods: GOODS,
    seconds,
    detail,
    health,
    products,
    failed: probes.failed,
    peakRssMiB,
    load,
    stalls,
  });
  console.log(markdown);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
