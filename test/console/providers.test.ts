// The console's data and auth providers (console/src) against a real server: the application on
// a free port with a fresh database, called over HTTP through the generated client exactly as
// the console does in the browser (sessionStorage stood in for by a Map).
import type { AddressInfo } from 'node:net';
import { HttpError } from 'ra-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuthProvider, SESSION_ENDED } from '../../console/src/authProvider.ts';
import { cleanQuery, createDataProvider } from '../../console/src/dataProvider.ts';
import { fieldErrors } from '../../console/src/problems.ts';
import { createSession, REFRESH_KEY, restoreSession, type TokenStore } from '../../console/src/session.ts';
import { findOrCreateCategory } from '../factories/catalog.ts';
import { createBuyer, createStaff, createSupplier } from '../factories/orders.ts';
import { buildTestApp, type TestApp } from '../helpers/app.ts';

let t: TestApp;
let baseUrl: string;

beforeAll(async () => {
  t = await buildTestApp({ workers: false });
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  baseUrl = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
});
afterAll(async () => t?.close());

class MemoryStore implements TokenStore {
  values = new Map<string, string>();
  getItem(key: string) {
    return this.values.get(key) ?? null;
  }
  setItem(key: string, value: string) {
    this.values.set(key, value);
  }
  removeItem(key: string) {
    this.values.delete(key);
  }
}

function countingFetch() {
  const calls: string[] = [];
  const fetchImpl: typeof fetch = (input, init) => {
    const request = input instanceof Request ? input : new Request(input, init);
    const url = new URL(request.url);
    calls.push(`${request.method} ${url.pathname}${url.search}`);
    return fetch(request);
  };
  return { calls, fetchImpl };
}

async function refreshStatus(refreshToken: string): Promise<number> {
  const response = await fetch(`${baseUrl}/api/v2/auth/refresh`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ refresh_token: refreshToken }),
  });
  return response.status;
}

const THIRTY_ONE_DAYS = 31 * 86_400_000;

describe('auth provider', () => {
  it('signs in, keeps only the refresh token in the store, knows the role, and logs out', async () => {
    const supplier = await createSupplier(t);
    const store = new MemoryStore();
    const session = createSession({ baseUrl, store });
    const auth = createAuthProvider(session);
    await expect(auth.checkAuth({})).rejects.toEqual({ message: false });

    await auth.login({ username: supplier.user.email, password: supplier.user.password });
    const kept = store.getItem(REFRESH_KEY);
    expect(kept).toBeTruthy();
    // The access token is not persisted anywhere.
    expect([...store.values.values()]).toEqual([kept]);
    await expect(auth.checkAuth({})).resolves.toBeUndefined();
    expect(await auth.getPermissions!({})).toBe('supplier');
    expect((await auth.getIdentity!()).email).toBe(supplier.user.email);

    await auth.logout({});
    expect(store.getItem(REFRESH_KEY)).toBeNull();
    // Logout revoked the refresh token on the server, and is not an "ended session".
    expect(await refreshStatus(kept!)).toBe(401);
    await expect(auth.checkAuth({})).rejects.toEqual({ message: false });
  });

  it('shows the server’s own words when a login is refused, in the chosen language', async () => {
    const buyer = await createBuyer(t);
    const session = createSession({ baseUrl, store: new MemoryStore() });
    const auth = createAuthProvider(session);
    session.setLanguage('en');
    const english = await auth.login({ email: buyer.user.email, password: 'wrong password' }).catch((e) => e);
    session.setLanguage('ru');
    const russian = await auth.login({ email: buyer.user.email, password: 'wrong password' }).catch((e) => e);
    expect(english).toBeInstanceOf(Error);
    expect(russian).toBeInstanceOf(Error);
    expect(english.message).toMatch(/[a-z]/i);
    expect(russian.message).toMatch(/[а-яё]/i);
    expect(english.message).not.toBe(russian.message);
  });

  it('after a reload, restores the session from the kept refresh token, rotating it once', async () => {
    const staff = await createStaff(t);
    const store = new MemoryStore();
    const first = createSession({ baseUrl, store });
    await createAuthProvider(first).login({ email: staff.user.email, password: staff.user.password });
    const kept = store.getItem(REFRESH_KEY)!;

    // A reload: a new page, the same tab's storage.
    const { calls, fetchImpl } = countingFetch();
    const restored = await restoreSession({ baseUrl, store, fetch: fetchImpl });
    const auth = createAuthProvider(restored);
    expect(await auth.getPermissions!({})).toBe('staff');
    expect(calls).toEqual(['POST /api/v2/auth/refresh', 'GET /api/v2/me']);
    const rotated = store.getItem(REFRESH_KEY)!;
    expect(rotated).not.toBe(kept);
    // The spent token is dead; the rotated one lives.
    expect(await refreshStatus(kept)).toBe(401);
  });

  it('an ended session (refresh refused) sends the person to the login page with a message', async () => {
    const staff = await createStaff(t);
    const store = new MemoryStore();
    const session = createSession({ baseUrl, store });
    const auth = createAuthProvider(session);
    const data = createDataProvider(session.client);
    await auth.login({ email: staff.user.email, password: staff.user.password });

    // Both tokens run out: the call gets a 401 the refresh cannot fix.
    t.clock.advance(THIRTY_ONE_DAYS);
    const failure = await data.getOne('shops', { id: 1 }).catch((e) => e);
    expect(failure).toBeInstanceOf(HttpError);
    expect(failure.status).toBe(401);
    await expect(auth.checkError(failure)).rejects.toEqual({ message: SESSION_ENDED });
    await expect(auth.checkAuth({})).rejects.toEqual({ message: SESSION_ENDED });
    expect(store.getItem(REFRESH_KEY)).toBeNull();

    // A reload with a dead refresh token says the same on the login page.
    store.setItem(REFRESH_KEY, 'zk-dead-token');
    const reloaded = await restoreSession({ baseUrl, store });
    expect(reloaded.endedByServer()).toBe(true);
    expect(store.getItem(REFRESH_KEY)).toBeNull();
  });

  it('a 403 or 404 is not a reason to sign out', async () => {
    const auth = createAuthProvider(createSession({ baseUrl, store: new MemoryStore() }));
    await expect(auth.checkError({ status: 403 })).resolves.toBeUndefined();
    await expect(auth.checkError({ status: 404 })).resolves.toBeUndefined();
  });
});

describe('data provider', () => {
  it('pages a keyset list: one request per page, cursors remembered, a far page walked to', async () => {
    for (let i = 0; i < 5; i += 1) await findOrCreateCategory(t.runtime, `Категория для страниц ${i}`);
    const staff = await createStaff(t);
    const { calls, fetchImpl } = countingFetch();
    const session = createSession({ baseUrl, store: new MemoryStore(), fetch: fetchImpl });
    await session.client.login({ email: staff.user.email, password: staff.user.password });
    const data = createDataProvider(session.client);
    const params = (page: number) => ({
      pagination: { page, perPage: 2 },
      sort: { field: 'id', order: 'ASC' as const },
      filter: {},
    });
    const all = (
      await session.client.api.GET('/api/v2/admin/categories', { params: { query: { limit: 100 } } })
    ).data!.items.map((c) => c.id);
    expect(all.length).toBeGreaterThanOrEqual(5);
    calls.length = 0;

    const first = await data.getList('categories', params(1));
    const second = await data.getList('categories', params(2));
    expect(first.data.map((c) => c.id)).toEqual(all.slice(0, 2));
    expect(second.data.map((c) => c.id)).toEqual(all.slice(2, 4));
    expect(first.pageInfo).toEqual({ hasNextPage: true, hasPreviousPage: false });
    expect(second.pageInfo?.hasPreviousPage).toBe(true);
    expect(calls).toHaveLength(2);
    expect(calls[0]).toBe('GET /api/v2/admin/categories?limit=2');
    expect(calls[1]).toMatch(/^GET \/api\/v2\/admin\/categories\?limit=2&cursor=/);

    // Back to page 1 and forward to 2 again: one request each, from the remembered cursors.
    calls.length = 0;
    expect((await data.getList('categories', params(2))).data).toEqual(second.data);
    expect(calls).toHaveLength(1);

    // A fresh provider asked for the last page walks forward from page 1.
    const lastPage = Math.ceil(all.length / 2);
    calls.length = 0;
    const fresh = createDataProvider(session.client);
    const last = await fresh.getList('categories', params(lastPage));
    expect(last.data.map((c) => c.id)).toEqual(all.slice((lastPage - 1) * 2));
    expect(last.pageInfo).toEqual({ hasNextPage: false, hasPreviousPage: lastPage > 1 });
    expect(calls).toHaveLength(lastPage);
  });

  it('updates only the changed fields and maps problem errors[] onto the fields they name', async () => {
    const staff = await createStaff(t);
    const supplier = await createSupplier(t);
    const { calls, fetchImpl } = countingFetch();
    const session = createSession({ baseUrl, store: new MemoryStore(), fetch: fetchImpl });
    await session.client.login({ email: staff.user.email, password: staff.user.password });
    const data = createDataProvider(session.client);

    const { data: shop } = await data.getOne('shops', { id: supplier.shop.id });
    expect(shop.name).toBe(supplier.shop.name);
    const { data: saved } = await data.update('shops', {
      id: shop.id,
      data: { ...shop, accepting_orders: false },
      previousData: shop,
    });
    expect(saved.accepting_orders).toBe(false);
    // Only the change went out (a PATCH must not resend read-only fields such as created_at).
    expect(calls.at(-1)).toBe(`PATCH /api/v2/admin/shops/${shop.id}`);

    const refused = await data
      .update('shops', { id: shop.id, data: { ...saved, name: '' }, previousData: saved })
      .catch((e) => e);
    expect(refused).toBeInstanceOf(HttpError);
    expect(refused.status).toBe(400);
    expect(refused.body.code).toBe('validation_failed');
    expect(refused.body.errors.name).toEqual(expect.any(String));
    expect(refused.body.errors.root.serverError).toEqual(expect.any(String));

    const missing = await data.getOne('shops', { id: 999_999 }).catch((e) => e);
    expect(missing).toBeInstanceOf(HttpError);
    expect(missing.status).toBe(404);
  });

  it('leaves empty filter values out and nests dotted field paths', () => {
    expect(cleanQuery({ q: '', state: 'new', shop_id: null, buyer_id: undefined, hidden: false })).toEqual({
      state: 'new',
      hidden: false,
    });
    expect(
      fieldErrors({
        type: 'about:blank',
        title: 'Bad',
        status: 400,
        code: 'validation_failed',
        errors: [
          { field: 'body.billing_details.inn', message: 'ИНН: 10 или 12 цифр' },
          { field: 'body.name', message: 'Пусто' },
          { field: 'query.limit', message: 'Слишком много' },
        ],
      }),
    ).toEqual({ billing_details: { inn: 'ИНН: 10 или 12 цифр' }, name: 'Пусто', limit: 'Слишком много' });
  });
});
