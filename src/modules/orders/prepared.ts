// Named prepared statements for the hot statements of checkout and cancel: PostgreSQL parses and
// plans each once per connection instead of on every call (planning was most of their cost). Query
// builders prepare with `.prepare(name)`; raw SQL goes through the session the same way here. A name
// must always carry the same SQL text.
import type { SQL } from 'drizzle-orm';
import type { Queryable } from '../../db/client.ts';

interface SessionInternals {
  session: {
    prepareQuery(
      query: unknown,
      fields: undefined,
      name: string,
      arrayMode: boolean,
    ): { execute(): Promise<{ rows: unknown[] }> };
  };
  dialect: { sqlToQuery(query: SQL): unknown };
}

export async function runPrepared<T>(db: Queryable, name: string, query: SQL): Promise<T[]> {
  const { session, dialect } = db as unknown as SessionInternals;
  const result = await session.prepareQuery(dialect.sqlToQuery(query), undefined, name, false).execute();
  return result.rows as T[];
}
