// The console's one auth provider, over the session in session.ts. Staff, suppliers and buyers
// each work in the console; the permissions carry the role, which picks the resources and menu.
import { unwrap, ZakupkaApiError } from '@zakupka/client';
import type { AuthProvider, UserIdentity } from 'ra-core';
import type { ConsoleSession } from './session.ts';

export type Role = 'buyer' | 'supplier' | 'staff';

export interface Me {
  id: number;
  email: string;
  role: Role;
  first_name: string;
  last_name: string;
  company: string;
  preferred_language: 'ru' | 'en';
}

/** The message key the login page shows when the server ended the session. */
export const SESSION_ENDED = 'console.auth.session_ended';

export function createAuthProvider(session: ConsoleSession): AuthProvider & { me(): Promise<Me> } {
  // The signed-in account, fetched once per session (role and name for the layout).
  let me: Promise<Me> | null = null;
  const loadMe = () => {
    if (!me) {
      me = session.client.api.GET('/api/v2/me').then((answer) => unwrap(answer) as Me);
      me.catch(() => {
        me = null;
      });
    }
    return me;
  };

  return {
    me: loadMe,
    async login(params: { username?: string; email?: string; password: string }) {
      me = null;
      session.clearEnded();
      try {
        await session.client.login({
          email: (params.email ?? params.username ?? '').trim(),
          password: params.password,
        });
      } catch (error) {
        // The server's own words (Russian or English): wrong password, blocked account, not confirmed.
        if (error instanceof ZakupkaApiError)
          throw new Error(error.problem?.detail ?? error.problem?.title ?? error.code);
        throw new Error('console.errors.network');
      }
      await loadMe();
    },
    async logout() {
      me = null;
      if (session.client.tokens()) {
        // Revoking may fail (the session already ended): the person is signed out either way.
        await session.client.logout().catch(() => {});
      }
    },
    async checkAuth() {
      if (!session.hasSession()) {
        throw session.endedByServer() ? { message: SESSION_ENDED } : { message: false };
      }
    },
    async checkError(error: { status?: number }) {
      if (error?.status === 401) {
        // The client already tried the refresh token: the session is over.
        me = null;
        throw { message: SESSION_ENDED };
      }
    },
    async getIdentity(): Promise<UserIdentity> {
      const account = await loadMe();
      const name = [account.first_name, account.last_name].filter(Boolean).join(' ');
      return { id: account.id, fullName: name || account.email, email: account.email, role: account.role };
    },
    async getPermissions() {
      if (!session.hasSession()) return undefined;
      return (await loadMe()).role;
    },
  };
}
