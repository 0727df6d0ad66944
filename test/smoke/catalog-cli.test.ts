// The catalog's import command as users run it: `npm run import` (one file for a supplier, or a
// folder of files, shop per file). Each runs as a child process on a fresh data folder (PGlite) or,
// with DATABASE_URL, a fresh database on the server. The demo's entry points: demo-cli.test.ts.
import { type SpawnSyncReturns, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTarget, killAll, NODE_FLAGS, type Target } from './processes.ts';

// Real processes (each opens a database, some import files): a busy machine makes them slow, not
// wrong, so they get room beyond the suite's 30 s per test.
vi.setConfig({ testTimeout: 300_000, hookTimeout: 180_000 });

const SAMPLE = fs.readFileSync(new URL('../fixtures/shop1.yaml', import.meta.url), 'utf8');
const files = fs.mkdtempSync(path.join(os.tmpdir(), 'zakupka-cli-files-'));
const targets: Target[] = [];

afterAll(async () => {
  killAll();
  for (const target of targets) await target.remove();
  fs.rmSync(files, { recursive: true, force: true });
});

async function target(): Promise<Target> {
  const created = await createTarget({ migrated: true });
  targets.push(created);
  return created;
}

function importCli(on: Target, args: string[]): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [...NODE_FLAGS, 'src/cli/import.ts', ...args], {
    env: on.env({ LOG_LEVEL: 'silent' }),
    encoding: 'utf8',
    timeout: 120_000,
  });
}

function write(folder: string, name: string, content: string): string {
  fs.mkdirSync(path.join(files, folder), { recursive: true });
  const file = path.join(files, folder, name);
  fs.writeFileSync(file, content);
  return file;
}

const SECOND = `shop: Электроника Оптом
categories:
  - id: 7
    name: смартфоны
goods:
  - id: A1
    category: 7
    name: Смартфон Apple iPhone XR 256GB (красный)
    price: 63500.50
    quantity: 2
  - id: A2
    category: 7
    name: Смартфон Новый
    price: 1000
    quantity: 1
`;

describe('npm run import', () => {
  let db: Target;

  beforeAll(async () => {
    db = await target();
  });

  it('--dir loads every price list of a folder, one shop per file, and is repeatable', async () => {
    write('all', 'shop1.yaml', SAMPLE);
    write('all', 'second.yml', SECOND);
    write('all', 'notes.txt', 'not a price list');
    const first = importCli(db, ['--dir', path.join(files, 'all')]);
    expect(first.stderr).toBe('');
    expect(first.status).toBe(0);
    expect(first.stdout).toMatch(/^second\.yml: succeeded \(import \d+, shop \d+\)/m);
    expect(first.stdout).toMatch(/^shop1\.yaml: succeeded \(import \d+, shop \d+\)/m);
    expect(first.stdout).toContain('total 14, created 14, updated 0, unchanged 0, deactivated 0, rejected 0');
    expect(first.stdout).toContain('total 2, created 2, updated 0, unchanged 0, deactivated 0, rejected 0');
    expect(first.stdout).not.toContain('notes.txt');

    const shops = await db.query<{ name: string; email: string; offers: number }>(
      `select s.name, u.email, (select count(*)::integer from offers o where o.shop_id = s.id) as offers
       from shops s join users u on u.id = s.owner_id order by s.name`,
    );
    expect(shops.map((s) => [s.name, s.offers])).toEqual([
      ['Связной', 14],
      ['Электроника Оптом', 2],
    ]);
    const [{ products }] = await db.query<{ products: number }>(
      'select count(*)::integer as products from products',
    );
    // The XR is one product offered by both shops.
    expect(products).toBe(15);

    // Again: the same shops (found by the file's name), nothing changes.
    const again = importCli(db, ['--dir', path.join(files, 'all')]);
    expect(again.status).toBe(0);
    expect(again.stdout).toContain('total 14, created 0, updated 0, unchanged 14, deactivated 0, rejected 0');
    const [{ count }] = await db.query<{ count: number }>('select count(*)::integer as count from shops');
    expect(count).toBe(2);
  }, 300_000); // several CLI processes, each opening the database and a reader thread

  it('--shop-owner <email> <file> imports into that supplier’s shop', async () => {
    const [{ email }] = await db.query<{ email: string }>(
      `select u.email from shops s join users u on u.id = s.owner_id where s.name = 'Связной'`,
    );
    const changed = SAMPLE.replace('price: 110000', 'price: 109999.99').replace(
      /\n {2}- id: 4216226\n[\s\S]*?(?=\n {2}- id: )/,
      '',
    );
    const file = write('one', 'changed.yaml', changed);
    const result = importCli(db, ['--shop-owner', email.toUpperCase(), file]);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('changed.yaml: succeeded');
    expect(result.stdout).toContain(
      'total 13, created 0, updated 1, unchanged 12, deactivated 1, rejected 0',
    );
    const [xs] = await db.query<{ price: string }>(
      `select price::text as price from offers where external_id = '4216292'`,
    );
    expect(xs.price).toBe('109999.99');
  }, 300_000);

  it('reports bad files and rows, and exits 1 when an import failed', () => {
    const bad = write('bad', 'broken.yaml', 'shop: [Связной\ngoods: {');
    write(
      'bad',
      'rows.yaml',
      'shop: Плохие строки\ncategories:\n  - id: 1\n    name: Разное\ngoods:\n  - id: r1\n    category: 1\n    name: Хорошо\n    price: 1\n    quantity: 1\n  - id: r2\n    category: 1\n    name: Плохо\n    price: 1\n    quantity: -1\n',
    );
    const folder = importCli(db, ['--dir', path.join(files, 'bad')]);
    expect(folder.status).toBe(1);
    expect(folder.stdout).toContain('broken.yaml: failed');
    expect(folder.stdout).toMatch(
      /rows\.yaml: succeeded[\s\S]*rejected 1[\s\S]*row 2 \(line \d+\) id r2 quantity:/,
    );
    expect(folder.stderr).toContain('1 of 2 imports failed');

    const ownerless = importCli(db, ['--shop-owner', 'nobody@example.test', bad]);
    expect(ownerless.status).toBe(1);
    expect(ownerless.stderr).toContain('No account with the email nobody@example.test');
    const usage = importCli(db, ['--dir', path.join(files, 'bad'), 'extra.yaml']);
    expect(usage.status).toBe(1);
    expect(usage.stderr).toContain('Usage: npm run import');
    // An unknown option: what was wrong and the usage, not a stack trace.
    const unknown = importCli(db, ['--bogus']);
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toContain("Unknown option '--bogus'");
    expect(unknown.stderr).toContain('Usage: npm run import');
    expect(unknown.stderr).not.toContain('    at ');
  }, 300_000);
});
