// The signed-in account's profile: names, company, phone, language and the billing details printed
// on invoices (each checked by its official check digits where it has them).
import { eq } from 'drizzle-orm';
import type { Queryable } from '../../db/client.ts';
import { type Language, type User, users } from '../../db/schema/users.ts';
import { transaction } from '../../db/transaction.ts';
import { type FieldError, notFound, validationError } from '../../http/errors.ts';
import type { Runtime } from '../../runtime.ts';
import { normalizePhone, phoneFieldError } from './accounts.shared.ts';
import { requisitesProblems } from './requisites.ts';

export interface BillingDetails {
  legalName: string | null;
  inn: string | null;
  kpp: string | null;
  ogrn: string | null;
  bankBik: string | null;
  settlementAccount: string | null;
  correspondentAccount: string | null;
}

export interface ProfilePatch {
  firstName?: string;
  lastName?: string;
  company?: string;
  position?: string;
  phone?: string | null;
  preferredLanguage?: Language;
  billingDetails?: Partial<BillingDetails>;
}

export async function getProfile(db: Queryable, userId: number): Promise<User> {
  const [user] = await db.select().from(users).where(eq(users.id, userId));
  if (!user) throw notFound();
  return user;
}

const BILLING_FIELDS: Record<keyof BillingDetails, string> = {
  legalName: 'legal_name',
  inn: 'inn',
  kpp: 'kpp',
  ogrn: 'ogrn',
  bankBik: 'bank_bik',
  settlementAccount: 'settlement_account',
  correspondentAccount: 'correspondent_account',
};

/** Digits people paste with spaces or dashes ("7707 083 893"); empty means "clear it". */
function cleanCode(value: string | null | undefined): string | null | undefined {
  if (value === undefined || value === null) return value;
  const compact = value.replace(/[\s-]/g, '').toUpperCase();
  return compact === '' ? null : compact;
}

/** Every problem of a complete set of billing details, with the field it belongs to. */
export function billingProblems(details: BillingDetails, prefix = 'body.billing_details'): FieldError[] {
  // The check digits live once, in src/lib/requisites.ts (shops' invoice requisites use them too).
  return requisitesProblems(details).map(({ field, message }) => ({
    field: `${prefix}.${BILLING_FIELDS[field]}`,
    message,
  }));
}

/** Applies the changes given; billing details are validated as a whole, as they will be stored. */
export async function updateProfile(runtime: Runtime, userId: number, patch: ProfilePatch): Promise<User> {
  const errors: FieldError[] = [];
  const changes: Partial<typeof users.$inferInsert> = {};
  for (const [key, field] of [
    ['firstName', 'first_name'],
    ['lastName', 'last_name'],
    ['company', 'company'],
  ] as const) {
    const value = patch[key]?.trim();
    if (value === undefined) continue;
    if (!value)
      errors.push({ field: `body.${field}`, message: { ru: 'не может быть пустым', en: 'cannot be empty' } });
    changes[key] = value;
  }
  if (patch.position !== undefined) changes.position = patch.position.trim();
  if (patch.preferredLanguage !== undefined) changes.preferredLanguage = patch.preferredLanguage;
  if (patch.phone !== undefined) {
    if (patch.phone === null || patch.phone.trim() === '') changes.phone = null;
    else {
      const phone = normalizePhone(patch.phone);
      if (phone) changes.phone = phone;
      else errors.push(phoneFieldError('body.phone'));
    }
  }

  return transaction(runtime, async ({ tx, now }) => {
    const [current] = await tx.select().from(users).where(eq(users.id, userId)).for('update');
    if (!current) throw notFound();
    if (patch.billingDetails) {
      const given = patch.billingDetails;
      const merged: BillingDetails = {
        legalName: given.legalName === undefined ? current.legalName : given.legalName?.trim() || null,
        inn: given.inn === undefined ? current.inn : cleanCode(given.inn)!,
        kpp: given.kpp === undefined ? current.kpp : cleanCode(given.kpp)!,
        ogrn: given.ogrn === undefined ? current.ogrn : cleanCode(given.ogrn)!,
        bankBik: given.bankBik === undefined ? current.bankBik : cleanCode(given.bankBik)!,
        settlementAccount:
          given.settlementAccount === undefined
            ? current.settlementAccount
            : cleanCode(given.settlementAccount)!,
        correspondentAccount:
          given.correspondentAccount === undefined
            ? current.correspondentAccount
            : cleanCode(given.correspondentAccount)!,
      };
      errors.push(...billingProblems(merged));
      Object.assign(changes, merged);
    }
    if (errors.length) throw validationError(errors);
    const [updated] = await tx
      .update(users)
      .set({ ...changes, updatedAt: now })
      .where(eq(users.id, userId))
      .returning();
    return updated;
  });
}
