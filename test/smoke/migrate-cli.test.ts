// `npm run db:migrate` stops with one line, not a stack trace, on what the user can fix.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { NODE_FLAGS, WITH_PRELOAD } from './processes.ts';

// Real processes (each opens a database, some import files): a busy machine makes them slow, not
// wrong, so they get room beyond the suite's 30 s per test.
vi.setConfig({ testTimeout: 180_000, hookTimeout: 180_000 });

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'zakupka-migrate-cli-'));
afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

function runMigrate(extra: Record<string, string>) {
  return spawnSync(process.execPath, [...NODE_FLAGS, 'src/cli/migrate.ts'], {
    env: {
      ...process.env,
      NODE_OPTIONS: WITH_PRELOAD,
      DATABASE_URL: '',
      DATA_DIR: dataDir,
      LOG_LEVEL: 'info',
      ...extra,
    },
    encoding: 'utf8',
    timeout: 60_000,
  });
}

describe('db:migrate failures', () => {
  it('names a wrong variable in one line and exits 1', () => {
    const result = runMigrate({ LOG_LEVEL: 'loud' });
    expect(result.status).toBe(1);
    expect(result.stderr).toBe(
      'Configuration error: LOG_LEVEL: expected fatal|error|warn|info|debug|trace|silent, got "loud"\n',
    );
    expect(result.stdout).toBe('');
  });

  it('refuses a data folder in use by another process in one line and exits 1', () => {
    // The test runner itself is the live process holding the lock.
    const lockFile = path.join(dataDir, 'zakupka.lock');
    fs.writeFileSync(lockFile, String(process.pid));
    try {
      const result = runMigrate({});
      expect(result.status).toBe(1);
      const lines = result.stderr.trimEnd().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain(`The data folder is in use by another Zakupka process (pid ${process.pid}`);
      expect(fs.readFileSync(lockFile, 'utf8')).toBe(String(process.pid));
      expect(fs.existsSync(path.join(dataDir, 'pg'))).toBe(false);
    } finally {
      fs.rmSync(lockFile, { force: true });
    }
  });
});
