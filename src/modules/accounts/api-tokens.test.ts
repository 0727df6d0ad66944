// API tokens: created and shown once, accepted as Bearer and as Token, last use recorded, refused
// after expiry, deletion or blocking; managed only from a login session.
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authHeader, createApiTokenFor } from '../../../test/factories/accounts.ts';
import { createUser } from '../../../test/factories.ts';
import { buildTestApp, type TestApp } from '../../../test/helpers/app.ts';
import { apiTokens } from '../../db/schema/accounts.ts';
import { users } from '../../db/schema/users.ts';
import { MAX_API_TOKENS } from './api-tokens.service.ts';
import { hashToken } from './tokens.ts';

let t: TestApp;

beforeAll(async () => {
  t = await buildTestApp({ workers: false });
});
afterAll(() => t?.close());

function me(authorization: string) {
  return t.app.inject({ method: 'GET', url: '/api/v2/me', headers: { authorization } });
}

describe('API tokens', () => {
  it('creates a token shown once, stored hashed, accepted in both header styles', async () => {
    const user = await createUser(t.runtime, { role: 'supplier' });
    const headers = await authHeader(t, user);
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v2/me/api-tokens',
      headers,
      payload: { name: '1C price list sync' },
    });
    expect(res.statusCode, res.body).toBe(201);
    const created = res.json();
    expect(created.token).toMatch(/^zk_[A-Za-z0-9_-]{43}$/);
    expect(created).toMatchObject({ name: '1C price list sync', expires_at: null, last_used_at: null });
    expect(created.token.startsWith(created.prefix)).toBe(true);

    const [row] = await t.runtime.db.select().from(apiTokens).where(eq(apiTokens.id, created.id));
    expect(row.tokenHash).toBe(hashToken(created.token));
    expect(JSON.stringify(row)).not.toContain(created.token);

    const bearer = await me(`Bearer ${created.token}`);
    expect(bearer.statusCode).toBe(200);
    expect(bearer.json()).toMatchObject({ id: user.id, role: 'supplier' });
    expect((await me(`Token ${created.token}`)).statusCode).toBe(200);

    const list = await t.app.inject({ method: 'GET', url: '/api/v2/me/api-tokens', headers });
    expect(list.statusCode).toBe(200);
    expect(list.json().items).toEqual([
      expect.objectContaining({ id: created.id, name: '1C price list sync', prefix: created.prefix }),
    ]);
    expect(list.body).not.toContain(created.token);
    expect(list.json().items[0].last_used_at).not.toBeNull();
  });

  it('records the last use at most once a minute', async () => {
    const user = await createUser(t.runtime);
    const { id, token } = await createApiTokenFor(t, user);
    const lastUsed = async () =>
      (await t.runtime.db.select().from(apiTokens).where(eq(apiTokens.id, id)))[0].lastUsedAt;
    await me(`Token ${token}`);
    const first = await lastUsed();
    expect(first).not.toBeNull();
    t.clock.advance(30_000);
    await me(`Token ${token}`);
    expect(await lastUsed()).toEqual(first);
    t.clock.advance(31_000);
    await me(`Token ${token}`);
    expect((await lastUsed())!.getTime()).toBeGreaterThan(first!.getTime());
    t.clock.advance(-61_000);
  });

  it('refuses a token after deletion, and after its expiry', async () => {
    const user = await createUser(t.runtime);
    const headers = await authHeader(t, user);
    const { id, token } = await createApiTokenFor(t, user);
    expect((await me(`Bearer ${token}`)).statusCode).toBe(200);
    const deleted = await t.app.inject({ method: 'DELETE', url: `/api/v2/me/api-tokens/${id}`, headers });
    expect(deleted.statusCode).toBe(204);
    const after = await me(`Bearer ${token}`);
    expect(after.statusCode).toBe(401);
    expect(after.json().code).toBe('invalid_token');

    const expiring = await t.app.inject({
      method: 'POST',
      url: '/api/v2/me/api-tokens',
      headers,
      payload: { name: 'one day', expires_at: new Date(Date.now() + 86_400_000).toISOString() },
    });
    expect(expiring.statusCode).toBe(201);
    expect((await me(`Token ${expiring.json().token}`)).statusCode).toBe(200);
    t.clock.advance(86_400_000 + 60_000);
    try {
      expect((await me(`Token ${expiring.json().token}`)).statusCode).toBe(401);
    } finally {
      t.clock.advance(-(86_400_000 + 60_000));
    }

    const past = await t.app.inject({
      method: 'POST',
      url: '/api/v2/me/api-tokens',
      headers,
      payload: { name: 'already over', expires_at: '2020-01-01T00:00:00Z' },
    });
    expect(past.statusCode).toBe(400);
    expect(past.json().errors[0].field).toBe('body.expires_at');
  });

  it('refuses the token of a blocked account', async () => {
    const user = await createUser(t.runtime);
    const { token } = await createApiTokenFor(t, user);
    await t.runtime.db.update(users).set({ isActive: false }).where(eq(users.id, user.id));
    expect((await me(`Token ${token}`)).statusCode).toBe(401);
  });

  it('hides other people’s tokens: deleting one is 404', async () => {
    const owner = await createUser(t.runtime);
    const stranger = await createUser(t.runtime);
    const { id, token } = await createApiTokenFor(t, owner);
    const res = await t.app.inject({
      method: 'DELETE',
      url: `/api/v2/me/api-tokens/${id}`,
      headers: await authHeader(t, stranger),
    });
    expect(res.statusCode).toBe(404);
    expect(res.json().code).toBe('api_token_not_found');
    const list = await t.app.inject({
      method: 'GET',
      url: '/api/v2/me/api-tokens',
      headers: await authHeader(t, stranger),
    });
    expect(list.json().items).toEqual([]);
    expect((await me(`Token ${token}`)).statusCode).toBe(200);
  });

  it('does not let an API token manage API tokens', async () => {
    const user = await createUser(t.runtime);
    const { token } = await createApiTokenFor(t, user);
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v2/me/api-tokens',
      headers: { authorization: `Token ${token}` },
      payload: { name: 'successor' },
    });
    expect(res.statusCode).toBe(403);
    expect(res.json().code).toBe('login_session_required');
  });

  it(`keeps at most ${MAX_API_TOKENS} tokens per account`, async () => {
    const user = await createUser(t.runtime);
    for (let i = 0; i < MAX_API_TOKENS; i += 1) await createApiTokenFor(t, user, { name: `token ${i}` });
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v2/me/api-tokens',
      headers: await authHeader(t, user),
      payload: { name: 'one too many' },
    });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ code: 'api_tokens_limit_reached', limit: MAX_API_TOKENS });
  });
});
