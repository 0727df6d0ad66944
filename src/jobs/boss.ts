// pg-boss on the same database as the business data. Jobs are sent inside the caller's transaction
// (see db/transaction.ts), so a rolled-back write leaves no job and a committed one always has its job.
import { fromPglite, type Job, PgBoss } from 'pg-boss';
import type { Logger } from 'pino';
import type { DatabaseHandle } from '../db/client.ts';
import type { Runtime } from '../runtime.ts';
import { JOB_HANDLERS } from './handlers.ts';
import {
  DEAD_LETTER_OPTIONS,
  DEAD_LETTER_QUEUE,
  type JobPayloads,
  QUEUES,
  type QueueName,
  WORKER_CONCURRENCY,
} from './queues.ts';

export async function startBoss(database: DatabaseHandle, log: Logger): Promise<PgBoss> {
  const boss = database.pglite
    ? new PgBoss({ db: fromPglite(database.pglite), backend: 'pglite', supervise: true, schedule: true })
    : new PgBoss({ db: poolDb(database), supervise: true, schedule: true });
  boss.on('error', (error) => log.error({ err: error }, 'job system error'));
  await boss.start();
  await ensureQueues(boss);
  return boss;
}

/** pg-boss runs its statements on our pool: one pool per process, closed with the database. */
function poolDb(database: DatabaseHandle) {
  const pool = database.pool!;
  return {
    async executeSql(text: string, values?: unknown[]) {
      return pool.query(text, values as unknown[]);
    },
  };
}

export async function ensureQueues(boss: PgBoss): Promise<void> {
  const existing = new Set((await boss.getQueues()).map((queue) => queue.name));
  if (!existing.has(DEAD_LETTER_QUEUE)) await boss.createQueue(DEAD_LETTER_QUEUE, DEAD_LETTER_OPTIONS);
  for (const [name, options] of Object.entries(QUEUES)) {
    if (!existing.has(name)) await boss.createQueue(name, options);
  }
}

export async function stopBoss(boss: PgBoss, timeoutMs: number): Promise<void> {
  // Graceful: workers finish the job in hand (bounded), then the instance stops. The database
  // connection is ours and is closed by the runtime afterwards.
  await boss.stop({ graceful: true, close: false, timeout: Math.max(1000, timeoutMs) });
}

export interface WorkerOptions {
  pollingIntervalSeconds?: number;
  batchSize?: number;
  /** Jobs in hand at once in this process. */
  concurrency?: number;
}

/**
 * Works one queue. A handler's error is logged and rethrown so pg-boss retries with backoff; the
 * last failure is logged as final, and pg-boss moves the job to the dead-letter queue where it stays.
 */
export async function workQueue<T>(
  runtime: Runtime,
  name: string,
  handler: (runtime: Runtime, data: T, job: Job<T>) => Promise<unknown>,
  options: WorkerOptions = {},
): Promise<string> {
  const retryLimit = (await runtime.boss.getQueue(name))?.retryLimit ?? 0;
  return runtime.boss.work<T>(
    name,
    {
      pollingIntervalSeconds: options.pollingIntervalSeconds ?? 1,
      batchSize: options.batchSize ?? 1,
      localConcurrency: options.concurrency ?? 1,
    },
    async (jobs) => {
      for (const job of jobs) {
        const log = runtime.log.child({ queue: name, jobId: job.id, attempt: job.retryCount + 1 });
        try {
          await handler(runtime, job.data, job);
        } catch (error) {
          const final = job.retryCount >= retryLimit;
          if (final) log.error({ err: error, deadLetter: DEAD_LETTER_QUEUE }, 'job failed for the last time');
          else log.warn({ err: error, retryLimit }, 'job failed, will retry');
          throw error;
        }
      }
    },
  );
}

export async function startWorkers(runtime: Runtime, options: WorkerOptions = {}): Promise<void> {
  for (const name of Object.keys(QUEUES) as QueueName[]) {
    const handler = JOB_HANDLERS[name] as (rt: Runtime, data: JobPayloads[typeof name]) => Promise<unknown>;
    await workQueue(runtime, name, handler, { concurrency: WORKER_CONCURRENCY[name], ...options });
  }
  runtime.log.info({ queues: Object.keys(QUEUES) }, 'workers started');
}
