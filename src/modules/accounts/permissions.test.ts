// The permission matrix: every /api/v2 route × anonymous/buyer/supplier/staff.
// Who may call what is written out below, independently of the routes' own declarations: the test
// fails when a declaration differs from this table, and when a route is added or removed without
// the table saying so (a new route must be added here — deciding who may call it is the point).
// Anonymous → 401 with WWW-Authenticate; a role the table does not admit → 403; an admitted role →
// neither (what it gets instead — 400 for the empty body, 404 for the made-up id — is the route's
// business). Public routes answer neither 401 nor 403 to anyone.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authHeader } from '../../../test/factories/accounts.ts';
import { createUser } from '../../../test/factories.ts';
import { buildTestApp, type TestApp } from '../../../test/helpers/app.ts';
import { USER_ROLES, type UserRole } from '../../db/schema/users.ts';
import { transaction } from '../../db/transaction.ts';
import { createShopForOwner } from '../catalog/shops.service.ts';

type Allowed = 'public' | 'authenticated' | readonly UserRole[];

const PUBLIC: Allowed = 'public';
const ANYONE: Allowed = 'authenticated';
const BUYER: Allowed = ['buyer'];
const SUPPLIER: Allowed = ['supplier'];
const STAFF: Allowed = ['staff'];
const SUPPLIER_OR_STAFF: Allowed = ['supplier', 'staff'];

/** `METHOD path` → who may call it. */
const EXPECTED: Record<string, Allowed> = {
  // auth: the credential is in the body
  'POST /api/v2/auth/register': PUBLIC,
  'POST /api/v2/auth/confirm-email': PUBLIC,
  'POST /api/v2/auth/confirm-email-change': PUBLIC,
  'POST /api/v2/auth/resend-confirmation': PUBLIC,
  'POST /api/v2/auth/login': PUBLIC,
  'POST /api/v2/auth/refresh': PUBLIC,
  'POST /api/v2/auth/logout': PUBLIC,
  'POST /api/v2/auth/password-reset': PUBLIC,
  'POST /api/v2/auth/password-reset/confirm': PUBLIC,

  // me: any signed-in account, its own things only
  'GET /api/v2/me': ANYONE,
  'PATCH /api/v2/me': ANYONE,
  'POST /api/v2/me/password': ANYONE,
  'POST /api/v2/me/email': ANYONE,
  'GET /api/v2/me/api-tokens': ANYONE,
  'POST /api/v2/me/api-tokens': ANYONE,
  'DELETE /api/v2/me/api-tokens/:id': ANYONE,
  'GET /api/v2/me/contacts': ANYONE,
  'POST /api/v2/me/contacts': ANYONE,
  'GET /api/v2/me/contacts/:id': ANYONE,
  'PATCH /api/v2/me/contacts/:id': ANYONE,
  'DELETE /api/v2/me/contacts/:id': ANYONE,

  // catalog: public
  'GET /api/v2/shops': PUBLIC,
  'GET /api/v2/shops/:id': PUBLIC,
  'GET /api/v2/categories': PUBLIC,
  'GET /api/v2/products': PUBLIC,
  'GET /api/v2/products/facets': PUBLIC,
  'GET /api/v2/products/:id': PUBLIC,
  'GET /api/v2/offers': PUBLIC,

  // supplier: the caller's own shop, imports, exports and orders
  'GET /api/v2/supplier/shop': SUPPLIER,
  'PATCH /api/v2/supplier/shop': SUPPLIER,
  'GET /api/v2/supplier/offers': SUPPLIER,
  'GET /api/v2/supplier/stats/sales': SUPPLIER,
  'POST /api/v2/supplier/imports': SUPPLIER,
  'GET /api/v2/supplier/imports': SUPPLIER,
  'GET /api/v2/supplier/imports/:id': SUPPLIER,
  // exports: staff too, naming the shop
  'GET /api/v2/supplier/export': SUPPLIER_OR_STAFF,
  'POST /api/v2/supplier/exports': SUPPLIER_OR_STAFF,
  'GET /api/v2/supplier/exports': SUPPLIER,
  'GET /api/v2/supplier/exports/:id': SUPPLIER,
  'GET /api/v2/supplier/exports/:id/download': SUPPLIER,
  'GET /api/v2/supplier/orders': SUPPLIER,
  'GET /api/v2/supplier/orders/:id': SUPPLIER,
  'POST /api/v2/supplier/orders/:id/status': SUPPLIER,

  // basket and orders: buyers
  'GET /api/v2/basket': BUYER,
  'DELETE /api/v2/basket': BUYER,
  'POST /api/v2/basket/items': BUYER,
  'POST /api/v2/basket/optimize': BUYER,
  'POST /api/v2/basket/quick-order': BUYER,
  // daily purchasing: the buyer's own shopping lists and standing orders
  'GET /api/v2/shopping-lists': BUYER,
  'GET /api/v2/stats/purchases': BUYER,
  'POST /api/v2/shopping-lists': BUYER,
  'GET /api/v2/shopping-lists/:id': BUYER,
  'PATCH /api/v2/shopping-lists/:id': BUYER,
  'DELETE /api/v2/shopping-lists/:id': BUYER,
  'POST /api/v2/shopping-lists/:id/lines': BUYER,
  'DELETE /api/v2/shopping-lists/:id/lines/:lineId': BUYER,
  'POST /api/v2/shopping-lists/:id/to-basket': BUYER,
  'GET /api/v2/standing-orders': BUYER,
  'POST /api/v2/standing-orders': BUYER,
  'GET /api/v2/standing-orders/:id': BUYER,
  'PATCH /api/v2/standing-orders/:id': BUYER,
  'DELETE /api/v2/standing-orders/:id': BUYER,
  'POST /api/v2/standing-orders/:id/pause': BUYER,
  'POST /api/v2/standing-orders/:id/resume': BUYER,
  'GET /api/v2/standing-orders/:id/runs': BUYER,
  'PATCH /api/v2/basket/items/:id': BUYER,
  'DELETE /api/v2/basket/items/:id': BUYER,
  'POST /api/v2/basket/coupon': BUYER,
  'DELETE /api/v2/basket/coupon': BUYER,
  'POST /api/v2/orders': BUYER,
  'GET /api/v2/orders': BUYER,
  'GET /api/v2/orders/:id': BUYER,
  'POST /api/v2/orders/:id/cancel': BUYER,
  'POST /api/v2/orders/:id/reorder': BUYER,

  // admin: staff
  'GET /api/v2/admin/dashboard': STAFF,
  'GET /api/v2/admin/audit': STAFF,
  'GET /api/v2/admin/stats/sales': STAFF,
  'GET /api/v2/admin/users': STAFF,
  'GET /api/v2/admin/users/:id': STAFF,
  'PATCH /api/v2/admin/users/:id': STAFF,
  'POST /api/v2/admin/users/:id/resend-confirmation': STAFF,
  'GET /api/v2/admin/orders': STAFF,
  'GET /api/v2/admin/orders/:id': STAFF,
  'POST /api/v2/admin/orders/:id/status': STAFF,
  'POST /api/v2/admin/orders/:id/parts/:part_id/status': STAFF,
  'GET /api/v2/admin/shops': STAFF,
  'GET /api/v2/admin/imports': STAFF,
  'GET /api/v2/admin/products': STAFF,
  'GET /api/v2/admin/products/:id': STAFF,
  'PATCH /api/v2/admin/products/:id': STAFF,
  'PATCH /api/v2/admin/offers/:id': STAFF,
  'GET /api/v2/admin/categories': STAFF,
  'GET /api/v2/admin/shops/:id': STAFF,
  'GET /api/v2/admin/synonyms': STAFF,
  'POST /api/v2/admin/synonyms': STAFF,
  'GET /api/v2/admin/synonyms/:id': STAFF,
  'PUT /api/v2/admin/synonyms/:id': STAFF,
  'DELETE /api/v2/admin/synonyms/:id': STAFF,
  'PATCH /api/v2/admin/shops/:id': STAFF,
  'POST /api/v2/admin/shops/:id/imports': STAFF,
  'GET /api/v2/admin/shops/:id/imports': STAFF,
  'GET /api/v2/admin/imports/:id': STAFF,
  'GET /api/v2/admin/shops/:id/export': STAFF,
  'POST /api/v2/admin/shops/:id/exports': STAFF,
  'GET /api/v2/admin/exports/:id': STAFF,
  'GET /api/v2/admin/exports/:id/download': STAFF,
  'PATCH /api/v2/admin/categories/:id': STAFF,
  'POST /api/v2/admin/categories/:id/merge': STAFF,
  'GET /api/v2/admin/parameters': STAFF,
  'PATCH /api/v2/admin/parameters/:id': STAFF,
  'POST /api/v2/admin/parameters/:id/merge': STAFF,

  // promotions and coupons: staff
  'GET /api/v2/admin/promotions': STAFF,
  'POST /api/v2/admin/promotions': STAFF,
  'GET /api/v2/admin/promotions/:id': STAFF,
  'PATCH /api/v2/admin/promotions/:id': STAFF,
  'DELETE /api/v2/admin/promotions/:id': STAFF,
  'GET /api/v2/admin/promotions/:id/usage': STAFF,
  'GET /api/v2/admin/coupons': STAFF,
  'POST /api/v2/admin/coupons': STAFF,
  'POST /api/v2/admin/coupons/batch': STAFF,
  'GET /api/v2/admin/coupons/batch/:id': STAFF,
  'GET /api/v2/admin/coupons/batch/:id.csv': STAFF,
  'GET /api/v2/admin/coupons/:id': STAFF,
  'PATCH /api/v2/admin/coupons/:id': STAFF,
  'DELETE /api/v2/admin/coupons/:id': STAFF,
  'GET /api/v2/admin/coupons/:id/usage': STAFF,

  // webhooks: any signed-in account, its own endpoints only
  'GET /api/v2/webhooks/events': ANYONE,
  'POST /api/v2/webhooks': ANYONE,
  'GET /api/v2/webhooks': ANYONE,
  'GET /api/v2/webhooks/:id': ANYONE,
  'PATCH /api/v2/webhooks/:id': ANYONE,
  'DELETE /api/v2/webhooks/:id': ANYONE,
  'POST /api/v2/webhooks/:id/rotate-secret': ANYONE,
  'GET /api/v2/webhooks/:id/deliveries': ANYONE,
  'POST /api/v2/webhooks/:id/deliveries/:delivery_id/redeliver': ANYONE,

  // payments: the buyer its orders, a supplier its own parts (recording money too), staff all
  'GET /api/v2/orders/:id/payments': ['buyer', 'supplier', 'staff'],
  'GET /api/v2/orders/:id/parts/:part_id/invoice.pdf': ['buyer', 'supplier', 'staff'],
  'POST /api/v2/orders/:id/parts/:part_id/payments': SUPPLIER_OR_STAFF,
  'POST /api/v2/orders/:id/parts/:part_id/payments/:payment_id/void': SUPPLIER_OR_STAFF,
  'POST /api/v2/orders/:id/payments/card': BUYER,
  'POST /api/v2/admin/payments/statements': STAFF,
  'GET /api/v2/admin/payments/statements': STAFF,
  'GET /api/v2/admin/payments/statements/:id': STAFF,
  'POST /api/v2/supplier/payments/statements': SUPPLIER,
  'GET /api/v2/supplier/payments/statements': SUPPLIER,
  'GET /api/v2/supplier/payments/statements/:id': SUPPLIER,
  'GET /api/v2/admin/payments/refunds': STAFF,
  'POST /api/v2/admin/payments/refunds/:id/complete': STAFF,
  'GET /api/v2/admin/payments/notifications': STAFF,
  // providers call these: a sandbox notification is signed, YooKassa's is checked against its API
  'POST /api/v2/payments/notifications/:provider': PUBLIC,
  'GET /api/v2/payments/sandbox/:payment_id': PUBLIC,
};

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

function key(route: { method: string; url: string }): string {
  return `${route.method} ${route.url}`;
}

/** The declarations, comparable with the table (role lists in a fixed order). */
function declared(): Record<string, Allowed> {
  const table: Record<string, Allowed> = {};
  for (const route of t.app.routePermissions) {
    if (!route.url.startsWith('/api/v2/')) continue;
    table[key(route)] = typeof route.roles === 'string' ? route.roles : [...route.roles].sort();
  }
  return table;
}

function normalized(table: Record<string, Allowed>): Record<string, Allowed> {
  return Object.fromEntries(
    Object.entries(table).map(([route, allowed]) => [
      route,
      typeof allowed === 'string' ? allowed : [...allowed].sort(),
    ]),
  );
}

/** A concrete URL for a route pattern: every parameter a numeric id nobody has. */
function concrete(url: string): string {
  return url.replace(/:\w+(\([^)]*\))?/g, '999999').replace(/\*/g, 'x');
}

async function call(route: string, authorization?: { authorization: string }) {
  const [method, url] = route.split(' ');
  const withBody = ['POST', 'PUT', 'PATCH'].includes(method);
  return t.app.inject({
    method: method as 'GET',
    url: concrete(url),
    headers: authorization,
    ...(withBody ? { payload: {} } : {}),
  });
}

describe('permission matrix', () => {
  it('declares on every /api/v2 route exactly who the table says may call it', () => {
    const routes = declared();
    const missing = Object.keys(EXPECTED).filter((route) => !(route in routes));
    const unlisted = Object.keys(routes).filter((route) => !(route in EXPECTED));
    expect(missing, 'routes in the table that the app does not serve').toEqual([]);
    expect(unlisted, 'routes the app serves that the table does not list: add them').toEqual([]);
    expect(routes).toEqual(normalized(EXPECTED));
  });

  it('answers every route as the table says, for every kind of caller', async () => {
    const violations: string[] = [];
    let checked = 0;
    for (const [route, allowed] of Object.entries(EXPECTED)) {
      const name = `${route} [${allowed}]`;
      const anonymous = await call(route);
      checked += 1;
      if (allowed === 'public') {
        if (anonymous.statusCode === 401 || anonymous.statusCode === 403)
          violations.push(`${name} anonymous → ${anonymous.statusCode}, expected it to be let in`);
      } else if (anonymous.statusCode !== 401) {
        violations.push(`${name} anonymous → ${anonymous.statusCode}, expected 401`);
      } else if (!anonymous.headers['www-authenticate']) {
        violations.push(`${name} anonymous → 401 without WWW-Authenticate`);
      }

      for (const role of USER_ROLES) {
        const admitted = allowed === 'public' || allowed === 'authenticated' || allowed.includes(role);
        const res = await call(route, headers[role]);
        checked += 1;
        if (admitted && (res.statusCode === 401 || res.statusCode === 403)) {
          violations.push(
            `${name} ${role} → ${res.statusCode} (${res.json().code}), expected it to be let in`,
          );
        }
        if (!admitted && res.statusCode !== 403) {
          violations.push(`${name} ${role} → ${res.statusCode}, expected 403`);
        }
      }
    }
    expect(violations).toEqual([]);
    expect(checked).toBe(Object.keys(EXPECTED).length * 4);
  });
});
