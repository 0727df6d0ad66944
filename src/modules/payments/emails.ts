// The buyer's payment emails: a payment was received, a refund was made. Russian by default,
// English by the buyer's preference; queued in the transaction that recorded the money.
import type { Language } from '../../db/schema/users.ts';
import { formatMoney } from '../../lib/money.ts';
import { type Block, renderLayout } from '../../mail/layout.ts';
import type { EmailMessage } from '../../mail/mailer.ts';

interface Recipient {
  email: string;
  firstName: string;
  language: Language;
}

function greeting(name: string, language: Language): string {
  const trimmed = name.trim();
  if (language === 'ru') return trimmed ? `Здравствуйте, ${trimmed}!` : 'Здравствуйте!';
  return trimmed ? `Hello ${trimmed},` : 'Hello,';
}

const METHOD_NAMES: Record<'bank_transfer' | 'card', Record<Language, string>> = {
  bank_transfer: { ru: 'банковский перевод', en: 'bank transfer' },
  card: { ru: 'оплата картой', en: 'card payment' },
};

export function paymentReceivedEmail(
  payment: {
    orderId: number;
    number: string;
    amount: string;
    currency: string;
    method: 'bank_transfer' | 'card';
    shops: string[];
  },
  to: Recipient,
): EmailMessage {
  const { language } = to;
  const amount = formatMoney(payment.amount, payment.currency, language);
  const ru = language === 'ru';
  const subject = ru
    ? `Заказ ${payment.number}: получена оплата ${amount}`
    : `Order ${payment.number}: payment of ${amount} received`;
  const blocks: Block[] = [
    {
      kind: 'paragraph',
      text: ru
        ? `Мы получили оплату по заказу ${payment.number}: ${amount} (${METHOD_NAMES[payment.method].ru}).`
        : `We have received a payment for order ${payment.number}: ${amount} (${METHOD_NAMES[payment.method].en}).`,
    },
    {
      kind: 'paragraph',
      text: `${ru ? 'Поставщики' : 'Suppliers'}: ${payment.shops.join(', ')}`,
    },
  ];
  return {
    to: to.email,
    ...renderLayout(language, subject, greeting(to.firstName, language), blocks),
    kind: 'payment_received',
  };
}

export function refundMadeEmail(
  refund: {
    number: string;
    amount: string;
    currency: string;
    method: 'bank_transfer' | 'card';
    shop: string;
    reference: string;
  },
  to: Recipient,
): EmailMessage {
  const { language } = to;
  const amount = formatMoney(refund.amount, refund.currency, language);
  const ru = language === 'ru';
  const subject = ru
    ? `Заказ ${refund.number}: возврат ${amount}`
    : `Order ${refund.number}: refund of ${amount}`;
  const how =
    refund.method === 'card'
      ? ru
        ? 'Деньги вернутся на карту, которой вы платили; банку может понадобиться несколько дней.'
        : 'The money goes back to the card you paid with; your bank may take a few days.'
      : ru
        ? 'Деньги отправлены переводом на счёт, с которого пришла оплата.'
        : 'The money has been sent by transfer to the account the payment came from.';
  const blocks: Block[] = [
    {
      kind: 'paragraph',
      text: ru
        ? `Мы вернули ${amount} по заказу ${refund.number} (поставщик ${refund.shop}).`
        : `We have refunded ${amount} for order ${refund.number} (supplier ${refund.shop}).`,
    },
    { kind: 'paragraph', text: how },
  ];
  if (refund.reference) {
    blocks.push({ kind: 'code', label: ru ? 'Основание' : 'Reference', value: refund.reference });
  }
  return {
    to: to.email,
    ...renderLayout(language, subject, greeting(to.firstName, language), blocks),
    kind: 'refund_made',
  };
}
