// The provider notification log, for staff: every verified notification and its outcome.
import { and, desc, eq, lt } from 'drizzle-orm';
import type { Queryable } from '../../db/client.ts';
import { type PaymentNotification, paymentNotifications } from '../../db/schema/payments.ts';
import { decodeIdCursor, kindCursor, type Page, pageOf, peekLimit } from '../../http/paging.ts';

export async function listNotifications(
  db: Queryable,
  filters: { outcome?: string; limit: number; cursor?: string },
): Promise<Page<PaymentNotification>> {
  const afterId = decodeIdCursor(filters.cursor, 'notification');
  const rows = await db
    .select()
    .from(paymentNotifications)
    .where(
      and(
        filters.outcome === undefined ? undefined : eq(paymentNotifications.outcome, filters.outcome),
        afterId === undefined ? undefined : lt(paymentNotifications.id, afterId),
      ),
    )
    .orderBy(desc(paymentNotifications.id))
    .limit(peekLimit(filters.limit));
  return pageOf(rows, filters.limit, (last) => kindCursor('notification', [last.id]));
}
