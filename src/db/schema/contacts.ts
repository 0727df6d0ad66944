import { index, integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { users } from './users.ts';

/** Delivery addresses with a phone; at most 5 per account (enforced by the accounts service). */
export const contacts = pgTable(
  'contacts',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id),
    city: text('city').notNull(),
    street: text('street').notNull(),
    house: text('house').notNull().default(''),
    structure: text('structure').notNull().default(''),
    building: text('building').notNull().default(''),
    apartment: text('apartment').notNull().default(''),
    phone: text('phone').notNull(),
    recipientName: text('recipient_name').notNull().default(''),
    comment: text('comment').notNull().default(''),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('contacts_user_idx').on(t.userId, t.id)],
);

export type Contact = typeof contacts.$inferSelect;
