import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../test/helpers/app.ts';
import { transaction } from '../db/transaction.ts';
import { workQueue } from './boss.ts';
import { DEAD_LETTER_QUEUE } from './queues.ts';
import { failOrphanedJobs } from './recovery.ts';

const logLines: Record<string, unknown>[] = [];
const logStream = new Writable({
  write(chunk, _encoding, done) {
    for (const line of chunk.toString().split('\n').filter(Boolean)) logLines.push(JSON.parse(line));
    done();
  },
});

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp({ log: pino({ level: 'info' }, logStream) });
});
afterAll(() => t?.close());

async function until<T>(probe: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('jobs in transactions', () => {
  it('leaves no job when the transaction rolls back', async () => {
    const to = 'rolled-back@example.test';
    await expect(
      transaction(t.runtime, async ({ enqueue }) => {
        await enqueue('send_email', { to, subject: 'never', text: 'never', html: '<p>never</p>' });
        throw new Error('business rule failed');
      }),
    ).rejects.toThrow('business rule failed');
    const jobs = await t.runtime.boss.findJobs('send_email', { data: { to } });
    expect(jobs).toHaveLength(0);
  });

  it('delivers the job of a committed transaction', async () => {
    const to = 'committed@example.test';
    const id = await transaction(t.runtime, ({ enqueue }) =>
      enqueue('send_email', { to, subject: 'Проверка', text: 'Текст', html: '<p>Текст</p>' }),
    );
    expect(id).toBeTruthy();
    const mail = await t.mail.waitFor((m) => m.recipients.includes(to));
    expect(mail.subject).toBe('Проверка');
    expect(mail.text?.trim()).toBe('Текст');
    expect(mail.html).toContain('<p>Текст</p>');
  });
});

describe('retries and the dead-letter queue', () => {
  it('retries a failing job, then keeps it in the dead-letter queue and logs the final error', async () => {
    const queue = 'test_always_fails';
    await t.runtime.boss.createQueue(queue, { retryLimit: 2, retryDelay: 1, deadLetter: DEAD_LETTER_QUEUE });
    let attempts = 0;
    await workQueue(
      t.runtime,
      queue,
      async () => {
        attempts += 1;
        throw new Error(`smtp down (attempt ${attempts})`);
      },
      { pollingIntervalSeconds: 0.5 },
    );
    const marker = `job-${Date.now()}`;
    await t.runtime.boss.send(queue, { marker });
    const dead = await until(async () => {
      const jobs = await t.runtime.boss.findJobs<{ marker: string }>(DEAD_LETTER_QUEUE, { data: { marker } });
      return jobs.length ? jobs : undefined;
    });
    expect(attempts).toBe(3);
    expect(dead[0].data.marker).toBe(marker);
    const failed = await t.runtime.boss.findJobs(queue, { data: { marker } });
    expect(failed[0].state).toBe('failed');
    const final = logLines.find(
      (line) => line.msg === 'job failed for the last time' && line.queue === queue,
    );
    expect(final).toMatchObject({ level: 50, attempt: 3, deadLetter: DEAD_LETTER_QUEUE });
    expect((final!.err as { message: string }).message).toBe('smtp down (attempt 3)');
    expect(
      logLines.filter((line) => line.msg === 'job failed, will retry' && line.queue === queue),
    ).toHaveLength(2);
    // Staff see how many jobs wait in the dead-letter queue.
    const ready = await t.app.inject({ method: 'GET', url: '/health/ready' });
    expect(ready.json().checks.jobs).toEqual({ ok: true, dead_letter: 1 });
  });

  it('fails the jobs a stopped process left active, so they are retried (embedded database)', async () => {
    const queue = 'test_orphaned';
    await t.runtime.boss.createQueue(queue, { retryLimit: 1, retryDelay: 0 });
    const id = await t.runtime.boss.send(queue, { orphan: true });
    // Claimed as a worker would, then abandoned: no one completes it.
    const [claimed] = await t.runtime.boss.fetch(queue);
    expect(claimed.id).toBe(id);
    expect(await failOrphanedJobs(t.runtime)).toBeGreaterThanOrEqual(1);
    const job = await t.runtime.boss.getJobById(queue, id!);
    expect(job?.state).toBe('retry');
  });
});
