// `npm run openapi`: writes `openapi.json` from the application (no server, no port) and
// regenerates the TypeScript client's types from it. `--check` writes nothing and exits 1 when
// either committed file differs from a fresh one (CI).
import fs from 'node:fs';
import path from 'node:path';
import { clientTypesText } from '../../clients/typescript/scripts/generate-types.ts';
import { buildApp } from '../app.ts';
import { loadConfig } from '../config.ts';
import { openPglite } from '../db/client.ts';
import { openApiText } from '../http/openapi.ts';
import { createLogger } from '../runtime.ts';

const root = path.resolve(import.meta.dirname, '../..');
export const DOCUMENT_FILE = path.join(root, 'openapi.json');
export const TYPES_FILE = path.join(root, 'clients/typescript/src/schema.d.ts');

async function generate(): Promise<{ document: string; types: string }> {
  const config = loadConfig({ LOG_LEVEL: 'silent', AUTH_SECRET: 'openapi-document-only-not-a-real-secret' });
  const database = await openPglite(undefined);
  const app = await buildApp(config, { database, migrate: false, workers: false, log: createLogger(config) });
  try {
    const document = openApiText(app);
    return { document, types: await clientTypesText(document) };
  } finally {
    await app.close();
    await database.close();
  }
}

const check = process.argv.includes('--check');
const { document, types } = await generate();
let status = 0;
for (const [file, text] of [
  [DOCUMENT_FILE, document],
  [TYPES_FILE, types],
] as const) {
  const relative = path.relative(root, file);
  if (check) {
    const committed = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
    if (committed !== text) {
      console.error(
        `${relative} differs from the application's document: run \`npm run openapi\` and commit it`,
      );
      status = 1;
    } else console.log(`${relative} is up to date`);
  } else {
    fs.writeFileSync(file, text);
    console.log(`wrote ${relative}`);
  }
}
process.exit(status);
