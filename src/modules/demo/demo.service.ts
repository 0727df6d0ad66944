// Demo data: the sample price list (the seed's, kept as it is), a wholesale catalog of several
// distributors whose goods overlap (groceries, household goods, electronics: the same products at
// different prices; see wholesale.ts) and demo accounts for each role. `npm run demo` loads
// it; DEMO_DATA=true loads it at start when the database has no shops yet. With `--history <months>`
// (DEMO_HISTORY_MONTHS) it also writes months of sales history for the statistics (history.ts).
import fs from 'node:fs';
import { eq, sql } from 'drizzle-orm';
import { shops } from '../../db/schema/catalog.ts';
import { hashPassword } from '../../lib/passwords.ts';
import type { Runtime } from '../../runtime.ts';
import { ensureAccount } from '../accounts/provisioning.service.ts';
import { WHOLESALE_GOODS, WHOLESALE_SHOP_NAMES, wholesalePriceList } from '../catalog/demo/wholesale.ts';
import { importPriceList } from '../catalog/import.service.ts';
import { type HistoryResult, seedDemoHistory } from './history.ts';

export const DEMO_PASSWORD = 'Zakupka-Demo-2026';
const SAMPLE = new URL('../catalog/demo/shop1.yaml', import.meta.url);

export interface DemoAccount {
  role: 'buyer' | 'supplier' | 'staff';
  email: string;
  password: string;
  shop?: string;
}

export interface DemoResult {
  loaded: boolean;
  accounts: DemoAccount[];
  shops: number;
  goods: number;
  /** The sales history written (`historyMonths`), if any. */
  history?: HistoryResult;
}

async function demoUser(
  runtime: Runtime,
  email: string,
  role: DemoAccount['role'],
  names: { first: string; last: string; company: string; position: string },
  passwordHash: string,
): Promise<{ id: number; created: boolean }> {
  return ensureAccount(runtime, {
    email,
    role,
    passwordHash,
    firstName: names.first,
    lastName: names.last,
    company: names.company,
    position: names.position,
  });
}

/** True when no shop exists yet: DEMO_DATA=true loads the demo only then. */
export async function catalogIsEmpty(runtime: Runtime): Promise<boolean> {
  const result = (await runtime.db.execute(
    sql`select not exists (select 1 from shops) as empty`,
  )) as unknown as {
    rows: { empty: boolean }[];
  };
  return result.rows[0].empty;
}

/**
 * Creates the demo accounts (kept if they exist) and imports the demo price lists into their
 * shops. Importing again changes nothing, so running it twice is harmless.
 */
export async function loadDemoData(
  runtime: Runtime,
  options: { goodsPerShop?: number; shops?: number; historyMonths?: number } = {},
): Promise<DemoResult> {
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  const accounts: DemoAccount[] = [];
  await demoUser(
    runtime,
    'buyer@demo.zakupka.local',
    'buyer',
    { first: 'Анна', last: 'Покупателева', company: 'ООО «Сеть магазинов»', position: 'Закупщик' },
    passwordHash,
  );
  accounts.push({ role: 'buyer', email: 'buyer@demo.zakupka.local', password: DEMO_PASSWORD });
  await demoUser(
    runtime,
    'staff@demo.zakupka.local',
    'staff',
    { first: 'Олег', last: 'Админов', company: 'Zakupka', position: 'Администратор' },
    passwordHash,
  );
  accounts.push({ role: 'staff', email: 'staff@demo.zakupka.local', password: DEMO_PASSWORD });

  const lists: { email: string; company: string; content: string; fileName: string }[] = [
    {
      email: 'supplier@demo.zakupka.local',
      company: 'Связной',
      content: fs.readFileSync(SAMPLE, 'utf8'),
      fileName: 'shop1.yaml',
    },
  ];
  const count = options.shops ?? WHOLESALE_SHOP_NAMES.length;
  const goods = options.goodsPerShop ?? Math.ceil(WHOLESALE_GOODS * 0.6);
  for (let i = 0; i < count; i += 1) {
    const name =
      WHOLESALE_SHOP_NAMES[i % WHOLESALE_SHOP_NAMES.length] +
      (i >= WHOLESALE_SHOP_NAMES.length ? ` ${i + 1}` : '');
    lists.push({
      email: `supplier${i + 2}@demo.zakupka.local`,
      company: name,
      // Each shop's slice of goods overlaps the next one's by 60%: the same products, other prices.
      content: wholesalePriceList({ shop: i, shopName: name, goods, stride: Math.ceil(goods * 0.4) }),
      fileName: `demo-${i + 1}.yaml`,
    });
  }
  let total = 0;
  for (const list of lists) {
    const owner = await demoUser(
      runtime,
      list.email,
      'supplier',
      { first: 'Поставщик', last: list.company, company: list.company, position: 'Менеджер' },
      passwordHash,
    );
    const [shop] = await runtime.db.select().from(shops).where(eq(shops.ownerId, owner.id));
    const result = await importPriceList(runtime, {
      shopId: shop.id,
      requestedBy: owner.id,
      source: 'cli',
      content: Buffer.from(list.content),
      fileName: list.fileName,
    });
    if (result.status !== 'succeeded') {
      throw new Error(
        `demo import for ${list.company} failed: ${result.errorCode} ${result.errorMessage?.en ?? ''}`,
      );
    }
    total += result.totalRows;
    accounts.push({ role: 'supplier', email: list.email, password: DEMO_PASSWORD, shop: list.company });
  }
  // Sales history (statistics) once, on a catalog without orders: running the demo again adds none.
  const history =
    options.historyMonths && (await noOrdersYet(runtime))
      ? await seedDemoHistory(runtime, { months: options.historyMonths, passwordHash })
      : undefined;
  return { loaded: true, accounts, shops: lists.length, goods: total, history };
}

async function noOrdersYet(runtime: Runtime): Promise<boolean> {
  const result = (await runtime.db.execute(
    sql`select not exists (select 1 from orders) as none`,
  )) as unknown as {
    rows: { none: boolean }[];
  };
  return result.rows[0].none;
}

/** The credentials as printed by `npm run demo` and at start with DEMO_DATA=true. */
export function describeDemo(result: DemoResult): string {
  const lines = [
    `Demo data: ${result.shops} shops, ${result.goods} goods.`,
    ...(result.history
      ? [
          `Sales history: ${result.history.orders} orders, ${result.history.lines} lines, ${result.history.from.toISOString().slice(0, 10)} … ${result.history.to.toISOString().slice(0, 10)} (buyers buyer2…buyer5@demo.zakupka.local too).`,
        ]
      : []),
    `Demo accounts (password for all: ${DEMO_PASSWORD}):`,
  ];
  for (const account of result.accounts) {
    lines.push(
      `  ${account.role.padEnd(8)} ${account.email}${account.shop ? `  (shop «${account.shop}»)` : ''}`,
    );
  }
  return lines.join('\n');
}

/** DEMO_DATA=true: loads the demo into an empty database (no shops) and prints the credentials. */
export async function loadDemoIfEmpty(runtime: Runtime): Promise<void> {
  if (!(await catalogIsEmpty(runtime))) {
    runtime.log.info('DEMO_DATA: the database already has shops; demo data not loaded');
    return;
  }
  const result = await loadDemoData(runtime, { historyMonths: runtime.config.demoHistoryMonths });
  runtime.log.info(
    { shops: result.shops, goods: result.goods, history_orders: result.history?.orders ?? 0 },
    'demo data loaded',
  );
  process.stdout.write(`${describeDemo(result)}\n`);
}
