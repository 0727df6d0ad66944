import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.ts';

const SERVER = {
  DATABASE_URL: 'postgres://root@127.0.0.1/db',
  AUTH_SECRET: 'a-secret-of-at-least-thirty-two-characters',
};

describe('config', () => {
  it('has working defaults for the embedded mode', () => {
    const config = loadConfig({}, '/srv/app');
    expect(config).toMatchObject({
      port: 8000,
      host: '127.0.0.1',
      publicUrl: 'http://localhost:8000',
      databaseUrl: undefined,
      dataDir: '/srv/app/data',
      embeddedSharedBuffersMb: 64,
      smtpUrl: undefined,
      runWorkers: true,
      migrateOnStart: true,
      allowPrivateImportUrls: false,
      demoData: false,
    });
    expect(config.rateLimit.enabled).toBe(true);
    expect(config.rateLimit.couponAttempts).toEqual({ max: 20, windowSeconds: 600 });
  });

  it('reads the coupon attempts limit like the other rate limits', () => {
    const config = loadConfig({ RATE_LIMIT_COUPON_MAX: '5', RATE_LIMIT_COUPON_WINDOW: '60' });
    expect(config.rateLimit.couponAttempts).toEqual({ max: 5, windowSeconds: 60 });
  });

  it.each([
    [{ PORT: 'eighty' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ RUN_WORKERS: 'maybe' }, 'RUN_WORKERS'],
    [{ PGLITE_SHARED_BUFFERS_MB: '0' }, 'PGLITE_SHARED_BUFFERS_MB'],
    [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL'],
    [{ DATABASE_URL: 'postgres://root@127.0.0.1/db' }, 'AUTH_SECRET'],
    [{ AUTH_SECRET: 'short' }, 'AUTH_SECRET'],
    [{ DATABASE_READ_URL: 'postgres://root@replica/db' }, 'DATABASE_READ_URL'],
    [{ ...SERVER, DATABASE_READ_URL: 'mysql://replica/db' }, 'DATABASE_READ_URL'],
    [{ ...SERVER, DATABASE_READ_POOL_SIZE: '0' }, 'DATABASE_READ_POOL_SIZE'],
    [{ SMTP_URL: 'http://mail' }, 'SMTP_URL'],
    [{ PUBLIC_URL: 'not a url' }, 'PUBLIC_URL'],
    [{ STAFF_EMAIL: 'nobody' }, 'STAFF_EMAIL'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    [{ RATE_LIMIT: 'sometimes' }, 'RATE_LIMIT'],
    [{ RATE_LIMIT_COUPON_MAX: '0' }, 'RATE_LIMIT_COUPON_MAX'],
    [{ RATE_LIMIT_COUPON_WINDOW: 'ten minutes' }, 'RATE_LIMIT_COUPON_WINDOW'],
  ])('refuses %o naming %s', (env, variable) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    try {
      loadConfig(env);
    } catch (error) {
      expect((error as ConfigError).variable).toBe(variable);
      expect((error as Error).message.startsWith(`${variable}: expected`)).toBe(true);
    }
  });

  it('reads a read replica only beside DATABASE_URL, with its own pool size', () => {
    expect(loadConfig(SERVER)).toMatchObject({ databaseReadUrl: undefined, databaseReadPoolSize: 10 });
    const config = loadConfig({
      ...SERVER,
      DATABASE_READ_URL: 'postgres://root@replica/db',
      DATABASE_READ_POOL_SIZE: '24',
    });
    expect(config).toMatchObject({
      databaseUrl: SERVER.DATABASE_URL,
      databaseReadUrl: 'postgres://root@replica/db',
      databaseReadPoolSize: 24,
    });
    // The URL may hold a password: the message names the variable, not its value.
    expect(() => loadConfig({ DATABASE_READ_URL: 'postgres://u:secret@replica/db' })).toThrow(
      'DATABASE_READ_URL: expected to be set only together with DATABASE_URL',
    );
    expect(() => loadConfig({ DATABASE_READ_URL: 'postgres://u:secret@replica/db' })).not.toThrow(/secret/);
  });

  it('accepts a display name in MAIL_FROM and switches rate limits off', () => {
    const config = loadConfig({ MAIL_FROM: 'Закупка <noreply@example.com>', RATE_LIMIT: 'false' });
    expect(config.mailFrom).toBe('Закупка <noreply@example.com>');
    expect(config.rateLimit.enabled).toBe(false);
  });

  it('stops the server with one line naming the variable', () => {
    const result = spawnSync(process.execPath, ['src/server.ts'], {
      env: { ...process.env, PORT: 'abc', DATABASE_URL: '' },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr.trim()).toBe(
      'Configuration error: PORT: expected an integer from 0 to 65535, got "abc"',
    );
  });
});
