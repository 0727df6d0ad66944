// /api/v2/admin/audit: the audit trail for staff, newest first.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { CursorQuery, LimitQuery, Page, problemResponses, Timestamp } from '../../http/common-schemas.ts';
import { validationError } from '../../http/errors.ts';
import { decodeIdCursor, pageJson } from '../../http/paging.ts';
import type { Runtime } from '../../runtime.ts';
import { listAudit } from './audit.service.ts';

const AuditEventSchema = Type.Object(
  {
    id: Type.Integer(),
    actor_id: Type.Union([Type.Integer(), Type.Null()], { description: 'The staff member who acted' }),
    kind: Type.String({ examples: ['order.status_changed', 'user.blocked', 'offer.hidden'] }),
    object_type: Type.String({ examples: ['order', 'order_part', 'user', 'offer', 'product', 'shop'] }),
    object_id: Type.String(),
    before: Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()]),
    after: Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()]),
    note: Type.Union([Type.String(), Type.Null()]),
    created_at: Timestamp,
  },
  { additionalProperties: false },
);

const AuditQuery = Type.Object(
  {
    limit: Type.Optional(LimitQuery),
    cursor: Type.Optional(CursorQuery),
    actor_id: Type.Optional(Type.Integer({ minimum: 1, maximum: 2_147_483_647 })),
    kind: Type.Optional(Type.String({ maxLength: 100 })),
    object_type: Type.Optional(Type.String({ maxLength: 100 })),
    object_id: Type.Optional(Type.String({ maxLength: 100 })),
    from: Type.Optional(Type.String({ format: 'date-time', description: 'Inclusive' })),
    to: Type.Optional(Type.String({ format: 'date-time', description: 'Exclusive' })),
  },
  { additionalProperties: false },
);

function instant(value: string | undefined, field: string): Date | undefined {
  if (value === undefined) return undefined;
  const at = new Date(value);
  if (Number.isNaN(at.getTime())) {
    throw validationError([{ field, message: { ru: 'Неверная дата', en: 'Invalid date' } }]);
  }
  return at;
}

export function auditRoutes(runtime: Runtime): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/api/v2/admin/audit',
      {
        config: { roles: ['staff'] },
        schema: {
          tags: ['admin'],
          operationId: 'adminListAudit',
          summary: 'The audit trail of staff actions, newest first',
          description:
            'Every staff action (order and part state changes, role changes, blocks, moderation, ' +
            'promotions and coupons, catalog curation, shop changes, imports started) with who, when, ' +
            'the values before and after. Filter by `actor_id`, `kind`, `object_type` + `object_id`, ' +
            'and the time range `from` (inclusive) – `to` (exclusive).',
          querystring: AuditQuery,
          response: { 200: Page(AuditEventSchema), ...problemResponses(400, 401, 403) },
        },
      },
      async (request) => {
        const q = request.query;
        const page = await listAudit(runtime.db, {
          actorId: q.actor_id,
          kind: q.kind,
          objectType: q.object_type,
          objectId: q.object_id,
          from: instant(q.from, 'query.from'),
          to: instant(q.to, 'query.to'),
          afterId: decodeIdCursor(q.cursor, 'audit'),
          limit: q.limit ?? 50,
        });
        return pageJson({
          nextCursor: page.nextCursor,
          items: page.items.map((event) => ({
            id: event.id,
            actor_id: event.actorId,
            kind: event.kind,
            object_type: event.objectType,
            object_id: event.objectId,
            before: event.before,
            after: event.after,
            note: event.note,
            created_at: event.createdAt.toISOString(),
          })),
        });
      },
    );
  };
}
