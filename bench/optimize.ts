// `npm run bench:optimize`: the best-offer basket (POST /api/v2/basket/optimize).
//
// 1. The search alone (modules/orders/optimizer.ts, priced by the real discount engine): a 50-line
//    basket whose products are each offered by all of 12 suppliers (random prices and stock, some
//    shops with minimums, two promotions), BENCH_RUNS runs over different seeded baskets.
// 2. The whole preview as the API runs it (basket, candidate offers and terms read from the
//    database, discount rules chosen, search, moves) on the demo catalog loaded into a fresh
//    database on the PostgreSQL server (BENCH_DATABASE_URL, else DATABASE_URL, else the local
//    server) with 12 wholesale distributors: the buyer's 50-line basket takes every product from its
//    dearest supplier, and the optimizer's saving is reported. The database is dropped at the end.
// Results go to bench/results/optimize.md (and .json).
import { eq, sql } from 'drizzle-orm';
import { loadConfig } from '../src/config.ts';
import { openPostgres } from '../src/db/client.ts';
import { migrate } from '../src/db/migrate.ts';
import { users } from '../src/db/schema/users.ts';
import { transaction } from '../src/db/transaction.ts';
import { loadDemoData } from '../src/modules/demo/demo.service.ts';
import { lockBasket, putIntoBasket } from '../src/modules/orders/basket.service.ts';
import { optimizeBasketOf } from '../src/modules/orders/optimize.service.ts';
import { type CandidateOffer, optimizeBasket, type Plan } from '../src/modules/orders/optimizer.ts';
import { type PromotionRule, priceLines } from '../src/modules/promotions/discount-engine.ts';
import { createLogger, createRuntime } from '../src/runtime.ts';
import { freshDatabase, machine, percentile, writeResult } from './lib.ts';

const RUNS = Number(process.env.BENCH_RUNS ?? 30);
const LINES = 50;
const SUPPLIERS = 12;
const NOW = new Date();

/** A seeded PRNG (mulberry32): the same baskets on every machine. */
function random(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function syntheticRun(seed: number): { ms: number; exact: boolean; saving: bigint } {
  const rnd = random(seed);
  const offers = new Map<number, CandidateOffer[]>();
  let offerId = 0;
  for (let product = 1; product <= LINES; product += 1) {
    const base = 5_000 + Math.floor(rnd() * 200_000);
    const list: CandidateOffer[] = [];
    for (let shop = 1; shop <= SUPPLIERS; shop += 1) {
      offerId += 1;
      list.push({
        offerId,
        shopId: shop,
        productId: product,
        unitPrice: BigInt(Math.floor(base * (0.85 + rnd() * 0.3))),
        stock: Math.floor(rnd() * 40),
      });
    }
    offers.set(product, list);
  }
  const demands = [...offers].map(([productId, list]) => {
    const quantity = 1 + Math.floor(rnd() * 12);
    const first = list.reduce((a, b) => (b.stock > a.stock ? b : a));
    return { productId, quantity, current: [{ offerId: first.offerId, quantity }] };
  });
  const minimums = new Map<number, bigint | null>();
  for (let shop = 1; shop <= SUPPLIERS; shop += 1)
    minimums.set(shop, rnd() < 0.5 ? BigInt(Math.floor(rnd() * 3_000_000)) : null);
  const promotions: PromotionRule[] = [1, 2].map((id) => ({
    id,
    name: `promo ${id}`,
    enabled: true,
    startsAt: new Date(0),
    endsAt: null,
    targets: { all: false, categoryIds: [], productIds: [], shopIds: [1 + Math.floor(rnd() * SUPPLIERS)] },
    discount: { kind: 'percent', value: 1000n },
    minLineQuantity: 1,
    minOrderAmount: null,
    priority: 0,
  }));
  const byId = new Map([...offers.values()].flat().map((offer) => [offer.offerId, offer]));
  const line = (offer: CandidateOffer, quantity: number) => ({
    lineRef: 0,
    productId: offer.productId,
    categoryId: 1,
    shopId: offer.shopId,
    unitPrice: offer.unitPrice,
    quantity,
  });
  const basketTotal = (plan: Plan) =>
    priceLines({
      lines: [...plan.values()].flatMap((supplies) =>
        supplies.map((s) => line(byId.get(s.offerId)!, s.quantity)),
      ),
      promotions,
      coupon: null,
      now: NOW,
    }).total;
  const lineCost = (offer: CandidateOffer, quantity: number) =>
    priceLines({ lines: [line(offer, quantity)], promotions, coupon: null, now: NOW }).total;
  const started = performance.now();
  const result = optimizeBasket({ demands, offers, minimums, lineCost, basketTotal });
  const ms = performance.now() - started;
  const before = basketTotal(new Map(demands.map((d) => [d.productId, d.current])));
  return { ms, exact: result.exact, saving: before - basketTotal(result.plan) };
}

async function demoRun() {
  const database = await freshDatabase('bench_optimize');
  const handle = openPostgres(database.url, 10);
  try {
    await migrate(handle);
    const config = loadConfig({
      DATABASE_URL: database.url,
      AUTH_SECRET: 'bench-secret-long-enough-for-hs256-signing-x',
      LOG_LEVEL: 'warn',
    });
    const runtime = await createRuntime(config, {
      database: handle,
      migrate: false,
      workers: false,
      log: createLogger(config),
    });
    try {
      const loaded = await loadDemoData(runtime, { shops: SUPPLIERS });
      const [buyer] = await runtime.db
        .select({ id: users.id })
        .from(users)
        .where(eq(users.email, 'buyer@demo.zakupka.local'));
      // The 50 products with the most suppliers, each from its dearest offer with the stock.
      const picks = (await runtime.db.execute(sql`
        with ranked as (
          select o.product_id, o.id, o.price, o.quantity,
                 row_number() over (partition by o.product_id order by o.price desc, o.id) as dearest,
                 count(*) over (partition by o.product_id) as suppliers
          from offers o join shops s on s.id = o.shop_id
          where o.is_active and s.accepting_orders and o.quantity >= 3
        )
        select id, suppliers from ranked where dearest = 1 order by suppliers desc, product_id limit ${LINES}`)) as unknown as {
        rows: { id: number; suppliers: number }[];
      };
      await transaction(runtime, async ({ tx, now }) => {
        const basketId = await lockBasket(tx, buyer.id, now);
        for (const pick of picks.rows)
          await putIntoBasket(tx, basketId, { offerId: pick.id, quantity: 3, mode: 'set', now });
      });
      const times: number[] = [];
      let last: Awaited<ReturnType<typeof optimizeBasketOf>> | null = null;
      for (let i = 0; i < 10; i += 1) {
        const started = performance.now();
        last = await optimizeBasketOf(runtime, buyer.id, { apply: false });
        times.push(performance.now() - started);
      }
      times.sort((a, b) => a - b);
      return {
        shops: loaded.shops,
        goods: loaded.goods,
        lines: picks.rows.length,
        suppliersConsidered: last!.suppliersConsidered,
        exact: last!.exact,
        totalBefore: last!.totalBefore,
        totalAfter: last!.totalAfter,
        saving: last!.saving,
        moves: last!.moves.length,
        medianMs: percentile(times, 50),
        p95Ms: percentile(times, 95),
      };
    } finally {
      await runtime.close();
    }
  } finally {
    await handle.close();
    await database.drop();
  }
}

// Two warm-up runs (JIT), not counted.
syntheticRun(1);
syntheticRun(2);
const synthetic = Array.from({ length: RUNS }, (_, i) => syntheticRun(1000 + i));
const times = synthetic.map((run) => run.ms).sort((a, b) => a - b);
const demo = await demoRun();
const summary = {
  machine: machine(),
  synthetic: {
    runs: RUNS,
    lines: LINES,
    suppliers: SUPPLIERS,
    exact: synthetic.every((run) => run.exact),
    medianMs: percentile(times, 50),
    p95Ms: percentile(times, 95),
    maxMs: times[times.length - 1],
  },
  demo,
};
const fmt = (ms: number) => ms.toFixed(1);
const markdown = `# Best-offer basket (\`npm run bench:optimize\`)

${summary.machine}

## The search: ${LINES} lines × ${SUPPLIERS} suppliers (exact), ${RUNS} seeded baskets

| median | p95 | max | target |
| --- | --- | --- | --- |
| ${fmt(summary.synthetic.medianMs)} ms | ${fmt(summary.synthetic.p95Ms)} ms | ${fmt(summary.synthetic.maxMs)} ms | < 200 ms |

## The API preview on the demo catalog (${demo.shops} shops, ${demo.goods} goods; PostgreSQL server)

A ${demo.lines}-line basket, every product from its dearest supplier, 3 units each; ${demo.suppliersConsidered} candidate suppliers (exact: ${demo.exact}).

| total before | total after | saving | moves | median | p95 |
| --- | --- | --- | --- | --- | --- |
| ${demo.totalBefore} | ${demo.totalAfter} | ${demo.saving} | ${demo.moves} | ${fmt(demo.medianMs)} ms | ${fmt(demo.p95Ms)} ms |
`;
writeResult('optimize', markdown, summary);
process.stdout.write(markdown);
