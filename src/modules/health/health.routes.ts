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
const Readiness = Type.Object({
  status: Type.Union([Type.Literal('ready'), Type.Literal('not_ready')]),
  checks: Type.Object({ database: Check, migrations: Check, jobs: JobsCheck }),
});

/** Liveness (the process answers) and readiness (database reachable, migrations applied, jobs started). */
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
        const ready = checks.database.ok && checks.migrations.ok && checks.jobs.ok;
        return reply.status(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not_ready', checks });
      },
    );
  };
}
