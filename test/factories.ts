// Factories insert real rows through the same tables the services use.
import { randomBytes } from 'node:crypto';
import { type User, type UserRole, users } from '../src/db/schema/users.ts';
import { hashPassword } from '../src/lib/passwords.ts';
import type { Runtime } from '../src/runtime.ts';

export const DEFAULT_PASSWORD = 'Kor0vka-Zakupka-2026';
let defaultHash: Promise<string> | undefined;

export function uniqueEmail(prefix = 'user'): string {
  return `${prefix}-${randomBytes(5).toString('hex')}@example.test`;
}

export interface UserOverrides extends Partial<typeof users.$inferInsert> {
  role?: UserRole;
  password?: string;
  /** Default true: a confirmed account that can log in. */
  confirmed?: boolean;
}

export async function createUser(
  runtime: Runtime,
  overrides: UserOverrides = {},
): Promise<User & { password: string }> {
  const { password = DEFAULT_PASSWORD, confirmed = true, ...columns } = overrides;
  if (!defaultHash) defaultHash = hashPassword(DEFAULT_PASSWORD);
  const passwordHash = password === DEFAULT_PASSWORD ? await defaultHash : await hashPassword(password);
  const [user] = await runtime.db
    .insert(users)
    .values({
      email: uniqueEmail(columns.role ?? 'buyer'),
      firstName: 'Иван',
      lastName: 'Петров',
      company: 'ООО Ромашка',
      position: 'Закупщик',
      role: 'buyer',
      emailConfirmedAt: confirmed ? new Date() : null,
      ...columns,
      passwordHash,
    })
    .returning();
  return { ...user, password };
}
