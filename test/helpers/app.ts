// The application as tests use it: a fresh database, a real SMTP server catching mail, a clock
// that can be moved forward, and workers polling fast so queued emails arrive within a second.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Logger } from 'pino';
import { type App, buildApp } from '../../src/app.ts';
import { type Config, loadConfig } from '../../src/config.ts';
import type { DatabaseHandle } from '../../src/db/client.ts';
import type { Clock } from '../../src/lib/clock.ts';
import { createLogger, createRuntime, type Runtime } from '../../src/runtime.ts';
import { createTestDatabase } from './database.ts';
import { type SmtpCapture, startSmtpCapture } from './smtp.ts';

/** Real time shifted by an offset that tests move forward to expire tokens. */
export class ShiftableClock implements Clock {
  offsetMs = 0;
  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }
  advance(ms: number): void {
    this.offsetMs += ms;
  }
}

export interface TestApp {
  app: App;
  runtime: Runtime;
  config: Config;
  database: DatabaseHandle;
  mail: SmtpCapture;
  clock: ShiftableClock;
  dataDir: string;
  close(): Promise<void>;
}

export interface TestAppOptions {
  /** Environment variables for loadConfig, over the test defaults. */
  env?: Record<string, string>;
  /** Work jobs in-process (default true). */
  workers?: boolean;
  register?: (app: App) => Promise<void> | void;
  /** A logger to observe (default: silent unless TEST_LOG_LEVEL is set). */
  log?: Logger;
}

export const TEST_STAFF_EMAIL = 'staff-inbox@zakupka.test';

export async function buildTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const database = await createTestDatabase();
  const mail = await startSmtpCapture();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'zakupka-test-'));
  const config = loadConfig({
    AUTH_SECRET: 'test-secret-that-is-long-enough-for-hs256-signing',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    SMTP_URL: mail.url,
    STAFF_EMAIL: TEST_STAFF_EMAIL,
    PUBLIC_URL: 'http://zakupka.test',
    DATA_DIR: dataDir,
    ...options.env,
  });
  const clock = new ShiftableClock();
  const runtime = await createRuntime(config, {
    database,
    clock,
    log: options.log ?? createLogger(config),
    migrate: false,
    workers: options.workers ?? true,
    pollingIntervalSeconds: 0.5,
  });
  const app = await buildApp(config, { runtime, register: options.register });
  return {
    app,
    runtime,
    config,
    database,
    mail,
    clock,
    dataDir,
    async close() {
      await app.close();
      await runtime.close();
      await database.close();
      await mail.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
