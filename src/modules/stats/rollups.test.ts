// The rollups hold exactly what the order lines say: after a random series of orders (through the
// real checkout, with promotions and order coupons), supplier moves and cancellations, buyer
// cancellations and staff changes — folded at random moments — every figure of every grouping and
// filter equals a recomputation from the order lines written here independently of the SQL.
import { eq } from 'drizzle-orm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOffer } from '../../../test/factories/catalog.ts';
import {
  type Actor,
  type Buyer,
  createBuyer,
  createStaff,
  createSupplier,
  placeOrder,
  type Supplier,
} from '../../../test/factories/orders.ts';
import { createCouponRow, createPromotionRow } from '../../../test/factories/promotions.ts';
import { buildTestApp, type TestApp } from '../../../test/helpers/app.ts';
import type { Offer } from '../../db/schema/catalog.ts';
import { orderLines, orderParts, orders } from '../../db/schema/orders.ts';
import { statsLineCategories } from '../../db/schema/stats.ts';
import { fromMinor, toMinor } from '../../lib/money.ts';
import { distribute } from '../promotions/discount-engine.ts';
import { queryFigures } from './figures.ts';
import { foldStatsDeltas, rebuildStatsRollups } from './fold.service.ts';
import { piecesOf } from './periods.ts';
import { topGroupsByThreshold } from './ranking.ts';

let t: TestApp;
let staff: Actor;
const suppliers: Supplier[] = [];
const buyers: Buyer[] = [];
const goods: Offer[] = [];
let couponCodes: string[] = [];

const STATES = ['new', 'confirmed', 'assembled', 'sent', 'delivered'] as const;
const day = (offsetDays: number) =>
  new Date(Date.now() + 3 * 3_600_000 + offsetDays * 86_400_000).toISOString().slice(0, 10);

beforeAll(async () => {
  t = await buildTestApp({ workers: false });
  staff = await createStaff(t);
  for (const name of ['Альфа', 'Бета', 'Гамма']) suppliers.push(await createSupplier(t, { shop: { name } }));
  for (let i = 0; i < 3; i += 1) buyers.push(await createBuyer(t, { company: `Покупатель ${i}` }));
  const prices = ['19.99', '250.00', '7.35', '1234.56', '0.99', '88.10'];
  for (const [i, supplier] of suppliers.entries()) {
    for (let j = 0; j < 4; j += 1) {
      goods.push(
        await createOffer(t.runtime, {
          shopId: supplier.shop.id,
          price: prices[(i * 4 + j) % prices.length],
          quantity: 1_000_000,
          categoryName: ['Молоко', 'Хлеб', 'Крупы'][(i + j) % 3],
        }),
      );
    }
  }
  // A percent promotion on every good (rounded per line), and order coupons: fixed and percent.
  await createPromotionRow(t.runtime, { discountValue: '3.00' });
  const fixed = await createCouponRow(t.runtime, {
    discountKind: 'fixed',
    discountValue: '37.77',
    scope: 'order',
    perBuyerLimit: null,
    usageLimit: null,
    combinesWithPromotions: true,
  });
  const percent = await createCouponRow(t.runtime, {
    discountKind: 'percent',
    discountValue: '12.50',
    scope: 'order',
    perBuyerLimit: null,
    usageLimit: null,
    combinesWithPromotions: true,
  });
  couponCodes = [fixed.code, percent.code];
});
afterAll(() => t?.close());

type Command =
  | { kind: 'order'; buyer: number; lines: [number, number][]; coupon: number }
  | { kind: 'supplier'; order: number; shop: number; to: number }
  | { kind: 'buyer_cancel'; order: number }
  | { kind: 'staff'; order: number; to: number; part: number | null }
  | { kind: 'fold' };

const command: fc.Arbitrary<Command> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('order' as const),
      buyer: fc.nat(2),
      lines: fc.uniqueArray(fc.tuple(fc.nat(11), fc.integer({ min: 1, max: 5 })), {
        minLength: 1,
        maxLength: 6,
        selector: ([offer]) => offer,
      }),
      coupon: fc.nat(2),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('supplier' as const),
      order: fc.nat(),
      shop: fc.nat(2),
      to: fc.nat(5),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('buyer_cancel' as const), order: fc.nat() }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('staff' as const),
      order: fc.nat(),
      to: fc.nat(5),
      part: fc.option(fc.nat(2), { nil: null }),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'fold' as const }) },
);

async function allOrderIds(): Promise<number[]> {
  return (await t.runtime.db.select({ id: orders.id }).from(orders))
    .map((row) => row.id)
    .sort((a, b) => a - b);
}

async function run(cmd: Command): Promise<void> {
  const ids = await allOrderIds();
  const pick = (n: number) => ids[n % ids.length];
  switch (cmd.kind) {
    case 'order': {
      const body = cmd.coupon < 2 ? { coupon_code: couponCodes[cmd.coupon] } : {};
      await placeOrder(
        t,
        buyers[cmd.buyer],
        cmd.lines.map(([offer, quantity]) => ({ offerId: goods[offer].id, quantity })),
        body,
      );
      return;
    }
    case 'supplier': {
      if (!ids.length) return;
      const state = cmd.to === 5 ? 'canceled' : STATES[cmd.to];
      await t.app.inject({
        method: 'POST',
        url: `/api/v2/supplier/orders/${pick(cmd.order)}/status`,
        headers: suppliers[cmd.shop].headers,
        payload: state === 'canceled' ? { state, note: 'Нет в наличии' } : { state },
      });
      return;
    }
    case 'buyer_cancel': {
      if (!ids.length) return;
      const id = pick(cmd.order);
      const [owner] = await t.runtime.db.select({ userId: orders.userId }).from(orders).where(eqId(id));
      const buyer = buyers.find((b) => b.user.id === owner.userId)!;
      await t.app.inject({ method: 'POST', url: `/api/v2/orders/${id}/cancel`, headers: buyer.headers });
      return;
    }
    case 'staff': {
      if (!ids.length) return;
      const id = pick(cmd.order);
      const parts = await t.runtime.db.select({ id: orderParts.id }).from(orderParts).where(eqOrder(id));
      const state = cmd.to === 5 ? 'canceled' : STATES[cmd.to];
      const payload: Record<string, unknown> = { state, note: 'staff' };
      if (cmd.part !== null) payload.part_id = parts[cmd.part % parts.length].id;
      await t.app.inject({
        method: 'POST',
        url: `/api/v2/admin/orders/${id}/status`,
        headers: staff.headers,
        payload,
      });
      return;
    }
    case 'fold':
      await foldStatsDeltas(t.runtime);
  }
}

const eqId = (id: number) => eq(orders.id, id);
const eqOrder = (id: number) => eq(orderParts.orderId, id);

// ---- The oracle: figures from the lines, in TypeScript. ----

interface Acc {
  orders: Set<number>;
  lines: number;
  units: number;
  gross: bigint;
  lineDiscount: bigint;
  orderDiscount: bigint;
  cancelledOrders: Set<number>;
  cancelledAmount: bigint;
}

interface OracleLine {
  orderId: number;
  buyerId: number;
  shopId: number;
  categoryId: number;
  productId: number;
  state: string;
  quantity: number;
  gross: bigint;
  lineDiscount: bigint;
  orderDiscount: bigint;
}

async function oracleLines(): Promise<OracleLine[]> {
  const db = t.runtime.db;
  const lines = await db.select().from(orderLines);
  const parts = new Map((await db.select().from(orderParts)).map((p) => [p.id, p]));
  const buyerOf = new Map((await db.select().from(orders)).map((o) => [o.id, o.userId]));
  const categoryOf = new Map(
    (await db.select().from(statsLineCategories)).map((c) => [c.lineId, c.categoryId]),
  );
  const byPart = new Map<number, typeof lines>();
  for (const line of [...lines].sort((a, b) => a.id - b.id)) {
    byPart.set(line.partId, [...(byPart.get(line.partId) ?? []), line]);
  }
  const out: OracleLine[] = [];
  for (const [partId, partLines] of byPart) {
    const part = parts.get(partId)!;
    const shares = distribute(
      toMinor(part.orderDiscount),
      partLines.map((l) => toMinor(l.total)),
    );
    partLines.forEach((line, i) => {
      out.push({
        orderId: line.orderId,
        buyerId: buyerOf.get(line.orderId)!,
        shopId: line.shopId,
        categoryId: categoryOf.get(line.id)!,
        productId: line.productId,
        state: part.state,
        quantity: line.quantity,
        gross: toMinor(line.amount),
        lineDiscount: toMinor(line.discount),
        orderDiscount: shares[i],
      });
    });
  }
  return out;
}

function oracle(lines: OracleLine[], key: (l: OracleLine) => number, state?: string): Map<number, Acc> {
  const groups = new Map<number, Acc>();
  for (const line of lines) {
    const k = key(line);
    let acc = groups.get(k);
    if (!acc) {
      acc = {
        orders: new Set(),
        lines: 0,
        units: 0,
        gross: 0n,
        lineDiscount: 0n,
        orderDiscount: 0n,
        cancelledOrders: new Set(),
        cancelledAmount: 0n,
      };
      groups.set(k, acc);
    }
    const live =
      state === undefined ? line.state !== 'canceled' : state !== 'canceled' && line.state === state;
    const cancelled = line.state === 'canceled' && (state === undefined || state === 'canceled');
    if (live) {
      acc.orders.add(line.orderId);
      acc.lines += 1;
      acc.units += line.quantity;
      acc.gross += line.gross;
      acc.lineDiscount += line.lineDiscount;
      acc.orderDiscount += line.orderDiscount;
    }
    if (cancelled) {
      acc.cancelledOrders.add(line.orderId);
      acc.cancelledAmount += line.gross - line.lineDiscount - line.orderDiscount;
    }
  }
  return groups;
}

function expected(acc: Acc | undefined) {
  if (!acc) return undefined;
  return {
    orders: acc.orders.size,
    lines: acc.lines,
    units: acc.units,
    revenue_before_discounts: fromMinor(acc.gross),
    line_discounts: fromMinor(acc.lineDiscount),
    order_discounts: fromMinor(acc.orderDiscount),
    revenue: fromMinor(acc.gross - acc.lineDiscount - acc.orderDiscount),
    cancelled_orders: acc.cancelledOrders.size,
    cancelled_amount: fromMinor(acc.cancelledAmount),
  };
}

interface Answer {
  totals: Record<string, unknown>;
  groups: { id: number; totals: Record<string, unknown> }[];
}

function pickFigures(f: Record<string, unknown>) {
  const { discounts: _d, average_order: _a, ...rest } = f;
  return rest;
}

async function ask(actor: Actor, url: string, query: Record<string, string | number>): Promise<Answer> {
  const params = new URLSearchParams({ from: day(-1), to: day(1), limit: '1000', ...query } as Record<
    string,
    string
  >);
  const res = await t.app.inject({ method: 'GET', url: `${url}?${params}`, headers: actor.headers });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

async function compare(
  actor: Actor,
  url: string,
  query: Record<string, string | number>,
  lines: OracleLine[],
  groupKey: ((l: OracleLine) => number) | null,
): Promise<void> {
  const state = query.state as string | undefined;
  const answer = await ask(actor, url, query);
  const total = oracle(lines, () => 0, state).get(0);
  const zero = expected(oracle([], () => 0).get(0)) ?? {
    orders: 0,
    lines: 0,
    units: 0,
    revenue_before_discounts: '0.00',
    line_discounts: '0.00',
    order_discounts: '0.00',
    revenue: '0.00',
    cancelled_orders: 0,
    cancelled_amount: '0.00',
  };
  expect(pickFigures(answer.totals), `${url} ${JSON.stringify(query)}`).toEqual(expected(total) ?? zero);
  if (!groupKey) return;
  const groups = oracle(lines, groupKey, state);
  const want = [...groups]
    .map(([id, acc]) => [id, expected(acc)!] as const)
    .filter(([, f]) => f.lines > 0 || f.cancelled_orders > 0 || f.orders > 0)
    .sort(([a], [b]) => a - b);
  const got = answer.groups.map((g) => [g.id, pickFigures(g.totals)] as const).sort(([a], [b]) => a - b);
  expect(got, `${url} ${JSON.stringify(query)} groups`).toEqual(want);
}

async function checkAgainstOracle(): Promise<void> {
  const lines = await oracleLines();
  const groupings: [string, (l: OracleLine) => number][] = [
    ['shop', (l) => l.shopId],
    ['category', (l) => l.categoryId],
    ['product', (l) => l.productId],
    ['buyer', (l) => l.buyerId],
  ];
  const admin = '/api/v2/admin/stats/sales';
  for (const state of [undefined, 'new', 'confirmed', 'canceled']) {
    const filter: Record<string, string> = state ? { state } : {};
    await compare(staff, admin, filter, lines, null);
    for (const [groupBy, key] of groupings) {
      await compare(staff, admin, { ...filter, group_by: groupBy }, lines, key);
    }
  }
  const shop = suppliers[0].shop.id;
  const ofShop = lines.filter((l) => l.shopId === shop);
  await compare(staff, admin, { shop_id: shop, group_by: 'category' }, ofShop, (l) => l.categoryId);
  await compare(
    suppliers[0],
    '/api/v2/supplier/stats/sales',
    { group_by: 'product' },
    ofShop,
    (l) => l.productId,
  );
  await compare(
    suppliers[0],
    '/api/v2/supplier/stats/sales',
    { group_by: 'buyer' },
    ofShop,
    (l) => l.buyerId,
  );
  const buyer = buyers[1];
  const ofBuyer = lines.filter((l) => l.buyerId === buyer.user.id);
  await compare(buyer, '/api/v2/stats/purchases', { group_by: 'shop' }, ofBuyer, (l) => l.shopId);
  await compare(buyer, '/api/v2/stats/purchases', { group_by: 'category' }, ofBuyer, (l) => l.categoryId);
  await compare(staff, admin, { buyer_id: buyer.user.id, group_by: 'product' }, ofBuyer, (l) => l.productId);
  // The buyer × category family, with each state filter.
  for (const state of ['new', 'canceled']) {
    await compare(
      staff,
      admin,
      { buyer_id: buyer.user.id, group_by: 'category', state },
      ofBuyer,
      (l) => l.categoryId,
    );
  }
  // Three weeks by week: whole ISO weeks are read from week rows (and days around them).
  const weeks = { from: day(-14), to: day(7), interval: 'week' };
  await compare(staff, admin, weeks, lines, null);
  await compare(staff, admin, { ...weeks, group_by: 'shop' }, lines, (l) => l.shopId);
  await compare(
    staff,
    admin,
    { ...weeks, group_by: 'product', state: 'canceled' },
    lines,
    (l) => l.productId,
  );
  await compare(
    suppliers[0],
    '/api/v2/supplier/stats/sales',
    { ...weeks, group_by: 'category' },
    ofShop,
    (l) => l.categoryId,
  );
  await compare(
    buyer,
    '/api/v2/stats/purchases',
    { ...weeks, group_by: 'category' },
    ofBuyer,
    (l) => l.categoryId,
  );
}

describe('rollups', () => {
  it('equal a recomputation from the order lines after any series of orders and state changes', async () => {
    // A fixed start that surely holds both coupons, a supplier's cancel, a staff move and a buyer's cancel.
    for (const cmd of [
      {
        kind: 'order',
        buyer: 0,
        lines: [
          [0, 2],
          [4, 1],
          [9, 3],
        ],
        coupon: 0,
      },
      {
        kind: 'order',
        buyer: 1,
        lines: [
          [1, 1],
          [5, 4],
        ],
        coupon: 1,
      },
      {
        kind: 'order',
        buyer: 2,
        lines: [
          [2, 1],
          [6, 1],
          [10, 2],
        ],
        coupon: 2,
      },
      { kind: 'supplier', order: 0, shop: 1, to: 5 },
      { kind: 'staff', order: 1, to: 3, part: null },
      { kind: 'fold' },
      { kind: 'buyer_cancel', order: 2 },
    ] satisfies Command[]) {
      await run(cmd);
    }
    // The fixed start leaves parts in at least three states (new, moved by staff, canceled); the
    // random commands after it may move every one of them on, so this is checked here.
    const startStates = new Set((await t.runtime.db.select().from(orderParts)).map((p) => p.state));
    expect(startStates.size).toBeGreaterThanOrEqual(3);
    await checkAgainstOracle();
    await fc.assert(
      fc.asyncProperty(fc.array(command, { minLength: 4, maxLength: 14 }), async (commands) => {
        for (const cmd of commands) await run(cmd);
        await checkAgainstOracle();
        await foldStatsDeltas(t.runtime);
        await checkAgainstOracle();
      }),
      { numRuns: 5, endOnFailure: true },
    );
    // A rebuild from the lines gives the same rollups.
    await rebuildStatsRollups(t.runtime);
    await checkAgainstOracle();
    // The best-sellers read from the top of each bucket equal the best of a full sum, even when
    // the reading stops early (one row per list at first).
    await foldStatsDeltas(t.runtime);
    const hour = Math.floor(Date.now() / 3_600_000) * 3_600_000;
    const pieces = piecesOf(new Date(hour - 48 * 3_600_000), new Date(hour + 48 * 3_600_000), 0);
    for (const limit of [1, 3, 5]) {
      const full = await queryFigures(t.runtime.db, { family: 'product', groupBy: 'group', pieces, limit });
      const top = await topGroupsByThreshold(t.runtime.db, {
        family: 'product',
        pieces,
        limit,
        firstChunk: 1,
      });
      // Ties at the boundary may be broken either way: compare the revenues in order, and each
      // answered group's figures with the full sum's.
      const revenue = (row: { figures: { gross: bigint; lineDiscount: bigint; orderDiscount: bigint } }) =>
        row.figures.gross - row.figures.lineDiscount - row.figures.orderDiscount;
      const best = [...full.rows].sort(
        (x, y) => Number(revenue(y) - revenue(x)) || (x.groupId ?? 0) - (y.groupId ?? 0),
      );
      expect(top.map(revenue)).toEqual(best.map(revenue));
      const all = await queryFigures(t.runtime.db, {
        family: 'product',
        groupBy: 'group',
        pieces,
        limit: 1000,
      });
      for (const row of top)
        expect(row.figures).toEqual(all.rows.find((r) => r.groupId === row.groupId)?.figures);
    }
    // The history was not trivial: discounts of both kinds, canceled parts (a cancel is final).
    const parts = await t.runtime.db.select().from(orderParts);
    expect(parts.some((p) => p.state === 'canceled')).toBe(true);
    expect(parts.some((p) => toMinor(p.orderDiscount) > 0n)).toBe(true);
    expect(parts.some((p) => toMinor(p.linesDiscount) > 0n)).toBe(true);
  }, 900_000); // a few hundred checkouts through HTTP on the embedded database
});
