// Credentials and throttling of the accounts module. Every secret is stored as its SHA-256 hash
// (hex): a leaked table grants nothing, and lookups stay a unique-index probe.
import { sql } from 'drizzle-orm';
import { check, index, integer, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { users } from './users.ts';

export const ONE_TIME_TOKEN_PURPOSES = ['email_confirmation', 'password_reset', 'email_change'] as const;
export type OneTimeTokenPurpose = (typeof ONE_TIME_TOKEN_PURPOSES)[number];

/**
 * Single-use, expiring tokens sent by email: confirming an address, resetting a password, moving the
 * account to a new address (the token then remembers that address, and only such a token does).
 */
export const accountTokens = pgTable(
  'account_tokens',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    purpose: text('purpose').$type<OneTimeTokenPurpose>().notNull(),
    tokenHash: text('token_hash').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    /** Set when the token is spent, or superseded by a newer one of the same purpose. */
    usedAt: timestamp('used_at', { withTimezone: true }),
    /** For `email_change`: the address the account moves to once the token comes back from it. */
    newEmail: text('new_email'),
  },
  (t) => [
    uniqueIndex('account_tokens_hash_key').on(t.tokenHash),
    index('account_tokens_user_idx').on(t.userId, t.purpose),
    check(
      'account_tokens_purpose_check',
      sql`${t.purpose} in ('email_confirmation', 'password_reset', 'email_change')`,
    ),
    check(
      'account_tokens_new_email_check',
      sql`(${t.purpose} = 'email_change') = (${t.newEmail} is not null) and (${t.newEmail} is null or ${t.newEmail} = lower(${t.newEmail}))`,
    ),
  ],
);

/**
 * Refresh tokens of login sessions. A login starts a family; every refresh spends the presented
 * token (`rotated_at`) and issues the next one in the same family. Presenting a spent token means it
 * was copied: the whole family is revoked.
 */
export const refreshTokens = pgTable(
  'refresh_tokens',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    familyId: uuid('family_id').notNull(),
    tokenHash: text('token_hash').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    rotatedAt: timestamp('rotated_at', { withTimezone: true }),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('refresh_tokens_hash_key').on(t.tokenHash),
    // Live tokens of a family: every authenticated request asks whether its session has one
    // (`src/http/auth.ts`), and revoking a family updates exactly these rows.
    index('refresh_tokens_live_family_idx').on(t.familyId).where(sql`${t.revokedAt} is null`),
    index('refresh_tokens_user_idx').on(t.userId),
  ],
);

/** Named long-lived tokens for integrations (`zk_…`), shown once, revoked by deleting them. */
export const apiTokens = pgTable(
  'api_tokens',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    /** The token's first characters, to recognise it in a list. */
    tokenPrefix: text('token_prefix').notNull(),
    tokenHash: text('token_hash').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }),
    /** Updated at most once a minute, to keep authentication a read. */
    lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('api_tokens_hash_key').on(t.tokenHash),
    index('api_tokens_user_idx').on(t.userId, t.id),
  ],
);

/**
 * Fixed-window counters shared by every API process (login attempts per account and per address,
 * email-sending requests). One row per key; a hit past the window restarts it.
 */
export const rateLimitCounters = pgTable(
  'rate_limit_counters',
  {
    key: text('key').primaryKey(),
    windowStartedAt: timestamp('window_started_at', { withTimezone: true }).notNull(),
    hits: integer('hits').notNull(),
  },
  (t) => [index('rate_limit_counters_window_idx').on(t.windowStartedAt)],
);
