// Crash recovery of the catalog's long-running work (imports, exports). The process running one
// writes its heartbeat every HEARTBEAT_SECONDS; any worker process sweeps every SWEEP_SECONDS for
// running work whose heartbeat is older than STALE_SECONDS — its process died (kill -9, OOM, power)
// — and marks it failed with `interrupted`, so the supplier sees the end instead of a stuck progress
// bar and the shop can import again. An import's job may still be retried by the job system (its
// own heartbeat lapses too): the retry then finds the import failed and leaves it as it is.
//
// On the embedded database one process owns the data folder, so at start every running import or
// export is an orphan of the previous process and is failed at once.
import { and, eq, inArray, isNull, lt, or, sql } from 'drizzle-orm';
import { importFiles, imports, priceListExports } from '../../db/schema/catalog.ts';
import { transaction } from '../../db/transaction.ts';
import type { Runtime } from '../../runtime.ts';
import { publishExportFinished, publishImportFinished } from './webhook-events.ts';

export const HEARTBEAT_SECONDS = 5;
export const STALE_SECONDS = 30;
export const SWEEP_SECONDS = 10;

type Work = 'imports' | 'exports';

/**
 * Writes the heartbeat of a running import or export now and every HEARTBEAT_SECONDS until the
 * returned stop is called. Outside any transaction (on the pool), so it is seen while the work's
 * own transaction is open; a failed write is logged and retried at the next beat.
 */
export function startHeartbeat(runtime: Runtime, work: Work, id: number): () => void {
  const table = work === 'imports' ? imports : priceListExports;
  const beat = () =>
    runtime.db
      .update(table)
      .set({ heartbeatAt: sql`now()` })
      .where(and(eq(table.id, id), eq(table.status, 'running')))
      .then(
        () => {},
        (error: unknown) => runtime.log.warn({ err: error, work, id }, 'heartbeat not written'),
      );
  const timer = setInterval(beat, HEARTBEAT_SECONDS * 1000);
  timer.unref();
  return () => clearInterval(timer);
}

const INTERRUPTED = {
  ru: 'Процесс, выполнявший загрузку, остановился (сбой или перезапуск сервера); загрузите файл ещё раз',
  en: 'The process running this import stopped (a crash or a restart); upload the file again',
};

/**
 * Fails running imports and exports whose heartbeat is older than `staleSeconds` (0: every running
 * one, for the embedded database at start). Answers the ids it failed.
 */
export async function failAbandonedWork(
  runtime: Runtime,
  staleSeconds: number,
): Promise<{ imports: number[]; exports: number[] }> {
  return transaction(runtime, async (scope) => {
    const { tx } = scope;
    const stale = (column: typeof imports.heartbeatAt | typeof priceListExports.heartbeatAt) =>
      staleSeconds === 0
        ? sql`true`
        : or(isNull(column), lt(column, sql`now() - make_interval(secs => ${staleSeconds})`));
    const failedImports = await tx
      .update(imports)
      .set({
        status: 'failed',
        phase: null,
        errorCode: 'interrupted',
        errorMessage: INTERRUPTED,
        finishedAt: sql`now()`,
      })
      .where(and(eq(imports.status, 'running'), stale(imports.heartbeatAt)))
      .returning();
    const importIds = failedImports.map((row) => row.id);
    if (importIds.length) await tx.delete(importFiles).where(inArray(importFiles.importId, importIds));
    const failedExports = await tx
      .update(priceListExports)
      .set({
        status: 'failed',
        errorMessage: 'interrupted: the process running this export stopped; request it again',
        finishedAt: sql`now()`,
      })
      .where(and(eq(priceListExports.status, 'running'), stale(priceListExports.heartbeatAt)))
      .returning();
    // Failed for good: the owners' webhooks hear of the end, as of any other failure.
    for (const row of failedImports) await publishImportFinished(scope, row);
    for (const row of failedExports) await publishExportFinished(scope, row);
    const result = { imports: importIds, exports: failedExports.map((row) => row.id) };
    if (result.imports.length || result.exports.length) {
      runtime.log.warn(result, 'abandoned imports/exports failed (their process stopped)');
    }
    return result;
  });
}
