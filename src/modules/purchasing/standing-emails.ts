// The buyer's email after each standing-order run: what was placed or prepared, what was skipped
// and why, or why the run failed. Russian unless the buyer prefers English.
import type { SkippedLine } from '../../db/schema/purchasing.ts';
import type { Language } from '../../db/schema/users.ts';
import { type Block, renderLayout } from '../../mail/layout.ts';
import type { EmailMessage } from '../../mail/mailer.ts';
import { orderNumber } from '../orders/views.ts';
import { reasonText } from './fill-basket.ts';

export interface RunReport {
  standingOrderId: number;
  slot: Date;
  status: 'placed' | 'prepared' | 'failed' | 'missed';
  orderId: number | null;
  skipped: SkippedLine[];
  errors: { code: string; message: string }[];
  publicUrl: string;
}

export function standingRunEmail(
  run: RunReport,
  recipient: { email: string; firstName: string; language: Language },
): EmailMessage {
  const en = recipient.language === 'en';
  const name = recipient.firstName.trim();
  const greeting = en
    ? name
      ? `Hello, ${name}!`
      : 'Hello!'
    : name
      ? `Здравствуйте, ${name}!`
      : 'Здравствуйте!';
  const when = `${run.slot.toISOString().replace('T', ' ').slice(0, 16)} UTC`;
  const blocks: Block[] = [];
  let subject: string;
  if (run.status === 'placed') {
    const number = orderNumber(run.orderId!);
    subject = en
      ? `Standing order ${run.standingOrderId}: order ${number} placed`
      : `Регулярный заказ ${run.standingOrderId}: оформлен заказ ${number}`;
    blocks.push({
      kind: 'paragraph',
      text: en
        ? `Your standing order ${run.standingOrderId} placed order ${number} (slot ${when}).`
        : `Регулярный заказ ${run.standingOrderId} оформил заказ ${number} (по расписанию на ${when}).`,
    });
    blocks.push({
      kind: 'link',
      label: en ? 'The order' : 'Заказ',
      url: `${run.publicUrl}/api/v2/orders/${run.orderId}`,
    });
  } else if (run.status === 'prepared') {
    subject = en
      ? `Standing order ${run.standingOrderId}: your basket is ready to confirm`
      : `Регулярный заказ ${run.standingOrderId}: корзина готова, подтвердите заказ`;
    blocks.push({
      kind: 'paragraph',
      text: en
        ? `We put your list into the basket (slot ${when}). Check it and place the order.`
        : `Мы положили ваш список в корзину (по расписанию на ${when}). Проверьте её и оформите заказ.`,
    });
    blocks.push({
      kind: 'link',
      label: en ? 'Confirm the order' : 'Подтвердить заказ',
      url: `${run.publicUrl}/basket`,
    });
  } else {
    subject = en
      ? `Standing order ${run.standingOrderId}: the order was not placed`
      : `Регулярный заказ ${run.standingOrderId}: заказ не оформлен`;
    blocks.push({
      kind: 'paragraph',
      text: en
        ? `Your standing order ${run.standingOrderId} could not place the order (slot ${when}).`
        : `Регулярный заказ ${run.standingOrderId} не смог оформить заказ (по расписанию на ${when}).`,
    });
    for (const error of run.errors) blocks.push({ kind: 'code', label: error.code, value: error.message });
  }
  if (run.skipped.length > 0) {
    blocks.push({
      kind: 'table',
      head: en ? ['Not added', 'Quantity', 'Why'] : ['Не добавлено', 'Количество', 'Причина'],
      rows: run.skipped.map((line) => [
        line.productName,
        String(line.quantity),
        reasonText(line.reason, recipient.language),
      ]),
    });
  }
  const rendered = renderLayout(recipient.language, subject, greeting, blocks);
  return { to: recipient.email, ...rendered, kind: 'standing_order_run' };
}
