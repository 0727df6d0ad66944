// Payments (module src/modules/payments, the only writer of these tables): invoices numbered per shop
// and year, payments recorded against order parts (by hand, from a bank statement, by card), their
// history, refunds, card payments at a provider, statement uploads and the provider notification log.
// The payment totals and status of each part live on order_parts (written through the orders module).
import { sql } from 'drizzle-orm';
import {
  check,
  index,
  integer,
  jsonb,
  numeric,
  pgTable,
  primaryKey,
  smallint,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import { shops, type VatRate } from './catalog.ts';
import { orderParts, orders } from './orders.ts';
import { type UserRole, users } from './users.ts';

const money = (name: string) => numeric(name, { precision: 14, scale: 2 });

/** The last invoice number given per shop and year; its row is the lock that keeps numbers gapless. */
export const invoiceCounters = pgTable(
  'invoice_counters',
  {
    shopId: integer('shop_id')
      .notNull()
      .references(() => shops.id),
    year: smallint('year').notNull(),
    lastNumber: integer('last_number').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.shopId, t.year] })],
);

/** The supplier's and buyer's requisites as printed on an invoice when it was issued. */
export interface InvoiceParty {
  name: string;
  legal_name: string | null;
  inn: string | null;
  kpp: string | null;
  ogrn: string | null;
  bank_bik: string | null;
  settlement_account: string | null;
  correspondent_account: string | null;
  bank_name: string | null;
  address: string | null;
}

/** One invoice per order part; what it says is fixed when it is issued. */
export const invoices = pgTable(
  'invoices',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    orderId: integer('order_id')
      .notNull()
      .references(() => orders.id),
    partId: integer('part_id')
      .notNull()
      .references(() => orderParts.id),
    shopId: integer('shop_id')
      .notNull()
      .references(() => shops.id),
    year: smallint('year').notNull(),
    sequence: integer('sequence').notNull(),
    /** `YYYY-NNNNN`: unique per shop. */
    number: text('number').notNull(),
    issuedAt: timestamp('issued_at', { withTimezone: true }).notNull(),
    currency: text('currency').notNull(),
    amount: money('amount').notNull(),
    vatRate: text('vat_rate').$type<VatRate>().notNull(),
    /** VAT included in `amount` (0 when the supplier pays none). */
    vatAmount: money('vat_amount').notNull(),
    supplier: jsonb('supplier').$type<InvoiceParty>().notNull(),
  },
  (t) => [
    uniqueIndex('invoices_part_key').on(t.partId),
    uniqueIndex('invoices_shop_year_sequence_key').on(t.shopId, t.year, t.sequence),
    uniqueIndex('invoices_shop_number_key').on(t.shopId, t.number),
    index('invoices_number_idx').on(t.number),
    index('invoices_order_idx').on(t.orderId),
  ],
);

export const CARD_PAYMENT_STATUSES = ['pending', 'succeeded', 'canceled'] as const;
export type CardPaymentStatus = (typeof CARD_PAYMENT_STATUSES)[number];

/** How much of a card payment goes to which part. */
export interface PartAllocation {
  partId: number;
  amount: string;
}

/** A buyer's card payment of an order at a provider; succeeded once, then split into part payments. */
export const cardPayments = pgTable(
  'card_payments',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    orderId: integer('order_id')
      .notNull()
      .references(() => orders.id),
    buyerId: integer('buyer_id')
      .notNull()
      .references(() => users.id),
    provider: text('provider').notNull(),
    /** The provider's id; null until the provider answered the creation. */
    providerPaymentId: text('provider_payment_id'),
    status: text('status').$type<CardPaymentStatus>().notNull().default('pending'),
    amount: money('amount').notNull(),
    currency: text('currency').notNull(),
    allocations: jsonb('allocations').$type<PartAllocation[]>().notNull(),
    confirmationUrl: text('confirmation_url'),
    /** Where the provider sends the buyer back. */
    returnUrl: text('return_url').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
    completedAt: timestamp('completed_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('card_payments_provider_id_key').on(t.provider, t.providerPaymentId),
    index('card_payments_order_idx').on(t.orderId),
    check('card_payments_status_check', sql`${t.status} in ('pending', 'succeeded', 'canceled')`),
    check('card_payments_amount_check', sql`${t.amount} > 0`),
  ],
);

/** One uploaded bank statement and what became of each of its documents. */
export const statementImports = pgTable(
  'statement_imports',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    uploadedById: integer('uploaded_by_id')
      .notNull()
      .references(() => users.id),
    /** The supplier's shop for a supplier's upload; null: staff, all shops. */
    shopId: integer('shop_id').references(() => shops.id),
    fileName: text('file_name').notNull(),
    sha256: text('sha256').notNull(),
    encoding: text('encoding').notNull(),
    documentCount: integer('document_count').notNull(),
    report: jsonb('report').$type<Record<string, unknown>>().notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('statement_imports_shop_created_idx').on(t.shopId, t.createdAt)],
);

export type PaymentMethod = 'bank_transfer' | 'card';
export type PaymentSource = 'manual' | 'statement' | 'card';

/** Money received for one order part. Never deleted: a mistake is voided with a reason. */
export const payments = pgTable(
  'payments',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    orderId: integer('order_id')
      .notNull()
      .references(() => orders.id),
    partId: integer('part_id')
      .notNull()
      .references(() => orderParts.id),
    shopId: integer('shop_id')
      .notNull()
      .references(() => shops.id),
    method: text('method').$type<PaymentMethod>().notNull(),
    source: text('source').$type<PaymentSource>().notNull(),
    amount: money('amount').notNull(),
    currency: text('currency').notNull(),
    paidAt: timestamp('paid_at', { withTimezone: true }).notNull(),
    /** The payment order number and date, or the provider's payment id. */
    reference: text('reference').notNull().default(''),
    /** Null: recorded by the system (a provider notification). */
    recordedById: integer('recorded_by_id').references(() => users.id),
    recordedByRole: text('recorded_by_role').$type<UserRole | 'system'>().notNull(),
    cardPaymentId: integer('card_payment_id').references(() => cardPayments.id),
    statementImportId: integer('statement_import_id').references(() => statementImports.id),
    /** A statement document's fingerprint: the same document is recorded once, whatever uploads it. */
    statementDocumentKey: text('statement_document_key'),
    voidedAt: timestamp('voided_at', { withTimezone: true }),
    voidedById: integer('voided_by_id').references(() => users.id),
    voidReason: text('void_reason'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    index('payments_part_idx').on(t.partId),
    index('payments_order_idx').on(t.orderId),
    uniqueIndex('payments_card_part_key').on(t.cardPaymentId, t.partId),
    uniqueIndex('payments_statement_document_key').on(t.statementDocumentKey),
    check('payments_amount_check', sql`${t.amount} > 0`),
    check('payments_method_check', sql`${t.method} in ('bank_transfer', 'card')`),
    check('payments_source_check', sql`${t.source} in ('manual', 'statement', 'card')`),
  ],
);

export type RefundStatus = 'pending' | 'succeeded' | 'failed';

/** Money going back to the buyer: through the provider (card) or by a transfer staff make (bank). */
export const refunds = pgTable(
  'refunds',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    orderId: integer('order_id')
      .notNull()
      .references(() => orders.id),
    partId: integer('part_id')
      .notNull()
      .references(() => orderParts.id),
    shopId: integer('shop_id')
      .notNull()
      .references(() => shops.id),
    method: text('method').$type<PaymentMethod>().notNull(),
    amount: money('amount').notNull(),
    currency: text('currency').notNull(),
    status: text('status').$type<RefundStatus>().notNull().default('pending'),
    reason: text('reason').notNull(),
    /** What the refund is for (`cancel:<part>:card:<card payment>` / `cancel:<part>:bank`): made once. */
    refundKey: text('refund_key').notNull(),
    cardPaymentId: integer('card_payment_id').references(() => cardPayments.id),
    providerRefundId: text('provider_refund_id'),
    /** The transfer's payment order, or the provider's refund id. */
    reference: text('reference').notNull().default(''),
    failureReason: text('failure_reason'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    completedAt: timestamp('completed_at', { withTimezone: true }),
    completedById: integer('completed_by_id').references(() => users.id),
  },
  (t) => [
    uniqueIndex('refunds_key').on(t.refundKey),
    uniqueIndex('refunds_provider_id_key').on(t.providerRefundId),
    index('refunds_part_idx').on(t.partId),
    index('refunds_status_created_idx').on(t.status, t.createdAt),
    check('refunds_amount_check', sql`${t.amount} > 0`),
    check('refunds_status_check', sql`${t.status} in ('pending', 'succeeded', 'failed')`),
  ],
);

export type PaymentEventKind =
  | 'payment_recorded'
  | 'payment_voided'
  | 'refund_created'
  | 'refund_succeeded'
  | 'refund_failed';

/** The payment history of order parts: who did what with which money, when. */
export const paymentEvents = pgTable(
  'payment_events',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    orderId: integer('order_id')
      .notNull()
      .references(() => orders.id),
    partId: integer('part_id')
      .notNull()
      .references(() => orderParts.id),
    kind: text('kind').$type<PaymentEventKind>().notNull(),
    paymentId: integer('payment_id').references(() => payments.id),
    refundId: integer('refund_id').references(() => refunds.id),
    amount: money('amount').notNull(),
    actorId: integer('actor_id').references(() => users.id),
    actorRole: text('actor_role').$type<UserRole | 'system'>().notNull(),
    note: text('note').notNull().default(''),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('payment_events_order_idx').on(t.orderId, t.id)],
);

/** Every provider notification that passed its signature check, and what was made of it (for staff). */
export const paymentNotifications = pgTable(
  'payment_notifications',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    provider: text('provider').notNull(),
    event: text('event').notNull(),
    providerObjectId: text('provider_object_id').notNull(),
    /** recorded, duplicate, canceled, refund_recorded, refused_amount_mismatch, unknown, not_final */
    outcome: text('outcome').notNull(),
    detail: text('detail').notNull().default(''),
    payload: jsonb('payload').notNull(),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    index('payment_notifications_received_idx').on(t.receivedAt),
    index('payment_notifications_outcome_idx').on(t.outcome, t.receivedAt),
  ],
);

export type Invoice = typeof invoices.$inferSelect;
export type CardPayment = typeof cardPayments.$inferSelect;
export type Payment = typeof payments.$inferSelect;
export type Refund = typeof refunds.$inferSelect;
export type PaymentEvent = typeof paymentEvents.$inferSelect;
export type StatementImport = typeof statementImports.$inferSelect;
export type PaymentNotification = typeof paymentNotifications.$inferSelect;
