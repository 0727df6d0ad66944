// Several processes against one PostgreSQL: two API processes (`src/server.ts`, RUN_WORKERS=false)
// and two workers (`src/worker.ts`), as the README's "Beyond one machine" runs them. Each piece of
// work happens once however many processes could take it:
// - an import uploaded to one API is applied once, by one worker;
// - checkouts sent to both APIs at once with one Idempotency-Key make one order each, every
//   email of them is sent once;
// - a standing order's slot, its job sent several times so that both workers may run it at once
//   (and the minute schedule beside), places one order and sends one email.
// Server only: on PGlite one process owns the data folder.
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { openPostgres } from '../../src/db/client.ts';
import { generatePriceList } from '../../src/modules/catalog/demo/generate.ts';
import { createRuntime, type Runtime } from '../../src/runtime.ts';
import { authHeader } from '../factories/accounts.ts';
import { createShop } from '../factories/catalog.ts';
import { createUser } from '../factories.ts';
import { onPostgresServer } from '../helpers/database.ts';
import { type SmtpCapture, startSmtpCapture } from '../helpers/smtp.ts';
import { createTarget, freePort, killAll, type Proc, start, type Target, waitReady } from './processes.ts';

const server = onPostgresServer();
const cleanup: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  killAll();
  for (const step of cleanup.reverse()) await step().catch(() => {});
});

const STAFF = 'staff@scale-out.test';
const BUYERS = 6;

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 90_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** An access token of a live session of the account. */
async function tokenOf(runtime: Runtime, user: { id: number; role: 'buyer' | 'supplier' | 'staff' }) {
  return (await authHeader({ runtime }, user)).authorization;
}

async function call(base: string, method: string, path: string, token: string, body?: unknown) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: {
      authorization: token,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return {
    status: res.status,
    headers: res.headers,
    body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
  };
}

describe.skipIf(!server)('two API processes and two workers on one PostgreSQL', () => {
  it('an import, checkouts through both APIs and a standing order each happen once', async () => {
    const target: Target = await createTarget({ migrated: true });
    cleanup.push(() => target.remove());
    const smtp: SmtpCapture = await startSmtpCapture();
    cleanup.push(() => smtp.close());
    const env = (extra: Record<string, string> = {}) =>
      target.env({
        SMTP_URL: smtp.url,
        STAFF_EMAIL: STAFF,
        RATE_LIMIT: 'false',
        DATABASE_POOL_SIZE: '4',
        ...extra,
      });
    // The test's own hand on the database: accounts and rows a person would have made before.
    const runtime = await createRuntime(loadConfig(env() as Record<string, string>), {
      database: openPostgres(target.databaseUrl!, 4),
      workers: false,
      migrate: false,
    });
    cleanup.push(() => runtime.close());

    const ports = [await freePort(), await freePort()];
    const apis = ports.map((port) => `http://127.0.0.1:${port}`);
    const procs: Proc[] = [
      ...ports.map((port) => start('src/server.ts', env({ PORT: String(port), RUN_WORKERS: 'false' }))),
      start('src/worker.ts', env()),
      start('src/worker.ts', env()),
    ];
    cleanup.push(() => Promise.all(procs.map((proc) => proc.stop())));
    const [api1, api2, worker1, worker2] = procs;
    await Promise.all([
      waitReady(apis[0], api1.child),
      waitReady(apis[1], api2.child),
      worker1.waitForLog('worker started'),
      worker2.waitForLog('worker started'),
    ]);

    // 1. An import uploaded to the second API: applied once, by one of the workers.
    const supplier = await createUser(runtime, { role: 'supplier' });
    const shop = await createShop(runtime, { ownerId: supplier.id });
    const form = new FormData();
    form.append(
      'file',
      new Blob([generatePriceList({ shop: 0, shopName: shop.name, goods: 300 })]),
      'price.yaml',
    );
    const uploaded = await fetch(`${apis[1]}/api/v2/supplier/imports`, {
      method: 'POST',
      headers: { authorization: await tokenOf(runtime, supplier) },
      body: form,
    });
    expect(uploaded.status).toBe(202);
    const importId = ((await uploaded.json()) as { id: number }).id;
    const imported = await until('the import', async () => {
      const [row] = await target.query<{ status: string }>('select status from imports where id = $1', [
        importId,
      ]);
      return row.status === 'succeeded' || row.status === 'failed' ? row.status : undefined;
    });
    expect(imported).toBe('succeeded');
    const applied = [worker1, worker2].map((worker) => worker.logs('price list imported').length);
    expect(applied.reduce((a, b) => a + b, 0)).toBe(1);
    const importJobs = await target.query<{ state: string; retry_count: number }>(
      "select state, retry_count from pgboss.job where name = 'catalog_import'",
    );
    expect(importJobs).toEqual([{ state: 'completed', retry_count: 0 }]);

    // Goods with stock enough for everyone below.
    const goods = await target.query<{ id: number; product_id: number }>(
      'select id, product_id from offers where shop_id = $1 and is_active and quantity >= 10 order by id limit 2',
      [shop.id],
    );
    expect(goods).toHaveLength(2);

    // 2. Checkouts: each buyer's basket filled through one API, the checkout sent to both at once
    //    with one Idempotency-Key. One order each; the second answer is the same order.
    const buyers = await Promise.all(
      Array.from({ length: BUYERS }, async (_, i) => {
        const user = await createUser(runtime, { role: 'buyer' });
        const token = await tokenOf(runtime, user);
        const contact = await call(apis[i % 2], 'POST', '/api/v2/me/contacts', token, {
          city: 'Москва',
          street: 'Тверская',
          house: String(i + 1),
          phone: '+79161234567',
          recipient_name: 'Иван Петров',
        });
        expect(contact.status).toBe(201);
        return { user, token, contactId: contact.body.id as number };
      }),
    );
    await Promise.all(
      buyers.map(async (buyer, i) => {
        const added = await call(apis[i % 2], 'POST', '/api/v2/basket/items', buyer.token, {
          offer_id: goods[0].id,
          quantity: 1,
        });
        expect(added.status).toBe(201);
        const key = randomUUID();
        const answers = await Promise.all(
          apis.map((api) =>
            fetch(`${api}/api/v2/orders`, {
              method: 'POST',
              headers: {
                authorization: buyer.token,
                'content-type': 'application/json',
                'idempotency-key': key,
              },
              body: JSON.stringify({ contact_id: buyer.contactId }),
            }),
          ),
        );
        expect(answers.map((res) => res.status)).toEqual([201, 201]);
        const ids = await Promise.all(answers.map(async (res) => ((await res.json()) as { id: number }).id));
        expect(ids[0]).toBe(ids[1]);
        expect(answers.filter((res) => res.headers.get('idempotent-replayed') === 'true')).toHaveLength(1);
      }),
    );
    const [placed] = await target.query<{ n: number }>('select count(*)::integer as n from orders');
    expect(placed.n).toBe(BUYERS);

    // 3. A standing order due now, its job sent four times at once (so both workers may run it at
    //    the same moment) beside the minute schedule: its slot runs once.
    const regular = buyers[0];
    const list = await call(apis[0], 'POST', '/api/v2/shopping-lists', regular.token, {
      name: 'Каждый день',
      lines: [{ product_id: goods[1].product_id, quantity: 2 }],
    });
    expect(list.status, JSON.stringify(list.body)).toBe(201);
    const standing = await call(apis[1], 'POST', '/api/v2/standing-orders', regular.token, {
      list_id: list.body.id,
      contact_id: regular.contactId,
      mode: 'place',
      weekdays: [1, 2, 3, 4, 5, 6, 7],
      time: '00:00',
      time_zone: 'UTC',
    });
    expect(standing.status, JSON.stringify(standing.body)).toBe(201);
    const standingId = standing.body.id as number;
    // Due a moment ago (the test's hand: a slot's time, not waiting for midnight).
    await target.query(
      "update standing_orders set next_slot_at = now() - interval '30 seconds' where id = $1",
      [standingId],
    );
    await Promise.all(Array.from({ length: 4 }, () => runtime.boss.send('purchasing_standing_orders', {})));
    const run = await until('the standing order run', async () => {
      const rows = await target.query<{ status: string; order_id: number | null }>(
        'select status, order_id from standing_order_runs where standing_order_id = $1',
        [standingId],
      );
      return rows.length ? rows : undefined;
    });
    // Every sent job done (two workers took them as they polled), and still one run.
    await until('the standing jobs', async () => {
      const [left] = await target.query<{ n: number }>(
        "select count(*)::integer as n from pgboss.job where name = 'purchasing_standing_orders' and state in ('created', 'retry', 'active')",
      );
      return left.n === 0 ? true : undefined;
    });
    // Each of the four (and any the schedule sent) completed: a second runner skipped, not failed.
    const [jobs] = await target.query<{ completed: number; failed: number }>(
      `select count(*) filter (where state = 'completed')::integer as completed,
              count(*) filter (where state = 'failed')::integer as failed
         from pgboss.job where name = 'purchasing_standing_orders'`,
    );
    expect(jobs.completed).toBeGreaterThanOrEqual(4);
    expect(jobs.failed).toBe(0);
    const runs = await target.query<{ status: string; order_id: number | null }>(
      'select status, order_id from standing_order_runs where standing_order_id = $1',
      [standingId],
    );
    expect(runs).toEqual(run);
    expect(runs).toHaveLength(1);
    expect(runs[0].status).toBe('placed');
    const [after] = await target.query<{ n: number }>('select count(*)::integer as n from orders');
    expect(after.n).toBe(BUYERS + 1);

    // Every email of all this arrives once: nothing left to send, no recipient gets a subject twice.
    await until('every email sent', async () => {
      const [left] = await target.query<{ n: number }>(
        "select count(*)::integer as n from pgboss.job where name in ('send_email', 'order_placed_emails') and state in ('created', 'retry', 'active')",
      );
      return left.n === 0 && smtp.to(regular.user.email).length >= 2 ? true : undefined;
    });
    // Late duplicates would arrive within a poll or two.
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const keys = smtp.messages.map((mail) => `${mail.recipients.join(',')} ${mail.subject}`);
    expect(new Set(keys).size).toBe(keys.length);
    for (const buyer of buyers.slice(1)) expect(smtp.to(buyer.user.email)).toHaveLength(1);
    // The regular buyer: the order by hand, the standing order's order, and the run's own email.
    const regularMail = smtp.to(regular.user.email).map((mail) => mail.subject ?? '');
    expect(regularMail.filter((subject) => subject.startsWith('Регулярный заказ'))).toHaveLength(1);
    expect(regularMail).toHaveLength(3);
    expect(smtp.to(STAFF)).toHaveLength(BUYERS + 1);
  }, 240_000);
});
