// `npm run bench`: the benchmarks in turn (each writes its own bench/results/<name>.{md,json}), then
// one table of every figure, its target and its floor: printed, and written to
// bench/results/summary.{md,json}. BENCH_ONLY=import,catalog runs a subset (the table then takes the
// other rows from their last results, dated); BENCH_ONLY=none only rebuilds the table.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { ROOT } from './lib.ts';
import { summaryMarkdown, summaryRows } from './summary.ts';

/** Issue 22's set. `stats` (a generated year of orders) and `soak` (10 minutes) run on request. */
const ALL = ['startup', 'import', 'catalog', 'checkout', 'v1'];
const TABLE = [...ALL, 'stats'];
const only = process.env.BENCH_ONLY?.split(',')
  .map((name) => name.trim())
  .filter((name) => name && name !== 'none');
let failed = 0;
const ran: string[] = [];
for (const name of only ?? ALL) {
  const file = path.join(ROOT, 'bench', `${name}.ts`);
  if (!fs.existsSync(file)) {
    process.stdout.write(`(no bench/${name}.ts, skipped)\n`);
    continue;
  }
  process.stdout.write(`\n=== ${name} ===\n`);
  const result = spawnSync(process.execPath, [file], { cwd: ROOT, stdio: 'inherit', env: process.env });
  if (result.status !== 0) failed += 1;
  ran.push(name);
}

const results = path.join(ROOT, 'bench', 'results');
const rows = summaryRows(results, TABLE);
const markdown = summaryMarkdown(rows, ran);
fs.mkdirSync(results, { recursive: true });
fs.writeFileSync(path.join(results, 'summary.md'), markdown);
fs.writeFileSync(path.join(results, 'summary.json'), `${JSON.stringify({ ran, rows }, null, 2)}\n`);
process.stdout.write(`\n${markdown}`);
process.exit(failed > 0 ? 1 : 0);
