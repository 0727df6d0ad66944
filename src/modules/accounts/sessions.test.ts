// Unknown emails cost the same argon2 verification as wrong passwords: the login verifies the
// presented password against a dummy hash, so response time does not reveal which accounts exist.
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createUser, uniqueEmail } from '../../../test/factories.ts';
import { buildTestApp, type TestApp } from '../../../test/helpers/app.ts';

// The real argon2 verification, observed: every call is recorded and still does the work.
vi.mock('../../lib/passwords.ts', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../lib/passwords.ts')>();
  return { ...actual, verifyPassword: vi.fn(actual.verifyPassword) };
});
const { verifyPassword } = await import('../../lib/passwords.ts');
const verify = vi.mocked(verifyPassword);

let t: TestApp;

beforeAll(async () => {
  t = await buildTestApp({ workers: false });
});
afterAll(() => t?.close());
beforeEach(() => verify.mockClear());

function login(email: string, password: string) {
  return t.app.inject({ method: 'POST', url: '/api/v2/auth/login', payload: { email, password } });
}

describe('login of an unknown email', () => {
  it('verifies the password against a dummy argon2id hash nobody has', async () => {
    const user = await createUser(t.runtime);
    const res = await login(uniqueEmail('ghost'), 'Some-Guess-2026');
    expect(res.statusCode).toBe(401);
    expect(res.json().code).toBe('invalid_credentials');
    expect(verify).toHaveBeenCalledTimes(1);
    const [hash, password] = verify.mock.calls[0];
    expect(password).toBe('Some-Guess-2026');
    expect(hash).toMatch(/^\$argon2id\$/);
    expect(hash).not.toBe(user.passwordHash);
    // The same dummy every time (hashed once, not per request).
    await login(uniqueEmail('ghost'), 'Other-Guess-2026');
    expect(verify).toHaveBeenCalledTimes(2);
    expect(verify.mock.calls[1][0]).toBe(hash);
  });

  it('does the same single verification as a wrong password for a real account', async () => {
    const user = await createUser(t.runtime);
    expect((await login(user.email, 'Wrong-Guess-2026')).statusCode).toBe(401);
    expect(verify).toHaveBeenCalledTimes(1);
    expect(verify.mock.calls[0]).toEqual([user.passwordHash, 'Wrong-Guess-2026']);
  });
});
