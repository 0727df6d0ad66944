// Account factories: credentials for users made by `createUser` (test/factories.ts).
import type { UserRole } from '../../src/db/schema/users.ts';
import { signAccessToken } from '../../src/http/auth.ts';
import type { TestApp } from '../helpers/app.ts';

/** An `Authorization` header carrying a fresh access token (JWT) for the user. */
export async function authHeader(
  t: TestApp,
  user: { id: number; role: UserRole },
): Promise<{ authorization: string }> {
  return { authorization: `Bearer ${await signAccessToken(t.runtime, user)}` };
}
