// What a process that works jobs does about work left half-done by a process that died.
//
// - Jobs: every queue that does real work has a pg-boss heartbeat (queues.ts): a job whose worker
//   stops beating is failed by the job system's monitor (any live process runs it every 10 s) and
//   retried under its policy, instead of waiting out its expiry (30 minutes for an import). On
//   the embedded database (one process per data folder) heartbeats are off and every job still
//   `active` at start is an orphan of the previous process: it is failed at once, and retried.
// - Imports and exports: catalog/recovery.ts (their own heartbeat, swept every 10 s).

import { failAbandonedWork, STALE_SECONDS, SWEEP_SECONDS } from '../modules/catalog/recovery.ts';
import type { Runtime } from '../runtime.ts';

/** Fails (so retries) every job left `active` by a previous process; embedded database only. */
export async function failOrphanedJobs(runtime: Runtime): Promise<number> {
  const rows = await runtime.database.query<{ id: string; name: string }>(
    "select id::text as id, name from pgboss.job where state = 'active'",
  );
  const byQueue = new Map<string, string[]>();
  for (const row of rows) byQueue.set(row.name, [...(byQueue.get(row.name) ?? []), row.id]);
  for (const [name, ids] of byQueue) {
    await runtime.boss.fail(name, ids, { message: 'the process working this job stopped' });
  }
  if (rows.length)
    runtime.log.warn({ jobs: rows.length }, 'jobs left active by a stopped process failed for retry');
  return rows.length;
}

/** Starts recovery: once now, then the sweep every SWEEP_SECONDS. Answers the stop. */
export async function startRecovery(runtime: Runtime): Promise<() => void> {
  const embedded = runtime.database.kind === 'pglite';
  if (embedded) await failOrphanedJobs(runtime);
  await failAbandonedWork(runtime, embedded ? 0 : STALE_SECONDS);
  let sweeping = false;
  const timer = setInterval(() => {
    if (sweeping || runtime.state.closing) return;
    sweeping = true;
    failAbandonedWork(runtime, STALE_SECONDS)
      .catch((error: unknown) => runtime.log.error({ err: error }, 'recovery sweep failed'))
      .finally(() => {
        sweeping = false;
      });
  }, SWEEP_SECONDS * 1000);
  timer.unref();
  return () => clearInterval(timer);
}

/** Jobs that exhausted their retries and wait in the dead-letter queue (staff: /health/ready). */
export async function deadLetterCount(runtime: Runtime): Promise<number> {
  const [row] = await runtime.database.query<{ n: number }>(
    "select count(*)::integer as n from pgboss.job where name = 'dead_letter' and state in ('created', 'retry')",
  );
  return row?.n ?? 0;
}
