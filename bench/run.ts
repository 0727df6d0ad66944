// `npm run bench`: every benchmark in turn (each writes its own bench/results/<name>.md and .json).
// BENCH_ONLY=import,catalog runs a subset.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { ROOT } from './lib.ts';

const ALL = ['import', 'catalog', 'checkout'];
const only = process.env.BENCH_ONLY?.split(',').map((name) => name.trim());
let failed = 0;
for (const name of only ?? ALL) {
  const file = path.join(ROOT, 'bench', `${name}.ts`);
  if (!fs.existsSync(file)) {
    process.stdout.write(`(no bench/${name}.ts, skipped)\n`);
    continue;
  }
  process.stdout.write(`\n=== ${name} ===\n`);
  const result = spawnSync(process.execPath, [file], { cwd: ROOT, stdio: 'inherit', env: process.env });
  if (result.status !== 0) failed += 1;
}
process.exit(failed > 0 ? 1 : 0);
