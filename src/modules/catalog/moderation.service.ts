// Moderation: staff hide an offer or a whole product, with a reason, and show it again. A hidden
// offer (or every offer of a hidden product) is not active: `offers.is_active` is what every catalog
// read, the search text, the product summary, the basket and checkout test, and it is kept as
// `in_price_list and not hidden and not the product's hidden` here and by the import, so a re-import
// never shows a hidden offer again. The shop's import lock is taken first: an import of the same
// shop and a moderation of its offers never interleave.
import { and, asc, eq, gt, ilike, or, type SQL, sql } from 'drizzle-orm';
import type { Queryable } from '../../db/client.ts';
import { categories, offers, products, shops } from '../../db/schema/catalog.ts';
import { type TxScope, transaction } from '../../db/transaction.ts';
import { notFound } from '../../http/errors.ts';
import type { Runtime } from '../../runtime.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { IMPORT_LOCK } from './import-apply.ts';

export interface Visibility {
  hidden: boolean;
  /** Why it is hidden (shown to the supplier); cleared when shown again. */
  reason?: string | null;
}

function offerNotFound() {
  return notFound('offer_not_found', { ru: 'Предложение не найдено', en: 'Offer not found' });
}

function productNotFound() {
  return notFound('product_not_found', { ru: 'Товар не найден', en: 'Product not found' });
}

async function lockShopImports(scope: Pick<TxScope, 'tx'>, shopIds: number[]): Promise<void> {
  // In id order, so two moderations of products sharing shops cannot deadlock.
  for (const shopId of [...new Set(shopIds)].sort((a, b) => a - b)) {
    await scope.tx.execute(sql`select pg_advisory_xact_lock(${IMPORT_LOCK}, ${shopId})`);
  }
}

async function refreshProducts(scope: Pick<TxScope, 'tx'>, productIds: number[]): Promise<void> {
  const ids = sql.param(`{${productIds.join(',')}}`);
  await scope.tx.execute(sql`select catalog_refresh_product_stats(${ids}::integer[])`);
  await scope.tx.execute(sql`select catalog_refresh_product_search(${ids}::integer[])`);
}

/** Hides or shows one offer, audited as `offer.hidden` / `offer.shown` in the same transaction. */
export async function setOfferVisibility(
  runtime: Runtime,
  actorId: number,
  offerId: number,
  change: Visibility,
): Promise<void> {
  await transaction(runtime, async (scope) => {
    const { tx, now } = scope;
    const [located] = await tx.select({ shopId: offers.shopId }).from(offers).where(eq(offers.id, offerId));
    if (!located) throw offerNotFound();
    await lockShopImports(scope, [located.shopId]);
    const [offer] = await tx.select().from(offers).where(eq(offers.id, offerId)).for('update');
    const reason = change.hidden ? (change.reason ?? null) : null;
    if (offer.hidden === change.hidden && offer.hiddenReason === reason) return;
    await tx
      .update(offers)
      .set({
        hidden: change.hidden,
        hiddenReason: reason,
        isActive: sql`${offers.inPriceList} and not ${change.hidden} and not exists (
          select 1 from products p where p.id = ${offers.productId} and p.hidden)`,
        updatedAt: now,
      })
      .where(eq(offers.id, offerId));
    await refreshProducts(scope, [offer.productId]);
    await recordAudit(tx, {
      actorId,
      kind: change.hidden ? 'offer.hidden' : 'offer.shown',
      objectType: 'offer',
      objectId: offerId,
      before: { hidden: offer.hidden, hidden_reason: offer.hiddenReason },
      after: { hidden: change.hidden, hidden_reason: reason },
      note: reason,
      at: now,
    });
  });
}

/** Hides or shows a product with all its offers, audited as `product.hidden` / `product.shown`. */
export async function setProductVisibility(
  runtime: Runtime,
  actorId: number,
  productId: number,
  change: Visibility,
): Promise<void> {
  await transaction(runtime, async (scope) => {
    const { tx, now } = scope;
    const shopRows = await tx
      .selectDistinct({ shopId: offers.shopId })
      .from(offers)
      .where(eq(offers.productId, productId));
    // Import locks before the product's row: an import holding its lock updates product rows.
    await lockShopImports(
      scope,
      shopRows.map((row) => row.shopId),
    );
    const [product] = await tx.select().from(products).where(eq(products.id, productId)).for('update');
    if (!product) throw productNotFound();
    const reason = change.hidden ? (change.reason ?? null) : null;
    if (product.hidden === change.hidden && product.hiddenReason === reason) return;
    await tx
      .update(products)
      .set({ hidden: change.hidden, hiddenReason: reason })
      .where(eq(products.id, productId));
    await tx
      .update(offers)
      .set({
        isActive: sql`${offers.inPriceList} and not ${offers.hidden} and not ${change.hidden}`,
        updatedAt: now,
      })
      .where(eq(offers.productId, productId));
    await refreshProducts(scope, [productId]);
    await recordAudit(tx, {
      actorId,
      kind: change.hidden ? 'product.hidden' : 'product.shown',
      objectType: 'product',
      objectId: productId,
      before: { hidden: product.hidden, hidden_reason: product.hiddenReason },
      after: { hidden: change.hidden, hidden_reason: reason },
      note: reason,
      at: now,
    });
  });
}

function likePattern(q: string): string {
  return `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

export interface AdminProductFilters {
  q?: string;
  categoryId?: number;
  shopId?: number;
  hidden?: boolean;
  limit: number;
  afterId?: number;
}

export interface AdminProductRow {
  id: number;
  name: string;
  categoryId: number;
  categoryName: string;
  hidden: boolean;
  hiddenReason: string | null;
  /** Offers shown in the catalog. */
  offerCount: number;
  /** Offers of every shop, whatever their state. */
  offersTotal: number;
  minPrice: string | null;
}

/** Products for staff by id, hidden ones included (merged-away ones left out). */
export async function listProductsForStaff(
  db: Queryable,
  filters: AdminProductFilters,
): Promise<AdminProductRow[]> {
  const q = filters.q?.trim();
  const where: (SQL | undefined)[] = [
    sql`${products.mergedIntoId} is null`,
    q ? ilike(products.name, likePattern(q)) : undefined,
    filters.categoryId === undefined ? undefined : eq(products.categoryId, filters.categoryId),
    filters.shopId === undefined
      ? undefined
      : sql`exists (select 1 from offers so where so.product_id = "products"."id" and so.shop_id = ${filters.shopId})`,
    filters.hidden === undefined ? undefined : eq(products.hidden, filters.hidden),
    filters.afterId === undefined ? undefined : gt(products.id, filters.afterId),
  ];
  return db
    .select({
      id: products.id,
      name: products.name,
      categoryId: products.categoryId,
      categoryName: categories.name,
      hidden: products.hidden,
      hiddenReason: products.hiddenReason,
      offerCount: products.offerCount,
      offersTotal: sql<number>`(select count(*)::integer from offers ao where ao.product_id = "products"."id")`,
      minPrice: products.minPrice,
    })
    .from(products)
    .innerJoin(categories, eq(categories.id, products.categoryId))
    .where(and(...where))
    .orderBy(asc(products.id))
    .limit(filters.limit);
}

export interface ModeratedOffer {
  id: number;
  shopId: number;
  shopName: string;
  productId: number;
  externalId: string;
  name: string;
  model: string | null;
  price: string;
  priceRrc: string;
  quantity: number;
  inPriceList: boolean;
  isActive: boolean;
  hidden: boolean;
  hiddenReason: string | null;
  updatedAt: Date;
}

const moderatedOfferColumns = {
  id: offers.id,
  shopId: offers.shopId,
  shopName: shops.name,
  productId: offers.productId,
  externalId: offers.externalId,
  name: offers.name,
  model: offers.model,
  price: offers.price,
  priceRrc: offers.priceRrc,
  quantity: offers.quantity,
  inPriceList: offers.inPriceList,
  isActive: offers.isActive,
  hidden: offers.hidden,
  hiddenReason: offers.hiddenReason,
  updatedAt: offers.updatedAt,
};

/** One product for staff with every offer of every shop, hidden and delisted ones included. */
export async function productForStaff(
  db: Queryable,
  productId: number,
): Promise<{ product: AdminProductRow; offers: ModeratedOffer[] }> {
  const [product] = await db
    .select({
      id: products.id,
      name: products.name,
      categoryId: products.categoryId,
      categoryName: categories.name,
      hidden: products.hidden,
      hiddenReason: products.hiddenReason,
      offerCount: products.offerCount,
      offersTotal: sql<number>`(select count(*)::integer from offers ao where ao.product_id = "products"."id")`,
      minPrice: products.minPrice,
    })
    .from(products)
    .innerJoin(categories, eq(categories.id, products.categoryId))
    .where(eq(products.id, productId));
  if (!product) throw productNotFound();
  const rows = await db
    .select(moderatedOfferColumns)
    .from(offers)
    .innerJoin(shops, eq(shops.id, offers.shopId))
    .where(eq(offers.productId, productId))
    .orderBy(asc(offers.id));
  return { product, offers: rows };
}

export interface ShopOfferFilters {
  q?: string;
  hidden?: boolean;
  limit: number;
  afterId?: number;
}

/** A shop's offers of its latest price list (the supplier's view), hidden ones with the reason. */
export async function listShopOffers(
  db: Queryable,
  shopId: number,
  filters: ShopOfferFilters,
): Promise<ModeratedOffer[]> {
  const q = filters.q?.trim();
  const rows = await db
    .select({
      ...moderatedOfferColumns,
      productHidden: products.hidden,
      productHiddenReason: products.hiddenReason,
    })
    .from(offers)
    .innerJoin(shops, eq(shops.id, offers.shopId))
    .innerJoin(products, eq(products.id, offers.productId))
    .where(
      and(
        eq(offers.shopId, shopId),
        eq(offers.inPriceList, true),
        q ? or(ilike(offers.name, likePattern(q)), ilike(offers.externalId, likePattern(q))) : undefined,
        filters.hidden === undefined
          ? undefined
          : filters.hidden
            ? or(eq(offers.hidden, true), eq(products.hidden, true))
            : and(eq(offers.hidden, false), eq(products.hidden, false)),
        filters.afterId === undefined ? undefined : gt(offers.id, filters.afterId),
      ),
    )
    .orderBy(asc(offers.id))
    .limit(filters.limit);
  // A product hidden by staff hides the supplier's offer of it too: the supplier sees why.
  return rows.map(({ productHidden, productHiddenReason, ...offer }) =>
    !offer.hidden && productHidden ? { ...offer, hidden: true, hiddenReason: productHiddenReason } : offer,
  );
}

/** One offer as staff moderate it. */
export async function offerForStaff(db: Queryable, offerId: number): Promise<ModeratedOffer> {
  const [offer] = await db
    .select(moderatedOfferColumns)
    .from(offers)
    .innerJoin(shops, eq(shops.id, offers.shopId))
    .where(eq(offers.id, offerId));
  if (!offer) throw offerNotFound();
  return offer;
}
