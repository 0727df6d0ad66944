// The demo's entry points as users run them: `npm run demo`, and `DEMO_DATA=true npm start` on an
// empty database. Each runs as a child process on a fresh data folder (PGlite) or, with DATABASE_URL,
// a fresh database on the server. (Apart from catalog-cli.test.ts so that the two long files run on
// both test workers at once.)
import { spawnSync } from 'node:child_process';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { createTarget, freePort, killAll, NODE_FLAGS, start, type Target } from './processes.ts';

// Real processes (each opens a database and imports the demo catalog): a busy machine makes them
// slow, not wrong, so they get room beyond the suite's limits.
vi.setConfig({ testTimeout: 300_000, hookTimeout: 180_000 });

const targets: Target[] = [];

afterAll(async () => {
  killAll();
  for (const target of targets) await target.remove();
});

async function target(): Promise<Target> {
  const created = await createTarget({ migrated: true });
  targets.push(created);
  return created;
}

describe('demo data', () => {
  it('npm run demo loads the demo catalog and prints the accounts', async () => {
    const db = await target();
    const result = spawnSync(process.execPath, [...NODE_FLAGS, 'src/cli/demo.ts'], {
      env: db.env({ LOG_LEVEL: 'silent' }),
      encoding: 'utf8',
      timeout: 300_000,
    });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^Demo data: 7 shops, \d+ goods\.$/m);
    expect(result.stdout).toMatch(/^ {2}buyer +\S+@/m);
    expect(result.stdout).toMatch(/^ {2}staff +\S+@/m);
    expect(result.stdout).toContain('(shop «Связной»)');
    const [{ shops, active }] = await db.query<{ shops: number; active: number }>(
      `select (select count(*)::integer from shops) as shops,
              (select count(*)::integer from products where offer_count > 0) as active`,
    );
    expect(shops).toBe(7);
    expect(active).toBeGreaterThan(14);
  });

  it('DEMO_DATA=true npm start loads it into an empty database and serves it', async () => {
    const db = await target();
    const port = await freePort();
    const server = start('src/server.ts', db.env({ PORT: String(port), DEMO_DATA: 'true' }));
    const url = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + 300_000;
    for (;;) {
      if (server.child.exitCode !== null) throw new Error(`server exited: ${server.stderr()}`);
      const ready = await fetch(`${url}/health/ready`).then(
        (res) => res.status === 200,
        () => false,
      );
      if (ready) break;
      if (Date.now() > deadline) throw new Error('server not ready in time');
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(server.output()).toMatch(/Demo data: 7 shops, \d+ goods\./);
    const shops = (await (await fetch(`${url}/api/v2/shops?limit=100`)).json()) as {
      items: { name: string }[];
    };
    expect(shops.items).toHaveLength(7);
    const list = (await (await fetch(`${url}/api/v2/products?q=iphone&limit=5`)).json()) as {
      items: unknown[];
    };
    expect(list.items.length).toBeGreaterThan(0);
    expect(await server.stop()).toBe(0);
  });
});
