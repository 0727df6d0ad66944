// The payment status of an order part, and of an order over its parts, from the money received and
// given back. The payments module records the money and hands the sums to `for-payments.ts`; this is
// the one place that turns sums into a status.
import type { PaymentStatus } from '../../db/schema/orders.ts';
import { toMinor } from '../../lib/money.ts';

export const UNPAID = { paidAmount: '0.00', refundedAmount: '0.00', paymentStatus: 'unpaid' } as const;

/**
 * - nothing refunded: `unpaid` (nothing paid), `partially_paid` (less than due), `paid` (exactly),
 *   `overpaid` (more);
 * - something refunded: `refunded` once everything paid went back, else `partially_refunded`.
 * Voided payments are not in `paid`; refunds count once made (pending ones are not in `refunded`).
 */
export function derivePaymentStatus(due: string, paid: string, refunded: string): PaymentStatus {
  const [dueMinor, paidMinor, refundedMinor] = [toMinor(due), toMinor(paid), toMinor(refunded)];
  if (refundedMinor > 0n) return refundedMinor >= paidMinor ? 'refunded' : 'partially_refunded';
  if (paidMinor === 0n) return 'unpaid';
  if (paidMinor < dueMinor) return 'partially_paid';
  return paidMinor === dueMinor ? 'paid' : 'overpaid';
}
