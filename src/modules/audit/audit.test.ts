// The audit trail through HTTP: the staff actions of promotions, coupons and catalog curation each
// leave one row with who, what and the values before and after, in the action's own transaction (a
// refused action leaves none); the list pages newest first and filters by actor, kind, object and
// time; it is for staff only.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authHeader } from '../../../test/factories/accounts.ts';
import { createOffer, createShop, findOrCreateCategory } from '../../../test/factories/catalog.ts';
import { createUser } from '../../../test/factories.ts';
import { buildTestApp, type TestApp } from '../../../test/helpers/app.ts';
import { parameters } from '../../db/schema/catalog.ts';

const DAY = 86_400_000;
const iso = (offsetDays: number) => new Date(Date.now() + offsetDays * DAY).toISOString();

let t: TestApp;
let staff: { authorization: string };
let staffId: number;
let other: { authorization: string };
let otherId: number;

beforeAll(async () => {
  t = await buildTestApp({ workers: false });
  const user = await createUser(t.runtime, { role: 'staff' });
  staffId = user.id;
  staff = await authHeader(t, user);
  const second = await createUser(t.runtime, { role: 'staff' });
  otherId = second.id;
  other = await authHeader(t, second);
});
afterAll(() => t?.close());

function call(
  method: 'POST' | 'PATCH' | 'DELETE',
  url: string,
  payload?: Record<string, unknown>,
  headers = staff,
) {
  return t.app.inject({ method, url, headers, payload });
}

async function trail(query: string, headers = staff) {
  const res = await t.app.inject({ method: 'GET', url: `/api/v2/admin/audit?${query}`, headers });
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as {
    items: {
      id: number;
      kind: string;
      actor_id: number;
      object_id: string;
      before: unknown;
      after: unknown;
    }[];
    next_cursor: string | null;
  };
}

describe('promotions and coupons', () => {
  it('records created, updated, ended and deleted', async () => {
    const category = await findOrCreateCategory(t.runtime, 'Смартфоны');
    const created = await call('POST', '/api/v2/admin/promotions', {
      name: 'Смартфоны −10 %',
      starts_at: iso(-1),
      ends_at: iso(7),
      targets: { category_ids: [category] },
      discount_kind: 'percent',
      discount_value: '10',
    });
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json().id;
    expect((await call('PATCH', `/api/v2/admin/promotions/${id}`, { discount_value: '15' })).statusCode).toBe(
      200,
    );
    expect((await call('PATCH', `/api/v2/admin/promotions/${id}`, { enabled: false })).statusCode).toBe(200);
    const refused = await call('PATCH', `/api/v2/admin/promotions/${id}`, { discount_value: '250' });
    expect(refused.statusCode).toBe(400);
    expect((await call('DELETE', `/api/v2/admin/promotions/${id}`)).statusCode).toBe(204);
    const rows = (await trail(`object_type=promotion&object_id=${id}`)).items;
    expect(rows.map((row) => row.kind)).toEqual([
      'promotion.deleted',
      'promotion.ended',
      'promotion.updated',
      'promotion.created',
    ]);
    expect(rows[2]).toMatchObject({
      actor_id: staffId,
      before: { discountValue: '10.00' },
      after: { discountValue: '15.00' },
    });
    expect(rows[1]).toMatchObject({ before: { enabled: true }, after: { enabled: false } });
  });

  it('records coupons and batches', async () => {
    const created = await call('POST', '/api/v2/admin/coupons', {
      code: `AUDIT-${Date.now()}`,
      discount_kind: 'fixed',
      discount_value: '500',
      ends_at: iso(30),
    });
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json().id;
    // A taken code is refused: no row.
    const taken = await call('POST', '/api/v2/admin/coupons', {
      code: created.json().code,
      discount_kind: 'fixed',
      discount_value: '500',
    });
    expect(taken.statusCode).toBe(409);
    expect((await call('PATCH', `/api/v2/admin/coupons/${id}`, { usage_limit: 10 }, other)).statusCode).toBe(
      200,
    );
    expect((await call('PATCH', `/api/v2/admin/coupons/${id}`, { enabled: false })).statusCode).toBe(200);
    const batch = await call('POST', '/api/v2/admin/coupons/batch', {
      count: 3,
      name: 'Рассылка',
      prefix: 'aud',
      discount_kind: 'fixed',
      discount_value: '300',
    });
    expect(batch.statusCode, batch.body).toBe(201);
    expect(
      (await trail(`object_type=coupon&object_id=${id}`)).items.map((row) => [row.kind, row.actor_id]),
    ).toEqual([
      ['coupon.ended', staffId],
      ['coupon.updated', otherId],
      ['coupon.created', staffId],
    ]);
    const batches = (await trail('kind=coupon.batch_created')).items;
    expect(batches).toEqual([
      expect.objectContaining({
        object_id: String(batch.json().batch.id),
        after: expect.objectContaining({ name: 'Рассылка', prefix: 'AUD', count: 3 }),
      }),
    ]);
  });
});

describe('catalog curation', () => {
  it('records category renames and merges, characteristic renames, kinds and merges', async () => {
    const shop = await createShop(t.runtime);
    await createOffer(t.runtime, { shopId: shop.id, price: '10', quantity: 1, categoryName: 'Флешки' });
    await createOffer(t.runtime, { shopId: shop.id, price: '10', quantity: 1, categoryName: 'Накопители' });
    const flash = await findOrCreateCategory(t.runtime, 'Флешки');
    const drives = await findOrCreateCategory(t.runtime, 'Накопители');
    expect(
      (await call('PATCH', `/api/v2/admin/categories/${flash}`, { name: 'Flash-накопители' })).statusCode,
    ).toBe(200);
    const clash = await call('PATCH', `/api/v2/admin/categories/${drives}`, { name: 'Flash-накопители' });
    expect(clash.statusCode).toBe(409);
    expect((await call('POST', `/api/v2/admin/categories/${drives}/merge`, { into: flash })).statusCode).toBe(
      200,
    );
    expect((await trail(`object_type=category&object_id=${flash}`)).items).toEqual([
      expect.objectContaining({
        kind: 'category.renamed',
        before: { name: 'Флешки' },
        after: { name: 'Flash-накопители' },
      }),
    ]);
    expect((await trail(`object_type=category&object_id=${drives}`)).items).toEqual([
      expect.objectContaining({
        kind: 'category.merged',
        after: expect.objectContaining({ merged_into_id: flash, products_moved: 1 }),
      }),
    ]);

    const [colour, colour2] = await t.runtime.db
      .insert(parameters)
      .values([
        { name: 'Цвет', normalizedName: 'цвет', kind: 'text' },
        { name: 'Цвет корпуса', normalizedName: 'цвет корпуса', kind: 'text' },
      ])
      .returning();
    expect(
      (await call('PATCH', `/api/v2/admin/parameters/${colour.id}`, { name: 'Цвет товара' })).statusCode,
    ).toBe(200);
    expect((await call('PATCH', `/api/v2/admin/parameters/${colour.id}`, { kind: 'text' })).statusCode).toBe(
      200,
    );
    expect(
      (await call('POST', `/api/v2/admin/parameters/${colour2.id}/merge`, { into: colour.id })).statusCode,
    ).toBe(200);
    expect(
      (await trail(`object_type=parameter&object_id=${colour.id}`)).items.map((row) => row.kind),
    ).toEqual(['parameter.kind_changed', 'parameter.renamed']);
    expect(
      (await trail(`object_type=parameter&object_id=${colour2.id}`)).items.map((row) => row.kind),
    ).toEqual(['parameter.merged']);
  });
});

describe('GET /api/v2/admin/audit', () => {
  it('pages newest first and filters by actor, kind and time', async () => {
    const all = await trail('limit=200');
    expect(all.items.length).toBeGreaterThan(5);
    const ids = all.items.map((row) => row.id);
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
    const walked: number[] = [];
    let cursor: string | null = null;
    do {
      const page = await trail(`limit=3${cursor ? `&cursor=${cursor}` : ''}`);
      walked.push(...page.items.map((row) => row.id));
      cursor = page.next_cursor;
    } while (cursor);
    expect(walked).toEqual(ids);
    expect((await trail(`actor_id=${otherId}`)).items.map((row) => row.kind)).toEqual(['coupon.updated']);
    expect((await trail(`from=${encodeURIComponent(iso(1))}`)).items).toEqual([]);
    expect((await trail(`to=${encodeURIComponent(iso(1))}&limit=200`)).items).toHaveLength(ids.length);
    const bad = await t.app.inject({ method: 'GET', url: '/api/v2/admin/audit?cursor=zzz', headers: staff });
    expect(bad.statusCode).toBe(400);
  });

  it('is for staff only', async () => {
    for (const role of ['buyer', 'supplier'] as const) {
      const headers = await authHeader(t, await createUser(t.runtime, { role }));
      const res = await t.app.inject({ method: 'GET', url: '/api/v2/admin/audit', headers });
      expect(res.statusCode).toBe(403);
    }
    expect((await t.app.inject({ method: 'GET', url: '/api/v2/admin/audit' })).statusCode).toBe(401);
  });
});
