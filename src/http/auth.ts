// Who is calling, and may they. Every request is authenticated once (onRequest) from its
// Authorization header; routes declare who may call them with `config: { roles: [...] }` and this
// module enforces it in one route-level onRequest hook. The declarations are collected in `routePermissions` so the
// whole permission table can be listed (and is, by a test that walks it).
import { eq, sql } from 'drizzle-orm';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { errors as joseErrors, jwtVerify, SignJWT } from 'jose';
import { type Language, type UserRole, users } from '../db/schema/users.ts';
import type { Runtime } from '../runtime.ts';
import { forbidden, unauthorized } from './errors.ts';

export interface AuthUser {
  id: number;
  role: UserRole;
  /** How the caller proved it: a short-lived access token (JWT) or a long-lived API token. */
  via: 'jwt' | 'api_token';
  preferredLanguage?: Language;
  /** The API token's id, when authenticated by one. */
  apiTokenId?: number;
  /** The login session (refresh-token family) an access token belongs to; every access token names one. */
  sessionId?: string;
}

/** Who may call a route: a list of roles, or 'authenticated' for any signed-in account. */
export type RouteRoles = readonly UserRole[] | 'authenticated';

declare module 'fastify' {
  interface FastifyRequest {
    user: AuthUser | null;
    /** Set when a credential was presented but was invalid, to answer 401 with a reason. */
    authError: 'invalid_token' | 'token_expired' | 'account_blocked' | null;
  }
  interface FastifyContextConfig {
    roles?: RouteRoles;
  }
  interface FastifyInstance {
    /** Every route with who may call it, in registration order. */
    routePermissions: RoutePermission[];
  }
}

export const ACCESS_TOKEN_TTL_SECONDS = 15 * 60;
/** Who signs access tokens and whom they are for: both are checked on every token. */
export const ACCESS_TOKEN_ISSUER = 'zakupka';
export const ACCESS_TOKEN_AUDIENCE = 'zakupka-api';

function secretKey(runtime: Runtime): Uint8Array {
  return new TextEncoder().encode(runtime.authSecret);
}

/**
 * An access token of one login session (`sid`, the refresh-token family): it is honoured only while
 * that session is not revoked, so a password reset, a logout or a reused refresh token ends it at once.
 */
export async function signAccessToken(
  runtime: Runtime,
  user: { id: number; role: UserRole },
  session: { sessionId: string },
): Promise<string> {
  const now = Math.floor(runtime.clock.now().getTime() / 1000);
  return new SignJWT({ role: user.role, sid: session.sessionId })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(String(user.id))
    .setIssuedAt(now)
    .setExpirationTime(now + ACCESS_TOKEN_TTL_SECONDS)
    .setIssuer(ACCESS_TOKEN_ISSUER)
    .setAudience(ACCESS_TOKEN_AUDIENCE)
    .sign(secretKey(runtime));
}

/**
 * Checks an access token's signature and claims: `exp`, `iat`, `sub`, `sid`, the issuer and the
 * audience are all required (a token signed with our key but lacking any of them is refused), and
 * no token is honoured longer than the lifetime we give them, whatever its `exp` says.
 */
export async function verifyAccessToken(
  runtime: Runtime,
  token: string,
): Promise<{ ok: true; user: AuthUser } | { ok: false; reason: 'invalid_token' | 'token_expired' }> {
  try {
    const { payload } = await jwtVerify(token, secretKey(runtime), {
      issuer: ACCESS_TOKEN_ISSUER,
      audience: ACCESS_TOKEN_AUDIENCE,
      algorithms: ['HS256'],
      requiredClaims: ['exp', 'iat', 'sub', 'sid'],
      maxTokenAge: ACCESS_TOKEN_TTL_SECONDS,
      currentDate: runtime.clock.now(),
    });
    const id = Number(payload.sub);
    const role = payload.role as UserRole;
    const sessionId = payload.sid;
    if (
      !Number.isInteger(id) ||
      !['buyer', 'supplier', 'staff'].includes(role) ||
      typeof sessionId !== 'string' ||
      !UUID.test(sessionId)
    ) {
      return { ok: false, reason: 'invalid_token' };
    }
    return { ok: true, user: { id, role, via: 'jwt', sessionId } };
  } catch (error) {
    return { ok: false, reason: error instanceof joseErrors.JWTExpired ? 'token_expired' : 'invalid_token' };
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Resolves an opaque API token (`zk_…`) to its user, or `'blocked'` when it is a live token of an
 * account staff blocked, or null. The accounts module provides it.
 */
export type ApiTokenResolver = (runtime: Runtime, token: string) => Promise<AuthUser | 'blocked' | null>;

export interface RoutePermission {
  method: string;
  url: string;
  roles: RouteRoles | 'public';
}

function credential(request: FastifyRequest): { scheme: 'bearer' | 'token'; value: string } | null {
  const header = request.headers.authorization;
  if (!header) return null;
  const match = /^(Bearer|Token)\s+(\S+)\s*$/i.exec(header);
  if (!match) return { scheme: 'bearer', value: '' };
  return { scheme: match[1].toLowerCase() as 'bearer' | 'token', value: match[2] };
}

export function installAuth(app: FastifyInstance, runtime: Runtime, resolveApiToken: ApiTokenResolver): void {
  const routePermissions: RoutePermission[] = [];
  app.decorate('routePermissions', routePermissions);
  app.decorateRequest('user', null);
  app.decorateRequest('authError', null);

  app.addHook('onRequest', async (request) => {
    const presented = credential(request);
    if (!presented) return;
    if (presented.value.startsWith('zk_')) {
      const user = await resolveApiToken(runtime, presented.value);
      if (user === 'blocked') request.authError = 'account_blocked';
      else if (user) request.user = user;
      else request.authError = 'invalid_token';
      return;
    }
    if (presented.scheme === 'bearer' && presented.value) {
      const result = await verifyAccessToken(runtime, presented.value);
      if (!result.ok) {
        request.authError = result.reason;
        return;
      }
      // The token is signed, but the account may have been blocked (or its role changed) and its
      // session revoked (logout, password reset, email change, a reused refresh token) since it was
      // issued: the database decides, on every request, so every API process agrees at once. A
      // session is live while any of its refresh tokens is unrevoked (a partial index answers it).
      const [account] = await runtime.db
        .select({
          role: users.role,
          isActive: users.isActive,
          emailConfirmedAt: users.emailConfirmedAt,
          preferredLanguage: users.preferredLanguage,
          sessionLive: sql<boolean>`exists (select 1 from refresh_tokens r
            where r.family_id = ${result.user.sessionId} and r.user_id = users.id and r.revoked_at is null)`,
        })
        .from(users)
        .where(eq(users.id, result.user.id));
      if (account && !account.isActive) {
        request.authError = 'account_blocked';
        return;
      }
      if (!account?.emailConfirmedAt || !account.sessionLive) {
        request.authError = 'invalid_token';
        return;
      }
      request.user = { ...result.user, role: account.role, preferredLanguage: account.preferredLanguage };
      return;
    }
    request.authError = 'invalid_token';
  });

  app.addHook('onRoute', (route) => {
    const roles = route.config?.roles;
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) {
      if (method === 'HEAD' || method === 'OPTIONS') continue;
      routePermissions.push({ method, url: route.url, roles: roles ?? 'public' });
    }
    if (!roles) return;
    if (route.schema && !route.schema.hide) {
      (route.schema as Record<string, unknown>).security = [{ bearer: [] }, { token: [] }];
    }
    const guard = async (request: FastifyRequest) => {
      if (!request.user) {
        if (request.authError === 'token_expired') {
          throw unauthorized('token_expired', {
            ru: 'Срок действия токена истёк',
            en: 'The access token has expired',
          });
        }
        if (request.authError === 'account_blocked') {
          throw unauthorized('account_blocked', {
            ru: 'Учётная запись заблокирована. Обратитесь в поддержку',
            en: 'The account is blocked. Contact support',
          });
        }
        if (request.authError)
          throw unauthorized('invalid_token', { ru: 'Недействительный токен', en: 'Invalid token' });
        throw unauthorized('unauthorized', { ru: 'Требуется вход', en: 'Authentication required' });
      }
      if (roles !== 'authenticated' && !roles.includes(request.user.role)) {
        throw forbidden('forbidden', {
          ru: 'Недостаточно прав для этого действия',
          en: 'Your account may not do this',
        });
      }
    };
    // A route-level onRequest hook runs after the app-level one that authenticated the request and
    // before the body is parsed or validated: an unauthorised caller learns nothing about the input
    // rules (401/403, never 400) and an unauthorised upload is not even read.
    const existing = route.onRequest;
    route.onRequest = existing ? [guard, ...(Array.isArray(existing) ? existing : [existing])] : [guard];
  });
}

/** The authenticated caller; only for routes that declare `roles` (the guard ran before). */
export function currentUser(request: FastifyRequest): AuthUser {
  if (!request.user) throw unauthorized();
  return request.user;
}
