// The catalog module's webhook events, published from the transactions that finish an import or
// an export: the shop's supplier and staff hear of them (modules/webhooks delivers them).
import { eq } from 'drizzle-orm';
import { type Import, type PriceListExport, shops } from '../../db/schema/catalog.ts';
import type { TxScope } from '../../db/transaction.ts';
import { publishEvent } from '../webhooks/webhooks.service.ts';

async function shopOwner(scope: TxScope, shopId: number): Promise<number[]> {
  const [shop] = await scope.tx.select({ ownerId: shops.ownerId }).from(shops).where(eq(shops.id, shopId));
  return shop ? [shop.ownerId] : [];
}

/** `import.finished`: succeeded or failed for good (an import that will be retried is not finished). */
export async function publishImportFinished(scope: TxScope, row: Import): Promise<void> {
  await publishEvent(
    scope,
    'import.finished',
    () => shopOwner(scope, row.shopId),
    ({ role }) => ({
      import_id: row.id,
      shop_id: row.shopId,
      status: row.status,
      source: row.source,
      counts: {
        total: row.totalRows,
        created: row.created,
        updated: row.updated,
        unchanged: row.unchanged,
        deactivated: row.deactivated,
        rejected: row.rejected,
      },
      error_code: row.errorCode,
      error_message: row.errorMessage,
      finished_at: row.finishedAt?.toISOString() ?? null,
      url: role === 'staff' ? `/api/v2/admin/imports/${row.id}` : `/api/v2/supplier/imports/${row.id}`,
    }),
  );
}

/** `export.finished`: the file is ready to download. */
export async function publishExportFinished(scope: TxScope, row: PriceListExport): Promise<void> {
  await publishEvent(
    scope,
    'export.finished',
    () => shopOwner(scope, row.shopId),
    ({ role }) => {
      const base = role === 'staff' ? '/api/v2/admin/exports' : '/api/v2/supplier/exports';
      return {
        export_id: row.id,
        shop_id: row.shopId,
        status: row.status,
        format: row.format,
        row_count: row.rowCount,
        size_bytes: row.sizeBytes,
        finished_at: row.finishedAt?.toISOString() ?? null,
        url: `${base}/${row.id}`,
        download_url: `${base}/${row.id}/download`,
      };
    },
  );
}
