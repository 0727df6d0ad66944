// `npm run test:browser`: tests that drive Debian's Chromium (playwright-core) against a real
// server started on a fresh embedded database and a free port. Not part of `npm test`.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/browser/**/*.browser.test.ts'],
    pool: 'forks',
    // One browser at a time: the machine has two cores.
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 240_000,
  },
});
