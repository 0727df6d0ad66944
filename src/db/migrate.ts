// Applies the committed drizzle-kit migrations, in order, in one transaction under an advisory lock,
// so that several processes starting at once against one PostgreSQL apply each migration once.
// `npm run db:migrate` (src/cli/migrate.ts) runs it against the configured database.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import type { DatabaseHandle } from './client.ts';

const MIGRATIONS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');
const LOCK_KEY = 7_311_000_001;

interface JournalEntry {
  idx: number;
  tag: string;
  when: number;
}

let journalCache: JournalEntry[] | undefined;

/** The committed migrations in order (read once: they do not change while a process runs). */
export function migrationJournal(): JournalEntry[] {
  if (!journalCache) {
    const journal = JSON.parse(fs.readFileSync(path.join(MIGRATIONS_DIR, 'meta', '_journal.json'), 'utf8'));
    journalCache = (journal.entries as JournalEntry[]).toSorted((a, b) => a.idx - b.idx);
  }
  return journalCache;
}

async function appliedSet(handle: DatabaseHandle): Promise<Set<number>> {
  const exists = await handle.query<{ present: boolean }>(
    `select to_regclass('drizzle.__drizzle_migrations') is not null as present`,
  );
  if (!exists[0].present) return new Set();
  const rows = await handle.query<{ created_at: number | string }>(
    'select created_at from drizzle.__drizzle_migrations',
  );
  return new Set(rows.map((row) => Number(row.created_at)));
}

/** Tags of the migrations not yet applied to this database. */
export async function pendingMigrations(handle: DatabaseHandle): Promise<string[]> {
  const applied = await appliedSet(handle);
  return migrationJournal()
    .filter((entry) => !applied.has(entry.when))
    .map((entry) => entry.tag);
}

export async function migrate(handle: DatabaseHandle): Promise<string[]> {
  const journal = migrationJournal();
  return handle.db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${LOCK_KEY})`);
    await tx.execute(sql`create schema if not exists drizzle`);
    await tx.execute(
      sql`create table if not exists drizzle.__drizzle_migrations (id serial primary key, hash text not null, created_at bigint)`,
    );
    const result = (await tx.execute(
      sql`select created_at from drizzle.__drizzle_migrations`,
    )) as unknown as {
      rows: { created_at: string | number }[];
    };
    const applied = new Set(result.rows.map((row) => Number(row.created_at)));
    const done: string[] = [];
    for (const entry of journal) {
      if (applied.has(entry.when)) continue;
      const text = fs.readFileSync(path.join(MIGRATIONS_DIR, `${entry.tag}.sql`), 'utf8');
      for (const statement of text.split('--> statement-breakpoint')) {
        if (statement.trim()) await tx.execute(sql.raw(statement));
      }
      const hash = createHash('sha256').update(text).digest('hex');
      await tx.execute(
        sql`insert into drizzle.__drizzle_migrations (hash, created_at) values (${hash}, ${entry.when})`,
      );
      done.push(entry.tag);
    }
    return done;
  });
}
