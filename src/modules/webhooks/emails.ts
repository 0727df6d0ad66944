// The webhooks module's one email: an endpoint was disabled after failing for 24 hours.
import type { Language } from '../../db/schema/users.ts';
import { renderLayout } from '../../mail/layout.ts';
import type { EmailMessage } from '../../mail/mailer.ts';

export interface DisabledEndpoint {
  id: number;
  url: string;
  description: string;
  failingSince: Date;
  lastError: string;
}

export function endpointDisabledEmail(
  endpoint: DisabledEndpoint,
  recipient: { email: string; firstName: string; language: Language },
): EmailMessage {
  const name = recipient.firstName.trim();
  const since = endpoint.failingSince.toISOString().replace('T', ' ').slice(0, 16);
  const rendered =
    recipient.language === 'en'
      ? renderLayout(
          'en',
          `Webhook ${endpoint.id} disabled: it failed for 24 hours`,
          name ? `Hello, ${name}!` : 'Hello!',
          [
            {
              kind: 'paragraph',
              text: `Every delivery to your webhook ${endpoint.url}${endpoint.description ? ` (${endpoint.description})` : ''} has failed since ${since} UTC, so we disabled it. No more events are sent to it.`,
            },
            { kind: 'code', label: 'Last failure', value: endpoint.lastError },
            {
              kind: 'paragraph',
              text: `Fix the receiver, then enable the webhook again with PATCH /api/v2/webhooks/${endpoint.id} {"enabled": true}; the delivery log (GET /api/v2/webhooks/${endpoint.id}/deliveries) shows every attempt, and any message can be sent again with its redeliver action.`,
            },
          ],
        )
      : renderLayout(
          'ru',
          `Вебхук ${endpoint.id} отключён: он не отвечал 24 часа`,
          name ? `Здравствуйте, ${name}!` : 'Здравствуйте!',
          [
            {
              kind: 'paragraph',
              text: `Все доставки на ваш вебхук ${endpoint.url}${endpoint.description ? ` (${endpoint.description})` : ''} завершаются ошибкой с ${since} UTC, поэтому мы его отключили. События на него больше не отправляются.`,
            },
            { kind: 'code', label: 'Последняя ошибка', value: endpoint.lastError },
            {
              kind: 'paragraph',
              text: `Исправьте приёмник и снова включите вебхук: PATCH /api/v2/webhooks/${endpoint.id} {"enabled": true}. Журнал доставок (GET /api/v2/webhooks/${endpoint.id}/deliveries) показывает каждую попытку, а любое сообщение можно отправить повторно действием redeliver.`,
            },
          ],
        );
  return { to: recipient.email, ...rendered, kind: 'webhook_disabled' };
}
