// The lists of past statement uploads: staff see every upload, a supplier only its own shop's;
// newest first, keyset-paged, with how many documents were matched, already recorded, ambiguous
// and unmatched.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOffer, multipartBody } from '../../../test/factories/catalog.ts';
import {
  type Actor,
  type Buyer,
  createBuyer,
  createStaff,
  createSupplier,
  placeOrder,
  type Supplier,
} from '../../../test/factories/orders.ts';
import { ALPHA_BILLING, statementFile } from '../../../test/factories/payments.ts';
import { buildTestApp, type TestApp } from '../../../test/helpers/app.ts';

let t: TestApp;
let alpha: Supplier;
let beta: Supplier;
let staff: Actor;
let buyer: Buyer;

const BUYER_INN = '7736207543';

beforeAll(async () => {
  t = await buildTestApp();
  alpha = await createSupplier(t, { shop: { name: 'Альфа' } });
  const patched = await t.app.inject({
    method: 'PATCH',
    url: '/api/v2/supplier/shop',
    headers: alpha.headers,
    payload: { billing_details: ALPHA_BILLING },
  });
  expect(patched.statusCode, patched.body).toBe(200);
  beta = await createSupplier(t, { shop: { name: 'Бета' } });
  staff = await createStaff(t);
  buyer = await createBuyer(t, { legalName: 'ООО «Ромашка»', inn: BUYER_INN, kpp: '773601001' });
});
afterAll(() => t?.close());

function upload(actor: Actor, content: Buffer, audience: 'admin' | 'supplier', name: string) {
  const body = multipartBody({ name, content });
  return t.app.inject({
    method: 'POST',
    url: `/api/v2/${audience}/payments/statements`,
    headers: { ...actor.headers, ...body.headers },
    payload: body.payload,
  });
}

function list(actor: Actor, audience: 'admin' | 'supplier', query = '') {
  return t.app.inject({
    method: 'GET',
    url: `/api/v2/${audience}/payments/statements${query}`,
    headers: actor.headers,
  });
}

/** An order of 1 200.00 from alpha with its invoice issued; answers the invoice number. */
async function alphaInvoice(): Promise<string> {
  const offer = await createOffer(t.runtime, { shopId: alpha.shop.id, price: '600.00', quantity: 10 });
  const order = await placeOrder(t, buyer, [{ offerId: offer.id, quantity: 2 }]);
  const res = await t.app.inject({
    method: 'GET',
    url: `/api/v2/orders/${order.id}/parts/${order.parts[0].id}/invoice.pdf`,
    headers: staff.headers,
  });
  expect(res.statusCode).toBe(200);
  return res.headers['x-invoice-number'] as string;
}

describe('statement lists', () => {
  it('staff see every upload newest first with its counts; a supplier only its own; pages walk', async () => {
    const invoice = await alphaInvoice();
    const file = statementFile([
      {
        number: '77',
        date: '02.12.2026',
        amount: '1200.00',
        payerInn: BUYER_INN,
        payeeInn: ALPHA_BILLING.inn,
        payeeAccount: ALPHA_BILLING.settlement_account,
        purpose: `Оплата по счёту № ${invoice}`,
      },
      { number: '78', date: '02.12.2026', amount: '5.00', payerInn: BUYER_INN, purpose: 'Без счёта' },
    ]);
    const alphaFirst = await upload(alpha, file, 'supplier', 'alpha-1.txt');
    expect(alphaFirst.statusCode, alphaFirst.body).toBe(201);
    const alphaAgain = await upload(alpha, file, 'supplier', 'alpha-2.txt');
    expect(alphaAgain.statusCode).toBe(201);
    const betaUpload = await upload(beta, file, 'supplier', 'beta.txt');
    expect(betaUpload.statusCode).toBe(201);
    const staffUpload = await upload(staff, file, 'admin', 'staff.txt');
    expect(staffUpload.statusCode).toBe(201);

    const all = await list(staff, 'admin');
    expect(all.statusCode, all.body).toBe(200);
    expect(all.json().next_cursor).toBeNull();
    expect(all.json().items.map((item: { file_name: string }) => item.file_name)).toEqual([
      'staff.txt',
      'beta.txt',
      'alpha-2.txt',
      'alpha-1.txt',
    ]);
    const [staffRow, betaRow, alphaAgainRow, alphaFirstRow] = all.json().items;
    expect(alphaFirstRow).toMatchObject({
      id: alphaFirst.json().statement_id,
      encoding: 'windows-1251',
      documents: 2,
      shop_id: alpha.shop.id,
      uploaded_by_id: alpha.user.id,
      matched: 1,
      already_recorded: 0,
      ambiguous: 0,
      unmatched: 1,
    });
    expect(alphaAgainRow).toMatchObject({ matched: 0, already_recorded: 1, unmatched: 1 });
    // Beta's statement cannot name alpha's invoice: both documents are unmatched for it.
    expect(betaRow).toMatchObject({ shop_id: beta.shop.id, matched: 0, already_recorded: 0, unmatched: 2 });
    expect(staffRow).toMatchObject({ shop_id: null, uploaded_by_id: staff.user.id, already_recorded: 1 });
    expect(Date.parse(staffRow.created_at)).toBeGreaterThanOrEqual(Date.parse(alphaFirstRow.created_at));

    const own = await list(alpha, 'supplier');
    expect(own.statusCode).toBe(200);
    expect(own.json().items.map((item: { id: number }) => item.id)).toEqual([
      alphaAgainRow.id,
      alphaFirstRow.id,
    ]);
    const betaOwn = await list(beta, 'supplier');
    expect(betaOwn.json().items.map((item: { id: number }) => item.id)).toEqual([betaRow.id]);

    // Keyset pages of one: every upload once, in the same order, then the end.
    const walked: number[] = [];
    let cursor: string | null = null;
    do {
      const query: string = `?limit=1${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const page = await list(staff, 'admin', query);
      expect(page.statusCode, page.body).toBe(200);
      expect(page.json().items).toHaveLength(1);
      walked.push(page.json().items[0].id);
      cursor = page.json().next_cursor;
    } while (cursor);
    expect(walked).toEqual(all.json().items.map((item: { id: number }) => item.id));
  });

  it('refuses other roles, the other audience and a foreign cursor', async () => {
    expect((await list(alpha, 'admin')).statusCode).toBe(403);
    expect((await list(staff, 'supplier')).statusCode).toBe(403);
    expect((await list(buyer, 'supplier')).statusCode).toBe(403);
    const foreign = Buffer.from(JSON.stringify(['refund', 5])).toString('base64url');
    const refused = await list(staff, 'admin', `?cursor=${foreign}`);
    expect(refused.statusCode).toBe(400);
    expect(refused.json().code).toBe('invalid_cursor');
  });
});
