import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { pendingMigrations } from '../../db/migrate.ts';
import { deadLetterCount } from '../../jobs/recovery.ts';
import type { Runtime } from '../../runtime.ts';

const Check = Type.Object({ ok: Type.Boolean(), detail: Type.Optional(Type.String()) });
const JobsCheck = Type.Object({
  ok: Type.Boolean(),
  detail: Type.Optional(Type.String()),
  dead_letter: Type.Optional(
    Type.Integer({
      description:
        'Jobs (emails, imports, exports) that failed every retry and wait in the dead-letter queue; each was logged',
    }),
  ),
});
const ReplicaCheck = Type.Object(
  {
    ok: Type.Boolean(),
    detail: Type.Optional(Type.String()),
    lag_seconds: Type.Optional(
      Type.Number({
        description:
          'Seconds since the primary committed the last transaction the standby has replayed (it also grows while the primary writes nothing); absent when the read database is not a standby or has replayed nothing yet',
      }),
    ),
  },
  { description: 'The read replica of DATABASE_READ_URL (present only when one is configured)' },
);
const Readiness = Type.Object({
  status: Type.Union([Type.Literal('ready'), Type.Literal('not_ready')]),
  checks: Type.Object({
    database: Check,
    migrations: Check,
    jobs: JobsCheck,
    replica: Type.Optional(ReplicaCheck),
  }),
});

/** How far the read replica is behind, when it is a standby (null: not a standby, or nothing replayed). */
async function replicaLag(runtime: Runtime): Promise<number | null> {
  const [row] = await runtime.readDatabase.query<{ lag: number | null }>(
    `select case when pg_is_in_recovery()
       then extract(epoch from now() - pg_last_xact_replay_timestamp())::float8 end as lag`,
  );
  return row.lag === null ? null : Math.max(0, row.lag);
}

/**
 * Liveness (the process answers) and readiness (database reachable, migrations applied, jobs
 * started, and the read replica reachable when there is one: the public catalog reads it).
 */
export function healthRoutes(runtime: Runtime): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/health/live',
      {
        schema: {
          tags: ['health'],
          operationId: 'getLiveness',
          summary: 'The process is up',
          response: { 200: Type.Object({ status: Type.Literal('ok') }) },
        },
      },
      async () => ({ status: 'ok' as const }),
    );

    app.get(
      '/health/ready',
      {
        schema: {
          tags: ['health'],
          operationId: 'getReadiness',
          summary: 'Ready to serve: database reachable, migrations applied, job system started',
          response: { 200: Readiness, 503: Readiness },
        },
      },
      async (request, reply) => {
        const checks = {
          database: { ok: false } as { ok: boolean; detail?: string },
          migrations: { ok: false } as { ok: boolean; detail?: string },
          jobs: { ok: runtime.state.bossStarted && !runtime.state.closing } as {
            ok: boolean;
            dead_letter?: number;
          },
        };
        try {
          await runtime.database.query('select 1');
          checks.database.ok = true;
          const pending = await pendingMigrations(runtime.database);
          checks.migrations = pending.length
            ? { ok: false, detail: `pending: ${pending.join(', ')}` }
            : { ok: true };
          // Not a readiness condition: a count for staff and monitoring to watch.
          if (checks.jobs.ok) checks.jobs.dead_letter = await deadLetterCount(runtime);
        } catch (error) {
          // The driver's text may name hosts, users or files: operators read it in the log; the
          // anonymous caller learns only which check failed.
          request.log.error({ err: error }, 'readiness check: database query failed');
          checks.database.detail = 'database unreachable';
        }
        let replica: { ok: boolean; detail?: string; lag_seconds?: number } | undefined;
        if (runtime.readDatabase !== runtime.database) {
          try {
            const lag = await replicaLag(runtime);
            replica = lag === null ? { ok: true } : { ok: true, lag_seconds: Math.round(lag * 1000) / 1000 };
          } catch (error) {
            request.log.error({ err: error }, 'readiness check: read replica query failed');
            replica = { ok: false, detail: 'read replica unreachable' };
          }
        }
        const ready = checks.database.ok && checks.migrations.ok && checks.jobs.ok && (replica?.ok ?? true);
        return reply
          .status(ready ? 200 : 503)
          .send({ status: ready ? 'ready' : 'not_ready', checks: replica ? { ...checks, replica } : checks });
      },
    );
  };
}
