// Staff's view and upkeep of accounts: the paged list, one account, role changes, blocking and the
// confirmation email sent again. A blocked account cannot sign in, and every credential it holds
// stops at once: its sessions are revoked here, and both the per-request access-token check
// (src/http/auth.ts) and the API-token resolver read `users.is_active` on every request.
import { and, desc, eq, ilike, isNotNull, isNull, lt, or, type SQL, sql } from 'drizzle-orm';
import type { Queryable } from '../../db/client.ts';
import { type User, type UserRole, users } from '../../db/schema/users.ts';
import { transaction } from '../../db/transaction.ts';
import { conflict, notFound } from '../../http/errors.ts';
import { type Page, pageOf, peekLimit } from '../../http/paging.ts';
import type { Runtime } from '../../runtime.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { ensureShopForOwner } from '../catalog/shops.service.ts';
import { sendConfirmationEmail } from './registration.service.ts';
import { revokeSessions } from './sessions.service.ts';

export const USER_STATES = ['active', 'blocked', 'unconfirmed'] as const;
export type UserState = (typeof USER_STATES)[number];

/** An account's state as staff see it: blocked wins over unconfirmed. */
export function userState(user: Pick<User, 'isActive' | 'emailConfirmedAt'>): UserState {
  if (!user.isActive) return 'blocked';
  return user.emailConfirmedAt ? 'active' : 'unconfirmed';
}

export interface UserListFilters {
  /** Part of the email, first or last name, or company (case-insensitive). */
  q?: string;
  role?: UserRole;
  state?: UserState;
  limit: number;
  /** The id of the last account shown: the page continues with older ones. */
  beforeId?: number;
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

const STATE_CONDITIONS: Record<UserState, SQL> = {
  active: and(eq(users.isActive, true), isNotNull(users.emailConfirmedAt)) as SQL,
  blocked: eq(users.isActive, false),
  unconfirmed: and(eq(users.isActive, true), isNull(users.emailConfirmedAt)) as SQL,
};

/** Accounts newest first, keyset-paged on id. */
export async function listUsers(db: Queryable, filters: UserListFilters): Promise<Page<User>> {
  const q = filters.q?.trim();
  const pattern = q ? `%${escapeLike(q)}%` : undefined;
  const rows = await db
    .select()
    .from(users)
    .where(
      and(
        pattern
          ? or(
              ilike(users.email, pattern),
              ilike(users.firstName, pattern),
              ilike(users.lastName, pattern),
              ilike(users.company, pattern),
              sql`(${users.firstName} || ' ' || ${users.lastName}) ilike ${pattern}`,
            )
          : undefined,
        filters.role ? eq(users.role, filters.role) : undefined,
        filters.state ? STATE_CONDITIONS[filters.state] : undefined,
        filters.beforeId === undefined ? undefined : lt(users.id, filters.beforeId),
      ),
    )
    .orderBy(desc(users.id))
    .limit(peekLimit(filters.limit));
  return pageOf(rows, filters.limit, (last) => ['users', last.id]);
}

function userNotFound() {
  return notFound('user_not_found', { ru: 'Пользователь не найден', en: 'User not found' });
}

export async function getUser(db: Queryable, userId: number): Promise<User> {
  const [user] = await db.select().from(users).where(eq(users.id, userId));
  if (!user) throw userNotFound();
  return user;
}

export interface UserChange {
  role?: UserRole;
  blocked?: boolean;
  /** Why the account is blocked; kept while it stays blocked. */
  blockedReason?: string | null;
}

/**
 * Changes an account's role and/or blocks or unblocks it, audited in the same transaction. Staff
 * cannot block themselves, and the last active staff account can be neither demoted nor blocked:
 * the active staff rows are locked first, so two staff demoting each other at once cannot both pass.
 */
export async function changeUser(
  runtime: Runtime,
  actorId: number,
  userId: number,
  change: UserChange,
): Promise<User> {
  return transaction(runtime, async ({ tx, now }) => {
    const activeStaff = await tx
      .select({ id: users.id })
      .from(users)
      .where(and(eq(users.role, 'staff'), eq(users.isActive, true)))
      .orderBy(users.id)
      .for('update');
    const [user] = await tx.select().from(users).where(eq(users.id, userId)).for('update');
    if (!user) throw userNotFound();

    const blocking = change.blocked === true && user.isActive;
    const unblocking = change.blocked === false && !user.isActive;
    const demoting = change.role !== undefined && change.role !== 'staff' && user.role === 'staff';
    if (change.blocked === true && userId === actorId) {
      throw conflict('cannot_block_self', {
        ru: 'Нельзя заблокировать собственную учётную запись',
        en: 'You cannot block your own account',
      });
    }
    const othersActive = activeStaff.filter((row) => row.id !== userId).length;
    if ((demoting || blocking) && user.role === 'staff' && user.isActive && othersActive === 0) {
      throw conflict('last_staff', {
        ru: 'Это последний сотрудник с правами staff: сначала назначьте другого',
        en: 'This is the last active staff account: make another one staff first',
      });
    }

    const set: Partial<typeof users.$inferInsert> = {};
    if (change.role !== undefined && change.role !== user.role) set.role = change.role;
    if (blocking) {
      set.isActive = false;
      set.blockedAt = now;
      set.blockedReason = change.blockedReason ?? null;
    } else if (unblocking) {
      set.isActive = true;
      set.blockedAt = null;
      set.blockedReason = null;
    } else if (!user.isActive && change.blockedReason !== undefined && change.blocked !== false) {
      set.blockedReason = change.blockedReason;
    }
    if (Object.keys(set).length === 0) return user;

    const [updated] = await tx
      .update(users)
      .set({ ...set, updatedAt: now })
      .where(eq(users.id, userId))
      .returning();
    if (set.role !== undefined) {
      if (set.role === 'supplier') await ensureShopForOwner({ tx }, updated);
      await recordAudit(tx, {
        actorId,
        kind: 'user.role_changed',
        objectType: 'user',
        objectId: userId,
        before: { role: user.role },
        after: { role: updated.role },
        at: now,
      });
    }
    if (blocking) {
      // The sessions end for good: unblocking later does not bring them back.
      await revokeSessions(tx, userId, now);
      await recordAudit(tx, {
        actorId,
        kind: 'user.blocked',
        objectType: 'user',
        objectId: userId,
        before: { blocked: false },
        after: { blocked: true, blocked_reason: updated.blockedReason },
        note: updated.blockedReason,
        at: now,
      });
    } else if (unblocking) {
      await recordAudit(tx, {
        actorId,
        kind: 'user.unblocked',
        objectType: 'user',
        objectId: userId,
        before: { blocked: true, blocked_reason: user.blockedReason },
        after: { blocked: false },
        at: now,
      });
    } else if (set.blockedReason !== undefined) {
      await recordAudit(tx, {
        actorId,
        kind: 'user.block_reason_changed',
        objectType: 'user',
        objectId: userId,
        before: { blocked_reason: user.blockedReason },
        after: { blocked_reason: updated.blockedReason },
        at: now,
      });
    }
    return updated;
  });
}

/** Sends the confirmation email again to an unconfirmed, unblocked account (staff's request). */
export async function resendConfirmationAsStaff(
  runtime: Runtime,
  actorId: number,
  userId: number,
): Promise<void> {
  await transaction(runtime, async ({ tx, now, enqueue }) => {
    const [user] = await tx.select().from(users).where(eq(users.id, userId)).for('update');
    if (!user) throw userNotFound();
    if (user.emailConfirmedAt) {
      throw conflict('email_already_confirmed', {
        ru: 'Email этой учётной записи уже подтверждён',
        en: 'This account’s email is already confirmed',
      });
    }
    if (!user.isActive) {
      throw conflict('account_blocked', {
        ru: 'Учётная запись заблокирована: сначала разблокируйте её',
        en: 'The account is blocked: unblock it first',
      });
    }
    await sendConfirmationEmail({ tx, now, enqueue }, runtime, user);
    await recordAudit(tx, {
      actorId,
      kind: 'user.confirmation_resent',
      objectType: 'user',
      objectId: userId,
      at: now,
    });
  });
}
