// Queuing the emails of one business write in one statement: a checkout queues five or more, and a
// round trip each would be most of its time. Like the scope's `enqueue`, the jobs are inserted in the
// scope's transaction and exist only if it commits; the queue's retry policy applies to each. The
// statement pg-boss writes is run as a named prepared statement (planned once per connection).
import { createHash } from 'node:crypto';
import { type SQL, sql } from 'drizzle-orm';
import type { Queryable } from '../../db/client.ts';
import { runPrepared } from '../../db/prepared.ts';
import type { TxScope } from '../../db/transaction.ts';
import type { JobPayloads } from '../../jobs/queues.ts';

/** pg-boss's statement (`$1`, `$2`… placeholders) as SQL with bound parameters. */
function bind(text: string, values: readonly unknown[]): SQL {
  const query = sql.empty();
  let last = 0;
  for (const match of text.matchAll(/\$(\d+)/g)) {
    query.append(sql.raw(text.slice(last, match.index)));
    query.append(sql`${sql.param(values[Number(match[1]) - 1])}`);
    last = match.index + match[0].length;
  }
  query.append(sql.raw(text.slice(last)));
  return query;
}

/** A pg-boss database adapter running every statement prepared, inside the given transaction. */
function preparedJobsDb(db: Queryable) {
  return {
    async executeSql(text: string, values: unknown[] = []) {
      const name = `jobs_${createHash('sha1').update(text).digest('hex').slice(0, 20)}`;
      return { rows: await runPrepared(db, name, bind(text, values)) };
    },
  };
}

export async function enqueueEmails(scope: TxScope, messages: JobPayloads['send_email'][]): Promise<void> {
  if (messages.length === 0) return;
  await scope.runtime.boss.insert(
    'send_email',
    messages.map((data) => ({ data })),
    { db: preparedJobsDb(scope.tx) },
  );
}

/**
 * A placed order's emails (the buyer's confirmation, the staff invoice, each supplier's notice) are
 * one `order_placed_emails` job queued by the checkout transaction: the order cannot commit without
 * it. The worker renders them from the stored order and queues one `send_email` job each, in one
 * transaction, so they are never half queued; a retry after a crash between that commit and the
 * job's completion may send them twice (at least once, never lost). Rendering and queuing five
 * emails was a third of a checkout's CPU when it ran inside the checkout.
 */
export async function queueOrderPlacedEmails(scope: TxScope, orderId: number): Promise<void> {
  await scope.runtime.boss.insert('order_placed_emails', [{ data: { orderId } }], {
    db: preparedJobsDb(scope.tx),
  });
}
