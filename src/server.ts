// `npm start`: the API (and, unless RUN_WORKERS=false, the job workers) in one process.
import { buildApp } from './app.ts';
import { startControlSocket } from './cli/control-socket.ts';
import { ConfigError, loadConfig } from './config.ts';
import { DataDirLockedError } from './db/lock.ts';
import { answeringRequests } from './lib/memory.ts';
import { installShutdown } from './lib/shutdown.ts';
import { loadDemoIfEmpty } from './modules/demo/demo.service.ts';
import { createLogger } from './runtime.ts';

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
  const app = await buildApp(config, { log });
  const { runtime } = app;
  // Plugins finish loading first: their start-up timeout must not run while the demo (and its sales
  // history) is written.
  await app.ready();
  if (config.demoData) await loadDemoIfEmpty(runtime);
  await app.listen({ port: config.port, host: config.host });
  answeringRequests();
  log.info(
    {
      url: `http://${config.host}:${config.port}`,
      docs: `${config.publicUrl}/docs`,
      database: runtime.database.kind,
      readReplica: runtime.readDatabase !== runtime.database,
    },
    'Zakupka is listening',
  );
  // The OpenAPI document is serialised and compressed now rather than on the first /docs visit.
  void app.docsDocument().catch((error: unknown) => log.warn({ err: error }, 'could not prepare /docs/json'));
  // Embedded: the tools reach this process through its control socket while it holds the folder.
  const closeControl = config.databaseUrl ? undefined : await startControlSocket(runtime, log);
  installShutdown(log, config.shutdownTimeoutMs, async () => {
    await closeControl?.();
    await app.close();
  });
} catch (error) {
  if (error instanceof DataDirLockedError) {
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
  log.fatal({ err: error }, 'failed to start');
  process.exit(1);
}
