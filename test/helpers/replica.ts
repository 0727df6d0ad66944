// A read replica for tests on the PostgreSQL server. Streaming replication needs a second server
// and logical replication needs wal_level=logical (the shared test server runs `replica`), so the
// test keeps a second database in sync itself: `syncReplica` copies every table of the primary, as
// of one snapshot, into the replica in one transaction — what a standby shows once it has replayed
// up to that moment. Between two calls the replica lags, exactly as a standby may.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { serverDatabaseUrl } from './database.ts';

/** A fresh migrated database on the server (the run's prefix: the global teardown drops it too). */
export async function createServerDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const provided = inject('testDatabase');
  if (provided.kind !== 'postgres') throw new Error('not running on the PostgreSQL server');
  const name = `${provided.prefix}_${randomBytes(5).toString('hex')}`;
  await withClient(provided.serverUrl, (client) =>
    client.query(`create database ${name} template ${provided.template}`),
  );
  return {
    url: serverDatabaseUrl(name),
    drop: async () => {
      await withClient(provided.serverUrl, (client) =>
        client.query(`drop database if exists ${name} with (force)`),
      );
    },
  };
}

export async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/**
 * The replica becomes a copy of the primary's `public` schema as of one snapshot. Rows go in as a
 * replication apply writes them: `session_replication_role = replica` (no triggers, no foreign-key
 * checks), generated columns left to the replica, identities overridden.
 */
export async function syncReplica(primaryUrl: string, replicaUrl: string): Promise<void> {
  const tables = await withClient(primaryUrl, async (primary) => {
    await primary.query('begin isolation level repeatable read read only');
    const { rows: names } = await primary.query<{ name: string; columns: string[] }>(
      `select c.relname as name,
              array_agg(quote_ident(a.attname) order by a.attnum) as columns
         from pg_class c
         join pg_namespace n on n.oid = c.relnamespace
         join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
        where n.nspname = 'public' and c.relkind = 'r' and a.attgenerated = ''
        group by c.relname
        order by c.relname`,
    );
    const copied: { name: string; columns: string[]; rows: string }[] = [];
    for (const { name, columns } of names) {
      const {
        rows: [{ rows }],
      } = await primary.query<{ rows: string }>(
        `select coalesce(json_agg(t), '[]')::text as rows from public.${pg.escapeIdentifier(name)} t`,
      );
      copied.push({ name, columns, rows });
    }
    await primary.query('commit');
    return copied;
  });
  await withClient(replicaUrl, async (replica) => {
    await replica.query('begin');
    await replica.query('set local session_replication_role = replica');
    await replica.query(
      `truncate ${tables.map(({ name }) => `public.${pg.escapeIdentifier(name)}`).join(', ')}`,
    );
    for (const { name, columns, rows } of tables) {
      const table = `public.${pg.escapeIdentifier(name)}`;
      const list = columns.join(', ');
      await replica.query(
        `insert into ${table} (${list}) overriding system value
         select ${list} from json_populate_recordset(null::${table}, $1::json)`,
        [rows],
      );
    }
    await replica.query('commit');
  });
}
