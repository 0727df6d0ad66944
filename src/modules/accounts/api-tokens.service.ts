// API tokens for integrations (a supplier's ERP pushing price lists): `zk_` + 32 random bytes, shown
// once, stored as SHA-256, optionally expiring, revoked by deletion. Accepted as
// `Authorization: Bearer zk_…` and `Authorization: Token zk_…`.
import { and, asc, count, desc, eq, inArray, isNull, lt, or } from 'drizzle-orm';
import type { Queryable } from '../../db/client.ts';
import { apiTokens } from '../../db/schema/accounts.ts';
import { users } from '../../db/schema/users.ts';
import { transaction } from '../../db/transaction.ts';
import type { AuthUser } from '../../http/auth.ts';
import { conflict, forbidden, type Localized, notFound, validationError } from '../../http/errors.ts';
import type { Runtime } from '../../runtime.ts';
import { hashToken, newApiToken } from './tokens.ts';

export const MAX_API_TOKENS = 20;
/** `last_used_at` is refreshed at most this often, so authenticating stays (nearly always) a read. */
const LAST_USED_RESOLUTION_MS = 60_000;
/** How much of a token a listing shows: "zk_" and 8 characters. */
const DISPLAY_PREFIX_LENGTH = 11;

export type ApiToken = Omit<typeof apiTokens.$inferSelect, 'tokenHash' | 'userId'>;

const publicColumns = {
  id: apiTokens.id,
  name: apiTokens.name,
  tokenPrefix: apiTokens.tokenPrefix,
  createdAt: apiTokens.createdAt,
  expiresAt: apiTokens.expiresAt,
  lastUsedAt: apiTokens.lastUsedAt,
};

/** The account an API token stands for; `'blocked'` for a live token of a blocked account; else null. */
export async function resolveApiToken(runtime: Runtime, token: string): Promise<AuthUser | 'blocked' | null> {
  const [row] = await runtime.db
    .select({
      id: apiTokens.id,
      expiresAt: apiTokens.expiresAt,
      lastUsedAt: apiTokens.lastUsedAt,
      userId: users.id,
      role: users.role,
      isActive: users.isActive,
      emailConfirmedAt: users.emailConfirmedAt,
      preferredLanguage: users.preferredLanguage,
    })
    .from(apiTokens)
    .innerJoin(users, eq(users.id, apiTokens.userId))
    .where(eq(apiTokens.tokenHash, hashToken(token)));
  if (!row) return null;
  const now = runtime.clock.now();
  if (row.expiresAt && row.expiresAt <= now) return null;
  if (!row.isActive) return 'blocked';
  if (!row.emailConfirmedAt) return null;
  if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() >= LAST_USED_RESOLUTION_MS) {
    await touch(runtime, row.id).catch((error) =>
      runtime.log.warn({ err: error, apiTokenId: row.id }, 'could not record API token use'),
    );
  }
  return {
    id: row.userId,
    role: row.role,
    via: 'api_token',
    apiTokenId: row.id,
    preferredLanguage: row.preferredLanguage,
  };
}

async function touch(runtime: Runtime, id: number): Promise<void> {
  await transaction(runtime, async ({ tx, now }) => {
    const stale = new Date(now.getTime() - LAST_USED_RESOLUTION_MS);
    // The condition makes concurrent requests of the same minute write once.
    await tx
      .update(apiTokens)
      .set({ lastUsedAt: now })
      .where(and(eq(apiTokens.id, id), or(isNull(apiTokens.lastUsedAt), lt(apiTokens.lastUsedAt, stale))));
  });
}

/**
 * Token management (and moving the account to another email) needs a login session: a leaked API
 * token must not mint its own successors, nor take the account over.
 */
export function assertLoginSession(
  caller: AuthUser,
  detail: Localized = {
    ru: 'Управлять API-токенами можно только после входа по паролю, не с API-токеном',
    en: 'API tokens are managed from a password login session, not with an API token',
  },
): void {
  if (caller.via !== 'jwt') throw forbidden('login_session_required', detail);
}

export async function listApiTokens(db: Queryable, userId: number): Promise<ApiToken[]> {
  return db
    .select(publicColumns)
    .from(apiTokens)
    .where(eq(apiTokens.userId, userId))
    .orderBy(asc(apiTokens.id));
}

export async function createApiToken(
  runtime: Runtime,
  userId: number,
  input: { name: string; expiresAt?: Date | null },
): Promise<ApiToken & { token: string }> {
  const name = input.name.trim();
  if (!name) {
    throw validationError([
      { field: 'body.name', message: { ru: 'не может быть пустым', en: 'cannot be empty' } },
    ]);
  }
  return transaction(runtime, async ({ tx, now }) => {
    if (input.expiresAt && input.expiresAt <= now) {
      throw validationError([
        {
          field: 'body.expires_at',
          message: { ru: 'Срок действия должен быть в будущем', en: 'The expiry must be in the future' },
        },
      ]);
    }
    await tx.select({ id: users.id }).from(users).where(eq(users.id, userId)).for('update');
    const [{ total }] = await tx
      .select({ total: count() })
      .from(apiTokens)
      .where(eq(apiTokens.userId, userId));
    if (total >= MAX_API_TOKENS) {
      throw conflict(
        'api_tokens_limit_reached',
        {
          ru: `Можно держать не больше ${MAX_API_TOKENS} API-токенов; удалите ненужные`,
          en: `At most ${MAX_API_TOKENS} API tokens can be kept; delete unused ones`,
        },
        { limit: MAX_API_TOKENS },
      );
    }
    const token = newApiToken();
    const [created] = await tx
      .insert(apiTokens)
      .values({
        userId,
        name,
        tokenPrefix: token.slice(0, DISPLAY_PREFIX_LENGTH),
        tokenHash: hashToken(token),
        createdAt: now,
        expiresAt: input.expiresAt ?? null,
      })
      .returning(publicColumns);
    return { ...created, token };
  });
}

export async function deleteApiToken(runtime: Runtime, userId: number, id: number): Promise<void> {
  await transaction(runtime, async ({ tx }) => {
    const deleted = await tx
      .delete(apiTokens)
      .where(and(eq(apiTokens.id, id), eq(apiTokens.userId, userId)))
      .returning({ id: apiTokens.id });
    if (!deleted.length) {
      throw notFound('api_token_not_found', { ru: 'API-токен не найден', en: 'API token not found' });
    }
  });
}

// ---------------------------------------------------------------------------------------------
// Tokens issued by a password login (API v1 `user/login`)

/** The name of the tokens API v1 logins issue; they are listed and deleted like any other. */
export const LOGIN_API_TOKEN_NAME = 'API v1 login';
/** How many login-issued tokens an account keeps; a newer login retires the oldest beyond this. */
export const LOGIN_API_TOKENS_KEPT = 10;

/**
 * A new API token for a password login. The reference hands out one token per account forever; here
 * each login gets its own (only hashes are stored, so an old one cannot be shown again), and the
 * oldest login-issued tokens beyond LOGIN_API_TOKENS_KEPT are deleted first, so repeated logins never
 * use up the account's token limit. Tokens the owner made for integrations are never touched.
 */
export async function createLoginApiToken(
  runtime: Runtime,
  userId: number,
): Promise<ApiToken & { token: string }> {
  await transaction(runtime, async ({ tx }) => {
    await tx.select({ id: users.id }).from(users).where(eq(users.id, userId)).for('update');
    const issued = await tx
      .select({ id: apiTokens.id })
      .from(apiTokens)
      .where(and(eq(apiTokens.userId, userId), eq(apiTokens.name, LOGIN_API_TOKEN_NAME)))
      .orderBy(desc(apiTokens.id));
    const retired = issued.slice(LOGIN_API_TOKENS_KEPT - 1).map((row) => row.id);
    if (retired.length) await tx.delete(apiTokens).where(inArray(apiTokens.id, retired));
  });
  return createApiToken(runtime, userId, { name: LOGIN_API_TOKEN_NAME });
}
