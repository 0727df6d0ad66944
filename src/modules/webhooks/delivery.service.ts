// The delivery job: one signed attempt, recorded with its outcome; then the next attempt is
// scheduled (exponential backoff over a little more than 24 hours), or the endpoint, failing for
// 24 hours, is disabled and its owner emailed.
import { and, eq, sql } from 'drizzle-orm';
import { users } from '../../db/schema/users.ts';
import { webhookAttempts, webhookDeliveries, webhookEndpoints } from '../../db/schema/webhooks.ts';
import { type TxScope, transaction } from '../../db/transaction.ts';
import type { JobPayloads } from '../../jobs/queues.ts';
import type { Runtime } from '../../runtime.ts';
import { endpointDisabledEmail } from './emails.ts';
import { postMessage, type SendOutcome } from './send.ts';
import { signedHeaders } from './signing.ts';

/** Attempts of one message without a redelivery: the first and 14 retries. */
export const MAX_ATTEMPTS = 15;
/** An endpoint whose every attempt failed for this long is disabled. */
export const DISABLE_AFTER_MS = 24 * 3600 * 1000;

/**
 * The wait before retry number `retry` (1 for the first): the base (30 s by default), doubled each
 * time, at most 480 times the base (4 h). With the default base the 14 retries span about 24 h 15 min.
 */
export function retryDelayMs(baseMs: number, retry: number): number {
  return Math.min(baseMs * 2 ** (retry - 1), baseMs * 480);
}

function describeFailure(outcome: SendOutcome): string {
  return outcome.statusCode === null ? outcome.error : `HTTP ${outcome.statusCode}`;
}

export async function deliverWebhook(runtime: Runtime, job: JobPayloads['webhook_delivery']): Promise<void> {
  const [found] = await runtime.db
    .select({ delivery: webhookDeliveries, endpoint: webhookEndpoints })
    .from(webhookDeliveries)
    .innerJoin(webhookEndpoints, eq(webhookEndpoints.id, webhookDeliveries.endpointId))
    .where(eq(webhookDeliveries.id, job.deliveryId));
  // Deleted with its endpoint, already settled, or superseded by a redelivery.
  if (found?.delivery.status !== 'pending' || found.delivery.generation !== job.generation) return;
  const { delivery, endpoint } = found;
  if (!endpoint.enabled) {
    await runtime.db
      .update(webhookDeliveries)
      .set({ status: 'failed', nextAttemptAt: null })
      .where(and(eq(webhookDeliveries.id, delivery.id), eq(webhookDeliveries.generation, job.generation)));
    return;
  }

  const at = runtime.clock.now();
  const secrets = [endpoint.secret];
  if (endpoint.previousSecret && endpoint.previousSecretExpiresAt && endpoint.previousSecretExpiresAt > at) {
    secrets.push(endpoint.previousSecret);
  }
  const headers = signedHeaders(secrets, delivery.messageId, at, delivery.body);
  const outcome = await postMessage(endpoint.url, { ...headers }, delivery.body, {
    allowPrivate: runtime.config.allowPrivateImportUrls,
  });

  await transaction(runtime, async (scope) => {
    const { tx } = scope;
    await tx.insert(webhookAttempts).values({
      deliveryId: delivery.id,
      attemptedAt: at,
      statusCode: outcome.statusCode,
      succeeded: outcome.ok,
      error: outcome.ok ? null : describeFailure(outcome),
      durationMs: outcome.durationMs,
      responseExcerpt: outcome.excerpt,
      manual: job.manual === true,
    });
    // Counted under the row lock: a redelivery racing this attempt sees a consistent count.
    const [counted] = await tx
      .update(webhookDeliveries)
      .set({
        attempts: sql`${webhookDeliveries.attempts} + 1`,
        lastAttemptAt: at,
        lastStatusCode: outcome.statusCode,
      })
      .where(eq(webhookDeliveries.id, delivery.id))
      .returning({ attempts: webhookDeliveries.attempts, generation: webhookDeliveries.generation });
    if (!counted) return;
    const current = counted.generation === job.generation;

    if (outcome.ok) {
      if (current) {
        await tx
          .update(webhookDeliveries)
          .set({ status: 'succeeded', nextAttemptAt: null })
          .where(eq(webhookDeliveries.id, delivery.id));
      }
      await tx
        .update(webhookEndpoints)
        .set({ failingSince: null })
        .where(eq(webhookEndpoints.id, endpoint.id));
      return;
    }

    const [failing] = await tx
      .update(webhookEndpoints)
      .set({
        failingSince: sql`coalesce(${webhookEndpoints.failingSince}, ${at.toISOString()}::timestamptz)`,
      })
      .where(eq(webhookEndpoints.id, endpoint.id))
      .returning({ failingSince: webhookEndpoints.failingSince });
    if (failing.failingSince && at.getTime() - failing.failingSince.getTime() >= DISABLE_AFTER_MS) {
      await disableFailingEndpoint(scope, endpoint.id, failing.failingSince, describeFailure(outcome));
      return;
    }
    if (!current) return;
    if (job.manual || counted.attempts >= MAX_ATTEMPTS) {
      await tx
        .update(webhookDeliveries)
        .set({ status: 'failed', nextAttemptAt: null })
        .where(eq(webhookDeliveries.id, delivery.id));
      return;
    }
    const delayMs = retryDelayMs(runtime.config.webhookRetryBaseMs, counted.attempts);
    await tx
      .update(webhookDeliveries)
      .set({ nextAttemptAt: new Date(at.getTime() + delayMs) })
      .where(eq(webhookDeliveries.id, delivery.id));
    await scope.enqueue(
      'webhook_delivery',
      { deliveryId: delivery.id, generation: job.generation },
      { startAfter: delayMs / 1000 },
    );
  });
}

/** Disables the endpoint (once: the update is conditional), settles its pending deliveries, emails the owner. */
async function disableFailingEndpoint(
  scope: TxScope,
  endpointId: number,
  failingSince: Date,
  lastError: string,
): Promise<void> {
  const { tx, now } = scope;
  const [disabled] = await tx
    .update(webhookEndpoints)
    .set({ enabled: false, disabledAt: now, disabledReason: 'failing', updatedAt: now })
    .where(and(eq(webhookEndpoints.id, endpointId), eq(webhookEndpoints.enabled, true)))
    .returning();
  if (!disabled) return;
  await tx
    .update(webhookDeliveries)
    .set({ status: 'failed', nextAttemptAt: null })
    .where(and(eq(webhookDeliveries.endpointId, endpointId), eq(webhookDeliveries.status, 'pending')));
  const [owner] = await tx
    .select({ email: users.email, firstName: users.firstName, language: users.preferredLanguage })
    .from(users)
    .where(eq(users.id, disabled.ownerId));
  await scope.enqueue(
    'send_email',
    endpointDisabledEmail(
      {
        id: disabled.id,
        url: disabled.url,
        description: disabled.description,
        failingSince,
        lastError,
      },
      owner,
    ),
  );
}
