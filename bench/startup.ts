// `npm run bench:startup`: how long `npm start` takes to be ready on the embedded database, and how
// much memory it holds idle. Each run starts the server as `npm start` does (the same node flags,
// V8's compile cache on) on a data folder of its own and polls `/health/ready` every 20 ms:
// - fresh: an empty data folder (the first start on a new machine after `npm ci`);
// - existing: the same folder started again (a restart);
// - idle RSS: the process's resident memory 5 s after ready, with nothing asked of it.
// Beside it, the floor: a bare `node -e` process that listens and answers, the least any Node
// server takes to start here. BENCH_STARTUP_RUNS (5) runs each; the median and range are reported.
// Results go to bench/results/startup.md and .json.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort, machine, passedToServers, ROOT, writeResult } from './lib.ts';

const RUNS = Number(process.env.BENCH_STARTUP_RUNS ?? 5);
/** The flags of `npm start` (package.json), without the console build check of `prestart`. */
const START_FLAGS = ['--import', './src/lib/preload.ts', '--max-semi-space-size=16', '--expose-gc'];
const TARGETS = { fresh_ms: 3000, existing_ms: 1500, idle_rss_mib: 300 };

function rssMiB(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = status.match(/^VmRSS:\s+(\d+) kB/m);
  return match ? Number(match[1]) / 1024 : Number.NaN;
}

/** Starts `args` with `env`, waits for 200 from `url` (on the chosen port); ms to ready, and the process. */
async function timeToReady(args: string[], env: Record<string, string>, pathname: string) {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? os.tmpdir(),
      PORT: String(port),
      ...passedToServers(),
      ...env,
    },
    stdio: 'ignore',
  });
  const url = `http://127.0.0.1:${port}${pathname}`;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${args.join(' ')} exited with ${child.exitCode}`);
    try {
      if ((await fetch(url)).status === 200) break;
    } catch {
      // not listening yet
    }
    if (performance.now() - started > 120_000)
      throw new Error(`${args.join(' ')} was not ready in 2 minutes`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const ms = performance.now() - started;
  return {
    ms,
    child,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

async function main() {
  const fresh: number[] = [];
  const existing: number[] = [];
  const idle: number[] = [];
  const floor: number[] = [];
  const env = { HOST: '127.0.0.1', LOG_LEVEL: 'warn', RATE_LIMIT: 'false' };
  for (let run = 0; run < RUNS; run += 1) {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'zakupka-startup-'));
    try {
      const first = await timeToReady(
        [...START_FLAGS, 'src/server.ts'],
        { ...env, DATA_DIR: dataDir },
        '/health/ready',
      );
      fresh.push(first.ms);
      await first.stop();
      const again = await timeToReady(
        [...START_FLAGS, 'src/server.ts'],
        { ...env, DATA_DIR: dataDir },
        '/health/ready',
      );
      existing.push(again.ms);
      await new Promise((resolve) => setTimeout(resolve, 5000));
      idle.push(rssMiB(again.child.pid!));
      await again.stop();
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
    const bare = await timeToReady(
      [
        '-e',
        "require('node:http').createServer((q, s) => s.end('ok')).listen(process.env.PORT, '127.0.0.1')",
      ],
      {},
      '/',
    );
    floor.push(bare.ms);
    await bare.stop();
    process.stdout.write(
      `run ${run + 1}: fresh ${fresh.at(-1)!.toFixed(0)} ms, existing ${existing.at(-1)!.toFixed(0)} ms, idle RSS ${idle.at(-1)!.toFixed(0)} MiB, floor ${floor.at(-1)!.toFixed(0)} ms\n`,
    );
  }
  const load = fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  const range = (values: number[]) =>
    `${median(values).toFixed(0)} (${Math.min(...values).toFixed(0)}–${Math.max(...values).toFixed(0)})`;
  const rows = [
    { what: 'fresh data folder → /health/ready, ms', values: fresh, target: TARGETS.fresh_ms },
    { what: 'existing data folder → /health/ready, ms', values: existing, target: TARGETS.existing_ms },
    { what: 'idle RSS 5 s after ready, MiB', values: idle, target: TARGETS.idle_rss_mib },
  ];
  const markdown = [
    '# Start-up on the embedded database (`npm run bench:startup`)',
    '',
    `${machine()}; load average at the end ${load}; ${RUNS} runs, median (range).`,
    `Floor: a bare node:http process listening and answering: ${range(floor)} ms.`,
    '',
    '| what | measured | × floor | target | met |',
    '|---|---:|---:|---:|---|',
    ...rows.map(
      (row) =>
        `| ${row.what} | ${range(row.values)} | ${row.what.endsWith('ms') ? `${(median(row.values) / median(floor)).toFixed(1)}×` : '—'} | ≤ ${row.target} | ${median(row.values) <= row.target ? 'yes' : '**no**'} |`,
    ),
    '',
  ].join('\n');
  process.stdout.write(`\n${markdown}`);
  writeResult('startup', markdown, {
    machine: machine(),
    date: new Date().toISOString(),
    load,
    runs: RUNS,
    floor_ms: floor,
    fresh_ms: fresh,
    existing_ms: existing,
    idle_rss_mib: idle,
    targets: TARGETS,
  });
}

await main();
