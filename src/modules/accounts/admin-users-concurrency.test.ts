// The last-staff rule under real parallel transactions on the PostgreSQL server (on PGlite one
// connection serialises everything and the test would prove nothing, so it is skipped there): two
// staff demoting or blocking each other at the same moment leave one of them staff.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStaff } from '../../../test/factories/orders.ts';
import { buildTestApp, type TestApp } from '../../../test/helpers/app.ts';
import { onPostgresServer } from '../../../test/helpers/database.ts';

const server = onPostgresServer();
let t: TestApp;

beforeAll(async () => {
  if (!server) return;
  t = await buildTestApp({ workers: false });
});
afterAll(() => t?.close());

describe.skipIf(!server)('the last active staff account, in parallel', () => {
  it('survives two staff demoting or blocking each other at once', async () => {
    for (const change of [{ role: 'buyer' }, { blocked: true }] as const) {
      const a = await createStaff(t);
      const b = await createStaff(t);
      // Only a and b are active staff: earlier rounds left one of theirs; demote it first.
      const others = await t.app.inject({
        method: 'GET',
        url: '/api/v2/admin/users?role=staff&state=active&limit=200',
        headers: a.headers,
      });
      for (const user of others.json().items as { id: number }[]) {
        if (user.id === a.user.id || user.id === b.user.id) continue;
        const res = await t.app.inject({
          method: 'PATCH',
          url: `/api/v2/admin/users/${user.id}`,
          headers: a.headers,
          payload: { role: 'buyer' },
        });
        expect(res.statusCode, res.body).toBe(200);
      }
      const answers = await Promise.all(
        Array.from({ length: 6 }, (_, i) => {
          const [actor, target] = i % 2 === 0 ? [a, b] : [b, a];
          return t.app.inject({
            method: 'PATCH',
            url: `/api/v2/admin/users/${target.user.id}`,
            headers: actor.headers,
            payload: change,
          });
        }),
      );
      for (const res of answers) expect([200, 401, 403, 409], res.body).toContain(res.statusCode);
      const after = await t.app.inject({
        method: 'GET',
        url: '/api/v2/admin/users?role=staff&state=active&limit=200',
        headers: a.headers,
      });
      const left = after.statusCode === 200 ? after.json().items : null;
      const viaB = await t.app.inject({
        method: 'GET',
        url: '/api/v2/admin/users?role=staff&state=active&limit=200',
        headers: b.headers,
      });
      const staffLeft = (left ?? viaB.json().items) as { id: number }[];
      expect(staffLeft).toHaveLength(1);
      expect([a.user.id, b.user.id]).toContain(staffLeft[0].id);
    }
  });
});
