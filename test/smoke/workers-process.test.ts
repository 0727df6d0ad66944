// The deployment switches as real processes: `npm start` with RUN_WORKERS=false leaves jobs to
// `npm run worker`; the worker finishes the job in hand on SIGTERM and exits 0; MIGRATE_ON_START=false
// leaves an unmigrated database unmigrated and the server not ready.
// On PGlite the data folder admits one process at a time, so there the worker starts after the
// server stopped; on the PostgreSQL server (DATABASE_URL) both run at once, as an operator runs them.
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { migrationJournal } from '../../src/db/migrate.ts';
import { createTarget, freePort, killAll, start, type Target, waitReady } from './processes.ts';

// Real processes (each opens a database, some import files): a busy machine makes them slow, not
// wrong, so they get room beyond the suite's 30 s per test.
vi.setConfig({ testTimeout: 300_000, hookTimeout: 180_000 });

const targets: Target[] = [];
afterAll(async () => {
  killAll();
  for (const target of targets) await target.remove();
});

/**
 * An SMTP server that accepts every message but answers the end of its DATA only when released:
 * until then the sending job is in hand.
 */
async function holdingSmtp() {
  const received: { recipients: string[]; size: number }[] = [];
  let release!: () => void;
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  let arrived!: () => void;
  const inHand = new Promise<void>((resolve) => {
    arrived = resolve;
  });
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      let size = 0;
      stream.on('data', (chunk: Buffer) => {
        size += chunk.length;
      });
      stream.on('end', () => {
        arrived();
        released.then(() => {
          received.push({ recipients: session.envelope.rcptTo.map((rcpt) => rcpt.address), size });
          callback();
        });
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    inHand,
    release,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('separate worker process', () => {
  it('works the job the RUN_WORKERS=false server queued, and finishes it on SIGTERM before exiting 0', async () => {
    const target = await createTarget({ migrated: true });
    targets.push(target);
    const smtp = await holdingSmtp();
    try {
      const port = await freePort();
      const url = `http://127.0.0.1:${port}`;
      const server = start(
        'src/server.ts',
        target.env({ PORT: String(port), RUN_WORKERS: 'false', SMTP_URL: smtp.url }),
      );
      await waitReady(url, server.child);
      expect(server.logs('Zakupka is listening')).toHaveLength(1);
      expect(server.logs('workers started')).toHaveLength(0);

      // Registration queues the confirmation email in its transaction.
      const email = 'worker-smoke@example.test';
      const res = await fetch(`${url}/api/v2/auth/register`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          email,
          password: 'Sklad-Worker-2026',
          first_name: 'Иван',
          last_name: 'Петров',
          company: 'ООО «Ромашка»',
          position: 'Закупщик',
          type: 'buyer',
        }),
      });
      expect(res.status).toBe(201);

      if (target.kind === 'pglite') {
        // One process per data folder: the worker takes over after the server stopped.
        expect(await server.stop()).toBe(0);
      }
      const worker = start('src/worker.ts', target.env({ SMTP_URL: smtp.url }));
      await worker.waitForLog('worker started');
      expect(worker.logs('workers started')).toHaveLength(1);

      // The mail is with the SMTP server, its job in the worker's hands: stop the worker now.
      await smtp.inHand;
      worker.child.kill('SIGTERM');
      await worker.waitForLog('shutting down');
      // Held a moment longer: a worker that did not wait for its job would be gone by then.
      await new Promise((resolve) => setTimeout(resolve, 1000));
      expect(worker.child.exitCode).toBeNull();
      smtp.release();
      expect(await worker.exited).toBe(0);

      expect(smtp.received).toHaveLength(1);
      expect(smtp.received[0].recipients).toEqual([email]);
      const order = ['shutting down', 'mail sent', 'stopped'].map((msg) =>
        worker.output().indexOf(`"msg":"${msg}"`),
      );
      expect(order[0]).toBeGreaterThan(-1);
      expect(order).toEqual([...order].sort((a, b) => a - b));
      expect(worker.logs('mail sent')[0]).toMatchObject({ to: email, kind: 'email_confirmation' });

      if (target.kind === 'postgres') {
        expect(await server.stop()).toBe(0);
      }
      // Only the worker sent it; the server never worked a job.
      expect(server.logs('mail sent')).toHaveLength(0);
      expect(server.logs('workers started')).toHaveLength(0);
      // Finished, not abandoned: the job is completed, not left active for a retry.
      const jobs = await target.query<{ state: string }>(
        `select state from pgboss.job where name = 'send_email'`,
      );
      expect(jobs).toEqual([{ state: 'completed' }]);
    } finally {
      smtp.release();
      await smtp.close();
    }
  }, 300_000);
});

describe('MIGRATE_ON_START=false', () => {
  it('leaves an unmigrated database unmigrated and the server not ready', async () => {
    const target = await createTarget({ migrated: false });
    targets.push(target);
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const server = start(
      'src/server.ts',
      target.env({ PORT: String(port), MIGRATE_ON_START: 'false', RUN_WORKERS: 'false' }),
    );
    await server.waitForLog('Zakupka is listening');
    const res = await fetch(`${url}/health/ready`);
    expect(res.status).toBe(503);
    const body = (await res.json()) as {
      status: string;
      checks: Record<string, { ok: boolean; detail?: string }>;
    };
    const all = migrationJournal().map((entry) => entry.tag);
    expect(body.status).toBe('not_ready');
    expect(body.checks.database).toEqual({ ok: true });
    expect(body.checks.migrations).toEqual({ ok: false, detail: `pending: ${all.join(', ')}` });
    expect(server.logs('migrations applied')).toHaveLength(0);
    expect(await server.stop()).toBe(0);

    // `npm run db:migrate` then finds every migration still to apply.
    const migrate = start('src/cli/migrate.ts', target.env());
    expect(await migrate.exited).toBe(0);
    expect(migrate.logs('migrations applied')[0]).toMatchObject({ applied: all, pending: [] });
  }, 300_000);
});
