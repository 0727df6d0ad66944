// Registration and email confirmation. An account starts unconfirmed and cannot log in until the
// token from its confirmation email comes back with the same address.
import { eq, sql } from 'drizzle-orm';
import { type Language, type User, users } from '../../db/schema/users.ts';
import { type TxScope, transaction } from '../../db/transaction.ts';
import { AppError, type FieldError, validationError } from '../../http/errors.ts';
import { hashPassword } from '../../lib/passwords.ts';
import type { Runtime } from '../../runtime.ts';
import { createShopForOwner } from '../catalog/shops.service.ts';
import { emailFieldError, emailIpKey, normalizeEmail } from './accounts.shared.ts';
import { confirmationEmail } from './emails.ts';
import { findSpendableToken, issueOneTimeToken, spendTokens } from './one-time-tokens.ts';
import { passwordFieldErrors } from './password-rules.ts';
import { hitLimits } from './rate-limit.ts';

export const EMAIL_CONFIRMATION_TTL_HOURS = 48;

export interface RegistrationInput {
  email: string;
  password: string;
  firstName: string;
  lastName: string;
  company: string;
  position: string;
  type: 'buyer' | 'supplier';
  /** The language of the account's emails, this confirmation email first; default Russian. */
  preferredLanguage?: Language;
}

export interface Registered {
  user: User;
  shop: { id: number; name: string } | null;
}

export async function register(
  runtime: Runtime,
  input: RegistrationInput,
  clientIp: string,
): Promise<Registered> {
  const email = normalizeEmail(input.email);
  const names = {
    firstName: input.firstName.trim(),
    lastName: input.lastName.trim(),
    company: input.company.trim(),
    position: input.position.trim(),
  };
  const errors: FieldError[] = [];
  const emailError = emailFieldError('body.email', email);
  if (emailError) errors.push(emailError);
  for (const [field, value] of [
    ['first_name', names.firstName],
    ['last_name', names.lastName],
    ['company', names.company],
    ['position', names.position],
  ] as const) {
    if (!value)
      errors.push({ field: `body.${field}`, message: { ru: 'обязательное поле', en: 'is required' } });
  }
  errors.push(...passwordFieldErrors('body.password', input.password, { email, ...names }));
  if (errors.length) throw validationError(errors);

  const limits = runtime.config.rateLimit;
  await hitLimits(runtime, [{ key: emailIpKey(clientIp), limit: limits.emailRequestsPerIp }]);

  const passwordHash = await hashPassword(input.password);
  return transaction(runtime, async ({ tx, now, enqueue }) => {
    const [user] = await tx
      .insert(users)
      .values({
        email,
        passwordHash,
        role: input.type,
        ...names,
        preferredLanguage: input.preferredLanguage ?? 'ru',
        createdAt: now,
        updatedAt: now,
      })
      .onConflictDoNothing({ target: users.email })
      .returning();
    if (!user) throw emailTaken();
    const shop = input.type === 'supplier' ? await createShopForOwner({ tx }, user) : null;
    const token = await issueOneTimeToken(tx, {
      userId: user.id,
      purpose: 'email_confirmation',
      now,
      ttlMs: EMAIL_CONFIRMATION_TTL_HOURS * 3_600_000,
    });
    await enqueue(
      'send_email',
      confirmationEmail(runtime.config, user, token, {
        resent: false,
        validHours: EMAIL_CONFIRMATION_TTL_HOURS,
      }),
    );
    return { user, shop };
  });
}

function emailTaken(): AppError {
  const message = {
    ru: 'Учётная запись с таким адресом уже есть. Войдите или восстановите пароль',
    en: 'An account with this email already exists. Log in or reset the password',
  };
  return new AppError(409, 'email_taken', { detail: message, errors: [{ field: 'body.email', message }] });
}

/** Confirms the account the token was sent to; the address must be that account's. A token works once. */
export async function confirmEmail(
  runtime: Runtime,
  input: { email?: string; token: string },
): Promise<void> {
  const email = input.email === undefined ? undefined : normalizeEmail(input.email);
  await transaction(runtime, async ({ tx, now }) => {
    const { user } = await findSpendableToken(tx, {
      purpose: 'email_confirmation',
      token: input.token,
      email,
      now,
      forUpdate: true,
    });
    await spendTokens(tx, { userId: user.id, purpose: 'email_confirmation', now });
    await tx
      .update(users)
      .set({ emailConfirmedAt: sql`coalesce(${users.emailConfirmedAt}, ${now})`, updatedAt: now })
      .where(eq(users.id, user.id));
  });
}

/**
 * Sends a fresh confirmation email when the address belongs to an unconfirmed account; otherwise
 * does nothing. The caller answers the same either way, so accounts cannot be probed.
 */
export async function resendConfirmation(
  runtime: Runtime,
  rawEmail: string,
  clientIp: string,
): Promise<void> {
  const email = normalizeEmail(rawEmail);
  const limits = runtime.config.rateLimit;
  await hitLimits(runtime, [
    { key: `email:confirmation:${email}`, limit: limits.emailRequests },
    { key: emailIpKey(clientIp), limit: limits.emailRequestsPerIp },
  ]);
  await transaction(runtime, async ({ tx, now, enqueue }) => {
    const [user] = await tx.select().from(users).where(eq(users.email, email)).for('update');
    if (!user || user.emailConfirmedAt || !user.isActive) return;
    await sendConfirmationEmail({ tx, now, enqueue }, runtime, user);
  });
}

/** Issues a fresh confirmation token and queues the "confirm again" email, in the caller's transaction. */
export async function sendConfirmationEmail(
  scope: Pick<TxScope, 'tx' | 'now' | 'enqueue'>,
  runtime: Runtime,
  user: User,
): Promise<void> {
  const token = await issueOneTimeToken(scope.tx, {
    userId: user.id,
    purpose: 'email_confirmation',
    now: scope.now,
    ttlMs: EMAIL_CONFIRMATION_TTL_HOURS * 3_600_000,
  });
  await scope.enqueue(
    'send_email',
    confirmationEmail(runtime.config, user, token, {
      resent: true,
      validHours: EMAIL_CONFIRMATION_TTL_HOURS,
    }),
  );
}
