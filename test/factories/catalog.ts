// Catalog factories: shops, categories, products and offers inserted directly, as an import would
// leave them. Categories and products are found by normalised name, so two offers with the same
// name and category share one product.
import { randomBytes } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { categories, type Offer, offers, products, type Shop, shops } from '../../src/db/schema/catalog.ts';
import { normalizeName } from '../../src/modules/catalog/normalize.ts';
import type { Runtime } from '../../src/runtime.ts';
import { createUser } from '../factories.ts';

export interface ShopOverrides {
  /** A supplier account; one is created when absent. */
  ownerId?: number;
  name?: string;
  acceptingOrders?: boolean;
  currency?: string;
  priceListUrl?: string | null;
}

export async function createShop(runtime: Runtime, overrides: ShopOverrides = {}): Promise<Shop> {
  const ownerId = overrides.ownerId ?? (await createUser(runtime, { role: 'supplier' })).id;
  const [shop] = await runtime.db
    .insert(shops)
    .values({
      ownerId,
      name: overrides.name ?? `Магазин ${randomBytes(3).toString('hex')}`,
      acceptingOrders: overrides.acceptingOrders ?? true,
      currency: overrides.currency ?? 'RUB',
      priceListUrl: overrides.priceListUrl ?? null,
    })
    .returning();
  return shop;
}

export async function findOrCreateCategory(runtime: Runtime, name: string): Promise<number> {
  const normalizedName = normalizeName(name);
  await runtime.db.insert(categories).values({ name, normalizedName }).onConflictDoNothing();
  const [row] = await runtime.db
    .select({ id: categories.id })
    .from(categories)
    .where(eq(categories.normalizedName, normalizedName));
  return row.id;
}

export async function findOrCreateProduct(
  runtime: Runtime,
  categoryId: number,
  name: string,
): Promise<number> {
  const normalizedName = normalizeName(name);
  await runtime.db.insert(products).values({ categoryId, name, normalizedName }).onConflictDoNothing();
  const [row] = await runtime.db
    .select({ id: products.id })
    .from(products)
    .where(and(eq(products.categoryId, categoryId), eq(products.normalizedName, normalizedName)));
  return row.id;
}

export interface OfferOverrides {
  shopId: number;
  /** Decimal string or integer, e.g. "1500.00" or 1500. */
  price: string | number;
  quantity: number;
  name?: string;
  categoryName?: string;
  externalId?: string;
  model?: string | null;
  priceRrc?: string | number;
  isActive?: boolean;
  parameters?: Record<string, string | number | boolean>;
}

export async function createOffer(runtime: Runtime, overrides: OfferOverrides): Promise<Offer> {
  const name = overrides.name ?? `Товар ${randomBytes(3).toString('hex')}`;
  const categoryId = await findOrCreateCategory(runtime, overrides.categoryName ?? 'Разное');
  const productId = await findOrCreateProduct(runtime, categoryId, name);
  const [offer] = await runtime.db
    .insert(offers)
    .values({
      shopId: overrides.shopId,
      productId,
      externalId: overrides.externalId ?? randomBytes(6).toString('hex'),
      model: overrides.model ?? null,
      name,
      price: String(overrides.price),
      priceRrc: String(overrides.priceRrc ?? overrides.price),
      quantity: overrides.quantity,
      isActive: overrides.isActive ?? true,
      parameters: overrides.parameters ?? {},
    })
    .returning();
  return offer;
}
