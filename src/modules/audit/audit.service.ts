// The audit trail: who did what to which object, with the values before and after. Every staff action
// records itself with `recordAudit` inside its own transaction, so the row commits or vanishes with
// the action. This module depends on nothing but `db` and `lib`: every module may call it.
import { and, desc, eq, gte, lt, type SQL } from 'drizzle-orm';
import type { Queryable, Transaction } from '../../db/client.ts';
import { type AuditEvent, auditEvents } from '../../db/schema/audit.ts';
import { type Page, pageOf, peekLimit } from '../../http/paging.ts';

export interface AuditInput {
  /** The acting user; null for the system itself. */
  actorId: number | null;
  /** `<object>.<verb>`, e.g. `order.status_changed`. */
  kind: string;
  objectType: string;
  objectId: number | string;
  before?: Record<string, unknown> | null;
  after?: Record<string, unknown> | null;
  note?: string | null;
  /** The transaction's time (`TxScope.now`). */
  at: Date;
}

/** Records one action; call it with the transaction of the action itself. */
export async function recordAudit(tx: Transaction, input: AuditInput): Promise<void> {
  await tx.insert(auditEvents).values({
    actorId: input.actorId,
    kind: input.kind,
    objectType: input.objectType,
    objectId: String(input.objectId),
    before: input.before ?? null,
    after: input.after ?? null,
    note: input.note ?? null,
    createdAt: input.at,
  });
}

/** The values of `after` that differ from `before`, each side restricted to those keys. */
export function changedValues<T extends Record<string, unknown>>(
  before: T,
  after: Partial<T>,
): { before: Partial<T>; after: Partial<T> } | null {
  const was: Partial<T> = {};
  const now: Partial<T> = {};
  for (const key of Object.keys(after) as (keyof T)[]) {
    if (after[key] === undefined) continue;
    if (JSON.stringify(before[key] ?? null) === JSON.stringify(after[key] ?? null)) continue;
    was[key] = before[key];
    now[key] = after[key];
  }
  return Object.keys(now).length ? { before: was, after: now } : null;
}

export interface AuditFilters {
  actorId?: number;
  kind?: string;
  objectType?: string;
  objectId?: string;
  /** Inclusive. */
  from?: Date;
  /** Exclusive. */
  to?: Date;
  /** The id of the last event shown: the page continues with older ones. */
  afterId?: number;
  limit: number;
}

/** Events newest first (by id: ids grow with time), keyset-paged on id. */
export async function listAudit(db: Queryable, filters: AuditFilters): Promise<Page<AuditEvent>> {
  const where: (SQL | undefined)[] = [
    filters.actorId === undefined ? undefined : eq(auditEvents.actorId, filters.actorId),
    filters.kind === undefined ? undefined : eq(auditEvents.kind, filters.kind),
    filters.objectType === undefined ? undefined : eq(auditEvents.objectType, filters.objectType),
    filters.objectId === undefined ? undefined : eq(auditEvents.objectId, filters.objectId),
    filters.from === undefined ? undefined : gte(auditEvents.createdAt, filters.from),
    filters.to === undefined ? undefined : lt(auditEvents.createdAt, filters.to),
    filters.afterId === undefined ? undefined : lt(auditEvents.id, filters.afterId),
  ];
  const rows = await db
    .select()
    .from(auditEvents)
    .where(and(...where))
    .orderBy(desc(auditEvents.id))
    .limit(peekLimit(filters.limit));
  return pageOf(rows, filters.limit, (last) => ['audit', last.id]);
}
