// What Zakupka needs of a card payment provider (after Saleor's and Medusa's payment modules): create
// a payment and send the buyer to its page, fetch a payment's state, refund, and turn an incoming
// notification into a verified event. The services never trust a notification's body by itself:
// a provider's `verifyNotification` answers the object as the provider itself states it.
import { AppError } from '../../../http/errors.ts';

export type ProviderPaymentStatus = 'pending' | 'succeeded' | 'canceled';
export type ProviderRefundStatus = 'pending' | 'succeeded' | 'canceled';

export interface ProviderAmount {
  /** Two-place decimal. */
  value: string;
  currency: string;
}

export interface ProviderPayment {
  id: string;
  status: ProviderPaymentStatus;
  amount: ProviderAmount;
}

export interface ProviderRefund {
  id: string;
  paymentId: string;
  status: ProviderRefundStatus;
  amount: ProviderAmount;
}

export interface CreatePaymentInput {
  /** Sent as the provider's idempotence key: a retried creation makes no second payment. */
  idempotenceKey: string;
  amount: ProviderAmount;
  description: string;
  returnUrl: string;
  metadata: Record<string, string>;
}

export interface CreatedPayment {
  id: string;
  status: ProviderPaymentStatus;
  /** Where the buyer pays. */
  confirmationUrl: string;
}

export interface RefundInput {
  idempotenceKey: string;
  paymentId: string;
  amount: ProviderAmount;
}

export type VerifiedNotification =
  | {
      event: 'payment.succeeded' | 'payment.canceled' | 'payment.waiting_for_capture';
      payment: ProviderPayment;
    }
  | { event: 'refund.succeeded'; refund: ProviderRefund };

export interface IncomingNotification {
  /** The body exactly as received (signatures are over these bytes). */
  rawBody: string;
  headers: Record<string, string | string[] | undefined>;
}

export interface CardProvider {
  readonly name: 'sandbox' | 'yookassa';
  createPayment(input: CreatePaymentInput): Promise<CreatedPayment>;
  fetchPayment(id: string): Promise<ProviderPayment>;
  refund(input: RefundInput): Promise<ProviderRefund>;
  fetchRefund(id: string): Promise<ProviderRefund>;
  /** Throws 401 `invalid_notification_signature` or 400 `invalid_notification`. */
  verifyNotification(notification: IncomingNotification): Promise<VerifiedNotification>;
}

export function providerError(detail: string): AppError {
  return new AppError(502, 'payment_provider_error', {
    detail: {
      ru: `Платёжный провайдер не ответил как нужно: ${detail}`,
      en: `The payment provider failed: ${detail}`,
    },
  });
}

export function invalidNotification(detail: string): AppError {
  return new AppError(400, 'invalid_notification', {
    detail: { ru: `Неверное уведомление: ${detail}`, en: `Invalid notification: ${detail}` },
  });
}
