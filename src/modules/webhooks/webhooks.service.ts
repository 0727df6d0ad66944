// Webhook endpoints (an account's own), the events published into them, and the delivery log.
// publishEvent runs inside the transaction that made the event: each matching endpoint gets one
// delivery row and one queued attempt, and both exist only if that transaction commits.
import { and, desc, eq, inArray, lt, or, sql } from 'drizzle-orm';
import type { Queryable } from '../../db/client.ts';
import type { UserRole } from '../../db/schema/users.ts';
import { users } from '../../db/schema/users.ts';
import {
  type WebhookAttempt,
  type WebhookDelivery,
  type WebhookDeliveryStatus,
  type WebhookEndpoint,
  webhookAttempts,
  webhookDeliveries,
  webhookEndpoints,
} from '../../db/schema/webhooks.ts';
import { type TxScope, transaction } from '../../db/transaction.ts';
import { AppError, conflict, notFound, unprocessable } from '../../http/errors.ts';
import { checkUrlTarget, FetchError } from '../../lib/outbound-url.ts';
import type { Runtime } from '../../runtime.ts';
import { eventInfo, type WebhookEventType } from './events.ts';
import { newMessageId, newSecret } from './signing.ts';

export const MAX_ENDPOINTS = 10;
/** How long the secret before a rotation still signs messages beside the new one. */
export const PREVIOUS_SECRET_TTL_MS = 24 * 3600 * 1000;

export interface EndpointInput {
  url: string;
  events: WebhookEventType[];
  description?: string;
}

export interface EndpointPatch extends Partial<EndpointInput> {
  /** true re-enables an endpoint (also one disabled for failing); false pauses it. */
  enabled?: boolean;
}

function endpointNotFound(id: number): AppError {
  return notFound('webhook_not_found', { ru: `Вебхук ${id} не найден`, en: `Webhook ${id} not found` });
}

async function checkUrl(runtime: Runtime, url: string): Promise<void> {
  try {
    await checkUrlTarget(url, runtime.config.allowPrivateImportUrls);
  } catch (error) {
    if (!(error instanceof FetchError)) throw error;
    if (error.code === 'invalid_url') {
      throw new AppError(400, 'validation_failed', { errors: [{ field: 'body.url', message: error.text }] });
    }
    if (error.code === 'url_not_allowed') {
      throw unprocessable('url_not_allowed', {
        ru: 'Адрес ведёт во внутреннюю сеть; отправлять туда вебхуки нельзя',
        en: 'The address points into a private network; webhooks cannot be sent there',
      });
    }
    throw unprocessable(error.code, error.text);
  }
}

/** Every event must exist and be open to the account's role. */
function checkEvents(role: UserRole, events: readonly WebhookEventType[]): WebhookEventType[] {
  const unique = [...new Set(events)];
  const refused = unique.filter((type) => !eventInfo(type).roles.includes(role));
  if (refused.length > 0) {
    throw unprocessable('event_not_available', {
      ru: `Эти события недоступны для вашей роли: ${refused.join(', ')}`,
      en: `These events are not available to your role: ${refused.join(', ')}`,
    });
  }
  return unique.sort();
}

async function ownerRole(db: Queryable, userId: number): Promise<UserRole> {
  const [row] = await db.select({ role: users.role }).from(users).where(eq(users.id, userId));
  return row.role;
}

export async function createEndpoint(
  runtime: Runtime,
  ownerId: number,
  input: EndpointInput,
): Promise<WebhookEndpoint> {
  const events = checkEvents(await ownerRole(runtime.db, ownerId), input.events);
  await checkUrl(runtime, input.url);
  return transaction(runtime, async ({ tx, now }) => {
    // The owner's row is the lock that keeps the count honest under parallel creations.
    await tx.select({ id: users.id }).from(users).where(eq(users.id, ownerId)).for('update');
    const [{ count }] = await tx
      .select({ count: sql<number>`count(*)::integer` })
      .from(webhookEndpoints)
      .where(eq(webhookEndpoints.ownerId, ownerId));
    if (count >= MAX_ENDPOINTS) {
      throw conflict('webhook_limit_reached', {
        ru: `Не больше ${MAX_ENDPOINTS} вебхуков на учётную запись`,
        en: `At most ${MAX_ENDPOINTS} webhooks per account`,
      });
    }
    const [row] = await tx
      .insert(webhookEndpoints)
      .values({
        ownerId,
        url: input.url,
        events,
        description: input.description?.trim() ?? '',
        secret: newSecret(),
        createdAt: now,
        updatedAt: now,
      })
      .returning();
    return row;
  });
}

export async function listEndpoints(db: Queryable, ownerId: number): Promise<WebhookEndpoint[]> {
  return db
    .select()
    .from(webhookEndpoints)
    .where(eq(webhookEndpoints.ownerId, ownerId))
    .orderBy(webhookEndpoints.id);
}

export async function getEndpoint(db: Queryable, ownerId: number, id: number): Promise<WebhookEndpoint> {
  const [row] = await db
    .select()
    .from(webhookEndpoints)
    .where(and(eq(webhookEndpoints.id, id), eq(webhookEndpoints.ownerId, ownerId)));
  if (!row) throw endpointNotFound(id);
  return row;
}

export async function updateEndpoint(
  runtime: Runtime,
  ownerId: number,
  id: number,
  patch: EndpointPatch,
): Promise<WebhookEndpoint> {
  const events =
    patch.events === undefined ? undefined : checkEvents(await ownerRole(runtime.db, ownerId), patch.events);
  if (patch.url !== undefined) await checkUrl(runtime, patch.url);
  return transaction(runtime, async ({ tx, now }) => {
    const set: Partial<typeof webhookEndpoints.$inferInsert> = { updatedAt: now };
    if (patch.url !== undefined) set.url = patch.url;
    if (events !== undefined) set.events = events;
    if (patch.description !== undefined) set.description = patch.description.trim();
    if (patch.enabled === true) {
      Object.assign(set, { enabled: true, disabledAt: null, disabledReason: null, failingSince: null });
    } else if (patch.enabled === false) {
      Object.assign(set, { enabled: false, disabledAt: now, disabledReason: 'owner' });
    }
    const [row] = await tx
      .update(webhookEndpoints)
      .set(set)
      .where(and(eq(webhookEndpoints.id, id), eq(webhookEndpoints.ownerId, ownerId)))
      .returning();
    if (!row) throw endpointNotFound(id);
    return row;
  });
}

/** Removes the endpoint with its delivery log; attempts still queued find nothing and stop. */
export async function deleteEndpoint(runtime: Runtime, ownerId: number, id: number): Promise<void> {
  await transaction(runtime, async ({ tx }) => {
    const removed = await tx
      .delete(webhookEndpoints)
      .where(and(eq(webhookEndpoints.id, id), eq(webhookEndpoints.ownerId, ownerId)))
      .returning({ id: webhookEndpoints.id });
    if (removed.length === 0) throw endpointNotFound(id);
  });
}

/**
 * A new secret, shown once. The old one keeps signing beside it for 24 hours (receivers accept a
 * message when any signature verifies), so a receiver can switch without losing messages.
 */
export async function rotateSecret(runtime: Runtime, ownerId: number, id: number): Promise<WebhookEndpoint> {
  return transaction(runtime, async ({ tx, now }) => {
    const [current] = await tx
      .select({ secret: webhookEndpoints.secret })
      .from(webhookEndpoints)
      .where(and(eq(webhookEndpoints.id, id), eq(webhookEndpoints.ownerId, ownerId)))
      .for('update');
    if (!current) throw endpointNotFound(id);
    const [row] = await tx
      .update(webhookEndpoints)
      .set({
        secret: newSecret(),
        previousSecret: current.secret,
        previousSecretExpiresAt: new Date(now.getTime() + PREVIOUS_SECRET_TTL_MS),
        updatedAt: now,
      })
      .where(eq(webhookEndpoints.id, id))
      .returning();
    return row;
  });
}

// ---------- publishing ----------

export interface EventRecipient {
  userId: number;
  role: UserRole;
}

/**
 * Publishes an event from inside the transaction that made it. `audience` names the accounts
 * concerned besides staff (staff endpoints receive every event they subscribe to); it is asked for
 * only when some enabled endpoint subscribes to the type at all, so an event nobody listens to
 * costs one query on the (small) endpoints table. `dataFor` builds what one recipient may see, once
 * per recipient account with an endpoint; null: that account may see nothing of it.
 */
export async function publishEvent(
  scope: TxScope,
  type: WebhookEventType,
  audienceOf: () => Promise<readonly number[]> | readonly number[],
  dataFor: (recipient: EventRecipient) => Promise<unknown> | unknown,
): Promise<number> {
  const { tx, now } = scope;
  const [subscribed] = await tx
    .select({ id: webhookEndpoints.id })
    .from(webhookEndpoints)
    .where(and(eq(webhookEndpoints.enabled, true), sql`${type} = any(${webhookEndpoints.events})`))
    .limit(1);
  if (!subscribed) return 0;
  const audience = await audienceOf();
  const endpoints = await tx
    .select({ id: webhookEndpoints.id, ownerId: webhookEndpoints.ownerId, role: users.role })
    .from(webhookEndpoints)
    .innerJoin(users, eq(users.id, webhookEndpoints.ownerId))
    .where(
      and(
        eq(webhookEndpoints.enabled, true),
        sql`${type} = any(${webhookEndpoints.events})`,
        audience.length > 0
          ? or(eq(users.role, 'staff'), inArray(webhookEndpoints.ownerId, [...audience]))
          : eq(users.role, 'staff'),
      ),
    )
    .orderBy(webhookEndpoints.id);
  if (endpoints.length === 0) return 0;
  // One body per recipient account; null data: the recipient may see nothing of this event.
  const bodies = new Map<number, string | null>();
  for (const endpoint of endpoints) {
    if (!bodies.has(endpoint.ownerId)) {
      const data = await dataFor({ userId: endpoint.ownerId, role: endpoint.role });
      bodies.set(
        endpoint.ownerId,
        data === null || data === undefined
          ? null
          : JSON.stringify({ type, timestamp: now.toISOString(), data }),
      );
    }
  }
  const receiving = endpoints.filter((endpoint) => bodies.get(endpoint.ownerId) !== null);
  if (receiving.length === 0) return 0;
  const rows = await tx
    .insert(webhookDeliveries)
    .values(
      receiving.map((endpoint) => ({
        endpointId: endpoint.id,
        messageId: newMessageId(),
        eventType: type,
        body: bodies.get(endpoint.ownerId)!,
        nextAttemptAt: now,
        createdAt: now,
      })),
    )
    .returning({ id: webhookDeliveries.id });
  for (const row of rows) await scope.enqueue('webhook_delivery', { deliveryId: row.id, generation: 0 });
  return rows.length;
}

// ---------- the delivery log ----------

export interface DeliveryWithAttempts extends WebhookDelivery {
  attemptLog: WebhookAttempt[];
}

export interface DeliveryFilters {
  limit: number;
  /** Deliveries older than this id (the previous page's last). */
  beforeId?: number;
  status?: WebhookDeliveryStatus;
}

/** Newest first, keyset-paged by id (ids grow with creation time). */
export async function listDeliveries(
  db: Queryable,
  ownerId: number,
  endpointId: number,
  filters: DeliveryFilters,
): Promise<{ items: DeliveryWithAttempts[]; nextBeforeId: number | null }> {
  await getEndpoint(db, ownerId, endpointId);
  const conditions = [eq(webhookDeliveries.endpointId, endpointId)];
  if (filters.beforeId !== undefined) conditions.push(lt(webhookDeliveries.id, filters.beforeId));
  if (filters.status) conditions.push(eq(webhookDeliveries.status, filters.status));
  const rows = await db
    .select()
    .from(webhookDeliveries)
    .where(and(...conditions))
    .orderBy(desc(webhookDeliveries.id))
    .limit(filters.limit + 1);
  const page = rows.slice(0, filters.limit);
  const attempts = page.length
    ? await db
        .select()
        .from(webhookAttempts)
        .where(
          inArray(
            webhookAttempts.deliveryId,
            page.map((row) => row.id),
          ),
        )
        .orderBy(webhookAttempts.id)
    : [];
  return {
    items: page.map((row) => ({
      ...row,
      attemptLog: attempts.filter((attempt) => attempt.deliveryId === row.id),
    })),
    nextBeforeId: rows.length > filters.limit ? page[page.length - 1].id : null,
  };
}

/**
 * Sends a delivery again now, whatever its state: the same message (same `webhook-id` and body,
 * a fresh timestamp and signature). A retry still queued for it is superseded.
 */
export async function redeliver(
  runtime: Runtime,
  ownerId: number,
  endpointId: number,
  deliveryId: number,
): Promise<WebhookDelivery> {
  return transaction(runtime, async (scope) => {
    const { tx, now } = scope;
    const endpoint = await getEndpoint(tx, ownerId, endpointId);
    if (!endpoint.enabled) {
      throw conflict('webhook_disabled', {
        ru: 'Вебхук отключён; включите его (PATCH enabled: true), чтобы отправлять сообщения',
        en: 'The webhook is disabled; enable it (PATCH enabled: true) to send messages',
      });
    }
    const [row] = await tx
      .update(webhookDeliveries)
      .set({ status: 'pending', generation: sql`${webhookDeliveries.generation} + 1`, nextAttemptAt: now })
      .where(and(eq(webhookDeliveries.id, deliveryId), eq(webhookDeliveries.endpointId, endpointId)))
      .returning();
    if (!row) {
      throw notFound('delivery_not_found', {
        ru: `Доставка ${deliveryId} не найдена`,
        en: `Delivery ${deliveryId} not found`,
      });
    }
    await scope.enqueue('webhook_delivery', { deliveryId: row.id, generation: row.generation, manual: true });
    return row;
  });
}
