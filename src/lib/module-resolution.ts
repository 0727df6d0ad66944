// Module resolution without re-reading large package.json files (preloaded by src/lib/preload.ts).
//
// Node 24's ES-module resolver looks up the package scope of every module it resolves, to learn the
// module's format, and each lookup re-parses that package's `exports` map: drizzle-orm's package.json
// is 179 KB with 447 exports, and its ~200 modules made loading it alone cost 1.3 s of CPU — a third
// of loading the whole app. These hooks answer the two hot cases from memory, with the same result
// Node's resolver gives:
// - a relative `.js`/`.mjs`/`.cjs` import inside node_modules: the file next to its importer (ES
//   modules never probe extensions or folders), its format from the nearest package.json's `type`,
//   read once per folder;
// - a bare import (`drizzle-orm/pg-core`) from the project's own code: resolved by Node once per
//   specifier and conditions, since every file of the project sees the same node_modules.
// Anything else, and anything these cannot answer (a missing file), goes to Node's own resolver.
import fs from 'node:fs';
import module from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** The project's own folders (no node_modules inside them): one resolution serves all their files. */
const PROJECT_CODE = ['src', 'test', 'bench', 'clients', 'console/scripts'].map(
  (folder) => `${pathToFileURL(path.join(ROOT, folder)).href}/`,
);

const packageTypeOfFolder = new Map<string, 'module' | 'commonjs'>();

/** The `type` of the nearest package.json above `folder` (as Node decides a `.js` file's format). */
function packageType(folder: string): 'module' | 'commonjs' {
  const walked: string[] = [];
  let type: 'module' | 'commonjs' | undefined;
  for (let at = folder; type === undefined; at = path.dirname(at)) {
    type = packageTypeOfFolder.get(at);
    if (type !== undefined) break;
    walked.push(at);
    let text: string | undefined;
    try {
      text = fs.readFileSync(path.join(at, 'package.json'), 'utf8');
    } catch {
      text = undefined;
    }
    if (text !== undefined) {
      try {
        type = (JSON.parse(text) as { type?: unknown }).type === 'module' ? 'module' : 'commonjs';
      } catch {
        type = 'commonjs';
      }
    } else if (path.dirname(at) === at) {
      type = 'commonjs';
    }
  }
  for (const at of walked) packageTypeOfFolder.set(at, type);
  return type;
}

function formatOf(file: string): 'module' | 'commonjs' {
  if (file.endsWith('.mjs')) return 'module';
  if (file.endsWith('.cjs')) return 'commonjs';
  return packageType(path.dirname(file));
}

const JS_FILE = /\.(?:c|m)?js$/;
const bareResolved = new Map<string, module.ResolveFnOutput>();

module.registerHooks({
  resolve(specifier, context, nextResolve) {
    const parent = context.parentURL;
    if (!parent?.startsWith('file:')) return nextResolve(specifier, context);
    if (
      (specifier.startsWith('./') || specifier.startsWith('../')) &&
      JS_FILE.test(specifier) &&
      parent.includes('/node_modules/')
    ) {
      let file: string;
      try {
        file = fs.realpathSync(fileURLToPath(new URL(specifier, parent)));
      } catch {
        return nextResolve(specifier, context);
      }
      return { url: pathToFileURL(file).href, format: formatOf(file), shortCircuit: true };
    }
    const bare = !specifier.startsWith('.') && !specifier.startsWith('/') && !specifier.includes(':');
    if (bare && PROJECT_CODE.some((folder) => parent.startsWith(folder))) {
      const key = `${specifier}\0${context.conditions?.join(',') ?? ''}`;
      const known = bareResolved.get(key);
      if (known) return known;
      const resolved = nextResolve(specifier, context);
      bareResolved.set(key, { url: resolved.url, format: resolved.format, shortCircuit: true });
      return resolved;
    }
    return nextResolve(specifier, context);
  },
});
