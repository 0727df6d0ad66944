// Shared pieces of the catalog benchmarks: a fresh database on the server, the API as its own
// process (so its memory and CPU are its own), an authenticated supplier, small statistics.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import type { Database } from '../src/db/client.ts';
import { refreshTokens } from '../src/db/schema/accounts.ts';
import { shops } from '../src/db/schema/catalog.ts';
import { users } from '../src/db/schema/users.ts';
import { signAccessToken } from '../src/http/auth.ts';
import { systemClock } from '../src/lib/clock.ts';
import type { Runtime } from '../src/runtime.ts';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const RESULTS = path.join(ROOT, 'bench', 'results');
export const SERVER_URL =
  process.env.BENCH_DATABASE_URL ?? process.env.DATABASE_URL ?? 'postgres://root@127.0.0.1:5432/postgres';
export const AUTH_SECRET = randomBytes(32).toString('hex');

export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

/** A new empty database on the server; `drop()` removes it. */
export async function freshDatabase(prefix: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `${prefix}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: withDatabase(SERVER_URL, 'postgres') });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  return {
    url: withDatabase(SERVER_URL, name),
    async drop() {
      const client = new pg.Client({ connectionString: withDatabase(SERVER_URL, 'postgres') });
      await client.connect();
      await client.query(`drop database if exists ${name} with (force)`);
      await client.end();
    },
  };
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

export interface ServerProcess {
  url: string;
  pid: number;
  child: ChildProcess;
  /** Peak resident memory of the server process so far (VmHWM), in MiB. */
  peakRssMiB(): number;
  rssMiB(): number;
  stop(): Promise<void>;
}

/** CPU time (user + system) a process has used so far, in ms (/proc ticks are 10 ms); 0 once it ended. */
export function processCpuMs(pid: number): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return 0;
  }
}

function statusField(pid: number, field: string): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = status.match(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm'));
  return match ? Number(match[1]) / 1024 : Number.NaN;
}

/**
 * Settings of the bench's own environment that the servers it starts get too, when set: the
 * embedded database's buffer pool (to compare sizes by hand).
 */
export function passedToServers(): Record<string, string> {
  const value = process.env.PGLITE_SHARED_BUFFERS_MB;
  return value ? { PGLITE_SHARED_BUFFERS_MB: value } : {};
}

/**
 * The server's Node flags, as `npm start` gives them (package.json): a young generation of 16 MiB
 * keeps an idle API process at about 220 MiB instead of about 330 (V8 sizes it from the machine's
 * memory otherwise) at no measured cost in import or request speed.
 */
export const SERVER_NODE_FLAGS = (
  process.env.BENCH_SERVER_NODE_FLAGS ?? '--max-semi-space-size=16 --expose-gc'
)
  .split(' ')
  .filter(Boolean);

/** `node src/server.ts` with the given environment; resolves when /health/ready answers 200. */
export async function startServer(
  env: Record<string, string>,
  extraNodeFlags: string[] = [],
): Promise<ServerProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, [...SERVER_NODE_FLAGS, ...extraNodeFlags, 'src/server.ts'], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? os.tmpdir(),
      PORT: String(port),
      HOST: '127.0.0.1',
      AUTH_SECRET,
      LOG_LEVEL: 'warn',
      RATE_LIMIT: 'false',
      ...passedToServers(),
      ...env,
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    try {
      const res = await fetch(`${url}/health/ready`);
      if (res.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error('server did not become ready');
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const pid = child.pid!;
  return {
    url,
    pid,
    child,
    peakRssMiB: () => statusField(pid, 'VmHWM'),
    rssMiB: () => statusField(pid, 'VmRSS'),
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/**
 * An access token for a user, signed with the benchmark server's secret, in a login session of its
 * own: a refresh-token row written to `db` (access tokens are honoured only while their session is).
 */
export async function tokenFor(
  db: Database,
  user: { id: number; role: 'buyer' | 'supplier' | 'staff' },
): Promise<string> {
  const sessionId = randomUUID();
  await db.insert(refreshTokens).values({
    userId: user.id,
    familyId: sessionId,
    tokenHash: randomBytes(32).toString('hex'),
    createdAt: new Date(),
    expiresAt: new Date(Date.now() + 86_400_000),
  });
  return signAccessToken({ authSecret: AUTH_SECRET, clock: systemClock } as Runtime, user, { sessionId });
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

export function machine(): string {
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  return `${os.cpus().length} × ${cpu.trim()}, ${Math.round(os.totalmem() / 1024 ** 3)} GiB RAM, Node ${process.version}`;
}

export function writeResult(name: string, markdown: string, json: unknown): void {
  fs.mkdirSync(RESULTS, { recursive: true });
  fs.writeFileSync(path.join(RESULTS, `${name}.md`), markdown);
  fs.writeFileSync(path.join(RESULTS, `${name}.json`), `${JSON.stringify(json, null, 2)}\n`);
}

export function cacheDir(): string {
  const dir = path.join(ROOT, '.cache', 'bench');
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

/** A bench supplier (`bench-<index>@example.test`) with its shop named `name`; the shop's id. */
export async function benchSupplierShop(db: Database, index: number, name: string): Promise<number> {
  const [user] = await db
    .insert(users)
    .values({
      email: `bench-${index}@example.test`,
      passwordHash: 'x',
      role: 'supplier',
      emailConfirmedAt: new Date(),
    })
    .returning();
  const [shop] = await db.insert(shops).values({ ownerId: user.id, name }).returning();
  return shop.id;
}
