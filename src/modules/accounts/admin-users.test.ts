// Staff's user administration through HTTP: the paged list and its filters, role changes, blocking
// (login refused, every credential dead at once on v2 and v1), unblocking, the guards on self and
// the last staff, the confirmation email sent again, and the audit rows of each change.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authHeader, createApiTokenFor, loginAs } from '../../../test/factories/accounts.ts';
import { createBuyer, createStaff, createSupplier } from '../../../test/factories/orders.ts';
import { createUser, uniqueEmail } from '../../../test/factories.ts';
import { buildTestApp, type TestApp } from '../../../test/helpers/app.ts';
import { v1 } from '../../../test/helpers/v1.ts';

let t: TestApp;
let staff: Awaited<ReturnType<typeof createStaff>>;

beforeAll(async () => {
  t = await buildTestApp();
  staff = await createStaff(t);
});
afterAll(() => t?.close());

async function admin(
  method: 'GET' | 'PATCH' | 'POST',
  url: string,
  payload?: unknown,
  headers = staff.headers,
) {
  return t.app.inject({ method, url, headers, payload: payload as Record<string, unknown> });
}

async function auditOf(objectId: number) {
  const res = await admin('GET', `/api/v2/admin/audit?object_type=user&object_id=${objectId}`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json().items as { kind: string; actor_id: number; before: unknown; after: unknown }[];
}

describe('GET /api/v2/admin/users', () => {
  it('searches email, name and company, filters by role and state, and pages by cursor', async () => {
    const tag = `firma${Date.now()}`;
    const active = await createUser(t.runtime, { role: 'buyer', company: `ООО ${tag}` });
    const unconfirmed = await createUser(t.runtime, {
      role: 'buyer',
      company: `ООО ${tag}`,
      confirmed: false,
    });
    const blocked = await createUser(t.runtime, { role: 'supplier', company: `ООО ${tag}`, isActive: false });
    const byName = await createUser(t.runtime, { role: 'buyer', lastName: `Фамилия${tag}` });
    const byEmail = await createUser(t.runtime, { role: 'buyer', email: uniqueEmail(tag) });

    const ids = async (query: string) => {
      const res = await admin('GET', `/api/v2/admin/users?${query}`);
      expect(res.statusCode, res.body).toBe(200);
      return (res.json().items as { id: number }[]).map((u) => u.id);
    };
    expect(await ids(`q=${tag}`)).toEqual([byEmail.id, byName.id, blocked.id, unconfirmed.id, active.id]);
    expect(await ids(`q=${tag}&role=supplier`)).toEqual([blocked.id]);
    expect(await ids(`q=${tag}&state=blocked`)).toEqual([blocked.id]);
    expect(await ids(`q=${tag}&state=unconfirmed`)).toEqual([unconfirmed.id]);
    expect(await ids(`q=${tag}&state=active`)).toEqual([byEmail.id, byName.id, active.id]);
    expect(await ids(`q=${encodeURIComponent(`Иван Фамилия${tag}`)}`)).toEqual([byName.id]);
    expect(await ids('q=%25_nothing_%25')).toEqual([]);

    const first = (await admin('GET', `/api/v2/admin/users?q=${tag}&limit=2`)).json();
    expect(first.items.map((u: { id: number }) => u.id)).toEqual([byEmail.id, byName.id]);
    const second = (
      await admin('GET', `/api/v2/admin/users?q=${tag}&limit=2&cursor=${first.next_cursor}`)
    ).json();
    expect(second.items.map((u: { id: number }) => u.id)).toEqual([blocked.id, unconfirmed.id]);
    const third = (
      await admin('GET', `/api/v2/admin/users?q=${tag}&limit=2&cursor=${second.next_cursor}`)
    ).json();
    expect(third).toEqual({
      items: [expect.objectContaining({ id: active.id, state: 'active' })],
      next_cursor: null,
    });

    const one = await admin('GET', `/api/v2/admin/users/${blocked.id}`);
    expect(one.json()).toMatchObject({ id: blocked.id, role: 'supplier', state: 'blocked', blocked: true });
    expect((await admin('GET', '/api/v2/admin/users/999999')).statusCode).toBe(404);
    expect((await admin('GET', '/api/v2/admin/users?cursor=nonsense')).statusCode).toBe(400);
  });

  it('is for staff only', async () => {
    const buyer = await createBuyer(t);
    const supplier = await createSupplier(t);
    for (const who of [buyer, supplier]) {
      expect((await admin('GET', '/api/v2/admin/users', undefined, who.headers)).statusCode).toBe(403);
      expect(
        (await admin('GET', `/api/v2/admin/users/${who.user.id}`, undefined, who.headers)).statusCode,
      ).toBe(403);
      const patch = await admin(
        'PATCH',
        `/api/v2/admin/users/${who.user.id}`,
        { role: 'staff' },
        who.headers,
      );
      expect(patch.statusCode).toBe(403);
    }
    expect((await t.app.inject({ method: 'GET', url: '/api/v2/admin/users' })).statusCode).toBe(401);
  });
});

describe('blocking', () => {
  it('refuses login with account_blocked and ends every credential at once, on v2 and v1', async () => {
    const user = await createUser(t.runtime, { role: 'buyer' });
    const session = await loginAs(t, user);
    const apiToken = await createApiTokenFor(t, user);
    const v1Login = await v1(t, 'POST', 'user/login', {
      body: { email: user.email, password: user.password },
    });
    const v1Token = v1Login.json().Token as string;
    expect(
      (await t.app.inject({ method: 'GET', url: '/api/v2/me', headers: session.headers })).statusCode,
    ).toBe(200);
    expect((await v1(t, 'GET', 'user/details', { token: v1Token })).statusCode).toBe(200);

    const blocked = await admin('PATCH', `/api/v2/admin/users/${user.id}`, {
      blocked: true,
      blocked_reason: 'Мошенничество',
    });
    expect(blocked.statusCode, blocked.body).toBe(200);
    expect(blocked.json()).toMatchObject({
      state: 'blocked',
      blocked: true,
      blocked_reason: 'Мошенничество',
    });

    const login = await t.app.inject({
      method: 'POST',
      url: '/api/v2/auth/login',
      payload: { email: user.email, password: user.password },
    });
    expect(login.statusCode).toBe(403);
    expect(login.json().code).toBe('account_blocked');
    const v1Refused = await v1(t, 'POST', 'user/login', {
      body: { email: user.email, password: user.password },
    });
    expect(v1Refused.json().Status).toBe(false);

    const me = (authorization: string) =>
      t.app.inject({ method: 'GET', url: '/api/v2/me', headers: { authorization } });
    const ended = await me(session.headers.authorization);
    expect(ended.statusCode).toBe(401);
    expect(ended.json().code).toBe('account_blocked');
    expect((await me(`Bearer ${apiToken.token}`)).statusCode).toBe(401);
    expect((await me(`Token ${v1Token}`)).statusCode).toBe(401);
    expect((await v1(t, 'GET', 'user/details', { token: v1Token })).statusCode).toBe(401);
    expect((await v1(t, 'GET', 'user/details', { token: apiToken.token })).statusCode).toBe(401);
    const refresh = await t.app.inject({
      method: 'POST',
      url: '/api/v2/auth/refresh',
      payload: { refresh_token: session.refreshToken },
    });
    expect(refresh.statusCode).toBe(401);

    const unblocked = await admin('PATCH', `/api/v2/admin/users/${user.id}`, { blocked: false });
    expect(unblocked.json()).toMatchObject({ state: 'active', blocked: false, blocked_reason: null });
    const again = await loginAs(t, user);
    expect((await me(again.headers.authorization)).statusCode).toBe(200);
    // Sessions ended by the block stay ended; API tokens live again with the account.
    expect((await me(session.headers.authorization)).statusCode).toBe(401);
    expect((await me(`Bearer ${apiToken.token}`)).statusCode).toBe(200);

    const kinds = (await auditOf(user.id)).map((e) => [e.kind, e.actor_id]);
    expect(kinds).toEqual([
      ['user.unblocked', staff.user.id],
      ['user.blocked', staff.user.id],
    ]);
  });

  it('refuses to block oneself and to demote or block the last active staff', async () => {
    const self = await admin('PATCH', `/api/v2/admin/users/${staff.user.id}`, { blocked: true });
    expect(self.statusCode).toBe(409);
    expect(self.json().code).toBe('cannot_block_self');

    const other = await createStaff(t);
    const demoted = await admin('PATCH', `/api/v2/admin/users/${other.user.id}`, { role: 'buyer' });
    expect(demoted.statusCode, demoted.body).toBe(200);
    // Only `staff` is active staff in this file now.
    const staffLeft = (await admin('GET', '/api/v2/admin/users?role=staff&state=active')).json().items;
    expect(staffLeft.map((u: { id: number }) => u.id)).toEqual([staff.user.id]);
    const last = await admin('PATCH', `/api/v2/admin/users/${staff.user.id}`, { role: 'buyer' });
    expect(last.statusCode).toBe(409);
    expect(last.json().code).toBe('last_staff');
    // A refused change leaves no audit row.
    expect(await auditOf(staff.user.id)).toEqual([]);
  });

  it('audits role changes and gives a new supplier its shop', async () => {
    const user = await createUser(t.runtime, { role: 'buyer', company: 'ООО Новый поставщик' });
    const res = await admin('PATCH', `/api/v2/admin/users/${user.id}`, { role: 'supplier' });
    expect(res.json()).toMatchObject({ role: 'supplier' });
    const headers = await authHeader(t, { id: user.id, role: 'supplier' });
    const shop = await t.app.inject({ method: 'GET', url: '/api/v2/supplier/shop', headers });
    expect(shop.statusCode, shop.body).toBe(200);
    expect(shop.json().name).toBe('ООО Новый поставщик');
    expect(await auditOf(user.id)).toEqual([
      expect.objectContaining({
        kind: 'user.role_changed',
        before: { role: 'buyer' },
        after: { role: 'supplier' },
      }),
    ]);
  });
});

describe('POST /api/v2/admin/users/:id/resend-confirmation', () => {
  it('sends the confirmation email to an unconfirmed account, refuses a confirmed one', async () => {
    const user = await createUser(t.runtime, { role: 'buyer', confirmed: false });
    const res = await admin('POST', `/api/v2/admin/users/${user.id}/resend-confirmation`);
    expect(res.statusCode, res.body).toBe(204);
    const mail = await t.mail.waitFor((m) => m.recipients.includes(user.email));
    expect(mail.text).toContain('confirm-email');
    const confirmed = await admin('POST', `/api/v2/admin/users/${staff.user.id}/resend-confirmation`);
    expect(confirmed.statusCode).toBe(409);
    expect(confirmed.json().code).toBe('email_already_confirmed');
  });
});
