// `npm run db:template` (run by `npm ci` through `prepare`): builds the migrated database template that
// a fresh embedded data folder starts from (see src/db/template.ts). Harmless to run again: an existing
// template for the current migrations is kept.
import pino from 'pino';
import { ensureTemplate } from '../db/template.ts';
import { prepareNewDatabase } from '../runtime.ts';
import { printCliFailure } from './run-cli.ts';

let status = 0;
try {
  const dir = await ensureTemplate(prepareNewDatabase, pino({ level: 'info' }));
  process.stdout.write(`database template: ${dir}\n`);
} catch (error) {
  printCliFailure(error);
  status = 1;
}
process.exit(status);
