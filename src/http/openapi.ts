// The OpenAPI document as integrators get it: every operation declares its security and the
// problem answers it can give, added here once for every route (so a new route needs no edits),
// and the document is rendered deterministically so the committed `openapi.json` can be compared.
import type { FastifyInstance, RouteOptions } from 'fastify';
import { type TSchema, Type } from 'typebox';

/** Statuses a route declares in `config.problems` beyond the ones derived from its shape. */
declare module 'fastify' {
  interface FastifyContextConfig {
    /** Extra problem statuses (e.g. 409, 422) this route answers; 400/401/403/404/429 are derived. */
    problems?: readonly number[];
  }
}

const PROBLEM_DESCRIPTIONS: Record<number, string> = {
  400: 'The input breaks a rule: `validation_failed` with `errors: [{field, message}]`',
  401: 'No valid credentials: `unauthorized`, `invalid_token` or `token_expired`',
  403: 'Signed in, but this account’s role may not call this: `forbidden`',
  404: 'Absent, or not the caller’s to see',
  409: 'Collides with the current state (the `code` says which rule)',
  413: 'The body or file is too large',
  422: 'Well-formed, but cannot be processed as given',
  429: 'Too many requests: `Retry-After` says when to try again',
};

function problem(status: number): TSchema {
  return Type.Ref('Problem', { description: PROBLEM_DESCRIPTIONS[status] ?? 'Problem document' });
}

function hasKeys(schema: unknown): boolean {
  if (!schema || typeof schema !== 'object') return false;
  const properties = (schema as { properties?: Record<string, unknown> }).properties;
  return properties ? Object.keys(properties).length > 0 : true;
}

/**
 * Derives what a route's schema leaves implicit: `security: []` for public routes (the auth hook
 * sets bearer/token for the others), 400 when it validates input, 401 (and 403 for a role list)
 * when it needs a caller, 404 when its path has parameters, 429 when it is rate limited, and any
 * status listed in `config.problems`. A status the route already declares is left as it is.
 */
export function describeRoute(route: RouteOptions): void {
  const schema = route.schema as Record<string, unknown> | undefined;
  if (!schema || schema.hide) return;
  const config = (route.config ?? {}) as {
    roles?: unknown;
    rateLimit?: unknown;
    problems?: readonly number[];
  };
  if (!config.roles && !schema.security) schema.security = [];
  const statuses = new Set<number>();
  if (
    hasKeys(schema.body) ||
    hasKeys(schema.querystring) ||
    hasKeys(schema.params) ||
    hasKeys(schema.headers)
  ) {
    statuses.add(400);
  }
  if (config.roles) statuses.add(401);
  if (Array.isArray(config.roles)) statuses.add(403);
  if (route.url.includes(':')) statuses.add(404);
  if (config.rateLimit) statuses.add(429);
  for (const status of config.problems ?? []) statuses.add(status);
  if (!statuses.size) return;
  const response = (schema.response ?? {}) as Record<string, unknown>;
  for (const status of statuses) {
    if (!(status in response) && !(String(status) in response)) response[status] = problem(status);
  }
  schema.response = response;
}

/** Installs `describeRoute` for every route registered after it (call before the routes). */
export function installOpenApiConventions(app: FastifyInstance): void {
  app.addHook('onRoute', (route) => describeRoute(route));
}

function sortKeys(value: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/**
 * The document as committed in `openapi.json`: paths and component schemas in key order, servers
 * relative, nothing that depends on the machine or the time.
 */
export function openApiDocument(app: FastifyInstance): Record<string, unknown> {
  const document = structuredClone(app.swagger()) as unknown as Record<string, unknown>;
  document.servers = [{ url: '/' }];
  document.paths = sortKeys(document.paths as Record<string, unknown>);
  const components = document.components as Record<string, Record<string, unknown>> | undefined;
  if (components?.schemas) components.schemas = sortKeys(components.schemas);
  return document;
}

/** `openapi.json`'s text: two-space JSON with a final newline. */
export function openApiText(app: FastifyInstance): string {
  return `${JSON.stringify(openApiDocument(app), null, 2)}\n`;
}
