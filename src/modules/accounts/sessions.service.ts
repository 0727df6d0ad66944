// Login sessions: a short-lived access token (JWT) and an opaque refresh token, rotated on every use.
// A refresh token presented a second time was copied: its whole family (the session) is revoked.
import { randomUUID } from 'node:crypto';
import { and, eq, isNull, lt, ne } from 'drizzle-orm';
import type { Transaction } from '../../db/client.ts';
import { refreshTokens } from '../../db/schema/accounts.ts';
import { type User, users } from '../../db/schema/users.ts';
import { transaction } from '../../db/transaction.ts';
import { ACCESS_TOKEN_TTL_SECONDS, signAccessToken } from '../../http/auth.ts';
import { type AppError, forbidden, unauthorized } from '../../http/errors.ts';
import { hashPassword, verifyPassword } from '../../lib/passwords.ts';
import type { Runtime } from '../../runtime.ts';
import { loginAccountKey, loginIpKey, normalizeEmail } from './accounts.shared.ts';
import { hitLimits, releaseHits } from './rate-limit.ts';
import { hashToken, randomToken } from './tokens.ts';

export const REFRESH_TOKEN_TTL_SECONDS = 30 * 86_400;

export interface TokenPair {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
  refreshExpiresIn: number;
}

let dummyHash: Promise<string> | undefined;

/** A hash nobody knows the password of: unknown emails are verified against it, to take as long. */
function dummyPasswordHash(): Promise<string> {
  dummyHash ??= hashPassword(randomToken());
  return dummyHash;
}

function invalidCredentials(): AppError {
  return unauthorized('invalid_credentials', {
    ru: 'Неверный email или пароль',
    en: 'Wrong email or password',
  });
}

/** Refuses an account that proved its password but may not sign in. */
export function assertCanSignIn(user: Pick<User, 'isActive' | 'emailConfirmedAt'>): void {
  if (!user.isActive) {
    throw forbidden('account_blocked', {
      ru: 'Учётная запись заблокирована. Обратитесь в поддержку',
      en: 'The account is blocked. Contact support',
    });
  }
  if (!user.emailConfirmedAt) {
    throw forbidden('email_not_confirmed', {
      ru: 'Email не подтверждён. Перейдите по ссылке из письма или запросите новое',
      en: 'The email is not confirmed. Follow the link in the email or ask for a new one',
    });
  }
}

/**
 * Checks the password and opens a session. Unknown email and wrong password answer identically and
 * cost the same argon2 verification. Attempts count per account and per client address before the
 * check, so parallel guesses cannot overrun the limit; a success takes its attempt back.
 */
export async function login(
  runtime: Runtime,
  input: { email: string; password: string },
  clientIp: string,
): Promise<TokenPair> {
  const user = await authenticate(runtime, input, clientIp);
  return transaction(runtime, async ({ tx, now }) => {
    // A login is a good moment to drop this account's long-expired refresh tokens.
    await tx
      .delete(refreshTokens)
      .where(and(eq(refreshTokens.userId, user.id), lt(refreshTokens.expiresAt, now)));
    return openSession(runtime, tx, user, randomUUID(), now);
  });
}

/**
 * The account whose password this is, throttled and checked exactly as `login` checks it, without
 * opening a session (API v1 logins answer with an API token instead).
 */
export async function authenticate(
  runtime: Runtime,
  input: { email: string; password: string },
  clientIp: string,
): Promise<User> {
  const email = normalizeEmail(input.email);
  const limits = runtime.config.rateLimit;
  const accountKey = loginAccountKey(email);
  const ipKey = loginIpKey(clientIp);
  await hitLimits(
    runtime,
    [
      { key: accountKey, limit: limits.loginPerAccount },
      { key: ipKey, limit: limits.loginPerIp },
    ],
    'too_many_login_attempts',
  );
  const fallbackHash = dummyPasswordHash();
  const [user] = await runtime.db.select().from(users).where(eq(users.email, email));
  const valid = await verifyPassword(user?.passwordHash ?? (await fallbackHash), input.password);
  if (!user || !valid) throw invalidCredentials();
  await releaseHits(runtime, { reset: [accountKey], forgive: [ipKey] });
  assertCanSignIn(user);
  return user;
}

async function openSession(
  runtime: Runtime,
  tx: Transaction,
  user: Pick<User, 'id' | 'role'>,
  familyId: string,
  now: Date,
): Promise<TokenPair> {
  const refreshToken = randomToken();
  await tx.insert(refreshTokens).values({
    userId: user.id,
    familyId,
    tokenHash: hashToken(refreshToken),
    createdAt: now,
    expiresAt: new Date(now.getTime() + REFRESH_TOKEN_TTL_SECONDS * 1000),
  });
  return {
    accessToken: await signAccessToken(runtime, user, { sessionId: familyId }),
    refreshToken,
    expiresIn: ACCESS_TOKEN_TTL_SECONDS,
    refreshExpiresIn: REFRESH_TOKEN_TTL_SECONDS,
  };
}

function invalidRefreshToken(): AppError {
  return unauthorized('invalid_refresh_token', {
    ru: 'Токен обновления недействителен или истёк; войдите снова',
    en: 'The refresh token is invalid or expired; log in again',
  });
}

/** Spends a refresh token for a new pair in the same session. */
export async function refreshSession(runtime: Runtime, presented: string): Promise<TokenPair> {
  const outcome = await transaction(runtime, async ({ tx, now }) => {
    const [row] = await tx
      .select({ token: refreshTokens, user: users })
      .from(refreshTokens)
      .innerJoin(users, eq(users.id, refreshTokens.userId))
      .where(eq(refreshTokens.tokenHash, hashToken(presented)))
      .for('update', { of: refreshTokens });
    if (!row || row.token.revokedAt) return { ok: false as const, reused: false };
    const { token, user } = row;
    if (token.rotatedAt) {
      // Spent before: someone holds a copy. End the session for everyone holding it.
      await revokeFamily(tx, token.familyId, now);
      return { ok: false as const, reused: true };
    }
    if (token.expiresAt <= now) return { ok: false as const, reused: false };
    if (!user.isActive || !user.emailConfirmedAt) {
      await revokeFamily(tx, token.familyId, now);
      return { ok: false as const, reused: false };
    }
    await tx.update(refreshTokens).set({ rotatedAt: now }).where(eq(refreshTokens.id, token.id));
    return { ok: true as const, pair: await openSession(runtime, tx, user, token.familyId, now) };
  });
  if (outcome.ok) return outcome.pair;
  if (outcome.reused) {
    throw unauthorized('refresh_token_reused', {
      ru: 'Токен обновления уже использовался; сеанс завершён из соображений безопасности. Войдите снова',
      en: 'The refresh token was already used; the session was ended for safety. Log in again',
    });
  }
  throw invalidRefreshToken();
}

/** Ends the session the refresh token belongs to. Unknown tokens are ignored: logging out is idempotent. */
export async function logout(runtime: Runtime, presented: string): Promise<void> {
  await transaction(runtime, async ({ tx, now }) => {
    const [row] = await tx
      .select({ familyId: refreshTokens.familyId })
      .from(refreshTokens)
      .where(eq(refreshTokens.tokenHash, hashToken(presented)));
    if (row) await revokeFamily(tx, row.familyId, now);
  });
}

async function revokeFamily(tx: Transaction, familyId: string, now: Date): Promise<void> {
  await tx
    .update(refreshTokens)
    .set({ revokedAt: now })
    .where(and(eq(refreshTokens.familyId, familyId), isNull(refreshTokens.revokedAt)));
}

/** Revokes every session of the account, except `keepSessionId` when given (the caller's own). */
export async function revokeSessions(
  tx: Transaction,
  userId: number,
  now: Date,
  keepSessionId?: string,
): Promise<void> {
  await tx
    .update(refreshTokens)
    .set({ revokedAt: now })
    .where(
      and(
        eq(refreshTokens.userId, userId),
        isNull(refreshTokens.revokedAt),
        keepSessionId ? ne(refreshTokens.familyId, keepSessionId) : undefined,
      ),
    );
}
