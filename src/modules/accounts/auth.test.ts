// Whole flows through HTTP: register → confirmation email → confirm → login → refresh → logout, and
// password reset, with tokens read from the emails the SMTP test server caught.
import { eq } from 'drizzle-orm';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiTokenFor, loginAs, tokenFromEmail } from '../../../test/factories/accounts.ts';
import { createUser, uniqueEmail } from '../../../test/factories.ts';
import { buildTestApp, type TestApp } from '../../../test/helpers/app.ts';
import { shops } from '../../db/schema/catalog.ts';
import { users } from '../../db/schema/users.ts';
import { ACCESS_TOKEN_AUDIENCE, ACCESS_TOKEN_ISSUER } from '../../http/auth.ts';

let t: TestApp;

beforeAll(async () => {
  // Throttling has its own file; here the per-address email limit must not get in the way.
  t = await buildTestApp({ env: { RATE_LIMIT_EMAIL_IP_MAX: '1000' } });
});
afterAll(() => t?.close());

const PASSWORD = 'Sklad-Polka-2026';

function registration(overrides: Record<string, unknown> = {}) {
  return {
    email: uniqueEmail('reg'),
    password: PASSWORD,
    first_name: 'Анна',
    last_name: 'Смирнова',
    company: 'ООО «Ромашка»',
    position: 'Закупщик',
    type: 'buyer',
    ...overrides,
  };
}

async function post(url: string, payload: unknown, headers: Record<string, string> = {}) {
  return t.app.inject({ method: 'POST', url, payload: payload as object, headers });
}

async function confirmationToken(email: string, nth = 1): Promise<string> {
  await t.mail.waitFor((m) => m.recipients.includes(email) && t.mail.to(email).length >= nth);
  const mails = t.mail.to(email).filter((m) => /Подтвердите|Confirm/.test(m.subject ?? ''));
  return tokenFromEmail(mails[nth - 1], 'confirm-email');
}

/** A registered and confirmed buyer, ready to log in. */
async function registeredBuyer() {
  const body = registration();
  expect((await post('/api/v2/auth/register', body)).statusCode).toBe(201);
  const token = await confirmationToken(body.email);
  expect((await post('/api/v2/auth/confirm-email', { email: body.email, token })).statusCode).toBe(204);
  return { email: body.email, password: PASSWORD };
}

describe('registration and email confirmation', () => {
  it('registers an inactive account, emails a link and the token, and activates it on confirmation', async () => {
    const body = registration({ email: `  Anna.Smirnova+${Date.now()}@Example.TEST ` });
    const email = body.email.trim().toLowerCase();
    const res = await post('/api/v2/auth/register', body);
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({
      user: { email, role: 'buyer', first_name: 'Анна', email_confirmed: false, preferred_language: 'ru' },
      shop: null,
    });

    const mail = await t.mail.waitFor((m) => m.recipients.includes(email));
    expect(mail.subject).toBe('Подтвердите email в Zakupka');
    expect(mail.text).toContain('Здравствуйте, Анна!');
    const token = tokenFromEmail(mail, 'confirm-email');
    const link = mail.text!.match(/http:\/\/zakupka\.test\/confirm-email\?\S+/)![0];
    expect(new URL(link).searchParams.get('email')).toBe(email);
    expect(mail.html).toContain('href="http://zakupka.test/confirm-email?token=');

    const early = await post('/api/v2/auth/login', { email, password: PASSWORD });
    expect(early.statusCode).toBe(403);
    expect(early.json().code).toBe('email_not_confirmed');

    const confirmed = await post('/api/v2/auth/confirm-email', { email: body.email, token });
    expect(confirmed.statusCode, confirmed.body).toBe(204);
    const login = await post('/api/v2/auth/login', { email: email.toUpperCase(), password: PASSWORD });
    expect(login.statusCode).toBe(200);

    const again = await post('/api/v2/auth/confirm-email', { email, token });
    expect(again.statusCode).toBe(400);
    expect(again.json().code).toBe('invalid_token');
  });

  it('creates a supplier’s shop named after the company', async () => {
    const body = registration({ type: 'supplier', company: 'ООО «Поставщик Плюс»' });
    const res = await post('/api/v2/auth/register', body);
    expect(res.statusCode).toBe(201);
    const { user, shop } = res.json();
    expect(user.role).toBe('supplier');
    expect(shop).toMatchObject({ name: 'ООО «Поставщик Плюс»' });
    const [row] = await t.runtime.db.select().from(shops).where(eq(shops.ownerId, user.id));
    expect(row).toMatchObject({ id: shop.id, name: 'ООО «Поставщик Плюс»' });
  });

  it('keeps emails unique case-insensitively', async () => {
    const body = registration();
    expect((await post('/api/v2/auth/register', body)).statusCode).toBe(201);
    const res = await post('/api/v2/auth/register', { ...body, email: ` ${body.email.toUpperCase()}` });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ code: 'email_taken', errors: [{ field: 'body.email' }] });
  });

  it('reports every broken password rule as its own field message', async () => {
    const res = await post('/api/v2/auth/register', registration({ password: '1234567' }));
    expect(res.statusCode).toBe(400);
    const messages = res
      .json()
      .errors.filter((e: { field: string }) => e.field === 'body.password')
      .map((e: { message: string }) => e.message);
    expect(messages).toEqual([
      'Пароль слишком короткий: нужно не меньше 8 символов.',
      'Пароль не может состоять только из цифр.',
      'Этот пароль слишком распространён.',
    ]);
  });

  it('refuses passwords like the email or names, in English on request', async () => {
    const res = await post(
      '/api/v2/auth/register',
      registration({
        email: 'svetlana.kuznetsova@example.test',
        first_name: 'Svetlana',
        password: 'kuznetsova',
      }),
      { 'accept-language': 'en' },
    );
    expect(res.statusCode).toBe(400);
    expect(res.json().errors).toEqual([
      { field: 'body.password', message: 'The password is too similar to the email address.' },
    ]);
  });

  it('validates every field', async () => {
    const res = await post('/api/v2/auth/register', {
      email: 'not-an-email',
      password: PASSWORD,
      first_name: ' ',
      last_name: '',
      company: '',
      position: '',
      type: 'buyer',
    });
    expect(res.statusCode).toBe(400);
    expect(
      res
        .json()
        .errors.map((e: { field: string }) => e.field)
        .sort(),
    ).toEqual(['body.company', 'body.email', 'body.first_name', 'body.last_name', 'body.position']);
    const missing = await post('/api/v2/auth/register', { email: 'a@b.test', type: 'admin' });
    expect(missing.statusCode).toBe(400);
    const fields = missing.json().errors.map((e: { field: string }) => e.field);
    expect(fields).toEqual(
      expect.arrayContaining([
        'body.password',
        'body.first_name',
        'body.last_name',
        'body.company',
        'body.type',
      ]),
    );
  });

  it('confirms with the token alone: email is optional, as at password-reset/confirm', async () => {
    const body = registration();
    await post('/api/v2/auth/register', body);
    const token = await confirmationToken(body.email);
    const res = await post('/api/v2/auth/confirm-email', { token });
    expect(res.statusCode, res.body).toBe(204);
    expect((await post('/api/v2/auth/login', { email: body.email, password: PASSWORD })).statusCode).toBe(
      200,
    );
  });

  it('refuses a token with another email, and an expired token', async () => {
    const body = registration();
    await post('/api/v2/auth/register', body);
    const token = await confirmationToken(body.email);
    const other = await post('/api/v2/auth/confirm-email', { email: uniqueEmail(), token });
    expect(other.statusCode).toBe(400);
    expect(other.json().code).toBe('invalid_token');

    t.clock.advance(49 * 3600_000);
    try {
      const late = await post('/api/v2/auth/confirm-email', { email: body.email, token });
      expect(late.statusCode).toBe(400);
      expect(late.json().code).toBe('token_expired');
    } finally {
      t.clock.advance(-49 * 3600_000);
    }
  });

  it('resends a new link that replaces the old one', async () => {
    const body = registration();
    await post('/api/v2/auth/register', body);
    const first = await confirmationToken(body.email);
    const res = await post('/api/v2/auth/resend-confirmation', { email: body.email.toUpperCase() });
    expect(res.statusCode).toBe(202);
    const second = await confirmationToken(body.email, 2);
    expect(second).not.toBe(first);
    const resent = t.mail.to(body.email)[1];
    expect(resent.text).toContain('новая ссылка');

    expect((await post('/api/v2/auth/confirm-email', { email: body.email, token: first })).json().code).toBe(
      'invalid_token',
    );
    expect((await post('/api/v2/auth/confirm-email', { email: body.email, token: second })).statusCode).toBe(
      204,
    );
  });

  it('writes to an English-speaking account in English', async () => {
    const user = await createUser(t.runtime, {
      confirmed: false,
      preferredLanguage: 'en',
      firstName: 'Jane',
    });
    expect((await post('/api/v2/auth/resend-confirmation', { email: user.email })).statusCode).toBe(202);
    const mail = await t.mail.waitFor((m) => m.recipients.includes(user.email));
    expect(mail.subject).toBe('Confirm your email for Zakupka');
    expect(mail.text).toContain('Hello, Jane!');
    tokenFromEmail(mail, 'confirm-email');
  });

  it('writes the confirmation email in the language asked for at registration', async () => {
    const body = registration({ first_name: 'Jane', preferred_language: 'en' });
    const res = await post('/api/v2/auth/register', body);
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().user.preferred_language).toBe('en');
    const mail = await t.mail.waitFor((m) => m.recipients.includes(body.email));
    expect(mail.subject).toBe('Confirm your email for Zakupka');
    expect(mail.text).toContain('Hello, Jane!');
    const token = tokenFromEmail(mail, 'confirm-email');
    expect((await post('/api/v2/auth/confirm-email', { email: body.email, token })).statusCode).toBe(204);
  });

  it('takes the language from Accept-Language when the registration does not name one', async () => {
    const english = registration({ first_name: 'John' });
    const russian = registration();
    const explicit = registration();
    const answers = [
      await post('/api/v2/auth/register', english, { 'accept-language': 'en-GB,en;q=0.9' }),
      await post('/api/v2/auth/register', russian, { 'accept-language': 'de-DE,de;q=0.9' }),
      await post(
        '/api/v2/auth/register',
        { ...explicit, preferred_language: 'ru' },
        { 'accept-language': 'en-US' },
      ),
    ];
    expect(answers.map((a) => a.json().user.preferred_language)).toEqual(['en', 'ru', 'ru']);
    const subjects = [];
    for (const { email } of [english, russian, explicit]) {
      subjects.push((await t.mail.waitFor((m) => m.recipients.includes(email))).subject);
    }
    expect(subjects).toEqual([
      'Confirm your email for Zakupka',
      'Подтвердите email в Zakupka',
      'Подтвердите email в Zakupka',
    ]);
    const bad = await post('/api/v2/auth/register', registration({ preferred_language: 'de' }));
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors.map((e: { field: string }) => e.field)).toContain('body.preferred_language');
  });

  it('answers resend the same for unknown, confirmed and unconfirmed addresses', async () => {
    const confirmed = await createUser(t.runtime);
    const unconfirmed = await createUser(t.runtime, { confirmed: false });
    const answers = [];
    for (const email of [uniqueEmail('nobody'), confirmed.email, unconfirmed.email]) {
      const res = await post('/api/v2/auth/resend-confirmation', { email });
      answers.push({ status: res.statusCode, body: res.json() });
    }
    expect(answers[1]).toEqual(answers[0]);
    expect(answers[2]).toEqual(answers[0]);
    await t.mail.waitFor((m) => m.recipients.includes(unconfirmed.email));
    expect(t.mail.to(confirmed.email)).toHaveLength(0);
  });
});

describe('login sessions', () => {
  it('answers a wrong password and an unknown email identically', async () => {
    const user = await createUser(t.runtime);
    const wrong = await post('/api/v2/auth/login', { email: user.email, password: 'Wrong-Password-1' });
    const unknown = await post('/api/v2/auth/login', { email: uniqueEmail(), password: 'Wrong-Password-1' });
    expect(wrong.statusCode).toBe(401);
    const strip = (body: Record<string, unknown>) => ({ ...body, request_id: undefined });
    expect(strip(unknown.json())).toEqual(strip(wrong.json()));
    expect(wrong.json()).toMatchObject({ code: 'invalid_credentials', detail: 'Неверный email или пароль' });
    expect(wrong.headers['www-authenticate']).toBe(unknown.headers['www-authenticate']);
  });

  it('issues a JWT (15 min, sub and role) and a refresh token; the JWT opens /me until it expires', async () => {
    const account = await registeredBuyer();
    const session = await loginAs(t, account);
    const [, payload] = session.accessToken.split('.');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    expect(claims).toMatchObject({ role: 'buyer', iss: 'zakupka', aud: 'zakupka-api' });
    expect(claims.sid).toMatch(/^[0-9a-f-]{36}$/);
    expect(claims.exp - claims.iat).toBe(900);
    const me = await t.app.inject({ method: 'GET', url: '/api/v2/me', headers: session.headers });
    expect(me.statusCode).toBe(200);
    expect(String(me.json().id)).toBe(claims.sub);

    t.clock.advance(16 * 60_000);
    try {
      const late = await t.app.inject({ method: 'GET', url: '/api/v2/me', headers: session.headers });
      expect(late.statusCode).toBe(401);
      expect(late.json().code).toBe('token_expired');
      expect(late.headers['www-authenticate']).toContain('Bearer');
      // The refresh token still works, and gives a fresh access token.
      const refreshed = await post('/api/v2/auth/refresh', { refresh_token: session.refreshToken });
      expect(refreshed.statusCode).toBe(200);
      const again = await t.app.inject({
        method: 'GET',
        url: '/api/v2/me',
        headers: { authorization: `Bearer ${refreshed.json().access_token}` },
      });
      expect(again.statusCode).toBe(200);
    } finally {
      t.clock.advance(-16 * 60_000);
    }
  });

  it('rotates refresh tokens, and a reused one revokes the whole session', async () => {
    const user = await createUser(t.runtime);
    const session = await loginAs(t, user);
    const first = await post('/api/v2/auth/refresh', { refresh_token: session.refreshToken });
    expect(first.statusCode).toBe(200);
    expect(first.json()).toMatchObject({ token_type: 'Bearer', expires_in: 900 });
    const next = first.json().refresh_token;
    expect(next).not.toBe(session.refreshToken);

    const current = { authorization: `Bearer ${first.json().access_token}` };
    expect((await t.app.inject({ method: 'GET', url: '/api/v2/me', headers: current })).statusCode).toBe(200);

    const reuse = await post('/api/v2/auth/refresh', { refresh_token: session.refreshToken });
    expect(reuse.statusCode).toBe(401);
    expect(reuse.json().code).toBe('refresh_token_reused');
    // The family's access tokens stop at once, the current one included, not when they expire.
    for (const headers of [current, session.headers]) {
      const me = await t.app.inject({ method: 'GET', url: '/api/v2/me', headers });
      expect(me.statusCode).toBe(401);
      expect(me.json().code).toBe('invalid_token');
    }
    // The thief's copy and the owner's newer token are both dead now.
    const afterReuse = await post('/api/v2/auth/refresh', { refresh_token: next });
    expect(afterReuse.statusCode).toBe(401);
    expect(afterReuse.json().code).toBe('invalid_refresh_token');

    // Another session of the same account is untouched.
    const other = await loginAs(t, user);
    expect(
      (await t.app.inject({ method: 'GET', url: '/api/v2/me', headers: other.headers })).statusCode,
    ).toBe(200);
    expect((await post('/api/v2/auth/refresh', { refresh_token: other.refreshToken })).statusCode).toBe(200);
  });

  it('expires refresh tokens after 30 days', async () => {
    const user = await createUser(t.runtime);
    const session = await loginAs(t, user);
    t.clock.advance(30 * 86_400_000 + 1000);
    try {
      const res = await post('/api/v2/auth/refresh', { refresh_token: session.refreshToken });
      expect(res.statusCode).toBe(401);
      expect(res.json().code).toBe('invalid_refresh_token');
    } finally {
      t.clock.advance(-(30 * 86_400_000 + 1000));
    }
  });

  it('logs out: the refresh token stops working; logging out twice is fine', async () => {
    const user = await createUser(t.runtime);
    const session = await loginAs(t, user);
    expect((await post('/api/v2/auth/logout', { refresh_token: session.refreshToken })).statusCode).toBe(204);
    expect((await post('/api/v2/auth/logout', { refresh_token: session.refreshToken })).statusCode).toBe(204);
    const res = await post('/api/v2/auth/refresh', { refresh_token: session.refreshToken });
    expect(res.statusCode).toBe(401);
    const me = await t.app.inject({ method: 'GET', url: '/api/v2/me', headers: session.headers });
    expect(me.statusCode).toBe(401);
  });

  it('shuts out a blocked account at once: its access token, refresh token and password', async () => {
    const user = await createUser(t.runtime);
    const session = await loginAs(t, user);
    await t.runtime.db.update(users).set({ isActive: false }).where(eq(users.id, user.id));
    const me = await t.app.inject({ method: 'GET', url: '/api/v2/me', headers: session.headers });
    expect(me.statusCode).toBe(401);
    expect((await post('/api/v2/auth/refresh', { refresh_token: session.refreshToken })).statusCode).toBe(
      401,
    );
    const login = await post('/api/v2/auth/login', { email: user.email, password: user.password });
    expect(login.statusCode).toBe(403);
    expect(login.json().code).toBe('account_blocked');
  });

  it('refuses a token signed with the right key that lacks exp, iat, issuer, audience or session', async () => {
    const user = await createUser(t.runtime);
    const session = await loginAs(t, user);
    const sid = JSON.parse(Buffer.from(session.accessToken.split('.')[1], 'base64url').toString()).sid;
    const key = new TextEncoder().encode(t.runtime.authSecret);
    const now = Math.floor(Date.now() / 1000);
    type Claim = 'exp' | 'iat' | 'iss' | 'aud' | 'sid';
    const forge = (omit: Claim | null, extra: { aud?: string; iss?: string; exp?: number } = {}) => {
      const jwt = new SignJWT(omit === 'sid' ? { role: 'buyer' } : { role: 'buyer', sid })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setSubject(String(user.id));
      if (omit !== 'iat') jwt.setIssuedAt(now);
      if (omit !== 'exp') jwt.setExpirationTime(extra.exp ?? now + 600);
      if (omit !== 'iss') jwt.setIssuer(extra.iss ?? ACCESS_TOKEN_ISSUER);
      if (omit !== 'aud') jwt.setAudience(extra.aud ?? ACCESS_TOKEN_AUDIENCE);
      return jwt.sign(key);
    };
    const me = async (token: string) =>
      t.app.inject({ method: 'GET', url: '/api/v2/me', headers: { authorization: `Bearer ${token}` } });
    // The forger's complete token passes: what follows fails for the missing claim alone.
    expect((await me(await forge(null))).statusCode).toBe(200);
    for (const omit of ['exp', 'iat', 'iss', 'aud', 'sid'] as const) {
      const res = await me(await forge(omit));
      expect(res.statusCode, omit).toBe(401);
      expect(res.json().code).toBe('invalid_token');
    }
    expect((await me(await forge(null, { aud: 'someone-else' }))).statusCode).toBe(401);
    expect((await me(await forge(null, { iss: 'someone-else' }))).statusCode).toBe(401);
    // An exp far beyond the lifetime we give is not honoured past that lifetime.
    t.clock.advance(16 * 60_000);
    try {
      expect((await me(await forge(null, { exp: now + 86_400 * 365 }))).statusCode).toBe(401);
    } finally {
      t.clock.advance(-16 * 60_000);
    }
  });

  it('refuses garbage tokens with 401 invalid_token', async () => {
    for (const authorization of ['Bearer nonsense', 'Bearer zk_nonsense', 'Token zk_nonsense', 'Basic abc']) {
      const res = await t.app.inject({ method: 'GET', url: '/api/v2/me', headers: { authorization } });
      expect(res.statusCode, authorization).toBe(401);
      expect(res.json().code).toBe('invalid_token');
    }
    const anonymous = await t.app.inject({ method: 'GET', url: '/api/v2/me' });
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.json().code).toBe('unauthorized');
    expect(anonymous.headers['www-authenticate']).toBe('Bearer realm="zakupka"');
  });
});

describe('password reset', () => {
  async function resetToken(email: string): Promise<string> {
    const before = t.mail.to(email).length;
    const res = await post('/api/v2/auth/password-reset', { email });
    expect(res.statusCode).toBe(202);
    const mail = await t.mail.waitFor(
      (m) => m.recipients.includes(email.trim().toLowerCase()) && t.mail.to(email.trim()).length > before,
    );
    const latest = t.mail.to(email.trim()).at(-1)!;
    expect(latest.subject ?? mail.subject).toMatch(/Сброс пароля|Reset your/);
    return tokenFromEmail(latest, 'reset-password');
  }

  it('resets the password once, signs out every session, keeps API tokens, and says so by email', async () => {
    const user = await createUser(t.runtime);
    const session = await loginAs(t, user);
    const apiToken = await createApiTokenFor(t, user);
    const token = await resetToken(user.email);

    const weak = await post('/api/v2/auth/password-reset/confirm', { token, password: 'qwerty' });
    expect(weak.statusCode).toBe(400);
    expect(weak.json().errors).toHaveLength(2);

    const res = await post('/api/v2/auth/password-reset/confirm', { token, password: 'Novyi-Parol-2026' });
    expect(res.statusCode, res.body).toBe(204);
    expect(
      (await post('/api/v2/auth/password-reset/confirm', { token, password: 'Drugoi-Parol-2026' })).json()
        .code,
    ).toBe('invalid_token');

    expect(
      (await post('/api/v2/auth/login', { email: user.email, password: user.password })).statusCode,
    ).toBe(401);
    expect(
      (await post('/api/v2/auth/login', { email: user.email, password: 'Novyi-Parol-2026' })).statusCode,
    ).toBe(200);
    expect((await post('/api/v2/auth/refresh', { refresh_token: session.refreshToken })).statusCode).toBe(
      401,
    );
    // The access token of the session signed out ends at once, not when it would expire.
    const stale = await t.app.inject({ method: 'GET', url: '/api/v2/me', headers: session.headers });
    expect(stale.statusCode).toBe(401);
    expect(stale.json().code).toBe('invalid_token');
    const viaApiToken = await t.app.inject({
      method: 'GET',
      url: '/api/v2/me',
      headers: { authorization: `Token ${apiToken.token}` },
    });
    expect(viaApiToken.statusCode).toBe(200);

    const changed = await t.mail.waitFor(
      (m) => m.recipients.includes(user.email) && m.subject === 'Пароль Zakupka изменён',
    );
    expect(changed.text).toContain('сброшен');
  });

  it('takes the same optional email as confirm-email: a matching one passes, another is refused', async () => {
    const user = await createUser(t.runtime);
    const token = await resetToken(user.email);
    const other = await post('/api/v2/auth/password-reset/confirm', {
      email: uniqueEmail('other'),
      token,
      password: 'Novyi-Parol-2026',
    });
    expect(other.statusCode).toBe(400);
    expect(other.json().code).toBe('invalid_token');
    const res = await post('/api/v2/auth/password-reset/confirm', {
      email: ` ${user.email.toUpperCase()} `,
      token,
      password: 'Novyi-Parol-2026',
    });
    expect(res.statusCode, res.body).toBe(204);
  });

  it('answers the same for unknown addresses and sends nothing', async () => {
    const user = await createUser(t.runtime);
    const known = await post('/api/v2/auth/password-reset', { email: user.email });
    const unknownEmail = uniqueEmail('ghost');
    const unknown = await post('/api/v2/auth/password-reset', { email: unknownEmail });
    expect(unknown.statusCode).toBe(known.statusCode);
    expect(unknown.json()).toEqual(known.json());
    await t.mail.waitFor((m) => m.recipients.includes(user.email));
    expect(t.mail.to(unknownEmail)).toHaveLength(0);
  });

  it('expires reset tokens after an hour; a new request supersedes the old token', async () => {
    const user = await createUser(t.runtime, { preferredLanguage: 'en' });
    const first = await resetToken(` ${user.email.toUpperCase()} `);
    const english = t.mail.to(user.email).at(-1)!;
    expect(english.subject).toBe('Reset your Zakupka password');
    const second = await resetToken(user.email);
    expect(
      (
        await post('/api/v2/auth/password-reset/confirm', { token: first, password: 'Novyi-Parol-2026' })
      ).json().code,
    ).toBe('invalid_token');
    t.clock.advance(61 * 60_000);
    try {
      const late = await post('/api/v2/auth/password-reset/confirm', {
        token: second,
        password: 'Novyi-Parol-2026',
      });
      expect(late.statusCode).toBe(400);
      expect(late.json().code).toBe('token_expired');
    } finally {
      t.clock.advance(-61 * 60_000);
    }
  });

  it('confirms the email of an unconfirmed account that resets its password', async () => {
    const user = await createUser(t.runtime, { confirmed: false });
    const token = await resetToken(user.email);
    expect(
      (await post('/api/v2/auth/password-reset/confirm', { token, password: 'Novyi-Parol-2026' })).statusCode,
    ).toBe(204);
    expect(
      (await post('/api/v2/auth/login', { email: user.email, password: 'Novyi-Parol-2026' })).statusCode,
    ).toBe(200);
  });
});
