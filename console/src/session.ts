// The console's one connection to the API: the generated client (@zakupka/client) with the
// session it keeps. The access token lives only in memory. The refresh token is kept in
// sessionStorage so a reload (or a deep link opened in the same tab) keeps the person signed in,
// while closing the tab ends it and other tabs and sites never see it: localStorage would keep a
// long-lived credential on disk across browser restarts, and a cookie would need an API change.
// The API rotates the refresh token on every use; every new pair is written back here.
import { createZakupkaClient, type Tokens, type ZakupkaClient } from '@zakupka/client';

export const REFRESH_KEY = 'zakupka.console.refresh';

/** Where the refresh token survives a reload (sessionStorage in the browser; a Map in tests). */
export interface TokenStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

export interface ConsoleSession {
  client: ZakupkaClient;
  /** The language of human-readable API texts (problem details, emails it sends on our behalf). */
  setLanguage(language: 'ru' | 'en'): void;
  /** True when a refresh token is kept (the access token may still have to be renewed). */
  hasSession(): boolean;
  /** Set when a session ended by itself (refresh refused): the login page says so once. */
  endedByServer(): boolean;
  clearEnded(): void;
  markEnded(): void;
}

export interface SessionOptions {
  baseUrl: string;
  store: TokenStore;
  fetch?: typeof globalThis.fetch;
}

/**
 * The session after a reload: the kept refresh token is spent once (the API rotates it) before
 * the app renders, so the first calls carry a valid access token instead of failing with a 401.
 * A refresh token the API refuses (expired, revoked, the account blocked) is forgotten and the
 * login page says the session ended.
 */
export async function restoreSession(options: SessionOptions): Promise<ConsoleSession> {
  const kept = options.store.getItem(REFRESH_KEY);
  if (!kept) return createSession(options);
  const bare = createZakupkaClient({ baseUrl: options.baseUrl, fetch: options.fetch });
  let answer: { data?: { access_token: string; refresh_token: string } };
  try {
    answer = await bare.api.POST('/api/v2/auth/refresh', { body: { refresh_token: kept } });
  } catch {
    // The server cannot be reached: keep the token, the next call will tell.
    return createSession(options);
  }
  if (!answer.data) {
    options.store.removeItem(REFRESH_KEY);
    const session = createSession(options);
    session.markEnded();
    return session;
  }
  options.store.setItem(REFRESH_KEY, answer.data.refresh_token);
  return createSession(options, {
    accessToken: answer.data.access_token,
    refreshToken: answer.data.refresh_token,
  });
}

export function createSession(options: SessionOptions, restored?: Tokens): ConsoleSession {
  let language: 'ru' | 'en' = 'ru';
  let ended = false;
  const kept = options.store.getItem(REFRESH_KEY);
  // Without a restored pair, a kept refresh token still works: a placeholder access token gets a
  // 401 on the first call, and the client then spends the refresh token once and repeats it.
  const tokens: Tokens | undefined =
    restored ?? (kept ? { accessToken: 'expired', refreshToken: kept } : undefined);
  let signedIn = Boolean(tokens);
  const client = createZakupkaClient({
    baseUrl: options.baseUrl,
    tokens,
    fetch: options.fetch,
    onTokens(next) {
      if (next) {
        options.store.setItem(REFRESH_KEY, next.refreshToken);
        signedIn = true;
        ended = false;
      } else {
        // The client forgets the session on logout and when a refresh is refused.
        if (signedIn) ended = true;
        signedIn = false;
        options.store.removeItem(REFRESH_KEY);
      }
    },
  });
  client.api.use({
    onRequest({ request }) {
      request.headers.set('accept-language', language);
      return request;
    },
  });
  const logout = client.logout.bind(client);
  client.logout = async () => {
    // A deliberate logout is not an "ended session".
    signedIn = false;
    try {
      await logout();
    } finally {
      options.store.removeItem(REFRESH_KEY);
      ended = false;
    }
  };
  return {
    client,
    setLanguage(next) {
      language = next;
    },
    hasSession: () => signedIn || client.tokens() !== null,
    endedByServer: () => ended,
    clearEnded() {
      ended = false;
    },
    markEnded() {
      ended = true;
    },
  };
}
