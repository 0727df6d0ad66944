// Shared start-up for command-line tools: config, logger, runtime without workers, clean exit.
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { type Config, ConfigError, loadConfig } from '../config.ts';
import { DataDirLockedError } from '../db/lock.ts';
import { createLogger, createRuntime, type Runtime, type RuntimeOptions } from '../runtime.ts';

export async function runCli(
  main: (runtime: Runtime) => Promise<void>,
  options: RuntimeOptions & {
    /** When a running server holds the embedded data folder: do the work through it instead. */
    whenLocked?: (config: Config) => Promise<void>;
  } = {},
): Promise<never> {
  let runtime: Runtime | undefined;
  try {
    const config = loadConfig();
    const { whenLocked, ...runtimeOptions } = options;
    try {
      runtime = await createRuntime(config, { log: createLogger(config), workers: false, ...runtimeOptions });
    } catch (error) {
      if (!(error instanceof DataDirLockedError && whenLocked)) throw error;
      await whenLocked(config);
      process.exit(0);
    }
    await main(runtime);
    await runtime.close();
    process.exit(0);
  } catch (error) {
    printCliFailure(error);
    await runtime?.close().catch(() => {});
    process.exit(1);
  }
}

/**
 * The command line read by `config`; an unknown option, a missing value or a stray argument is a
 * usage error — what was wrong and the usage, exit 1 — not a stack trace, and needs no database.
 */
export function parseCliArgs<T extends ParseArgsConfig>(
  config: T,
  usage: string,
): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs(config);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS_')) {
      printCliFailure(new CliError(`${(error as Error).message}\n${usage}`));
      process.exit(1);
    }
    throw error;
  }
}

/** A user-facing failure of a CLI: printed as one line, exit 1. */
export class CliError extends Error {}

/**
 * Writes why a command failed to stderr: one line for what the user can fix (a wrong variable, a
 * data folder in use, a CLI usage error), the stack for anything else.
 */
export function printCliFailure(error: unknown): void {
  if (error instanceof ConfigError) {
    process.stderr.write(`Configuration error: ${error.message}\n`);
  } else if (error instanceof DataDirLockedError || error instanceof CliError) {
    process.stderr.write(`${error.message}\n`);
  } else {
    process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  }
}
