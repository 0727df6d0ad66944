// @zakupka/client: typed calls to the Zakupka API (types generated from openapi.json, calls through
// openapi-fetch), with the three things every integration rewrites otherwise — a login session
// whose refresh token is rotated on its own, API tokens, and iteration over cursor-paged lists.
import createFetchClient, { type Client, type Middleware } from 'openapi-fetch';
import type { components, paths } from './schema.d.ts';

export type { components, paths };
export type Problem = components['schemas']['Problem'];

/** An answer that is not 2xx, with the problem document's stable `code`. */
export class ZakupkaApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly problem: Problem | undefined;
  constructor(status: number, problem: Problem | undefined) {
    super(problem?.detail ?? problem?.title ?? `HTTP ${status}`);
    this.name = 'ZakupkaApiError';
    this.status = status;
    this.code = problem?.code ?? 'http_error';
    this.problem = problem;
  }
}

export interface Tokens {
  accessToken: string;
  refreshToken: string;
}

export interface ZakupkaClientOptions {
  /** The server, e.g. `https://zakupka.example.com` (the API paths start with /api/v2). */
  baseUrl: string;
  /** An API token (`zk_…`) for a machine integration; or log in with `login()`. */
  apiToken?: string;
  /** A session kept from before (e.g. from `onTokens`). */
  tokens?: Tokens;
  /** Called with every new pair (login and each rotation): persist it to survive restarts. */
  onTokens?: (tokens: Tokens | null) => void;
  /** `ru` (default on the server) or `en` for human-readable texts. */
  language?: 'ru' | 'en';
  fetch?: typeof globalThis.fetch;
}

type JsonOf<Operation> = Operation extends {
  responses: { 200: { content: { 'application/json': infer Json } } };
}
  ? Json
  : never;
type GetOf<Path extends keyof paths> = paths[Path] extends { get: infer Operation } ? Operation : never;

/** Every GET path that answers `{items, next_cursor}`. */
export type PagedPath = {
  [Path in keyof paths]: JsonOf<GetOf<Path>> extends { items: unknown[]; next_cursor: string | null }
    ? Path
    : never;
}[keyof paths];
export type PageItem<Path extends PagedPath> =
  JsonOf<GetOf<Path>> extends { items: (infer Item)[] } ? Item : never;
type ParamsOf<Path extends PagedPath> =
  GetOf<Path> extends { parameters: infer Parameters }
    ? Parameters extends { query?: infer Query; path?: infer PathParams }
      ? { query?: Omit<NonNullable<Query>, 'cursor'>; path?: PathParams }
      : never
    : never;

export interface ZakupkaClient {
  /** The typed openapi-fetch client: `api.GET('/api/v2/orders/{id}', { params: { path: { id } } })`. */
  api: Client<paths>;
  /** Logs in (POST /api/v2/auth/login); later calls carry the session and renew it when it expires. */
  login(credentials: { email: string; password: string }): Promise<Tokens>;
  /** Revokes the session's refresh token and forgets it. */
  logout(): Promise<void>;
  /** The current session's tokens, if logged in. */
  tokens(): Tokens | null;
  /** Creates an API token for a machine integration (from a login session); the token is shown once. */
  createApiToken(name: string, expiresAt?: string): Promise<{ id: number; token: string }>;
  /** Every item of a cursor-paged list, fetching pages as the loop asks for them. */
  paginate<Path extends PagedPath>(path: Path, params?: ParamsOf<Path>): AsyncGenerator<PageItem<Path>>;
}

/** Unwraps an openapi-fetch result: the data, or a ZakupkaApiError. */
export function unwrap<T>(result: { data?: T; error?: unknown; response: Response }): T {
  if (result.error !== undefined || !result.response.ok) {
    throw new ZakupkaApiError(result.response.status, result.error as Problem | undefined);
  }
  return result.data as T;
}

export function createZakupkaClient(options: ZakupkaClientOptions): ZakupkaClient {
  const fetchImpl = options.fetch ?? globalThis.fetch;
  let session: Tokens | null = options.tokens ?? null;
  // One refresh at a time: the refresh token is single-use, so parallel 401s share one rotation.
  let refreshing: Promise<boolean> | null = null;
  const retries = new Map<string, Request>();

  const api = createFetchClient<paths>({ baseUrl: options.baseUrl, fetch: fetchImpl });

  function setSession(next: Tokens | null) {
    session = next;
    options.onTokens?.(next);
  }

  async function refresh(): Promise<boolean> {
    const spent = session?.refreshToken;
    if (!spent) return false;
    const response = await fetchImpl(new URL('/api/v2/auth/refresh', options.baseUrl), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ refresh_token: spent }),
    });
    if (!response.ok) {
      setSession(null);
      return false;
    }
    const pair = (await response.json()) as { access_token: string; refresh_token: string };
    setSession({ accessToken: pair.access_token, refreshToken: pair.refresh_token });
    return true;
  }

  function credential(): string | null {
    if (session) return `Bearer ${session.accessToken}`;
    if (options.apiToken) return `Bearer ${options.apiToken}`;
    return null;
  }

  const auth: Middleware = {
    onRequest({ request, id }) {
      const value = credential();
      if (value && !request.headers.has('authorization')) request.headers.set('authorization', value);
      if (options.language) request.headers.set('accept-language', options.language);
      // Kept to send again after a refresh (the body of `request` is spent by then).
      if (session) retries.set(id, request.clone());
      return request;
    },
    async onResponse({ response, id, schemaPath }) {
      const retry = retries.get(id);
      retries.delete(id);
      if (response.status !== 401 || !retry || !session || schemaPath.startsWith('/api/v2/auth/')) {
        return response;
      }
      const sentWith = retry.headers.get('authorization');
      // Another request may have rotated the pair meanwhile: then just send again with it.
      let renewed = true;
      if (sentWith === `Bearer ${session.accessToken}`) {
        if (!refreshing) {
          refreshing = refresh().finally(() => {
            refreshing = null;
          });
        }
        renewed = await refreshing;
      }
      if (!renewed || !session) return response;
      retry.headers.set('authorization', `Bearer ${session.accessToken}`);
      return fetchImpl(retry);
    },
  };
  api.use(auth);

  return {
    api,
    async login(credentials) {
      const pair = unwrap(await api.POST('/api/v2/auth/login', { body: credentials }));
      setSession({ accessToken: pair.access_token, refreshToken: pair.refresh_token });
      return session!;
    },
    async logout() {
      const current = session;
      setSession(null);
      if (current) {
        unwrap(await api.POST('/api/v2/auth/logout', { body: { refresh_token: current.refreshToken } }));
      }
    },
    tokens: () => session,
    async createApiToken(name, expiresAt) {
      const created = unwrap(
        await api.POST('/api/v2/me/api-tokens', {
          body: { name, ...(expiresAt ? { expires_at: expiresAt } : {}) },
        }),
      );
      return { id: created.id, token: created.token };
    },
    async *paginate(path, params) {
      let cursor: string | undefined;
      do {
        const given = (params ?? {}) as { query?: Record<string, unknown>; path?: Record<string, unknown> };
        const init = { params: { ...given, query: { ...given.query, ...(cursor ? { cursor } : {}) } } };
        const page = unwrap(
          await (
            api.GET as (
              path: string,
              init: unknown,
            ) => Promise<{ data?: unknown; error?: unknown; response: Response }>
          )(path, init),
        ) as { items: PageItem<typeof path>[]; next_cursor: string | null };
        yield* page.items;
        cursor = page.next_cursor ?? undefined;
      } while (cursor);
    },
  };
}
