// Bank statement import through the API: a statement naming one invoice marks that part paid,
// uploading it again changes nothing; ambiguous and unmatched documents are reported; a supplier
// matches only its own invoices; bad files are refused naming the line.
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
import { ALPHA_BILLING, type StatementDoc, statementFile } from '../../../test/factories/payments.ts';
import { buildTestApp, type TestApp } from '../../../test/helpers/app.ts';

let t: TestApp;
let alpha: Supplier;
let beta: Supplier;
let staff: Actor;
let buyer: Buyer;

const BETA_BILLING = { legal_name: 'ИП Бетов Б. Б.', inn: '500100732259', ogrn: '304500116000157' };

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
  expect(patched.statusCode).toBe(200);
  beta = await createSupplier(t, { shop: { name: 'Бета' } });
  staff = await createStaff(t);
  buyer = await createBuyer(t, { legalName: 'ООО «Ромашка»', inn: BUYER_INN, kpp: '773601001' });
  const betaPatched = await t.app.inject({
    method: 'PATCH',
    url: `/api/v2/admin/shops/${beta.shop.id}`,
    headers: staff.headers,
    payload: { billing_details: BETA_BILLING },
  });
  expect(betaPatched.statusCode, betaPatched.body).toBe(200);
});
afterAll(() => t?.close());

function upload(actor: Actor, content: Buffer, audience: 'admin' | 'supplier' = 'admin') {
  const body = multipartBody({ name: 'statement.txt', content });
  return t.app.inject({
    method: 'POST',
    url: `/api/v2/${audience}/payments/statements`,
    headers: { ...actor.headers, ...body.headers },
    payload: body.payload,
  });
}

async function invoiceNumber(orderId: number, partId: number): Promise<string> {
  const res = await t.app.inject({
    method: 'GET',
    url: `/api/v2/orders/${orderId}/parts/${partId}/invoice.pdf`,
    headers: staff.headers,
  });
  expect(res.statusCode).toBe(200);
  return res.headers['x-invoice-number'] as string;
}

async function paymentsView(orderId: number) {
  return (
    await t.app.inject({ method: 'GET', url: `/api/v2/orders/${orderId}/payments`, headers: staff.headers })
  ).json();
}

/** An order of 1 200.00 from alpha and 22.50 from beta, with both invoices issued. */
async function twoPartOrder() {
  const a = await createOffer(t.runtime, { shopId: alpha.shop.id, price: '600.00', quantity: 10 });
  const b = await createOffer(t.runtime, { shopId: beta.shop.id, price: '7.50', quantity: 10 });
  const order = await placeOrder(t, buyer, [
    { offerId: a.id, quantity: 2 },
    { offerId: b.id, quantity: 3 },
  ]);
  const partOf = (supplier: Supplier) =>
    order.parts.find((part: { shop: { id: number } }) => part.shop.id === supplier.shop.id).id as number;
  const alphaPart = partOf(alpha);
  const betaPart = partOf(beta);
  return {
    order,
    alphaPart,
    betaPart,
    alphaInvoice: await invoiceNumber(order.id, alphaPart),
    betaInvoice: await invoiceNumber(order.id, betaPart),
  };
}

function payment(overrides: Partial<StatementDoc> & { purpose: string }): StatementDoc {
  return {
    number: '512',
    date: '02.12.2026',
    amount: '1200.00',
    payerInn: BUYER_INN,
    payeeInn: ALPHA_BILLING.inn,
    payeeAccount: ALPHA_BILLING.settlement_account,
    received: '03.12.2026',
    ...overrides,
  };
}

describe('bank statement import', () => {
  it('a statement naming one invoice marks that part paid; uploading it again changes nothing', async () => {
    const { order, alphaPart, betaPart, alphaInvoice } = await twoPartOrder();
    const file = statementFile([
      payment({ purpose: `Оплата по счёту № ${alphaInvoice} от 02.12.2026. В т.ч. НДС 20% - 200.00 руб.` }),
    ]);
    const first = await upload(staff, file);
    expect(first.statusCode, first.body).toBe(201);
    const report = first.json();
    expect(report).toMatchObject({
      encoding: 'windows-1251',
      documents: 1,
      already_recorded: [],
      ambiguous: [],
    });
    expect(report.matched).toEqual([
      expect.objectContaining({
        line: 16,
        number: '512',
        amount: '1200.00',
        payer_inn: BUYER_INN,
        invoice_number: alphaInvoice,
        order_id: order.id,
        part_id: alphaPart,
      }),
    ]);
    let view = await paymentsView(order.id);
    const partStatus = () =>
      view.parts.map((p: { part_id: number; status: string }) => [p.part_id, p.status]).sort();
    expect(partStatus()).toEqual(
      [
        [alphaPart, 'paid'],
        [betaPart, 'unpaid'],
      ].sort(),
    );
    expect(view.status).toBe('partially_paid');
    const recorded = view.parts.find((p: { part_id: number }) => p.part_id === alphaPart).payments[0];
    expect(recorded).toMatchObject({
      source: 'statement',
      amount: '1200.00',
      reference: 'п/п № 512 от 02.12.2026',
      paid_at: '2026-12-03T00:00:00.000Z',
    });
    const historyBefore = view.history.length;

    const second = await upload(staff, file);
    expect(second.statusCode).toBe(201);
    expect(second.json().matched).toEqual([]);
    expect(second.json().already_recorded).toEqual([
      expect.objectContaining({ invoice_number: alphaInvoice, payment_id: recorded.id }),
    ]);
    view = await paymentsView(order.id);
    expect(view.history).toHaveLength(historyBefore);
    expect(view.paid_amount).toBe('1200.00');

    const stored = await t.app.inject({
      method: 'GET',
      url: `/api/v2/admin/payments/statements/${report.statement_id}`,
      headers: staff.headers,
    });
    expect(stored.json().matched[0].payment_id).toBe(recorded.id);
  });

  it('reports ambiguous and unmatched documents with their reasons and candidates (UTF-8 too)', async () => {
    const { order, betaPart, betaInvoice, alphaInvoice } = await twoPartOrder();
    const file = statementFile(
      [
        payment({ number: '1', amount: '22.50', payeeInn: '', payeeAccount: '', purpose: 'Оплата товара' }),
        payment({
          number: '2',
          amount: '22.50',
          payerInn: '7707083893',
          payeeInn: BETA_BILLING.inn,
          payeeAccount: '',
          purpose: `Оплата по счету ${betaInvoice}`,
        }),
        payment({ number: '3', purpose: 'Оплата по счёту № 2019-99999' }),
        payment({ number: '4', payeeInn: '7702070139', payeeAccount: '', purpose: `Счёт ${alphaInvoice}` }),
      ],
      'utf-8',
    );
    const res = await upload(staff, file);
    expect(res.statusCode, res.body).toBe(201);
    const report = res.json();
    expect(report.encoding).toBe('utf-8');
    expect(report.matched).toEqual([]);
    expect(report.ambiguous).toEqual([
      expect.objectContaining({
        number: '2',
        reason: 'payer_inn_differs',
        candidates: [
          {
            invoice_number: betaInvoice,
            order_id: order.id,
            part_id: betaPart,
            shop_id: beta.shop.id,
            amount: '22.50',
          },
        ],
      }),
    ]);
    expect(report.unmatched.map((d: { number: string; reason: string }) => [d.number, d.reason])).toEqual([
      ['1', 'no_invoice_number'],
      ['3', 'invoice_not_found'],
      ['4', 'payee_differs'],
    ]);
    expect((await paymentsView(order.id)).status).toBe('unpaid');
  });

  it('a supplier matches only its own invoices; its outgoing payments are not income', async () => {
    const { order, alphaPart, alphaInvoice, betaInvoice } = await twoPartOrder();
    const file = statementFile([
      payment({ number: '7', amount: '600.00', purpose: `Частичная оплата по счёту ${alphaInvoice}` }),
      payment({
        number: '8',
        amount: '22.50',
        payeeInn: '7702070139',
        payeeAccount: '',
        purpose: `Оплата счёта ${betaInvoice}`,
      }),
      payment({
        number: '9',
        payerInn: ALPHA_BILLING.inn,
        payerAccount: ALPHA_BILLING.settlement_account,
        payeeInn: '7702070139',
        payeeAccount: '40702810000000000001',
        purpose: `Возврат по счёту ${alphaInvoice}`,
      }),
    ]);
    const res = await upload(alpha, file, 'supplier');
    expect(res.statusCode, res.body).toBe(201);
    const report = res.json();
    expect(report.matched.map((d: { number: string; part_id: number }) => [d.number, d.part_id])).toEqual([
      ['7', alphaPart],
    ]);
    expect(report.unmatched.map((d: { number: string; reason: string }) => [d.number, d.reason])).toEqual([
      ['8', 'payee_differs'],
      ['9', 'not_incoming'],
    ]);
    const view = await paymentsView(order.id);
    expect(view.parts.find((p: { part_id: number }) => p.part_id === alphaPart)).toMatchObject({
      status: 'partially_paid',
      paid_amount: '600.00',
    });
    const others = await t.app.inject({
      method: 'GET',
      url: `/api/v2/supplier/payments/statements/${report.statement_id}`,
      headers: beta.headers,
    });
    expect(others.statusCode).toBe(404);
    const buyerTry = await upload(buyer, file, 'supplier');
    expect(buyerTry.statusCode).toBe(403);
  });

  it('refuses malformed files naming the line', async () => {
    const refused = async (content: string, line: number) => {
      const res = await upload(staff, Buffer.from(content, 'utf8'));
      expect(res.statusCode, res.body).toBe(422);
      expect(res.json()).toMatchObject({ code: 'statement_invalid', line });
      return res.json().detail as string;
    };
    expect(await refused('Выписка\r\nСумма=1\r\n', 1)).toContain('Строка 1');
    const header = '1CClientBankExchange\r\nВерсияФормата=1.03\r\n';
    await refused(
      `${header}СекцияДокумент=Платежное поручение\r\nНомер=1\r\nДата=01.12.2026\r\nСумма=12,3,4\r\nКонецДокумента\r\nКонецФайла\r\n`,
      6,
    );
    await refused(
      `${header}СекцияДокумент=Платежное поручение\r\nНомер=1\r\nДата=31.02.2026\r\nСумма=10\r\nКонецДокумента\r\nКонецФайла\r\n`,
      5,
    );
    await refused(`${header}СекцияДокумент=Платежное поручение\r\nНомер=1\r\nКонецФайла\r\n`, 5);
    await refused(
      `${header}СекцияДокумент=Платежное поручение\r\nНомер=1\r\nДата=01.12.2026\r\nКонецДокумента\r\nКонецФайла\r\n`,
      3,
    );
    await refused(`${header}какой-то мусор\r\nКонецФайла\r\n`, 3);
    await refused(`${header}СекцияДокумент=Платежное поручение\r\nНомер=1\r\n`, 3);
    const body = multipartBody({ name: 's.txt', content: 'x' });
    const english = await t.app.inject({
      method: 'POST',
      url: '/api/v2/admin/payments/statements',
      headers: { ...staff.headers, 'accept-language': 'en', ...body.headers },
      payload: body.payload,
    });
    expect(english.statusCode).toBe(422);
    expect(english.json().detail).toBe(
      'Line 1: not a 1C bank exchange file: the first line must be 1CClientBankExchange',
    );
  });
});
