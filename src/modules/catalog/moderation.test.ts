// Moderation through HTTP: staff hide an offer or a whole product; it vanishes from every public read
// (also one the read cache answered before), cannot be put in a basket or ordered, the supplier sees
// why, a re-import keeps it hidden, showing it again brings it back; every change is audited.
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importFile } from '../../../test/factories/catalog.ts';
import {
  addToBasket,
  type Buyer,
  checkoutRequest,
  createBuyer,
  createStaff,
  createSupplier,
  type Supplier,
} from '../../../test/factories/orders.ts';
import { buildTestApp, type TestApp } from '../../../test/helpers/app.ts';

const SAMPLE = fs.readFileSync(new URL('../../../test/fixtures/shop1.yaml', import.meta.url), 'utf8');
const XS_MAX = '4216292';
const XR_RED = '4216313';

let t: TestApp;
let staff: Awaited<ReturnType<typeof createStaff>>;
let supplier: Supplier;
let buyer: Buyer;
let offerIds: Map<string, { id: number; productId: number; name: string }>;

beforeAll(async () => {
  t = await buildTestApp();
  staff = await createStaff(t);
  supplier = await createSupplier(t);
  buyer = await createBuyer(t);
  const done = await importFile(t, supplier.headers, SAMPLE);
  expect(done.status).toBe('succeeded');
  const list = await t.app.inject({
    method: 'GET',
    url: '/api/v2/supplier/offers?limit=200',
    headers: supplier.headers,
  });
  expect(list.statusCode, list.body).toBe(200);
  offerIds = new Map(
    list
      .json()
      .items.map((o: { external_id: string; id: number; product_id: number; name: string }) => [
        o.external_id,
        { id: o.id, productId: o.product_id, name: o.name },
      ]),
  );
  expect(offerIds.size).toBe(14);
});
afterAll(() => t?.close());

const get = (url: string, headers: Record<string, string> = {}) =>
  t.app.inject({ method: 'GET', url, headers });

/** Every public read that could show the offer, as ids or names seen. */
async function publicSight(offer: { id: number; productId: number; name: string }) {
  const products = (await get('/api/v2/products?limit=200')).json().items.map((p: { id: number }) => p.id);
  const search = (await get(`/api/v2/products?q=${encodeURIComponent('iphone')}&limit=200`)).json();
  const flat = (await get(`/api/v2/offers?shop=${supplier.shop.id}&limit=200`))
    .json()
    .items.map((o: { id: number }) => o.id);
  const page = await get(`/api/v2/products/${offer.productId}`);
  const v1 = (await get(`/api/v1/products?shop_id=${supplier.shop.id}`))
    .json()
    .map((o: { id: number }) => o.id);
  const facets = (await get('/api/v2/products/facets')).json();
  return {
    listed: products.includes(offer.productId),
    searched: search.items.some((p: { id: number }) => p.id === offer.productId),
    flat: flat.includes(offer.id),
    page: page.statusCode === 200 && JSON.stringify(page.json()).includes(`"id":${offer.id}`),
    v1: v1.includes(offer.id),
    facets: JSON.stringify(facets),
  };
}

function moderate(
  kind: 'offers' | 'products',
  id: number,
  body: Record<string, unknown>,
  headers = staff.headers,
) {
  return t.app.inject({ method: 'PATCH', url: `/api/v2/admin/${kind}/${id}`, headers, payload: body });
}

describe('hiding an offer', () => {
  it('vanishes from every public read, basket and checkout; the supplier sees why; a re-import keeps it hidden', async () => {
    const offer = offerIds.get(XS_MAX)!;
    const before = await publicSight(offer);
    expect(before).toMatchObject({ listed: true, searched: true, flat: true, page: true, v1: true });
    expect(before.facets).toContain('512');
    await addToBasket(t, buyer, offer.id, 1);

    const hidden = await moderate('offers', offer.id, { hidden: true, hidden_reason: 'Подделка' });
    expect(hidden.statusCode, hidden.body).toBe(200);
    expect(hidden.json()).toMatchObject({
      hidden: true,
      hidden_reason: 'Подделка',
      shown: false,
      in_price_list: true,
    });

    // The same reads, answered before from the cache, now leave it out.
    const after = await publicSight(offer);
    expect(after).toMatchObject({ listed: false, searched: false, flat: false, page: false, v1: false });
    expect(after.facets).not.toContain('512');

    const basket = (await get('/api/v2/basket', buyer.headers)).json();
    const line = basket.groups
      .flatMap((group: { lines: { offer_id: number; problems: string[] }[] }) => group.lines)
      .find((l: { offer_id: number }) => l.offer_id === offer.id);
    expect(line.problems).toEqual(['offer_unavailable']);
    expect(basket.has_blocking_problems).toBe(true);
    const refusedAdd = await t.app.inject({
      method: 'POST',
      url: '/api/v2/basket/items',
      headers: buyer.headers,
      payload: { offer_id: offer.id, quantity: 1 },
    });
    expect(refusedAdd.statusCode).toBe(409);
    expect(refusedAdd.json().code).toBe('offer_unavailable');
    const checkout = await checkoutRequest(t, buyer);
    expect(checkout.statusCode).toBe(409);
    expect(JSON.stringify(checkout.json())).toContain('offer_unavailable');

    const mine = (await get('/api/v2/supplier/offers?hidden=true', supplier.headers)).json();
    expect(mine.items).toEqual([
      expect.objectContaining({ id: offer.id, hidden: true, hidden_reason: 'Подделка' }),
    ]);
    const visible = (await get('/api/v2/supplier/offers?hidden=false&limit=200', supplier.headers)).json();
    expect(visible.items).toHaveLength(13);

    // The same price list again (prices changed too): the offer stays hidden.
    const changed = SAMPLE.replace('price: 110000', 'price: 109000');
    expect((await importFile(t, supplier.headers, changed)).status).toBe('succeeded');
    expect(await publicSight(offer)).toMatchObject({ listed: false, flat: false, page: false, v1: false });
    const staffView = (await get(`/api/v2/admin/products/${offer.productId}`, staff.headers)).json();
    expect(staffView.offers).toEqual([
      expect.objectContaining({
        id: offer.id,
        hidden: true,
        shown: false,
        price: '109000.00',
        in_price_list: true,
      }),
    ]);

    const shown = await moderate('offers', offer.id, { hidden: false });
    expect(shown.json()).toMatchObject({ hidden: false, hidden_reason: null, shown: true });
    expect(await publicSight(offer)).toMatchObject({
      listed: true,
      searched: true,
      flat: true,
      page: true,
      v1: true,
    });

    const audit = (
      await get(`/api/v2/admin/audit?object_type=offer&object_id=${offer.id}`, staff.headers)
    ).json();
    expect(audit.items.map((e: { kind: string; note: string | null }) => [e.kind, e.note])).toEqual([
      ['offer.shown', null],
      ['offer.hidden', 'Подделка'],
    ]);
  });

  it('stays out of the catalog when its good leaves the price list and is shown again meanwhile', async () => {
    const offer = offerIds.get(XR_RED)!;
    expect((await moderate('offers', offer.id, { hidden: true })).statusCode).toBe(200);
    const without = SAMPLE.replace(/ {2}- id: 4216313\n(?: {4}.*\n| {6}.*\n)+/, '');
    expect(without).not.toContain('4216313');
    expect((await importFile(t, supplier.headers, without)).status).toBe('succeeded');
    const shown = await moderate('offers', offer.id, { hidden: false });
    expect(shown.json()).toMatchObject({ hidden: false, in_price_list: false, shown: false });
    expect((await publicSight(offer)).flat).toBe(false);
    // Back in the price list: shown.
    expect((await importFile(t, supplier.headers, SAMPLE)).status).toBe('succeeded');
    expect((await publicSight(offer)).flat).toBe(true);
  });
});

describe('hiding a product', () => {
  it('hides every offer of it, keeps it hidden through a re-import, and lists it for staff', async () => {
    const offer = offerIds.get(XS_MAX)!;
    const res = await moderate('products', offer.productId, {
      hidden: true,
      hidden_reason: 'Запрещённый товар',
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      hidden: true,
      hidden_reason: 'Запрещённый товар',
      offer_count: 0,
      offers_total: 1,
    });
    expect(await publicSight(offer)).toMatchObject({ listed: false, flat: false, page: false, v1: false });
    expect(
      (await importFile(t, supplier.headers, SAMPLE.replace('quantity: 14', 'quantity: 15'))).status,
    ).toBe('succeeded');
    expect(await publicSight(offer)).toMatchObject({ listed: false, flat: false, page: false, v1: false });
    const mine = (await get('/api/v2/supplier/offers?hidden=true', supplier.headers)).json();
    expect(mine.items).toEqual([
      expect.objectContaining({ id: offer.id, hidden: true, hidden_reason: 'Запрещённый товар' }),
    ]);

    const hiddenList = (await get('/api/v2/admin/products?hidden=true', staff.headers)).json();
    expect(hiddenList.items.map((p: { id: number }) => p.id)).toEqual([offer.productId]);
    const byName = (
      await get(
        `/api/v2/admin/products?q=${encodeURIComponent('xs max')}&shop_id=${supplier.shop.id}`,
        staff.headers,
      )
    ).json();
    expect(byName.items.map((p: { id: number }) => p.id)).toEqual([offer.productId]);
    const all = (await get('/api/v2/admin/products?limit=5', staff.headers)).json();
    expect(all.items).toHaveLength(5);
    const rest = (
      await get(`/api/v2/admin/products?limit=200&cursor=${all.next_cursor}`, staff.headers)
    ).json();
    expect(all.items.length + rest.items.length).toBe(14);

    expect((await moderate('products', offer.productId, { hidden: false })).json()).toMatchObject({
      hidden: false,
      offer_count: 1,
    });
    expect(await publicSight(offer)).toMatchObject({ listed: true, flat: true, page: true, v1: true });
    const audit = (
      await get(`/api/v2/admin/audit?object_type=product&object_id=${offer.productId}`, staff.headers)
    ).json();
    expect(audit.items.map((e: { kind: string }) => e.kind)).toEqual(['product.shown', 'product.hidden']);
  });

  it('filters products by category, the supplier’s offers by text, and pages categories with counts', async () => {
    const categories = (await get('/api/v2/admin/categories?limit=2', staff.headers)).json();
    expect(categories.items).toHaveLength(2);
    const rest = (
      await get(`/api/v2/admin/categories?limit=50&cursor=${categories.next_cursor}`, staff.headers)
    ).json();
    const all = [...categories.items, ...rest.items] as {
      id: number;
      name: string;
      product_count: number;
      products_total: number;
    }[];
    expect(all.map((c) => c.name).sort()).toEqual(
      ['Flash-накопители', 'Аксессуары', 'Смартфоны', 'Телевизоры'].sort(),
    );
    const phones = all.find((c) => c.name === 'Смартфоны')!;
    expect(phones.product_count).toBeGreaterThan(0);
    expect(phones.products_total).toBe(phones.product_count);
    expect((await get('/api/v2/admin/categories?q=смарт', staff.headers)).json().items).toEqual([
      expect.objectContaining({ id: phones.id }),
    ]);
    const inPhones = (
      await get(`/api/v2/admin/products?category_id=${phones.id}&limit=200`, staff.headers)
    ).json();
    expect(inPhones.items).toHaveLength(phones.products_total);
    expect(inPhones.items.every((p: { category: { id: number } }) => p.category.id === phones.id)).toBe(true);
    const found = (await get(`/api/v2/supplier/offers?q=${XR_RED}`, supplier.headers)).json();
    expect(found.items.map((o: { external_id: string }) => o.external_id)).toEqual([XR_RED]);
    const byName = (
      await get(`/api/v2/supplier/offers?q=${encodeURIComponent('xs max')}`, supplier.headers)
    ).json();
    expect(byName.items.map((o: { external_id: string }) => o.external_id)).toEqual([XS_MAX]);
    const first = (await get('/api/v2/supplier/offers?limit=10', supplier.headers)).json();
    const second = (
      await get(`/api/v2/supplier/offers?limit=10&cursor=${first.next_cursor}`, supplier.headers)
    ).json();
    expect(first.items.length + second.items.length).toBe(14);
    expect(second.next_cursor).toBeNull();
    // Staff's shop list counts the goods of the latest price list, hidden ones too.
    const shopsList = (await get('/api/v2/admin/shops?limit=200', staff.headers)).json();
    const counts = Object.fromEntries(
      shopsList.items.map((shop: { id: number; offer_count: number }) => [shop.id, shop.offer_count]),
    );
    expect(counts[supplier.shop.id]).toBe(14);
    expect(Object.values(counts).filter((count) => count === 0)).toHaveLength(shopsList.items.length - 1);
  });

  it('refuses buyers and suppliers, and unknown ids', async () => {
    const offer = offerIds.get(XS_MAX)!;
    for (const who of [buyer, supplier]) {
      expect((await moderate('offers', offer.id, { hidden: true }, who.headers)).statusCode).toBe(403);
      expect((await moderate('products', offer.productId, { hidden: true }, who.headers)).statusCode).toBe(
        403,
      );
      expect((await get('/api/v2/admin/products', who.headers)).statusCode).toBe(403);
    }
    expect((await get('/api/v2/supplier/offers', buyer.headers)).statusCode).toBe(403);
    expect((await moderate('offers', 999_999, { hidden: true })).statusCode).toBe(404);
    expect((await moderate('products', 999_999, { hidden: true })).statusCode).toBe(404);
    const other = await createSupplier(t);
    expect((await get('/api/v2/supplier/offers', other.headers)).json().items).toEqual([]);
  });
});

describe('a hidden product in another supplier’s price list', () => {
  it('gets that supplier’s new offer hidden too, and shown with the product', async () => {
    const offer = offerIds.get(XR_RED)!;
    expect((await moderate('products', offer.productId, { hidden: true })).statusCode).toBe(200);
    const other = await createSupplier(t);
    expect((await importFile(t, other.headers, SAMPLE)).status).toBe('succeeded');
    const theirs = async () =>
      (await get('/api/v2/supplier/offers?limit=200', other.headers)).json().items as {
        external_id: string;
        id: number;
        product_id: number;
        shown: boolean;
      }[];
    const brought = (await theirs()).find((o) => o.external_id === XR_RED)!;
    expect(brought).toMatchObject({ product_id: offer.productId, shown: false });
    expect((await theirs()).filter((o) => o.shown)).toHaveLength(13);
    const v1 = async () =>
      (await get(`/api/v1/products?shop_id=${other.shop.id}`)).json().map((o: { id: number }) => o.id);
    expect(await v1()).not.toContain(brought.id);
    expect(await v1()).toHaveLength(13);
    expect((await get(`/api/v2/products/${offer.productId}`)).statusCode).toBe(404);

    expect((await moderate('products', offer.productId, { hidden: false })).json()).toMatchObject({
      hidden: false,
      offer_count: 2,
    });
    expect((await theirs()).find((o) => o.external_id === XR_RED)).toMatchObject({ shown: true });
    expect(await v1()).toContain(brought.id);
  });
});
