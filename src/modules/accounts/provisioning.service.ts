// Accounts made by tools rather than by people signing up: the demo loader and the import CLI
// create confirmed accounts (a supplier with its shop, as at registration). The only writer of
// `users` outside registration, staff promotion and profile changes.
import { eq } from 'drizzle-orm';
import type { Queryable } from '../../db/client.ts';
import { type User, users } from '../../db/schema/users.ts';
import { transaction } from '../../db/transaction.ts';
import type { Runtime } from '../../runtime.ts';
import { createShopForOwner } from '../catalog/shops.service.ts';
import { normalizeEmail } from './accounts.shared.ts';

export interface ProvisionedAccount {
  email: string;
  role: 'buyer' | 'supplier' | 'staff';
  /** Already hashed (a tool may give one that matches no password: the account cannot log in). */
  passwordHash: string;
  company: string;
  firstName?: string;
  lastName?: string;
  position?: string;
}

/**
 * A confirmed account with this email: created (a supplier with its shop, in the same transaction)
 * unless one exists, which is returned unchanged.
 */
export async function ensureAccount(
  runtime: Runtime,
  input: ProvisionedAccount,
): Promise<{ id: number; created: boolean }> {
  const email = normalizeEmail(input.email);
  return transaction(runtime, async ({ tx, now }) => {
    const [existing] = await tx.select({ id: users.id }).from(users).where(eq(users.email, email));
    if (existing) return { id: existing.id, created: false };
    const [user] = await tx
      .insert(users)
      .values({
        email,
        passwordHash: input.passwordHash,
        role: input.role,
        firstName: input.firstName,
        lastName: input.lastName,
        company: input.company,
        position: input.position,
        emailConfirmedAt: now,
      })
      .returning({ id: users.id });
    if (input.role === 'supplier') await createShopForOwner({ tx }, { id: user.id, company: input.company });
    return { id: user.id, created: true };
  });
}

/** The account with this email (as typed), if any. */
export async function findAccountByEmail(db: Queryable, email: string): Promise<User | undefined> {
  const [user] = await db
    .select()
    .from(users)
    .where(eq(users.email, normalizeEmail(email)));
  return user;
}
