// A fresh, migrated database for one test file (or one test that needs its own).
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import pg from 'pg';
import { inject } from 'vitest';
import { type DatabaseHandle, openPglite, openPostgres } from '../../src/db/client.ts';

export async function createTestDatabase(): Promise<DatabaseHandle> {
  const provided = inject('testDatabase');
  if (provided.kind === 'pglite') {
    const dump = new Blob([fs.readFileSync(provided.dump)]);
    return openPglite(undefined, dump);
  }
  const name = `${provided.prefix}_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: provided.serverUrl });
  await admin.connect();
  try {
    await admin.query(`create database ${name} template ${provided.template}`);
  } finally {
    await admin.end();
  }
  const handle = openPostgres(serverDatabaseUrl(name), 20);
  const close = handle.close;
  handle.close = async () => {
    await close();
    const dropper = new pg.Client({ connectionString: provided.serverUrl });
    await dropper.connect();
    await dropper.query(`drop database if exists ${name} with (force)`).catch(() => {});
    await dropper.end();
  };
  return handle;
}

/** True when the suites run against the PostgreSQL server (concurrency tests need real sessions). */
export function onPostgresServer(): boolean {
  return inject('testDatabase').kind === 'postgres';
}

export function serverDatabaseUrl(database: string): string {
  const provided = inject('testDatabase');
  if (provided.kind !== 'postgres') throw new Error('not running on the PostgreSQL server');
  const parsed = new URL(provided.serverUrl);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

/** Resolves once another session of this database waits for a lock (the one `client` holds, say). */
export async function someoneWaitsForALock(client: pg.PoolClient | pg.Client): Promise<void> {
  for (;;) {
    const {
      rows: [waiting],
    } = await client.query<{ n: number }>(
      `select count(*)::integer as n from pg_stat_activity
       where datname = current_database() and wait_event_type = 'Lock' and pid <> pg_backend_pid()`,
    );
    if (waiting.n > 0) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
