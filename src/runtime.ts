// Everything a process needs, opened once: configuration, database, job system, mailer, clock, log.
// The server, the worker, CLIs and tests all build one of these; services receive it (or a
// transaction scope from it) as their first argument.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { PgBoss } from 'pg-boss';
import pino, { type Logger } from 'pino';
import type { Config } from './config.ts';
import { type Database, type DatabaseHandle, openPglite, openPostgres } from './db/client.ts';
import { acquireDataDirLock, type DataDirLock } from './db/lock.ts';
import { migrate } from './db/migrate.ts';
import { isFreshDataDir, seedFreshDataDir } from './db/template.ts';
import { startBoss, startWorkers, stopBoss } from './jobs/boss.ts';
import { startRecovery } from './jobs/recovery.ts';
import { type Clock, systemClock } from './lib/clock.ts';
import { createMailer, type Mailer } from './mail/mailer.ts';
import { startPendingExpansion } from './modules/stats/fold.service.ts';

export interface Runtime {
  config: Config;
  database: DatabaseHandle;
  /** Top-level query handle. Never use it inside a transaction callback. */
  db: Database;
  /**
   * The public catalog reads' handle: the read replica (DATABASE_READ_URL), else the same as
   * `database`. It may lag the primary, so nothing that decides a write reads through it: basket,
   * checkout, imports, moderation and every staff or supplier screen use `db`. Read-only.
   */
  readDatabase: DatabaseHandle;
  readDb: Database;
  boss: PgBoss;
  mailer: Mailer;
  clock: Clock;
  log: Logger;
  /** Key for signing access tokens. */
  authSecret: string;
  state: { migrated: boolean; bossStarted: boolean; workersStarted: boolean; closing: boolean };
  close(): Promise<void>;
}

export interface RuntimeOptions {
  log?: Logger;
  /** An already open database (tests); otherwise opened from the config. */
  database?: DatabaseHandle;
  /** An already open read replica (tests); otherwise DATABASE_READ_URL's, else `database`. */
  readDatabase?: DatabaseHandle;
  mailer?: Mailer;
  clock?: Clock;
  /** Apply pending migrations before anything else (default: config.migrateOnStart). */
  migrate?: boolean;
  /** Work jobs in this process (default: config.runWorkers). */
  workers?: boolean;
  /** Poll interval of the workers; tests lower it. */
  pollingIntervalSeconds?: number;
}

/**
 * The process's logger: JSON lines (for log collectors) unless stdout is a terminal, where a person
 * reads them: then pino-pretty's one readable line per entry (time, level, message, fields).
 */
export function createLogger(config: Pick<Config, 'logLevel'>, options: { pretty?: boolean } = {}): Logger {
  const pretty = options.pretty ?? process.stdout.isTTY === true;
  return pino({
    level: config.logLevel,
    redact: {
      paths: ['req.headers.authorization', 'req.headers.cookie', '*.password', '*.token'],
      remove: true,
    },
    ...(pretty
      ? {
          transport: {
            target: 'pino-pretty',
            options: { colorize: true, translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname' },
          },
        }
      : {}),
  });
}

export interface OpenedDatabase {
  database: DatabaseHandle;
  lock?: DataDirLock;
}

/** DATABASE_READ_URL's pool (read-only), or undefined when catalog reads go to the primary. */
export function openReadReplica(config: Config): DatabaseHandle | undefined {
  if (!config.databaseReadUrl) return undefined;
  return openPostgres(config.databaseReadUrl, config.databaseReadPoolSize, {
    applicationName: 'zakupka-read',
    readOnly: true,
  });
}

/** The configured database: a node-postgres pool, or the embedded PGlite behind the data-folder lock. */
export async function openConfiguredDatabase(config: Config, log?: Logger): Promise<OpenedDatabase> {
  if (config.databaseUrl) return { database: openPostgres(config.databaseUrl, config.databasePoolSize) };
  const lock = acquireDataDirLock(config.dataDir);
  const dataDir = path.join(config.dataDir, 'pg');
  try {
    if (config.migrateOnStart) await seedFromTemplate(dataDir, log);
    return { database: await openPglite(dataDir, { sharedBuffersMb: config.embeddedSharedBuffersMb }), lock };
  } catch (error) {
    lock.release();
    throw error;
  }
}

/** Every migration and pg-boss's schema: what a new database holds before its first start. */
export async function prepareNewDatabase(handle: DatabaseHandle): Promise<void> {
  await migrate(handle);
  const boss = await startBoss(handle, pino({ level: 'silent' }));
  await boss.stop({ graceful: false, close: false });
}

/**
 * A fresh data folder becomes a copy of the migrated template (see db/template.ts). Should that fail,
 * the folder is emptied again and PGlite creates the database the slow way; nothing is lost.
 */
async function seedFromTemplate(dataDir: string, log?: Logger): Promise<void> {
  if (!isFreshDataDir(dataDir)) return;
  try {
    await seedFreshDataDir(dataDir, prepareNewDatabase, log);
    log?.info({ dataDir }, 'new database created from the migrated template');
  } catch (error) {
    log?.warn({ err: error }, 'could not start from the database template; creating the database instead');
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

/** AUTH_SECRET, or in embedded mode a secret generated once and kept in DATA_DIR. */
export function resolveAuthSecret(config: Config): string {
  if (config.authSecret) return config.authSecret;
  const file = path.join(config.dataDir, 'auth-secret');
  try {
    return fs.readFileSync(file, 'utf8').trim();
  } catch {
    fs.mkdirSync(config.dataDir, { recursive: true });
    const secret = randomBytes(48).toString('base64url');
    fs.writeFileSync(file, secret, { mode: 0o600, flag: 'wx' });
    return secret;
  }
}

export async function createRuntime(config: Config, options: RuntimeOptions = {}): Promise<Runtime> {
  const log = options.log ?? createLogger(config);
  let lock: DataDirLock | undefined;
  let database = options.database;
  if (!database) {
    const opened = await openConfiguredDatabase(config, log);
    database = opened.database;
    lock = opened.lock;
  }
  // Provided by the caller (tests) or opened here: only what was opened here is closed here.
  const ownReplica = options.readDatabase ? undefined : openReadReplica(config);
  const readDatabase = options.readDatabase ?? ownReplica ?? database;
  const state = { migrated: false, bossStarted: false, workersStarted: false, closing: false };
  const mailer = options.mailer ?? createMailer(config, log);
  try {
    if (options.migrate ?? config.migrateOnStart) {
      const applied = await migrate(database);
      if (applied.length) log.info({ applied }, 'migrations applied');
    }
    state.migrated = true;
    const boss = await startBoss(database, log);
    state.bossStarted = true;
    let stopRecovery: (() => void) | undefined;
    const runtime: Runtime = {
      config,
      database,
      db: database.db,
      readDatabase,
      readDb: readDatabase.db,
      boss,
      mailer,
      clock: options.clock ?? systemClock,
      log,
      authSecret: options.database
        ? (config.authSecret ?? randomBytes(32).toString('hex'))
        : resolveAuthSecret(config),
      state,
      async close() {
        if (state.closing) return;
        state.closing = true;
        stopRecovery?.();
        await stopBoss(boss, config.shutdownTimeoutMs);
        mailer.close();
        if (!options.database) await database.close();
        await ownReplica?.close();
        lock?.release();
      },
    };
    if (options.workers ?? config.runWorkers) {
      // Work a dead process left half-done is failed or retried before new work starts.
      const stopJobRecovery = await startRecovery(runtime);
      const stopExpansion = startPendingExpansion(runtime);
      stopRecovery = () => {
        stopJobRecovery();
        stopExpansion();
      };
      await startWorkers(runtime, { pollingIntervalSeconds: options.pollingIntervalSeconds });
      state.workersStarted = true;
    }
    return runtime;
  } catch (error) {
    if (!options.database) await database.close().catch(() => {});
    await ownReplica?.close().catch(() => {});
    lock?.release();
    throw error;
  }
}
