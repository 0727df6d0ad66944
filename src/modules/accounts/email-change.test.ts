// Changing an account's email, through HTTP: the request (password, rate limit, refusals), the
// emails to the new and the old address caught by the SMTP test server, the confirmation with the
// emailed token (single-use, expiring, superseded by a newer one), sessions signed out and API
// tokens kept; the same flow started from API v1's user/details; and the race for an address.
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiTokenFor, loginAs } from '../../../test/factories/accounts.ts';
import { createUser, uniqueEmail } from '../../../test/factories.ts';
import { buildTestApp, type TestApp } from '../../../test/helpers/app.ts';
import { onPostgresServer } from '../../../test/helpers/database.ts';
import type { CapturedMail } from '../../../test/helpers/smtp.ts';
import { v1 } from '../../../test/helpers/v1.ts';
import { accountTokens } from '../../db/schema/accounts.ts';
import { users } from '../../db/schema/users.ts';
import { EMAIL_CHANGE_TTL_HOURS } from './email-change.service.ts';

let t: TestApp;

beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(() => t?.close());

type TestUser = Awaited<ReturnType<typeof createUser>>;

function post(url: string, payload: unknown, headers: Record<string, string> = {}) {
  return t.app.inject({ method: 'POST', url, payload: payload as object, headers });
}

function requestChange(headers: Record<string, string>, newEmail: string, password: string) {
  return post('/api/v2/me/email', { new_email: newEmail, password }, headers);
}

/** The confirmation email that reached the new address, the nth one there. */
async function confirmationMail(address: string, nth = 1): Promise<CapturedMail> {
  await t.mail.waitFor(
    () => t.mail.to(address).filter((m) => /новый email|new email/.test(m.subject ?? '')).length >= nth,
  );
  return t.mail.to(address).filter((m) => /новый email|new email/.test(m.subject ?? ''))[nth - 1];
}

/** The token of an email change link; asserts it is also printed on its own. */
function tokenOf(mail: CapturedMail): string {
  const text = mail.text ?? '';
  const link = text.match(/http:\/\/zakupka\.test\/confirm-email-change\?\S+/)?.[0];
  expect(link, text).toBeDefined();
  const token = new URL(link!).searchParams.get('token')!;
  expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
  expect(text).toContain(`: ${token}`);
  return token;
}

async function emailOf(userId: number): Promise<string> {
  const [row] = await t.runtime.db.select({ email: users.email }).from(users).where(eq(users.id, userId));
  return row.email;
}

async function liveChangeTokens(userId: number): Promise<number> {
  const rows = await t.runtime.db
    .select({ usedAt: accountTokens.usedAt })
    .from(accountTokens)
    .where(and(eq(accountTokens.userId, userId), eq(accountTokens.purpose, 'email_change')));
  return rows.filter((row) => row.usedAt === null).length;
}

function login(email: string, password: string) {
  return post('/api/v2/auth/login', { email, password });
}

/** Asks for a change to a fresh address; the address and the token emailed to it. */
async function pendingChange(user: TestUser): Promise<{ newEmail: string; token: string }> {
  const session = await loginAs(t, user);
  const newEmail = uniqueEmail('moved');
  const res = await requestChange(session.headers, newEmail, user.password);
  expect(res.statusCode, res.body).toBe(202);
  return { newEmail, token: tokenOf(await confirmationMail(newEmail)) };
}

describe('changing the email (v2)', () => {
  it('confirms the new address from its email; then only it logs in, sessions are signed out, API tokens stay', async () => {
    const user = await createUser(t.runtime, { firstName: 'Ольга' });
    const session = await loginAs(t, user);
    const otherDevice = await loginAs(t, user);
    const integration = await createApiTokenFor(t, user);
    const newEmail = uniqueEmail('new');

    const res = await requestChange(session.headers, `  ${newEmail.toUpperCase()} `, user.password);
    expect(res.statusCode, res.body).toBe(202);
    expect(res.json()).toEqual({ status: 'confirmation_sent', new_email: newEmail });

    const mail = await confirmationMail(newEmail);
    expect(mail.subject).toBe('Подтвердите новый email в Zakupka');
    expect(mail.text).toContain('Здравствуйте, Ольга!');
    // A mistyped new address must not learn whose account it is.
    expect(mail.text).not.toContain(user.email);
    const token = tokenOf(mail);
    expect(mail.html).toContain(`href="http://zakupka.test/confirm-email-change?token=${token}"`);

    const notice = await t.mail.waitFor(
      (m) => m.recipients.includes(user.email) && m.subject === 'Запрошена смена email в Zakupka',
    );
    expect(notice.text).toContain(newEmail);
    expect(notice.text).not.toContain(token);
    expect(notice.html).not.toContain(token);
    expect(notice.text).not.toContain('confirm-email-change');

    // Nothing changes until the new address answers.
    expect(await emailOf(user.id)).toBe(user.email);
    expect((await login(newEmail, user.password)).statusCode).toBe(401);
    expect((await login(user.email, user.password)).statusCode).toBe(200);

    const confirmed = await post('/api/v2/auth/confirm-email-change', { token });
    expect(confirmed.statusCode, confirmed.body).toBe(200);
    expect(confirmed.json()).toEqual({ status: 'email_changed', email: newEmail });
    expect(await emailOf(user.id)).toBe(newEmail);

    expect((await login(newEmail.toUpperCase(), user.password)).statusCode).toBe(200);
    const old = await login(user.email, user.password);
    expect(old.statusCode).toBe(401);
    expect(old.json().code).toBe('invalid_credentials');

    // Every session that signed in under the old address is over; the integration goes on.
    // Their access tokens too, at once, not when they expire.
    for (const { refreshToken, headers } of [session, otherDevice]) {
      const refreshed = await post('/api/v2/auth/refresh', { refresh_token: refreshToken });
      expect(refreshed.statusCode).toBe(401);
      const stale = await t.app.inject({ method: 'GET', url: '/api/v2/me', headers });
      expect(stale.statusCode).toBe(401);
      expect(stale.json().code).toBe('invalid_token');
    }
    const me = await t.app.inject({
      method: 'GET',
      url: '/api/v2/me',
      headers: { authorization: `Bearer ${integration.token}` },
    });
    expect(me.statusCode).toBe(200);
    expect(me.json().email).toBe(newEmail);

    const done = await t.mail.waitFor(
      (m) => m.recipients.includes(user.email) && m.subject === 'Email в Zakupka изменён',
    );
    expect(done.text).toContain(newEmail);

    const again = await post('/api/v2/auth/confirm-email-change', { token });
    expect(again.statusCode).toBe(400);
    expect(again.json().code).toBe('invalid_token');
  });

  it('writes to English readers in English, the link keeping the language', async () => {
    const user = await createUser(t.runtime, { firstName: 'Jane', preferredLanguage: 'en' });
    const { newEmail } = await pendingChange(user);
    const mail = await confirmationMail(newEmail);
    expect(mail.subject).toBe('Confirm your new email for Zakupka');
    expect(mail.text).toContain('Hello, Jane!');
    const link = mail.text!.match(/http:\/\/zakupka\.test\/confirm-email-change\?\S+/)![0];
    expect(new URL(link).searchParams.get('lang')).toBe('en');
    expect(new URL(link).searchParams.get('email')).toBeNull();
    const notice = await t.mail.waitFor((m) => m.recipients.includes(user.email));
    expect(notice.subject).toBe('Your Zakupka email is about to change');
  });

  it('refuses an address another account uses, the own address and a malformed one', async () => {
    const user = await createUser(t.runtime);
    const other = await createUser(t.runtime, { confirmed: false });
    const session = await loginAs(t, user);

    const taken = await requestChange(session.headers, ` ${other.email.toUpperCase()}`, user.password);
    expect(taken.statusCode).toBe(409);
    expect(taken.json()).toMatchObject({
      code: 'email_taken',
      errors: [{ field: 'body.new_email', message: 'Этот адрес уже использует другая учётная запись' }],
    });
    const english = await requestChange(
      { ...session.headers, 'accept-language': 'en' },
      other.email,
      user.password,
    );
    expect(english.json().errors[0].message).toBe('Another account already uses this email address');

    const own = await requestChange(session.headers, user.email.toUpperCase(), user.password);
    expect(own.statusCode).toBe(400);
    expect(own.json()).toMatchObject({ code: 'email_unchanged', errors: [{ field: 'body.new_email' }] });

    const malformed = await requestChange(session.headers, 'not an address', user.password);
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json()).toMatchObject({
      code: 'validation_failed',
      errors: [{ field: 'body.new_email', message: 'Неверный адрес электронной почты' }],
    });
    expect(await liveChangeTokens(user.id)).toBe(0);
  });

  it('refuses at confirmation an address taken since the request, and keeps the account as it was', async () => {
    const user = await createUser(t.runtime);
    const { newEmail, token } = await pendingChange(user);
    await createUser(t.runtime, { email: newEmail });
    const res = await post('/api/v2/auth/confirm-email-change', { token });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({
      code: 'email_taken',
      detail: 'Этот адрес уже использует другая учётная запись',
    });
    expect(await emailOf(user.id)).toBe(user.email);
    expect((await login(user.email, user.password)).statusCode).toBe(200);
  });

  it('answers a wrong password as the password change does, and needs a login session', async () => {
    const user = await createUser(t.runtime);
    const session = await loginAs(t, user);
    const wrong = await requestChange(session.headers, uniqueEmail('x'), 'Not-The-Password-1');
    expect(wrong.statusCode).toBe(400);
    const change = await post(
      '/api/v2/me/password',
      { current_password: 'Not-The-Password-1', new_password: 'Novyi-Parol-2026' },
      session.headers,
    );
    expect(change.statusCode).toBe(400);
    expect(wrong.json()).toMatchObject({ code: change.json().code, errors: [{ field: 'body.password' }] });
    expect(wrong.json().errors[0].message).toBe(change.json().errors[0].message);
    expect(wrong.json().errors[0].message).toBe('Неверный текущий пароль');

    const integration = await createApiTokenFor(t, user);
    const byToken = await requestChange(
      { authorization: `Bearer ${integration.token}` },
      uniqueEmail('x'),
      user.password,
    );
    expect(byToken.statusCode).toBe(403);
    expect(byToken.json().code).toBe('login_session_required');
    expect(await liveChangeTokens(user.id)).toBe(0);
  });

  it('limits the requests per account with the email rate limit', async () => {
    const user = await createUser(t.runtime);
    const session = await loginAs(t, user);
    const max = t.config.rateLimit.emailRequests.max;
    for (let i = 0; i < max; i += 1) {
      expect((await requestChange(session.headers, uniqueEmail('r'), user.password)).statusCode).toBe(202);
    }
    const over = await requestChange(session.headers, uniqueEmail('r'), user.password);
    expect(over.statusCode).toBe(429);
    expect(Number(over.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('keeps only the latest token, and a new password cancels it', async () => {
    const user = await createUser(t.runtime);
    const first = await pendingChange(user);
    const second = await pendingChange(user);
    const superseded = await post('/api/v2/auth/confirm-email-change', { token: first.token });
    expect(superseded.statusCode).toBe(400);
    expect(superseded.json().code).toBe('invalid_token');
    expect(await liveChangeTokens(user.id)).toBe(1);

    const session = await loginAs(t, user);
    const changed = await post(
      '/api/v2/me/password',
      { current_password: user.password, new_password: 'Novyi-Parol-2026' },
      session.headers,
    );
    expect(changed.statusCode, changed.body).toBe(204);
    const cancelled = await post('/api/v2/auth/confirm-email-change', { token: second.token });
    expect(cancelled.statusCode).toBe(400);
    expect(cancelled.json().code).toBe('invalid_token');
    expect(await emailOf(user.id)).toBe(user.email);
  });

  it(`lets a token work for ${EMAIL_CHANGE_TTL_HOURS} hours and no longer`, async () => {
    const late = await createUser(t.runtime);
    const lateChange = await pendingChange(late);
    const inTime = await createUser(t.runtime);
    const inTimeChange = await pendingChange(inTime);
    const ttlMs = EMAIL_CHANGE_TTL_HOURS * 3_600_000;

    t.clock.advance(ttlMs - 60_000);
    try {
      const res = await post('/api/v2/auth/confirm-email-change', { token: inTimeChange.token });
      expect(res.statusCode, res.body).toBe(200);
      t.clock.advance(61_000);
      const expired = await post('/api/v2/auth/confirm-email-change', { token: lateChange.token });
      expect(expired.statusCode).toBe(400);
      expect(expired.json().code).toBe('token_expired');
    } finally {
      t.clock.advance(-ttlMs - 1_000);
    }
    expect(await emailOf(late.id)).toBe(late.email);
    expect(await emailOf(inTime.id)).toBe(inTimeChange.newEmail);
  });

  it.skipIf(!onPostgresServer())(
    'answers email_taken when another account claims the address while the change commits',
    async () => {
      const user = await createUser(t.runtime);
      const rival = await createUser(t.runtime);
      const { newEmail, token } = await pendingChange(user);
      // The rival takes the address in a transaction still open when the confirmation runs: the
      // confirmation's check cannot see it, its update waits on the unique index, then fails.
      let release!: () => void;
      const released = new Promise<void>((resolve) => {
        release = resolve;
      });
      const rivalTx = t.runtime.db.transaction(async (tx) => {
        await tx.update(users).set({ email: newEmail }).where(eq(users.id, rival.id));
        await released;
      });
      try {
        const confirming = post('/api/v2/auth/confirm-email-change', { token });
        // Wait until the confirmation is blocked on the rival's row lock in the index.
        for (let waited = 0; ; waited += 1) {
          const blocked = await t.runtime.db.execute(
            sql`select count(*)::int as n from pg_stat_activity
                where wait_event_type = 'Lock' and datname = current_database()
                  and query ilike 'update "users"%'`,
          );
          if ((blocked as unknown as { rows: { n: number }[] }).rows[0].n > 0) break;
          if (waited > 500) throw new Error('the confirmation never waited for the rival');
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
        release();
        await rivalTx;
        const res = await confirming;
        expect(res.statusCode, res.body).toBe(409);
        expect(res.json().code).toBe('email_taken');
      } finally {
        release();
        await rivalTx.catch(() => undefined);
      }
      expect(await emailOf(user.id)).toBe(user.email);
      expect(await emailOf(rival.id)).toBe(newEmail);
    },
  );
});

describe('changing the email through API v1 user/details', () => {
  it('starts the same flow with the token alone; the address changes when the new one confirms', async () => {
    const user = await createUser(t.runtime);
    const { token: key } = await createApiTokenFor(t, user);
    const newEmail = uniqueEmail('v1');

    const res = await v1(t, 'POST', 'user/details', {
      token: key,
      body: { email: newEmail.toUpperCase(), position: 'Директор' },
    });
    expect(res.json()).toEqual({ Status: true });
    const details = (await v1(t, 'GET', 'user/details', { token: key })).json();
    expect(details).toMatchObject({ email: user.email, position: 'Директор' });
    await t.mail.waitFor(
      (m) => m.recipients.includes(user.email) && m.subject === 'Запрошена смена email в Zakupka',
    );

    const token = tokenOf(await confirmationMail(newEmail));
    expect((await post('/api/v2/auth/confirm-email-change', { token })).statusCode).toBe(200);

    const fresh = await v1(t, 'POST', 'user/login', { body: { email: newEmail, password: user.password } });
    expect(fresh.json()).toEqual({ Status: true, Token: expect.stringMatching(/^zk_/) });
    const old = await v1(t, 'POST', 'user/login', { body: { email: user.email, password: user.password } });
    expect(old.json()).toEqual({ Status: false, Errors: 'Не удалось авторизовать' });
    // The token that asked still works: API tokens outlive an email change.
    expect((await v1(t, 'GET', 'user/details', { token: key })).json().email).toBe(newEmail);
  });

  it('refuses a taken or malformed address as a field error, before changing anything', async () => {
    const user = await createUser(t.runtime, { firstName: 'Иван' });
    const other = await createUser(t.runtime);
    const { token: key } = await createApiTokenFor(t, user);

    const taken = await v1(t, 'POST', 'user/details', {
      token: key,
      body: { email: other.email, first_name: 'Пётр', password: 'Drugoi-Parol-2026' },
      encoding: 'json',
    });
    expect(taken.json()).toEqual({
      Status: false,
      Errors: { email: ['Этот адрес уже использует другая учётная запись'] },
    });
    const malformed = await v1(t, 'POST', 'user/details', { token: key, body: { email: 'nope' } });
    expect(malformed.json()).toEqual({
      Status: false,
      Errors: { email: ['Неверный адрес электронной почты'] },
    });

    const details = (await v1(t, 'GET', 'user/details', { token: key })).json();
    expect(details).toMatchObject({ email: user.email, first_name: 'Иван' });
    expect((await login(user.email, user.password)).statusCode).toBe(200);
    expect(await liveChangeTokens(user.id)).toBe(0);
  });
});
