// Standing orders: CRUD, pause and resume through HTTP; runs at their slots with the clock injected:
// placed once (also when two worker processes race, on the PostgreSQL server, and when a run dies
// before its commit), prepared with an email, missed beyond the grace period, each kept in the runs.
import { and, count, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authHeader } from '../../../test/factories/accounts.ts';
import { createOffer } from '../../../test/factories/catalog.ts';
import { addToBasket, type Buyer, createBuyer, createSupplier } from '../../../test/factories/orders.ts';
import { buildTestApp, type TestApp } from '../../../test/helpers/app.ts';
import { onPostgresServer, serverDatabaseUrl } from '../../../test/helpers/database.ts';
import { openPostgres } from '../../db/client.ts';
import type { Offer } from '../../db/schema/catalog.ts';
import { orders } from '../../db/schema/orders.ts';
import { standingOrderRuns } from '../../db/schema/purchasing.ts';
import { createRuntime, type Runtime } from '../../runtime.ts';
import { nextSlotAfter } from './schedule.ts';
import { runDueStandingOrders, runStandingOrder } from './standing-runs.ts';

let t: TestApp;
let milk: Offer;
let bread: Offer;

beforeAll(async () => {
  t = await buildTestApp({ env: { STANDING_ORDER_GRACE_MINUTES: '60' } });
  const shop = await createSupplier(t, { shop: { name: 'Пекарня' } });
  milk = await createOffer(t.runtime, {
    shopId: shop.shop.id,
    name: 'Молоко',
    price: '90.00',
    quantity: 1000,
  });
  bread = await createOffer(t.runtime, {
    shopId: shop.shop.id,
    name: 'Батон',
    price: '50.00',
    quantity: 1000,
  });
});
afterAll(() => t?.close());

/** Moves the injected clock to `at`; tokens signed before are re-signed (they are checked against it). */
async function setNow(at: Date, buyer?: Buyer) {
  t.clock.offsetMs = at.getTime() - Date.now();
  if (buyer) buyer.headers = await authHeader(t, buyer.user);
}

async function listFor(buyer: Buyer): Promise<number> {
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/v2/shopping-lists',
    headers: buyer.headers,
    payload: {
      name: 'Каждый день',
      lines: [
        { product_id: milk.productId, quantity: 2 },
        { product_id: bread.productId, quantity: 1 },
      ],
    },
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id;
}

async function standingOrder(buyer: Buyer, body: Record<string, unknown>) {
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/v2/standing-orders',
    headers: buyer.headers,
    payload: { contact_id: buyer.contact.id, time: '07:30', weekdays: [1, 2, 3, 4, 5, 6, 7], ...body },
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}

async function ordersOf(userId: number): Promise<number> {
  const [row] = await t.runtime.db.select({ n: count() }).from(orders).where(eq(orders.userId, userId));
  return row.n;
}

async function runsOf(id: number) {
  return t.runtime.db.select().from(standingOrderRuns).where(eq(standingOrderRuns.standingOrderId, id));
}

describe('schedule', () => {
  it('weekdays at a local time, and every N days from a date', () => {
    const weekly = {
      weekdays: [1, 4],
      everyDays: null,
      startsOn: '2026-12-01',
      localTime: '07:30',
      timeZone: 'Europe/Moscow',
    };
    // Thursday 3 December 2026 06:00 Moscow → the same day 07:30 Moscow (04:30 UTC).
    expect(nextSlotAfter(weekly, new Date('2026-12-03T03:00:00Z')).toISOString()).toBe(
      '2026-12-03T04:30:00.000Z',
    );
    // Just after it → Monday 7 December.
    expect(nextSlotAfter(weekly, new Date('2026-12-03T04:30:00Z')).toISOString()).toBe(
      '2026-12-07T04:30:00.000Z',
    );
    const every3 = {
      weekdays: null,
      everyDays: 3,
      startsOn: '2026-12-01',
      localTime: '07:30',
      timeZone: 'Europe/Moscow',
    };
    expect(nextSlotAfter(every3, new Date('2026-11-20T00:00:00Z')).toISOString()).toBe(
      '2026-12-01T04:30:00.000Z',
    );
    expect(nextSlotAfter(every3, new Date('2026-12-02T00:00:00Z')).toISOString()).toBe(
      '2026-12-04T04:30:00.000Z',
    );
    expect(nextSlotAfter(every3, new Date('2026-12-04T04:30:00Z')).toISOString()).toBe(
      '2026-12-07T04:30:00.000Z',
    );
  });
});

describe('standing orders API', () => {
  it('creates, validates, pauses, resumes, lists and deletes; owner only', async () => {
    await setNow(new Date('2026-12-10T03:00:00Z'));
    const buyer = await createBuyer(t);
    const listId = await listFor(buyer);
    const created = await standingOrder(buyer, { list_id: listId, mode: 'place', weekdays: [4] });
    // Thursday 10 December, 07:30 Moscow.
    expect(created).toMatchObject({
      mode: 'place',
      weekdays: [4],
      time: '07:30',
      time_zone: 'Europe/Moscow',
      paused: false,
    });
    expect(created.next_slot_at).toBe('2026-12-10T04:30:00.000Z');

    for (const bad of [
      { list_id: listId, mode: 'place' as const, weekdays: undefined },
      { list_id: listId, mode: 'place' as const, weekdays: [1], every_days: 2 },
      { list_id: listId, mode: 'place' as const, time_zone: 'Mars/Olympus' },
    ]) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/v2/standing-orders',
        headers: buyer.headers,
        payload: { contact_id: buyer.contact.id, time: '07:30', ...bad },
      });
      expect(res.statusCode, JSON.stringify(bad)).toBe(400);
    }

    const paused = await t.app.inject({
      method: 'POST',
      url: `/api/v2/standing-orders/${created.id}/pause`,
      headers: buyer.headers,
    });
    expect(paused.json()).toMatchObject({ paused: true, next_slot_at: null });
    await setNow(new Date('2026-12-12T03:00:00Z'), buyer);
    expect(await runDueStandingOrders(t.runtime)).toEqual([]);
    const resumed = await t.app.inject({
      method: 'POST',
      url: `/api/v2/standing-orders/${created.id}/resume`,
      headers: buyer.headers,
    });
    // Slots while paused are not run: the next Thursday after now.
    expect(resumed.json()).toMatchObject({ paused: false, next_slot_at: '2026-12-17T04:30:00.000Z' });

    const changed = await t.app.inject({
      method: 'PATCH',
      url: `/api/v2/standing-orders/${created.id}`,
      headers: buyer.headers,
      payload: { every_days: 2, starts_on: '2026-12-12', time: '09:00' },
    });
    expect(changed.json()).toMatchObject({
      weekdays: null,
      every_days: 2,
      next_slot_at: '2026-12-12T06:00:00.000Z',
    });

    const stranger = await createBuyer(t);
    expect(
      (
        await t.app.inject({
          method: 'GET',
          url: `/api/v2/standing-orders/${created.id}`,
          headers: stranger.headers,
        })
      ).statusCode,
    ).toBe(404);
    expect(
      (
        await t.app.inject({
          method: 'GET',
          url: `/api/v2/standing-orders/${created.id}/runs`,
          headers: stranger.headers,
        })
      ).statusCode,
    ).toBe(404);
    // The list is in use.
    expect(
      (
        await t.app.inject({
          method: 'DELETE',
          url: `/api/v2/shopping-lists/${listId}`,
          headers: buyer.headers,
        })
      ).statusCode,
    ).toBe(409);
    const index = await t.app.inject({
      method: 'GET',
      url: '/api/v2/standing-orders',
      headers: buyer.headers,
    });
    expect(index.json().items.map((item: { id: number }) => item.id)).toEqual([created.id]);
    expect(
      (
        await t.app.inject({
          method: 'DELETE',
          url: `/api/v2/standing-orders/${created.id}`,
          headers: buyer.headers,
        })
      ).statusCode,
    ).toBe(204);
    expect(
      (
        await t.app.inject({
          method: 'DELETE',
          url: `/api/v2/shopping-lists/${listId}`,
          headers: buyer.headers,
        })
      ).statusCode,
    ).toBe(204);
  });
});

describe('standing order runs', () => {
  it('places the order once at its slot, gives back the other basket lines, and emails the buyer', async () => {
    await setNow(new Date('2026-12-20T03:00:00Z'));
    const buyer = await createBuyer(t, { firstName: 'Ольга' });
    const listId = await listFor(buyer);
    const so = await standingOrder(buyer, { list_id: listId, mode: 'place' });
    await addToBasket(t, buyer, bread.id, 7);
    // Before the slot: nothing.
    await setNow(new Date(new Date(so.next_slot_at).getTime() - 60_000), buyer);
    expect((await runDueStandingOrders(t.runtime)).filter((run) => run.standingOrderId === so.id)).toEqual(
      [],
    );
    // At the slot, twice: one order.
    await setNow(new Date(so.next_slot_at), buyer);
    const first = await runDueStandingOrders(t.runtime);
    await runDueStandingOrders(t.runtime);
    expect(first.filter((run) => run.standingOrderId === so.id)).toEqual([
      expect.objectContaining({ status: 'placed' }),
    ]);
    expect(await ordersOf(buyer.user.id)).toBe(1);

    const runs = await t.app.inject({
      method: 'GET',
      url: `/api/v2/standing-orders/${so.id}/runs`,
      headers: buyer.headers,
    });
    expect(runs.json().items).toEqual([
      expect.objectContaining({
        slot: so.next_slot_at,
        status: 'placed',
        skipped: [],
        errors: [],
        order_number: expect.stringMatching(/^Z-/),
      }),
    ]);
    const order = await t.app.inject({
      method: 'GET',
      url: `/api/v2/orders/${runs.json().items[0].order_id}`,
      headers: buyer.headers,
    });
    expect(
      order
        .json()
        .parts[0].lines.map((line: { name: string; quantity: number }) => [line.name, line.quantity])
        .sort(),
    ).toEqual([
      ['Батон', 1],
      ['Молоко', 2],
    ]);
    // The buyer's own basket line is back.
    const basket = await t.app.inject({ method: 'GET', url: '/api/v2/basket', headers: buyer.headers });
    expect(
      basket
        .json()
        .groups.flatMap((g: { lines: { name: string; quantity: number }[] }) =>
          g.lines.map((l) => [l.name, l.quantity]),
        ),
    ).toEqual([['Батон', 7]]);
    const mail = await t.mail.waitFor(
      (m) =>
        m.recipients.includes(buyer.user.email) && (m.subject ?? '').includes(`Регулярный заказ ${so.id}`),
    );
    expect(mail.subject).toContain('оформлен заказ');
  });

  it('prepares the basket and emails a link; reports lines it could not add', async () => {
    await setNow(new Date('2026-12-21T03:00:00Z'));
    const buyer = await createBuyer(t, { preferredLanguage: 'en' });
    const listId = await listFor(buyer);
    await t.app.inject({
      method: 'POST',
      url: `/api/v2/shopping-lists/${listId}/lines`,
      headers: buyer.headers,
      payload: { product_id: milk.productId, quantity: 5000 },
    });
    const so = await standingOrder(buyer, { list_id: listId, mode: 'prepare' });
    await setNow(new Date(so.next_slot_at), buyer);
    const [run] = (await runDueStandingOrders(t.runtime)).filter((r) => r.standingOrderId === so.id);
    expect(run.status).toBe('prepared');
    expect(await ordersOf(buyer.user.id)).toBe(0);
    const [row] = await runsOf(so.id);
    expect(row).toMatchObject({
      status: 'prepared',
      skipped: [expect.objectContaining({ productName: 'Молоко', reason: 'partial_stock' })],
    });
    expect(row.basketId).not.toBeNull();
    const basket = await t.app.inject({ method: 'GET', url: '/api/v2/basket', headers: buyer.headers });
    expect(basket.json().items_count).toBe(2);
    const mail = await t.mail.waitFor(
      (m) => m.recipients.includes(buyer.user.email) && (m.subject ?? '').includes(`Standing order ${so.id}`),
    );
    expect(mail.text).toContain('http://zakupka.test/basket');
  });

  it('a run that dies before its commit leaves nothing; the slot then runs once', async () => {
    await setNow(new Date('2026-12-22T03:00:00Z'));
    const buyer = await createBuyer(t);
    const so = await standingOrder(buyer, { list_id: await listFor(buyer), mode: 'place' });
    await setNow(new Date(so.next_slot_at), buyer);
    await expect(
      runStandingOrder(t.runtime, so.id, {
        beforeCommit: () => {
          throw new Error('worker killed');
        },
      }),
    ).rejects.toThrow('worker killed');
    expect(await ordersOf(buyer.user.id)).toBe(0);
    expect(await runsOf(so.id)).toEqual([]);
    const again = await runStandingOrder(t.runtime, so.id);
    expect(again).toEqual([expect.objectContaining({ status: 'placed' })]);
    expect(await runStandingOrder(t.runtime, so.id)).toEqual([]);
    expect(await ordersOf(buyer.user.id)).toBe(1);
  });

  it('a slot missed within the grace period runs once; beyond it, recorded as missed', async () => {
    await setNow(new Date('2026-12-23T03:00:00Z'));
    const buyer = await createBuyer(t);
    const listId = await listFor(buyer);
    const so = await standingOrder(buyer, { list_id: listId, mode: 'place' });
    // Back 59 minutes after the slot (grace: 60): runs.
    await setNow(new Date(new Date(so.next_slot_at).getTime() + 59 * 60_000), buyer);
    expect((await runDueStandingOrders(t.runtime)).filter((r) => r.standingOrderId === so.id)).toEqual([
      expect.objectContaining({ status: 'placed' }),
    ]);
    // Down for two days and back 2 hours after the next slot: both slots missed, nothing placed.
    const next = nextSlotAfter(
      {
        weekdays: [1, 2, 3, 4, 5, 6, 7],
        everyDays: null,
        startsOn: '2026-12-23',
        localTime: '07:30',
        timeZone: 'Europe/Moscow',
      },
      new Date(so.next_slot_at),
    );
    await setNow(new Date(next.getTime() + 24 * 3600_000 + 2 * 3600_000), buyer);
    const outcomes = (await runDueStandingOrders(t.runtime)).filter((r) => r.standingOrderId === so.id);
    expect(outcomes.map((r) => r.status)).toEqual(['missed', 'missed']);
    expect(await ordersOf(buyer.user.id)).toBe(1);
    const runs = await t.app.inject({
      method: 'GET',
      url: `/api/v2/standing-orders/${so.id}/runs`,
      headers: buyer.headers,
    });
    expect(runs.json().items.map((r: { status: string }) => r.status)).toEqual([
      'missed',
      'missed',
      'placed',
    ]);
  });

  it('records a failed run with the reason when nothing on the list can be ordered', async () => {
    await setNow(new Date('2026-12-26T03:00:00Z'));
    const buyer = await createBuyer(t);
    const shop = await createSupplier(t);
    const gone = await createOffer(t.runtime, {
      shopId: shop.shop.id,
      name: 'Редкость',
      price: '10.00',
      quantity: 0,
    });
    const list = await t.app.inject({
      method: 'POST',
      url: '/api/v2/shopping-lists',
      headers: buyer.headers,
      payload: { name: 'Редкое', lines: [{ product_id: gone.productId, quantity: 1 }] },
    });
    const so = await standingOrder(buyer, { list_id: list.json().id, mode: 'place' });
    await setNow(new Date(so.next_slot_at), buyer);
    await runDueStandingOrders(t.runtime);
    const [row] = await runsOf(so.id);
    expect(row).toMatchObject({
      status: 'failed',
      errors: [expect.objectContaining({ code: 'nothing_to_order' })],
      skipped: [expect.objectContaining({ productName: 'Редкость', reason: 'not_offered' })],
    });
  });
});

describe.skipIf(!onPostgresServer())('two worker processes (PostgreSQL server)', () => {
  it('place one order per slot while two workers race through pg-boss and direct passes', async () => {
    await setNow(new Date('2026-12-27T03:00:00Z'));
    const current = (await t.runtime.db.execute(sql`select current_database() as name`)) as unknown as {
      rows: { name: string }[];
    };
    const database = openPostgres(serverDatabaseUrl(current.rows[0].name), 10);
    const second: Runtime = await createRuntime(t.config, {
      database,
      clock: t.clock,
      migrate: false,
      workers: true,
      pollingIntervalSeconds: 0.5,
      log: t.runtime.log,
    });
    try {
      const buyers: Buyer[] = [];
      const ids: number[] = [];
      for (let i = 0; i < 5; i += 1) {
        const buyer = await createBuyer(t);
        buyers.push(buyer);
        ids.push((await standingOrder(buyer, { list_id: await listFor(buyer), mode: 'place' })).id);
      }
      // Every one of them at 07:30 Moscow on 27 December.
      const slot = new Date('2026-12-27T04:30:00Z');
      await setNow(new Date(slot.getTime() + 30_000));
      // Both workers get the schedule's job several times, and both also run passes directly.
      for (let i = 0; i < 3; i += 1) {
        await t.runtime.boss.send('purchasing_standing_orders', {});
        await second.boss.send('purchasing_standing_orders', {});
      }
      await Promise.all([
        runDueStandingOrders(t.runtime),
        runDueStandingOrders(second),
        runDueStandingOrders(t.runtime),
        runDueStandingOrders(second),
      ]);
      // Until both workers have worked every job (no timing assert: the counts below decide).
      for (let waited = 0; waited < 300; waited += 1) {
        const left = (await t.runtime.db.execute(
          sql`select count(*)::integer as n from pgboss.job where name = 'purchasing_standing_orders' and state in ('created', 'retry', 'active')`,
        )) as unknown as { rows: { n: number }[] };
        if (left.rows[0].n === 0) break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      for (const [index, buyer] of buyers.entries()) {
        expect(await ordersOf(buyer.user.id)).toBe(1);
        const runs = await t.runtime.db
          .select()
          .from(standingOrderRuns)
          .where(and(eq(standingOrderRuns.standingOrderId, ids[index]), eq(standingOrderRuns.slot, slot)));
        expect(runs).toHaveLength(1);
        expect(runs[0].status).toBe('placed');
      }
    } finally {
      await second.close();
      await database.close();
    }
  });
});
