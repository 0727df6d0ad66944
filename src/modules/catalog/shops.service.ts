// Shops: one per supplier account. Settings (name, price-list URL, order acceptance, scheduled
// re-import) and the public list. Switching order acceptance off hides the shop's goods from the
// catalog at once (a trigger refreshes the product summary) and stops new orders of them.
import { and, asc, eq, getTableColumns, gt, ilike, sql } from 'drizzle-orm';
import type { Queryable } from '../../db/client.ts';
import { type Shop, type ShopBillingDetails, shops, type VatRate } from '../../db/schema/catalog.ts';
import { type TxScope, transaction } from '../../db/transaction.ts';
import { AppError, type FieldError, notFound, unprocessable, validationError } from '../../http/errors.ts';
import { requisitesProblems } from '../../lib/requisites.ts';
import type { Runtime } from '../../runtime.ts';
import { changedValues, recordAudit } from '../audit/audit.service.ts';
import {
  type DeliveryTermsPatch,
  expectedDeliveryDate,
  presentTerms,
  termsJsonSql,
  termsOf,
} from './delivery-terms.ts';
import { countActiveOffers } from './export.service.ts';
import { queueImport } from './import.service.ts';
import { checkImportUrl } from './import-request.service.ts';

/** Every supplier account has its shop; it starts named after the company and accepting orders. */
export async function createShopForOwner(
  scope: Pick<TxScope, 'tx'>,
  owner: { id: number; company: string },
): Promise<{ id: number; name: string }> {
  const name = owner.company.trim() || `Shop ${owner.id}`;
  const [shop] = await scope.tx
    .insert(shops)
    .values({ ownerId: owner.id, name })
    .returning({ id: shops.id, name: shops.name });
  return shop;
}

/** The owner's shop, made when the account has none yet (an account staff turned into a supplier). */
export async function ensureShopForOwner(
  scope: Pick<TxScope, 'tx'>,
  owner: { id: number; company: string },
): Promise<{ id: number; name: string }> {
  const [existing] = await scope.tx
    .select({ id: shops.id, name: shops.name })
    .from(shops)
    .where(eq(shops.ownerId, owner.id));
  return existing ?? createShopForOwner(scope, owner);
}

export function shopNotFound() {
  return notFound('shop_not_found', { ru: 'Магазин не найден', en: 'Shop not found' });
}

/** The supplier's shop; 404 when the account has none. */
export async function shopOfOwner(db: Queryable, ownerId: number): Promise<Shop> {
  const [shop] = await db.select().from(shops).where(eq(shops.ownerId, ownerId));
  if (!shop) throw shopNotFound();
  return shop;
}

export async function getShop(db: Queryable, shopId: number): Promise<Shop | undefined> {
  const [shop] = await db.select().from(shops).where(eq(shops.id, shopId));
  return shop;
}

export interface ShopPatch extends DeliveryTermsPatch {
  name?: string;
  priceListUrl?: string | null;
  acceptingOrders?: boolean;
  importEveryHours?: number | null;
  contactEmail?: string | null;
  contactPhone?: string | null;
  contactPerson?: string | null;
  /** The invoice requisites as a whole (null: the owner's profile serves); see `cleanBillingDetails`. */
  billingDetails?: ShopBillingDetails | null;
  vatRate?: VatRate;
}

const BILLING_KEYS = [
  'legal_name',
  'inn',
  'kpp',
  'ogrn',
  'bank_bik',
  'settlement_account',
  'correspondent_account',
  'bank_name',
  'address',
] as const satisfies readonly (keyof ShopBillingDetails)[];
const CODE_KEYS = new Set(['inn', 'kpp', 'ogrn', 'bank_bik', 'settlement_account', 'correspondent_account']);

/**
 * A shop's invoice requisites as they will be stored: codes without the spaces and dashes people
 * paste, empty values null; the legal name and INN required; every code checked with its check
 * digits (src/lib/requisites.ts, as the profile's). Throws 400 naming each wrong field.
 */
export function cleanBillingDetails(
  input: Partial<Record<keyof ShopBillingDetails, string | null>>,
): ShopBillingDetails {
  const details = {} as ShopBillingDetails;
  for (const key of BILLING_KEYS) {
    const raw = input[key]?.trim() ?? '';
    const value = CODE_KEYS.has(key) ? raw.replace(/[\s-]/g, '').toUpperCase() : raw.replace(/\s+/g, ' ');
    details[key] = value === '' ? null : value;
  }
  const errors: FieldError[] = [];
  if (!details.legal_name) {
    errors.push({
      field: 'body.billing_details.legal_name',
      message: { ru: 'Укажите наименование', en: 'Give the legal name' },
    });
  }
  if (!details.inn) {
    errors.push({ field: 'body.billing_details.inn', message: { ru: 'Укажите ИНН', en: 'Give the INN' } });
  }
  const snake = {
    inn: 'inn',
    kpp: 'kpp',
    ogrn: 'ogrn',
    bankBik: 'bank_bik',
    settlementAccount: 'settlement_account',
    correspondentAccount: 'correspondent_account',
  } as const;
  for (const problem of requisitesProblems({
    inn: details.inn,
    kpp: details.kpp,
    ogrn: details.ogrn,
    bankBik: details.bank_bik,
    settlementAccount: details.settlement_account,
    correspondentAccount: details.correspondent_account,
  })) {
    errors.push({ field: `body.billing_details.${snake[problem.field]}`, message: problem.message });
  }
  if (errors.length > 0) throw validationError(errors);
  return details;
}

/** The shop's settings a patch may change, by their API names (the audit trail's before/after). */
function auditedSettings(shop: Shop): Record<string, unknown> {
  return {
    name: shop.name,
    price_list_url: shop.priceListUrl,
    accepting_orders: shop.acceptingOrders,
    import_every_hours: shop.importEveryHours,
    contact_email: shop.contactEmail,
    contact_phone: shop.contactPhone,
    contact_person: shop.contactPerson,
  };
}

/**
 * Writes a shop's settings. A change by staff (`staffActorId`) is recorded in the audit trail as
 * `shop.updated` with the values it changed, in the same transaction.
 */
export async function updateShop(
  runtime: Runtime,
  shopId: number,
  patch: ShopPatch,
  staffActorId?: number,
): Promise<Shop> {
  return transaction(runtime, async ({ tx, now }) => {
    const [before] = await tx.select().from(shops).where(eq(shops.id, shopId)).for('update');
    if (!before) throw shopNotFound();
    const [shop] = await tx
      .update(shops)
      .set({ ...patch, updatedAt: now })
      .where(eq(shops.id, shopId))
      .returning();
    const changed = changedValues(auditedSettings(before), auditedSettings(shop));
    if (staffActorId !== undefined && changed) {
      await recordAudit(tx, {
        actorId: staffActorId,
        kind: 'shop.updated',
        objectType: 'shop',
        objectId: shopId,
        ...changed,
        at: now,
      });
    }
    return shop;
  });
}

/**
 * A change of a shop's settings by its supplier or staff: a name is not empty, a price-list URL may
 * be fetched, and a scheduled re-import needs a URL (the one given or the one kept).
 */
export async function changeShop(
  runtime: Runtime,
  shop: Shop,
  patch: ShopPatch,
  staffActorId?: number,
): Promise<Shop> {
  if (patch.name !== undefined && patch.name === '') {
    throw new AppError(400, 'validation_failed', {
      errors: [{ field: 'body.name', message: { ru: 'пустое название', en: 'empty name' } }],
    });
  }
  if (patch.priceListUrl) await checkImportUrl(runtime, patch.priceListUrl, 'body.price_list_url');
  const url = patch.priceListUrl !== undefined ? patch.priceListUrl : shop.priceListUrl;
  const every = patch.importEveryHours !== undefined ? patch.importEveryHours : shop.importEveryHours;
  if (every !== null && !url) {
    throw unprocessable('price_list_url_required', {
      ru: 'Для загрузки по расписанию укажите URL прайс-листа',
      en: 'Scheduled re-import needs a price-list URL',
    });
  }
  return updateShop(runtime, shop.id, patch, staffActorId);
}

/** A shop as the public catalog shows it: hidden while it does not accept orders, except to staff. */
export async function getPublicShop(db: Queryable, shopId: number, asStaff: boolean, now: Date) {
  const shop = await getShop(db, shopId);
  if (!shop || (!shop.acceptingOrders && !asStaff)) throw shopNotFound();
  const terms = termsOf(shop);
  return {
    id: shop.id,
    name: shop.name,
    accepting_orders: shop.acceptingOrders,
    currency: shop.currency,
    offer_count: await countActiveOffers(db, shop.id),
    terms: presentTerms(terms),
    expected_delivery_date: expectedDeliveryDate(terms, now),
  };
}

/**
 * The shop a supplier-side export is of: the supplier's own, or for staff the one they name (any
 * shop; naming none is an error, staff have no "own" shop to fall back on).
 */
export async function shopToExport(
  db: Queryable,
  user: { id: number; role: string },
  shopId: number | undefined,
): Promise<Shop> {
  if (user.role === 'staff') {
    if (shopId === undefined) {
      throw unprocessable('shop_required', {
        ru: 'Укажите магазин: параметр shop',
        en: 'Name the shop to export: the shop parameter',
      });
    }
    const shop = await getShop(db, shopId);
    if (!shop) throw shopNotFound();
    return shop;
  }
  const shop = await shopOfOwner(db, user.id);
  if (shopId !== undefined && shopId !== shop.id) throw shopNotFound();
  return shop;
}

/** A shop by id, or 404. */
export async function shopOr404(db: Queryable, shopId: number): Promise<Shop> {
  const shop = await getShop(db, shopId);
  if (!shop) throw shopNotFound();
  return shop;
}

export interface ShopListItem {
  id: number;
  name: string;
  accepting_orders: boolean;
  currency: string;
  offer_count: number;
  terms: ReturnType<typeof presentTerms>;
}

/** Shops by id; only those accepting orders unless `all` (staff). */
export async function listShops(
  db: Queryable,
  options: { all?: boolean; limit: number; afterId?: number },
): Promise<ShopListItem[]> {
  const conditions = [];
  if (!options.all) conditions.push(eq(shops.acceptingOrders, true));
  if (options.afterId) conditions.push(gt(shops.id, options.afterId));
  const found = await db
    .select({
      id: shops.id,
      name: shops.name,
      accepting_orders: shops.acceptingOrders,
      currency: shops.currency,
      offer_count: sql<number>`(select count(*)::integer from offers o where o.shop_id = "shops"."id" and o.is_active)`,
      terms: sql<ListTerms>`${termsJsonSql('"shops"')}`,
    })
    .from(shops)
    .where(conditions.length ? and(...conditions) : undefined)
    .orderBy(asc(shops.id))
    .limit(options.limit);
  return found;
}

export interface AdminShopFilters {
  /** Part of the name, case-insensitive. */
  q?: string;
  acceptingOrders?: boolean;
  limit: number;
  afterId?: number;
}

/** Every shop for staff, by id, with its owner and the offers of its latest price list. */
export async function listShopsForStaff(
  db: Queryable,
  filters: AdminShopFilters,
): Promise<(Shop & { offerCount: number })[]> {
  const q = filters.q?.trim();
  return db
    .select({
      ...getTableColumns(shops),
      offerCount: sql<number>`(select count(*)::integer from offers o where o.shop_id = "shops"."id" and o.in_price_list)`,
    })
    .from(shops)
    .where(
      and(
        q ? ilike(shops.name, `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`) : undefined,
        filters.acceptingOrders === undefined
          ? undefined
          : eq(shops.acceptingOrders, filters.acceptingOrders),
        filters.afterId === undefined ? undefined : gt(shops.id, filters.afterId),
      ),
    )
    .orderBy(asc(shops.id))
    .limit(filters.limit);
}

/** Shops not accepting orders: the list `accepting_orders=false`. */
export async function countShopsNotAcceptingOrders(db: Queryable): Promise<number> {
  const [row] = await db
    .select({ count: sql<number>`count(*)::integer` })
    .from(shops)
    .where(eq(shops.acceptingOrders, false));
  return row.count;
}
type ListTerms = ShopListItem['terms'];

/**
 * Queues the scheduled re-imports that are due: shops with a price-list URL and an interval whose
 * last import began longer ago than the interval, and that have none queued or running.
 */
export async function queueDueImports(runtime: Runtime): Promise<number> {
  return transaction(runtime, async (scope) => {
    const due = (await scope.tx.execute(sql`
      select s.id, s.price_list_url from shops s
      where s.import_every_hours is not null and s.price_list_url is not null
        and not exists (
          select 1 from imports i
          where i.shop_id = s.id
            and (i.status in ('queued', 'running')
                 or i.created_at > ${scope.now}::timestamptz - make_interval(hours => s.import_every_hours))
        )
      order by s.id
      for update of s skip locked`)) as unknown as { rows: { id: number; price_list_url: string }[] };
    for (const shop of due.rows) {
      await queueImport(scope, {
        shopId: shop.id,
        requestedBy: null,
        source: 'schedule',
        mode: 'lenient',
        url: shop.price_list_url,
      });
    }
    return due.rows.length;
  });
}

/** Every 5 minutes the job system checks for due re-imports (one schedule, whichever process runs it). */
export async function installImportSchedule(runtime: Runtime): Promise<void> {
  await runtime.boss.schedule('catalog_scheduled_imports', '*/5 * * * *', {});
}
