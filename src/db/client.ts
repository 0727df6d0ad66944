// One database handle for the whole process: the embedded PGlite (one session) or a node-postgres
// pool. Every write goes through `transaction()` below; reads may use `handle.db` directly, but never
// from inside a transaction callback (on PGlite that waits for itself forever).
import fs from 'node:fs';
import path from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import type { ExtractTablesWithRelations } from 'drizzle-orm';
import { drizzle as drizzleNodePg } from 'drizzle-orm/node-postgres';
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from 'drizzle-orm/pg-core';
import pg from 'pg';
import { EMBEDDED_SHARED_BUFFERS_MB } from '../config.ts';
import * as schema from './schema/index.ts';

export type Schema = typeof schema;
export type Database = PgDatabase<PgQueryResultHKT, Schema>;
export type Transaction = PgTransaction<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;
/** Anything that runs queries: the top-level handle or an open transaction. */
export type Queryable = Database | Transaction;

export interface DatabaseHandle {
  kind: 'pglite' | 'postgres';
  db: Database;
  /** Raw SQL with positional parameters, for migrations and tools. */
  query<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
  /** Several statements at once, no parameters. */
  exec(text: string): Promise<void>;
  pglite?: PGlite;
  pool?: pg.Pool;
  /**
   * PostgreSQL only: a connection of its own, outside the pool, for work beside an open
   * transaction. A pool connection could wait for ever: the pool may be full of work that waits
   * for that very transaction. The caller closes it.
   */
  connectAside?(): Promise<AsideConnection>;
  close(): Promise<void>;
}

export interface AsideConnection {
  query<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
  close(): Promise<void>;
}

// node-postgres returns int8 and numeric as strings by default; keep it that way for numeric (exact
// money), but counts (int8) are safe as numbers in every range we produce.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));

/**
 * PGlite and its driver are loaded only when the embedded database is opened: loading the module
 * costs about 180 MiB of memory, which a server on PostgreSQL should not carry.
 */
export async function openPglite(
  dataDir: string | undefined,
  options: { loadDataDir?: Blob; sharedBuffersMb?: number } = {},
): Promise<DatabaseHandle> {
  const { loadDataDir, sharedBuffersMb = EMBEDDED_SHARED_BUFFERS_MB } = options;
  const [{ PGlite }, { pg_trgm }, { drizzle: drizzlePglite }] = await Promise.all([
    import('@electric-sql/pglite'),
    import('@electric-sql/pglite/contrib/pg_trgm'),
    import('drizzle-orm/pglite'),
  ]);
  if (dataDir) fs.mkdirSync(path.dirname(dataDir), { recursive: true });
  const client = await PGlite.create({
    dataDir,
    loadDataDir,
    extensions: { pg_trgm },
    startParams: [...PGlite.defaultStartParams, '-c', `shared_buffers=${sharedBuffersMb}MB`],
    parsers: { 20: (value: string) => Number(value) },
  });
  return pgliteHandle(client, drizzlePglite);
}

/**
 * A handle over an open PGlite (closing the handle closes it). The test helper also uses it to hand
 * one embedded database to test file after test file (test/helpers/database.ts).
 */
export function pgliteHandle(
  client: PGlite,
  drizzlePglite: typeof import('drizzle-orm/pglite').drizzle,
): DatabaseHandle {
  const db = drizzlePglite({ client, schema }) as unknown as Database;
  return {
    kind: 'pglite',
    db,
    pglite: client,
    async query<T>(text: string, params?: unknown[]) {
      return (await client.query<T>(text, params)).rows;
    },
    async exec(text: string) {
      await client.exec(text);
    },
    async close() {
      if (!client.closed) await client.close();
    },
  };
}

export interface PostgresOptions {
  applicationName?: string;
  /**
   * Every transaction of the pool read-only (`default_transaction_read_only`): the read replica's
   * pool, so a write sent there by mistake fails at once also where the replica is writable.
   */
  readOnly?: boolean;
}

export function openPostgres(
  connectionString: string,
  max = 10,
  options: PostgresOptions = {},
): DatabaseHandle {
  const pool = new pg.Pool({
    connectionString,
    max,
    application_name: options.applicationName ?? 'zakupka',
    ...(options.readOnly ? { options: '-c default_transaction_read_only=on' } : {}),
  });
  // An idle client's connection error must not crash the process; the next checkout reconnects.
  pool.on('error', () => {});
  const db = drizzleNodePg({ client: pool, schema }) as unknown as Database;
  return {
    kind: 'postgres',
    db,
    pool,
    async query<T>(text: string, params?: unknown[]) {
      return (await pool.query(text, params as unknown[])).rows as T[];
    },
    async exec(text: string) {
      await pool.query(text);
    },
    async connectAside() {
      const client = new pg.Client({ connectionString, application_name: 'zakupka-aside' });
      // A lost connection fails the query that needed it; it must not crash the process.
      client.on('error', () => {});
      await client.connect();
      // One query at a time: each waits for the one before, whoever asked.
      let last: Promise<unknown> = Promise.resolve();
      return {
        async query<T>(text: string, params?: unknown[]) {
          const result = last.then(() => client.query(text, params as unknown[]));
          last = result.catch(() => {});
          return (await result).rows as T[];
        },
        async close() {
          await client.end().catch(() => {});
        },
      };
    },
    async close() {
      await pool.end();
    },
  };
}

/**
 * Runs `work` in one read-only snapshot (REPEATABLE READ, allowed on a standby too): every query of
 * it sees the database as of one moment, whichever pool connection or replica serves it.
 */
export function inSnapshot<T>(db: Database, work: (tx: Transaction) => Promise<T>): Promise<T> {
  return db.transaction(work, { isolationLevel: 'repeatable read', accessMode: 'read only' });
}

/** SQLSTATEs after which a whole transaction may simply be run again. */
const RETRYABLE = new Set(['40001', '40P01']);

export function sqlState(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

export function isRetryable(error: unknown): boolean {
  const code = sqlState(error);
  return code !== undefined && RETRYABLE.has(code);
}
