// The worker's side of `order_placed_emails` (see queueOrderPlacedEmails): render a placed order's
// emails from the stored order and queue them.
import { inArray, sql } from 'drizzle-orm';
import { shops } from '../../db/schema/catalog.ts';
import { users } from '../../db/schema/users.ts';
import { transaction } from '../../db/transaction.ts';
import type { Runtime } from '../../runtime.ts';
import { buyerConfirmationEmail, staffInvoiceEmail, supplierPartEmail } from './emails.ts';
import { enqueueEmails } from './jobs.ts';
import { loadOrder } from './views.ts';

export async function sendOrderPlacedEmails(runtime: Runtime, orderId: number): Promise<void> {
  await transaction(runtime, async (scope) => {
    const { tx } = scope;
    const order = await loadOrder(tx, orderId);
    if (!order) throw new Error(`order ${orderId} does not exist`);
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
    await enqueueEmails(scope, [
      buyerConfirmationEmail(order, buyer?.language ?? 'ru'),
      staffInvoiceEmail(order, runtime.config.staffEmail),
      ...order.parts.flatMap((part) => {
        const owner = owners.find((row) => row.shopId === part.shop.id);
        return owner
          ? [supplierPartEmail(order, part, { email: owner.email, language: owner.language })]
          : [];
      }),
    ]);
  });
}
