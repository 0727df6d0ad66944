// What each queue's jobs do. One line per queue; the work itself lives in the owning module.
import { runExport } from '../modules/catalog/export.service.ts';
import { runImport, vacuumCatalog } from '../modules/catalog/import.service.ts';
import { queueDueImports } from '../modules/catalog/shops.service.ts';
import { sendOrderPlacedEmails } from '../modules/orders/placed-emails.ts';
import { orderInvoiceAttachments } from '../modules/payments/invoices.service.ts';
import { refundCanceledParts, runCardRefund } from '../modules/payments/refunds.service.ts';
import { runDueStandingOrders } from '../modules/purchasing/standing-runs.ts';
import { foldStatsDeltas } from '../modules/stats/fold.service.ts';
import { deliverWebhook } from '../modules/webhooks/delivery.service.ts';
import type { Runtime } from '../runtime.ts';
import type { JobPayloads, QueueName } from './queues.ts';

type Handlers = { [Q in QueueName]: (runtime: Runtime, data: JobPayloads[Q]) => Promise<unknown> };

export const JOB_HANDLERS: Handlers = {
  send_email: (runtime, message) => runtime.mailer.send(message),
  // The confirmation carries the payments module's invoices (orders does not import payments).
  order_placed_emails: (runtime, { orderId }) =>
    sendOrderPlacedEmails(runtime, orderId, {
      buyerAttachments: (order) => orderInvoiceAttachments(runtime, order),
    }),
  catalog_import: (runtime, { importId }) => runImport(runtime, importId),
  catalog_export: (runtime, { exportId }) => runExport(runtime, exportId),
  catalog_scheduled_imports: (runtime) => queueDueImports(runtime),
  catalog_vacuum: (runtime) => vacuumCatalog(runtime),
  stats_fold: (runtime) => foldStatsDeltas(runtime),
  webhook_delivery: (runtime, job) => deliverWebhook(runtime, job),
  payments_parts_canceled: (runtime, { orderId, partIds }) => refundCanceledParts(runtime, orderId, partIds),
  payments_card_refund: (runtime, { refundId }) => runCardRefund(runtime, refundId),
  purchasing_standing_orders: (runtime) => runDueStandingOrders(runtime),
};
