import { eq } from 'drizzle-orm';
import { users } from '../../db/schema/users.ts';
import { transaction } from '../../db/transaction.ts';
import { validationError } from '../../http/errors.ts';
import { hashPassword } from '../../lib/passwords.ts';
import type { Runtime } from '../../runtime.ts';

export interface StaffInput {
  email: string;
  password?: string;
  firstName?: string;
  lastName?: string;
}

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** Creates a confirmed staff account, or promotes an existing one (setting its password if given). */
export async function createOrPromoteStaff(
  runtime: Runtime,
  input: StaffInput,
): Promise<{ id: number; email: string; created: boolean }> {
  const email = normalizeEmail(input.email);
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) {
    throw validationError([
      { field: 'email', message: { ru: 'Неверный адрес email', en: 'Invalid email address' } },
    ]);
  }
  if (input.password !== undefined && input.password.length < 8) {
    throw validationError([
      {
        field: 'password',
        message: { ru: 'Пароль короче 8 символов', en: 'Password is shorter than 8 characters' },
      },
    ]);
  }
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
