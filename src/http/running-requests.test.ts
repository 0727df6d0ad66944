// Closing the app waits for handlers whose client went away: the database outlives their statements.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../test/helpers/app.ts';

let t: TestApp | undefined;
afterAll(async () => {
  await t?.close();
});

describe('closing the app', () => {
  it('waits for a handler whose client went away, and its statement runs', async () => {
    const gate = Promise.withResolvers<void>();
    const handlerStarted = Promise.withResolvers<void>();
    const outcome: { rows?: unknown; error?: unknown } = {};
    t = await buildTestApp({
      register: (app) => {
        app.get('/test/slow', async () => {
          handlerStarted.resolve();
          await gate.promise;
          try {
            outcome.rows = await t!.database.query('select 1 as one');
          } catch (error) {
            outcome.error = error;
          }
          return { ok: true };
        });
      },
    });
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = t.app.server.address() as AddressInfo;
    const request = http.get({ host: '127.0.0.1', port, path: '/test/slow', agent: false });
    request.on('error', () => {});
    await handlerStarted.promise;
    request.destroy();

    let closed = false;
    const closing = t.app.close().then(() => {
      closed = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(closed).toBe(false);
    gate.resolve();
    await closing;
    expect(outcome.error).toBeUndefined();
    expect(outcome.rows).toEqual([{ one: 1 }]);
  });
});
