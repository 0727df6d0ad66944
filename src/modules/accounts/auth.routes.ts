// /api/v2/auth: registration, email confirmation, login sessions, password reset, the email change's
// confirmation. All public: the credential is in the body.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { problemResponses } from '../../http/common-schemas.ts';
import { requestLanguage } from '../../http/error-handler.ts';
import { languageFromHeader } from '../../lib/i18n.ts';
import type { Runtime } from '../../runtime.ts';
import {
  AcceptedSchema,
  EmailBody,
  EmailChangedSchema,
  EmailTokenBody,
  LoginBody,
  profileJson,
  RefreshBody,
  RegisterBody,
  RegisteredSchema,
  ResetConfirmBody,
  TokenBody,
  TokenPairSchema,
  tokenPairJson,
} from './accounts.schemas.ts';
import { confirmEmailChange, EMAIL_CHANGE_TTL_HOURS } from './email-change.service.ts';
import { confirmPasswordReset, requestPasswordReset } from './passwords.service.ts';
import { confirmEmail, register, resendConfirmation } from './registration.service.ts';
import { login, logout, refreshSession } from './sessions.service.ts';

const tags = ['auth'];
const NoContent = Type.Null({ description: 'Done' });

export function authRoutes(runtime: Runtime): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.post(
      '/api/v2/auth/register',
      {
        schema: {
          tags,
          operationId: 'register',
          summary: 'Register a buyer or supplier account',
          description:
            'The account starts unconfirmed: an email with a confirmation link and token goes to the ' +
            'address. A supplier account gets its shop, named after the company. Password rules: at ' +
            'least 8 characters, not entirely numeric, not a common password, not too similar to the ' +
            'email or names; each broken rule is its own field error. Emails go out in ' +
            '`preferred_language`, which defaults from Accept-Language (en… → en, else ru). ' +
            'Rate-limited per client address.',
          body: RegisterBody,
          response: { 201: RegisteredSchema, ...problemResponses(400, 409, 429) },
        },
      },
      async (request, reply) => {
        const { body } = request;
        const registered = await register(
          runtime,
          {
            email: body.email,
            password: body.password,
            firstName: body.first_name,
            lastName: body.last_name,
            company: body.company,
            position: body.position,
            type: body.type,
            preferredLanguage:
              body.preferred_language ?? languageFromHeader(request.headers['accept-language']),
          },
          request.ip,
        );
        return reply.status(201).send({ user: profileJson(registered.user), shop: registered.shop });
      },
    );

    app.post(
      '/api/v2/auth/confirm-email',
      {
        schema: {
          tags,
          operationId: 'confirmEmail',
          summary: 'Confirm the email with the token from the confirmation email',
          description:
            'The token works once, for 48 hours. `email` is optional (the token names the account); ' +
            'when sent, it must be the address the token was sent to. POST /auth/password-reset/confirm ' +
            'takes the same optional `email`.',
          body: EmailTokenBody,
          response: { 204: NoContent, ...problemResponses(400) },
        },
      },
      async (request, reply) => {
        await confirmEmail(runtime, request.body);
        return reply.status(204).send(null);
      },
    );

    app.post(
      '/api/v2/auth/confirm-email-change',
      {
        schema: {
          tags,
          operationId: 'confirmEmailChange',
          summary: 'Move the account to its new email with the token sent there',
          description:
            'The token comes from the email POST /api/v2/me/email sent to the new address; it works ' +
            `once, for ${EMAIL_CHANGE_TTL_HOURS} hours, and only the latest one of the account. The address must still be ` +
            'free (409 `email_taken` otherwise). Signs out every login session at once (their refresh ' +
            'and access tokens: the next request with one is 401); API tokens stay. From now on log in with the new ' +
            'address; the old one gets a notice.',
          body: TokenBody,
          response: { 200: EmailChangedSchema, ...problemResponses(400, 409) },
        },
      },
      async (request) => {
        const user = await confirmEmailChange(runtime, request.body.token);
        return { status: 'email_changed' as const, email: user.email };
      },
    );

    app.post(
      '/api/v2/auth/resend-confirmation',
      {
        schema: {
          tags,
          operationId: 'resendConfirmation',
          summary: 'Send a new confirmation email',
          description:
            'Answers 202 whether or not an unconfirmed account has this address, so accounts cannot be ' +
            'probed. The new link replaces earlier ones. Rate-limited per address and per client.',
          body: EmailBody,
          response: { 202: AcceptedSchema, ...problemResponses(400, 429) },
        },
      },
      async (request, reply) => {
        await resendConfirmation(runtime, request.body.email, request.ip);
        const detail =
          requestLanguage(request) === 'en'
            ? 'If an unconfirmed account has this address, a new confirmation email is on its way.'
            : 'Если у этого адреса есть неподтверждённая учётная запись, мы отправили новое письмо.';
        return reply.status(202).send({ detail });
      },
    );

    app.post(
      '/api/v2/auth/login',
      {
        schema: {
          tags,
          operationId: 'login',
          summary: 'Log in: an access token (JWT, 15 min) and a refresh token (30 days)',
          description:
            'A wrong password and an unknown email get the same 401 `invalid_credentials`. An ' +
            'unconfirmed account gets 403 `email_not_confirmed`. Failed attempts are throttled per ' +
            'account and per client address: 429 `too_many_login_attempts` with Retry-After.',
          body: LoginBody,
          response: { 200: TokenPairSchema, ...problemResponses(400, 401, 403, 429) },
        },
      },
      async (request) => tokenPairJson(await login(runtime, request.body, request.ip)),
    );

    app.post(
      '/api/v2/auth/refresh',
      {
        schema: {
          tags,
          operationId: 'refreshSession',
          summary: 'Trade a refresh token for a new token pair',
          description:
            'The refresh token is rotated: the one presented stops working. Presenting an already ' +
            'rotated token revokes the whole session (401 `refresh_token_reused`).',
          body: RefreshBody,
          response: { 200: TokenPairSchema, ...problemResponses(400, 401) },
        },
      },
      async (request) => tokenPairJson(await refreshSession(runtime, request.body.refresh_token)),
    );

    app.post(
      '/api/v2/auth/logout',
      {
        schema: {
          tags,
          operationId: 'logout',
          summary: 'Log out: revoke the session of this refresh token',
          description: 'Idempotent: an unknown or already revoked token also answers 204.',
          body: RefreshBody,
          response: { 204: NoContent, ...problemResponses(400) },
        },
      },
      async (request, reply) => {
        await logout(runtime, request.body.refresh_token);
        return reply.status(204).send(null);
      },
    );

    app.post(
      '/api/v2/auth/password-reset',
      {
        schema: {
          tags,
          operationId: 'requestPasswordReset',
          summary: 'Email a password reset link',
          description:
            'Answers 202 whether or not the address has an account. The token is single-use and ' +
            'lives one hour. Rate-limited per address and per client.',
          body: EmailBody,
          response: { 202: AcceptedSchema, ...problemResponses(400, 429) },
        },
      },
      async (request, reply) => {
        await requestPasswordReset(runtime, request.body.email, request.ip);
        const detail =
          requestLanguage(request) === 'en'
            ? 'If an account has this address, a password reset email is on its way.'
            : 'Если для этого адреса есть учётная запись, мы отправили письмо для сброса пароля.';
        return reply.status(202).send({ detail });
      },
    );

    app.post(
      '/api/v2/auth/password-reset/confirm',
      {
        schema: {
          tags,
          operationId: 'confirmPasswordReset',
          summary: 'Set a new password with the reset token',
          description:
            'Signs out every session of the account at once (refresh and access tokens: the next ' +
            'request with one is 401). API tokens stay: they belong to integrations; their owner ' +
            'deletes them at /api/v2/me/api-tokens. `email` is optional, as at /auth/confirm-email: ' +
            'when sent, it must be the address the token was sent to.',
          body: ResetConfirmBody,
          response: { 204: NoContent, ...problemResponses(400) },
        },
      },
      async (request, reply) => {
        await confirmPasswordReset(runtime, request.body);
        return reply.status(204).send(null);
      },
    );
  };
}
