import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts', 'clients/*/test/**/*.test.ts'],
    // Browser tests need Chromium and run on their own: `npm run test:browser`.
    exclude: [...configDefaults.exclude, 'test/browser/**'],
    globalSetup: ['test/global-setup.ts'],
    pool: 'forks',
    // Limits for a hung test, not for a slow machine: on a shared 2-core machine under load a
    // test doing real work (argon2, imports, child processes) can take several times its idle time.
    testTimeout: 120_000,
    hookTimeout: 180_000,
    teardownTimeout: 30_000,
    // Each file gets its own database, so files run in parallel; tests inside a file run in order.
    fileParallelism: true,
    // Files spend much of their time waiting (child processes, the job poller, SMTP, argon2 in the
    // thread pool): vitest's default of cores − 1 ran one file at a time on a 2-core machine.
    maxWorkers: 2,
  },
});
