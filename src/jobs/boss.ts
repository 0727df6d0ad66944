// pg-boss on the same database as the business data. Jobs are sent inside the caller's transaction
// (see db/transaction.ts), so a rolled-back write leaves no job and a committed one always has its job.
import { fromPglite, type Job, PgBoss } from 'pg-boss';
import type { Logger } from 'pino';
import type { DatabaseHandle } from '../db/client.ts';
import type { Runtime } from '../runtime.ts';
import {
  DEAD_LETTER_OPTIONS,
  DEAD_LETTER_QUEUE,
  type JobPayloads,
  QUEUES,
  type QueueName,
  WORKER_CONCURRENCY,
} from './queues.ts';

export async function startBoss(database: DatabaseHandle, log: Logger): Promise<PgBoss> {
  // Supervision every 10 s: a job whose worker died (its heartbeat lapsed) is failed and retried
  // within about half a minute, not at the next minute's pass.
  const intervals = { superviseIntervalSeconds: 10, monitorIntervalSeconds: 10 };
  const boss = database.pglite
    ? new PgBoss({
        db: fromPglite(database.pglite),
        backend: 'pglite',
        supervise: true,
        schedule: true,
        ...intervals,
      })
    : new PgBoss({ db: poolDb(database), supervise: true, schedule: true, ...intervals });
  boss.on('error', (error) => log.error({ err: error }, 'job system error'));
  await boss.start();
  await ensureQueues(boss, { heartbeats: !database.pglite });
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

/**
 * Creates the queues, and brings existing ones to the heartbeat policy. Heartbeats only on the
 * server: on the embedded database the heartbeat and the monitor share the one session with the
 * work, so a long transaction would look like a dead worker (orphans are failed at start there).
 */
export async function ensureQueues(boss: PgBoss, options: { heartbeats: boolean }): Promise<void> {
  const existing = new Map((await boss.getQueues()).map((queue) => [queue.name, queue]));
  if (!existing.has(DEAD_LETTER_QUEUE)) await boss.createQueue(DEAD_LETTER_QUEUE, DEAD_LETTER_OPTIONS);
  for (const [name, policy] of Object.entries(QUEUES)) {
    const { heartbeatSeconds: beat, ...rest } = policy;
    const heartbeatSeconds = options.heartbeats ? beat : undefined;
    const queue = existing.get(name);
    if (!queue) await boss.createQueue(name, heartbeatSeconds ? { ...rest, heartbeatSeconds } : rest);
    else if ((queue.heartbeatSeconds ?? undefined) !== heartbeatSeconds) {
      await boss.updateQueue(name, { heartbeatSeconds: heartbeatSeconds ?? null });
    }
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
  // The handlers reach every module's services: loaded here, by the processes that work jobs, and not
  // by every process that only opens the job system to send (the CLIs, a RUN_WORKERS=false server).
  const { JOB_HANDLERS } = await import('./handlers.ts');
  for (const name of Object.keys(QUEUES) as QueueName[]) {
    const handler = JOB_HANDLERS[name] as (rt: Runtime, data: JobPayloads[typeof name]) => Promise<unknown>;
    await workQueue(runtime, name, handler, { concurrency: WORKER_CONCURRENCY[name], ...options });
  }
  runtime.log.info({ queues: Object.keys(QUEUES) }, 'workers started');
}
