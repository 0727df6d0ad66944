// Every catalog operation (public, supplier, staff) carries a stable camelCase operationId, unique
// across the document, and an English summary: generated clients name their methods after them.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../../test/helpers/app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(async () => {
  await t?.close();
});

it('names every catalog operation once, with a summary', async () => {
  const document = (await t.app.inject({ method: 'GET', url: '/docs/json' })).json() as {
    paths: Record<string, Record<string, { operationId?: string; summary?: string; tags?: string[] }>>;
  };
  const catalogPath =
    /^\/api\/v2\/(shops|categories|products|offers|supplier\/(shop|imports|export)|admin\/(shops|imports|exports|categories|parameters))/;
  const ids: string[] = [];
  let catalogOperations = 0;
  for (const [path, operations] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(operations)) {
      if (operation.operationId) ids.push(operation.operationId);
      if (!catalogPath.test(path)) continue;
      catalogOperations += 1;
      expect(operation.operationId, `${method} ${path}`).toMatch(/^[a-z][A-Za-z0-9]*$/);
      expect(operation.summary, `${method} ${path}`).toBeTruthy();
      expect(operation.tags?.length, `${method} ${path}`).toBeGreaterThan(0);
    }
  }
  expect(catalogOperations).toBe(34);
  expect(new Set(ids).size).toBe(ids.length);
  expect(ids).toEqual(expect.arrayContaining(['listProducts', 'getProductFacets', 'adminMergeCategories']));
});
