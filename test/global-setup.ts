// Migrates one template database per run; every test file then gets a fresh copy of it.
// PGlite (default): the migrated template (src/db/template.ts) dumped to a tarball that files load.
// DATABASE_URL: a template database on the server; files CREATE DATABASE … TEMPLATE it.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import pino from 'pino';
import type { TestProject } from 'vitest/node';
import { openPglite, openPostgres } from '../src/db/client.ts';
import { migrate } from '../src/db/migrate.ts';
import { seedFreshDataDir } from '../src/db/template.ts';
import { startBoss } from '../src/jobs/boss.ts';
import { prepareNewDatabase } from '../src/runtime.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    testDatabase:
      | { kind: 'pglite'; dump: string }
      | { kind: 'postgres'; serverUrl: string; template: string; prefix: string };
  }
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

export default async function setup(project: TestProject) {
  const log = pino({ level: 'silent' });
  const serverUrl = process.env.DATABASE_URL;
  if (serverUrl) {
    const prefix = `zk_test_${randomBytes(4).toString('hex')}`;
    const template = `${prefix}_template`;
    // The database named in DATABASE_URL serves only as the connection for creating and dropping ours.
    const admin = new pg.Client({ connectionString: serverUrl });
    await admin.connect();
    await admin.query(`create database ${template}`);
    const handle = openPostgres(withDatabase(serverUrl, template), 2);
    await migrate(handle);
    const boss = await startBoss(handle, log);
    await boss.stop({ graceful: false, close: false });
    await handle.close();
    project.provide('testDatabase', { kind: 'postgres', serverUrl, template, prefix });
    return async () => {
      const rows = await admin.query<{ datname: string }>(
        'select datname from pg_database where datname like $1',
        [`${prefix}%`],
      );
      for (const { datname } of rows.rows) {
        await admin.query(`drop database if exists ${datname} with (force)`);
      }
      await admin.end();
    };
  }

  // The migrated template `npm ci` built (the `prepare` script; built here if missing or stale) is
  // opened from a copy and dumped: no initdb and no migrations on the way to the first test file.
  const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'zakupka-test-template-'));
  let dump: Blob;
  try {
    await seedFreshDataDir(path.join(copy, 'pg'), prepareNewDatabase);
    const handle = await openPglite(path.join(copy, 'pg'));
    dump = (await handle.pglite!.dumpDataDir('none')) as Blob;
    await handle.close();
  } finally {
    fs.rmSync(copy, { recursive: true, force: true });
  }
  const file = path.join(os.tmpdir(), `zakupka-test-template-${process.pid}-${Date.now()}.tar`);
  fs.writeFileSync(file, Buffer.from(await dump.arrayBuffer()));
  project.provide('testDatabase', { kind: 'pglite', dump: file });
  return () => fs.rmSync(file, { force: true });
}
