// API v1 accounts: registration, confirmation, login (a long-lived API token), details, password
// reset, contacts — on the accounts services v2 uses.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { createLoginApiToken } from '../modules/accounts/api-tokens.service.ts';
import {
  type ContactInput,
  createContact,
  deleteContacts,
  listContacts,
  updateContact,
} from '../modules/accounts/contacts.service.ts';
import { checkNewEmail, requestEmailChange } from '../modules/accounts/email-change.service.ts';
import { passwordFieldErrors } from '../modules/accounts/password-rules.ts';
import {
  confirmPasswordReset,
  requestPasswordReset,
  setPasswordWithoutCurrent,
} from '../modules/accounts/passwords.service.ts';
import { getProfile, type ProfilePatch, updateProfile } from '../modules/accounts/profile.service.ts';
import { confirmEmail, register } from '../modules/accounts/registration.service.ts';
import { authenticate } from '../modules/accounts/sessions.service.ts';
import type { Runtime } from '../runtime.ts';
import {
  ConfirmBody,
  ContactCreateBody,
  ContactSchema,
  ContactUpdateBody,
  DeletedSchema,
  DetailsBody,
  EmailBody,
  IdsBody,
  LoginBody,
  okOr,
  protectedResponses,
  RegisterBody,
  ResetConfirmBody,
  transportResponses,
  UserDetailsSchema,
  V1_CONSUMES,
  V1OkSchema,
} from './schemas.ts';
import { contactJson, userDetailsJson } from './shapes.ts';
import {
  bodyOf,
  caller,
  failure,
  hasAll,
  idList,
  isRefusal,
  MISSING_ARGUMENTS,
  say,
  text,
  toId,
  v1Access,
  WRONG_ARGUMENTS,
} from './transport.ts';

const tags = ['v1'];
const security = [{ token: [] }];
const anyAccount = v1Access('authenticated');

const ResetOkSchema = Type.Object({ status: Type.Literal('OK') });
const TokenSchema = Type.Object({
  Status: Type.Literal(true),
  Token: Type.String({ description: 'Send as `Authorization: Token <key>`' }),
});

const CONTACT_FIELDS = ['city', 'street', 'house', 'structure', 'building', 'apartment', 'phone'] as const;

export function accountsV1Routes(runtime: Runtime): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.post(
      '/user/register',
      {
        attachValidation: true,
        schema: {
          tags,
          operationId: 'v1Register',
          summary: 'Register (inactive until the emailed token is confirmed)',
          description:
            '`type`: `buyer` (default) or `shop` (a supplier; its shop is created, named after the company). ' +
            'Password problems come as `{"Errors": {"password": [...]}}`.',
          consumes: V1_CONSUMES,
          body: RegisterBody,
          response: { 200: okOr(V1OkSchema), ...transportResponses },
        },
      },
      async (request) => {
        const body = bodyOf(request);
        if (!hasAll(body, ['first_name', 'last_name', 'email', 'password', 'company', 'position'])) {
          return failure(MISSING_ARGUMENTS);
        }
        const type = text(body, 'type') ?? 'buyer';
        if (type !== 'buyer' && type !== 'shop') {
          return failure({
            type: [
              say(request, { ru: 'Допустимые значения: buyer, shop', en: 'Allowed values: buyer, shop' }),
            ],
          });
        }
        await register(
          runtime,
          {
            email: text(body, 'email') ?? '',
            password: text(body, 'password') ?? '',
            firstName: text(body, 'first_name') ?? '',
            lastName: text(body, 'last_name') ?? '',
            company: text(body, 'company') ?? '',
            position: text(body, 'position') ?? '',
            type: type === 'shop' ? 'supplier' : 'buyer',
          },
          request.ip,
        );
        return { Status: true as const };
      },
    );

    app.post(
      '/user/register/confirm',
      {
        attachValidation: true,
        schema: {
          tags,
          operationId: 'v1ConfirmRegistration',
          summary: 'Confirm the email with the token from the email',
          consumes: V1_CONSUMES,
          body: ConfirmBody,
          response: { 200: okOr(V1OkSchema), ...transportResponses },
        },
      },
      async (request) => {
        const body = bodyOf(request);
        if (!hasAll(body, ['email', 'token'])) return failure(MISSING_ARGUMENTS);
        try {
          await confirmEmail(runtime, { email: text(body, 'email') ?? '', token: text(body, 'token') ?? '' });
        } catch (error) {
          if (isRefusal(error, 'invalid_token')) return failure('Неправильно указан токен или email');
          throw error;
        }
        return { Status: true as const };
      },
    );

    app.post(
      '/user/login',
      {
        attachValidation: true,
        schema: {
          tags,
          operationId: 'v1Login',
          summary: 'Log in: a long-lived API token',
          description:
            'The token stays valid until deleted (see /api/v2/me/api-tokens); each login issues a new one ' +
            'and an account keeps its 10 latest login tokens.',
          consumes: V1_CONSUMES,
          body: LoginBody,
          response: { 200: okOr(TokenSchema), ...transportResponses },
        },
      },
      async (request) => {
        const body = bodyOf(request);
        if (!hasAll(body, ['email', 'password'])) return failure(MISSING_ARGUMENTS);
        let userId: number;
        try {
          const user = await authenticate(
            runtime,
            { email: text(body, 'email') ?? '', password: text(body, 'password') ?? '' },
            request.ip,
          );
          userId = user.id;
        } catch (error) {
          // Unknown, wrong password, unconfirmed or blocked: the reference tells them apart no more.
          if (isRefusal(error, 'invalid_credentials', 'email_not_confirmed', 'account_blocked')) {
            return failure('Не удалось авторизовать');
          }
          throw error;
        }
        const created = await createLoginApiToken(runtime, userId);
        return { Status: true as const, Token: created.token };
      },
    );

    app.get(
      '/user/details',
      {
        onRequest: anyAccount,
        schema: {
          tags,
          security,
          operationId: 'v1GetUserDetails',
          summary: 'My account and contacts',
          response: { 200: UserDetailsSchema, ...protectedResponses },
        },
      },
      async (request) => {
        const { id } = caller(request);
        const [user, contacts] = await Promise.all([
          getProfile(runtime.db, id),
          listContacts(runtime.db, id),
        ]);
        return userDetailsJson(user, contacts);
      },
    );

    app.post(
      '/user/details',
      {
        onRequest: anyAccount,
        attachValidation: true,
        schema: {
          tags,
          security,
          operationId: 'v1UpdateUserDetails',
          summary: 'Change my account (password and email included)',
          description:
            'A new password is checked as at registration and signs out every login session. A ' +
            'different `email` is not changed at once: a confirmation link (and token) goes to the new ' +
            'address and a notice to the current one, as POST /api/v2/me/email does (no password ' +
            'needed here: the token authenticates, as in the reference); the address changes when the ' +
            'link is followed (or the token is sent to POST /api/v2/auth/confirm-email-change). A ' +
            'malformed address or one another account uses: `{"Errors": {"email": [...]}}`. Every ' +
            'field is checked before anything changes.',
          consumes: V1_CONSUMES,
          body: DetailsBody,
          response: { 200: okOr(V1OkSchema), ...protectedResponses },
        },
      },
      async (request) => {
        const body = bodyOf(request);
        const { id } = caller(request);
        const current = await getProfile(runtime.db, id);
        const patch: ProfilePatch = {
          firstName: text(body, 'first_name'),
          lastName: text(body, 'last_name'),
          company: text(body, 'company'),
          position: text(body, 'position'),
        };
        // The account's own address (in any case, with spaces) is no change, as in the reference.
        let newEmail = text(body, 'email');
        if (newEmail !== undefined) {
          try {
            await checkNewEmail(runtime.db, current, newEmail, 'email');
          } catch (error) {
            if (!isRefusal(error, 'email_unchanged')) throw error;
            newEmail = undefined;
          }
        }
        const password = text(body, 'password');
        if (password !== undefined) {
          // The rules first, against the names as they are about to be, so that nothing changes when
          // the password is refused.
          const problems = passwordFieldErrors('password', password, {
            email: current.email,
            firstName: patch.firstName ?? current.firstName,
            lastName: patch.lastName ?? current.lastName,
          });
          if (problems.length)
            return failure({ password: problems.map((item) => say(request, item.message)) });
        }
        if (Object.values(patch).some((value) => value !== undefined))
          await updateProfile(runtime, id, patch);
        if (password !== undefined) await setPasswordWithoutCurrent(runtime, id, password);
        // Last: a new password cancels a pending email change, and this one is meant to stay.
        if (newEmail !== undefined) await requestEmailChange(runtime, id, { newEmail, field: 'email' });
        return { Status: true as const };
      },
    );

    app.post(
      '/user/password_reset',
      {
        attachValidation: true,
        schema: {
          tags,
          operationId: 'v1RequestPasswordReset',
          summary: 'Email a password reset token',
          description: 'The same answer whether or not the address has an account.',
          consumes: V1_CONSUMES,
          body: EmailBody,
          response: { 200: Type.Union([ResetOkSchema, okOr(V1OkSchema)]), ...transportResponses },
        },
      },
      async (request) => {
        const body = bodyOf(request);
        if (!hasAll(body, ['email'])) return failure(MISSING_ARGUMENTS);
        await requestPasswordReset(runtime, text(body, 'email') ?? '', request.ip);
        return { status: 'OK' as const };
      },
    );

    app.post(
      '/user/password_reset/confirm',
      {
        attachValidation: true,
        schema: {
          tags,
          operationId: 'v1ConfirmPasswordReset',
          summary: 'Set a new password with the emailed token',
          description: 'The token works once and expires in an hour.',
          consumes: V1_CONSUMES,
          body: ResetConfirmBody,
          response: { 200: Type.Union([ResetOkSchema, okOr(V1OkSchema)]), ...transportResponses },
        },
      },
      async (request) => {
        const body = bodyOf(request);
        if (!hasAll(body, ['token', 'password'])) return failure(MISSING_ARGUMENTS);
        await confirmPasswordReset(runtime, {
          token: text(body, 'token') ?? '',
          password: text(body, 'password') ?? '',
        });
        return { status: 'OK' as const };
      },
    );

    // ---------- contacts ----------
    function contactFields(body: Record<string, unknown>): Partial<ContactInput> {
      const fields: Partial<ContactInput> = {};
      for (const key of CONTACT_FIELDS) {
        const value = text(body, key);
        if (value !== undefined) fields[key] = value;
      }
      return fields;
    }

    app.get(
      '/user/contact',
      {
        onRequest: anyAccount,
        schema: {
          tags,
          security,
          operationId: 'v1ListContacts',
          summary: 'My contacts (delivery addresses with a phone)',
          response: { 200: Type.Array(ContactSchema), ...protectedResponses },
        },
      },
      async (request) => (await listContacts(runtime.db, caller(request).id)).map(contactJson),
    );

    app.post(
      '/user/contact',
      {
        onRequest: anyAccount,
        attachValidation: true,
        schema: {
          tags,
          security,
          operationId: 'v1CreateContact',
          summary: 'Add a contact',
          description: 'At most 5 per account.',
          consumes: V1_CONSUMES,
          body: ContactCreateBody,
          response: { 200: okOr(V1OkSchema), ...protectedResponses },
        },
      },
      async (request) => {
        const body = bodyOf(request);
        if (!hasAll(body, ['city', 'street', 'phone'])) return failure(MISSING_ARGUMENTS);
        const fields = contactFields(body);
        await createContact(runtime, caller(request).id, {
          ...fields,
          city: fields.city ?? '',
          street: fields.street ?? '',
          phone: fields.phone ?? '',
        });
        return { Status: true as const };
      },
    );

    app.put(
      '/user/contact',
      {
        onRequest: anyAccount,
        attachValidation: true,
        schema: {
          tags,
          security,
          operationId: 'v1UpdateContact',
          summary: 'Change one of my contacts',
          consumes: V1_CONSUMES,
          body: ContactUpdateBody,
          response: { 200: okOr(V1OkSchema), ...protectedResponses },
        },
      },
      async (request) => {
        const body = bodyOf(request);
        const id = toId(body.id);
        if (id === undefined) return failure(MISSING_ARGUMENTS);
        try {
          await updateContact(runtime, caller(request).id, id, contactFields(body));
        } catch (error) {
          if (isRefusal(error, 'contact_not_found')) return failure(WRONG_ARGUMENTS);
          throw error;
        }
        return { Status: true as const };
      },
    );

    app.delete(
      '/user/contact',
      {
        onRequest: anyAccount,
        attachValidation: true,
        schema: {
          tags,
          security,
          operationId: 'v1DeleteContacts',
          summary: 'Delete some of my contacts',
          description: 'Ids that are not the caller’s are not counted. Orders keep their delivery address.',
          consumes: V1_CONSUMES,
          body: IdsBody,
          response: { 200: okOr(DeletedSchema), ...protectedResponses },
        },
      },
      async (request) => {
        const ids = idList(bodyOf(request).items);
        if (ids.length === 0) return failure(MISSING_ARGUMENTS);
        const deleted = await deleteContacts(runtime, caller(request).id, ids);
        return { Status: true as const, 'Удалено объектов': deleted };
      },
    );
  };
}
