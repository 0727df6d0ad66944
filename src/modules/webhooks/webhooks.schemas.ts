// v2 shapes of webhooks: endpoints, the one-time secret, deliveries with their attempts, events.
import { type Static, Type } from 'typebox';
import type { WebhookAttempt, WebhookEndpoint } from '../../db/schema/webhooks.ts';
import { CursorQuery, LimitQuery, Page, Timestamp } from '../../http/common-schemas.ts';
import { WEBHOOK_EVENT_TYPES } from './events.ts';
import type { DeliveryWithAttempts } from './webhooks.service.ts';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) =>
  Type.Union([schema, Type.Null()]);

export const EventTypeSchema = Type.Union(
  [
    Type.Literal('order.placed'),
    Type.Literal('order.status_changed'),
    Type.Literal('import.finished'),
    Type.Literal('export.finished'),
    Type.Literal('payment.received'),
  ],
  { description: 'An event type; `GET /api/v2/webhooks/events` lists them' },
);

const DeliveryStatusSchema = Type.Union(
  [Type.Literal('pending'), Type.Literal('succeeded'), Type.Literal('failed')],
  {
    description: '`pending` (an attempt is due at `next_attempt_at`), `succeeded`, `failed`',
  },
);

const Url = Type.String({
  minLength: 1,
  maxLength: 2000,
  description: 'Where messages are POSTed: http(s), not an internal address',
  examples: ['https://erp.example.com/zakupka/webhooks'],
});
const Events = Type.Array(EventTypeSchema, { minItems: 1, maxItems: WEBHOOK_EVENT_TYPES.length });
const Description = Type.String({ maxLength: 500, description: 'What the endpoint is for (free text)' });

export const CreateWebhookBody = Type.Object(
  { url: Url, events: Events, description: Type.Optional(Description) },
  { additionalProperties: false },
);

export const PatchWebhookBody = Type.Object(
  {
    url: Type.Optional(Url),
    events: Type.Optional(Events),
    description: Type.Optional(Description),
    enabled: Type.Optional(
      Type.Boolean({ description: '`true` re-enables (also after failures), `false` pauses it' }),
    ),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const WebhookSchema = Type.Object({
  id: Type.Integer(),
  url: Type.String(),
  events: Type.Array(EventTypeSchema),
  description: Type.String(),
  enabled: Type.Boolean(),
  disabled_at: Nullable(Timestamp),
  disabled_reason: Nullable(
    Type.Union([Type.Literal('failing'), Type.Literal('owner')], {
      description: '`failing`: every attempt failed for 24 hours; `owner`: paused by its owner',
    }),
  ),
  failing_since: Nullable(Timestamp),
  previous_secret_expires_at: Nullable(Timestamp),
  created_at: Timestamp,
  updated_at: Timestamp,
});

export const WebhookWithSecretSchema = Type.Object({
  ...WebhookSchema.properties,
  secret: Type.String({
    description: 'The signing secret (`whsec_…`): shown only in this answer; keep it',
  }),
});

export const WebhookListSchema = Page(WebhookSchema);

export const AttemptSchema = Type.Object({
  id: Type.Integer(),
  attempted_at: Timestamp,
  status_code: Nullable(Type.Integer({ description: 'The receiver’s HTTP status; null without an answer' })),
  succeeded: Type.Boolean(),
  error: Nullable(
    Type.String({ description: '`HTTP 500`, `timeout`, `connection_failed`, `url_not_allowed`, …' }),
  ),
  duration_ms: Type.Integer(),
  response_excerpt: Type.String({ description: 'The start of the receiver’s answer (1 KB at most)' }),
  manual: Type.Boolean({ description: 'Sent by a redelivery' }),
});

export const DeliverySchema = Type.Object({
  id: Type.Integer(),
  message_id: Type.String({ description: 'The `webhook-id` header: the same on every attempt' }),
  event_type: EventTypeSchema,
  status: DeliveryStatusSchema,
  attempts: Type.Integer(),
  next_attempt_at: Nullable(Timestamp),
  last_attempt_at: Nullable(Timestamp),
  last_status_code: Nullable(Type.Integer()),
  created_at: Timestamp,
  payload: Type.Unknown({ description: 'The message body as sent: `{type, timestamp, data}`' }),
  attempt_log: Type.Array(AttemptSchema),
});

export const DeliveryPage = Page(DeliverySchema);

export const DeliveryListQuery = Type.Object(
  {
    limit: Type.Optional(LimitQuery),
    cursor: Type.Optional(CursorQuery),
    status: Type.Optional(DeliveryStatusSchema),
  },
  { additionalProperties: false },
);

export const DeliveryParams = Type.Object({
  id: Type.Integer({ minimum: 1, maximum: 2_147_483_647 }),
  delivery_id: Type.Integer({ minimum: 1, maximum: 2_147_483_647 }),
});

export const EventCatalogueSchema = Type.Object({
  items: Type.Array(
    Type.Object({
      type: EventTypeSchema,
      description: Type.String(),
      roles: Type.Array(Type.String(), { description: 'Roles whose endpoints may subscribe' }),
      reserved: Type.Boolean({ description: 'Defined but not sent yet' }),
    }),
  ),
});

const iso = (date: Date | null) => (date ? date.toISOString() : null);

export function presentWebhook(row: WebhookEndpoint): Static<typeof WebhookSchema> {
  return {
    id: row.id,
    url: row.url,
    events: row.events as Static<typeof WebhookSchema>['events'],
    description: row.description,
    enabled: row.enabled,
    disabled_at: iso(row.disabledAt),
    disabled_reason: row.disabledReason as 'failing' | 'owner' | null,
    failing_since: iso(row.failingSince),
    previous_secret_expires_at: iso(row.previousSecretExpiresAt),
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}

function presentAttempt(row: WebhookAttempt): Static<typeof AttemptSchema> {
  return {
    id: row.id,
    attempted_at: row.attemptedAt.toISOString(),
    status_code: row.statusCode,
    succeeded: row.succeeded,
    error: row.error,
    duration_ms: row.durationMs,
    response_excerpt: row.responseExcerpt,
    manual: row.manual,
  };
}

export function presentDelivery(row: DeliveryWithAttempts): Static<typeof DeliverySchema> {
  return {
    id: row.id,
    message_id: row.messageId,
    event_type: row.eventType as Static<typeof EventTypeSchema>,
    status: row.status,
    attempts: row.attempts,
    next_attempt_at: iso(row.nextAttemptAt),
    last_attempt_at: iso(row.lastAttemptAt),
    last_status_code: row.lastStatusCode,
    created_at: row.createdAt.toISOString(),
    payload: JSON.parse(row.body),
    attempt_log: row.attemptLog.map(presentAttempt),
  };
}
