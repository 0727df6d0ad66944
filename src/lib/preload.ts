// Preloaded by `npm start`, `npm run worker` and the CLIs (`node --import ./src/lib/preload.ts`), and
// by the smoke tests' processes: what makes a process start fast.
// - V8's compile cache: the compiled code of the ~1,300 modules a process loads is kept, so a start
//   after the first one skips most of the compiling (about a third of the time spent loading
//   modules). The cache lives with the other machine-local caches under node_modules/.cache and is
//   rebuilt when a file changes.
// - Module resolution answered from memory where Node 24 would re-parse large package.json files
//   (src/lib/module-resolution.ts).
import module from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import './module-resolution.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
module.enableCompileCache?.(path.join(root, 'node_modules/.cache/zakupka/compile'));
