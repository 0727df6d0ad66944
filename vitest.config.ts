import { configDefaults, defineConfig } from 'vitest/config';

/** Files that replace modules with mocks (vi.mock): they get a fresh module graph of their own. */
const MOCKING = ['src/modules/accounts/sessions.test.ts'];
const ALL = ['src/**/*.test.ts', 'test/**/*.test.ts', 'clients/*/test/**/*.test.ts'];
// Browser tests need Chromium and run on their own: `npm run test:browser`.
const EXCLUDE = [...configDefaults.exclude, 'test/browser/**'];

export default defineConfig({
  test: {
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
    projects: [
      {
        extends: true,
        // A worker process runs file after file with the modules it already loaded (the app is
        // ~1,300 modules): each file still builds its own app on its own database, and no module
        // of src/ keeps state between apps but caches keyed by their database or runtime.
        test: { name: 'shared', include: ALL, exclude: [...EXCLUDE, ...MOCKING], isolate: false },
      },
      { extends: true, test: { name: 'isolated', include: MOCKING, exclude: EXCLUDE } },
    ],
  },
});
