// The profile at /api/v2/me: names, phone, language, billing details with check digits, and the
// password change.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authHeader, loginAs } from '../../../test/factories/accounts.ts';
import { createUser } from '../../../test/factories.ts';
import { buildTestApp, type TestApp } from '../../../test/helpers/app.ts';

let t: TestApp;

beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(() => t?.close());

async function patchMe(
  user: { id: number; role: 'buyer' | 'supplier' | 'staff' },
  payload: unknown,
  lang?: string,
) {
  return t.app.inject({
    method: 'PATCH',
    url: '/api/v2/me',
    headers: { ...(await authHeader(t, user)), ...(lang ? { 'accept-language': lang } : {}) },
    payload: payload as object,
  });
}

const SBERBANK = {
  legal_name: 'ПАО Сбербанк',
  inn: '7707083893',
  kpp: '773601001',
  ogrn: '1027700132195',
  bank_bik: '044525225',
  settlement_account: '40702810138250123017',
  correspondent_account: '30101810400000000225',
};

describe('GET/PATCH /api/v2/me', () => {
  it('shows the profile and changes only the fields given', async () => {
    const user = await createUser(t.runtime, { firstName: 'Иван', company: 'ООО Ромашка' });
    const me = await t.app.inject({ method: 'GET', url: '/api/v2/me', headers: await authHeader(t, user) });
    expect(me.statusCode).toBe(200);
    expect(me.json()).toMatchObject({
      id: user.id,
      email: user.email,
      role: 'buyer',
      first_name: 'Иван',
      company: 'ООО Ромашка',
      phone: null,
      preferred_language: 'ru',
      email_confirmed: true,
      billing_details: { inn: null, bank_bik: null },
    });
    expect(me.json()).not.toHaveProperty('password_hash');

    const res = await patchMe(user, {
      position: ' Руководитель закупок ',
      phone: '+7 (916) 123-45-67',
      preferred_language: 'en',
      billing_details: SBERBANK,
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      first_name: 'Иван',
      position: 'Руководитель закупок',
      phone: '+79161234567',
      preferred_language: 'en',
      billing_details: SBERBANK,
    });

    // Partial billing change keeps the rest; null clears one.
    const cleared = await patchMe(user, {
      billing_details: { legal_name: 'ПАО «Сбербанк России»', kpp: null },
    });
    expect(cleared.json().billing_details).toMatchObject({
      ...SBERBANK,
      legal_name: 'ПАО «Сбербанк России»',
      kpp: null,
    });
  });

  it('speaks the user’s preferred language without Accept-Language', async () => {
    const user = await createUser(t.runtime, { preferredLanguage: 'en' });
    const res = await patchMe(user, { billing_details: { inn: '7707083894' } });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors).toEqual([
      { field: 'body.billing_details.inn', message: 'The INN check digit is wrong' },
    ]);
  });

  it('gives a clear field error for every billing detail', async () => {
    const user = await createUser(t.runtime);
    const res = await patchMe(user, {
      billing_details: {
        inn: '7707083894',
        kpp: '77360100',
        ogrn: '1027700132196',
        bank_bik: '04452522',
        settlement_account: '40702810138250123017',
        correspondent_account: '3010181040000000022',
      },
    });
    expect(res.statusCode).toBe(400);
    const errors = Object.fromEntries(
      res.json().errors.map((e: { field: string; message: string }) => [e.field, e.message]),
    );
    expect(errors).toEqual({
      'body.billing_details.inn': 'Неверное контрольное число ИНН',
      'body.billing_details.kpp':
        'КПП должен состоять из 9 знаков: 4 цифры, 2 цифры или заглавные латинские буквы, 3 цифры',
      'body.billing_details.ogrn': 'Неверное контрольное число ОГРН',
      'body.billing_details.bank_bik': 'БИК должен состоять из 9 цифр',
      'body.billing_details.settlement_account': 'Укажите БИК банка: расчётный счёт проверяется вместе с ним',
      'body.billing_details.correspondent_account': 'Корреспондентский счёт должен состоять из 20 цифр',
    });
    // Nothing was stored.
    const me = await t.app.inject({ method: 'GET', url: '/api/v2/me', headers: await authHeader(t, user) });
    expect(me.json().billing_details.inn).toBeNull();
  });

  it('checks accounts against the stored BIK, and cross-checks INN with KPP and OGRN', async () => {
    const user = await createUser(t.runtime);
    expect((await patchMe(user, { billing_details: { bank_bik: '044525974' } })).statusCode).toBe(200);
    const res = await patchMe(user, {
      billing_details: {
        settlement_account: '40702810138250123017',
        correspondent_account: '30101810400000000225',
      },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors.map((e: { field: string }) => e.field)).toEqual([
      'body.billing_details.settlement_account',
      'body.billing_details.correspondent_account',
    ]);

    const sole = await patchMe(user, {
      billing_details: { inn: '500100732259', kpp: '773601001', ogrn: '1027700132195' },
    });
    expect(sole.statusCode).toBe(400);
    expect(sole.json().errors.map((e: { field: string }) => e.field)).toEqual([
      'body.billing_details.kpp',
      'body.billing_details.ogrn',
    ]);
    const fine = await patchMe(user, { billing_details: { inn: '5001 0073 2259', ogrn: '304500116000157' } });
    expect(fine.statusCode, fine.body).toBe(200);
    expect(fine.json().billing_details).toMatchObject({ inn: '500100732259', ogrn: '304500116000157' });
  });

  it('validates names, phone and language', async () => {
    const user = await createUser(t.runtime);
    const res = await patchMe(user, { first_name: ' ', phone: '12-34' });
    expect(res.statusCode).toBe(400);
    expect(
      res
        .json()
        .errors.map((e: { field: string }) => e.field)
        .sort(),
    ).toEqual(['body.first_name', 'body.phone']);
    const language = await patchMe(user, { preferred_language: 'de' });
    expect(language.statusCode).toBe(400);
    expect(language.json().errors[0].field).toBe('body.preferred_language');
    const empty = await patchMe(user, {});
    expect(empty.statusCode).toBe(400);
    const email = await patchMe(user, { email: 'new@example.test' });
    expect(email.statusCode).toBe(400);
    expect(email.json().errors[0].field).toBe('body.email');
  });
});

describe('POST /api/v2/me/password', () => {
  function change(headers: Record<string, string>, payload: unknown) {
    return t.app.inject({ method: 'POST', url: '/api/v2/me/password', headers, payload: payload as object });
  }

  it('needs the current password and applies the password rules', async () => {
    const user = await createUser(t.runtime, { firstName: 'Margarita' });
    const headers = await authHeader(t, user);
    const wrong = await change(headers, {
      current_password: 'Not-My-Password-1',
      new_password: 'Novyi-Parol-2026',
    });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().errors).toEqual([
      { field: 'body.current_password', message: 'Неверный текущий пароль' },
    ]);
    const weak = await change(headers, { current_password: user.password, new_password: 'margarita1' });
    expect(weak.statusCode).toBe(400);
    expect(weak.json().errors).toEqual([
      { field: 'body.new_password', message: 'Пароль слишком похож на имя.' },
    ]);
  });

  it('changes it, keeps this session, ends the others and sends an email', async () => {
    const user = await createUser(t.runtime);
    const mine = await loginAs(t, user);
    const other = await loginAs(t, user);
    const res = await change(mine.headers, {
      current_password: user.password,
      new_password: 'Novyi-Parol-2026',
    });
    expect(res.statusCode, res.body).toBe(204);

    const refresh = (token: string) =>
      t.app.inject({ method: 'POST', url: '/api/v2/auth/refresh', payload: { refresh_token: token } });
    expect((await refresh(mine.refreshToken)).statusCode).toBe(200);
    expect((await refresh(other.refreshToken)).statusCode).toBe(401);

    const login = (password: string) =>
      t.app.inject({ method: 'POST', url: '/api/v2/auth/login', payload: { email: user.email, password } });
    expect((await login('Novyi-Parol-2026')).statusCode).toBe(200);
    expect((await login(user.password)).statusCode).toBe(401);

    const mail = await t.mail.waitFor((m) => m.recipients.includes(user.email));
    expect(mail.subject).toBe('Пароль Zakupka изменён');
    expect(mail.text).toContain('изменён');
  });
});
