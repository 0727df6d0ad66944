// Staff accounts from `npm run create-staff`: the same password rules as everyone, then a normal login.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uniqueEmail } from '../../../test/factories.ts';
import { buildTestApp, type TestApp } from '../../../test/helpers/app.ts';
import { AppError } from '../../http/errors.ts';
import { createOrPromoteStaff } from './staff.service.ts';

let t: TestApp;

beforeAll(async () => {
  t = await buildTestApp({ workers: false });
});
afterAll(() => t?.close());

describe('createOrPromoteStaff', () => {
  it('applies every password rule', async () => {
    const error = await createOrPromoteStaff(t.runtime, {
      email: uniqueEmail('admin'),
      password: '12345678',
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).errors?.map((e) => [e.field, (e.message as { en: string }).en])).toEqual([
      ['password', 'This password is entirely numeric.'],
      ['password', 'This password is too common.'],
    ]);
    const similar = await createOrPromoteStaff(t.runtime, {
      email: 'olga.sidorova@example.test',
      password: 'sidorova!',
    }).catch((e: unknown) => e as AppError);
    expect((similar as AppError).errors?.[0].field).toBe('password');
  });

  it('creates a confirmed staff account that logs in', async () => {
    const email = uniqueEmail('admin');
    const created = await createOrPromoteStaff(t.runtime, {
      email: ` ${email.toUpperCase()} `,
      password: 'Sklad-Admin-2026',
    });
    expect(created).toMatchObject({ email, created: true });
    const login = await t.app.inject({
      method: 'POST',
      url: '/api/v2/auth/login',
      payload: { email, password: 'Sklad-Admin-2026' },
    });
    expect(login.statusCode).toBe(200);
    const me = await t.app.inject({
      method: 'GET',
      url: '/api/v2/me',
      headers: { authorization: `Bearer ${login.json().access_token}` },
    });
    expect(me.json()).toMatchObject({ role: 'staff', email_confirmed: true });
  });
});
