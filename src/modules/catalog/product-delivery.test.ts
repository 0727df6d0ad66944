// The product page's expected delivery date per offer: computed per request from the shop's terms
// and the clock (the basket's function), while the page itself stays cached per catalog revision.
import { eq, sql } from 'drizzle-orm';
import { Value } from 'typebox/value';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOffer } from '../../../test/factories/catalog.ts';
import { createSupplier, type Supplier } from '../../../test/factories/orders.ts';
import { buildTestApp, type TestApp } from '../../../test/helpers/app.ts';
import { offers, shops } from '../../db/schema/catalog.ts';
import { ProductDetailSchema } from './catalog.schemas.ts';
import { getProductJson } from './catalog.service.ts';

let t: TestApp;
let dairy: Supplier;
let farm: Supplier;
let productId: number;

/** Thursday 3 December 2026, 15:00 in Moscow: past a 14:00 cut-off. */
const THURSDAY_AFTERNOON = new Date('2026-12-03T12:00:00Z');
/** Wednesday 2 December 2026, 10:00 in Moscow. */
const WEDNESDAY_MORNING = new Date('2026-12-02T07:00:00Z');

function setNow(at: Date) {
  t.clock.offsetMs = at.getTime() - Date.now();
}

async function patchTerms(supplier: Supplier, payload: object) {
  const res = await t.app.inject({
    method: 'PATCH',
    url: '/api/v2/supplier/shop',
    headers: supplier.headers,
    payload,
  });
  expect(res.statusCode, res.body).toBe(200);
}

beforeAll(async () => {
  t = await buildTestApp();
  setNow(THURSDAY_AFTERNOON);
  dairy = await createSupplier(t, { shop: { name: 'Молочный двор' } });
  farm = await createSupplier(t, { shop: { name: 'Ферма Ивановых' } });
  // Dairy: Tuesday and Thursday, one day's lead, 14:00 cut-off. Farm: every day, no lead, no cut-off.
  await patchTerms(dairy, { delivery_days: [2, 4], lead_time_days: 1, order_cutoff: '14:00' });
  await patchTerms(farm, { delivery_days: [1, 2, 3, 4, 5, 6, 7], lead_time_days: 0, order_cutoff: null });
  const milk = await createOffer(t.runtime, {
    shopId: dairy.shop.id,
    name: 'Кефир 1% 900 г',
    price: 80,
    quantity: 10,
  });
  await createOffer(t.runtime, { shopId: farm.shop.id, name: 'Кефир 1% 900 г', price: 95, quantity: 10 });
  productId = milk.productId;
});
afterAll(() => t?.close());

async function page(headers: Record<string, string> = {}) {
  return t.app.inject({ method: 'GET', url: `/api/v2/products/${productId}`, headers });
}

const datesOf = (body: { offers: { shop: { id: number }; expected_delivery_date: string }[] }) =>
  Object.fromEntries(body.offers.map((offer) => [offer.shop.id, offer.expected_delivery_date]));

describe('expected delivery date on the product page', () => {
  it('gives each offer its shop’s date for an order placed now, in the declared schema', async () => {
    setNow(THURSDAY_AFTERNOON);
    const res = await page();
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    // Dairy: past the cut-off → placed Friday, +1 → Saturday → next Tue/Thu: Tuesday 8 December.
    // Farm: today, Thursday 3 December.
    expect(datesOf(body)).toEqual({ [dairy.shop.id]: '2026-12-08', [farm.shop.id]: '2026-12-03' });
    expect(Value.Errors(ProductDetailSchema, body)).toEqual([]);
    expect(body.offers.map((offer: { price: string }) => offer.price)).toEqual(['80.00', '95.00']);
  });

  it('follows a change of the shop’s terms', async () => {
    setNow(THURSDAY_AFTERNOON);
    // Written straight to the table (as psql or another process would): the catalog revision moves.
    await t.runtime.db
      .update(shops)
      .set({ leadTimeDays: 2, deliveryDays: [1] })
      .where(eq(shops.id, farm.shop.id));
    // Thursday +2 → Saturday → next Monday, 7 December.
    expect(datesOf((await page()).json())[farm.shop.id]).toBe('2026-12-07');
  });

  it('moves with the clock while the catalog (and the cached page) stays the same', async () => {
    setNow(THURSDAY_AFTERNOON);
    const thursday = await page();
    const thursdayTag = thursday.headers.etag as string;
    expect(thursdayTag).toBeTruthy();
    // Same time, same page: the client's copy is still right.
    expect((await page({ 'if-none-match': thursdayTag })).statusCode).toBe(304);

    setNow(WEDNESDAY_MORNING);
    const wednesday = await page({ 'if-none-match': thursdayTag });
    // The dates changed, so the old copy is not "not modified".
    expect(wednesday.statusCode, wednesday.body).toBe(200);
    // Dairy: before the cut-off → placed Wednesday, +1 → Thursday 3 December. Farm (Mondays, two
    // days' lead): Friday → Monday 7 December.
    expect(datesOf(wednesday.json())).toEqual({
      [dairy.shop.id]: '2026-12-03',
      [farm.shop.id]: '2026-12-07',
    });
    expect(wednesday.headers.etag).not.toBe(thursdayTag);
    expect((await page({ 'if-none-match': wednesday.headers.etag as string })).statusCode).toBe(304);
  });

  it('still answers 404 for a product that is not there', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v2/products/999999' });
    expect(res.statusCode).toBe(404);
    expect(res.json().code).toBe('product_not_found');
  });

  it('is the database’s page as JSON.stringify writes it, whatever its strings hold', async () => {
    setNow(THURSDAY_AFTERNOON);
    // Quotes, backslashes, control characters, a slash, a line separator, astral and Cyrillic
    // letters: the template copies the database's strings as they are escaped there.
    const tricky = 'Кефир "Домик 1 л \\ C:\\dir\tтаб\nстрока \u0001\u001f / </script> 😀 \u2028 {[,:]}';
    const offer = await createOffer(t.runtime, {
      shopId: dairy.shop.id,
      name: tricky,
      model: `${tricky} модель`,
      price: 70,
      quantity: 1,
    });
    // Characteristics as catalog_refresh_offer_characteristics writes them (the database's JSON).
    await t.runtime.db
      .update(offers)
      .set({
        characteristics: sql`json_build_array(json_build_object('name', ${tricky}::text, 'value', 'a "b" \\ c', 'kind', 'text'))`,
      })
      .where(eq(offers.id, offer.id));
    const res = await t.app.inject({ method: 'GET', url: `/api/v2/products/${offer.productId}` });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    // The text is JSON.stringify's: the database's page parsed, each offer given its date last.
    const page = JSON.parse((await getProductJson(t.runtime.db, offer.productId)) as string);
    for (const [index, pageOffer] of page.offers.entries()) {
      pageOffer.expected_delivery_date = body.offers[index].expected_delivery_date;
    }
    expect(res.body).toBe(JSON.stringify(page));
    expect(body.offers.map((o: { name: string }) => o.name)).toContain(tricky);
    expect(body.offers[0].characteristics[0].name).toBe(tricky);
    expect(Value.Errors(ProductDetailSchema, body)).toEqual([]);
  });
});
