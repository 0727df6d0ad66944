// The invoice («Счёт на оплату») of one supplier part as a PDF, laid out as Russian banks and
// accountants expect: the payee's bank block, supplier and buyer with their requisites, the lines,
// totals with VAT, the total in words and the payment purpose to copy into a payment order.
import type { Invoice, InvoiceParty } from '../../db/schema/payments.ts';
import { rublesInWords } from '../../lib/amount-words.ts';
import { formatMoney, fromMinor, toMinor } from '../../lib/money.ts';
import { type Content, renderPdf } from '../../lib/pdf.ts';
import type { OrderDetail, OrderPartView } from '../orders/for-payments.ts';

const MONTHS = [
  'января',
  'февраля',
  'марта',
  'апреля',
  'мая',
  'июня',
  'июля',
  'августа',
  'сентября',
  'октября',
  'ноября',
  'декабря',
];

/** 3 декабря 2026 г. (UTC, as every stored time). */
export function longDate(date: Date): string {
  return `${date.getUTCDate()} ${MONTHS[date.getUTCMonth()]} ${date.getUTCFullYear()} г.`;
}

/** 03.12.2026 */
export function shortDate(date: Date): string {
  const dd = String(date.getUTCDate()).padStart(2, '0');
  const mm = String(date.getUTCMonth() + 1).padStart(2, '0');
  return `${dd}.${mm}.${date.getUTCFullYear()}`;
}

/** A plain amount with a space between thousands: 1 200,00 */
function amount(value: string): string {
  return formatMoney(value, '', 'ru')
    .replace(/\u00a0$/, '')
    .trim();
}

export function amountInWords(value: string, currency: string): string {
  return currency === 'RUB' ? rublesInWords(value) : `${amount(value)} ${currency}`;
}

/** «Оплата по счёту № 2026-00001 от 03.12.2026, заказ Z-000123. В т.ч. НДС 20 % — 200,00 руб.» */
export function paymentPurpose(invoice: Invoice, orderNumber: string): string {
  const vat =
    invoice.vatRate === 'none'
      ? 'НДС не облагается'
      : `В т.ч. НДС ${invoice.vatRate} % — ${amount(invoice.vatAmount)} руб.`;
  return `Оплата по счёту № ${invoice.number} от ${shortDate(invoice.issuedAt)}, заказ ${orderNumber}. ${vat}`;
}

function partyLine(
  party: Pick<InvoiceParty, 'legal_name' | 'inn' | 'kpp' | 'address'> & { name: string },
): string {
  return [
    party.legal_name ?? party.name,
    party.inn && `ИНН ${party.inn}`,
    party.kpp && `КПП ${party.kpp}`,
    party.address,
  ]
    .filter(Boolean)
    .join(', ');
}

const dash = (value: string | null | undefined) => value || '—';

export async function renderInvoicePdf(
  order: OrderDetail,
  part: OrderPartView,
  invoice: Invoice,
): Promise<Buffer> {
  const supplier = invoice.supplier;
  const b = order.billing;
  const buyer = {
    name: b.company || [b.lastName, b.firstName].filter(Boolean).join(' '),
    legal_name: b.legalName,
    inn: b.inn,
    kpp: b.kpp,
    address: null,
  };
  const withDiscounts = part.lines.some((line) => line.discount !== '0.00');
  const head = ['№', 'Товар', 'Кол-во', 'Ед.', 'Цена', ...(withDiscounts ? ['Скидка'] : []), 'Сумма'];
  const rows = part.lines.map((line, index) => [
    String(index + 1),
    [line.name, line.model && `(${line.model})`, `арт. ${line.externalId}`].filter(Boolean).join(' '),
    { text: String(line.quantity), alignment: 'right' as const },
    'шт',
    { text: amount(line.unitPrice), alignment: 'right' as const },
    ...(withDiscounts
      ? [{ text: line.discount === '0.00' ? '' : amount(line.discount), alignment: 'right' as const }]
      : []),
    { text: amount(line.total), alignment: 'right' as const },
  ]);
  const linesTotal = fromMinor(part.lines.reduce((sum, line) => sum + toMinor(line.total), 0n));
  const totals: [string, string][] = [['Итого:', amount(linesTotal)]];
  if (part.orderDiscount !== '0.00') totals.push(['Скидка на заказ:', `−${amount(part.orderDiscount)}`]);
  totals.push(
    invoice.vatRate === 'none'
      ? ['Без налога (НДС)', '—']
      : [`В том числе НДС (${invoice.vatRate} %):`, amount(invoice.vatAmount)],
  );
  totals.push(['Всего к оплате:', amount(invoice.amount)]);
  const currencyNote = invoice.currency === 'RUB' ? 'руб.' : invoice.currency;

  const content: Content[] = [
    {
      table: {
        widths: ['*', 50, 140],
        body: [
          [
            { text: `${dash(supplier.bank_name)}\nБанк получателя`, rowSpan: 2 },
            'БИК',
            dash(supplier.bank_bik),
          ],
          ['', 'Сч. №', dash(supplier.correspondent_account)],
          [
            {
              text: `ИНН ${dash(supplier.inn)}    КПП ${dash(supplier.kpp)}\n${supplier.legal_name ?? supplier.name}\nПолучатель`,
            },
            'Сч. №',
            dash(supplier.settlement_account),
          ],
        ],
      },
      margin: [0, 0, 0, 14],
    },
    {
      text: `Счёт на оплату № ${invoice.number} от ${longDate(invoice.issuedAt)}`,
      fontSize: 14,
      bold: true,
      margin: [0, 0, 0, 10],
    },
    {
      table: {
        widths: [80, '*'],
        body: [
          ['Поставщик:', { text: partyLine(supplier), bold: true }],
          ['Покупатель:', { text: partyLine(buyer), bold: true }],
          ['Основание:', `Заказ ${order.number} от ${shortDate(order.createdAt)}`],
        ],
      },
      layout: 'noBorders',
      margin: [0, 0, 0, 10],
    },
    {
      table: {
        headerRows: 1,
        widths: [18, '*', 40, 22, 60, ...(withDiscounts ? [50] : []), 70],
        body: [head.map((text) => ({ text, bold: true })), ...rows],
      },
    },
    {
      table: {
        widths: ['*', 100],
        body: totals.map(([label, value]) => [
          { text: label, alignment: 'right' as const, bold: true },
          { text: value, alignment: 'right' as const, bold: true },
        ]),
      },
      layout: 'noBorders',
      margin: [0, 6, 0, 6],
    },
    `Всего наименований ${part.lines.length}, на сумму ${amount(invoice.amount)} ${currencyNote}`,
    {
      text: `Всего к оплате: ${amountInWords(invoice.amount, invoice.currency)}`,
      bold: true,
      margin: [0, 4, 0, 12],
    },
    { text: 'Назначение платежа (скопируйте в платёжное поручение):', margin: [0, 0, 0, 2] },
    { text: paymentPurpose(invoice, order.number), bold: true, margin: [0, 0, 0, 12] },
    {
      text: 'Оплата этого счёта означает согласие с условиями поставки товара. Счёт действителен в течение 5 банковских дней.',
      fontSize: 8,
      margin: [0, 0, 0, 18],
    },
    {
      columns: [`Руководитель ____________________`, `Бухгалтер ____________________`],
    },
    { text: `ОГРН ${dash(supplier.ogrn)}`, fontSize: 8, margin: [0, 12, 0, 0] },
  ];
  return renderPdf({
    info: {
      title: `Счёт № ${invoice.number}`,
      author: supplier.legal_name ?? supplier.name,
      creator: 'Zakupka',
    },
    content,
  });
}
