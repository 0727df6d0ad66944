import type { AuthUser } from '../../http/auth.ts';
import type { Runtime } from '../../runtime.ts';

/** Resolves an API token to its user (accounts issue: hashed tokens table). */
export async function resolveApiToken(_runtime: Runtime, _token: string): Promise<AuthUser | null> {
  return null;
}
