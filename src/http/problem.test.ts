import { Type } from 'typebox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../test/helpers/app.ts';
import { users } from '../db/schema/users.ts';
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
      app.post('/test/duplicate', async () => {
        const row = { email: 'dup@example.test', passwordHash: 'x', role: 'buyer' as const };
        await app.runtime.db.insert(users).values(row);
        await app.runtime.db.insert(users).values(row);
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
