// Invoices through the API: the shop's requisites and VAT rate (validated), two suppliers' invoices
// of one order downloaded by the buyer and read back as text, numbering per shop and year, access.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOffer } from '../../../test/factories/catalog.ts';
import {
  type Actor,
  type Buyer,
  createBuyer,
  createStaff,
  createSupplier,
  placeOrder,
  type Supplier,
} from '../../../test/factories/orders.ts';
import { ALPHA_BILLING, pdfText } from '../../../test/factories/payments.ts';
import { buildTestApp, TEST_STAFF_EMAIL, type TestApp } from '../../../test/helpers/app.ts';

let t: TestApp;
let alpha: Supplier;
let beta: Supplier;
let staff: Actor;
let buyer: Buyer;

beforeAll(async () => {
  t = await buildTestApp();
  alpha = await createSupplier(t, { shop: { name: 'Альфа' } });
  beta = await createSupplier(t, {
    shop: { name: 'Бета' },
    user: { legalName: 'ИП Бетов Б. Б.', inn: '500100732259', ogrn: '304500116000157' },
  });
  staff = await createStaff(t);
  buyer = await createBuyer(t, {
    firstName: 'Ольга',
    company: 'Ромашка',
    legalName: 'ООО «Ромашка»',
    inn: '7736207543',
    kpp: '773601001',
  });
});
afterAll(() => t?.close());

function patchShop(actor: Actor, url: string, payload: Record<string, unknown>) {
  return t.app.inject({ method: 'PATCH', url, headers: actor.headers, payload });
}

async function invoicePdf(actor: Actor, orderId: number, partId: number) {
  return t.app.inject({
    method: 'GET',
    url: `/api/v2/orders/${orderId}/parts/${partId}/invoice.pdf`,
    headers: actor.headers,
  });
}

describe('shop requisites and VAT rate', () => {
  it('a supplier sets its requisites and VAT rate; wrong check digits are refused by field', async () => {
    const bad = await patchShop(alpha, '/api/v2/supplier/shop', {
      billing_details: { ...ALPHA_BILLING, inn: '7707083894', settlement_account: '40702810138250123018' },
    });
    expect(bad.statusCode).toBe(400);
    expect(
      bad
        .json()
        .errors.map((e: { field: string }) => e.field)
        .sort(),
    ).toEqual(['body.billing_details.inn', 'body.billing_details.settlement_account']);
    const missing = await patchShop(alpha, '/api/v2/supplier/shop', {
      billing_details: { inn: '7707083893' },
    });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().errors[0].field).toBe('body.billing_details.legal_name');
    const wrongRate = await patchShop(alpha, '/api/v2/supplier/shop', { vat_rate: '18' });
    expect(wrongRate.statusCode).toBe(400);

    const ok = await patchShop(alpha, '/api/v2/supplier/shop', {
      billing_details: { ...ALPHA_BILLING, inn: '7707 083 893' },
      vat_rate: '20',
    });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).toMatchObject({ billing_details: ALPHA_BILLING, vat_rate: '20' });
    const read = await t.app.inject({ method: 'GET', url: '/api/v2/supplier/shop', headers: alpha.headers });
    expect(read.json().billing_details).toEqual(ALPHA_BILLING);
  });

  it('staff change any shop the same way', async () => {
    const res = await patchShop(staff, `/api/v2/admin/shops/${beta.shop.id}`, { vat_rate: 'none' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ vat_rate: 'none', billing_details: null });
    const read = await t.app.inject({
      method: 'GET',
      url: `/api/v2/admin/shops/${beta.shop.id}`,
      headers: staff.headers,
    });
    expect(read.json().vat_rate).toBe('none');
  });
});

describe('invoices', () => {
  let order: { id: number; number: string; parts: { id: number; shop: { id: number } }[] };
  let alphaPart: number;
  let betaPart: number;

  beforeAll(async () => {
    const a = await createOffer(t.runtime, {
      shopId: alpha.shop.id,
      price: '600.00',
      quantity: 10,
      name: 'Бумага офисная А4',
    });
    const b = await createOffer(t.runtime, {
      shopId: beta.shop.id,
      price: '7.50',
      quantity: 10,
      name: 'Скрепки',
    });
    order = await placeOrder(t, buyer, [
      { offerId: a.id, quantity: 2 },
      { offerId: b.id, quantity: 3 },
    ]);
    alphaPart = order.parts.find((p) => p.shop.id === alpha.shop.id)!.id;
    betaPart = order.parts.find((p) => p.shop.id === beta.shop.id)!.id;
  });

  it('the buyer downloads two correct invoices, one per supplier', async () => {
    const year = new Date().getUTCFullYear();
    const first = await invoicePdf(buyer, order.id, alphaPart);
    expect(first.statusCode, first.body).toBe(200);
    expect(first.headers['content-type']).toBe('application/pdf');
    expect(first.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
    const alphaNumber = first.headers['x-invoice-number'];
    expect(alphaNumber).toMatch(new RegExp(`^${year}-0000[12]$`));
    const text = await pdfText(first.rawPayload);
    expect(text).toContain(`Счёт на оплату № ${alphaNumber}`);
    expect(text).toContain(
      'ООО «Альфа Трейд», ИНН 7707083893, КПП 773601001, 117312, г. Москва, ул. Вавилова, д. 19',
    );
    expect(text).toContain('ПАО Сбербанк, г. Москва');
    expect(text).toContain('044525225');
    expect(text).toContain('40702810138250123017');
    expect(text).toContain('30101810400000000225');
    expect(text).toContain('ООО «Ромашка», ИНН 7736207543, КПП 773601001');
    expect(text).toContain('Бумага офисная А4');
    expect(text).toContain(`Заказ ${order.number}`);
    expect(text).toContain('В том числе НДС (20 %): 200,00');
    expect(text).toContain('Всего к оплате: 1 200,00');
    expect(text).toContain('Всего к оплате: одна тысяча двести рублей 00 копеек');
    expect(text).toMatch(
      new RegExp(
        `Оплата по счёту № ${alphaNumber} от \\d\\d\\.\\d\\d\\.${year}, заказ ${order.number}\\. В т\\.ч\\. НДС 20 % — 200,00 руб\\.`,
      ),
    );

    const second = await invoicePdf(buyer, order.id, betaPart);
    expect(second.statusCode).toBe(200);
    const betaText = await pdfText(second.rawPayload);
    expect(second.headers['x-invoice-number']).toBe(`${year}-00001`);
    // No requisites of its own: the supplier's profile serves.
    expect(betaText).toContain('ИП Бетов Б. Б., ИНН 500100732259');
    expect(betaText).toContain('Скрепки');
    expect(betaText).toContain('Без налога (НДС)');
    expect(betaText).toContain('Всего к оплате: двадцать два рубля 50 копеек');
    expect(betaText).toContain('НДС не облагается');
  });

  it('the order confirmation carries both invoices as PDF; staff get the whole order as PDF', async () => {
    const confirmation = await t.mail.waitFor(
      (m) => m.recipients.includes(buyer.user.email) && (m.subject ?? '').includes(order.number),
    );
    expect(confirmation.attachments.map((a) => a.contentType)).toEqual([
      'application/pdf',
      'application/pdf',
    ]);
    const texts = await Promise.all(confirmation.attachments.map((a) => pdfText(a.content)));
    expect(texts[0]).toContain('ООО «Альфа Трейд»');
    expect(texts[0]).toContain('одна тысяча двести рублей 00 копеек');
    expect(texts[1]).toContain('двадцать два рубля 50 копеек');
    const staffMail = await t.mail.waitFor(
      (m) => m.recipients.includes(TEST_STAFF_EMAIL) && (m.subject ?? '').includes(order.number),
    );
    expect(staffMail.attachments[0].filename).toBe(`invoice-${order.number}.pdf`);
    const whole = await pdfText(staffMail.attachments[0].content);
    expect(whole).toContain(`Счёт по заказу ${order.number}`);
    expect(whole).toContain('Поставщик: Альфа');
    expect(whole).toContain('Поставщик: Бета');
    expect(whole).toContain('Бумага офисная А4');
    expect(whole).toContain('Итого к оплате 1 222,50 ₽');
  });

  it('downloading again gives the same number; the next order of the shop gets the next one', async () => {
    const again = await invoicePdf(staff, order.id, alphaPart);
    const number = again.headers['x-invoice-number'] as string;
    const offer = await createOffer(t.runtime, { shopId: alpha.shop.id, price: '10.00', quantity: 10 });
    const next = await placeOrder(t, buyer, [{ offerId: offer.id }]);
    const res = await invoicePdf(alpha, next.id, next.parts[0].id);
    expect(res.statusCode).toBe(200);
    const numbers = [number, res.headers['x-invoice-number']].sort();
    const year = new Date().getUTCFullYear();
    expect(numbers).toEqual([`${year}-00001`, `${year}-00002`]);
  });

  it('a supplier gets its own part’s invoice only; strangers get nothing', async () => {
    expect((await invoicePdf(alpha, order.id, betaPart)).statusCode).toBe(404);
    expect((await invoicePdf(beta, order.id, betaPart)).statusCode).toBe(200);
    const other = await createBuyer(t);
    expect((await invoicePdf(other, order.id, alphaPart)).statusCode).toBe(404);
    const view = await t.app.inject({
      method: 'GET',
      url: `/api/v2/orders/${order.id}/payments`,
      headers: buyer.headers,
    });
    const invoices = view.json().parts.map((p: { invoice: { vat_amount: string } | null }) => p.invoice);
    expect(invoices.map((i: { vat_amount: string }) => i.vat_amount)).toEqual(['200.00', '0.00']);
  });
});
