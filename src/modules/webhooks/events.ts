// The catalogue of webhook events: what each means, who may subscribe, and which are reserved.
import type { UserRole } from '../../db/schema/users.ts';

export const WEBHOOK_EVENT_TYPES = [
  'order.placed',
  'order.status_changed',
  'import.finished',
  'export.finished',
  'payment.received',
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

export interface WebhookEventInfo {
  type: WebhookEventType;
  description: { ru: string; en: string };
  /** Roles whose endpoints may subscribe to it. */
  roles: readonly UserRole[];
  /** Defined, but nothing sends it yet. */
  reserved: boolean;
}

export const WEBHOOK_EVENTS: readonly WebhookEventInfo[] = [
  {
    type: 'order.placed',
    description: {
      ru: 'Оформлен заказ. Поставщик получает только свою часть, покупатель — свой заказ, сотрудники — весь заказ',
      en: 'An order was placed. A supplier gets only its own part, a buyer its own order, staff the whole order',
    },
    roles: ['buyer', 'supplier', 'staff'],
    reserved: false,
  },
  {
    type: 'order.status_changed',
    description: {
      ru: 'Изменился статус заказа или его части. Поставщик получает изменения только своей части',
      en: 'An order or one of its parts changed state. A supplier hears only of its own part',
    },
    roles: ['buyer', 'supplier', 'staff'],
    reserved: false,
  },
  {
    type: 'import.finished',
    description: {
      ru: 'Загрузка прайс-листа завершилась (успешно или с ошибкой)',
      en: 'A price-list import finished (succeeded or failed)',
    },
    roles: ['supplier', 'staff'],
    reserved: false,
  },
  {
    type: 'export.finished',
    description: {
      ru: 'Выгрузка товаров готова к скачиванию',
      en: 'An export of goods is ready to download',
    },
    roles: ['supplier', 'staff'],
    reserved: false,
  },
  {
    type: 'payment.received',
    description: {
      ru: 'Получена оплата части заказа (вручную, по выписке банка или картой). Поставщик получает только платежи своей части',
      en: 'A payment of an order part was recorded (by hand, from a bank statement or by card). A supplier gets only its own part’s payments',
    },
    roles: ['buyer', 'supplier', 'staff'],
    reserved: false,
  },
];

export function eventInfo(type: WebhookEventType): WebhookEventInfo {
  return WEBHOOK_EVENTS.find((event) => event.type === type)!;
}
