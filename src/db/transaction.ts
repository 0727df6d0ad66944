// The one way to write. `transaction()` opens a transaction and hands out a scope holding it and an
// `enqueue` bound to it: jobs sent through the scope commit or vanish with the business write.
// Serialization failures and deadlocks are retried a few times from the start.
import { sql } from 'drizzle-orm';
import { fromDrizzle, type SendOptions } from 'pg-boss';
import type { JobPayloads, QueueName } from '../jobs/queues.ts';
import type { Runtime } from '../runtime.ts';
import { isRetryable, type Transaction } from './client.ts';

export interface TxScope {
  tx: Transaction;
  /** Sends a job that exists only if this transaction commits. */
  enqueue<Q extends QueueName>(queue: Q, data: JobPayloads[Q], options?: SendOptions): Promise<string | null>;
  /** The clock's time when the transaction started. */
  now: Date;
  runtime: Runtime;
}

export interface TransactionOptions {
  isolationLevel?: 'read committed' | 'repeatable read' | 'serializable';
  /** How many times to rerun after a serialization failure or deadlock. */
  retries?: number;
}

export async function transaction<T>(
  runtime: Runtime,
  work: (scope: TxScope) => Promise<T>,
  options: TransactionOptions = {},
): Promise<T> {
  const retries = options.retries ?? 3;
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await runtime.db.transaction(
        async (tx) => {
          const jobsDb = fromDrizzle(tx as never, sql as never);
          const scope: TxScope = {
            tx,
            now: runtime.clock.now(),
            runtime,
            enqueue: (queue, data, sendOptions) =>
              runtime.boss.send(queue, data as object, { ...sendOptions, db: jobsDb }),
          };
          return work(scope);
        },
        options.isolationLevel ? { isolationLevel: options.isolationLevel } : undefined,
      );
    } catch (error) {
      if (attempt < retries && isRetryable(error)) {
        await new Promise((resolve) => setTimeout(resolve, 5 + Math.random() * 20 * (attempt + 1)));
        continue;
      }
      throw error;
    }
  }
}
