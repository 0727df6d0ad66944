// /api/v2/admin/payments: refunds to make and made, the provider notification log.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { type Static, Type } from 'typebox';
import { currentUser } from '../../http/auth.ts';
import { CursorQuery, IdParams, LimitQuery, Page, Timestamp } from '../../http/common-schemas.ts';
import type { Runtime } from '../../runtime.ts';
import { listNotifications } from './notifications.service.ts';
import { presentRefund, RefundSchema } from './payments.schemas.ts';
import { listRefunds, markRefundDone } from './refunds.service.ts';

const staff = { roles: ['staff'] as const };
const tags = ['admin', 'payments'];

const NotificationSchema = Type.Object({
  id: Type.Integer(),
  provider: Type.String(),
  event: Type.String(),
  provider_object_id: Type.String(),
  outcome: Type.String({
    description:
      'recorded, duplicate, canceled, not_final, refund_recorded, refund_failed, unknown, refused_amount_mismatch',
  }),
  detail: Type.String(),
  payload: Type.Unsafe<unknown>({ description: 'The notification as received' }),
  received_at: Timestamp,
});

export function adminPaymentRoutes(runtime: Runtime): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/api/v2/admin/payments/refunds',
      {
        config: staff,
        schema: {
          tags,
          operationId: 'adminListRefunds',
          summary: 'Refunds, newest first; `status=pending` lists the bank transfers to make',
          querystring: Type.Object(
            {
              status: Type.Optional(
                Type.Union([Type.Literal('pending'), Type.Literal('succeeded'), Type.Literal('failed')]),
              ),
              limit: Type.Optional(LimitQuery),
              cursor: Type.Optional(CursorQuery),
            },
            { additionalProperties: false },
          ),
          response: { 200: Page(RefundSchema) },
        },
      },
      async (request) => {
        const page = await listRefunds(runtime.db, {
          status: request.query.status,
          limit: request.query.limit ?? 50,
          cursor: request.query.cursor,
        });
        return { items: page.items.map(presentRefund), next_cursor: page.nextCursor };
      },
    );

    app.post(
      '/api/v2/admin/payments/refunds/:id/complete',
      {
        config: { ...staff, problems: [409] },
        schema: {
          tags,
          operationId: 'adminCompleteRefund',
          summary: 'Mark a bank refund sent (with the transfer’s payment order); the buyer is emailed',
          description:
            '409 `refund_not_manual` (card refunds go through the provider), `refund_not_pending`.',
          params: IdParams,
          body: Type.Object(
            {
              reference: Type.String({
                minLength: 1,
                maxLength: 200,
                description: 'e.g. «п/п № 77 от 04.12.2026»',
              }),
            },
            { additionalProperties: false },
          ),
          response: { 200: RefundSchema },
        },
      },
      async (request) =>
        presentRefund(
          await markRefundDone(runtime, currentUser(request).id, request.params.id, request.body.reference),
        ),
    );

    app.get(
      '/api/v2/admin/payments/notifications',
      {
        config: staff,
        schema: {
          tags,
          operationId: 'adminListPaymentNotifications',
          summary:
            'Provider notifications received and what became of them (refused ones included), newest first',
          querystring: Type.Object(
            {
              outcome: Type.Optional(Type.String({ maxLength: 40 })),
              limit: Type.Optional(LimitQuery),
              cursor: Type.Optional(CursorQuery),
            },
            { additionalProperties: false },
          ),
          response: { 200: Page(NotificationSchema) },
        },
      },
      async (request) => {
        const page = await listNotifications(runtime.db, {
          outcome: request.query.outcome,
          limit: request.query.limit ?? 50,
          cursor: request.query.cursor,
        });
        const items: Static<typeof NotificationSchema>[] = page.items.map((row) => ({
          id: row.id,
          provider: row.provider,
          event: row.event,
          provider_object_id: row.providerObjectId,
          outcome: row.outcome,
          detail: row.detail,
          payload: row.payload,
          received_at: row.receivedAt.toISOString(),
        }));
        return { items, next_cursor: page.nextCursor };
      },
    );
  };
}
