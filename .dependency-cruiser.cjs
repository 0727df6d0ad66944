// Module dependency rules, checked in CI (`npm run check:cycles`): no import cycle anywhere in src/
// (between modules, or between files of one module).
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment:
        'An import cycle: split the shared part into its own file (or src/lib) so one side depends on it.',
      from: { path: '^src' },
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '\\.test\\.ts$' },
    // TypeScript 7 has no compiler API for the cruiser: swc parses the sources, which
    // .ci/check-cycles.ts hands over with their types stripped (type-only imports make no cycle).
    parser: 'swc',
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
  },
};
