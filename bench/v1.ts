// `npm run bench:v1`: the seed's API (`/api/v1`) on the seed's own harness (`../shared/bench-v1`,
// its README gives the dataset, accounts and commands), on the PostgreSQL server, beside the
// harness's node:http floor measured in the same run — so the figures can be set against the
// reference's (its results file), which ran beside its own floor on the same kind of machine.
//
// What it does, as the harness's README prescribes:
// 1. Generates the dataset (10 shops × 2,000 goods, 100 categories, 5 parameters, 5,000 products).
// 2. A fresh database; the accounts shop01–12@bench.local and buyer001–032@bench.local.
// 3. The API as its own process (RATE_LIMIT=false); each shop's list imported through
//    `POST /api/v1/partner/update` from a local static server, waited for until it is done;
//    VACUUM ANALYZE; the API restarted without in-process workers (RUN_WORKERS=false, as
//    bench:checkout runs it: the order emails queue in the order's transaction and wait for a
//    worker); the harness's prepare.mjs writes the scenario inputs.
// 4. The floor: floor-server.mjs serving one of our own catalog answers (≈10 KB), scenario a.
// 5. Scenarios a–d with run-scenarios.sh (wrk -t1 -c8, 5 s warm-up, 30 s measured).
// 6. The API restarted with its workers, which send the queued order emails: the time and the
//    CPU per order they took are reported beside scenario d.
// The "scaled" column is ours × (the reference's floor ÷ our floor): the reference's machine and
// ours differ, and the floors, measured the same way beside each, bring them to one scale.
// Results go to bench/results/v1.md and .json; the database is dropped at the end.
// Env: BENCH_V1_HARNESS (the harness folder), BENCH_V1_SECONDS (30), BENCH_V1_REPS (1),
// BENCH_V1_DRAIN_SECONDS (600: how long the order emails are sent after the run).
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import pg from 'pg';
import { loadConfig } from '../src/config.ts';
import { hashPassword } from '../src/lib/passwords.ts';
import { ensureAccount } from '../src/modules/accounts/provisioning.service.ts';
import { createLogger, createRuntime } from '../src/runtime.ts';
import {
  AUTH_SECRET,
  cacheDir,
  freePort,
  freshDatabase,
  machine,
  processCpuMs,
  ROOT,
  startServer,
  writeResult,
} from './lib.ts';

const HARNESS = path.resolve(process.env.BENCH_V1_HARNESS ?? path.join(ROOT, '..', 'shared', 'bench-v1'));
const SECONDS = Number(process.env.BENCH_V1_SECONDS ?? 30);
const REPS = Number(process.env.BENCH_V1_REPS ?? 1);
/** How long the queued order emails are worked off after the run before the rest is counted as left. */
const DRAIN_SECONDS = Number(process.env.BENCH_V1_DRAIN_SECONDS ?? 600);
const PASSWORD = 'BenchPass-2026!';
const SHOPS = 10;

/** The reference's figures (results/2026-11-25-django-reference.md) and the targets (issue 22.6). */
const REFERENCE = {
  floorRps: 88_167,
  catalog: { rps: 320, p99: 81.3, target: 15, p99Target: 10 },
  'catalog-wide': { rps: 54.9, p99: 226, target: 30 },
  categories: { rps: 1518, p99: 8.4, target: 10 },
  shops: { rps: 1542, p99: 9.0, target: 10 },
  orders: { rps: 107, p99: 181, target: 6 },
} as const;
type Scenario = Exclude<keyof typeof REFERENCE, 'floorRps'>;
const SCENARIOS: Scenario[] = ['catalog', 'catalog-wide', 'categories', 'shops', 'orders'];

interface Measured {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
}

/** Runs a harness command; throws on failure, else answers what it printed on each stream. */
function run(
  command: string,
  args: string[],
  env: Record<string, string> = {},
): { stdout: string; stderr: string } {
  const result = spawnSync(command, args, {
    cwd: HARNESS,
    encoding: 'utf8',
    env: { ...process.env, ...env },
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.status !== 0) {
    throw new Error(
      `${command} ${args.join(' ')} failed (${result.status}): ${result.stderr || result.stdout}`,
    );
  }
  return { stdout: result.stdout, stderr: result.stderr };
}

/** A static file server for the price lists (the harness suggests python's; this is the same). */
async function serveFiles(dir: string): Promise<{ url: string; close(): void }> {
  const server = http.createServer((request, response) => {
    const file = path.join(dir, decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname));
    if (!file.startsWith(dir) || !fs.existsSync(file)) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'content-type': 'application/yaml' });
    fs.createReadStream(file).pipe(response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => server.close() };
}

/** The median over repetitions of the RESULT lines (wrk) or the orders JSON of one scenario. */
function measuredOf(outDir: string, scenario: Scenario): Measured {
  const runs: Measured[] = [];
  for (let rep = 1; rep <= REPS; rep += 1) {
    if (scenario === 'orders') {
      const result = JSON.parse(fs.readFileSync(path.join(outDir, `orders.r${rep}.json`), 'utf8'));
      const errors = Object.values(result.errors ?? {}).reduce<number>(
        (sum, value) => sum + (typeof value === 'number' ? value : 0),
        0,
      );
      runs.push({
        rps: result.ordersPerS,
        p50: result.latencyMs.wholeOrder.p50 ?? Number.NaN,
        p99: result.latencyMs.wholeOrder.p99 ?? Number.NaN,
        errors,
      });
      continue;
    }
    const text = fs.readFileSync(path.join(outDir, `${scenario}.r${rep}.txt`), 'utf8');
    const line = text.split('\n').find((row) => row.startsWith('RESULT '));
    if (!line) throw new Error(`no RESULT line in ${scenario}.r${rep}.txt`);
    const result = JSON.parse(line.slice('RESULT '.length));
    const errors = Object.values(result.errors as Record<string, number>).reduce((sum, n) => sum + n, 0);
    runs.push({ rps: result.rps, p50: result.p50_ms, p99: result.p99_ms, errors });
  }
  runs.sort((a, b) => a.rps - b.rps);
  return runs[Math.floor(runs.length / 2)];
}

async function main() {
  if (!fs.existsSync(path.join(HARNESS, 'run-scenarios.sh'))) {
    throw new Error(`the harness is not at ${HARNESS} (set BENCH_V1_HARNESS)`);
  }
  if (spawnSync('wrk', ['-v']).error) throw new Error('wrk is missing: apt-get install wrk');
  const work = path.join(cacheDir(), 'v1');
  const data = path.join(work, 'data');
  if (!fs.existsSync(path.join(data, `shop${SHOPS}.yaml`))) {
    run(process.execPath, [
      'gen-pricelists.mjs',
      ...['--out', data, '--shops', String(SHOPS), '--goods', '2000', '--categories', '100'],
      ...['--params', '5', '--products', '5000'],
    ]);
  }
  const files = await serveFiles(work);
  const database = await freshDatabase('zk_bench_v1');
  let server: Awaited<ReturnType<typeof startServer>> | undefined;
  try {
    // Migrate and create the accounts (one argon2 hash serves every account: same password).
    const config = loadConfig({ DATABASE_URL: database.url, AUTH_SECRET, LOG_LEVEL: 'warn' });
    const runtime = await createRuntime(config, { log: createLogger(config), workers: false });
    const passwordHash = await hashPassword(PASSWORD);
    for (let n = 1; n <= 12; n += 1) {
      const email = `shop${String(n).padStart(2, '0')}@bench.local`;
      await ensureAccount(runtime, { email, role: 'supplier', passwordHash, company: `Bench ${n}` });
    }
    const buyers: string[] = [];
    for (let n = 1; n <= 32; n += 1) {
      const email = `buyer${String(n).padStart(3, '0')}@bench.local`;
      await ensureAccount(runtime, { email, role: 'buyer', passwordHash, company: `Buyer ${n}` });
      buyers.push(`${email} ${PASSWORD}`);
    }
    await runtime.close();
    const runDir = path.join(work, 'run');
    fs.rmSync(runDir, { recursive: true, force: true });
    fs.mkdirSync(runDir, { recursive: true });
    fs.writeFileSync(path.join(work, 'buyers.txt'), `${buyers.join('\n')}\n`);

    const serverEnv = {
      DATABASE_URL: database.url,
      ALLOW_PRIVATE_IMPORT_URLS: 'true',
      // The order emails go to files there (no SMTP_URL), as in the embedded default.
      DATA_DIR: path.join(work, 'server-data'),
    };
    // The dataset is loaded with the API's in-process workers (the imports are jobs).
    server = await startServer(serverEnv);
    let base = server.url;

    // 3. The dataset through the seed's import call, each waited for.
    const admin = new pg.Client({ connectionString: database.url });
    await admin.connect();
    const loadStarted = Date.now();
    for (let n = 1; n <= SHOPS; n += 1) {
      const code = String(n).padStart(2, '0');
      const login = await fetch(`${base}/api/v1/user/login`, {
        method: 'POST',
        body: new URLSearchParams({ email: `shop${code}@bench.local`, password: PASSWORD }),
      });
      const { Token } = (await login.json()) as { Token: string };
      const answer = await fetch(`${base}/api/v1/partner/update`, {
        method: 'POST',
        headers: { authorization: `Token ${Token}` },
        body: new URLSearchParams({ url: `${files.url}/data/shop${code}.yaml` }),
      });
      const body = (await answer.json()) as { Status: boolean; Task?: number };
      if (!body.Status) throw new Error(`import of shop${code}: ${JSON.stringify(body)}`);
      for (;;) {
        const { rows } = await admin.query<{ status: string }>(
          `select i.status from imports i join shops s on s.id = i.shop_id join users u on u.id = s.owner_id
           where u.email = $1 order by i.id desc limit 1`,
          [`shop${code}@bench.local`],
        );
        if (rows[0]?.status === 'succeeded') break;
        if (rows[0] && ['failed', 'cancelled'].includes(rows[0].status)) {
          throw new Error(`import of shop${code} ended ${rows[0].status}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
    const loadSeconds = (Date.now() - loadStarted) / 1000;
    await admin.query('vacuum analyze');
    // Measured as bench:checkout measures: an API process that works no jobs, so each order's
    // emails (5 of them, with 3 invoice PDFs and the staff's order PDF) are queued in the order's
    // transaction and wait for a worker; what rendering them costs is measured after the run.
    await server.stop();
    server = await startServer({ ...serverEnv, RUN_WORKERS: 'false' });
    base = server.url;
    run(process.execPath, [
      'prepare.mjs',
      '--base',
      base,
      '--buyers',
      path.join(work, 'buyers.txt'),
      '--out',
      runDir,
    ]);

    // 4. The floor, serving one of our own catalog answers of the median size.
    const paths = fs.readFileSync(path.join(runDir, 'paths-catalog.txt'), 'utf8').split('\n').filter(Boolean);
    const sizes: { path: string; body: Buffer }[] = [];
    for (const sample of paths.slice(0, 41)) {
      sizes.push({ path: sample, body: Buffer.from(await (await fetch(`${base}${sample}`)).arrayBuffer()) });
    }
    sizes.sort((a, b) => a.body.length - b.body.length);
    const floorBody = sizes[Math.floor(sizes.length / 2)].body;
    fs.writeFileSync(path.join(work, 'floor-body.json'), floorBody);
    const floorPort = await freePort();
    const floorProcess = spawn(
      process.execPath,
      ['floor-server.mjs', '--port', String(floorPort), '--file', path.join(work, 'floor-body.json')],
      { cwd: HARNESS, stdio: 'ignore' },
    );
    await new Promise((resolve) => setTimeout(resolve, 500));
    const out = path.join(work, 'out');
    fs.rmSync(out, { recursive: true, force: true });
    const env = { D: String(SECONDS), REPS: String(REPS) };
    try {
      run(
        'bash',
        ['run-scenarios.sh', `http://127.0.0.1:${floorPort}`, runDir, path.join(out, 'floor'), 'catalog'],
        env,
      );
    } finally {
      floorProcess.kill();
    }
    const floorRun = measuredOf(path.join(out, 'floor'), 'catalog');

    // 5. Ours: the reads, then the orders alone, with the CPU the API process and the database's
    // backends spent on them (the harness runs its scenarios one after another either way).
    const reads = SCENARIOS.filter((scenario) => scenario !== 'orders');
    run('bash', ['run-scenarios.sh', base, runDir, path.join(out, 'ours'), ...reads], env);
    const backendsCpu = async (): Promise<Map<number, number>> => {
      const { rows } = await admin.query<{ pid: number }>(
        'select pid from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()',
      );
      return new Map(rows.map((row) => [row.pid, processCpuMs(row.pid)]));
    };
    const orderCount = async (): Promise<number> =>
      (await admin.query<{ n: number }>('select count(*)::int as n from orders')).rows[0].n;
    const ordersBefore = await orderCount();
    const apiBefore = processCpuMs(server.pid);
    const pgBefore = await backendsCpu();
    // orders.mjs prints the first three answers of each kind of failure on stderr: kept, so that
    // the report says why orders failed (our API refuses what the reference accepts: stock, minimums).
    const ordersRun = run('bash', ['run-scenarios.sh', base, runDir, path.join(out, 'ours'), 'orders'], env);
    const orderFailures = ordersRun.stderr
      .split('\n')
      .filter((line) => /^\[[a-z-]+\] /.test(line))
      .map((line) => line.slice(0, 300));
    const pgAfter = await backendsCpu();
    const ordered = (await orderCount()) - ordersBefore;
    let pgMs = 0;
    for (const [pid, ms] of pgAfter) pgMs += ms - (pgBefore.get(pid) ?? 0);
    // Warm-up included: per order placed in the scenario's whole run.
    const orderCpu = {
      orders: ordered,
      apiMsPerOrder: ordered > 0 ? (processCpuMs(server.pid) - apiBefore) / ordered : 0,
      postgresMsPerOrder: ordered > 0 ? pgMs / ordered : 0,
    };

    // 6. The queued order emails, worked off by the API's own workers after the run.
    await server.stop();
    const emailJobs = async (): Promise<number> => {
      const { rows } = await admin.query<{ jobs: number }>(
        `select count(*)::int as jobs from pgboss.job where name = 'order_placed_emails' and state <> 'completed'`,
      );
      return rows[0].jobs;
    };
    const queuedEmails = await emailJobs();
    const drainStarted = Date.now();
    server = await startServer(serverEnv);
    const serverPid = server.pid;
    const cpuBefore = processCpuMs(serverPid);
    while ((await emailJobs()) > 0 && Date.now() - drainStarted < DRAIN_SECONDS * 1000) {
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    const left = await emailJobs();
    const sent = queuedEmails - left;
    const emailDrain = {
      orders: queuedEmails,
      seconds: (Date.now() - drainStarted) / 1000,
      // Per order whose emails were sent (the server's start-up included).
      cpuMsPerOrder: sent > 0 ? (processCpuMs(serverPid) - cpuBefore) / sent : 0,
      left,
    };
    await admin.end();
    const scale = REFERENCE.floorRps / floorRun.rps;
    const rows = SCENARIOS.map((scenario) => {
      const ours = measuredOf(path.join(out, 'ours'), scenario);
      const reference = REFERENCE[scenario];
      const scaled = ours.rps * scale;
      const times = scaled / reference.rps;
      const p99Target = 'p99Target' in reference ? reference.p99Target : null;
      const met = times >= reference.target && (p99Target === null || ours.p99 <= p99Target);
      return {
        scenario,
        ...ours,
        scaled,
        times,
        reference: reference.rps,
        target: reference.target,
        p99Target,
        met,
      };
    });
    const load = fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
    const table = [
      "| scenario | ours req/s (orders/s for d) | p50 ms | p99 ms | errors | scaled to the reference's floor | reference | × reference | target | met |",
      '|---|---:|---:|---:|---:|---:|---:|---:|---|---|',
      ...rows.map(
        (row) =>
          `| ${row.scenario} | ${row.rps.toFixed(0)} | ${row.p50.toFixed(2)} | ${row.p99.toFixed(2)} | ${row.errors} | ${row.scaled.toFixed(0)} | ${row.reference} | ${row.times.toFixed(1)}× | ≥ ${row.target}×${row.p99Target ? `, p99 ≤ ${row.p99Target} ms` : ''} | ${row.met ? 'yes' : '**no**'} |`,
      ),
    ].join('\n');
    const markdown = [
      "# API v1 on the seed's harness (`npm run bench:v1`)",
      '',
      `${machine()}; load average at the end ${load}; PostgreSQL server; wrk -t1 -c8, ${SECONDS} s measured, ${REPS} repetition(s) (median).`,
      `Dataset loaded through \`POST /api/v1/partner/update\`: ${SHOPS} × 2,000 goods in ${loadSeconds.toFixed(1)} s.`,
      `Scenario d: the API process works no jobs (\`RUN_WORKERS=false\`, as \`npm run bench:checkout\`): each order's emails are queued in its transaction. Afterwards the API's own workers sent the emails of ${emailDrain.orders - emailDrain.left} of the ${emailDrain.orders} orders (5 each, with 3 invoice PDFs and the staff's order PDF) in ${emailDrain.seconds.toFixed(1)} s, ${emailDrain.cpuMsPerOrder.toFixed(1)} ms of the API process's CPU per order${emailDrain.left > 0 ? ` (${emailDrain.left} still queued when the bench stopped after ${DRAIN_SECONDS} s; the figure is per order sent)` : ''}.`,
      ...(orderFailures.length > 0
        ? [
            `Scenario d's failed orders, the first answers of each kind: ${orderFailures.map((line) => `\`${line.replaceAll('`', "'")}\``).join('; ')}.`,
          ]
        : []),
      `CPU per order in scenario d (its warm-up included, ${orderCpu.orders} orders): API process ${orderCpu.apiMsPerOrder.toFixed(2)} ms, PostgreSQL backends ${orderCpu.postgresMsPerOrder.toFixed(2)} ms (each order is three requests: the basket filled, read, confirmed).`,
      `Floor (node:http, one ${floorBody.length}-byte catalog answer of ours, scenario a's paths): ${floorRun.rps.toFixed(0)} req/s in this run; the reference's: ${REFERENCE.floorRps}. Scale ${scale.toFixed(2)}.`,
      '',
      table,
      '',
    ].join('\n');
    process.stdout.write(`\n${markdown}`);
    writeResult('v1', markdown, {
      machine: machine(),
      date: new Date().toISOString(),
      load,
      seconds: SECONDS,
      reps: REPS,
      floor: floorRun,
      scale,
      rows,
      loadSeconds,
      emailDrain,
      orderCpu,
      orderFailures,
    });
  } finally {
    await server?.stop();
    files.close();
    await database.drop();
  }
}

await main();
