// Fault tests with real processes on the PostgreSQL server: `node src/server.ts` (and
// `src/worker.ts`) killed with SIGKILL at the worst moments, restarted, and checked: nothing lost,
// nothing duplicated, nothing stuck.
//
// - mid-import (server, and a separate worker): the catalog stays whole (no offer of the killed
//   import), the import is not `running` a minute after the restart, and the shop imports again;
// - right after a checkout: the order and its stock stay, its emails are sent once each;
// - during an email send with the mail server down, then mid-send: the checkout succeeded, and
//   every email is delivered exactly once when the mail server is back.
// Server only: on PGlite a process owns the data folder and its recovery (orphans failed at start)
// is covered by the in-process tests.
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { openPostgres } from '../../src/db/client.ts';
import { createContact } from '../../src/modules/accounts/contacts.service.ts';
import { generatePriceList } from '../../src/modules/catalog/demo/generate.ts';
import { createRuntime, type Runtime } from '../../src/runtime.ts';
import { authHeader } from '../factories/accounts.ts';
import { createOffer, createShop } from '../factories/catalog.ts';
import { createUser } from '../factories.ts';
import { onPostgresServer } from '../helpers/database.ts';
import {
  createTarget,
  freePort,
  killAll,
  type Proc,
  start,
  type Target,
  waitReady,
} from '../smoke/processes.ts';

const server = onPostgresServer();
const targets: Target[] = [];
const runtimes: Runtime[] = [];
const smtps: { close(): Promise<void> }[] = [];

afterAll(async () => {
  killAll();
  for (const smtp of smtps) await smtp.close().catch(() => {});
  for (const runtime of runtimes) await runtime.close().catch(() => {});
  for (const target of targets) await target.remove().catch(() => {});
});

const GOODS = 15_000;

interface World {
  target: Target;
  runtime: Runtime;
  port: number;
  url: string;
  smtpPort: number;
  env(extra?: Record<string, string>): NodeJS.ProcessEnv;
}

/** A fresh migrated database, a runtime in the test process to set up rows, ports for the children. */
async function world(): Promise<World> {
  const target = await createTarget({ migrated: true });
  targets.push(target);
  const port = await freePort();
  const smtpPort = await freePort();
  const env = (extra: Record<string, string> = {}) =>
    target.env({
      PORT: String(port),
      SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
      RATE_LIMIT: 'false',
      STAFF_EMAIL: 'staff@fault.test',
      ...extra,
    });
  const config = loadConfig(env() as Record<string, string>);
  const runtime = await createRuntime(config, {
    database: openPostgres(target.databaseUrl!, 4),
    workers: false,
    migrate: false,
  });
  runtimes.push(runtime);
  return { target, runtime, port, url: `http://127.0.0.1:${port}`, smtpPort, env };
}

async function startServer(w: World, extra: Record<string, string> = {}): Promise<Proc> {
  const proc = start('src/server.ts', w.env(extra));
  await waitReady(w.url, proc.child);
  return proc;
}

async function kill(proc: Proc): Promise<void> {
  proc.child.kill('SIGKILL');
  await proc.exited;
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 90_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function api(w: World, method: string, path: string, token: string, body?: unknown) {
  const res = await fetch(`${w.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function upload(w: World, token: string, content: string): Promise<number> {
  const form = new FormData();
  form.append('file', new Blob([content]), 'price.yaml');
  const res = await fetch(`${w.url}/api/v2/supplier/imports`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
    body: form,
  });
  expect(res.status).toBe(202);
  return ((await res.json()) as { id: number }).id;
}

async function importRow(w: World, id: number) {
  const [row] = await w.target.query<{
    status: string;
    phase: string | null;
    progress: number;
    error_code: string | null;
  }>('select status, phase, progress, error_code from imports where id = $1', [id]);
  return row;
}

async function offerCount(w: World, shopId: number): Promise<number> {
  const [row] = await w.target.query<{ n: number }>(
    'select count(*)::integer as n from offers where shop_id = $1 and is_active',
    [shopId],
  );
  return row.n;
}

/** An SMTP server on a fixed port: `capture` keeps messages, `hold` takes them and never answers. */
async function smtpOn(port: number, mode: 'capture' | 'hold') {
  const received: { recipients: string[]; subject: string }[] = [];
  let arrived!: () => void;
  const inHand = new Promise<void>((resolve) => {
    arrived = resolve;
  });
  const smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      let text = '';
      stream.on('data', (chunk: Buffer) => {
        text += chunk.toString('utf8');
      });
      stream.on('end', () => {
        arrived();
        if (mode === 'hold') return; // never answered: the sender is killed while it waits
        const subject = /^Subject: (.*)$/m.exec(text)?.[1] ?? '';
        received.push({ recipients: session.envelope.rcptTo.map((rcpt) => rcpt.address), subject });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(port, '127.0.0.1', resolve));
  expect((smtp.server.address() as AddressInfo).port).toBe(port);
  const handle = {
    received,
    inHand,
    close: () =>
      new Promise<void>((resolve) => {
        smtp.close(() => resolve());
        // Held connections would keep close() waiting.
        for (const socket of (smtp as unknown as { connections?: Set<{ close(): void }> }).connections ??
          []) {
          socket.close();
        }
      }),
  };
  smtps.push(handle);
  return handle;
}

async function killMidImport(separateWorker: boolean): Promise<void> {
  const w = await world();
  const owner = await createUser(w.runtime, { role: 'supplier' });
  const shop = await createShop(w.runtime, { ownerId: owner.id });
  const token = await bearerToken(w.runtime, owner);
  const file = generatePriceList({ shop: 0, shopName: shop.name, goods: GOODS });

  let api1 = await startServer(w, separateWorker ? { RUN_WORKERS: 'false' } : {});
  let worker = separateWorker ? start('src/worker.ts', w.env()) : undefined;
  if (worker) await worker.waitForLog('worker started');
  const id = await upload(w, token, file);
  // Killed while its transaction writes the goods.
  await until('the import to apply', async () => {
    const row = await importRow(w, id);
    return row.status === 'running' && row.phase === 'apply' && row.progress >= 60 ? row : undefined;
  });
  await kill(worker ?? api1);
  expect((await importRow(w, id)).status).toBe('running');
  // Nothing of the killed transaction is visible: the catalog is as before it (empty).
  expect(await offerCount(w, shop.id)).toBe(0);

  const restarted = Date.now();
  if (worker) {
    worker = start('src/worker.ts', w.env());
    await worker.waitForLog('worker started');
  } else {
    api1 = await startServer(w);
  }
  const settled = await until('the killed import to end', async () => {
    const row = await importRow(w, id);
    return row.status !== 'running' && row.status !== 'queued' ? row : undefined;
  });
  const seconds = (Date.now() - restarted) / 1000;
  console.log(
    `${separateWorker ? 'worker' : 'server'} killed mid-import: import ${settled.status}` +
      `${settled.error_code ? ` (${settled.error_code})` : ''} ${seconds.toFixed(1)} s after the restart`,
  );
  expect(seconds).toBeLessThan(60);
  // Whole: none of the file (failed), or all of it (its job's retry ran it again).
  expect([0, GOODS]).toContain(await offerCount(w, shop.id));

  // The shop can import again, and the catalog then holds the whole file.
  const again = await upload(w, token, file);
  const done = await until('the new import', async () => {
    const row = await importRow(w, again);
    return row.status === 'succeeded' || row.status === 'failed' ? row : undefined;
  });
  expect(done.status).toBe('succeeded');
  expect(await offerCount(w, shop.id)).toBe(GOODS);
  const [stuck] = await w.target.query<{ n: number }>(
    "select count(*)::integer as n from imports where status in ('running', 'queued')",
  );
  expect(stuck.n).toBe(0);
  await (worker ?? api1).stop();
  if (worker) await api1.stop();
}

interface Shopper {
  token: string;
  email: string;
  contactId: number;
  offerId: number;
  supplierEmail: string;
}

async function shopper(w: World): Promise<Shopper> {
  const supplier = await createUser(w.runtime, { role: 'supplier' });
  const shop = await createShop(w.runtime, { ownerId: supplier.id });
  const offer = await createOffer(w.runtime, { shopId: shop.id, price: '250.00', quantity: 10 });
  const buyer = await createUser(w.runtime, { role: 'buyer' });
  const contact = await createContact(w.runtime, buyer.id, {
    city: 'Москва',
    street: 'Тверская',
    house: '7',
    phone: '+79161234567',
    recipientName: 'Иван Петров',
  });
  return {
    token: await bearerToken(w.runtime, buyer),
    email: buyer.email,
    contactId: contact.id,
    offerId: offer.id,
    supplierEmail: supplier.email,
  };
}

async function checkout(w: World, s: Shopper, quantity: number): Promise<number> {
  const added = await api(w, 'POST', '/api/v2/basket/items', s.token, { offer_id: s.offerId, quantity });
  expect(added.status).toBe(201);
  const order = await api(w, 'POST', '/api/v2/orders', s.token, { contact_id: s.contactId });
  expect(order.status, JSON.stringify(order.body)).toBe(201);
  return order.body.id as number;
}

async function stockAndOrders(w: World, s: Shopper) {
  const [offer] = await w.target.query<{ quantity: number }>('select quantity from offers where id = $1', [
    s.offerId,
  ]);
  const [orders] = await w.target.query<{ n: number }>('select count(*)::integer as n from orders');
  return { stock: offer.quantity, orders: orders.n };
}

/** Every email queued is delivered once: no recipient gets the same subject twice. */
function expectOnceEach(received: { recipients: string[]; subject: string }[]): void {
  const keys = received.map((mail) => `${mail.recipients.join(',')} ${mail.subject}`);
  expect(new Set(keys).size).toBe(keys.length);
}

describe.skipIf(!server)('fault tests: kill -9, restart, check (PostgreSQL server)', () => {
  it('the server killed mid-import: catalog whole, import not running within a minute, shop imports again', async () => {
    await killMidImport(false);
  }, 240_000);

  it('a separate worker killed mid-import: the same, with the next worker', async () => {
    await killMidImport(true);
  }, 240_000);

  it('the server killed right after a checkout: order and stock kept, its emails sent once each', async () => {
    const w = await world();
    const smtp = await smtpOn(w.smtpPort, 'capture');
    const s = await shopper(w);
    const api1 = await startServer(w);
    await checkout(w, s, 3);
    await kill(api1);
    expect(await stockAndOrders(w, s)).toEqual({ stock: 7, orders: 1 });

    const api2 = await startServer(w);
    await until('the order emails', async () =>
      smtp.received.some((m) => m.recipients.includes(s.email)) &&
      smtp.received.some((m) => m.recipients.includes('staff@fault.test'))
        ? true
        : undefined,
    );
    // Late duplicates would arrive within the retry window; give them a moment to show.
    await new Promise((resolve) => setTimeout(resolve, 2000));
    expectOnceEach(smtp.received);
    expect(await stockAndOrders(w, s)).toEqual({ stock: 7, orders: 1 });
    await api2.stop();
  }, 240_000);

  it('mail server down, then the server killed mid-send: checkout succeeds, each email delivered once when mail is back', async () => {
    const w = await world();
    const s = await shopper(w);
    // 1. No mail server at all: the checkout succeeds, its emails fail and wait for a retry.
    const api1 = await startServer(w);
    await checkout(w, s, 2);
    await api1.waitForLog('job failed, will retry', 60_000);
    await kill(api1);

    // 2. A mail server that takes the message and never answers: killed with the send in hand.
    const holding = await smtpOn(w.smtpPort, 'hold');
    const api2 = await startServer(w);
    await holding.inHand;
    await kill(api2);
    await holding.close();

    // 3. The mail server is back: every email arrives, once.
    const smtp = await smtpOn(w.smtpPort, 'capture');
    const restarted = Date.now();
    const api3 = await startServer(w);
    await until(
      'the order emails',
      async () =>
        smtp.received.some((m) => m.recipients.includes(s.email)) &&
        smtp.received.some((m) => m.recipients.includes('staff@fault.test'))
          ? true
          : undefined,
      120_000,
    );
    console.log(
      `mail back: the order's emails delivered ${((Date.now() - restarted) / 1000).toFixed(1)} s after the restart`,
    );
    await until('no email job left to run', async () => {
      const [left] = await w.target.query<{ n: number }>(
        "select count(*)::integer as n from pgboss.job where name in ('send_email', 'order_placed_emails') and state in ('created', 'retry', 'active')",
      );
      return left.n === 0 ? true : undefined;
    });
    expectOnceEach(smtp.received);
    expect(await stockAndOrders(w, s)).toEqual({ stock: 8, orders: 1 });
    await api3.stop();
  }, 300_000);
});

/** An access token of a live session (the fault tests call the API as a signed-in account). */
async function bearerToken(runtime: Runtime, user: { id: number; role: 'buyer' | 'supplier' | 'staff' }) {
  return (await authHeader({ runtime } as Parameters<typeof authHeader>[0], user)).authorization.slice(
    'Bearer '.length,
  );
}
