// Quick order through HTTP: typed lines, a CSV and an XLSX file, matched by the supplier's good id,
// the exact name, then search; matched lines fill the basket, the rest come back with the reason.
import { crc32 } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOffer, multipartBody } from '../../../test/factories/catalog.ts';
import { type Buyer, createBuyer, createSupplier } from '../../../test/factories/orders.ts';
import { buildTestApp, type TestApp } from '../../../test/helpers/app.ts';
import type { Offer } from '../../db/schema/catalog.ts';
import { readXlsxRows } from '../../lib/xlsx.ts';

let t: TestApp;
let kefir: Offer;
let kefirOther: Offer;
let butter: Offer;

beforeAll(async () => {
  t = await buildTestApp();
  const dairy = await createSupplier(t, { shop: { name: 'Молзавод' } });
  const other = await createSupplier(t, { shop: { name: 'Опт' } });
  kefir = await createOffer(t.runtime, {
    shopId: dairy.shop.id,
    name: 'Кефир Простоквашино 2,5% 930 мл',
    externalId: 'KF-930',
    price: '99.00',
    quantity: 100,
  });
  kefirOther = await createOffer(t.runtime, {
    shopId: other.shop.id,
    name: 'Кефир Простоквашино 2,5% 930 мл',
    externalId: 'x-1',
    price: '89.00',
    quantity: 100,
  });
  butter = await createOffer(t.runtime, {
    shopId: dairy.shop.id,
    name: 'Масло сливочное Вологодское 82,5%',
    price: '250.00',
    quantity: 40,
  });
  await createOffer(t.runtime, {
    shopId: dairy.shop.id,
    name: 'Сыр Гауда 45%',
    price: '700.00',
    quantity: 10,
  });
  await createOffer(t.runtime, {
    shopId: other.shop.id,
    name: 'Сыр Маасдам 45%',
    price: '800.00',
    quantity: 10,
  });
});
afterAll(() => t?.close());

/** A minimal XLSX: stored (uncompressed) ZIP entries, one sheet of inline strings and numbers. */
function xlsx(rows: (string | number)[][]): Buffer {
  const cells = rows
    .map((row, r) => {
      const body = row
        .map((value, c) => {
          const ref = `${String.fromCharCode(65 + c)}${r + 1}`;
          return typeof value === 'number'
            ? `<c r="${ref}"><v>${value}</v></c>`
            : `<c r="${ref}" t="inlineStr"><is><t>${value.replace(/&/g, '&amp;').replace(/</g, '&lt;')}</t></is></c>`;
        })
        .join('');
      return `<row r="${r + 1}">${body}</row>`;
    })
    .join('');
  const files: [string, string][] = [
    [
      '[Content_Types].xml',
      '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>',
    ],
    [
      'xl/worksheets/sheet1.xml',
      `<?xml version="1.0"?><worksheet><sheetData>${cells}</sheetData></worksheet>`,
    ],
  ];
  const locals: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const [name, text] of files) {
    const data = Buffer.from(text, 'utf8');
    const nameBytes = Buffer.from(name, 'utf8');
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    locals.push(local, nameBytes, data);
    const entry = Buffer.alloc(46);
    entry.writeUInt32LE(0x02014b50, 0);
    entry.writeUInt16LE(20, 4);
    entry.writeUInt16LE(20, 6);
    entry.writeUInt32LE(crc, 16);
    entry.writeUInt32LE(data.length, 20);
    entry.writeUInt32LE(data.length, 24);
    entry.writeUInt16LE(nameBytes.length, 28);
    entry.writeUInt32LE(offset, 42);
    central.push(entry, nameBytes);
    offset += 30 + nameBytes.length + data.length;
  }
  const directory = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(files.length, 8);
  end.writeUInt16LE(files.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

async function upload(buyer: Buyer, name: string, content: string | Buffer) {
  const { payload, headers } = multipartBody({ name, content, field: 'file' });
  return t.app.inject({
    method: 'POST',
    url: '/api/v2/basket/quick-order',
    headers: { ...buyer.headers, ...headers },
    payload,
  });
}

describe('quick order', () => {
  it('matches typed lines by good id, exact name and search; reports the rest', async () => {
    const buyer = await createBuyer(t);
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v2/basket/quick-order',
      headers: buyer.headers,
      payload: {
        text: [
          'Артикул; Количество',
          'KF-930; 3',
          'масло сливочное вологодское 82,5%; 2 шт',
          'сыр; 1',
          'Ананас консервированный; 4',
          'KF-930; много',
          '',
        ].join('\n'),
      },
    });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body.matched).toEqual([
      expect.objectContaining({
        line: 2,
        product_id: kefir.productId,
        quantity: 3,
        matched_by: 'external_id',
      }),
      expect.objectContaining({ line: 3, product_id: butter.productId, quantity: 2, matched_by: 'name' }),
    ]);
    expect(body.ambiguous).toEqual([
      expect.objectContaining({ line: 4, query: 'сыр', candidates: expect.any(Array) }),
    ]);
    expect(body.ambiguous[0].candidates.map((c: { name: string }) => c.name).sort()).toEqual([
      'Сыр Гауда 45%',
      'Сыр Маасдам 45%',
    ]);
    expect(body.unmatched).toEqual([expect.objectContaining({ line: 5, reason: 'not_found' })]);
    expect(body.invalid).toEqual([expect.objectContaining({ line: 6, reason: 'bad_quantity' })]);
    // The coded supplier's offer, though another is cheaper.
    expect(body.added).toEqual([
      expect.objectContaining({ offer_id: kefir.id, quantity: 3 }),
      expect.objectContaining({ offer_id: butter.id, quantity: 2 }),
    ]);
    expect(body.basket.items_count).toBe(2);
  });

  it('reads a CSV file (search picks the one clear hit, the best offer)', async () => {
    const buyer = await createBuyer(t);
    const res = await upload(
      buyer,
      'order.csv',
      '\ufeffНазвание,Количество\r\n"Кефир Простоквашино",5\r\nГауда,1\r\n',
    );
    expect(res.statusCode, res.body).toBe(200);
    expect(
      res.json().matched.map((m: { matched_by: string; quantity: number }) => [m.matched_by, m.quantity]),
    ).toEqual([
      ['search', 5],
      ['search', 1],
    ]);
    expect(res.json().added[0]).toMatchObject({ offer_id: kefirOther.id, shop_name: 'Опт' });
  });

  it('reads an XLSX file; an unreadable one is a 400', async () => {
    const file = xlsx([
      ['Артикул', 'Кол-во'],
      ['KF-930', 7],
      ['Масло сливочное Вологодское 82,5%', 1],
    ]);
    expect(readXlsxRows(file)).toEqual([
      ['Артикул', 'Кол-во'],
      ['KF-930', '7'],
      ['Масло сливочное Вологодское 82,5%', '1'],
    ]);
    const buyer = await createBuyer(t);
    const res = await upload(buyer, 'order.xlsx', file);
    expect(res.statusCode, res.body).toBe(200);
    expect(
      res.json().matched.map((m: { product_id: number; quantity: number }) => [m.product_id, m.quantity]),
    ).toEqual([
      [kefir.productId, 7],
      [butter.productId, 1],
    ]);
    const broken = await upload(buyer, 'broken.xlsx', Buffer.from('PK\u0003\u0004 not really a zip'));
    expect(broken.statusCode).toBe(400);
  });

  it('refuses a body that is neither JSON text nor a file with 415', async () => {
    const buyer = await createBuyer(t);
    for (const [type, payload] of [
      ['text/plain', 'Молоко; 2'],
      ['application/x-www-form-urlencoded', 'text=Молоко%3B%202'],
    ]) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/v2/basket/quick-order',
        headers: { ...buyer.headers, 'content-type': type },
        payload,
      });
      expect(res.statusCode, `${type}: ${res.body}`).toBe(415);
      expect(res.json()).toMatchObject({ code: 'unsupported_media_type' });
    }
  });
});
