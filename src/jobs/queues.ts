// Every queue the system uses, with its retry policy and payload type. A queue not listed here
// does not exist: `enqueue` and the workers only accept these names.
import type { Queue } from 'pg-boss';
import type { EmailMessage } from '../mail/mailer.ts';

/** Failed jobs that exhausted their retries land here and stay (30 days) for staff to inspect or redrive. */
export const DEAD_LETTER_QUEUE = 'dead_letter';

const THIRTY_DAYS = 30 * 24 * 3600;

/**
 * Workers beat every HEARTBEAT_SECONDS / 2 for a job in hand; a job of a dead process is failed (and
 * retried) once its beat is this old, and seen within the monitor's 10 s (boss.ts). Server only:
 * the embedded database fails orphans at start instead (jobs/recovery.ts).
 */
export const HEARTBEAT_SECONDS = 20;

export interface JobPayloads {
  send_email: EmailMessage;
  order_placed_emails: { orderId: number };
  catalog_import: { importId: number };
  catalog_export: { exportId: number };
  catalog_scheduled_imports: Record<string, never>;
  catalog_vacuum: Record<string, never>;
  stats_fold: Record<string, never>;
  // `manual`: a redelivery someone asked for (one attempt, no retries of its own).
  webhook_delivery: { deliveryId: number; generation: number; manual?: boolean };
  // Parts just canceled (queued by orders in the cancel's transaction): the payments module refunds
  // the money they hold.
  payments_parts_canceled: { orderId: number; partIds: number[] };
  // One card refund through the provider.
  payments_card_refund: { refundId: number };
  purchasing_standing_orders: Record<string, never>;
}

export type QueueName = keyof JobPayloads;

/** Mail rides out a mail server's outage: retried with a growing delay, then kept in the dead-letter queue. */
const MAIL_POLICY: Omit<Queue, 'name'> = {
  retryLimit: 8,
  retryDelay: 5,
  retryBackoff: true,
  retryDelayMax: 3600,
  expireInSeconds: 120,
  retentionSeconds: THIRTY_DAYS,
  deleteAfterSeconds: 7 * 24 * 3600,
  deadLetter: DEAD_LETTER_QUEUE,
  heartbeatSeconds: HEARTBEAT_SECONDS,
};

export const QUEUES: Record<QueueName, Omit<Queue, 'name'>> = {
  send_email: MAIL_POLICY,
  // Renders and queues a placed order's emails (one send_email job each).
  order_placed_emails: MAIL_POLICY,
  // One attempt more after a crash or a lost database; a bad file fails once, with its report.
  catalog_import: {
    retryLimit: 1,
    retryDelay: 30,
    heartbeatSeconds: HEARTBEAT_SECONDS,
    expireInSeconds: 30 * 60,
    retentionSeconds: THIRTY_DAYS,
    deleteAfterSeconds: 7 * 24 * 3600,
    deadLetter: DEAD_LETTER_QUEUE,
  },
  catalog_export: {
    retryLimit: 1,
    retryDelay: 30,
    heartbeatSeconds: HEARTBEAT_SECONDS,
    expireInSeconds: 30 * 60,
    retentionSeconds: THIRTY_DAYS,
    deleteAfterSeconds: 7 * 24 * 3600,
    deadLetter: DEAD_LETTER_QUEUE,
  },
  // Sent after an import that wrote many rows: vacuums the catalog tables (see vacuumCatalog).
  catalog_vacuum: {
    retryLimit: 1,
    retryDelay: 60,
    expireInSeconds: 30 * 60,
    retentionSeconds: 24 * 3600,
    deleteAfterSeconds: 24 * 3600,
  },
  // Sent by a pg-boss schedule every few minutes: queues the re-imports that are due.
  catalog_scheduled_imports: {
    retryLimit: 0,
    expireInSeconds: 300,
    retentionSeconds: 24 * 3600,
    deleteAfterSeconds: 24 * 3600,
  },
  // Sent by a pg-boss schedule every minute: folds the statistics deltas into the rollups. Nothing is
  // lost when a run fails or is skipped: reads add the deltas still waiting (modules/stats).
  stats_fold: {
    retryLimit: 0,
    expireInSeconds: 600,
    retentionSeconds: 3600,
    deleteAfterSeconds: 3600,
  },
  // One attempt to deliver a webhook message. A failed attempt is not a failed job: the delivery
  // schedules its own next attempt (modules/webhooks/delivery.service.ts); pg-boss retries only
  // when recording the attempt itself failed.
  webhook_delivery: {
    retryLimit: 3,
    retryDelay: 30,
    retryBackoff: true,
    expireInSeconds: 120,
    retentionSeconds: THIRTY_DAYS,
    deleteAfterSeconds: 7 * 24 * 3600,
    deadLetter: DEAD_LETTER_QUEUE,
  },
  payments_parts_canceled: {
    retryLimit: 10,
    retryDelay: 10,
    retryBackoff: true,
    expireInSeconds: 120,
    retentionSeconds: THIRTY_DAYS,
    deleteAfterSeconds: 7 * 24 * 3600,
    deadLetter: DEAD_LETTER_QUEUE,
    heartbeatSeconds: HEARTBEAT_SECONDS,
  },
  // A refund the provider has not finished is asked about again: up to 20 tries over about a day.
  payments_card_refund: {
    retryLimit: 20,
    retryDelay: 15,
    retryBackoff: true,
    retryDelayMax: 3600,
    expireInSeconds: 120,
    retentionSeconds: THIRTY_DAYS,
    deleteAfterSeconds: 7 * 24 * 3600,
    deadLetter: DEAD_LETTER_QUEUE,
    heartbeatSeconds: HEARTBEAT_SECONDS,
  },
  // Each slot is claimed in its run's transaction, so a retry or a second worker never runs it twice.
  purchasing_standing_orders: {
    retryLimit: 0,
    expireInSeconds: 300,
    retentionSeconds: 24 * 3600,
    deleteAfterSeconds: 24 * 3600,
  },
};

/** Jobs of a queue worked at once by one process: mail is I/O-bound; imports and exports are not. */
export const WORKER_CONCURRENCY: Partial<Record<QueueName, number>> = {
  send_email: 4,
  order_placed_emails: 2,
  // Waiting on receivers (up to 10 s each): several at once.
  webhook_delivery: 8,
};

export const DEAD_LETTER_OPTIONS: Omit<Queue, 'name'> = {
  retentionSeconds: THIRTY_DAYS,
  deleteAfterSeconds: THIRTY_DAYS,
};
