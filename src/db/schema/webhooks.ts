// Webhooks (module src/modules/webhooks): endpoints an account registers, one delivery per event and
// endpoint (the signed message, kept as sent), and every attempt to deliver it.
import { sql } from 'drizzle-orm';
import { boolean, check, index, integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { users } from './users.ts';

export const webhookEndpoints = pgTable(
  'webhook_endpoints',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    ownerId: integer('owner_id')
      .notNull()
      .references(() => users.id),
    url: text('url').notNull(),
    /** Event types this endpoint receives (see modules/webhooks/events.ts). */
    events: text('events').array().notNull(),
    description: text('description').notNull().default(''),
    /** The signing secret, `whsec_` + base64 of 32 random bytes; it must be readable to sign. */
    secret: text('secret').notNull(),
    /** The secret before the last rotation: messages carry its signature too until it expires. */
    previousSecret: text('previous_secret'),
    previousSecretExpiresAt: timestamp('previous_secret_expires_at', { withTimezone: true }),
    enabled: boolean('enabled').notNull().default(true),
    disabledAt: timestamp('disabled_at', { withTimezone: true }),
    /** Why it was disabled: `failing` (24 hours of failed attempts) or `owner`. */
    disabledReason: text('disabled_reason'),
    /** The first failed attempt since the last successful one; null while it works. */
    failingSince: timestamp('failing_since', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('webhook_endpoints_owner_idx').on(t.ownerId, t.id),
    check('webhook_endpoints_disabled_reason_check', sql`${t.disabledReason} in ('failing', 'owner')`),
  ],
);

export const WEBHOOK_DELIVERY_STATUSES = ['pending', 'succeeded', 'failed'] as const;
export type WebhookDeliveryStatus = (typeof WEBHOOK_DELIVERY_STATUSES)[number];

export const webhookDeliveries = pgTable(
  'webhook_deliveries',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    endpointId: integer('endpoint_id')
      .notNull()
      .references(() => webhookEndpoints.id, { onDelete: 'cascade' }),
    /** `webhook-id`: the same on every attempt and redelivery, so receivers can drop duplicates. */
    messageId: text('message_id').notNull().unique(),
    eventType: text('event_type').notNull(),
    /** The JSON body exactly as signed and sent: `{type, timestamp, data}`. */
    body: text('body').notNull(),
    status: text('status').$type<WebhookDeliveryStatus>().notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    /** Bumped by a redelivery: a queued attempt of an older generation does nothing. */
    generation: integer('generation').notNull().default(0),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }),
    lastAttemptAt: timestamp('last_attempt_at', { withTimezone: true }),
    lastStatusCode: integer('last_status_code'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    index('webhook_deliveries_endpoint_created_idx').on(t.endpointId, t.createdAt, t.id),
    check('webhook_deliveries_status_check', sql`${t.status} in ('pending', 'succeeded', 'failed')`),
  ],
);

export const webhookAttempts = pgTable(
  'webhook_attempts',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    deliveryId: integer('delivery_id')
      .notNull()
      .references(() => webhookDeliveries.id, { onDelete: 'cascade' }),
    attemptedAt: timestamp('attempted_at', { withTimezone: true }).notNull(),
    /** The receiver's HTTP status; null when no answer came (timeout, refused, not allowed). */
    statusCode: integer('status_code'),
    succeeded: boolean('succeeded').notNull(),
    /** Why it failed without a status: `timeout`, `connection_failed`, `url_not_allowed`, … */
    error: text('error'),
    durationMs: integer('duration_ms').notNull(),
    /** The start of the receiver's answer (at most 1 KB), for the delivery log. */
    responseExcerpt: text('response_excerpt').notNull().default(''),
    /** Sent because someone asked for a redelivery. */
    manual: boolean('manual').notNull().default(false),
  },
  (t) => [index('webhook_attempts_delivery_idx').on(t.deliveryId, t.id)],
);

export type WebhookEndpoint = typeof webhookEndpoints.$inferSelect;
export type WebhookDelivery = typeof webhookDeliveries.$inferSelect;
export type WebhookAttempt = typeof webhookAttempts.$inferSelect;
