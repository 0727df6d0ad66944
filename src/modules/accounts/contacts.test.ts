// Delivery addresses: CRUD, validation, ownership (404 for other people's), and the limit of 5 under
// parallel creates.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authHeader, createContact } from '../../../test/factories/accounts.ts';
import { createUser } from '../../../test/factories.ts';
import { buildTestApp, type TestApp } from '../../../test/helpers/app.ts';
import { MAX_CONTACTS } from './contacts.service.ts';

let t: TestApp;

beforeAll(async () => {
  t = await buildTestApp({ workers: false });
});
afterAll(() => t?.close());

const ADDRESS = {
  city: 'Санкт-Петербург',
  street: 'Невский проспект',
  house: '28',
  structure: '',
  building: 'А',
  apartment: '4Н',
  phone: '8 (812) 448-23-55',
  recipient_name: 'Склад №2',
  comment: 'Приёмка с 9 до 18',
};

describe('contacts', () => {
  it('creates, lists, reads, changes and deletes an address', async () => {
    const user = await createUser(t.runtime);
    const headers = await authHeader(t, user);
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/v2/me/contacts',
      headers,
      payload: ADDRESS,
    });
    expect(created.statusCode, created.body).toBe(201);
    const contact = created.json();
    expect(contact).toMatchObject({ ...ADDRESS, phone: '88124482355' });

    const list = await t.app.inject({ method: 'GET', url: '/api/v2/me/contacts', headers });
    expect(list.json()).toEqual({ items: [contact], limit: MAX_CONTACTS });

    const one = await t.app.inject({ method: 'GET', url: `/api/v2/me/contacts/${contact.id}`, headers });
    expect(one.json()).toEqual(contact);

    const patched = await t.app.inject({
      method: 'PATCH',
      url: `/api/v2/me/contacts/${contact.id}`,
      headers,
      payload: { apartment: '5', comment: '' },
    });
    expect(patched.statusCode).toBe(200);
    expect(patched.json()).toMatchObject({ ...ADDRESS, phone: '88124482355', apartment: '5', comment: '' });

    const deleted = await t.app.inject({
      method: 'DELETE',
      url: `/api/v2/me/contacts/${contact.id}`,
      headers,
    });
    expect(deleted.statusCode).toBe(204);
    const gone = await t.app.inject({ method: 'GET', url: `/api/v2/me/contacts/${contact.id}`, headers });
    expect(gone.statusCode).toBe(404);
  });

  it('validates the fields', async () => {
    const user = await createUser(t.runtime);
    const headers = await authHeader(t, user);
    const missing = await t.app.inject({
      method: 'POST',
      url: '/api/v2/me/contacts',
      headers,
      payload: { house: '1' },
    });
    expect(missing.statusCode).toBe(400);
    expect(
      missing
        .json()
        .errors.map((e: { field: string }) => e.field)
        .sort(),
    ).toEqual(['body.city', 'body.phone', 'body.street']);
    const blank = await t.app.inject({
      method: 'POST',
      url: '/api/v2/me/contacts',
      headers: { ...headers, 'accept-language': 'en' },
      payload: { city: ' ', street: 'Lenina', phone: 'call me' },
    });
    expect(blank.statusCode).toBe(400);
    expect(blank.json().errors).toEqual([
      { field: 'body.city', message: 'cannot be empty' },
      { field: 'body.phone', message: 'Invalid phone number: 10–15 digits, e.g. +7 916 123-45-67' },
    ]);
  });

  it('limits the length of every address part, each with its own field message', async () => {
    const user = await createUser(t.runtime);
    const headers = await authHeader(t, user);
    const limits = {
      house: 50,
      structure: 50,
      building: 50,
      apartment: 50,
      recipient_name: 200,
      comment: 1000,
    };
    const tooLong = Object.fromEntries(
      Object.entries(limits).map(([field, max]) => [field, 'я'.repeat(max + 1)]),
    );
    const expected = (language: 'ru' | 'en') =>
      Object.entries(limits).map(([field, max]) => ({
        field: `body.${field}`,
        message:
          language === 'ru' ? `не длиннее ${max} символов` : `must NOT have more than ${max} characters`,
      }));
    for (const language of ['ru', 'en'] as const) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/v2/me/contacts',
        headers: { ...headers, 'accept-language': language },
        payload: { ...ADDRESS, ...tooLong },
      });
      expect(res.statusCode).toBe(400);
      expect(res.json().errors).toEqual(expect.arrayContaining(expected(language)));
      expect(res.json().errors).toHaveLength(Object.keys(limits).length);
    }
    // Exactly at the limit is fine, on create and on change.
    const atLimit = Object.fromEntries(
      Object.entries(limits).map(([field, max]) => [field, 'я'.repeat(max)]),
    );
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/v2/me/contacts',
      headers,
      payload: { ...ADDRESS, ...atLimit },
    });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json()).toMatchObject(atLimit);
    const patched = await t.app.inject({
      method: 'PATCH',
      url: `/api/v2/me/contacts/${created.json().id}`,
      headers,
      payload: tooLong,
    });
    expect(patched.statusCode).toBe(400);
    expect(patched.json().errors).toEqual(expect.arrayContaining(expected('ru')));
  });

  it('answers 404 for other people’s addresses and leaves them alone', async () => {
    const owner = await createUser(t.runtime);
    const stranger = await createUser(t.runtime);
    const contact = await createContact(t, owner);
    const headers = await authHeader(t, stranger);
    for (const method of ['GET', 'PATCH', 'DELETE'] as const) {
      const res = await t.app.inject({
        method,
        url: `/api/v2/me/contacts/${contact.id}`,
        headers,
        ...(method === 'PATCH' ? { payload: { city: 'Тула' } } : {}),
      });
      expect(res.statusCode, method).toBe(404);
      expect(res.json().code).toBe('contact_not_found');
    }
    const mine = await t.app.inject({
      method: 'GET',
      url: `/api/v2/me/contacts/${contact.id}`,
      headers: await authHeader(t, owner),
    });
    expect(mine.json().city).toBe('Москва');
  });

  it(`keeps at most ${MAX_CONTACTS} addresses`, async () => {
    const user = await createUser(t.runtime);
    for (let i = 0; i < MAX_CONTACTS; i += 1) await createContact(t, user, { street: `Улица ${i}` });
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v2/me/contacts',
      headers: await authHeader(t, user),
      payload: ADDRESS,
    });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ code: 'contacts_limit_reached', limit: MAX_CONTACTS });
  });

  it('holds the limit under 10 parallel creates', async () => {
    const user = await createUser(t.runtime);
    const headers = await authHeader(t, user);
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        t.app.inject({
          method: 'POST',
          url: '/api/v2/me/contacts',
          headers,
          payload: { ...ADDRESS, street: `Параллельная ${i}` },
        }),
      ),
    );
    const statuses = results.map((r) => r.statusCode);
    expect(statuses.filter((s) => s === 201)).toHaveLength(MAX_CONTACTS);
    expect(statuses.filter((s) => s === 409)).toHaveLength(10 - MAX_CONTACTS);
    const list = await t.app.inject({ method: 'GET', url: '/api/v2/me/contacts', headers });
    expect(list.json().items).toHaveLength(MAX_CONTACTS);
  });
});
