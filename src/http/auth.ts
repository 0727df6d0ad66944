// Who is calling, and may they. Every request is authenticated once (onRequest) from its
// Authorization header; routes declare who may call them with `config: { roles: [...] }` and this
// module enforces it in one route-level onRequest hook. The declarations are collected in `routePermissions` so the
// whole permission table can be listed (and is, by a test that walks it).
import { eq } from 'drizzle-orm';
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
  /** The login session (refresh-token family) an access token belongs to, when it names one. */
  sessionId?: string;
}

/** Who may call a route: a list of roles, or 'authenticated' for any signed-in account. */
export type RouteRoles = readonly UserRole[] | 'authenticated';

declare module 'fastify' {
  interface FastifyRequest {
    user: AuthUser | null;
    /** Set when a credential was presented but was invalid, to answer 401 with a reason. */
    authError: 'invalid_token' | 'token_expired' | null;
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

function secretKey(runtime: Runtime): Uint8Array {
  return new TextEncoder().encode(runtime.authSecret);
}

export async function signAccessToken(
  runtime: Runtime,
  user: { id: number; role: UserRole },
  options: { sessionId?: string } = {},
): Promise<string> {
  const now = Math.floor(runtime.clock.now().getTime() / 1000);
  const claims = options.sessionId ? { role: user.role, sid: options.sessionId } : { role: user.role };
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(String(user.id))
    .setIssuedAt(now)
    .setExpirationTime(now + ACCESS_TOKEN_TTL_SECONDS)
    .setIssuer('zakupka')
    .sign(secretKey(runtime));
}

export async function verifyAccessToken(
  runtime: Runtime,
  token: string,
): Promise<{ ok: true; user: AuthUser } | { ok: false; reason: 'invalid_token' | 'token_expired' }> {
  try {
    const { payload } = await jwtVerify(token, secretKey(runtime), {
      issuer: 'zakupka',
      algorithms: ['HS256'],
      currentDate: runtime.clock.now(),
    });
    const id = Number(payload.sub);
    const role = payload.role as UserRole;
    if (!Number.isInteger(id) || !['buyer', 'supplier', 'staff'].includes(role)) {
      return { ok: false, reason: 'invalid_token' };
    }
    const sessionId = typeof payload.sid === 'string' ? payload.sid : undefined;
    return { ok: true, user: { id, role, via: 'jwt', ...(sessionId ? { sessionId } : {}) } };
  } catch (error) {
    return { ok: false, reason: error instanceof joseErrors.JWTExpired ? 'token_expired' : 'invalid_token' };
  }
}

/**
 * Resolves an opaque API token (`zk_…`) to its user. The accounts module provides it; until it is
 * registered, API tokens are refused like any unknown credential.
 */
export type ApiTokenResolver = (runtime: Runtime, token: string) => Promise<AuthUser | null>;

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
      if (user) request.user = user;
      else request.authError = 'invalid_token';
      return;
    }
    if (presented.scheme === 'bearer' && presented.value) {
      const result = await verifyAccessToken(runtime, presented.value);
      if (!result.ok) {
        request.authError = result.reason;
        return;
      }
      // The token is signed, but the account may have been blocked (or its role changed) since it
      // was issued: the account's current state decides.
      const [account] = await runtime.db
        .select({
          role: users.role,
          isActive: users.isActive,
          emailConfirmedAt: users.emailConfirmedAt,
          preferredLanguage: users.preferredLanguage,
        })
        .from(users)
        .where(eq(users.id, result.user.id));
      if (!account?.isActive || !account.emailConfirmedAt) {
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
