import type { Logger } from 'pino';

/**
 * On SIGTERM/SIGINT: run `close` (stop accepting, finish in-flight work, stop workers after their
 * current job, close the database) and exit 0; exit 1 if it fails or outlasts the timeout.
 */
export function installShutdown(log: Logger, timeoutMs: number, close: () => Promise<unknown>): void {
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    const timer = setTimeout(() => {
      log.error({ timeoutMs }, 'shutdown took too long; exiting');
      process.exit(1);
    }, timeoutMs + 2000);
    timer.unref();
    close().then(
      () => {
        log.info('stopped');
        process.exit(0);
      },
      (error) => {
        log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}
