// What the payment pages share: the shapes the API answers (GET /api/v2/orders/:id/payments and the
// statement report), the payment-status chip, and the money and date helpers of this part. Money
// stays the API's exact decimal strings; it is parsed only to decide "is anything due" and to show.
import { Chip } from '@mui/material';
import { useLocale, useTranslate } from 'react-admin';

export type PaymentStatus =
  | 'unpaid'
  | 'partially_paid'
  | 'paid'
  | 'overpaid'
  | 'refunded'
  | 'partially_refunded';

export interface Payment {
  id: number;
  part_id: number;
  method: 'bank_transfer' | 'card';
  source: 'manual' | 'statement' | 'card';
  amount: string;
  currency: string;
  paid_at: string;
  reference: string;
  recorded_by: { id: number | null; role: string };
  voided: boolean;
  voided_at: string | null;
  void_reason: string | null;
}

export interface Refund {
  id: number;
  order_id: number;
  part_id: number;
  shop_id: number;
  method: 'bank_transfer' | 'card';
  amount: string;
  currency: string;
  status: 'pending' | 'succeeded' | 'failed';
  reason: string;
  reference: string;
  failure_reason: string | null;
  created_at: string;
  completed_at: string | null;
}

export interface Invoice {
  number: string;
  issued_at: string;
  amount: string;
  vat_rate: string;
  vat_amount: string;
  pdf_url: string;
}

export interface PartPayments {
  part_id: number;
  shop: { id: number; name: string };
  state: string;
  total: string;
  status: PaymentStatus;
  paid_amount: string;
  refunded_amount: string;
  due_amount: string;
  invoice: Invoice | null;
  payments: Payment[];
  refunds: Refund[];
}

export interface CardPayment {
  id: number;
  status: 'pending' | 'succeeded' | 'canceled';
  amount: string;
  currency: string;
  created_at: string;
}

export interface OrderPayments {
  order_id: number;
  number: string;
  currency: string;
  total: string;
  status: PaymentStatus;
  paid_amount: string;
  refunded_amount: string;
  due_amount: string;
  parts: PartPayments[];
  card_payments: CardPayment[];
  history: {
    id: number;
    part_id: number;
    kind: string;
    amount: string;
    actor_role: string;
    note: string;
    at: string;
  }[];
}

const STATUS_COLORS: Record<PaymentStatus, 'default' | 'success' | 'warning' | 'info' | 'error'> = {
  unpaid: 'default',
  partially_paid: 'warning',
  paid: 'success',
  overpaid: 'info',
  refunded: 'default',
  partially_refunded: 'warning',
};

export const PAYMENT_STATUSES = Object.keys(STATUS_COLORS) as PaymentStatus[];

export function PaymentStatusChip({ status }: { status?: string | null }) {
  const translate = useTranslate();
  if (!status) return null;
  return (
    <Chip
      size="small"
      variant="outlined"
      color={STATUS_COLORS[status as PaymentStatus] ?? 'default'}
      label={translate(`console.payments.statuses.${status}`, { _: status })}
    />
  );
}

/** Whether a decimal string from the API is more than zero (no float arithmetic). */
export function isPositive(amount: string): boolean {
  return /[1-9]/.test(amount) && !amount.startsWith('-');
}

/**
 * What a person typed as an amount ("1 200,50", "1200.5") as the API's decimal string, or null
 * when it is not a positive amount with at most two decimals.
 */
export function normalizeAmount(typed: string): string | null {
  const plain = typed.replace(/[\s\u00a0]/g, '').replace(',', '.');
  if (!/^\d{1,12}(\.\d{1,2})?$/.test(plain) || !isPositive(plain)) return null;
  return plain;
}

/**
 * A calendar day from a date input as the instant the API stores: 09:00 UTC of that day, which is
 * the same day in every Russian time zone (UTC+2 … UTC+12).
 */
export function dayToInstant(day: string): string {
  return `${day}T09:00:00.000Z`;
}

/** Today as YYYY-MM-DD in the browser's time zone (a date input's value). */
export function todayInput(): string {
  const now = new Date();
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

export function DayText({ value }: { value?: string | null }) {
  const locale = useLocale();
  if (!value) return <span>—</span>;
  return <span>{new Date(value).toLocaleDateString(locale === 'en' ? 'en-GB' : 'ru-RU')}</span>;
}

/** A problem's text as the console shows it (the API's detail in the person's language). */
export function problemText(error: unknown): string {
  return (error as { message?: string })?.message ?? String(error);
}
