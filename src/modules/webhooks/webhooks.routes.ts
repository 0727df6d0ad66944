// /api/v2/webhooks: the caller's endpoints, their one-time secrets, the delivery log, redelivery.
// Another account's endpoint is "not found".
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { currentUser } from '../../http/auth.ts';
import { IdParams } from '../../http/common-schemas.ts';
import { requestLanguage } from '../../http/error-handler.ts';
import { validationError } from '../../http/errors.ts';
import { localize } from '../../lib/i18n.ts';
import type { Runtime } from '../../runtime.ts';
import { WEBHOOK_EVENTS } from './events.ts';
import {
  CreateWebhookBody,
  DeliveryListQuery,
  DeliveryPage,
  DeliveryParams,
  DeliverySchema,
  EventCatalogueSchema,
  PatchWebhookBody,
  presentDelivery,
  presentWebhook,
  WebhookListSchema,
  WebhookSchema,
  WebhookWithSecretSchema,
} from './webhooks.schemas.ts';
import {
  createEndpoint,
  deleteEndpoint,
  getEndpoint,
  listDeliveries,
  listEndpoints,
  MAX_ENDPOINTS,
  redeliver,
  rotateSecret,
  updateEndpoint,
} from './webhooks.service.ts';

const anyAccount = { roles: 'authenticated' as const };
const tags = ['webhooks'];

const SIGNING =
  'Each message is a POST with a JSON body `{type, timestamp, data}` and the Standard Webhooks headers ' +
  '`webhook-id`, `webhook-timestamp` and `webhook-signature` (`v1,` + base64 HMAC-SHA256 of ' +
  '`id.timestamp.body` keyed with the secret after `whsec_`). Answer 2xx within 10 s; anything else is ' +
  'retried with exponential backoff for about 24 hours, and an endpoint failing for 24 hours is disabled.';

function decodeCursor(cursor: string | undefined): number | undefined {
  if (cursor === undefined) return undefined;
  const id = Number(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!Number.isInteger(id) || id < 1) {
    throw validationError([
      { field: 'query.cursor', message: { ru: 'неверный курсор', en: 'invalid cursor' } },
    ]);
  }
  return id;
}

export function webhooksRoutes(runtime: Runtime): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/api/v2/webhooks/events',
      {
        config: anyAccount,
        schema: {
          tags,
          operationId: 'listWebhookEvents',
          summary: 'The events a webhook can subscribe to',
          response: { 200: EventCatalogueSchema },
        },
      },
      async (request) => {
        const language = requestLanguage(request);
        return {
          items: WEBHOOK_EVENTS.map((event) => ({
            type: event.type,
            description: localize(event.description, language),
            roles: [...event.roles],
            reserved: event.reserved,
          })),
        };
      },
    );

    app.post(
      '/api/v2/webhooks',
      {
        config: { ...anyAccount, problems: [409, 422] },
        schema: {
          tags,
          operationId: 'createWebhook',
          summary: 'Register an endpoint for events; the answer carries its signing secret, once',
          description: `${SIGNING} At most ${MAX_ENDPOINTS} endpoints per account.`,
          body: CreateWebhookBody,
          response: { 201: WebhookWithSecretSchema },
        },
      },
      async (request, reply) => {
        const row = await createEndpoint(runtime, currentUser(request).id, request.body);
        return reply
          .status(201)
          .header('location', `/api/v2/webhooks/${row.id}`)
          .send({ ...presentWebhook(row), secret: row.secret });
      },
    );

    app.get(
      '/api/v2/webhooks',
      {
        config: anyAccount,
        schema: {
          tags,
          operationId: 'listWebhooks',
          summary: 'My webhook endpoints (without their secrets)',
          description: `At most ${MAX_ENDPOINTS}, so always one page.`,
          response: { 200: WebhookListSchema },
        },
      },
      async (request) => ({
        items: (await listEndpoints(runtime.db, currentUser(request).id)).map(presentWebhook),
        next_cursor: null,
      }),
    );

    app.get(
      '/api/v2/webhooks/:id',
      {
        config: anyAccount,
        schema: {
          tags,
          operationId: 'getWebhook',
          summary: 'One of my webhook endpoints',
          params: IdParams,
          response: { 200: WebhookSchema },
        },
      },
      async (request) =>
        presentWebhook(await getEndpoint(runtime.db, currentUser(request).id, request.params.id)),
    );

    app.patch(
      '/api/v2/webhooks/:id',
      {
        config: { ...anyAccount, problems: [422] },
        schema: {
          tags,
          operationId: 'updateWebhook',
          summary: 'Change an endpoint’s URL, events or description; pause or re-enable it',
          params: IdParams,
          body: PatchWebhookBody,
          response: { 200: WebhookSchema },
        },
      },
      async (request) =>
        presentWebhook(
          await updateEndpoint(runtime, currentUser(request).id, request.params.id, request.body),
        ),
    );

    app.delete(
      '/api/v2/webhooks/:id',
      {
        config: anyAccount,
        schema: {
          tags,
          operationId: 'deleteWebhook',
          summary: 'Delete an endpoint and its delivery log',
          params: IdParams,
          response: { 204: Type.Null({ description: 'Deleted' }) },
        },
      },
      async (request, reply) => {
        await deleteEndpoint(runtime, currentUser(request).id, request.params.id);
        return reply.status(204).send(null);
      },
    );

    app.post(
      '/api/v2/webhooks/:id/rotate-secret',
      {
        config: anyAccount,
        schema: {
          tags,
          operationId: 'rotateWebhookSecret',
          summary: 'Replace the signing secret; the answer carries the new one, once',
          description:
            'For 24 hours (`previous_secret_expires_at`) messages carry two signatures, one by each ' +
            'secret, so the receiver can switch to the new secret without losing a message.',
          params: IdParams,
          response: { 200: WebhookWithSecretSchema },
        },
      },
      async (request) => {
        const row = await rotateSecret(runtime, currentUser(request).id, request.params.id);
        return { ...presentWebhook(row), secret: row.secret };
      },
    );

    app.get(
      '/api/v2/webhooks/:id/deliveries',
      {
        config: anyAccount,
        schema: {
          tags,
          operationId: 'listWebhookDeliveries',
          summary: 'The delivery log: messages, newest first, each with every attempt',
          params: IdParams,
          querystring: DeliveryListQuery,
          response: { 200: DeliveryPage },
        },
      },
      async (request) => {
        const { limit = 50, cursor, status } = request.query;
        const page = await listDeliveries(runtime.db, currentUser(request).id, request.params.id, {
          limit,
          beforeId: decodeCursor(cursor),
          status,
        });
        return {
          items: page.items.map(presentDelivery),
          next_cursor:
            page.nextBeforeId === null ? null : Buffer.from(String(page.nextBeforeId)).toString('base64url'),
        };
      },
    );

    app.post(
      '/api/v2/webhooks/:id/deliveries/:delivery_id/redeliver',
      {
        config: { ...anyAccount, problems: [409] },
        schema: {
          tags,
          operationId: 'redeliverWebhookMessage',
          summary: 'Send a message again now (same webhook-id and body, new timestamp and signature)',
          params: DeliveryParams,
          response: { 202: DeliverySchema },
        },
      },
      async (request, reply) => {
        const caller = currentUser(request);
        const { id, delivery_id: deliveryId } = request.params;
        await redeliver(runtime, caller.id, id, deliveryId);
        const page = await listDeliveries(runtime.db, caller.id, id, { limit: 1, beforeId: deliveryId + 1 });
        return reply.status(202).send(presentDelivery(page.items[0]));
      },
    );
  };
}
