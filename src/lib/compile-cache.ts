// Preloaded by `npm start`, `npm run worker` and the CLIs (`node --import ./src/lib/compile-cache.ts`):
// V8 keeps the compiled code of the ~1,300 modules a process loads, so a start after the first one
// skips most of the compiling (about a third of the time spent loading modules). The cache lives with
// the other machine-local caches under node_modules/.cache and is rebuilt when a file changes.
import module from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
module.enableCompileCache?.(path.join(root, 'node_modules/.cache/zakupka/compile'));
