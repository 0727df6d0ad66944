// Staff's shop list and imports of every shop, shop contacts on both sides, and the audit rows of a
// staff change of a shop and of an import staff started.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createShop, uploadPriceList, waitForImport } from '../../../test/factories/catalog.ts';
import { createBuyer, createStaff, createSupplier, type Supplier } from '../../../test/factories/orders.ts';
import { buildTestApp, type TestApp } from '../../../test/helpers/app.ts';
import { imports } from '../../db/schema/catalog.ts';

let t: TestApp;
let staff: Awaited<ReturnType<typeof createStaff>>;

beforeAll(async () => {
  t = await buildTestApp();
  staff = await createStaff(t);
});
afterAll(() => t?.close());

const get = (url: string, headers = staff.headers) => t.app.inject({ method: 'GET', url, headers });

describe('GET /api/v2/admin/shops', () => {
  it('lists every shop by id, filters by name and order acceptance, pages by cursor', async () => {
    const tag = `Лавка${Date.now()}`;
    const open = await createShop(t.runtime, { name: `${tag} открытая` });
    const closed = await createShop(t.runtime, { name: `${tag} закрытая`, acceptingOrders: false });
    const other = await createShop(t.runtime, { name: `${tag.toUpperCase()} ещё` });
    const ids = async (query: string) => {
      const res = await get(`/api/v2/admin/shops?${query}`);
      expect(res.statusCode, res.body).toBe(200);
      return (res.json().items as { id: number }[]).map((s) => s.id);
    };
    expect(await ids(`q=${encodeURIComponent(tag.toLowerCase())}`)).toEqual([open.id, closed.id, other.id]);
    expect(await ids(`q=${encodeURIComponent(tag)}&accepting_orders=false`)).toEqual([closed.id]);
    expect(await ids(`q=${encodeURIComponent(tag)}&accepting_orders=true`)).toEqual([open.id, other.id]);
    const first = (await get(`/api/v2/admin/shops?q=${encodeURIComponent(tag)}&limit=2`)).json();
    expect(first.items).toHaveLength(2);
    expect(first.items[0]).toMatchObject({
      id: open.id,
      owner_id: open.ownerId,
      offer_count: 0,
      contact_email: null,
    });
    const rest = (
      await get(`/api/v2/admin/shops?q=${encodeURIComponent(tag)}&limit=2&cursor=${first.next_cursor}`)
    ).json();
    expect(rest.items.map((s: { id: number }) => s.id)).toEqual([other.id]);
    expect(rest.next_cursor).toBeNull();
  });

  it('is for staff only', async () => {
    const buyer = await createBuyer(t);
    const supplier = await createSupplier(t);
    for (const who of [buyer, supplier]) {
      expect((await get('/api/v2/admin/shops', who.headers)).statusCode).toBe(403);
      expect((await get('/api/v2/admin/imports', who.headers)).statusCode).toBe(403);
    }
  });
});

describe('shop contacts', () => {
  let supplier: Supplier;
  beforeAll(async () => {
    supplier = await createSupplier(t);
  });

  it('the supplier sets them on its shop and staff see them', async () => {
    const res = await t.app.inject({
      method: 'PATCH',
      url: '/api/v2/supplier/shop',
      headers: supplier.headers,
      payload: {
        contact_email: ' Sales@Shop.example ',
        contact_phone: '+7 (495) 123-45-67',
        contact_person: 'Ольга',
      },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      contact_email: 'sales@shop.example',
      contact_phone: '+7 (495) 123-45-67',
      contact_person: 'Ольга',
    });
    const mine = (await get('/api/v2/supplier/shop', supplier.headers)).json();
    expect(mine.contact_person).toBe('Ольга');
    const seen = (await get(`/api/v2/admin/shops/${supplier.shop.id}`)).json();
    expect(seen.contact_email).toBe('sales@shop.example');
    // A supplier's own change is not a staff action: no audit row.
    const audit = (await get(`/api/v2/admin/audit?object_type=shop&object_id=${supplier.shop.id}`)).json();
    expect(audit.items).toEqual([]);

    const bad = await t.app.inject({
      method: 'PATCH',
      url: '/api/v2/supplier/shop',
      headers: supplier.headers,
      payload: { contact_email: 'not an email' },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0].field).toBe('body.contact_email');
  });

  it('staff change them with an audit row of what changed; a refused change leaves none', async () => {
    const res = await t.app.inject({
      method: 'PATCH',
      url: `/api/v2/admin/shops/${supplier.shop.id}`,
      headers: staff.headers,
      payload: { contact_person: 'Пётр', contact_phone: '', accepting_orders: false },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      contact_person: 'Пётр',
      contact_phone: null,
      accepting_orders: false,
    });
    const refused = await t.app.inject({
      method: 'PATCH',
      url: `/api/v2/admin/shops/${supplier.shop.id}`,
      headers: staff.headers,
      payload: { import_every_hours: 24 },
    });
    expect(refused.statusCode).toBe(422);
    const audit = (await get(`/api/v2/admin/audit?object_type=shop&object_id=${supplier.shop.id}`)).json();
    expect(audit.items).toEqual([
      expect.objectContaining({
        kind: 'shop.updated',
        actor_id: staff.user.id,
        before: { contact_person: 'Ольга', contact_phone: '+7 (495) 123-45-67', accepting_orders: true },
        after: { contact_person: 'Пётр', contact_phone: null, accepting_orders: false },
      }),
    ]);
  });
});

describe('GET /api/v2/admin/imports', () => {
  it('lists imports of every shop, filtered by shop, status and since; staff imports are audited', async () => {
    const a = await createSupplier(t);
    const b = await createSupplier(t);
    const started = await uploadPriceList(t, staff.headers, 'not: [a price list', { shopId: a.shop.id });
    const failed = await waitForImport(t, staff.headers, started.id, '/api/v2/admin/imports');
    expect(failed.status).toBe('failed');
    const longAgo = new Date(Date.now() - 3 * 86_400_000);
    const [old] = await t.runtime.db
      .insert(imports)
      .values({
        shopId: b.shop.id,
        source: 'url',
        status: 'failed',
        createdAt: longAgo,
        url: 'http://x.test/p.yaml',
      })
      .returning();
    const [ok] = await t.runtime.db
      .insert(imports)
      .values({ shopId: b.shop.id, source: 'url', status: 'succeeded', url: 'http://x.test/p.yaml' })
      .returning();

    const ids = async (query: string) => {
      const res = await get(`/api/v2/admin/imports?${query}`);
      expect(res.statusCode, res.body).toBe(200);
      return (res.json().items as { id: number }[]).map((i) => i.id);
    };
    const since = new Date(Date.now() - 86_400_000).toISOString();
    expect(await ids(`shop_id=${b.shop.id}`)).toEqual([ok.id, old.id]);
    expect(await ids(`shop_id=${a.shop.id}&status=failed`)).toEqual([started.id]);
    const failedLastDay = await ids(`status=failed&since=${encodeURIComponent(since)}`);
    expect(failedLastDay).toContain(started.id);
    expect(failedLastDay).not.toContain(old.id);
    expect(failedLastDay).not.toContain(ok.id);
    const page = (await get(`/api/v2/admin/imports?shop_id=${b.shop.id}&limit=1`)).json();
    expect(
      (await get(`/api/v2/admin/imports?shop_id=${b.shop.id}&limit=1&cursor=${page.next_cursor}`)).json()
        .items[0].id,
    ).toBe(old.id);
    expect((await get('/api/v2/admin/imports?since=yesterday')).statusCode).toBe(400);

    const audit = (await get(`/api/v2/admin/audit?kind=import.started&object_id=${started.id}`)).json();
    expect(audit.items).toEqual([
      expect.objectContaining({
        actor_id: staff.user.id,
        object_type: 'import',
        after: expect.objectContaining({ shop_id: a.shop.id, source: 'upload' }),
      }),
    ]);
  });
});
