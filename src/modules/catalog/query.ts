import type { SQL } from 'drizzle-orm';
import type { Queryable } from '../../db/client.ts';
import { runPreparedShape } from '../../db/prepared.ts';

/**
 * The catalog's reads run as prepared statements named by their shape: planning a list query took
 * about as long as running it.
 */
export function catalogQuery<T>(db: Queryable, query: SQL): Promise<T[]> {
  return runPreparedShape<T>(db, 'catalog', query);
}
