// `npm run db:migrate`: apply pending migrations to the configured database and exit.
import { loadConfig } from '../config.ts';
import { migrate, pendingMigrations } from '../db/migrate.ts';
import { createLogger, type OpenedDatabase, openConfiguredDatabase } from '../runtime.ts';
import { printCliFailure } from './run-cli.ts';

let opened: OpenedDatabase | undefined;
let status = 0;
try {
  const config = loadConfig();
  const log = createLogger(config);
  opened = await openConfiguredDatabase(config);
  const applied = await migrate(opened.database);
  const pending = await pendingMigrations(opened.database);
  log.info({ applied, pending }, applied.length ? 'migrations applied' : 'database is up to date');
} catch (error) {
  printCliFailure(error);
  status = 1;
} finally {
  await opened?.database.close().catch(() => {});
  opened?.lock?.release();
}
process.exit(status);
