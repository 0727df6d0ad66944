// Invoices: one per supplier part, numbered `YYYY-NNNNN` per shop and year without gaps, issued the
// first time anyone needs it (the order-placed emails, a download, a statement match). What it says —
// the supplier's requisites, the VAT rate and amount — is fixed when it is issued.
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Queryable } from '../../db/client.ts';
import type { Shop } from '../../db/schema/catalog.ts';
import type { OrderPart } from '../../db/schema/orders.ts';
import { type Invoice, type InvoiceParty, invoiceCounters, invoices } from '../../db/schema/payments.ts';
import { transaction } from '../../db/transaction.ts';
import { fromMinor, mulDivRoundHalfUp, toMinor } from '../../lib/money.ts';
import type { EmailAttachment } from '../../mail/mailer.ts';
import type { Runtime } from '../../runtime.ts';
import { getProfile } from '../accounts/profile.service.ts';
import { getShop } from '../catalog/shops.service.ts';
import { loadOrder, type OrderDetail } from '../orders/for-payments.ts';
import { type Caller, visiblePart } from './access.ts';
import { renderInvoicePdf } from './invoice-pdf.ts';
import { orderNotFound } from './ledger.ts';

/** VAT included in a gross amount: amount × rate / (100 + rate), rounded half up to kopecks. */
export function includedVat(amount: string, rate: Shop['vatRate']): string {
  if (rate === 'none' || rate === '0') return '0.00';
  const percent = BigInt(rate);
  return fromMinor(mulDivRoundHalfUp(toMinor(amount), percent, 100n + percent));
}

/** The requisites an invoice of the shop prints: the shop's own, else its owner's profile. */
export async function supplierParty(db: Queryable, shop: Shop): Promise<InvoiceParty> {
  if (shop.billingDetails) return { name: shop.name, ...shop.billingDetails };
  const owner = await getProfile(db, shop.ownerId);
  return {
    name: shop.name,
    legal_name: owner.legalName ?? (owner.company || null),
    inn: owner.inn,
    kpp: owner.kpp,
    ogrn: owner.ogrn,
    bank_bik: owner.bankBik,
    settlement_account: owner.settlementAccount,
    correspondent_account: owner.correspondentAccount,
    bank_name: null,
    address: null,
  };
}

function invoiceNumber(year: number, sequence: number): string {
  return `${year}-${String(sequence).padStart(5, '0')}`;
}

/**
 * The part's invoice, issued now if it has none. The shop-year counter row is locked before the
 * part's invoice is looked for, so two issuers of one part make one invoice and numbers have no gaps.
 */
export async function ensureInvoice(
  tx: Queryable,
  part: Pick<OrderPart, 'id' | 'orderId' | 'shopId' | 'total'>,
  currency: string,
  now: Date,
): Promise<Invoice> {
  const [existing] = await tx.select().from(invoices).where(eq(invoices.partId, part.id));
  if (existing) return existing;
  const year = now.getUTCFullYear();
  await tx.insert(invoiceCounters).values({ shopId: part.shopId, year, lastNumber: 0 }).onConflictDoNothing();
  const [counter] = await tx
    .select()
    .from(invoiceCounters)
    .where(and(eq(invoiceCounters.shopId, part.shopId), eq(invoiceCounters.year, year)))
    .for('update');
  const [issuedMeanwhile] = await tx.select().from(invoices).where(eq(invoices.partId, part.id));
  if (issuedMeanwhile) return issuedMeanwhile;
  const shop = await getShop(tx, part.shopId);
  if (!shop) throw new Error(`shop ${part.shopId} of part ${part.id} does not exist`);
  const sequence = counter.lastNumber + 1;
  await tx
    .update(invoiceCounters)
    .set({ lastNumber: sequence })
    .where(and(eq(invoiceCounters.shopId, part.shopId), eq(invoiceCounters.year, year)));
  const [invoice] = await tx
    .insert(invoices)
    .values({
      orderId: part.orderId,
      partId: part.id,
      shopId: part.shopId,
      year,
      sequence,
      number: invoiceNumber(year, sequence),
      issuedAt: now,
      currency,
      amount: part.total,
      vatRate: shop.vatRate,
      vatAmount: includedVat(part.total, shop.vatRate),
      supplier: await supplierParty(tx, shop),
    })
    .returning();
  return invoice;
}

/** Every part's invoice of an order (issued where missing), in part order. */
export async function ensureOrderInvoices(runtime: Runtime, order: OrderDetail): Promise<Invoice[]> {
  return transaction(runtime, async ({ tx, now }) => {
    const found: Invoice[] = [];
    for (const part of order.parts) {
      found.push(
        await ensureInvoice(
          tx,
          { id: part.id, orderId: order.id, shopId: part.shop.id, total: part.total },
          order.currency,
          now,
        ),
      );
    }
    return found;
  });
}

export interface InvoiceDocument {
  invoice: Invoice;
  fileName: string;
  pdf: Buffer;
}

export function invoiceFileName(invoice: Invoice): string {
  return `invoice-${invoice.number}-shop-${invoice.shopId}.pdf`;
}

/** An order part's invoice as PDF, for the buyer, that supplier or staff (issued if needed). */
export async function invoicePdfFor(
  runtime: Runtime,
  caller: Caller,
  orderId: number,
  partId: number,
): Promise<InvoiceDocument> {
  const order = await loadOrder(runtime.db, orderId);
  if (!order) throw orderNotFound(orderId);
  const part = await visiblePart(
    runtime.db,
    caller,
    { id: order.id, userId: order.userId, parts: order.parts.map((p) => ({ ...p, shopId: p.shop.id })) },
    partId,
  );
  const invoice = await transaction(runtime, ({ tx, now }) =>
    ensureInvoice(
      tx,
      { id: part.id, orderId: order.id, shopId: part.shopId, total: part.total },
      order.currency,
      now,
    ),
  );
  return { invoice, fileName: invoiceFileName(invoice), pdf: await renderInvoicePdf(order, part, invoice) };
}

/** Every part's invoice of an order as PDF files (for the confirmation email). */
export async function orderInvoicePdfs(runtime: Runtime, order: OrderDetail): Promise<InvoiceDocument[]> {
  const issued = await ensureOrderInvoices(runtime, order);
  const documents: InvoiceDocument[] = [];
  for (const invoice of issued) {
    const part = order.parts.find((candidate) => candidate.id === invoice.partId)!;
    documents.push({
      invoice,
      fileName: invoiceFileName(invoice),
      pdf: await renderInvoicePdf(order, part, invoice),
    });
  }
  return documents;
}

/** Invoices found by number (statement matching), optionally within one shop. */
export async function invoicesByNumber(
  db: Queryable,
  numbers: readonly string[],
  shopId?: number,
): Promise<Invoice[]> {
  if (numbers.length === 0) return [];
  return db
    .select()
    .from(invoices)
    .where(
      and(
        inArray(invoices.number, [...numbers]),
        shopId === undefined ? undefined : eq(invoices.shopId, shopId),
      ),
    )
    .orderBy(sql`${invoices.id}`);
}

/** The invoices of a placed order as email attachments (the order confirmation carries them). */
export async function orderInvoiceAttachments(
  runtime: Runtime,
  order: OrderDetail,
): Promise<EmailAttachment[]> {
  const documents = await orderInvoicePdfs(runtime, order);
  return documents.map((document) => ({
    filename: document.fileName,
    content: document.pdf.toString('base64'),
    encoding: 'base64' as const,
    contentType: 'application/pdf',
  }));
}
