// YooKassa API v3 (https://yookassa.ru/developers/api): Basic auth with the shop id and secret key,
// `Idempotence-Key` on every creation, the buyer redirected to `confirmation.confirmation_url`.
// Notifications (`payment.succeeded`, `payment.canceled`, `refund.succeeded`) carry no signature,
// so only the object's id is taken from them: its state is fetched from the API before anything
// is recorded. YOOKASSA_API_URL points tests at a local fake of the API.
import type { PaymentsConfig } from '../../../config.ts';
import {
  type CardProvider,
  type CreatedPayment,
  type CreatePaymentInput,
  type IncomingNotification,
  invalidNotification,
  type ProviderPayment,
  type ProviderPaymentStatus,
  type ProviderRefund,
  providerError,
  type RefundInput,
  type VerifiedNotification,
} from './provider.ts';

const TIMEOUT_MS = 15_000;

interface ApiPayment {
  id: string;
  status: string;
  amount: { value: string; currency: string };
  confirmation?: { type: string; confirmation_url?: string };
}

interface ApiRefund {
  id: string;
  payment_id: string;
  status: string;
  amount: { value: string; currency: string };
}

function paymentStatus(status: string): ProviderPaymentStatus {
  if (status === 'succeeded') return 'succeeded';
  if (status === 'canceled') return 'canceled';
  // pending, waiting_for_capture: not final for us (payments are created with capture: true).
  return 'pending';
}

function asPayment(body: ApiPayment): ProviderPayment {
  return { id: body.id, status: paymentStatus(body.status), amount: body.amount };
}

function asRefund(body: ApiRefund): ProviderRefund {
  const status =
    body.status === 'succeeded' ? 'succeeded' : body.status === 'canceled' ? 'canceled' : 'pending';
  return { id: body.id, paymentId: body.payment_id, status, amount: body.amount };
}

export function yookassaProvider(config: PaymentsConfig['yookassa']): CardProvider {
  const auth = `Basic ${Buffer.from(`${config.shopId}:${config.secretKey}`).toString('base64')}`;

  async function call<T>(
    method: 'GET' | 'POST',
    path: string,
    body?: unknown,
    idempotenceKey?: string,
  ): Promise<T> {
    let response: Response;
    try {
      response = await fetch(`${config.apiUrl}${path}`, {
        method,
        headers: {
          authorization: auth,
          'content-type': 'application/json',
          ...(idempotenceKey ? { 'idempotence-key': idempotenceKey } : {}),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        redirect: 'error',
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
    } catch (error) {
      throw providerError(`${method} ${path}: ${(error as Error).message}`);
    }
    const text = await response.text();
    if (!response.ok) throw providerError(`${method} ${path}: HTTP ${response.status} ${text.slice(0, 200)}`);
    try {
      return JSON.parse(text) as T;
    } catch {
      throw providerError(`${method} ${path}: not JSON`);
    }
  }

  return {
    name: 'yookassa',
    async createPayment(input: CreatePaymentInput): Promise<CreatedPayment> {
      const body = await call<ApiPayment>(
        'POST',
        '/payments',
        {
          amount: input.amount,
          capture: true,
          confirmation: { type: 'redirect', return_url: input.returnUrl },
          description: input.description.slice(0, 128),
          metadata: input.metadata,
        },
        input.idempotenceKey,
      );
      const url = body.confirmation?.confirmation_url;
      if (!url) throw providerError('no confirmation_url in the created payment');
      return { id: body.id, status: paymentStatus(body.status), confirmationUrl: url };
    },
    async fetchPayment(id) {
      return asPayment(await call<ApiPayment>('GET', `/payments/${encodeURIComponent(id)}`));
    },
    async refund(input: RefundInput) {
      return asRefund(
        await call<ApiRefund>(
          'POST',
          '/refunds',
          { payment_id: input.paymentId, amount: input.amount },
          input.idempotenceKey,
        ),
      );
    },
    async fetchRefund(id) {
      return asRefund(await call<ApiRefund>('GET', `/refunds/${encodeURIComponent(id)}`));
    },
    async verifyNotification(notification: IncomingNotification): Promise<VerifiedNotification> {
      let parsed: { type?: unknown; event?: unknown; object?: { id?: unknown } };
      try {
        parsed = JSON.parse(notification.rawBody);
      } catch {
        throw invalidNotification('not JSON');
      }
      const id = parsed.object?.id;
      if (parsed.type !== 'notification' || typeof id !== 'string' || id === '') {
        throw invalidNotification('expected {type: "notification", event, object: {id}}');
      }
      switch (parsed.event) {
        case 'payment.succeeded':
        case 'payment.canceled':
        case 'payment.waiting_for_capture':
          // The body is only a hint: the payment is what the API says it is.
          return { event: parsed.event, payment: await this.fetchPayment(id) };
        case 'refund.succeeded':
          return { event: 'refund.succeeded', refund: await this.fetchRefund(id) };
        default:
          throw invalidNotification(`unknown event ${JSON.stringify(parsed.event)}`);
      }
    },
  };
}
