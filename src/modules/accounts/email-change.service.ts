// Moving an account to a new email address. Asking proves who asks (the password in v2; in v1 the
// token, as in the reference); the new address proves itself by sending back the token emailed to
// it, and only then does the account's email change. The old address hears of both steps and never
// receives a secret. A change signs out every login session (refresh tokens): whoever holds one
// signed in under the old address. API tokens stay — they belong to integrations, which must not
// break because a person changed mailboxes; the owner deletes any they no longer trust.
import { and, eq, ne } from 'drizzle-orm';
import { type Queryable, sqlState } from '../../db/client.ts';
import { type User, users } from '../../db/schema/users.ts';
import { transaction } from '../../db/transaction.ts';
import { AppError, notFound, validationError } from '../../http/errors.ts';
import type { Runtime } from '../../runtime.ts';
import { emailFieldError, normalizeEmail } from './accounts.shared.ts';
import { emailChangeConfirmationEmail, emailChangeNotice } from './emails.ts';
import { findSpendableToken, issueOneTimeToken, spendTokens } from './one-time-tokens.ts';
import { verifyCurrentPassword } from './passwords.service.ts';
import { hitLimits } from './rate-limit.ts';
import { revokeSessions } from './sessions.service.ts';

export const EMAIL_CHANGE_TTL_HOURS = 24;

const TAKEN = {
  ru: 'Этот адрес уже использует другая учётная запись',
  en: 'Another account already uses this email address',
};

/** 409 `email_taken`: the address belongs to another account (confirmed or not). */
export function emailTakenByAnother(field?: string): AppError {
  return new AppError(409, 'email_taken', {
    detail: TAKEN,
    errors: field ? [{ field, message: TAKEN }] : undefined,
  });
}

function emailUnchanged(field: string): AppError {
  const message = { ru: 'Это и есть ваш текущий адрес', en: 'This is already your email address' };
  return new AppError(400, 'email_unchanged', { detail: message, errors: [{ field, message }] });
}

async function usedByAnother(db: Queryable, email: string, userId: number): Promise<boolean> {
  const [row] = await db
    .select({ id: users.id })
    .from(users)
    .where(and(eq(users.email, email), ne(users.id, userId)));
  return row !== undefined;
}

/** The address normalised, or the field error that refuses it before anything is looked up. */
function normalizedNewEmail(user: Pick<User, 'email'>, raw: string, field: string): string {
  const email = normalizeEmail(raw);
  const invalid = emailFieldError(field, email);
  if (invalid) throw validationError([invalid]);
  if (email === user.email) throw emailUnchanged(field);
  return email;
}

/**
 * Whether the account may move to this address: the normalised address, or a refusal naming
 * `field` — 400 `validation_failed` (format), 400 `email_unchanged` (the account's own address),
 * 409 `email_taken`. `requestEmailChange` checks all of it again; this lets a caller that changes
 * several things at once refuse before changing any.
 */
export async function checkNewEmail(
  db: Queryable,
  user: Pick<User, 'id' | 'email'>,
  raw: string,
  field: string,
): Promise<string> {
  const email = normalizedNewEmail(user, raw, field);
  if (await usedByAnother(db, email, user.id)) throw emailTakenByAnother(field);
  return email;
}

export interface EmailChangeRequest {
  newEmail: string;
  /** Where a refusal of the address points: `body.new_email` in v2, `email` in v1. */
  field: string;
  /**
   * The account's password and its field, when the caller must prove it (v2). A wrong one gets the
   * password change's refusal and counts as a failed login.
   */
  password?: { value: string; field: string };
}

/**
 * Emails a link to the new address (a token that remembers the address, single-use, 24 hours; a new
 * request supersedes it) and a notice without secrets to the current one. Nothing changes yet.
 * Limited per account like the other emailing requests.
 */
export async function requestEmailChange(
  runtime: Runtime,
  userId: number,
  request: EmailChangeRequest,
): Promise<{ newEmail: string }> {
  const [user] = await runtime.db.select().from(users).where(eq(users.id, userId));
  if (!user) throw notFound();
  const newEmail = normalizedNewEmail(user, request.newEmail, request.field);
  if (request.password) {
    await verifyCurrentPassword(runtime, user, request.password.value, request.password.field);
  }
  // Before the address is looked up, so the limit also bounds probing for other people's addresses.
  await hitLimits(runtime, [
    { key: `email:email_change:${user.id}`, limit: runtime.config.rateLimit.emailRequests },
  ]);
  await transaction(runtime, async ({ tx, now, enqueue }) => {
    const [locked] = await tx.select().from(users).where(eq(users.id, user.id)).for('update');
    if (!locked?.isActive) throw notFound();
    if (locked.email === newEmail) throw emailUnchanged(request.field);
    if (await usedByAnother(tx, newEmail, locked.id)) throw emailTakenByAnother(request.field);
    const token = await issueOneTimeToken(tx, {
      userId: locked.id,
      purpose: 'email_change',
      now,
      ttlMs: EMAIL_CHANGE_TTL_HOURS * 3_600_000,
      newEmail,
    });
    await enqueue(
      'send_email',
      emailChangeConfirmationEmail(runtime.config, { ...locked, email: newEmail }, token, {
        validHours: EMAIL_CHANGE_TTL_HOURS,
      }),
    );
    await enqueue(
      'send_email',
      emailChangeNotice(runtime.config, locked, { newEmail, at: now, stage: 'requested' }),
    );
  });
  return { newEmail };
}

/** A unique-index violation on users' email, raised by the database (a concurrent claim won). */
function isEmailTakenRace(error: unknown): boolean {
  if (sqlState(error) !== '23505') return false;
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current; depth += 1) {
    if ((current as { constraint?: unknown }).constraint === 'users_email_key') return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

/**
 * Spends the token and moves the account to the address it remembers, when that address is still
 * free (409 `email_taken` otherwise, also when another account claims it at the same moment; the
 * token then stays unspent). Signs out every login session and spends any password-reset link sent
 * to the old address; API tokens stay. The old address gets a notice.
 */
export async function confirmEmailChange(runtime: Runtime, token: string): Promise<User> {
  try {
    return await transaction(runtime, async ({ tx, now, enqueue }) => {
      const { user, newEmail } = await findSpendableToken(tx, {
        purpose: 'email_change',
        token,
        now,
        forUpdate: true,
      });
      if (!newEmail) throw new Error('an email_change token without its address');
      if (await usedByAnother(tx, newEmail, user.id)) throw emailTakenByAnother();
      await spendTokens(tx, { userId: user.id, purpose: 'email_change', now });
      await spendTokens(tx, { userId: user.id, purpose: 'password_reset', now });
      const [changed] = await tx
        .update(users)
        .set({ email: newEmail, emailConfirmedAt: now, updatedAt: now })
        .where(eq(users.id, user.id))
        .returning();
      await revokeSessions(tx, user.id, now);
      await enqueue(
        'send_email',
        emailChangeNotice(runtime.config, user, { newEmail, at: now, stage: 'changed' }),
      );
      return changed;
    });
  } catch (error) {
    if (isEmailTakenRace(error)) throw emailTakenByAnother();
    throw error;
  }
}
