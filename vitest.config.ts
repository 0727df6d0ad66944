import { configDefaults, defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/** Files that replace modules with mocks (vi.mock): they get a fresh module graph of their own. */
const MOCKING = ['src/modules/accounts/sessions.test.ts'];
const ALL = ['src/**/*.test.ts', 'test/**/*.test.ts', 'clients/*/test/**/*.test.ts'];
// Browser tests need Chromium and run on their own: `npm run test:browser`.
const EXCLUDE = [...configDefaults.exclude, 'test/browser/**'];

/**
 * The files that take longest (real processes, the fuzz suite, large imports), longest first. Two
 * workers share the files: a long file started last would run on alone while the other worker idles,
 * so these start first. Without timings of an earlier run (a fresh clone) vitest would order by file
 * size, which puts the short-sourced, slow process tests near the end.
 */
const LONG_FIRST = [
  'test/smoke/catalog-cli.test.ts',
  'test/fuzz/api.fuzz.test.ts',
  'test/smoke/demo-cli.test.ts',
  'test/smoke/workers-process.test.ts',
  'src/modules/catalog/import.test.ts',
  'test/smoke/server-process.test.ts',
  'src/modules/orders/lifecycle.test.ts',
  'src/modules/catalog/price-list/hostile-files.test.ts',
];

class LongFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const rank = (spec: TestSpecification) => {
      const at = LONG_FIRST.findIndex((file) => spec.moduleId.endsWith(`/${file}`));
      return at === -1 ? LONG_FIRST.length : at;
    };
    // Projects stay in vitest's order, and within one the rest keep its order (earlier timings, else size).
    const projects = [...new Set(sorted.map((spec) => spec.project.name))];
    const project = (spec: TestSpecification) => projects.indexOf(spec.project.name);
    return sorted
      .map((spec, index) => ({ spec, index }))
      .sort((a, b) => project(a.spec) - project(b.spec) || rank(a.spec) - rank(b.spec) || a.index - b.index)
      .map(({ spec }) => spec);
  }
}

export default defineConfig({
  test: {
    globalSetup: ['test/global-setup.ts'],
    pool: 'forks',
    sequence: { sequencer: LongFirstSequencer },
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
