// GET /confirm-email, GET /reset-password and GET /confirm-email-change: the pages the accounts
// emails link to. Not part of the API (hidden from /docs). Each answer carries its own strict Content-Security-Policy with a fresh
// nonce for its one inline script and style, instead of the looser app-wide policy the docs need.
import { randomBytes } from 'node:crypto';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { Language } from '../../db/schema/users.ts';
import { languageFromHeader } from '../../lib/i18n.ts';
import { type Page, renderPage } from './pages.ts';

// Mail clients and trackers add their own parameters: anything else is let through and ignored.
const PageQuery = Type.Object({
  token: Type.Optional(Type.String()),
  email: Type.Optional(Type.String()),
  lang: Type.Optional(Type.String({ description: 'ru or en; otherwise Accept-Language decides' })),
});

const Html = Type.String({ description: 'An HTML page' });

/** `?lang=` when it names a language we speak, else Accept-Language, else Russian. */
function pageLanguage(request: FastifyRequest<{ Querystring: { lang?: string } }>): Language {
  const asked = request.query.lang?.trim().toLowerCase();
  if (asked === 'ru' || asked === 'en') return asked;
  return languageFromHeader(request.headers['accept-language']);
}

export function contentSecurityPolicy(nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src 'nonce-${nonce}'`,
    "connect-src 'self'",
    "form-action 'self'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

export function pagesRoutes(): FastifyPluginAsyncTypebox {
  return async (app) => {
    const pages: [string, Page, string, string][] = [
      [
        '/confirm-email',
        'confirm',
        'showConfirmEmailPage',
        'The page of the confirmation link: confirms on a click',
      ],
      [
        '/reset-password',
        'reset',
        'showResetPasswordPage',
        'The page of the password reset link: a new-password form',
      ],
      [
        '/confirm-email-change',
        'emailChange',
        'showConfirmEmailChangePage',
        'The page of the email change link: confirms on a click',
      ],
    ];
    for (const [url, page, operationId, summary] of pages) {
      app.get(
        url,
        {
          // The app-wide policy is replaced, for this route only, by the nonce policy set below.
          helmet: { contentSecurityPolicy: false },
          // Pages for people, not API operations: kept out of the document (named all the same).
          schema: { hide: true, operationId, summary, querystring: PageQuery, response: { 200: Html } },
        },
        async (request, reply) => {
          const nonce = randomBytes(16).toString('base64');
          return reply
            .header('content-security-policy', contentSecurityPolicy(nonce))
            .header('cache-control', 'no-store')
            .type('text/html; charset=utf-8')
            .send(renderPage(page, pageLanguage(request), nonce));
        },
      );
    }
  };
}
