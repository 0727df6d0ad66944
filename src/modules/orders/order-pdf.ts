// The whole order as a printable PDF for staff (attached to the staff email): buyer and billing
// details, delivery, every supplier part with its lines and sums, the totals.
import { formatMoney } from '../../lib/money.ts';
import { type Content, renderPdf } from '../../lib/pdf.ts';
import {
  billingRows,
  deliveryLine,
  formatDate,
  hasDiscounts,
  lineDiscount,
  recipientLine,
} from './emails.ts';
import type { OrderDetail } from './views.ts';

export async function orderPdf(order: OrderDetail): Promise<Buffer> {
  const money = (value: string) => formatMoney(value, order.currency, 'ru');
  const withDiscounts = hasDiscounts(order.parts);
  const right = (text: string) => ({ text, alignment: 'right' as const });
  const content: Content[] = [
    {
      text: `Счёт по заказу ${order.number} от ${formatDate(order.createdAt, 'ru')}`,
      fontSize: 14,
      bold: true,
      margin: [0, 0, 0, 10],
    },
    { text: 'Покупатель и реквизиты', bold: true, margin: [0, 0, 0, 4] },
    {
      table: { widths: [140, '*'], body: billingRows(order).map(([label, value]) => [label, value]) },
      margin: [0, 0, 0, 10],
    },
    { text: 'Доставка', bold: true, margin: [0, 0, 0, 4] },
    { text: `${deliveryLine(order, 'ru')}\n${recipientLine(order, 'ru')}`, margin: [0, 0, 0, 6] },
    ...(order.comment
      ? [{ text: `Комментарий покупателя: ${order.comment}`, margin: [0, 0, 0, 6] } as Content]
      : []),
  ];
  for (const part of order.parts) {
    content.push({ text: `Поставщик: ${part.shop.name}`, bold: true, margin: [0, 8, 0, 4] });
    const head = ['№', 'Товар', 'Артикул', 'Кол-во', 'Цена', ...(withDiscounts ? ['Скидка'] : []), 'Сумма'];
    content.push({
      table: {
        headerRows: 1,
        widths: [18, '*', 70, 36, 60, ...(withDiscounts ? [70] : []), 66],
        body: [
          head.map((text) => ({ text, bold: true })),
          ...part.lines.map((line, index) => [
            String(index + 1),
            line.model ? `${line.name} (${line.model})` : line.name,
            line.externalId,
            right(String(line.quantity)),
            right(money(line.unitPrice)),
            ...(withDiscounts ? [right(lineDiscount(line, money))] : []),
            right(money(line.total)),
          ]),
          [
            { text: 'Итого по поставщику', colSpan: head.length - 1, bold: true },
            ...head.slice(2).map(() => ''),
            { ...right(money(part.total)), bold: true },
          ],
        ],
      },
    });
  }
  const totals: [string, string][] = [['Сумма без скидок', money(order.subtotal)]];
  if (order.linesDiscount !== '0.00') totals.push(['Скидки на товары', `−${money(order.linesDiscount)}`]);
  if (order.orderDiscount !== '0.00') {
    totals.push([
      `Скидка на заказ${order.couponCode ? ` (${order.couponCode})` : ''}`,
      `−${money(order.orderDiscount)}`,
    ]);
  }
  totals.push(['Итого к оплате', money(order.total)]);
  content.push({
    table: {
      widths: ['*', 110],
      body: totals.map(([label, value]) => [{ text: label, bold: true }, right(value)]),
    },
    layout: 'noBorders',
    margin: [0, 10, 0, 0],
  });
  content.push({
    text: `Валюта: ${order.currency}. Документ сформирован автоматически.`,
    fontSize: 8,
    margin: [0, 10, 0, 0],
  });
  return renderPdf({ info: { title: `Заказ ${order.number}`, creator: 'Zakupka' }, content });
}
