// A fresh embedded database starts as a copy of a migrated template folder instead of running
// PGlite's initdb and every migration (about 4 s on our 2-core machine; copying and opening the
// template takes about 0.5 s). The template is built once per machine — by `npm ci` (the `prepare`
// script runs `npm run db:template`) or, failing that, by the first fresh start — and is named by a
// key over everything that decides its contents: the migrations, PGlite's and pg-boss's versions.
// A folder that already holds a database is never touched: migrations apply to it as always.
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type DatabaseHandle, openPglite } from './client.ts';

/** What every new database gets before its first start (the runtime passes migrations and pg-boss's schema). */
export type PrepareDatabase = (handle: DatabaseHandle) => Promise<void>;
type InfoLog = { info(obj: object, msg: string): void };

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const MIGRATIONS_DIR = path.join(ROOT, 'src/db/migrations');
/** Git-ignored with node_modules; `npm ci` starts it afresh. */
const CACHE_DIR = path.join(ROOT, 'node_modules/.cache/zakupka');

function installedVersion(pkg: string): string {
  try {
    return JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules', pkg, 'package.json'), 'utf8')).version;
  } catch {
    return 'unknown';
  }
}

/** The template's name: it changes with any migration file or the database code's version. */
export function templateKey(): string {
  const hash = createHash('sha256');
  hash.update(`pglite ${installedVersion('@electric-sql/pglite')}\npg-boss ${installedVersion('pg-boss')}\n`);
  hash.update(fs.readFileSync(path.join(MIGRATIONS_DIR, 'meta', '_journal.json')));
  for (const file of fs
    .readdirSync(MIGRATIONS_DIR)
    .filter((name) => name.endsWith('.sql'))
    .sort()) {
    hash.update(file);
    hash.update(fs.readFileSync(path.join(MIGRATIONS_DIR, file)));
  }
  return hash.digest('hex').slice(0, 16);
}

export function templateDir(key = templateKey()): string {
  return path.join(CACHE_DIR, `pglite-${key}`);
}

/** True when `dataDir` holds no database yet (PGlite would run initdb there). */
export function isFreshDataDir(dataDir: string): boolean {
  return !fs.existsSync(path.join(dataDir, 'PG_VERSION'));
}

/**
 * Builds the template folder when it is missing and returns its path. Built beside its final name and
 * renamed into place, so a reader never sees half a template and two builders cannot mix theirs.
 */
export async function ensureTemplate(prepare: PrepareDatabase, log?: InfoLog): Promise<string> {
  const key = templateKey();
  const target = templateDir(key);
  if (fs.existsSync(path.join(target, 'PG_VERSION'))) return target;
  fs.mkdirSync(CACHE_DIR, { recursive: true });
  const building = `${target}.${process.pid}.${randomBytes(4).toString('hex')}.building`;
  const started = performance.now();
  const handle = await openPglite(building);
  try {
    await prepare(handle);
  } finally {
    await handle.close();
  }
  try {
    fs.renameSync(building, target);
  } catch (error) {
    // Another process finished first: its template is the same; keep it.
    fs.rmSync(building, { recursive: true, force: true });
    if (!fs.existsSync(path.join(target, 'PG_VERSION'))) throw error;
  }
  // Older templates (other migrations) are of no further use.
  for (const name of fs.readdirSync(CACHE_DIR)) {
    if (name.startsWith('pglite-') && name !== path.basename(target) && !name.endsWith('.building')) {
      fs.rmSync(path.join(CACHE_DIR, name), { recursive: true, force: true });
    }
  }
  log?.info({ template: target, ms: Math.round(performance.now() - started) }, 'database template built');
  return target;
}

/**
 * Fills a fresh data folder from the template (building the template first if this machine has none).
 * Returns false when the folder already holds a database.
 */
export async function seedFreshDataDir(
  dataDir: string,
  prepare: PrepareDatabase,
  log?: InfoLog,
): Promise<boolean> {
  if (!isFreshDataDir(dataDir)) return false;
  const source = await ensureTemplate(prepare, log);
  fs.mkdirSync(path.dirname(dataDir), { recursive: true });
  // An empty folder (say, made by hand) is filled; anything else was refused above.
  fs.cpSync(source, dataDir, { recursive: true, errorOnExist: false, force: true });
  return true;
}
