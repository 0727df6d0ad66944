// The worker's side of `order_placed_emails` (see queueOrderPlacedEmails): render a placed order's
// emails from the stored order and queue them. Documents are rendered before the transaction that
// queues the emails (they may take their own transactions, e.g. issuing invoices).
import { inArray, sql } from 'drizzle-orm';
import { shops } from '../../db/schema/catalog.ts';
import { users } from '../../db/schema/users.ts';
import { transaction } from '../../db/transaction.ts';
import type { EmailAttachment } from '../../mail/mailer.ts';
import type { Runtime } from '../../runtime.ts';
import { buyerConfirmationEmail, staffInvoiceEmail, supplierPartEmail } from './emails.ts';
import { enqueueEmails } from './jobs.ts';
import { orderPdf } from './order-pdf.ts';
import { loadOrder, type OrderDetail } from './views.ts';

/** What other modules add to the emails (wired in jobs/handlers.ts, so orders imports none of them). */
export interface PlacedEmailDocuments {
  /** Files for the buyer's confirmation (the payments module's invoices). */
  buyerAttachments?: (order: OrderDetail) => Promise<EmailAttachment[]>;
}

export async function sendOrderPlacedEmails(
  runtime: Runtime,
  orderId: number,
  documents: PlacedEmailDocuments = {},
): Promise<void> {
  const order = await loadOrder(runtime.db, orderId);
  if (!order) throw new Error(`order ${orderId} does not exist`);
  const buyerAttachments = documents.buyerAttachments ? await documents.buyerAttachments(order) : [];
  const staffPdf = await orderPdf(order);
  await transaction(runtime, async (scope) => {
    const { tx } = scope;
    const [buyer] = await tx
      .select({ language: users.preferredLanguage })
      .from(users)
      .where(sql`${users.id} = ${order.userId}`);
    const owners = await tx
      .select({ shopId: shops.id, email: users.email, language: users.preferredLanguage })
      .from(shops)
      .innerJoin(users, sql`${users.id} = ${shops.ownerId}`)
      .where(
        inArray(
          shops.id,
          order.parts.map((part) => part.shop.id),
        ),
      );
    const confirmation = buyerConfirmationEmail(order, buyer?.language ?? 'ru');
    await enqueueEmails(scope, [
      buyerAttachments.length ? { ...confirmation, attachments: buyerAttachments } : confirmation,
      staffInvoiceEmail(order, runtime.config.staffEmail, staffPdf),
      ...order.parts.flatMap((part) => {
        const owner = owners.find((row) => row.shopId === part.shop.id);
        return owner
          ? [supplierPartEmail(order, part, { email: owner.email, language: owner.language })]
          : [];
      }),
    ]);
  });
}
