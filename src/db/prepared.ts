// Named prepared statements for hot statements of a fixed shape (checkout, cancel, pricing rules, the
// product page): PostgreSQL parses and plans each once per connection instead of on every call
// (planning was most of their cost). Query
// builders prepare with `.prepare(name)`; raw SQL goes through the session the same way here. A name
// must always carry the same SQL text.
import { createHash } from 'node:crypto';
import type { SQL } from 'drizzle-orm';
import type { Queryable } from './client.ts';

interface SessionInternals {
  session: {
    prepareQuery(
      query: unknown,
      fields: undefined,
      name: string,
      arrayMode: boolean,
    ): { execute(): Promise<{ rows: unknown[] }> };
  };
  dialect: { sqlToQuery(query: SQL): { sql: string } };
}

export async function runPrepared<T>(db: Queryable, name: string, query: SQL): Promise<T[]> {
  const { session, dialect } = db as unknown as SessionInternals;
  const result = await session.prepareQuery(dialect.sqlToQuery(query), undefined, name, false).execute();
  return result.rows as T[];
}

/**
 * A statement whose shape follows the request (the catalog's filters): named by its prefix and a
 * hash of its text, so each shape is prepared once per connection and a name never changes text.
 */
export async function runPreparedShape<T>(db: Queryable, prefix: string, query: SQL): Promise<T[]> {
  const { session, dialect } = db as unknown as SessionInternals;
  const compiled = dialect.sqlToQuery(query);
  const name = `${prefix}_${createHash('sha1').update(compiled.sql).digest('hex').slice(0, 16)}`;
  const result = await session.prepareQuery(compiled, undefined, name, false).execute();
  return result.rows as T[];
}
