// Builds the console when console/dist is missing or older than its sources (the console's own
// files, its package.json and the API client it bundles). Run by `npm ci`/`npm install` (root
// `prepare`), before `npm start` and before the browser tests, so two commands always serve a
// current console: a build takes a few seconds, a check of an up-to-date one a few milliseconds.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const consoleDir = path.resolve(import.meta.dirname, '..');
const root = path.resolve(consoleDir, '..');
const built = path.join(consoleDir, 'dist', 'index.html');
const SOURCES = [
  path.join(consoleDir, 'src'),
  path.join(consoleDir, 'index.html'),
  path.join(consoleDir, 'vite.config.ts'),
  path.join(consoleDir, 'package.json'),
  path.join(root, 'clients', 'typescript', 'src'),
];

function newest(target: string): number {
  if (!fs.existsSync(target)) return 0;
  const stat = fs.statSync(target);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let latest = stat.mtimeMs;
  for (const entry of fs.readdirSync(target, { withFileTypes: true })) {
    latest = Math.max(latest, newest(path.join(target, entry.name)));
  }
  return latest;
}

export function consoleBuildIsCurrent(): boolean {
  if (!fs.existsSync(built)) return false;
  const builtAt = fs.statSync(built).mtimeMs;
  return SOURCES.every((source) => newest(source) <= builtAt);
}

export function buildConsole(): void {
  const vite = path.join(root, 'node_modules', 'vite', 'bin', 'vite.js');
  if (!fs.existsSync(vite)) {
    console.warn('console: Vite is not installed (npm ci --omit=dev?): the console is not built');
    return;
  }
  const started = Date.now();
  const run = spawnSync(
    process.execPath,
    [vite, 'build', '--config', path.join(consoleDir, 'vite.config.ts'), '--logLevel', 'warn'],
    {
      cwd: consoleDir,
      stdio: 'inherit',
    },
  );
  if (run.status !== 0) throw new Error(`console: the build failed (exit ${run.status})`);
  console.log(`console: built in ${((Date.now() - started) / 1000).toFixed(1)} s → console/dist`);
}

if (import.meta.main) {
  if (process.argv.includes('--force') || !consoleBuildIsCurrent()) buildConsole();
}
