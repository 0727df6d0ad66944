// The real processes: `npm start` on a fresh data folder, graceful shutdown, the create-staff CLI
// (alone, and while the server runs).
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { freePort, NODE_FLAGS, WITH_PRELOAD, waitReady } from './processes.ts';

// Real processes (each opens a database, some import files): a busy machine makes them slow, not
// wrong, so they get room beyond the suite's 30 s per test.
vi.setConfig({ testTimeout: 300_000, hookTimeout: 180_000 });

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'zakupka-smoke-'));
afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

function env(extra: Record<string, string> = {}) {
  return {
    ...process.env,
    NODE_OPTIONS: WITH_PRELOAD,
    DATABASE_URL: '',
    DATA_DIR: dataDir,
    LOG_LEVEL: 'info',
    ...extra,
  };
}

describe('server process', () => {
  it('starts on a fresh data folder, serves, and stops cleanly on SIGTERM', async () => {
    const port = await freePort();
    const child = spawn(process.execPath, [...NODE_FLAGS, 'src/server.ts'], {
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
      [
        ...NODE_FLAGS,
        'src/cli/create-staff.ts',
        '--email',
        ' Admin@Example.test ',
        '--password',
        'Sklad-Admin-2026',
      ],
      { env: env({ LOG_LEVEL: 'silent' }), encoding: 'utf8', timeout: 60_000 },
    );
    expect(create.stderr).toBe('');
    expect(create.status).toBe(0);
    expect(create.stdout).toMatch(/^Created staff account admin@example\.test \(id \d+\)\.$/m);

    const promote = spawnSync(
      process.execPath,
      [...NODE_FLAGS, 'src/cli/create-staff.ts', '--email', 'admin@example.test'],
      {
        env: env({ LOG_LEVEL: 'silent' }),
        encoding: 'utf8',
        timeout: 60_000,
      },
    );
    expect(promote.status).toBe(0);
    expect(promote.stdout).toMatch(/^Promoted staff account admin@example\.test/m);

    const missing = spawnSync(process.execPath, [...NODE_FLAGS, 'src/cli/create-staff.ts'], {
      env: env({ LOG_LEVEL: 'silent' }),
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain('Usage: npm run create-staff');
  });

  it('creates a staff account while the server runs (through its control socket), who then logs in', async () => {
    const port = await freePort();
    const child = spawn(process.execPath, [...NODE_FLAGS, 'src/server.ts'], {
      env: env({ PORT: String(port) }),
      stdio: 'pipe',
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const url = `http://127.0.0.1:${port}`;
      await waitReady(url, child);
      const socket = path.join(dataDir, 'control.sock');
      expect(fs.statSync(socket).mode & 0o777).toBe(0o600);
      const cli = (args: string[]) =>
        new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
          const run = spawn(process.execPath, [...NODE_FLAGS, 'src/cli/create-staff.ts', ...args], {
            env: env({ LOG_LEVEL: 'silent' }),
          });
          let stdout = '';
          let stderr = '';
          run.stdout.on('data', (chunk) => (stdout += chunk));
          run.stderr.on('data', (chunk) => (stderr += chunk));
          run.on('exit', (status) => resolve({ status, stdout, stderr }));
        });
      const weak = await cli(['--email', 'boss@example.test', '--password', 'qwerty']);
      expect(weak.status).toBe(1);
      expect(weak.stderr).toContain('password:');
      const created = await cli(['--email', 'Boss@Example.test', '--password', 'Sklad-Boss-2026']);
      expect(created.stderr).toBe('');
      expect(created.status).toBe(0);
      expect(created.stdout).toMatch(
        /^Created staff account boss@example\.test \(id \d+\), through the running server\.$/m,
      );

      const login = await fetch(`${url}/api/v2/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'boss@example.test', password: 'Sklad-Boss-2026' }),
      });
      expect(login.status).toBe(200);
      const { access_token: token } = (await login.json()) as { access_token: string };
      const me = await fetch(`${url}/api/v2/me`, { headers: { authorization: `Bearer ${token}` } });
      expect(((await me.json()) as { role: string }).role).toBe('staff');
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    expect(fs.existsSync(path.join(dataDir, 'control.sock'))).toBe(false);
  }, 300_000);

  it('applies migrations from the command line (npm run db:migrate)', () => {
    const result = spawnSync(process.execPath, [...NODE_FLAGS, 'src/cli/migrate.ts'], {
      env: env(),
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('"msg":"database is up to date"');
  });
});
