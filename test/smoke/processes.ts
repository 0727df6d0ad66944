// Spawning the real entry points (`npm start`, `npm run worker`, CLIs) for the smoke tests, and the
// database they run on: a fresh data folder (PGlite), or with DATABASE_URL a fresh database on the
// server named with this run's prefix so that the global teardown drops it.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { inject } from 'vitest';

export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export interface Target {
  kind: 'pglite' | 'postgres';
  dataDir: string;
  /** The database's URL on the server; undefined on PGlite. */
  databaseUrl: string | undefined;
  /** Environment for a child process on this target. */
  env(extra?: Record<string, string>): NodeJS.ProcessEnv;
  /** Rows of a query, run from the test process (on PGlite: only while no child holds the folder). */
  query<T>(text: string, params?: unknown[]): Promise<T[]>;
  remove(): Promise<void>;
}

/** A data folder and a database: migrated (as after `npm start`) or empty (never migrated). */
export async function createTarget(options: { migrated: boolean }): Promise<Target> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'zakupka-proc-'));
  const provided = inject('testDatabase');
  let databaseUrl: string | undefined;
  if (provided.kind === 'postgres') {
    const name = `${provided.prefix}_${randomBytes(5).toString('hex')}`;
    await withClient(provided.serverUrl, (client) =>
      client.query(
        options.migrated
          ? `create database ${name} template ${provided.template}`
          : `create database ${name}`,
      ),
    );
    const parsed = new URL(provided.serverUrl);
    parsed.pathname = `/${name}`;
    databaseUrl = parsed.toString();
  } else if (options.migrated) {
    // As `npm start` makes a new data folder: a copy of the migrated template (src/db/template.ts).
    const { seedFreshDataDir } = await import('../../src/db/template.ts');
    const { prepareNewDatabase } = await import('../../src/runtime.ts');
    await seedFreshDataDir(path.join(dataDir, 'pg'), prepareNewDatabase);
  }
  return {
    kind: provided.kind,
    dataDir,
    databaseUrl,
    env(extra = {}) {
      return {
        ...process.env,
        NODE_OPTIONS: WITH_PRELOAD,
        DATA_DIR: dataDir,
        DATABASE_URL: databaseUrl ?? '',
        AUTH_SECRET: databaseUrl ? 'smoke-test-secret-that-is-long-enough-for-hs256' : '',
        LOG_LEVEL: 'info',
        ...extra,
      };
    },
    async query<T>(text: string, params?: unknown[]) {
      if (databaseUrl) {
        return withClient(databaseUrl, async (client) => (await client.query(text, params)).rows as T[]);
      }
      const { openPglite } = await import('../../src/db/client.ts');
      const handle = await openPglite(path.join(dataDir, 'pg'));
      try {
        return await handle.query<T>(text, params);
      } finally {
        await handle.close();
      }
    },
    async remove() {
      fs.rmSync(dataDir, { recursive: true, force: true });
      if (databaseUrl && provided.kind === 'postgres') {
        const name = new URL(databaseUrl).pathname.slice(1);
        await withClient(provided.serverUrl, (client) =>
          client.query(`drop database if exists ${name} with (force)`),
        );
      }
    },
  };
}

async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export interface Proc {
  child: ChildProcess;
  /** Everything written to stdout so far (pino JSON lines). */
  output(): string;
  stderr(): string;
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
  /** Resolves once stdout has a log line with this `msg`. */
  waitForLog(msg: string, timeoutMs?: number): Promise<void>;
  /** The parsed log lines with this `msg`. */
  logs(msg: string): Record<string, unknown>[];
  stop(): Promise<number | null>;
}

/**
 * The processes start as `npm start` and the CLIs do, with src/lib/preload.ts (compiled code kept
 * between starts, module resolution answered from memory).
 */
export const WITH_PRELOAD = [
  process.env.NODE_OPTIONS,
  // Quoted: NODE_OPTIONS splits on spaces, which a checkout's path may hold.
  `--import ${JSON.stringify(path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../src/lib/preload.ts'))}`,
]
  .filter(Boolean)
  .join(' ');

/**
 * Node's flags for the tests' processes. `--liftoff-only` runs PGlite's 9 MB of WebAssembly on V8's
 * baseline compiler only: these processes are short (a start, a few requests, a small import), and
 * the optimizing compiler spent more on them than it saved before they exited — about 2.5 s of CPU
 * and 70 MiB per process that opens the embedded database (measured on this 2-core machine). What
 * the processes do is unchanged; only which compiler runs the wasm. (NODE_OPTIONS cannot carry it.)
 */
export const NODE_FLAGS = ['--liftoff-only'];

/** Runs `node <script>`; killed at the end of the test file if still running. */
export function start(script: string, env: NodeJS.ProcessEnv): Proc {
  const child = spawn(process.execPath, [...NODE_FLAGS, script], { env, stdio: 'pipe' });
  running.add(child);
  let stdout = '';
  let stderr = '';
  const listeners = new Set<() => void>();
  child.stdout!.on('data', (chunk) => {
    stdout += chunk;
    for (const listener of listeners) listener();
  });
  child.stderr!.on('data', (chunk) => {
    stderr += chunk;
  });
  const exited = new Promise<number | null>((resolve) =>
    child.on('exit', (code) => {
      running.delete(child);
      for (const listener of listeners) listener();
      resolve(code);
    }),
  );
  const lines = () =>
    stdout
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  const logs = (msg: string) => lines().filter((line) => line.msg === msg);
  return {
    child,
    output: () => stdout,
    stderr: () => stderr,
    exited,
    logs,
    waitForLog(msg, timeoutMs = 150_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (logs(msg).length) {
            done();
            resolve();
          } else if (child.exitCode !== null || child.signalCode !== null) {
            done();
            reject(new Error(`${script} exited (${child.exitCode}) before logging "${msg}": ${stderr}`));
          }
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`${script} did not log "${msg}" in time; stdout: ${stdout.slice(-2000)}`));
        }, timeoutMs);
        const done = () => {
          clearTimeout(timer);
          listeners.delete(check);
        };
        listeners.add(check);
        check();
      });
    },
    stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

const running = new Set<ChildProcess>();

/** For afterAll: nothing outlives the test file. */
export function killAll(): void {
  for (const child of running) child.kill('SIGKILL');
}

export async function waitReady(url: string, child: ChildProcess, timeoutMs = 150_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`exited with ${child.exitCode}`);
    try {
      const res = await fetch(`${url}/health/ready`);
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error('not ready in time');
}
