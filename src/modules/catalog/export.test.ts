import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importFile } from '../../../test/factories/catalog.ts';
import { createBuyer, createStaff, createSupplier, type Supplier } from '../../../test/factories/orders.ts';
import { buildTestApp, type TestApp } from '../../../test/helpers/app.ts';

const SAMPLE = fs.readFileSync(new URL('../../../test/fixtures/shop1.yaml', import.meta.url), 'utf8');

let t: TestApp;
let supplier: Supplier;

beforeAll(async () => {
  t = await buildTestApp();
  supplier = await createSupplier(t);
  // Exact decimals and characters that need quoting survive the round trip.
  const tricky = SAMPLE.replace('price: 110000', 'price: 110000.50')
    .replace(
      'name: Смартфон Apple iPhone XR 256GB (черный)',
      'name: "Смартфон: iPhone XR 256GB #черный, \\"lux\\""',
    )
    .replace('"Цвет": золотистый', '"Цвет": "true"');
  expect((await importFile(t, supplier.headers, tricky)).status).toBe('succeeded');
});
afterAll(() => t?.close());

async function exportAs(format: string, headers = supplier.headers, url = '/api/v2/supplier/export') {
  const res = await t.app.inject({ method: 'GET', url: `${url}?format=${format}`, headers });
  expect(res.statusCode, res.body).toBe(200);
  return res;
}

describe('export', () => {
  it.each(['yaml', 'json'])('exports %s that imports back changing nothing', async (format) => {
    const res = await exportAs(format);
    expect(res.headers['content-disposition']).toMatch(
      new RegExp(`attachment; filename="shop-${supplier.shop.id}-.*\\.${format}"`),
    );
    const back = await importFile(t, supplier.headers, res.body, { fileName: `export.${format}` });
    expect(back.status).toBe('succeeded');
    expect(back.counts).toEqual({
      total: 14,
      created: 0,
      updated: 0,
      unchanged: 14,
      deactivated: 0,
      rejected: 0,
    });
    expect(back.shop_renamed).toBeNull();
    // And exporting again gives the same bytes.
    expect((await exportAs(format)).body).toBe(res.body);
  });

  it('writes YAML in the import format, amounts exact', async () => {
    const yaml = (await exportAs('yaml')).body;
    expect(yaml.startsWith('shop: Связной\ncategories:\n  - id: 224\n    name: Смартфоны\n')).toBe(true);
    expect(yaml).toContain(
      '  - id: 4216292\n    category: 224\n    model: apple/iphone/xs-max\n' +
        '    name: Смартфон Apple iPhone XS Max 512GB (золотистый)\n    price: 110000.50\n    price_rrc: 116990.00\n    quantity: 14\n',
    );
    expect(yaml).toContain('    name: "Смартфон: iPhone XR 256GB #черный, \\"lux\\""\n');
    expect(yaml).toContain('      Цвет: "true"\n');
    expect(yaml).toContain('      Диагональ (дюйм): 6.5\n');
  });

  it('writes CSV with one column per characteristic', async () => {
    const csv = (await exportAs('csv')).body;
    expect(csv.charCodeAt(0)).toBe(0xfeff);
    const [header, ...lines] = csv.slice(1).trimEnd().split('\r\n');
    const columns = header.split(',');
    expect(columns.slice(0, 8)).toEqual([
      'id',
      'category_id',
      'category',
      'model',
      'name',
      'price',
      'price_rrc',
      'quantity',
    ]);
    expect(columns).toEqual(
      expect.arrayContaining(['Диагональ (дюйм)', 'Smart TV', 'Color', 'Capacity (GB)']),
    );
    expect(lines).toHaveLength(14);
    const xsMax = lines.find((line) => line.startsWith('4216292,'))!.split(',');
    expect(xsMax[5]).toBe('110000.50');
    expect(xsMax[columns.indexOf('Диагональ (дюйм)')]).toBe('6.5');
    expect(xsMax[columns.indexOf('Smart TV')]).toBe('');
    expect(lines.some((line) => line.includes('"Смартфон: iPhone XR 256GB #черный, ""lux"""'))).toBe(true);
  });

  it('leaves deactivated goods out', async () => {
    const other = await createSupplier(t);
    const file =
      'shop: Мини\ncategories:\n  - id: 1\n    name: Разное\ngoods:\n  - id: a\n    category: 1\n    name: Первый\n    price: 1\n    quantity: 1\n  - id: b\n    category: 1\n    name: Второй\n    price: 2\n    quantity: 2\n';
    await importFile(t, other.headers, file);
    await importFile(t, other.headers, file.split('  - id: b')[0]);
    const yaml = (await exportAs('yaml', other.headers)).body;
    expect(yaml).toContain('name: Первый');
    expect(yaml).not.toContain('Второй');
  });

  it('prepares large exports as a job with a download', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v2/supplier/exports',
      headers: supplier.headers,
      payload: { format: 'csv' },
    });
    expect(res.statusCode).toBe(202);
    const { id } = res.json();
    let status = res.json().status;
    let view: { status: string; download_url: string | null; row_count: number | null } = res.json();
    for (let i = 0; i < 200 && status !== 'succeeded' && status !== 'failed'; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      view = (
        await t.app.inject({
          method: 'GET',
          url: `/api/v2/supplier/exports/${id}`,
          headers: supplier.headers,
        })
      ).json();
      status = view.status;
    }
    expect(view).toMatchObject({
      status: 'succeeded',
      row_count: 14,
      download_url: `/api/v2/supplier/exports/${id}/download`,
    });
    const file = await t.app.inject({ method: 'GET', url: view.download_url!, headers: supplier.headers });
    expect(file.statusCode).toBe(200);
    expect(file.body).toBe((await exportAs('csv')).body);
    // Not someone else's.
    const intruder = await createSupplier(t);
    const denied = await t.app.inject({ method: 'GET', url: view.download_url!, headers: intruder.headers });
    expect(denied.statusCode).toBe(404);
    const list = await t.app.inject({
      method: 'GET',
      url: '/api/v2/supplier/exports',
      headers: supplier.headers,
    });
    expect(list.json().items.map((e: { id: number }) => e.id)).toContain(id);
  });

  it('lets staff export any shop', async () => {
    const staff = await createStaff(t);
    const res = await exportAs('yaml', staff.headers, `/api/v2/admin/shops/${supplier.shop.id}/export`);
    expect(res.body).toBe((await exportAs('yaml')).body);
    const buyerless = await t.app.inject({
      method: 'GET',
      url: `/api/v2/admin/shops/${supplier.shop.id}/export`,
    });
    expect(buyerless.statusCode).toBe(401);
  });

  it('lets staff use the supplier export with a shop parameter, inline and as a job', async () => {
    const staff = await createStaff(t);
    const own = (await exportAs('json')).body;
    const inline = await t.app.inject({
      method: 'GET',
      url: `/api/v2/supplier/export?format=json&shop=${supplier.shop.id}`,
      headers: staff.headers,
    });
    expect(inline.statusCode, inline.body).toBe(200);
    expect(inline.body).toBe(own);
    // Staff have no shop of their own: the shop is required; an unknown one is 404.
    const unnamed = await t.app.inject({
      method: 'GET',
      url: '/api/v2/supplier/export',
      headers: staff.headers,
    });
    expect(unnamed.statusCode).toBe(422);
    expect(unnamed.json().code).toBe('shop_required');
    const unknown = await t.app.inject({
      method: 'GET',
      url: '/api/v2/supplier/export?shop=999999',
      headers: staff.headers,
    });
    expect(unknown.statusCode).toBe(404);
    // A supplier cannot reach another shop through the parameter.
    const intruder = await createSupplier(t);
    const denied = await t.app.inject({
      method: 'GET',
      url: `/api/v2/supplier/export?shop=${supplier.shop.id}`,
      headers: intruder.headers,
    });
    expect(denied.statusCode).toBe(404);
    const buyer = await t.app.inject({
      method: 'GET',
      url: `/api/v2/supplier/export?shop=${supplier.shop.id}`,
      headers: (await createBuyer(t)).headers,
    });
    expect(buyer.statusCode).toBe(403);

    const queued = await t.app.inject({
      method: 'POST',
      url: '/api/v2/supplier/exports',
      headers: staff.headers,
      payload: { format: 'json', shop: supplier.shop.id },
    });
    expect(queued.statusCode, queued.body).toBe(202);
    const { id } = queued.json();
    expect(queued.headers.location).toBe(`/api/v2/admin/exports/${id}`);
    expect(queued.json().shop_id).toBe(supplier.shop.id);
    let view = queued.json();
    for (let i = 0; i < 200 && view.status !== 'succeeded' && view.status !== 'failed'; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      view = (
        await t.app.inject({ method: 'GET', url: `/api/v2/admin/exports/${id}`, headers: staff.headers })
      ).json();
    }
    expect(view).toMatchObject({ status: 'succeeded', download_url: `/api/v2/admin/exports/${id}/download` });
    const file = await t.app.inject({ method: 'GET', url: view.download_url, headers: staff.headers });
    expect(file.body).toBe(own);
    const noShop = await t.app.inject({
      method: 'POST',
      url: '/api/v2/supplier/exports',
      headers: staff.headers,
      payload: { format: 'json' },
    });
    expect(noShop.statusCode).toBe(422);
  });
});
