// Email tokens (confirmation, password reset, email change): one live token per account and
// purpose — issuing a new one supersedes the old — spent once, expiring.
import { and, eq, isNull, lt } from 'drizzle-orm';
import type { Queryable, Transaction } from '../../db/client.ts';
import { accountTokens, type OneTimeTokenPurpose } from '../../db/schema/accounts.ts';
import { type User, users } from '../../db/schema/users.ts';
import { AppError } from '../../http/errors.ts';
import { hashToken, randomToken } from './tokens.ts';

const DAY_MS = 86_400_000;

export async function issueOneTimeToken(
  tx: Transaction,
  input: {
    userId: number;
    purpose: OneTimeTokenPurpose;
    now: Date;
    ttlMs: number;
    /** For `email_change` (and only for it): the address the token moves the account to. */
    newEmail?: string;
  },
): Promise<string> {
  const { userId, purpose, now } = input;
  const mine = and(eq(accountTokens.userId, userId), eq(accountTokens.purpose, purpose));
  await tx
    .update(accountTokens)
    .set({ usedAt: now })
    .where(and(mine, isNull(accountTokens.usedAt)));
  // Keep the table small: a day after expiry a token is only clutter.
  await tx
    .delete(accountTokens)
    .where(and(mine, lt(accountTokens.expiresAt, new Date(now.getTime() - DAY_MS))));
  const token = randomToken();
  await tx.insert(accountTokens).values({
    userId,
    purpose,
    tokenHash: hashToken(token),
    createdAt: now,
    expiresAt: new Date(now.getTime() + input.ttlMs),
    newEmail: input.newEmail ?? null,
  });
  return token;
}

export interface SpendableToken {
  tokenId: number;
  user: User;
  /** The address an `email_change` token moves the account to; null for other purposes. */
  newEmail: string | null;
}

const INVALID: Record<OneTimeTokenPurpose, { ru: string; en: string }> = {
  email_confirmation: {
    ru: 'Код подтверждения неверен, уже использован или выдан для другого адреса',
    en: 'The confirmation token is wrong, already used, or was issued for another address',
  },
  password_reset: {
    ru: 'Код сброса пароля неверен или уже использован',
    en: 'The password reset token is wrong or already used',
  },
  email_change: {
    ru: 'Код смены адреса неверен, уже использован или заменён более новым запросом',
    en: 'The email change token is wrong, already used, or replaced by a newer request',
  },
};

const EXPIRED: Record<OneTimeTokenPurpose, { ru: string; en: string }> = {
  email_confirmation: {
    ru: 'Срок действия кода подтверждения истёк; запросите новое письмо',
    en: 'The confirmation token has expired; ask for a new email',
  },
  password_reset: {
    ru: 'Срок действия кода сброса истёк; запросите сброс пароля заново',
    en: 'The password reset token has expired; ask for a new one',
  },
  email_change: {
    ru: 'Срок действия кода смены адреса истёк; запросите смену адреса заново',
    en: 'The email change token has expired; ask for the change again',
  },
};

export function invalidToken(purpose: OneTimeTokenPurpose): AppError {
  return new AppError(400, 'invalid_token', { detail: INVALID[purpose] });
}

export function expiredToken(purpose: OneTimeTokenPurpose): AppError {
  return new AppError(400, 'token_expired', { detail: EXPIRED[purpose] });
}

/**
 * The live token and its account, or the reason it cannot be spent. With `forUpdate` the token row
 * is locked, so two requests cannot both spend it. `email`, when given, must be the account's.
 */
export async function findSpendableToken(
  db: Queryable,
  input: { purpose: OneTimeTokenPurpose; token: string; now: Date; email?: string; forUpdate?: boolean },
): Promise<SpendableToken> {
  const query = db
    .select({ token: accountTokens, user: users })
    .from(accountTokens)
    .innerJoin(users, eq(users.id, accountTokens.userId))
    .where(
      and(eq(accountTokens.tokenHash, hashToken(input.token)), eq(accountTokens.purpose, input.purpose)),
    );
  const [row] = input.forUpdate ? await query.for('update', { of: accountTokens }) : await query;
  if (!row || row.token.usedAt || !row.user.isActive) throw invalidToken(input.purpose);
  if (input.email !== undefined && row.user.email !== input.email) throw invalidToken(input.purpose);
  if (row.token.expiresAt <= input.now) throw expiredToken(input.purpose);
  return { tokenId: row.token.id, user: row.user, newEmail: row.token.newEmail };
}

/** Spends the token and any other live token of the same account and purpose. */
export async function spendTokens(
  tx: Transaction,
  input: { userId: number; purpose: OneTimeTokenPurpose; now: Date },
): Promise<void> {
  await tx
    .update(accountTokens)
    .set({ usedAt: input.now })
    .where(
      and(
        eq(accountTokens.userId, input.userId),
        eq(accountTokens.purpose, input.purpose),
        isNull(accountTokens.usedAt),
      ),
    );
}
