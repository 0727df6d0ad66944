// `npm run worker`: works jobs only, for deployments that run API and workers as separate processes
// against one PostgreSQL. In the embedded default the server works jobs itself.
import { ConfigError, loadConfig } from './config.ts';
import { DataDirLockedError } from './db/lock.ts';
import { installShutdown } from './lib/shutdown.ts';
import { createLogger, createRuntime } from './runtime.ts';

let config: ReturnType<typeof loadConfig>;
try {
  config = loadConfig();
} catch (error) {
  if (error instanceof ConfigError) {
    process.stderr.write(`Configuration error: ${error.message}\n`);
    process.exit(1);
  }
  throw error;
}

const log = createLogger(config);
try {
  const runtime = await createRuntime(config, { log, workers: true });
  log.info({ database: runtime.database.kind }, 'worker started');
  installShutdown(log, config.shutdownTimeoutMs, () => runtime.close());
} catch (error) {
  if (error instanceof DataDirLockedError) {
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
  log.fatal({ err: error }, 'worker failed to start');
  process.exit(1);
}
