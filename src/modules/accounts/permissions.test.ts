// The permission matrix: every protected /api/v2 route (as the routes declare themselves, so routes
// added later are covered without touching this file) × anonymous/buyer/supplier/staff.
// Anonymous → 401 with WWW-Authenticate; a role the route does not admit → 403; an admitted role →
// neither (what it gets instead — 400 for the empty body, 404 for the made-up id — is the route's
// business).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authHeader } from '../../../test/factories/accounts.ts';
import { createUser } from '../../../test/factories.ts';
import { buildTestApp, type TestApp } from '../../../test/helpers/app.ts';
import { USER_ROLES, type UserRole } from '../../db/schema/users.ts';
import { transaction } from '../../db/transaction.ts';
import type { RoutePermission } from '../../http/auth.ts';
import { createShopForOwner } from '../catalog/shops.service.ts';

let t: TestApp;
const headers = {} as Record<UserRole, { authorization: string }>;

beforeAll(async () => {
  t = await buildTestApp({ workers: false });
  for (const role of USER_ROLES) {
    const user = await createUser(t.runtime, { role, company: `Matrix ${role}` });
    if (role === 'supplier') await transaction(t.runtime, ({ tx }) => createShopForOwner({ tx }, user));
    headers[role] = await authHeader(t, user);
  }
});
afterAll(() => t?.close());

/** A concrete URL for a route pattern: every parameter a numeric id nobody has. */
function concrete(url: string): string {
  return url.replace(/:\w+(\([^)]*\))?/g, '999999').replace(/\*/g, 'x');
}

function protectedRoutes(): (RoutePermission & { roles: Exclude<RoutePermission['roles'], 'public'> })[] {
  return t.app.routePermissions.filter(
    (route): route is RoutePermission & { roles: Exclude<RoutePermission['roles'], 'public'> } =>
      route.url.startsWith('/api/v2/') && route.roles !== 'public',
  );
}

async function call(route: RoutePermission, authorization?: { authorization: string }) {
  const withBody = ['POST', 'PUT', 'PATCH'].includes(route.method);
  return t.app.inject({
    method: route.method as 'GET',
    url: concrete(route.url),
    headers: authorization,
    ...(withBody ? { payload: {} } : {}),
  });
}

describe('permission matrix', () => {
  it('lists the accounts routes with who may call them', () => {
    const table = t.app.routePermissions.filter((r) => r.url.startsWith('/api/v2/'));
    expect(table).toEqual(
      expect.arrayContaining([
        { method: 'POST', url: '/api/v2/auth/login', roles: 'public' },
        { method: 'POST', url: '/api/v2/auth/register', roles: 'public' },
        { method: 'GET', url: '/api/v2/me', roles: 'authenticated' },
        { method: 'PATCH', url: '/api/v2/me', roles: 'authenticated' },
        { method: 'DELETE', url: '/api/v2/me/api-tokens/:id', roles: 'authenticated' },
        { method: 'POST', url: '/api/v2/me/contacts', roles: 'authenticated' },
      ]),
    );
    expect(protectedRoutes().length).toBeGreaterThanOrEqual(11);
  });

  it('answers every protected route as its declaration says, for every kind of caller', async () => {
    const violations: string[] = [];
    let checked = 0;
    for (const route of protectedRoutes()) {
      const name = `${route.method} ${route.url} [${route.roles}]`;
      const anonymous = await call(route);
      checked += 1;
      if (anonymous.statusCode !== 401)
        violations.push(`${name} anonymous → ${anonymous.statusCode}, expected 401`);
      else if (!anonymous.headers['www-authenticate'])
        violations.push(`${name} anonymous → 401 without WWW-Authenticate`);

      for (const role of USER_ROLES) {
        const allowed = route.roles === 'authenticated' || route.roles.includes(role);
        const res = await call(route, headers[role]);
        checked += 1;
        if (allowed && (res.statusCode === 401 || res.statusCode === 403)) {
          violations.push(
            `${name} ${role} → ${res.statusCode} (${res.json().code}), expected it to be let in`,
          );
        }
        if (!allowed && res.statusCode !== 403) {
          violations.push(`${name} ${role} → ${res.statusCode}, expected 403`);
        }
      }
    }
    expect(violations).toEqual([]);
    expect(checked).toBe(protectedRoutes().length * 4);
  });
});
