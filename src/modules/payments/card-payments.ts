// Reading card payments (shared by the card and refund services).
import { eq } from 'drizzle-orm';
import type { Queryable } from '../../db/client.ts';
import { type CardPayment, cardPayments } from '../../db/schema/payments.ts';

export async function cardPaymentOf(db: Queryable, id: number): Promise<CardPayment | undefined> {
  const [row] = await db.select().from(cardPayments).where(eq(cardPayments.id, id));
  return row;
}
