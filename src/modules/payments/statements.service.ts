// Bank statement import: every incoming document of an uploaded 1C statement is matched to an
// invoice — by the invoice number in its purpose, confirmed by the payee (the invoice's supplier),
// the payer INN (the order's buyer) and the amount — and a match becomes a payment of that part.
// A document is recorded once whatever uploads it (its fingerprint is unique among payments), so
// uploading the same statement again changes nothing. One transaction for the whole file.
import { createHash } from 'node:crypto';
import { and, desc, eq, inArray, lt } from 'drizzle-orm';
import type { Queryable } from '../../db/client.ts';
import type { Shop } from '../../db/schema/catalog.ts';
import { type Invoice, payments, type StatementImport, statementImports } from '../../db/schema/payments.ts';
import { transaction } from '../../db/transaction.ts';
import { notFound } from '../../http/errors.ts';
import { decodeIdCursor, kindCursor, type Page, pageOf, peekLimit } from '../../http/paging.ts';
import type { Runtime } from '../../runtime.ts';
import { shopOfOwner } from '../catalog/shops.service.ts';
import { loadOrders } from '../orders/for-payments.ts';
import type { Caller } from './access.ts';
import { invoicesByNumber, supplierParty } from './invoices.service.ts';
import { insertPayments, lockOrder } from './ledger.ts';
import { invoiceNumbersIn, parseStatement, type StatementDocument } from './statement-parser.ts';

export interface DocumentRef {
  line: number;
  number: string;
  date: string;
  amount: string;
  payer_inn: string;
  payer_name: string;
  purpose: string;
}

export interface Candidate {
  invoice_number: string;
  order_id: number;
  part_id: number;
  shop_id: number;
  amount: string;
}

export interface StatementReport {
  statement_id: number;
  encoding: string;
  documents: number;
  matched: (DocumentRef & Candidate & { payment_id: number })[];
  already_recorded: (DocumentRef & Candidate & { payment_id: number })[];
  ambiguous: (DocumentRef & { reason: string; candidates: Candidate[] })[];
  unmatched: (DocumentRef & { reason: string })[];
}

/** The same payment order in any statement: its number, date, amount, both accounts and purpose. */
export function documentKey(doc: StatementDocument): string {
  const parts = [
    doc.number,
    doc.date,
    doc.amount,
    doc.payerInn,
    doc.payerAccount,
    doc.payeeAccount,
    doc.purpose,
  ];
  return createHash('sha256').update(parts.join('\u001f')).digest('hex');
}

function refOf(doc: StatementDocument): DocumentRef {
  return {
    line: doc.line,
    number: doc.number,
    date: doc.date,
    amount: doc.amount,
    payer_inn: doc.payerInn,
    payer_name: doc.payerName,
    purpose: doc.purpose,
  };
}

function candidateOf(invoice: Invoice): Candidate {
  return {
    invoice_number: invoice.number,
    order_id: invoice.orderId,
    part_id: invoice.partId,
    shop_id: invoice.shopId,
    amount: invoice.amount,
  };
}

type Decision =
  | { kind: 'matched'; invoice: Invoice }
  | { kind: 'ambiguous'; reason: string; candidates: Invoice[] }
  | { kind: 'unmatched'; reason: string };

/**
 * One document against the invoices its purpose names. Candidates must be the payee's (the invoice's
 * supplier INN and account, where both sides have them); the payer INN, when both the document and
 * the order's buyer have one, must agree; among several, the one of exactly this amount wins.
 */
function decide(
  doc: StatementDocument,
  named: Invoice[],
  buyerInnOf: Map<number, string | null>,
  ownStatement: boolean,
): Decision {
  if (named.length === 0) {
    return {
      kind: 'unmatched',
      reason: invoiceNumbersIn(doc.purpose).length ? 'invoice_not_found' : 'no_invoice_number',
    };
  }
  const payees = named.filter(
    (invoice) =>
      (!doc.payeeInn || !invoice.supplier.inn || invoice.supplier.inn === doc.payeeInn) &&
      (!doc.payeeAccount ||
        !invoice.supplier.settlement_account ||
        invoice.supplier.settlement_account === doc.payeeAccount),
  );
  if (payees.length === 0) return { kind: 'unmatched', reason: 'payee_differs' };
  // Staff's statement naming a payee, and an invoice whose supplier has no INN or account on file:
  // the payee cannot be confirmed, so a person decides. (A supplier's own statement is its own.)
  const unconfirmed = (invoice: Invoice) =>
    !ownStatement &&
    ((doc.payeeInn !== '' && !invoice.supplier.inn) ||
      (doc.payeeAccount !== '' && !invoice.supplier.settlement_account && !invoice.supplier.inn));
  if (payees.some(unconfirmed)) return { kind: 'ambiguous', reason: 'payee_unknown', candidates: payees };
  const payers = payees.filter((invoice) => {
    const buyerInn = buyerInnOf.get(invoice.orderId);
    return !doc.payerInn || !buyerInn || buyerInn === doc.payerInn;
  });
  if (payers.length === 0) return { kind: 'ambiguous', reason: 'payer_inn_differs', candidates: payees };
  if (payers.length === 1) return { kind: 'matched', invoice: payers[0] };
  const exact = payers.filter((invoice) => invoice.amount === doc.amount);
  if (exact.length === 1) return { kind: 'matched', invoice: exact[0] };
  return { kind: 'ambiguous', reason: 'several_invoices', candidates: exact.length ? exact : payers };
}

/** Whether a document is money coming in to the uploader (a supplier's own INN or account). */
function isIncoming(
  doc: StatementDocument,
  own: { inn: string | null; account: string | null } | null,
): boolean {
  if (!own) return true;
  if (own.inn && doc.payerInn === own.inn && doc.payeeInn !== own.inn) return false;
  if (own.account && doc.payerAccount === own.account && doc.payeeAccount !== own.account) return false;
  return true;
}

export interface StatementUpload {
  fileName: string;
  content: Buffer;
}

/**
 * Imports a statement: staff for every shop (`shop` undefined), a supplier for its own invoices.
 * Answers the report, also stored with the upload.
 */
export async function importStatement(
  runtime: Runtime,
  caller: Caller,
  upload: StatementUpload,
): Promise<StatementReport> {
  const parsed = parseStatement(upload.content);
  const shop: Shop | null = caller.role === 'supplier' ? await shopOfOwner(runtime.db, caller.id) : null;
  const own = shop ? await supplierParty(runtime.db, shop) : null;
  return transaction(runtime, async (scope) => {
    const { tx } = scope;
    const incoming = parsed.documents.filter((doc) =>
      isIncoming(doc, own && { inn: own.inn, account: own.settlement_account }),
    );
    const numbers = [...new Set(incoming.flatMap((doc) => invoiceNumbersIn(doc.purpose)))];
    const named = await invoicesByNumber(tx, numbers, shop?.id);
    const orders = await loadOrders(tx, [...new Set(named.map((invoice) => invoice.orderId))]);
    const buyerInnOf = new Map(orders.map((order) => [order.id, order.billing.inn]));

    const [upload_] = await tx
      .insert(statementImports)
      .values({
        uploadedById: caller.id,
        shopId: shop?.id ?? null,
        fileName: upload.fileName,
        sha256: createHash('sha256').update(upload.content).digest('hex'),
        encoding: parsed.encoding,
        documentCount: parsed.documents.length,
        report: {},
        createdAt: scope.now,
      })
      .returning({ id: statementImports.id });
    const report: StatementReport = {
      statement_id: upload_.id,
      encoding: parsed.encoding,
      documents: parsed.documents.length,
      matched: [],
      already_recorded: [],
      ambiguous: [],
      unmatched: [],
    };
    for (const doc of parsed.documents) {
      if (!incoming.includes(doc)) report.unmatched.push({ ...refOf(doc), reason: 'not_incoming' });
    }

    const toRecord: { doc: StatementDocument; invoice: Invoice; key: string }[] = [];
    for (const doc of incoming) {
      const numbersOfDoc = new Set(invoiceNumbersIn(doc.purpose));
      const decision = decide(
        doc,
        named.filter((invoice) => numbersOfDoc.has(invoice.number)),
        buyerInnOf,
        shop !== null,
      );
      if (decision.kind === 'unmatched') report.unmatched.push({ ...refOf(doc), reason: decision.reason });
      else if (decision.kind === 'ambiguous') {
        report.ambiguous.push({
          ...refOf(doc),
          reason: decision.reason,
          candidates: decision.candidates.map(candidateOf),
        });
      } else toRecord.push({ doc, invoice: decision.invoice, key: documentKey(doc) });
    }

    const recorded = toRecord.length
      ? await tx
          .select({ id: payments.id, key: payments.statementDocumentKey })
          .from(payments)
          .where(
            inArray(
              payments.statementDocumentKey,
              toRecord.map((entry) => entry.key),
            ),
          )
      : [];
    // Orders are locked in id order, as every writer of several orders does.
    const byOrder = new Map<number, typeof toRecord>();
    for (const entry of toRecord) {
      const existing = recorded.find((row) => row.key === entry.key);
      if (existing) {
        report.already_recorded.push({
          ...refOf(entry.doc),
          ...candidateOf(entry.invoice),
          payment_id: existing.id,
        });
        continue;
      }
      const list = byOrder.get(entry.invoice.orderId) ?? [];
      list.push(entry);
      byOrder.set(entry.invoice.orderId, list);
    }
    for (const orderId of [...byOrder.keys()].sort((a, b) => a - b)) {
      const locked = await lockOrder(tx, orderId);
      const entries = byOrder.get(orderId)!;
      for (const entry of entries) {
        const part = locked.parts.find((candidate) => candidate.id === entry.invoice.partId)!;
        const [payment] = await insertPayments(scope, locked, [
          {
            part,
            method: 'bank_transfer',
            source: 'statement',
            amount: entry.doc.amount,
            paidAt: entry.doc.receivedAt,
            reference: `п/п № ${entry.doc.number} от ${entry.doc.date}`,
            by: { id: caller.id, role: caller.role },
            statementImportId: upload_.id,
            statementDocumentKey: entry.key,
          },
        ]);
        if (payment) {
          report.matched.push({ ...refOf(entry.doc), ...candidateOf(entry.invoice), payment_id: payment.id });
        } else {
          // Recorded meanwhile by a parallel upload of the same document.
          const [row] = await tx
            .select({ id: payments.id })
            .from(payments)
            .where(eq(payments.statementDocumentKey, entry.key));
          report.already_recorded.push({
            ...refOf(entry.doc),
            ...candidateOf(entry.invoice),
            payment_id: row.id,
          });
        }
      }
    }
    report.matched.sort((a, b) => a.line - b.line);
    report.already_recorded.sort((a, b) => a.line - b.line);
    report.unmatched.sort((a, b) => a.line - b.line);
    await tx
      .update(statementImports)
      .set({ report: report as unknown as Record<string, unknown> })
      .where(eq(statementImports.id, upload_.id));
    return report;
  });
}

/** A stored upload's report: staff any, a supplier its own uploads. */
export async function getStatementReport(
  db: Queryable,
  caller: Caller,
  id: number,
): Promise<StatementReport> {
  const [row]: StatementImport[] = await db
    .select()
    .from(statementImports)
    .where(eq(statementImports.id, id));
  const shop = caller.role === 'supplier' ? await shopOfOwner(db, caller.id) : null;
  if (!row || (shop && row.shopId !== shop.id)) {
    throw notFound('statement_not_found', {
      ru: `Выписка ${id} не найдена`,
      en: `Statement ${id} not found`,
    });
  }
  return row.report as unknown as StatementReport;
}

/** One past upload as its list shows it: the file, who uploaded it, and how its documents fared. */
export interface StatementSummary {
  id: number;
  file_name: string;
  encoding: string;
  documents: number;
  shop_id: number | null;
  uploaded_by_id: number;
  created_at: string;
  matched: number;
  already_recorded: number;
  ambiguous: number;
  unmatched: number;
}

function summaryOf(row: StatementImport): StatementSummary {
  const report = row.report as unknown as Partial<StatementReport>;
  return {
    id: row.id,
    file_name: row.fileName,
    encoding: row.encoding,
    documents: row.documentCount,
    shop_id: row.shopId,
    uploaded_by_id: row.uploadedById,
    created_at: row.createdAt.toISOString(),
    matched: report.matched?.length ?? 0,
    already_recorded: report.already_recorded?.length ?? 0,
    ambiguous: report.ambiguous?.length ?? 0,
    unmatched: report.unmatched?.length ?? 0,
  };
}

/**
 * Past uploads, newest first (ids grow with time), keyset-paged: staff see every upload, a supplier
 * the uploads of its own shop (the same rule as `getStatementReport`).
 */
export async function listStatements(
  db: Queryable,
  caller: Caller,
  filters: { limit: number; cursor?: string },
): Promise<Page<StatementSummary>> {
  const afterId = decodeIdCursor(filters.cursor, 'statement');
  const shop = caller.role === 'supplier' ? await shopOfOwner(db, caller.id) : null;
  const rows: StatementImport[] = await db
    .select()
    .from(statementImports)
    .where(
      and(
        shop ? eq(statementImports.shopId, shop.id) : undefined,
        afterId === undefined ? undefined : lt(statementImports.id, afterId),
      ),
    )
    .orderBy(desc(statementImports.id))
    .limit(peekLimit(filters.limit));
  const page = pageOf(rows, filters.limit, (last) => kindCursor('statement', [last.id]));
  return { items: page.items.map(summaryOf), nextCursor: page.nextCursor };
}
