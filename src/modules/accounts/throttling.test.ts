// Rate limits kept in PostgreSQL: failed logins per account and per address, email-sending requests
// (registration included), coupon attempts, and RATE_LIMIT=false switching them all off.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authHeader } from '../../../test/factories/accounts.ts';
import { createUser, uniqueEmail } from '../../../test/factories.ts';
import { buildTestApp, type TestApp } from '../../../test/helpers/app.ts';

let t: TestApp;
let ipCounter = 0;

/** A fresh client address per test, so the per-address counters do not leak between tests. */
function newIp(): string {
  ipCounter += 1;
  return `203.0.113.${ipCounter}`;
}

beforeAll(async () => {
  t = await buildTestApp({
    workers: false,
    env: {
      // These tests play clients behind our proxy, each with its own X-Forwarded-For.
      TRUST_PROXY: 'true',
      RATE_LIMIT_LOGIN_ACCOUNT_MAX: '3',
      RATE_LIMIT_LOGIN_ACCOUNT_WINDOW: '600',
      RATE_LIMIT_LOGIN_IP_MAX: '5',
      RATE_LIMIT_LOGIN_IP_WINDOW: '600',
      RATE_LIMIT_EMAIL_MAX: '2',
      RATE_LIMIT_EMAIL_WINDOW: '300',
      RATE_LIMIT_EMAIL_IP_MAX: '4',
      RATE_LIMIT_EMAIL_IP_WINDOW: '300',
      RATE_LIMIT_COUPON_MAX: '2',
      RATE_LIMIT_COUPON_WINDOW: '120',
    },
  });
});
afterAll(() => t?.close());

function login(email: string, password: string, ip: string) {
  return t.app.inject({
    method: 'POST',
    url: '/api/v2/auth/login',
    headers: { 'x-forwarded-for': ip },
    payload: { email, password },
  });
}

describe('login throttling', () => {
  it('locks an account after too many failures, with Retry-After, until the window ends', async () => {
    const user = await createUser(t.runtime);
    const ip = newIp();
    for (let i = 0; i < 3; i += 1)
      expect((await login(user.email, 'Wrong-Guess-99', ip)).statusCode).toBe(401);
    const locked = await login(user.email, 'Wrong-Guess-99', ip);
    expect(locked.statusCode).toBe(429);
    expect(locked.json().code).toBe('too_many_login_attempts');
    const retryAfter = Number(locked.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(600);
    // Even the right password waits: the guesser must not learn it.
    expect((await login(user.email, user.password, newIp())).statusCode).toBe(429);

    t.clock.advance(601_000);
    try {
      expect((await login(user.email, user.password, newIp())).statusCode).toBe(200);
    } finally {
      t.clock.advance(-601_000);
    }
  });

  it('throttles unknown emails exactly like real ones', async () => {
    const ip = newIp();
    const email = uniqueEmail('ghost');
    const statuses = [];
    for (let i = 0; i < 4; i += 1) statuses.push((await login(email, 'Wrong-Guess-99', ip)).statusCode);
    expect(statuses).toEqual([401, 401, 401, 429]);
  });

  it('forgets an account’s failures after a successful login', async () => {
    const user = await createUser(t.runtime);
    const ip = newIp();
    await login(user.email, 'Wrong-Guess-99', ip);
    await login(user.email, 'Wrong-Guess-99', ip);
    expect((await login(user.email, user.password, ip)).statusCode).toBe(200);
    for (let i = 0; i < 3; i += 1)
      expect((await login(user.email, 'Wrong-Guess-99', ip)).statusCode).toBe(401);
  });

  it('limits failures per client address across accounts', async () => {
    const ip = newIp();
    const statuses = [];
    for (let i = 0; i < 6; i += 1)
      statuses.push((await login(uniqueEmail('spray'), 'Wrong-Guess-99', ip)).statusCode);
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
    // Another address is not affected.
    expect((await login(uniqueEmail('spray'), 'Wrong-Guess-99', newIp())).statusCode).toBe(401);
  });

  it('lets no more than the limit through when guesses arrive in parallel', async () => {
    const user = await createUser(t.runtime);
    const results = await Promise.all(
      Array.from({ length: 10 }, () => login(user.email, 'Wrong-Guess-99', newIp())),
    );
    const statuses = results.map((r) => r.statusCode).sort();
    expect(statuses.filter((s) => s === 401)).toHaveLength(3);
    expect(statuses.filter((s) => s === 429)).toHaveLength(7);
  });
});

describe('email request limits', () => {
  function resend(email: string, ip: string) {
    return t.app.inject({
      method: 'POST',
      url: '/api/v2/auth/resend-confirmation',
      headers: { 'x-forwarded-for': ip },
      payload: { email },
    });
  }

  it('limits resends per address, the same whether or not the account exists', async () => {
    const user = await createUser(t.runtime, { confirmed: false });
    for (const email of [user.email, uniqueEmail('ghost')]) {
      const statuses = [];
      for (let i = 0; i < 3; i += 1) statuses.push((await resend(email, newIp())).statusCode);
      expect(statuses).toEqual([202, 202, 429]);
    }
  });

  it('limits password reset requests per address', async () => {
    const email = uniqueEmail('reset');
    const statuses = [];
    for (let i = 0; i < 3; i += 1) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/v2/auth/password-reset',
        headers: { 'x-forwarded-for': newIp() },
        payload: { email },
      });
      statuses.push(res.statusCode);
    }
    expect(statuses).toEqual([202, 202, 429]);
  });

  it('limits email-sending requests per client address', async () => {
    const ip = newIp();
    const statuses = [];
    for (let i = 0; i < 5; i += 1) statuses.push((await resend(uniqueEmail('many'), ip)).statusCode);
    expect(statuses).toEqual([202, 202, 202, 202, 429]);
  });

  it('limits registrations per client address, and counts them with the other email requests', async () => {
    const ip = newIp();
    const register = (email: string, from: string) =>
      t.app.inject({
        method: 'POST',
        url: '/api/v2/auth/register',
        headers: { 'x-forwarded-for': from },
        payload: {
          email,
          password: 'Sklad-Polka-2026',
          first_name: 'Анна',
          last_name: 'Смирнова',
          company: 'ООО «Ромашка»',
          position: 'Закупщик',
          type: 'buyer',
        },
      });
    const statuses = [];
    for (let i = 0; i < 3; i += 1) statuses.push((await register(uniqueEmail('reg'), ip)).statusCode);
    statuses.push((await resend(uniqueEmail('many'), ip)).statusCode);
    const refusedEmail = uniqueEmail('reg');
    const refused = await register(refusedEmail, ip);
    statuses.push(refused.statusCode);
    expect(statuses).toEqual([201, 201, 201, 202, 429]);
    expect(refused.json().code).toBe('rate_limited');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    // The refused registration created nothing: the address registers from elsewhere.
    expect((await register(refusedEmail, newIp())).statusCode).toBe(201);
  });
});

describe('coupon attempts', () => {
  function attach(headers: { authorization: string }, code: string) {
    return t.app.inject({ method: 'POST', url: '/api/v2/basket/coupon', headers, payload: { code } });
  }

  it('takes its numbers from RATE_LIMIT_COUPON_MAX / _WINDOW', async () => {
    const headers = await authHeader(t, await createUser(t.runtime));
    const statuses = [];
    for (let i = 0; i < 3; i += 1) statuses.push((await attach(headers, `GUESS-${i}`)).statusCode);
    expect(statuses).toEqual([422, 422, 429]);
    const refused = await attach(headers, 'GUESS-3');
    expect(refused.json().code).toBe('too_many_coupon_attempts');
    expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(120);
    t.clock.advance(121_000);
    try {
      expect((await attach(headers, 'GUESS-4')).statusCode).toBe(422);
    } finally {
      t.clock.advance(-121_000);
    }
  });
});

describe('client addresses', () => {
  it('ignores X-Forwarded-For unless TRUST_PROXY says so: a client cannot dodge the per-address limit', async () => {
    const direct = await buildTestApp({ workers: false, env: { RATE_LIMIT_LOGIN_IP_MAX: '2' } });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 3; i += 1) {
        const res = await direct.app.inject({
          method: 'POST',
          url: '/api/v2/auth/login',
          headers: { 'x-forwarded-for': `198.51.100.${i + 1}` },
          payload: { email: `nobody-${i}@example.test`, password: 'Wrong-Guess-99' },
        });
        statuses.push(res.statusCode);
      }
      expect(statuses).toEqual([401, 401, 429]);
    } finally {
      await direct.close();
    }
  });
});

describe('RATE_LIMIT=false', () => {
  it('switches every limit off', async () => {
    const free = await buildTestApp({
      workers: false,
      env: {
        RATE_LIMIT: 'false',
        RATE_LIMIT_LOGIN_ACCOUNT_MAX: '1',
        RATE_LIMIT_EMAIL_MAX: '1',
        RATE_LIMIT_COUPON_MAX: '1',
      },
    });
    try {
      const user = await createUser(free.runtime);
      for (let i = 0; i < 4; i += 1) {
        const res = await free.app.inject({
          method: 'POST',
          url: '/api/v2/auth/login',
          payload: { email: user.email, password: 'Wrong-Guess-99' },
        });
        expect(res.statusCode).toBe(401);
        const resent = await free.app.inject({
          method: 'POST',
          url: '/api/v2/auth/resend-confirmation',
          payload: { email: user.email },
        });
        expect(resent.statusCode).toBe(202);
      }
      const headers = await authHeader(free, await createUser(free.runtime));
      for (let i = 0; i < 3; i += 1) {
        const res = await free.app.inject({
          method: 'POST',
          url: '/api/v2/basket/coupon',
          headers,
          payload: { code: `GUESS-${i}` },
        });
        expect(res.statusCode).toBe(422);
      }
    } finally {
      await free.close();
    }
  });
});
