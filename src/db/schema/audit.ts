// Audit trail (module src/modules/audit): one row per staff action, written in the same transaction
// as the action itself, so a row exists exactly when the action happened.
import { sql } from 'drizzle-orm';
import { bigint, check, index, integer, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { users } from './users.ts';

export const auditEvents = pgTable(
  'audit_events',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    /** Who acted; null for an action of the system itself (a tool, a schedule). */
    actorId: integer('actor_id').references(() => users.id),
    /** What happened, `<object>.<verb>`: `order.status_changed`, `user.blocked`, `offer.hidden`, … */
    kind: text('kind').notNull(),
    /** What it happened to: `order`, `order_part`, `user`, `offer`, `product`, `shop`, … */
    objectType: text('object_type').notNull(),
    objectId: text('object_id').notNull(),
    /** The values the action changed, before and after it (only those it changed). */
    before: jsonb('before').$type<Record<string, unknown>>(),
    after: jsonb('after').$type<Record<string, unknown>>(),
    note: text('note'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    index('audit_events_created_idx').on(t.createdAt, t.id),
    index('audit_events_actor_idx').on(t.actorId, t.id),
    index('audit_events_object_idx').on(t.objectType, t.objectId, t.id),
    index('audit_events_kind_idx').on(t.kind, t.id),
    check('audit_events_kind_check', sql`${t.kind} ~ '^[a-z_]+\\.[a-z_]+$'`),
  ],
);

export type AuditEvent = typeof auditEvents.$inferSelect;
