// Catalog factories: shops, categories, products and offers inserted directly, as an import would
// leave them. Categories and products are found by normalised name, so two offers with the same
// name and category share one product.
import { randomBytes } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { expect } from 'vitest';
import { categories, type Offer, offers, products, type Shop, shops } from '../../src/db/schema/catalog.ts';
import { normalizeName } from '../../src/modules/catalog/normalize.ts';
import type { Runtime } from '../../src/runtime.ts';
import { createUser } from '../factories.ts';
import type { TestApp } from '../helpers/app.ts';

/** A product as `GET /api/v2/products` lists it. */
export interface ListedProduct {
  id: number;
  name: string;
  best_price: string;
  offer_count: number;
  total_stock: number;
  category: { id: number; name: string };
}

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

/** A multipart/form-data body with fields first, then one file. */
export function multipartBody(
  file: { name: string; content: string | Buffer; field?: string },
  fields: Record<string, string> = {},
): { payload: Buffer; headers: Record<string, string> } {
  const boundary = `----zakupka${randomBytes(8).toString('hex')}`;
  const parts: Buffer[] = [];
  for (const [name, value] of Object.entries(fields)) {
    parts.push(
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`),
    );
  }
  parts.push(
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="${file.field ?? 'file'}"; filename="${file.name}"\r\n` +
        'Content-Type: application/octet-stream\r\n\r\n',
    ),
    Buffer.isBuffer(file.content) ? file.content : Buffer.from(file.content),
    Buffer.from(`\r\n--${boundary}--\r\n`),
  );
  return {
    payload: Buffer.concat(parts),
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
  };
}

/** Uploads a price list as the supplier (or, with `shopId`, as staff) and answers the 202 body. */
export async function uploadPriceList(
  t: TestApp,
  headers: Record<string, string>,
  content: string | Buffer,
  options: { fileName?: string; mode?: 'lenient' | 'strict'; shopId?: number } = {},
): Promise<{ id: number; status: string }> {
  const body = multipartBody(
    { name: options.fileName ?? 'price.yaml', content },
    options.mode ? { mode: options.mode } : {},
  );
  const res = await t.app.inject({
    method: 'POST',
    url: options.shopId ? `/api/v2/admin/shops/${options.shopId}/imports` : '/api/v2/supplier/imports',
    headers: { ...headers, ...body.headers },
    payload: body.payload,
  });
  expect(res.statusCode, res.body).toBe(202);
  return res.json();
}

/** Polls an import until it has finished; answers its detail. */
export async function waitForImport(
  t: TestApp,
  headers: Record<string, string>,
  id: number,
  path = '/api/v2/supplier/imports',
): Promise<ImportDetailBody> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const res = await t.app.inject({ method: 'GET', url: `${path}/${id}`, headers });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json() as ImportDetailBody;
    if (body.status === 'succeeded' || body.status === 'failed') return body;
    if (Date.now() > deadline) throw new Error(`import ${id} still ${body.status}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Upload and wait: the finished import. */
export async function importFile(
  t: TestApp,
  headers: Record<string, string>,
  content: string | Buffer,
  options: { fileName?: string; mode?: 'lenient' | 'strict' } = {},
): Promise<ImportDetailBody> {
  const { id } = await uploadPriceList(t, headers, content, options);
  return waitForImport(t, headers, id);
}

export interface ImportDetailBody {
  id: number;
  status: string;
  counts: {
    total: number;
    created: number;
    updated: number;
    unchanged: number;
    deactivated: number;
    rejected: number;
  };
  shop_renamed: { from: string; to: string } | null;
  error: { code: string; message: string } | null;
  report: {
    row: number;
    line: number | null;
    good_id: string | null;
    field: string | null;
    code: string;
    message: string;
  }[];
  [key: string]: unknown;
}
