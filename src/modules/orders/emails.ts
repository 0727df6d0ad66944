// The emails of the order flow, rendered in the recipient's language: the buyer's confirmation, the
// staff invoice (with the whole order attached as PDF, order-pdf.ts), each supplier's notice of its part, and the
// buyer's notice of every change of the order's state. Pure: data in, messages out.
import type { Language } from '../../db/schema/users.ts';
import { formatMoney } from '../../lib/money.ts';
import { type Block, renderLayout } from '../../mail/layout.ts';
import type { EmailMessage } from '../../mail/mailer.ts';
import { stateName } from './transitions.ts';
import type { OrderDetail, OrderPartView } from './views.ts';

type Texts = Record<Language, string>;

function pick(texts: Texts, language: Language): string {
  return texts[language];
}

// Building a formatter is costly; two are enough.
const DATE_FORMATS: Record<Language, Intl.DateTimeFormat> = {
  ru: new Intl.DateTimeFormat('ru-RU', { dateStyle: 'long', timeStyle: 'short', timeZone: 'UTC' }),
  en: new Intl.DateTimeFormat('en-GB', { dateStyle: 'long', timeStyle: 'short', timeZone: 'UTC' }),
};

export function formatDate(date: Date, language: Language): string {
  return `${DATE_FORMATS[language].format(date)} UTC`;
}

export function deliveryLine(order: Pick<OrderDetail, 'delivery'>, language: Language): string {
  const d = order.delivery;
  const labels =
    language === 'ru'
      ? { house: 'д.', structure: 'стр.', building: 'корп.', apartment: 'кв.' }
      : { house: 'house', structure: 'structure', building: 'building', apartment: 'apt.' };
  return [
    d.city,
    d.street,
    d.house && `${labels.house} ${d.house}`,
    d.structure && `${labels.structure} ${d.structure}`,
    d.building && `${labels.building} ${d.building}`,
    d.apartment && `${labels.apartment} ${d.apartment}`,
  ]
    .filter(Boolean)
    .join(', ');
}

export function recipientLine(order: Pick<OrderDetail, 'delivery'>, language: Language): string {
  const d = order.delivery;
  const phone = pick({ ru: 'телефон', en: 'phone' }, language);
  return [d.recipientName, `${phone} ${d.phone}`].filter(Boolean).join(', ');
}

export function hasDiscounts(parts: readonly OrderPartView[]): boolean {
  return parts.some((part) => part.lines.some((line) => line.discount !== '0.00'));
}

/** A line's discount with where it came from: "−1 500,00 ₽ (Смартфоны −10 %)", "−200,00 ₽ (SPRING)". */
export function lineDiscount(line: OrderPartView['lines'][number], money: (value: string) => string): string {
  if (line.discount === '0.00') return '';
  const source = line.discountSource;
  const from = source ? ` (${source.kind === 'promotion' ? source.name : source.code})` : '';
  return `−${money(line.discount)}${from}`;
}

/** One table per supplier part: its lines and its sums. */
function partTable(part: OrderPartView, currency: string, language: Language, withDiscounts: boolean): Block {
  const money = (value: string) => formatMoney(value, currency, language);
  const head =
    language === 'ru'
      ? ['Товар', 'Артикул', 'Кол-во', 'Цена', ...(withDiscounts ? ['Скидка'] : []), 'Сумма']
      : ['Item', 'SKU', 'Qty', 'Price', ...(withDiscounts ? ['Discount'] : []), 'Amount'];
  const rows = part.lines.map((line) => [
    line.model ? `${line.name} (${line.model})` : line.name,
    line.externalId,
    String(line.quantity),
    money(line.unitPrice),
    ...(withDiscounts ? [lineDiscount(line, money)] : []),
    money(line.total),
  ]);
  const empty = head.map(() => '');
  const foot = [...empty];
  foot[0] = pick({ ru: 'Итого по поставщику', en: 'Supplier total' }, language);
  foot[foot.length - 1] = money(part.total);
  return { kind: 'table', head, rows, foot };
}

function totalsBlocks(order: OrderDetail, language: Language): Block[] {
  const money = (value: string) => formatMoney(value, order.currency, language);
  const blocks: Block[] = [];
  if (order.linesDiscount !== '0.00' || order.orderDiscount !== '0.00') {
    blocks.push({
      kind: 'paragraph',
      text: `${pick({ ru: 'Сумма без скидок', en: 'Before discounts' }, language)}: ${money(order.subtotal)}`,
    });
    if (order.linesDiscount !== '0.00') {
      blocks.push({
        kind: 'paragraph',
        text: `${pick({ ru: 'Скидки на товары', en: 'Item discounts' }, language)}: −${money(order.linesDiscount)}`,
      });
    }
    if (order.orderDiscount !== '0.00') {
      const coupon = order.couponCode ? ` (${order.couponCode})` : '';
      blocks.push({
        kind: 'paragraph',
        text: `${pick({ ru: 'Скидка на заказ', en: 'Order discount' }, language)}${coupon}: −${money(order.orderDiscount)}`,
      });
    }
  }
  blocks.push({
    kind: 'code',
    label: pick({ ru: 'Итого к оплате', en: 'Total due' }, language),
    value: money(order.total),
  });
  return blocks;
}

function partsBlocks(order: OrderDetail, language: Language): Block[] {
  const withDiscounts = hasDiscounts(order.parts);
  return order.parts.flatMap((part): Block[] => [
    { kind: 'heading', text: `${pick({ ru: 'Поставщик', en: 'Supplier' }, language)}: ${part.shop.name}` },
    partTable(part, order.currency, language, withDiscounts),
  ]);
}

function greetingFor(name: string, language: Language): string {
  const trimmed = name.trim();
  if (language === 'ru') return trimmed ? `Здравствуйте, ${trimmed}!` : 'Здравствуйте!';
  return trimmed ? `Hello ${trimmed},` : 'Hello,';
}

/** To the buyer: the order is received — lines by supplier, totals, where it goes. */
export function buyerConfirmationEmail(order: OrderDetail, language: Language): EmailMessage {
  const subject = pick(
    { ru: `Заказ ${order.number} принят`, en: `Order ${order.number} received` },
    language,
  );
  const blocks: Block[] = [
    {
      kind: 'paragraph',
      text: pick(
        {
          ru: `Мы получили ваш заказ ${order.number} от ${formatDate(order.createdAt, 'ru')}. Поставщики подтвердят свои части; об изменениях статуса мы напишем.`,
          en: `We have received your order ${order.number} of ${formatDate(order.createdAt, 'en')}. The suppliers will confirm their parts; we will write when its status changes.`,
        },
        language,
      ),
    },
    ...partsBlocks(order, language),
    ...totalsBlocks(order, language),
    { kind: 'heading', text: pick({ ru: 'Доставка', en: 'Delivery' }, language) },
    { kind: 'paragraph', text: deliveryLine(order, language) },
    { kind: 'paragraph', text: recipientLine(order, language) },
  ];
  if (order.comment) {
    blocks.push({
      kind: 'paragraph',
      text: `${pick({ ru: 'Комментарий', en: 'Comment' }, language)}: ${order.comment}`,
    });
  }
  const rendered = renderLayout(language, subject, greetingFor(order.billing.firstName, language), blocks);
  return { to: order.billing.email, ...rendered, kind: 'order_confirmation' };
}

export function billingRows(order: OrderDetail): string[][] {
  const b = order.billing;
  const rows: [string, string | null][] = [
    ['Покупатель', [b.lastName, b.firstName].filter(Boolean).join(' ') || null],
    ['Email', b.email],
    ['Телефон', b.phone],
    ['Компания', b.company || null],
    ['Юридическое лицо', b.legalName],
    ['ИНН', b.inn],
    ['КПП', b.kpp],
    ['ОГРН', b.ogrn],
    ['БИК банка', b.bankBik],
    ['Расчётный счёт', b.settlementAccount],
    ['Корр. счёт', b.correspondentAccount],
  ];
  return rows.map(([label, value]) => [label, value ?? '—']);
}

/** To staff: the invoice of a new order — buyer and billing details, every line by supplier, totals. */
export function staffInvoiceEmail(order: OrderDetail, staffEmail: string, pdf: Buffer): EmailMessage {
  const language: Language = 'ru';
  const subject = `Счёт: новый заказ ${order.number} на ${formatMoney(order.total, order.currency, language)}`;
  const blocks: Block[] = [
    {
      kind: 'paragraph',
      text: `Новый заказ ${order.number} от ${formatDate(order.createdAt, language)}. Счёт для печати — во вложении.`,
    },
    { kind: 'heading', text: 'Покупатель и реквизиты' },
    { kind: 'table', head: ['Поле', 'Значение'], rows: billingRows(order) },
    { kind: 'heading', text: 'Доставка' },
    { kind: 'paragraph', text: deliveryLine(order, language) },
    { kind: 'paragraph', text: recipientLine(order, language) },
    ...(order.comment
      ? [{ kind: 'paragraph', text: `Комментарий покупателя: ${order.comment}` } as Block]
      : []),
    ...partsBlocks(order, language),
    ...totalsBlocks(order, language),
  ];
  const rendered = renderLayout(language, subject, 'Здравствуйте!', blocks);
  return {
    to: staffEmail,
    ...rendered,
    attachments: [
      {
        filename: `invoice-${order.number}.pdf`,
        content: pdf.toString('base64'),
        encoding: 'base64',
        contentType: 'application/pdf',
      },
    ],
    kind: 'order_invoice',
  };
}

/** To a supplier: its part of a new order — only its own lines and sums, and where to deliver. */
export function supplierPartEmail(
  order: OrderDetail,
  part: OrderPartView,
  recipient: { email: string; language: Language },
): EmailMessage {
  const { language } = recipient;
  const subject = pick(
    {
      ru: `Новый заказ ${order.number}: ваша часть на ${formatMoney(part.total, order.currency, 'ru')}`,
      en: `New order ${order.number}: your part, ${formatMoney(part.total, order.currency, 'en')}`,
    },
    language,
  );
  const buyer = order.billing.company || [order.billing.firstName, order.billing.lastName].join(' ').trim();
  const blocks: Block[] = [
    {
      kind: 'paragraph',
      text: pick(
        {
          ru: `Покупатель ${buyer} заказал ваши товары. Подтвердите заказ и ведите его до доставки.`,
          en: `${buyer} has ordered your goods. Confirm the order and move it along until delivery.`,
        },
        language,
      ),
    },
    partTable(part, order.currency, language, hasDiscounts([part])),
    { kind: 'heading', text: pick({ ru: 'Доставка', en: 'Delivery' }, language) },
    { kind: 'paragraph', text: deliveryLine(order, language) },
    { kind: 'paragraph', text: recipientLine(order, language) },
  ];
  if (order.comment) {
    blocks.push({
      kind: 'paragraph',
      text: `${pick({ ru: 'Комментарий покупателя', en: "Buyer's comment" }, language)}: ${order.comment}`,
    });
  }
  const rendered = renderLayout(language, subject, greetingFor('', language), blocks);
  return { to: recipient.email, ...rendered, kind: 'order_supplier_part' };
}

export interface StateChange {
  orderId: number;
  number: string;
  from: OrderState;
  to: OrderState;
  note: string;
}

type OrderState = OrderDetail['state'];

/** To the buyer: the order's state changed. */
export function orderStateEmail(
  change: StateChange,
  recipient: { email: string; firstName: string; language: Language },
): EmailMessage {
  const { language } = recipient;
  const to = stateName(change.to, language);
  const from = stateName(change.from, language);
  const subject = pick(
    { ru: `Заказ ${change.number}: ${to}`, en: `Order ${change.number}: ${to}` },
    language,
  );
  const blocks: Block[] = [
    {
      kind: 'paragraph',
      text: pick(
        {
          ru: `Статус заказа ${change.number} изменён: ${from} → ${to}.`,
          en: `The status of order ${change.number} changed: ${from} → ${to}.`,
        },
        language,
      ),
    },
  ];
  if (change.note) {
    blocks.push({
      kind: 'paragraph',
      text: `${pick({ ru: 'Примечание', en: 'Note' }, language)}: ${change.note}`,
    });
  }
  const rendered = renderLayout(language, subject, greetingFor(recipient.firstName, language), blocks);
  return { to: recipient.email, ...rendered, kind: 'order_state_changed' };
}

/** To a supplier: its part was canceled by the buyer or by staff (stock has been returned). */
export function supplierPartCanceledEmail(
  change: { number: string; partTotal: string; currency: string; note: string; by: 'buyer' | 'staff' },
  recipient: { email: string; language: Language },
): EmailMessage {
  const { language } = recipient;
  const subject = pick(
    { ru: `Заказ ${change.number} отменён`, en: `Order ${change.number} canceled` },
    language,
  );
  const by = pick(
    change.by === 'buyer' ? { ru: 'покупателем', en: 'the buyer' } : { ru: 'администратором', en: 'staff' },
    language,
  );
  const blocks: Block[] = [
    {
      kind: 'paragraph',
      text: pick(
        {
          ru: `Ваша часть заказа ${change.number} на ${formatMoney(change.partTotal, change.currency, 'ru')} отменена ${by}. Товар возвращён в остатки; отгружать его не нужно.`,
          en: `Your part of order ${change.number} (${formatMoney(change.partTotal, change.currency, 'en')}) was canceled by ${by}. The goods are back in stock; do not ship them.`,
        },
        language,
      ),
    },
  ];
  if (change.note) {
    blocks.push({
      kind: 'paragraph',
      text: `${pick({ ru: 'Примечание', en: 'Note' }, language)}: ${change.note}`,
    });
  }
  const rendered = renderLayout(language, subject, greetingFor('', language), blocks);
  return { to: recipient.email, ...rendered, kind: 'order_supplier_part_canceled' };
}
