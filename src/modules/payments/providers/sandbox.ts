// The sandbox provider: card payments without a bank, for the embedded default, demos and tests.
// Zakupka serves the payment page itself (GET /api/v2/payments/sandbox/:id); its buttons post a
// notification signed with HMAC-SHA256 under a key derived from the server's secret, so only a page
// this server rendered can mark a payment paid. The signed notification is the provider's word;
// refunds succeed at once.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { AppError } from '../../../http/errors.ts';
import {
  type CardProvider,
  type IncomingNotification,
  invalidNotification,
  type ProviderPayment,
  type ProviderRefund,
  type VerifiedNotification,
} from './provider.ts';

export const SANDBOX_SIGNATURE_HEADER = 'x-sandbox-signature';

export function sandboxKey(authSecret: string): Buffer {
  return createHmac('sha256', authSecret).update('zakupka-payments-sandbox-v1').digest();
}

/** `sha256=<hex>` of the body's bytes. */
export function signSandbox(key: Buffer, body: string): string {
  return `sha256=${createHmac('sha256', key).update(body, 'utf8').digest('hex')}`;
}

function signatureMatches(key: Buffer, body: string, header: string | string[] | undefined): boolean {
  if (typeof header !== 'string') return false;
  const expected = Buffer.from(signSandbox(key, body));
  const given = Buffer.from(header.trim());
  return given.length === expected.length && timingSafeEqual(given, expected);
}

function unsigned(): AppError {
  return new AppError(401, 'invalid_notification_signature', {
    detail: {
      ru: 'Уведомление без подписи или с неверной подписью',
      en: 'The notification is unsigned or wrongly signed',
    },
  });
}

export function sandboxProvider(options: { authSecret: string; publicUrl: string }): CardProvider {
  const key = sandboxKey(options.authSecret);
  return {
    name: 'sandbox',
    async createPayment(input) {
      // Deterministic per idempotence key, as a real provider answers a retried creation.
      const id = `sbx_${createHmac('sha256', key).update(input.idempotenceKey).digest('hex').slice(0, 24)}`;
      return {
        id,
        status: 'pending',
        confirmationUrl: `${options.publicUrl}/api/v2/payments/sandbox/${id}`,
      };
    },
    async fetchPayment(id): Promise<ProviderPayment> {
      // The sandbox keeps no state of its own: its notifications carry it, signed.
      throw new AppError(501, 'not_supported', {
        detail: { ru: `Песочница не хранит платежи (${id})`, en: `The sandbox keeps no payments (${id})` },
      });
    },
    async refund(input): Promise<ProviderRefund> {
      const id = `sbx_rf_${createHmac('sha256', key).update(input.idempotenceKey).digest('hex').slice(0, 24)}`;
      return { id, paymentId: input.paymentId, status: 'succeeded', amount: input.amount };
    },
    async fetchRefund(id): Promise<ProviderRefund> {
      throw new AppError(501, 'not_supported', {
        detail: { ru: `Песочница не хранит возвраты (${id})`, en: `The sandbox keeps no refunds (${id})` },
      });
    },
    async verifyNotification(notification: IncomingNotification): Promise<VerifiedNotification> {
      if (!signatureMatches(key, notification.rawBody, notification.headers[SANDBOX_SIGNATURE_HEADER])) {
        throw unsigned();
      }
      let parsed: {
        event?: unknown;
        object?: { id?: unknown; status?: unknown; amount?: { value?: unknown; currency?: unknown } };
      };
      try {
        parsed = JSON.parse(notification.rawBody);
      } catch {
        throw invalidNotification('not JSON');
      }
      const object = parsed.object;
      const amount = object?.amount;
      if (
        typeof object?.id !== 'string' ||
        typeof amount?.value !== 'string' ||
        typeof amount?.currency !== 'string' ||
        (parsed.event !== 'payment.succeeded' && parsed.event !== 'payment.canceled')
      ) {
        throw invalidNotification(
          'expected {event: payment.succeeded|payment.canceled, object: {id, amount}}',
        );
      }
      return {
        event: parsed.event,
        payment: {
          id: object.id,
          status: parsed.event === 'payment.succeeded' ? 'succeeded' : 'canceled',
          amount: { value: amount.value, currency: amount.currency },
        },
      };
    },
  };
}
