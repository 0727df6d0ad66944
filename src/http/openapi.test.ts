// The OpenAPI document integrators generate clients from: every operation named, summarised,
// tagged and secured, and identical to the committed `openapi.json`.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../test/helpers/app.ts';
import { openApiText } from './openapi.ts';

/**
 * Operations allowed to lack an operationId: none. Kept so that a route added without one fails
 * with a clear message, and a stale entry fails too.
 */
const UNNAMED_CATALOG_OPERATIONS = new Set<string>([]);

interface Operation {
  operationId?: string;
  summary?: string;
  tags?: string[];
  security?: unknown[];
  responses: Record<string, unknown>;
}

let t: TestApp;
let document: { paths: Record<string, Record<string, Operation>>; tags: { name: string }[] };

beforeAll(async () => {
  t = await buildTestApp({ workers: false });
  const response = await t.app.inject({ method: 'GET', url: '/docs/json' });
  expect(response.statusCode).toBe(200);
  document = response.json();
});
afterAll(async () => t?.close());

function operations(): [string, Operation][] {
  return Object.entries(document.paths).flatMap(([url, item]) =>
    Object.entries(item).map(
      ([method, operation]) => [`${method.toUpperCase()} ${url}`, operation] as [string, Operation],
    ),
  );
}

describe('the OpenAPI document', () => {
  it('names every operation once, in camelCase, with a summary and a declared tag', () => {
    const declaredTags = new Set(document.tags.map((tag) => tag.name));
    const seen = new Map<string, string>();
    const problems: string[] = [];
    for (const [name, operation] of operations()) {
      if (!operation.summary) problems.push(`${name}: no summary`);
      if (!operation.tags?.length) problems.push(`${name}: no tag`);
      for (const tag of operation.tags ?? [])
        if (!declaredTags.has(tag)) problems.push(`${name}: tag ${tag} undeclared`);
      const id = operation.operationId;
      if (!id) {
        if (!UNNAMED_CATALOG_OPERATIONS.has(name)) problems.push(`${name}: no operationId`);
        continue;
      }
      if (UNNAMED_CATALOG_OPERATIONS.has(name))
        problems.push(`${name}: has an id now, remove it from the allow-list`);
      if (!/^[a-z][a-zA-Z0-9]*$/.test(id)) problems.push(`${name}: operationId ${id} is not camelCase`);
      if (seen.has(id)) problems.push(`${name}: operationId ${id} also used by ${seen.get(id)}`);
      seen.set(id, name);
    }
    for (const name of UNNAMED_CATALOG_OPERATIONS) {
      if (!operations().some(([other]) => other === name)) problems.push(`${name}: allow-listed but absent`);
    }
    expect(problems).toEqual([]);
  });

  it('declares security on every operation and the problems its shape implies', async () => {
    const problems: string[] = [];
    const permissions = new Map(t.app.routePermissions.map((p) => [`${p.method} ${p.url}`, p.roles]));
    for (const [name, operation] of operations()) {
      if (!operation.security) problems.push(`${name}: no security`);
      const [method, url] = name.split(' ');
      const roles = permissions.get(`${method} ${url.replace(/\{(\w+)\}/g, ':$1')}`);
      if (roles && roles !== 'public') {
        if (!operation.security?.length) problems.push(`${name}: needs a caller but declares no scheme`);
        if (!operation.responses['401']) problems.push(`${name}: no 401`);
        if (Array.isArray(roles) && !operation.responses['403']) problems.push(`${name}: no 403`);
      }
      if (url.includes('{') && !operation.responses['404']) problems.push(`${name}: no 404`);
    }
    expect(problems).toEqual([]);
    // Spot checks: a public and a staff operation as clients see them.
    const login = document.paths['/api/v2/auth/login'].post;
    expect(login.security).toEqual([]);
    expect(Object.keys(login.responses)).toEqual(expect.arrayContaining(['200', '400', '429']));
    const adminOrder = document.paths['/api/v2/admin/orders/{id}'].get;
    expect(adminOrder.security).toEqual([{ bearer: [] }, { token: [] }]);
    expect(Object.keys(adminOrder.responses)).toEqual(expect.arrayContaining(['400', '401', '403', '404']));
  });

  it('is the committed openapi.json (run `npm run openapi` after changing a route)', () => {
    const committed = fs.readFileSync(path.resolve(import.meta.dirname, '../../openapi.json'), 'utf8');
    expect(openApiText(t.app) === committed, 'openapi.json is stale: run `npm run openapi`').toBe(true);
  });
});
