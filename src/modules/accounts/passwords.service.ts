// Password reset by email and password change. Either one signs out every other session (refresh
// tokens) and cancels a pending email change (its link stops working: whoever asked for it may be
// the reason for the new password); API tokens belong to integrations and stay until their owner
// deletes them.
import { eq, sql } from 'drizzle-orm';
import { type User, users } from '../../db/schema/users.ts';
import { transaction } from '../../db/transaction.ts';
import type { AuthUser } from '../../http/auth.ts';
import { notFound, validationError } from '../../http/errors.ts';
import { hashPassword, verifyPassword } from '../../lib/passwords.ts';
import type { Runtime } from '../../runtime.ts';
import { emailIpKey, loginAccountKey, normalizeEmail } from './accounts.shared.ts';
import { passwordChangedEmail, passwordResetEmail } from './emails.ts';
import { findSpendableToken, issueOneTimeToken, spendTokens } from './one-time-tokens.ts';
import { passwordFieldErrors } from './password-rules.ts';
import { hitLimits, releaseHits } from './rate-limit.ts';
import { revokeSessions } from './sessions.service.ts';

export const PASSWORD_RESET_TTL_MINUTES = 60;

/**
 * Emails a reset link when the address belongs to an active account; otherwise does nothing. The
 * caller answers the same either way.
 */
export async function requestPasswordReset(
  runtime: Runtime,
  rawEmail: string,
  clientIp: string,
): Promise<void> {
  const email = normalizeEmail(rawEmail);
  const limits = runtime.config.rateLimit;
  await hitLimits(runtime, [
    { key: `email:password_reset:${email}`, limit: limits.emailRequests },
    { key: emailIpKey(clientIp), limit: limits.emailRequestsPerIp },
  ]);
  await transaction(runtime, async ({ tx, now, enqueue }) => {
    const [user] = await tx.select().from(users).where(eq(users.email, email)).for('update');
    if (!user?.isActive) return;
    const token = await issueOneTimeToken(tx, {
      userId: user.id,
      purpose: 'password_reset',
      now,
      ttlMs: PASSWORD_RESET_TTL_MINUTES * 60_000,
    });
    await enqueue(
      'send_email',
      passwordResetEmail(runtime.config, user, token, { validMinutes: PASSWORD_RESET_TTL_MINUTES }),
    );
  });
}

/**
 * Sets a new password with a reset token. Following the emailed link proves the mailbox, so an
 * unconfirmed account becomes confirmed; the account's failed-login counter starts over.
 */
export async function confirmPasswordReset(
  runtime: Runtime,
  input: { token: string; password: string; email?: string },
): Promise<void> {
  // Check the token and the password rules first (outside a transaction: hashing takes a while),
  // then spend the token under a lock so that it works exactly once. An email sent with the token
  // must be the one it was sent to.
  const email = input.email === undefined ? undefined : normalizeEmail(input.email);
  const { user } = await findSpendableToken(runtime.db, {
    purpose: 'password_reset',
    token: input.token,
    email,
    now: runtime.clock.now(),
  });
  const errors = passwordFieldErrors('body.password', input.password, user);
  if (errors.length) throw validationError(errors);
  const passwordHash = await hashPassword(input.password);
  await transaction(runtime, async ({ tx, now, enqueue }) => {
    const { user: locked } = await findSpendableToken(tx, {
      purpose: 'password_reset',
      token: input.token,
      now,
      forUpdate: true,
    });
    await spendTokens(tx, { userId: locked.id, purpose: 'password_reset', now });
    await spendTokens(tx, { userId: locked.id, purpose: 'email_change', now });
    await tx
      .update(users)
      .set({
        passwordHash,
        emailConfirmedAt: sql`coalesce(${users.emailConfirmedAt}, ${now})`,
        updatedAt: now,
      })
      .where(eq(users.id, locked.id));
    await revokeSessions(tx, locked.id, now);
    await enqueue('send_email', passwordChangedEmail(runtime.config, locked, { at: now, how: 'reset' }));
  });
  await releaseHits(runtime, { reset: [loginAccountKey(user.email)] });
}

/**
 * Checks the signed-in account's password before a sensitive change (`field` names the input).
 * Wrong guesses count against the same limit as failed logins (429 `too_many_login_attempts`); a
 * wrong password is a 400 field error "the current password is wrong"; a right one clears the count.
 */
export async function verifyCurrentPassword(
  runtime: Runtime,
  user: Pick<User, 'email' | 'passwordHash'>,
  password: string,
  field: string,
): Promise<void> {
  const accountKey = loginAccountKey(user.email);
  await hitLimits(
    runtime,
    [{ key: accountKey, limit: runtime.config.rateLimit.loginPerAccount }],
    'too_many_login_attempts',
  );
  if (!(await verifyPassword(user.passwordHash, password))) {
    throw validationError([
      { field, message: { ru: 'Неверный текущий пароль', en: 'The current password is wrong' } },
    ]);
  }
  await releaseHits(runtime, { reset: [accountKey] });
}

/**
 * Changes the password of the signed-in account. The current password is required, and wrong
 * guesses count against the same limit as failed logins. Other sessions are signed out; the
 * caller's own (when it is a login session) stays.
 */
export async function changePassword(
  runtime: Runtime,
  caller: AuthUser,
  input: { currentPassword: string; newPassword: string },
): Promise<void> {
  const [user] = await runtime.db.select().from(users).where(eq(users.id, caller.id));
  if (!user) throw notFound();
  await verifyCurrentPassword(runtime, user, input.currentPassword, 'body.current_password');
  const errors = passwordFieldErrors('body.new_password', input.newPassword, user);
  if (errors.length) throw validationError(errors);
  const passwordHash = await hashPassword(input.newPassword);
  await transaction(runtime, async ({ tx, now, enqueue }) => {
    await tx.update(users).set({ passwordHash, updatedAt: now }).where(eq(users.id, user.id));
    await spendTokens(tx, { userId: user.id, purpose: 'email_change', now });
    await revokeSessions(tx, user.id, now, caller.sessionId);
    await enqueue('send_email', passwordChangedEmail(runtime.config, user, { at: now, how: 'change' }));
  });
}

/**
 * Sets a new password without asking for the current one: API v1's `user/details` does so with the
 * caller's token, as the reference does. The rules, the signing out of every login session and the
 * password-changed email are those of a change.
 */
export async function setPasswordWithoutCurrent(
  runtime: Runtime,
  userId: number,
  newPassword: string,
): Promise<void> {
  const [user] = await runtime.db.select().from(users).where(eq(users.id, userId));
  if (!user) throw notFound();
  const errors = passwordFieldErrors('body.password', newPassword, user);
  if (errors.length) throw validationError(errors);
  const passwordHash = await hashPassword(newPassword);
  await transaction(runtime, async ({ tx, now, enqueue }) => {
    await tx.update(users).set({ passwordHash, updatedAt: now }).where(eq(users.id, user.id));
    await spendTokens(tx, { userId: user.id, purpose: 'email_change', now });
    await revokeSessions(tx, user.id, now);
    await enqueue('send_email', passwordChangedEmail(runtime.config, user, { at: now, how: 'change' }));
  });
}
