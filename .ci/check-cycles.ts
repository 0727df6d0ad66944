// `npm run check:cycles`: fails on an import cycle in src/ (between modules, or between files of one
// module), with dependency-cruiser (.dependency-cruiser.cjs). Type-only imports vanish when the code
// runs and make no cycle, but the cruiser can only tell them apart with the TypeScript 5 compiler
// API, which TypeScript 7 lacks: the sources are cruised as Node runs them, their types stripped
// (node:module stripTypeScriptTypes), from a copy in a temporary folder.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { stripTypeScriptTypes } from 'node:module';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'zakupka-cycles-'));
try {
  for (const entry of fs.readdirSync(path.join(root, 'src'), { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.ts') || entry.name.endsWith('.test.ts')) continue;
    const source = path.join(entry.parentPath, entry.name);
    const target = path.join(copy, path.relative(root, source));
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, stripTypeScriptTypes(fs.readFileSync(source, 'utf8')));
  }
  fs.copyFileSync(path.join(root, '.dependency-cruiser.cjs'), path.join(copy, '.dependency-cruiser.cjs'));
  const cruiser = path.join(root, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruise.mjs');
  const run = spawnSync(
    process.execPath,
    [cruiser, 'src', '--config', '.dependency-cruiser.cjs', '--output-type', 'json'],
    { cwd: copy, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 },
  );
  if (run.status === null || !run.stdout) {
    process.stderr.write(run.stderr);
    throw new Error('dependency-cruiser did not run');
  }
  const result = JSON.parse(run.stdout) as CruiseResult;
  const problems: string[] = [];
  // Files: the config's no-circular rule.
  for (const violation of result.summary.violations) {
    const cycle = violation.cycle?.map((step) => step.name) ?? [violation.to];
    problems.push(`files: ${violation.from} → ${cycle.join(' → ')}`);
  }
  // Modules: src/modules/<name> and src/api-v1; any other file of src/ (infrastructure: db, http,
  // jobs, lib, the app) stands for itself, its cycles being the files' rule above.
  const moduleOf = (file: string) => {
    const parts = file.split('/');
    if (parts[1] === 'modules') return `modules/${parts[2]}`;
    return parts[1] === 'api-v1' ? 'api-v1' : file;
  };
  const edges = new Map<string, Map<string, string>>();
  for (const module of result.modules) {
    if (!module.source.startsWith('src/')) continue;
    for (const dependency of module.dependencies) {
      if (!dependency.resolved.startsWith('src/')) continue;
      const from = moduleOf(module.source);
      const to = moduleOf(dependency.resolved);
      if (from === to) continue;
      if (!edges.has(from)) edges.set(from, new Map());
      // One file import that makes the edge, to name in the report.
      if (!edges.get(from)!.has(to)) edges.get(from)!.set(to, `${module.source} → ${dependency.resolved}`);
    }
  }
  for (const cycle of moduleCycles(edges)) {
    const steps = cycle.map((from, i) => edges.get(from)!.get(cycle[(i + 1) % cycle.length])!);
    problems.push(`modules: ${[...cycle, cycle[0]].join(' → ')}\n    ${steps.join('\n    ')}`);
  }
  if (problems.length > 0) {
    console.error(`Import cycles (${problems.length}):\n  ${problems.join('\n  ')}`);
    process.exitCode = 1;
  } else {
    console.log(`No import cycle: ${result.summary.totalCruised} files, none between modules.`);
  }
} finally {
  fs.rmSync(copy, { recursive: true, force: true });
}

interface CruiseResult {
  modules: { source: string; dependencies: { resolved: string }[] }[];
  summary: {
    totalCruised: number;
    violations: { from: string; to: string; cycle?: { name: string }[] }[];
  };
}

/** The elementary cycles of a small graph, each once (starting at its least node). */
function moduleCycles(edges: Map<string, Map<string, string>>): string[][] {
  const cycles: string[][] = [];
  const walk = (start: string, node: string, trail: string[]) => {
    for (const next of edges.get(node)?.keys() ?? []) {
      if (next === start) cycles.push([...trail]);
      else if (next > start && !trail.includes(next)) walk(start, next, [...trail, next]);
    }
  };
  for (const start of [...edges.keys()].sort()) walk(start, start, [start]);
  return cycles;
}
