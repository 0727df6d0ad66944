import { eq } from 'drizzle-orm';
import { users } from '../../db/schema/users.ts';
import { transaction } from '../../db/transaction.ts';
import { validationError } from '../../http/errors.ts';
import { hashPassword } from '../../lib/passwords.ts';
import type { Runtime } from '../../runtime.ts';
import { emailFieldError, normalizeEmail } from './accounts.shared.ts';
import { passwordFieldErrors } from './password-rules.ts';

export { normalizeEmail };

export interface StaffInput {
  email: string;
  password?: string;
  firstName?: string;
  lastName?: string;
}

/** Creates a confirmed staff account, or promotes an existing one (setting its password if given). */
export async function createOrPromoteStaff(
  runtime: Runtime,
  input: StaffInput,
): Promise<{ id: number; email: string; created: boolean }> {
  const email = normalizeEmail(input.email);
  const emailError = emailFieldError('email', email);
  // The same rules as for every account: staff passwords guard the most.
  const errors = [
    ...(emailError ? [emailError] : []),
    ...(input.password === undefined
      ? []
      : passwordFieldErrors('password', input.password, {
          email,
          firstName: input.firstName,
          lastName: input.lastName,
        })),
  ];
  if (errors.length) throw validationError(errors);
  const passwordHash = input.password === undefined ? undefined : await hashPassword(input.password);
  return transaction(runtime, async ({ tx, now }) => {
    const [existing] = await tx.select().from(users).where(eq(users.email, email)).for('update');
    if (existing) {
      await tx
        .update(users)
        .set({
          role: 'staff',
          emailConfirmedAt: existing.emailConfirmedAt ?? now,
          isActive: true,
          updatedAt: now,
          ...(passwordHash ? { passwordHash } : {}),
        })
        .where(eq(users.id, existing.id));
      return { id: existing.id, email, created: false };
    }
    if (!passwordHash) {
      throw validationError([
        {
          field: 'password',
          message: { ru: 'Для новой учётной записи нужен пароль', en: 'A new account needs a password' },
        },
      ]);
    }
    const [created] = await tx
      .insert(users)
      .values({
        email,
        passwordHash,
        role: 'staff',
        firstName: input.firstName ?? '',
        lastName: input.lastName ?? '',
        emailConfirmedAt: now,
      })
      .returning({ id: users.id });
    return { id: created.id, email, created: true };
  });
}
