// The real processes: `npm start` on a fresh data folder, graceful shutdown, the create-staff CLI.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, waitReady } from './processes.ts';

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'zakupka-smoke-'));
afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

function env(extra: Record<string, string> = {}) {
  return { ...process.env, DATABASE_URL: '', DATA_DIR: dataDir, LOG_LEVEL: 'info', ...extra };
}

describe('server process', () => {
  it('starts on a fresh data folder, serves, and stops cleanly on SIGTERM', async () => {
    const port = await freePort();
    const child = spawn(process.execPath, ['src/server.ts'], {
      env: env({ PORT: String(port) }),
      stdio: 'pipe',
    });
    let output = '';
    child.stdout!.on('data', (chunk) => {
      output += chunk;
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const url = `http://127.0.0.1:${port}`;
    await waitReady(url, child);
    expect(fs.existsSync(path.join(dataDir, 'zakupka.lock'))).toBe(true);
    expect(fs.existsSync(path.join(dataDir, 'auth-secret'))).toBe(true);
    const docs = await fetch(`${url}/docs/json`);
    expect(docs.status).toBe(200);

    // A request in flight when the signal arrives (its body still arriving) still gets its answer.
    const inFlight = new Promise<number>((resolve, reject) => {
      const request = http.request(
        {
          host: '127.0.0.1',
          port,
          method: 'POST',
          path: '/health/nothing-here',
          agent: false,
          headers: { 'content-type': 'application/json', 'content-length': '11' },
        },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      request.on('error', reject);
      request.write('{"slow":');
      setTimeout(() => {
        child.kill('SIGTERM');
        setTimeout(() => request.end('1}\n'), 500);
      }, 300);
    });
    expect(await inFlight).toBe(404);
    expect(await exited).toBe(0);
    expect(output).toContain('"msg":"stopped"');
    expect(fs.existsSync(path.join(dataDir, 'zakupka.lock'))).toBe(false);
  });

  it('creates, then promotes, a staff account from the command line', () => {
    const create = spawnSync(
      process.execPath,
      ['src/cli/create-staff.ts', '--email', ' Admin@Example.test ', '--password', 'Sklad-Admin-2026'],
      { env: env({ LOG_LEVEL: 'silent' }), encoding: 'utf8', timeout: 60_000 },
    );
    expect(create.stderr).toBe('');
    expect(create.status).toBe(0);
    expect(create.stdout).toMatch(/^Created staff account admin@example\.test \(id \d+\)\.$/m);

    const promote = spawnSync(
      process.execPath,
      ['src/cli/create-staff.ts', '--email', 'admin@example.test'],
      {
        env: env({ LOG_LEVEL: 'silent' }),
        encoding: 'utf8',
        timeout: 60_000,
      },
    );
    expect(promote.status).toBe(0);
    expect(promote.stdout).toMatch(/^Promoted staff account admin@example\.test/m);

    const missing = spawnSync(process.execPath, ['src/cli/create-staff.ts'], {
      env: env({ LOG_LEVEL: 'silent' }),
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain('Usage: npm run create-staff');
  });

  it('applies migrations from the command line (npm run db:migrate)', () => {
    const result = spawnSync(process.execPath, ['src/cli/migrate.ts'], {
      env: env(),
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('"msg":"database is up to date"');
  });
});
