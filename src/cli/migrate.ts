// `npm run db:migrate`: apply pending migrations to the configured database and exit.
import { loadConfig } from '../config.ts';
import { migrate, pendingMigrations } from '../db/migrate.ts';
import { createLogger, openConfiguredDatabase } from '../runtime.ts';

const config = loadConfig();
const log = createLogger(config);
const { database, lock } = await openConfiguredDatabase(config);
try {
  const applied = await migrate(database);
  const pending = await pendingMigrations(database);
  log.info({ applied, pending }, applied.length ? 'migrations applied' : 'database is up to date');
} finally {
  await database.close();
  lock?.release();
}
