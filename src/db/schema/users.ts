import { sql } from 'drizzle-orm';
import { boolean, check, index, integer, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';

export const USER_ROLES = ['buyer', 'supplier', 'staff'] as const;
export type UserRole = (typeof USER_ROLES)[number];
export const LANGUAGES = ['ru', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

export const users = pgTable(
  'users',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    /** Stored trimmed and lower-cased; unique. */
    email: text('email').notNull(),
    passwordHash: text('password_hash').notNull(),
    firstName: text('first_name').notNull().default(''),
    lastName: text('last_name').notNull().default(''),
    company: text('company').notNull().default(''),
    position: text('position').notNull().default(''),
    role: text('role').$type<UserRole>().notNull(),
    /** Null until the email is confirmed; an unconfirmed account cannot log in. */
    emailConfirmedAt: timestamp('email_confirmed_at', { withTimezone: true }),
    /** Staff can block an account; a blocked account cannot authenticate at all. */
    isActive: boolean('is_active').notNull().default(true),
    /** When and why staff blocked the account (null while it is not blocked). */
    blockedAt: timestamp('blocked_at', { withTimezone: true }),
    blockedReason: text('blocked_reason'),
    phone: text('phone'),
    preferredLanguage: text('preferred_language').$type<Language>().notNull().default('ru'),
    // Billing details printed on invoices.
    legalName: text('legal_name'),
    inn: text('inn'),
    kpp: text('kpp'),
    ogrn: text('ogrn'),
    bankBik: text('bank_bik'),
    settlementAccount: text('settlement_account'),
    correspondentAccount: text('correspondent_account'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('users_email_key').on(t.email),
    index('users_created_at_idx').on(t.createdAt),
    check('users_role_check', sql`${t.role} in ('buyer', 'supplier', 'staff')`),
    check('users_language_check', sql`${t.preferredLanguage} in ('ru', 'en')`),
    check('users_email_lower_check', sql`${t.email} = lower(${t.email})`),
  ],
);

export type User = typeof users.$inferSelect;
