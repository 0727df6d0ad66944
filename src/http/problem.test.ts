import { count, like } from 'drizzle-orm';
import { Type } from 'typebox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../test/helpers/app.ts';
import { onPostgresServer } from '../../test/helpers/database.ts';
import type { Queryable } from '../db/client.ts';
import { accountTokens } from '../db/schema/accounts.ts';
import { users } from '../db/schema/users.ts';
import { transaction } from '../db/transaction.ts';
import { conflict } from './errors.ts';

let t: TestApp;

beforeAll(async () => {
  t = await buildTestApp({
    workers: false,
    register(app) {
      app.post(
        '/test/validate',
        {
          schema: {
            body: Type.Object(
              { email: Type.String({ format: 'email' }), quantity: Type.Integer({ minimum: 1 }) },
              { additionalProperties: false },
            ),
            response: { 200: Type.Object({ ok: Type.Boolean() }) },
          },
        },
        async () => ({ ok: true }),
      );
      app.post(
        '/test/union',
        {
          schema: {
            body: Type.Object({
              note: Type.Union([Type.String(), Type.Null()]),
              kind: Type.Union([Type.Literal('a'), Type.Literal('b'), Type.Null()]),
              tags: Type.Array(Type.String(), { uniqueItems: true }),
            }),
          },
        },
        async () => ({ ok: true }),
      );
      app.post('/test/duplicate', async () => {
        const row = { email: 'dup@example.test', passwordHash: 'x', role: 'buyer' as const };
        await app.runtime.db.insert(users).values(row);
        await app.runtime.db.insert(users).values(row);
        return { ok: true };
      });
      // A token of a user that does not exist: the foreign key refuses it.
      app.post('/test/dangling', async () => {
        const now = new Date();
        await app.runtime.db.insert(accountTokens).values({
          userId: 2_000_000_000,
          purpose: 'password_reset',
          tokenHash: 'dangling',
          createdAt: now,
          expiresAt: now,
        });
        return { ok: true };
      });
      // A token with a purpose outside the check constraint's list.
      app.post('/test/unchecked', async () => {
        const [user] = await app.runtime.db
          .insert(users)
          .values({ email: 'checked@example.test', passwordHash: 'x', role: 'buyer' })
          .returning({ id: users.id });
        const now = new Date();
        await app.runtime.db.insert(accountTokens).values({
          userId: user.id,
          purpose: 'bogus' as 'password_reset',
          tokenHash: 'unchecked',
          createdAt: now,
          expiresAt: now,
        });
        return { ok: true };
      });
      // The server reports a serialization failure (SQLSTATE 40001) on its own.
      app.post('/test/serialization-raised', async () => {
        await app.runtime.database.exec(
          `do $$ begin raise exception 'could not serialize access' using errcode = 'serialization_failure'; end $$`,
        );
        return { ok: true };
      });
      // Write skew between two serializable transactions: each counts the `skew` users, then adds
      // one. The second one to commit cannot be serialized. PostgreSQL server only: it takes two
      // sessions at once.
      app.post('/test/write-skew', async () => {
        const skewers = (db: Queryable) =>
          db.select({ n: count() }).from(users).where(like(users.email, 'skew-%'));
        await transaction(
          app.runtime,
          async ({ tx }) => {
            await skewers(tx);
            // The other transaction, on its own connection, reads and writes and commits meanwhile.
            await app.runtime.db.transaction(
              async (other) => {
                await skewers(other);
                await other
                  .insert(users)
                  .values({ email: 'skew-b@example.test', passwordHash: 'x', role: 'buyer' });
              },
              { isolationLevel: 'serializable' },
            );
            await tx.insert(users).values({ email: 'skew-a@example.test', passwordHash: 'x', role: 'buyer' });
          },
          { isolationLevel: 'serializable', retries: 0 },
        );
        return { ok: true };
      });
      app.get('/test/boom', async () => {
        throw new Error('secret internal detail: password=hunter2');
      });
      app.get('/test/conflict', async () => {
        throw conflict(
          'out_of_stock',
          { ru: 'Недостаточно товара', en: 'Not enough stock' },
          { lines: [{ offer_id: 7 }] },
        );
      });
    },
  });
});
afterAll(() => t?.close());

describe('problem+json', () => {
  it('reports every invalid field with its path', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/test/validate',
      payload: { email: 'nope', extra: 1 },
    });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    const body = res.json();
    expect(body).toMatchObject({
      status: 400,
      code: 'validation_failed',
      type: '/problems/validation_failed',
    });
    expect(body.title).toBe('Неверный запрос');
    const fields = body.errors.map((e: { field: string }) => e.field).sort();
    expect(fields).toEqual(['body.email', 'body.extra', 'body.quantity']);
    expect(body.errors.find((e: { field: string }) => e.field === 'body.quantity').message).toBe(
      'обязательное поле',
    );
  });

  it('answers in English on request', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/test/validate',
      headers: { 'accept-language': 'en-GB,en;q=0.9' },
      payload: { email: 'a@b.c' },
    });
    const body = res.json();
    expect(body.title).toBe('Bad request');
    expect(body.errors[0]).toEqual({
      field: 'body.quantity',
      message: "must have required property 'quantity'",
    });
  });

  it('says in one sentence, in the caller’s language, which values a choice allows', async () => {
    const ru = await t.app.inject({ method: 'GET', url: '/api/v2/products?sort=cheapest' });
    expect(ru.statusCode).toBe(400);
    expect(ru.json().errors).toEqual([
      { field: 'querystring.sort', message: 'допустимые значения: relevance, price, -price, name, new' },
    ]);
    expect(ru.json().detail).toBe(
      'querystring.sort: допустимые значения: relevance, price, -price, name, new',
    );
    const en = await t.app.inject({
      method: 'GET',
      url: '/api/v2/products?sort=cheapest',
      headers: { 'accept-language': 'en' },
    });
    expect(en.json().errors).toEqual([
      { field: 'querystring.sort', message: 'must be one of: relevance, price, -price, name, new' },
    ]);
    // Nothing of AJV's English in a Russian answer, whatever the keyword.
    const nullable = await t.app.inject({
      method: 'POST',
      url: '/test/union',
      payload: { note: { text: 'x' }, kind: 'c', tags: ['a', 'a'] },
    });
    expect(nullable.statusCode).toBe(400);
    expect(nullable.json().errors).toEqual([
      { field: 'body.note', message: 'должно быть: строка или null' },
      { field: 'body.kind', message: 'допустимые значения: a, b, null' },
      { field: 'body.tags', message: 'элементы не должны повторяться' },
    ]);
    expect(nullable.json().detail).not.toMatch(/must|schema|anyOf/);
  });

  it('turns an unknown route into a 404 problem', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/no/such/route' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ code: 'route_not_found', status: 404 });
  });

  it('translates a unique violation into 409 already_exists', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/test/duplicate' });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ code: 'already_exists', constraint: 'users_email_key' });
  });

  it('translates a foreign key violation into 409 referenced_record_conflict', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/test/dangling' });
    expect(res.statusCode).toBe(409);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.json()).toMatchObject({
      status: 409,
      code: 'referenced_record_conflict',
      type: '/problems/referenced_record_conflict',
      constraint: 'account_tokens_user_id_users_id_fk',
    });
  });

  it('translates a check violation into 422 constraint_violated', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/test/unchecked',
      headers: { 'accept-language': 'en' },
    });
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({
      status: 422,
      code: 'constraint_violated',
      detail: 'The data violate a constraint',
      constraint: 'account_tokens_purpose_check',
    });
  });

  it('translates a serialization failure into 409 concurrent_update', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/test/serialization-raised' });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ status: 409, code: 'concurrent_update' });
    expect(res.body).not.toContain('could not serialize');
  });

  it.skipIf(!onPostgresServer())(
    'translates a real serialization failure of two concurrent transactions (PostgreSQL server only: PGlite has one session)',
    async () => {
      const res = await t.app.inject({ method: 'POST', url: '/test/write-skew' });
      expect(res.statusCode).toBe(409);
      expect(res.json()).toMatchObject({ status: 409, code: 'concurrent_update' });
      // The first commit stands; the failed transaction left nothing.
      const rows = await t.runtime.db
        .select({ email: users.email })
        .from(users)
        .where(like(users.email, 'skew-%'));
      expect(rows.map((row) => row.email)).toEqual(['skew-b@example.test']);
    },
  );

  it('hides internals of a 500 and carries the request id', async () => {
    const res = await t.app.inject({
      method: 'GET',
      url: '/test/boom',
      headers: { 'x-request-id': 'req-42' },
    });
    expect(res.statusCode).toBe(500);
    expect(res.headers['x-request-id']).toBe('req-42');
    const body = res.json();
    expect(body).toMatchObject({ code: 'internal_error', request_id: 'req-42' });
    expect(res.body).not.toContain('hunter2');
    expect(res.body).not.toContain('secret internal');
    expect(body.detail).toContain('req-42');
  });

  it('keeps extra members of a typed error', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/test/conflict' });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({
      code: 'out_of_stock',
      detail: 'Недостаточно товара',
      lines: [{ offer_id: 7 }],
    });
  });

  it('gives every response a request id', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/health/live' });
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('rejects malformed JSON as a problem', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/test/validate',
      headers: { 'content-type': 'application/json' },
      payload: '{"email":',
    });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toMatch(/problem\+json/);
  });
});
