// A queue of one transaction's statements, sent one after another while the caller builds the next
// ones, so that JavaScript work and the database's work overlap (the price-list import's apply).
import { setImmediate as nextTurn } from 'node:timers/promises';
import { type SQL, sql } from 'drizzle-orm';
import type { TxScope } from './transaction.ts';

/** The rows of a `tx.execute` result (node-postgres and PGlite both answer `{ rows }`). */

export function rowsOf<T>(result: unknown): T[] {
  return (result as { rows: T[] }).rows;
}

/** A value sent as a statement parameter (not inlined into the SQL text). */
export function param<T>(value: T) {
  return sql.param(value);
}

/**
 * The transaction's statements in order, each sent when the one before has finished, while the
 * caller goes on reading the file and building the next ones: the import's JavaScript and the
 * database's work overlap. `take` gets a statement's rows as they come, in order, and may queue
 * more statements (not wait for them). After a failure nothing more is sent: every later
 * statement fails with it. `durations` sums each label's database time. With `turns` (PGlite, whose
 * statements run on this thread and answer without a turn of the event loop), each statement
 * waits for one turn first, so that requests are answered between any two.
 */
export function statementQueue(scope: TxScope, durations: Record<string, number>, turns = false) {
  let tail: Promise<unknown> = Promise.resolve();
  // When the last statement queued finished, if none was queued since: the connection idles.
  let idleSince: number | undefined;
  return {
    run<Row>(label: string, statement: SQL | Promise<SQL>, take?: (rows: Row[]) => void): Promise<Row[]> {
      if (idleSince !== undefined) {
        durations.idle = (durations.idle ?? 0) + performance.now() - idleSince;
        idleSince = undefined;
      }
      if (statement instanceof Promise) statement.catch(() => {});
      const result: Promise<Row[]> = tail.then(async () => {
        const waited = performance.now();
        const ready = await statement;
        if (turns) await nextTurn();
        const started = performance.now();
        durations.idle = (durations.idle ?? 0) + started - waited;
        const rows = rowsOf<Row>(await scope.tx.execute(ready));
        durations[label] = (durations[label] ?? 0) + performance.now() - started;
        take?.(rows);
        if (tail === result) idleSince = performance.now();
        return rows;
      });
      // Awaited by the caller or by drain, which rethrow; until then its failure is not unhandled.
      result.catch(() => {});
      tail = result;
      return result;
    },
    /** Waits for everything queued, including what was queued meanwhile; rethrows a failure. */
    async drain(): Promise<void> {
      for (let last = tail; ; last = tail) {
        await last;
        if (last === tail) return;
      }
    },
    /** Waits until no statement is running or due, whatever their outcome. */
    async settle(): Promise<void> {
      for (let last = tail; ; last = tail) {
        await last.catch(() => {});
        if (last === tail) return;
      }
    },
  };
}

export type StatementQueue = ReturnType<typeof statementQueue>;
