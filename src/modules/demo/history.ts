// Sales history on the demo catalog, so the statistics pages have something to show: orders of
// the demo buyers (and four more buyer accounts) over the past months, 1–3 suppliers and 1–4 lines
// each, some lines with a promotion discount, some orders with a coupon discount, parts in every
// state with about 8 % canceled. Written like the statistics benchmark writes its year of history:
// orders, parts and lines inserted with back-dated times (no stock taken, no emails: it is the
// past), the parts already in their final state, so the statistics triggers on the lines record
// each order as sold then; the fold files it. Deterministic: the same catalog and the same day give
// the same history.
import { sql } from 'drizzle-orm';
import { orderLines, orderParts, orderStatusHistory, orders } from '../../db/schema/orders.ts';
import { rowsOf } from '../../db/statement-queue.ts';
import { toMinor } from '../../lib/money.ts';
import type { Runtime } from '../../runtime.ts';
import { ensureAccount } from '../accounts/provisioning.service.ts';
import { deriveOrderState } from '../orders/transitions.ts';
import { foldStatsDeltas } from '../stats/fold.service.ts';

/** The extra buyers of the history (the demo buyer is the first). */
const HISTORY_BUYERS = [
  { email: 'buyer@demo.zakupka.local', company: 'ООО «Сеть магазинов»' },
  { email: 'buyer2@demo.zakupka.local', company: 'ООО «Продукты у дома»' },
  { email: 'buyer3@demo.zakupka.local', company: 'АО «Гипермаркет Восток»' },
  { email: 'buyer4@demo.zakupka.local', company: 'ИП Смирнова' },
  { email: 'buyer5@demo.zakupka.local', company: 'ООО «Хозтовары Плюс»' },
];
const STATES = ['new', 'confirmed', 'assembled', 'sent', 'delivered'] as const;
const ORDERS_PER_DAY = 6;

interface Offer {
  id: number;
  shopId: number;
  shopName: string;
  productId: number;
  name: string;
  externalId: string;
  price: string;
  priceRrc: string;
}

/** Mulberry32: a small seeded generator, so a history is reproducible. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Kopecks (small sums: a Number holds them exactly) and back to a decimal string. */
const minor = (amount: string) => Number(toMinor(amount));
const money = (kopecks: number) => `${Math.trunc(kopecks / 100)}.${String(kopecks % 100).padStart(2, '0')}`;

export interface HistoryResult {
  orders: number;
  lines: number;
  from: Date;
  to: Date;
}

/**
 * Writes `months` of history ending yesterday (Moscow working hours, 08:00–20:00 UTC+3) and folds
 * it into the statistics. The password hash is the demo accounts' (new buyers get it).
 */
export async function seedDemoHistory(
  runtime: Runtime,
  options: { months: number; passwordHash: string; now?: Date },
): Promise<HistoryResult> {
  const now = options.now ?? runtime.clock.now();
  const buyerIds: number[] = [];
  for (const [i, buyer] of HISTORY_BUYERS.entries()) {
    const account = await ensureAccount(runtime, {
      email: buyer.email,
      role: 'buyer',
      passwordHash: options.passwordHash,
      firstName: ['Анна', 'Пётр', 'Мария', 'Елена', 'Игорь'][i],
      lastName: 'Закупщик',
      company: buyer.company,
      position: 'Закупщик',
    });
    buyerIds.push(account.id);
  }
  const offers = rowsOf<Offer>(
    await runtime.db.execute(sql`
      select o.id, o.shop_id as "shopId", s.name as "shopName", o.product_id as "productId", o.name,
             o.external_id as "externalId", o.price::text as price, o.price_rrc::text as "priceRrc"
      from offers o join shops s on s.id = o.shop_id
      where o.is_active and o.price > 0
      order by o.id`),
  );
  const byShop = new Map<number, Offer[]>();
  for (const offer of offers) byShop.set(offer.shopId, [...(byShop.get(offer.shopId) ?? []), offer]);
  const shopIds = [...byShop.keys()];
  if (shopIds.length === 0) throw new Error('demo history: the catalog has no offers');

  // Days from `months` ago (Moscow) to yesterday.
  const today = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  const first = new Date(
    Date.UTC(today.getUTCFullYear(), today.getUTCMonth() - options.months, today.getUTCDate()),
  );
  const next = random(Math.floor(first.getTime() / 86_400_000));
  let orderCount = 0;
  let lineCount = 0;
  for (let day = first; day < today; day = new Date(day.getTime() + 86_400_000)) {
    // Fewer orders at weekends, more as the months go by (a growing business).
    const weekend = day.getUTCDay() === 0 || day.getUTCDay() === 6;
    const growth = 0.6 + (0.8 * (day.getTime() - first.getTime())) / (today.getTime() - first.getTime());
    const count = Math.round(ORDERS_PER_DAY * growth * (weekend ? 0.4 : 1) * (0.6 + next() * 0.8));
    for (let k = 0; k < count; k += 1) {
      await runtime.db.transaction(async (tx) => {
        // 08:00–20:00 Moscow = 05:00–17:00 UTC.
        const at = new Date(day.getTime() + (5 + next() * 12) * 3_600_000);
        const buyerId = buyerIds[Math.floor(next() ** 1.5 * buyerIds.length)];
        const suppliers = 1 + Math.floor(next() * Math.min(3, shopIds.length));
        const start = Math.floor(next() * shopIds.length);
        const coupon = next() < 0.1;
        const parts = Array.from({ length: suppliers }, (_, j) => {
          const shopId = shopIds[(start + j) % shopIds.length];
          const shopOffers = byShop.get(shopId)!;
          const lines = new Map<number, { offer: Offer; quantity: number; discount: number }>();
          const wanted = 1 + Math.floor(next() * 4);
          for (let l = 0; l < wanted; l += 1) {
            // A few goods sell often, most rarely.
            const offer = shopOffers[Math.floor(next() ** 3 * shopOffers.length)];
            const quantity = 1 + Math.floor(next() * 12);
            const amount = minor(offer.price) * quantity;
            const discount = next() < 0.2 ? Math.round(amount * 0.05) : 0;
            if (!lines.has(offer.id)) lines.set(offer.id, { offer, quantity, discount });
          }
          const r = next();
          const state =
            r < 0.08
              ? ('canceled' as const)
              : at.getTime() > now.getTime() - 7 * 86_400_000
                ? STATES[Math.floor(next() * STATES.length)]
                : r < 0.15
                  ? STATES[Math.floor(next() * 4)]
                  : ('delivered' as const);
          const subtotal = [...lines.values()].reduce((sum, l) => sum + minor(l.offer.price) * l.quantity, 0);
          const linesDiscount = [...lines.values()].reduce((sum, l) => sum + l.discount, 0);
          const orderDiscount = coupon ? Math.round((subtotal - linesDiscount) * 0.03) : 0;
          return {
            shopId,
            shopName: shopOffers[0].shopName,
            lines: [...lines.values()],
            state,
            subtotal,
            linesDiscount,
            orderDiscount,
          };
        });
        const sum = (pick: (p: (typeof parts)[number]) => number) => parts.reduce((s, p) => s + pick(p), 0);
        const [buyer] = rowsOf<{
          email: string;
          first_name: string;
          last_name: string;
          company: string;
          position: string;
        }>(
          await tx.execute(
            sql`select email, first_name, last_name, company, position from users where id = ${buyerId}`,
          ),
        );
        const orderState = deriveOrderState(parts.map((p) => p.state));
        const [order] = await tx
          .insert(orders)
          .values({
            userId: buyerId,
            state: orderState,
            currency: 'RUB',
            subtotal: money(sum((p) => p.subtotal)),
            linesDiscount: money(sum((p) => p.linesDiscount)),
            orderDiscount: money(sum((p) => p.orderDiscount)),
            total: money(sum((p) => p.subtotal - p.linesDiscount - p.orderDiscount)),
            couponCode: coupon ? 'DEMO3' : null,
            delivery: {
              contactId: 0,
              city: 'Москва',
              street: 'ул. Складская',
              house: String(1 + (buyerId % 40)),
              structure: '',
              building: '',
              apartment: '',
              phone: '+79990000000',
              recipientName: `${buyer.first_name} ${buyer.last_name}`,
              comment: '',
            },
            billing: {
              email: buyer.email,
              firstName: buyer.first_name,
              lastName: buyer.last_name,
              company: buyer.company,
              position: buyer.position,
              phone: null,
              legalName: null,
              inn: null,
              kpp: null,
              ogrn: null,
              bankBik: null,
              settlementAccount: null,
              correspondentAccount: null,
            },
            createdAt: at,
            updatedAt: at,
          })
          .returning({ id: orders.id });
        const partRows = await tx
          .insert(orderParts)
          .values(
            parts.map((p) => ({
              orderId: order.id,
              shopId: p.shopId,
              shopName: p.shopName,
              state: p.state,
              subtotal: money(p.subtotal),
              linesDiscount: money(p.linesDiscount),
              orderDiscount: money(p.orderDiscount),
              total: money(p.subtotal - p.linesDiscount - p.orderDiscount),
              orderCreatedAt: at,
              updatedAt: at,
            })),
          )
          .returning({ id: orderParts.id, shopId: orderParts.shopId });
        await tx.insert(orderLines).values(
          parts.flatMap((p, j) =>
            p.lines.map((l) => {
              const amount = minor(l.offer.price) * l.quantity;
              return {
                orderId: order.id,
                partId: partRows[j].id,
                offerId: l.offer.id,
                productId: l.offer.productId,
                productName: l.offer.name,
                name: l.offer.name,
                externalId: l.offer.externalId,
                shopId: p.shopId,
                shopName: p.shopName,
                characteristics: {},
                quantity: l.quantity,
                unitPrice: l.offer.price,
                priceRrc: l.offer.priceRrc,
                amount: money(amount),
                discount: money(l.discount),
                total: money(amount - l.discount),
              };
            }),
          ),
        );
        await tx.insert(orderStatusHistory).values([
          {
            orderId: order.id,
            actorId: buyerId,
            actorRole: 'buyer',
            fromState: null,
            toState: 'new',
            createdAt: at,
          },
          ...parts.flatMap((p, j) =>
            p.state === 'new'
              ? []
              : [
                  {
                    orderId: order.id,
                    partId: partRows[j].id,
                    actorRole: 'system' as const,
                    fromState: 'new' as const,
                    toState: p.state,
                    createdAt: at,
                  },
                ],
          ),
        ]);
        orderCount += 1;
        lineCount += sum((p) => p.lines.length);
      });
    }
  }
  await foldStatsDeltas(runtime);
  return { orders: orderCount, lines: lineCount, from: first, to: today };
}
