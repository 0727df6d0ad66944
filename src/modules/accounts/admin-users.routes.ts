// /api/v2/admin/users: staff list, read and change accounts (role, block, unblock) and send the
// confirmation email again.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { User } from '../../db/schema/users.ts';
import { currentUser } from '../../http/auth.ts';
import {
  CursorQuery,
  IdParams,
  LimitQuery,
  Page,
  problemResponses,
  Timestamp,
} from '../../http/common-schemas.ts';
import { decodeIdCursor, pageJson } from '../../http/paging.ts';
import type { Runtime } from '../../runtime.ts';
import {
  changeUser,
  getUser,
  listUsers,
  resendConfirmationAsStaff,
  userState,
} from './admin-users.service.ts';

const staff = { roles: ['staff'] as const };
const tags = ['admin'];

const Role = Type.Union([Type.Literal('buyer'), Type.Literal('supplier'), Type.Literal('staff')]);
const State = Type.Union([Type.Literal('active'), Type.Literal('blocked'), Type.Literal('unconfirmed')], {
  description:
    '`active`: confirmed and not blocked; `blocked` by staff; `unconfirmed`: email not confirmed yet',
});
const NullableString = Type.Union([Type.String(), Type.Null()]);

const AdminUserSchema = Type.Object(
  {
    id: Type.Integer(),
    email: Type.String(),
    first_name: Type.String(),
    last_name: Type.String(),
    company: Type.String(),
    position: Type.String(),
    phone: NullableString,
    role: Role,
    state: State,
    blocked: Type.Boolean(),
    blocked_at: Type.Union([Timestamp, Type.Null()]),
    blocked_reason: NullableString,
    email_confirmed_at: Type.Union([Timestamp, Type.Null()]),
    preferred_language: Type.Union([Type.Literal('ru'), Type.Literal('en')]),
    created_at: Timestamp,
  },
  { additionalProperties: false },
);

const UserListQuery = Type.Object(
  {
    limit: Type.Optional(LimitQuery),
    cursor: Type.Optional(CursorQuery),
    q: Type.Optional(
      Type.String({ maxLength: 200, description: 'Part of the email, first or last name, or company' }),
    ),
    role: Type.Optional(Role),
    state: Type.Optional(State),
  },
  { additionalProperties: false },
);

const UserPatchBody = Type.Object(
  {
    role: Type.Optional(Role),
    blocked: Type.Optional(
      Type.Boolean({ description: 'true blocks (ends every session and API token at once), false unblocks' }),
    ),
    blocked_reason: Type.Optional(
      Type.Union([Type.String({ maxLength: 1000 }), Type.Null()], { description: 'Why it is blocked' }),
    ),
  },
  { additionalProperties: false, minProperties: 1 },
);

function presentUser(user: User) {
  return {
    id: user.id,
    email: user.email,
    first_name: user.firstName,
    last_name: user.lastName,
    company: user.company,
    position: user.position,
    phone: user.phone,
    role: user.role,
    state: userState(user),
    blocked: !user.isActive,
    blocked_at: user.blockedAt?.toISOString() ?? null,
    blocked_reason: user.blockedReason,
    email_confirmed_at: user.emailConfirmedAt?.toISOString() ?? null,
    preferred_language: user.preferredLanguage,
    created_at: user.createdAt.toISOString(),
  };
}

export function adminUsersRoutes(runtime: Runtime): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/api/v2/admin/users',
      {
        config: staff,
        schema: {
          tags,
          operationId: 'adminListUsers',
          summary: 'Accounts, newest first; search and filter by role and state',
          querystring: UserListQuery,
          response: { 200: Page(AdminUserSchema), ...problemResponses(400, 401, 403) },
        },
      },
      async (request) => {
        const q = request.query;
        const page = await listUsers(runtime.db, {
          q: q.q,
          role: q.role,
          state: q.state,
          limit: q.limit ?? 50,
          beforeId: decodeIdCursor(q.cursor, 'users'),
        });
        return pageJson({ nextCursor: page.nextCursor, items: page.items.map(presentUser) });
      },
    );

    app.get(
      '/api/v2/admin/users/:id',
      {
        config: staff,
        schema: {
          tags,
          operationId: 'adminGetUser',
          summary: 'One account',
          params: IdParams,
          response: { 200: AdminUserSchema, ...problemResponses(400, 401, 403, 404) },
        },
      },
      async (request) => presentUser(await getUser(runtime.db, request.params.id)),
    );

    app.patch(
      '/api/v2/admin/users/:id',
      {
        config: staff,
        schema: {
          tags,
          operationId: 'adminUpdateUser',
          summary: 'Change an account’s role, block or unblock it',
          description:
            'A blocked account cannot log in (403 `account_blocked`); its sessions and API tokens stop ' +
            'working at once (401 on the next request, on /api/v2 and /api/v1). Refused with 409 ' +
            '`cannot_block_self` for the caller’s own account and `last_staff` for the last active staff. ' +
            'Making an account a supplier gives it a shop when it has none. Every change is audited.',
          params: IdParams,
          body: UserPatchBody,
          response: { 200: AdminUserSchema, ...problemResponses(400, 401, 403, 404, 409) },
        },
      },
      async (request) => {
        const body = request.body;
        const user = await changeUser(runtime, currentUser(request).id, request.params.id, {
          role: body.role,
          blocked: body.blocked,
          blockedReason:
            body.blocked_reason?.trim() || (body.blocked_reason === undefined ? undefined : null),
        });
        return presentUser(user);
      },
    );

    app.post(
      '/api/v2/admin/users/:id/resend-confirmation',
      {
        config: staff,
        schema: {
          tags,
          operationId: 'adminResendConfirmation',
          summary: 'Send the confirmation email again to an unconfirmed account',
          description: '409 `email_already_confirmed` or `account_blocked` when there is nothing to confirm.',
          params: IdParams,
          response: { 204: Type.Null(), ...problemResponses(400, 401, 403, 404, 409) },
        },
      },
      async (request, reply) => {
        await resendConfirmationAsStaff(runtime, currentUser(request).id, request.params.id);
        return reply.code(204).send(null);
      },
    );
  };
}
