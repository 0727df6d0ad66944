// /api/v2/me: the signed-in account — profile with billing details, password, email, API tokens,
// contacts.
// Everything here acts on the caller's own records; other people's are "not found".
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { currentUser } from '../../http/auth.ts';
import { IdParams, problemResponses } from '../../http/common-schemas.ts';
import type { Runtime } from '../../runtime.ts';
import {
  ApiTokenSchema,
  apiTokenJson,
  ChangeEmailBody,
  ChangePasswordBody,
  ContactSchema,
  CreateApiTokenBody,
  CreateContactBody,
  CreatedApiTokenSchema,
  contactJson,
  EmailChangeRequestedSchema,
  PatchContactBody,
  ProfilePatchBody,
  ProfileSchema,
  profileJson,
} from './accounts.schemas.ts';
import {
  assertLoginSession,
  createApiToken,
  deleteApiToken,
  listApiTokens,
  MAX_API_TOKENS,
} from './api-tokens.service.ts';
import {
  createContact,
  deleteContact,
  getContact,
  listContacts,
  MAX_CONTACTS,
  updateContact,
} from './contacts.service.ts';
import { EMAIL_CHANGE_TTL_HOURS, requestEmailChange } from './email-change.service.ts';
import { changePassword } from './passwords.service.ts';
import { getProfile, updateProfile } from './profile.service.ts';

const NoContent = Type.Null({ description: 'Done' });
const anyAccount = { roles: 'authenticated' as const };

export function meRoutes(runtime: Runtime): FastifyPluginAsyncTypebox {
  return async (app) => {
    // ---------- profile ----------
    app.get(
      '/api/v2/me',
      {
        config: anyAccount,
        schema: {
          tags: ['profile'],
          operationId: 'getMe',
          summary: 'My profile and billing details',
          response: { 200: ProfileSchema, ...problemResponses(401) },
        },
      },
      async (request) => profileJson(await getProfile(runtime.db, currentUser(request).id)),
    );

    app.patch(
      '/api/v2/me',
      {
        config: anyAccount,
        schema: {
          tags: ['profile'],
          operationId: 'updateMe',
          summary: 'Change my profile and billing details',
          description:
            'Only the fields given change. Billing details are checked as they will be stored: INN ' +
            '(10 or 12 digits) and OGRN/OGRNIP by their check digits, KPP by format, BIK (9 digits), ' +
            "the settlement account against the BIK's last 3 digits and the correspondent account " +
            'against its 5th–6th digits (Bank of Russia key). Each problem is a field error.',
          body: ProfilePatchBody,
          response: { 200: ProfileSchema, ...problemResponses(400, 401) },
        },
      },
      async (request) => {
        const { body } = request;
        const billing = body.billing_details;
        const user = await updateProfile(runtime, currentUser(request).id, {
          firstName: body.first_name,
          lastName: body.last_name,
          company: body.company,
          position: body.position,
          phone: body.phone,
          preferredLanguage: body.preferred_language,
          billingDetails: billing && {
            legalName: billing.legal_name,
            inn: billing.inn,
            kpp: billing.kpp,
            ogrn: billing.ogrn,
            bankBik: billing.bank_bik,
            settlementAccount: billing.settlement_account,
            correspondentAccount: billing.correspondent_account,
          },
        });
        return profileJson(user);
      },
    );

    app.post(
      '/api/v2/me/password',
      {
        config: anyAccount,
        schema: {
          tags: ['profile'],
          operationId: 'changeMyPassword',
          summary: 'Change my password',
          description:
            'Needs the current password (wrong guesses are throttled like failed logins). Signs out ' +
            'my other sessions; a password-changed email is sent.',
          body: ChangePasswordBody,
          response: { 204: NoContent, ...problemResponses(400, 401, 429) },
        },
      },
      async (request, reply) => {
        await changePassword(runtime, currentUser(request), {
          currentPassword: request.body.current_password,
          newPassword: request.body.new_password,
        });
        return reply.status(204).send(null);
      },
    );

    app.post(
      '/api/v2/me/email',
      {
        config: anyAccount,
        schema: {
          tags: ['profile'],
          operationId: 'changeMyEmail',
          summary: 'Change my email: send a confirmation link to the new address',
          description:
            'Needs a login session and the current password (a wrong one: 400 `validation_failed` on ' +
            '`body.password`, throttled like failed logins). The new address is trimmed and ' +
            'lower-cased; refused: a malformed one (400), my own (400 `email_unchanged`), one another ' +
            `account uses (409 \`email_taken\`). The new address gets a link and token (single-use, ${EMAIL_CHANGE_TTL_HOURS} h; ` +
            'a new request replaces it, a new password cancels it), the current one a notice. Nothing ' +
            'changes until the token comes back to POST /api/v2/auth/confirm-email-change. ' +
            'Rate-limited per account (429).',
          body: ChangeEmailBody,
          response: { 202: EmailChangeRequestedSchema, ...problemResponses(400, 401, 403, 409, 429) },
        },
      },
      async (request, reply) => {
        const caller = currentUser(request);
        assertLoginSession(caller, {
          ru: 'Сменить email можно только после входа по паролю, не с API-токеном',
          en: 'The email is changed from a password login session, not with an API token',
        });
        const { newEmail } = await requestEmailChange(runtime, caller.id, {
          newEmail: request.body.new_email,
          field: 'body.new_email',
          password: { value: request.body.password, field: 'body.password' },
        });
        return reply.status(202).send({ status: 'confirmation_sent' as const, new_email: newEmail });
      },
    );

    // ---------- API tokens ----------
    app.get(
      '/api/v2/me/api-tokens',
      {
        config: anyAccount,
        schema: {
          tags: ['api-tokens'],
          operationId: 'listApiTokens',
          summary: 'My API tokens (without the secrets)',
          description: `At most ${MAX_API_TOKENS} per account.`,
          response: {
            200: Type.Object({ items: Type.Array(ApiTokenSchema) }),
            ...problemResponses(401, 403),
          },
        },
      },
      async (request) => {
        const caller = currentUser(request);
        assertLoginSession(caller);
        return { items: (await listApiTokens(runtime.db, caller.id)).map(apiTokenJson) };
      },
    );

    app.post(
      '/api/v2/me/api-tokens',
      {
        config: anyAccount,
        schema: {
          tags: ['api-tokens'],
          operationId: 'createApiToken',
          summary: 'Create an API token for an integration',
          description:
            'The answer carries the token (`zk_…`) once; only its hash is kept. Send it as ' +
            '`Authorization: Bearer zk_…` or `Authorization: Token zk_…`. Tokens are managed from a ' +
            'login session (JWT), not with another API token.',
          body: CreateApiTokenBody,
          response: { 201: CreatedApiTokenSchema, ...problemResponses(400, 401, 403, 409) },
        },
      },
      async (request, reply) => {
        const caller = currentUser(request);
        assertLoginSession(caller);
        const expiresAt = request.body.expires_at ? new Date(request.body.expires_at) : null;
        const created = await createApiToken(runtime, caller.id, { name: request.body.name, expiresAt });
        return reply.status(201).send({ ...apiTokenJson(created), token: created.token });
      },
    );

    app.delete(
      '/api/v2/me/api-tokens/:id',
      {
        config: anyAccount,
        schema: {
          tags: ['api-tokens'],
          operationId: 'deleteApiToken',
          summary: 'Delete (revoke) one of my API tokens',
          params: IdParams,
          response: { 204: NoContent, ...problemResponses(401, 403, 404) },
        },
      },
      async (request, reply) => {
        const caller = currentUser(request);
        assertLoginSession(caller);
        await deleteApiToken(runtime, caller.id, request.params.id);
        return reply.status(204).send(null);
      },
    );

    // ---------- contacts ----------
    const contactTags = ['contacts'];

    app.get(
      '/api/v2/me/contacts',
      {
        config: anyAccount,
        schema: {
          tags: contactTags,
          operationId: 'listContacts',
          summary: 'My delivery addresses',
          description: `At most ${MAX_CONTACTS} per account, so the list is never paged.`,
          response: {
            200: Type.Object({
              items: Type.Array(ContactSchema),
              limit: Type.Integer({ examples: [MAX_CONTACTS] }),
            }),
            ...problemResponses(401),
          },
        },
      },
      async (request) => ({
        items: (await listContacts(runtime.db, currentUser(request).id)).map(contactJson),
        limit: MAX_CONTACTS,
      }),
    );

    app.post(
      '/api/v2/me/contacts',
      {
        config: anyAccount,
        schema: {
          tags: contactTags,
          operationId: 'createContact',
          summary: 'Add a delivery address',
          description: `city, street and phone are required. A ${MAX_CONTACTS + 1}th address gets 409 \`contacts_limit_reached\`.`,
          body: CreateContactBody,
          response: { 201: ContactSchema, ...problemResponses(400, 401, 409) },
        },
      },
      async (request, reply) => {
        const { body } = request;
        const contact = await createContact(runtime, currentUser(request).id, {
          city: body.city,
          street: body.street,
          phone: body.phone,
          house: body.house,
          structure: body.structure,
          building: body.building,
          apartment: body.apartment,
          recipientName: body.recipient_name,
          comment: body.comment,
        });
        return reply.status(201).send(contactJson(contact));
      },
    );

    app.get(
      '/api/v2/me/contacts/:id',
      {
        config: anyAccount,
        schema: {
          tags: contactTags,
          operationId: 'getContact',
          summary: 'One of my delivery addresses',
          params: IdParams,
          response: { 200: ContactSchema, ...problemResponses(401, 404) },
        },
      },
      async (request) =>
        contactJson(await getContact(runtime.db, currentUser(request).id, request.params.id)),
    );

    app.patch(
      '/api/v2/me/contacts/:id',
      {
        config: anyAccount,
        schema: {
          tags: contactTags,
          operationId: 'updateContact',
          summary: 'Change one of my delivery addresses',
          params: IdParams,
          body: PatchContactBody,
          response: { 200: ContactSchema, ...problemResponses(400, 401, 404) },
        },
      },
      async (request) => {
        const { body } = request;
        const contact = await updateContact(runtime, currentUser(request).id, request.params.id, {
          city: body.city,
          street: body.street,
          phone: body.phone,
          house: body.house,
          structure: body.structure,
          building: body.building,
          apartment: body.apartment,
          recipientName: body.recipient_name,
          comment: body.comment,
        });
        return contactJson(contact);
      },
    );

    app.delete(
      '/api/v2/me/contacts/:id',
      {
        config: anyAccount,
        schema: {
          tags: contactTags,
          operationId: 'deleteContact',
          summary: 'Delete one of my delivery addresses',
          description: 'Orders already placed keep their snapshotted address.',
          params: IdParams,
          response: { 204: NoContent, ...problemResponses(401, 404) },
        },
      },
      async (request, reply) => {
        await deleteContact(runtime, currentUser(request).id, request.params.id);
        return reply.status(204).send(null);
      },
    );
  };
}
