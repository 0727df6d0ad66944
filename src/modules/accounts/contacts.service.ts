// Delivery addresses of an account: at most MAX_CONTACTS, enforced under concurrency by locking the
// owner's row before counting. Other people's contacts are "not found".
import { and, asc, count, eq, inArray } from 'drizzle-orm';
import type { Queryable } from '../../db/client.ts';
import { type Contact, contacts } from '../../db/schema/contacts.ts';
import { users } from '../../db/schema/users.ts';
import { transaction } from '../../db/transaction.ts';
import { conflict, type FieldError, notFound, validationError } from '../../http/errors.ts';
import type { Runtime } from '../../runtime.ts';
import { normalizePhone, phoneFieldError } from './accounts.shared.ts';

export const MAX_CONTACTS = 5;

export interface ContactInput {
  city: string;
  street: string;
  house?: string;
  structure?: string;
  building?: string;
  apartment?: string;
  phone: string;
  recipientName?: string;
  comment?: string;
}

const REQUIRED = ['city', 'street', 'phone'] as const;

/** Trimmed fields; required ones non-empty, the phone normalised. */
function clean<T extends Partial<ContactInput>>(input: T): T {
  const out: Record<string, string> = {};
  const errors: FieldError[] = [];
  for (const [key, value] of Object.entries(input)) {
    if (value === undefined) continue;
    const trimmed = (value as string).trim();
    if ((REQUIRED as readonly string[]).includes(key) && !trimmed) {
      errors.push({ field: `body.${key}`, message: { ru: 'не может быть пустым', en: 'cannot be empty' } });
      continue;
    }
    out[key] = trimmed;
  }
  if (out.phone) {
    const phone = normalizePhone(out.phone);
    if (phone) out.phone = phone;
    else errors.push(phoneFieldError('body.phone'));
  }
  if (errors.length) throw validationError(errors);
  return out as T;
}

export async function listContacts(db: Queryable, userId: number): Promise<Contact[]> {
  return db.select().from(contacts).where(eq(contacts.userId, userId)).orderBy(asc(contacts.id));
}

/** The caller's contact, or 404 (also when it is someone else's). */
export async function getContact(db: Queryable, userId: number, id: number): Promise<Contact> {
  const [contact] = await db
    .select()
    .from(contacts)
    .where(and(eq(contacts.id, id), eq(contacts.userId, userId)));
  if (!contact) throw contactNotFound();
  return contact;
}

function contactNotFound() {
  return notFound('contact_not_found', { ru: 'Контакт не найден', en: 'Contact not found' });
}

export async function createContact(runtime: Runtime, userId: number, input: ContactInput): Promise<Contact> {
  const values = clean(input);
  return transaction(runtime, async ({ tx, now }) => {
    // The owner's row is the lock every concurrent create of this account queues on.
    await tx.select({ id: users.id }).from(users).where(eq(users.id, userId)).for('update');
    const [{ total }] = await tx.select({ total: count() }).from(contacts).where(eq(contacts.userId, userId));
    if (total >= MAX_CONTACTS) {
      throw conflict(
        'contacts_limit_reached',
        {
          ru: `Можно сохранить не больше ${MAX_CONTACTS} адресов; удалите ненужный`,
          en: `At most ${MAX_CONTACTS} addresses can be kept; delete one you no longer need`,
        },
        { limit: MAX_CONTACTS },
      );
    }
    const [contact] = await tx
      .insert(contacts)
      .values({ ...values, userId, createdAt: now, updatedAt: now })
      .returning();
    return contact;
  });
}

export async function updateContact(
  runtime: Runtime,
  userId: number,
  id: number,
  patch: Partial<ContactInput>,
): Promise<Contact> {
  const values = clean(patch);
  return transaction(runtime, async ({ tx, now }) => {
    const [contact] = await tx
      .update(contacts)
      .set({ ...values, updatedAt: now })
      .where(and(eq(contacts.id, id), eq(contacts.userId, userId)))
      .returning();
    if (!contact) throw contactNotFound();
    return contact;
  });
}

export async function deleteContact(runtime: Runtime, userId: number, id: number): Promise<void> {
  await transaction(runtime, async ({ tx }) => {
    const deleted = await tx
      .delete(contacts)
      .where(and(eq(contacts.id, id), eq(contacts.userId, userId)))
      .returning({ id: contacts.id });
    if (!deleted.length) throw contactNotFound();
  });
}

/** Deletes those of `ids` that are the caller's contacts; answers how many went. */
export async function deleteContacts(
  runtime: Runtime,
  userId: number,
  ids: readonly number[],
): Promise<number> {
  if (ids.length === 0) return 0;
  return transaction(runtime, async ({ tx }) => {
    const deleted = await tx
      .delete(contacts)
      .where(and(inArray(contacts.id, [...new Set(ids)]), eq(contacts.userId, userId)))
      .returning({ id: contacts.id });
    return deleted.length;
  });
}
