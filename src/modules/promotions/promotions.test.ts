import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authHeader } from '../../../test/factories/accounts.ts';
import { createOffer, createShop, findOrCreateCategory } from '../../../test/factories/catalog.ts';
import { createPromotionRow } from '../../../test/factories/promotions.ts';
import { createUser } from '../../../test/factories.ts';
import { buildTestApp, type TestApp } from '../../../test/helpers/app.ts';

let t: TestApp;
let staff: { authorization: string };
let buyer: { authorization: string };
let categoryId: number;

const DAY = 86_400_000;
const iso = (offsetDays: number) => new Date(Date.now() + offsetDays * DAY).toISOString();

beforeAll(async () => {
  t = await buildTestApp({ workers: false });
  staff = await authHeader(t, await createUser(t.runtime, { role: 'staff' }));
  buyer = await authHeader(t, await createUser(t.runtime, { role: 'buyer' }));
  categoryId = await findOrCreateCategory(t.runtime, 'Смартфоны');
});
afterAll(() => t?.close());

function post(payload: Record<string, unknown>, headers = staff) {
  return t.app.inject({ method: 'POST', url: '/api/v2/admin/promotions', headers, payload });
}

const valid = () => ({
  name: 'Смартфоны −10 %',
  starts_at: iso(-1),
  ends_at: iso(7),
  targets: { category_ids: [categoryId] },
  discount_kind: 'percent',
  discount_value: '10',
});

function fields(res: { json(): { errors?: { field: string }[] } }) {
  return (res.json().errors ?? []).map((e) => e.field).sort();
}

describe('staff promotions', () => {
  it('creates, reads, changes and deletes a promotion', async () => {
    const created = await post({ ...valid(), min_line_quantity: 2, min_order_amount: '1000', priority: 5 });
    expect(created.statusCode, created.body).toBe(201);
    const body = created.json();
    expect(body).toMatchObject({
      name: 'Смартфоны −10 %',
      enabled: true,
      state: 'active',
      targets: { all: false, category_ids: [categoryId], product_ids: [], shop_ids: [] },
      discount_kind: 'percent',
      discount_value: '10.00',
      min_line_quantity: 2,
      min_order_amount: '1000.00',
      priority: 5,
    });

    const read = await t.app.inject({
      method: 'GET',
      url: `/api/v2/admin/promotions/${body.id}`,
      headers: staff,
    });
    expect(read.json()).toEqual(body);

    const patched = await t.app.inject({
      method: 'PATCH',
      url: `/api/v2/admin/promotions/${body.id}`,
      headers: staff,
      payload: { enabled: false, discount_kind: 'fixed', discount_value: '150.5', min_order_amount: null },
    });
    expect(patched.statusCode, patched.body).toBe(200);
    expect(patched.json()).toMatchObject({
      enabled: false,
      state: 'disabled',
      discount_kind: 'fixed',
      discount_value: '150.50',
      min_order_amount: null,
      name: 'Смартфоны −10 %',
    });

    const deleted = await t.app.inject({
      method: 'DELETE',
      url: `/api/v2/admin/promotions/${body.id}`,
      headers: staff,
    });
    expect(deleted.statusCode).toBe(204);
    const gone = await t.app.inject({
      method: 'GET',
      url: `/api/v2/admin/promotions/${body.id}`,
      headers: staff,
    });
    expect(gone.statusCode).toBe(404);
    expect(gone.json().code).toBe('promotion_not_found');
  });

  it('targets everything, products and shops, and refuses unknown ids', async () => {
    const shop = await createShop(t.runtime);
    const offer = await createOffer(t.runtime, { shopId: shop.id, price: 100, quantity: 1 });
    const all = await post({ ...valid(), targets: { all: true } });
    expect(all.statusCode, all.body).toBe(201);
    expect(all.json().targets).toEqual({ all: true, category_ids: [], product_ids: [], shop_ids: [] });
    const some = await post({ ...valid(), targets: { product_ids: [offer.productId], shop_ids: [shop.id] } });
    expect(some.statusCode, some.body).toBe(201);

    const unknown = await post({
      ...valid(),
      targets: { category_ids: [categoryId, 999_999], shop_ids: [888_888] },
    });
    expect(unknown.statusCode).toBe(400);
    expect(fields(unknown)).toEqual(['body.targets.category_ids', 'body.targets.shop_ids']);
    expect(unknown.json().errors[0].message).toContain('999999');

    const none = await post({ ...valid(), targets: {} });
    expect(fields(none)).toEqual(['body.targets']);
    const both = await post({ ...valid(), targets: { all: true, category_ids: [categoryId] } });
    expect(fields(both)).toEqual(['body.targets']);
  });

  it('refuses an end before the start, a percent over 100 and negative amounts, field by field', async () => {
    const backwards = await post({ ...valid(), starts_at: iso(3), ends_at: iso(1) });
    expect(backwards.statusCode).toBe(400);
    expect(backwards.json().code).toBe('validation_failed');
    expect(fields(backwards)).toEqual(['body.ends_at']);
    expect(backwards.json().errors[0].message).toBe('Окончание должно быть позже начала');

    const instant = iso(1);
    const equal = await post({ ...valid(), starts_at: instant, ends_at: instant });
    expect(equal.statusCode).toBe(400);

    const percent = await post({ ...valid(), discount_value: '100.01' });
    expect(fields(percent)).toEqual(['body.discount_value']);
    expect((await post({ ...valid(), discount_value: '100' })).statusCode).toBe(201);

    const negative = await post(
      { ...valid(), discount_kind: 'fixed', discount_value: '-5', min_order_amount: '-0.01' },
      { ...staff, 'accept-language': 'en' } as typeof staff,
    );
    expect(negative.statusCode).toBe(400);
    expect(fields(negative)).toEqual(['body.discount_value', 'body.min_order_amount']);
    expect(negative.json().errors.map((e: { message: string }) => e.message)).toEqual([
      'Must not be negative',
      'Must not be negative',
    ]);
    const zero = await post({ ...valid(), discount_kind: 'fixed', discount_value: '0' });
    expect(fields(zero)).toEqual(['body.discount_value']);

    const malformed = await post({ ...valid(), discount_value: '12.345', min_line_quantity: 0 });
    expect(fields(malformed)).toEqual(['body.discount_value', 'body.min_line_quantity']);
  });

  it('checks a change against the promotion as it stands', async () => {
    const created = (await post({ ...valid(), starts_at: iso(2), ends_at: iso(9) })).json();
    const res = await t.app.inject({
      method: 'PATCH',
      url: `/api/v2/admin/promotions/${created.id}`,
      headers: staff,
      payload: { ends_at: iso(1) },
    });
    expect(res.statusCode).toBe(400);
    expect(fields(res)).toEqual(['body.ends_at']);
    const kind = await t.app.inject({
      method: 'PATCH',
      url: `/api/v2/admin/promotions/${created.id}`,
      headers: staff,
      payload: { discount_kind: 'percent', discount_value: '250' },
    });
    expect(fields(kind)).toEqual(['body.discount_value']);
  });

  it('lists newest first, page by page, filtered by state and name', async () => {
    const marker = `Сезон ${Date.now()}`;
    const ids: number[] = [];
    for (let i = 0; i < 5; i += 1) {
      const res = await post({
        ...valid(),
        name: `${marker} ${i}`,
        ...(i === 4 ? { starts_at: iso(5), ends_at: iso(6) } : {}),
        ...(i === 3 ? { enabled: false } : {}),
      });
      ids.push(res.json().id);
    }
    const seen: number[] = [];
    let cursor: string | null = null;
    do {
      const url: string = `/api/v2/admin/promotions?limit=2&q=${encodeURIComponent(marker)}${cursor ? `&cursor=${cursor}` : ''}`;
      const res = await t.app.inject({ method: 'GET', url, headers: staff });
      expect(res.statusCode, res.body).toBe(200);
      const page: { items: { id: number }[]; next_cursor: string | null } = res.json();
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((p) => p.id));
      cursor = page.next_cursor;
    } while (cursor);
    expect(seen).toEqual([...ids].reverse());

    const scheduled = await t.app.inject({
      method: 'GET',
      url: `/api/v2/admin/promotions?state=scheduled&q=${encodeURIComponent(marker)}`,
      headers: staff,
    });
    expect(scheduled.json().items.map((p: { id: number; state: string }) => [p.id, p.state])).toEqual([
      [ids[4], 'scheduled'],
    ]);
    const disabled = await t.app.inject({
      method: 'GET',
      url: `/api/v2/admin/promotions?state=disabled&q=${encodeURIComponent(marker)}`,
      headers: staff,
    });
    expect(disabled.json().items.map((p: { id: number }) => p.id)).toEqual([ids[3]]);
    const active = await t.app.inject({
      method: 'GET',
      url: `/api/v2/admin/promotions?state=active&q=${encodeURIComponent(marker)}`,
      headers: staff,
    });
    expect(active.json().items.map((p: { id: number }) => p.id)).toEqual([ids[2], ids[1], ids[0]]);

    const bad = await t.app.inject({
      method: 'GET',
      url: '/api/v2/admin/promotions?cursor=zzz',
      headers: staff,
    });
    expect(bad.statusCode).toBe(400);
    expect(fields(bad)).toEqual(['query.cursor']);
  });

  it('reports an unused promotion’s usage as zero', async () => {
    const promotion = await createPromotionRow(t.runtime);
    const res = await t.app.inject({
      method: 'GET',
      url: `/api/v2/admin/promotions/${promotion.id}/usage`,
      headers: staff,
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({
      promotion_id: promotion.id,
      orders: 0,
      lines: 0,
      units: 0,
      discount_given: '0.00',
    });
  });

  it('is described in the OpenAPI document', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/docs/json' });
    expect(res.statusCode).toBe(200);
    const paths = Object.keys(res.json().paths);
    for (const path of [
      '/api/v2/admin/promotions',
      '/api/v2/admin/promotions/{id}/usage',
      '/api/v2/admin/coupons/batch',
      '/api/v2/admin/coupons/batch/{id}.csv',
      '/api/v2/basket/coupon',
    ]) {
      expect(paths).toContain(path);
    }
  });

  it('is for staff only', async () => {
    expect((await post(valid(), buyer)).statusCode).toBe(403);
    const anonymous = await t.app.inject({ method: 'GET', url: '/api/v2/admin/promotions' });
    expect(anonymous.statusCode).toBe(401);
  });
});
