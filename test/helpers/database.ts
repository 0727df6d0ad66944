// A fresh, migrated database for one test file (or one test that needs its own).
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import type { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { inject } from 'vitest';
import { type DatabaseHandle, openPglite, openPostgres, pgliteHandle } from '../../src/db/client.ts';

export async function createTestDatabase(): Promise<DatabaseHandle> {
  const provided = inject('testDatabase');
  if (provided.kind === 'pglite') return await reusedPglite(provided.dump);
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

// ---------------------------------------------------------------------------------------------
// Embedded databases handed from test file to test file.
//
// Opening PGlite from the template's dump costs 1.2–2.5 s of CPU (the 45 MB image loaded, the
// server started), once per test file: about a fifth of the whole suite's CPU. A worker process runs
// file after file (vitest's `isolate: false`), so a database a file has closed is reset to the
// template's state and given to the next file instead: every table emptied and the template's own
// rows (migrations' seeds) put back, every sequence set back, the session discarded (temporary
// tables, prepared statements, settings, advisory locks, listeners). A database whose schema a test
// changed (its catalog no longer matches the template's) is closed, never reused.

/** Idle databases of this process, each in the template's state. */
const idle: PGlite[] = [];
/** At most this many kept idle (a file holding two at once gives both back). */
const MAX_IDLE = 2;
/** Where each database keeps the template's rows, to put them back. */
const TEMPLATE_SCHEMA = 'zk_test_template';

interface TemplateState {
  /** Every table of the application's schemas, quoted: emptied on reset. */
  tables: string[];
  /** Tables that had rows in the template: copied aside, with the columns to put back. */
  seeded: { table: string; copy: string; columns: string }[];
  /** Sequences and where the template left them. */
  sequences: { name: string; last: string | null }[];
  /** The schema's shape: a reset database must still match it. */
  fingerprint: string;
}

const templates = new WeakMap<PGlite, TemplateState>();

const USER_SCHEMAS = `n.nspname not in ('pg_catalog', 'information_schema', '${TEMPLATE_SCHEMA}')
  and n.nspname not like 'pg_toast%' and n.nspname not like 'pg_temp%'`;

/** The objects a test could add or drop (tables, indexes, functions, triggers, constraints). */
async function fingerprint(client: PGlite): Promise<string> {
  const { rows } = await client.query<{ shape: string }>(`
    select md5(concat_ws('|',
      (select string_agg(c.oid::text || ':' || c.relname || ':' || c.relkind::text, ',' order by c.oid)
         from pg_class c join pg_namespace n on n.oid = c.relnamespace where ${USER_SCHEMAS}),
      (select string_agg(p.oid::text, ',' order by p.oid)
         from pg_proc p join pg_namespace n on n.oid = p.pronamespace where ${USER_SCHEMAS}),
      (select string_agg(t.oid::text, ',' order by t.oid) from pg_trigger t),
      (select string_agg(o.oid::text, ',' order by o.oid) from pg_constraint o),
      (select string_agg(d.setdatabase::text || coalesce(array_to_string(d.setconfig, ';'), ''), ',')
         from pg_db_role_setting d)
    )) as shape`);
  return rows[0].shape;
}

/** Notes the fresh database's state (its tables, seeded rows, sequences) before any test uses it. */
async function captureTemplate(client: PGlite): Promise<TemplateState> {
  const { rows: tables } = await client.query<{ name: string; schema: string; table: string }>(`
    select format('%I.%I', n.nspname, c.relname) as name, n.nspname as schema, c.relname as table
    from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where c.relkind in ('r', 'p') and not c.relispartition and ${USER_SCHEMAS}
    order by 1`);
  await client.exec(`create schema ${TEMPLATE_SCHEMA}`);
  const seeded: TemplateState['seeded'] = [];
  for (const [index, table] of tables.entries()) {
    const { rows } = await client.query<{ any: boolean }>(
      `select exists (select 1 from ${table.name}) as any`,
    );
    if (!rows[0].any) continue;
    const copy = `${TEMPLATE_SCHEMA}.t${index}`;
    const { rows: columns } = await client.query<{ name: string }>(
      `select format('%I', column_name) as name from information_schema.columns
       where table_schema = $1 and table_name = $2 and is_generated = 'NEVER'
       order by ordinal_position`,
      [table.schema, table.table],
    );
    const list = columns.map((column) => column.name).join(', ');
    await client.exec(`create table ${copy} as select ${list} from ${table.name}`);
    seeded.push({ table: table.name, copy, columns: list });
  }
  const { rows: sequences } = await client.query<{ name: string; last: string | null }>(`
    select format('%I.%I', schemaname, sequencename) as name, last_value::text as last
    from pg_sequences where schemaname <> '${TEMPLATE_SCHEMA}'`);
  return {
    tables: tables.map((table) => table.name),
    seeded,
    sequences,
    fingerprint: await fingerprint(client),
  };
}

/** Puts a used database back in the template's state; false when it cannot be (it is then closed). */
async function resetToTemplate(client: PGlite, template: TemplateState): Promise<boolean> {
  try {
    // A test that failed inside a transaction leaves it open.
    if (client.isInTransaction?.()) await client.exec('rollback');
    await client.exec('discard all');
    if ((await fingerprint(client)) !== template.fingerprint) return false;
    const statements = [
      'begin',
      // No triggers (the catalog revision, summaries, statistics) and no foreign-key checks.
      'set local session_replication_role = replica',
      `truncate ${template.tables.join(', ')} restart identity`,
      ...template.seeded.map(
        (seed) =>
          `insert into ${seed.table} (${seed.columns}) overriding system value select ${seed.columns} from ${seed.copy}`,
      ),
      ...template.sequences.map((sequence) =>
        sequence.last === null
          ? `select setval('${sequence.name}', (select start_value from pg_sequences where format('%I.%I', schemaname, sequencename) = '${sequence.name}'), false)`
          : `select setval('${sequence.name}', ${sequence.last}, true)`,
      ),
      'commit',
    ];
    await client.exec(statements.join(';\n'));
    return true;
  } catch {
    return false;
  }
}

async function reusedPglite(dumpFile: string): Promise<DatabaseHandle> {
  const { drizzle } = await import('drizzle-orm/pglite');
  let client = idle.pop();
  if (!client) {
    const opened = await openPglite(undefined, { loadDataDir: new Blob([fs.readFileSync(dumpFile)]) });
    client = opened.pglite!;
    templates.set(client, await captureTemplate(client));
  }
  const handle = pgliteHandle(client, drizzle);
  const own = client;
  let closed = false;
  handle.close = async () => {
    if (closed) return;
    closed = true;
    if (own.closed) return;
    const template = templates.get(own)!;
    if (idle.length < MAX_IDLE && (await resetToTemplate(own, template))) idle.push(own);
    else await own.close();
  };
  return handle;
}
