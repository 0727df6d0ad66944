// Daily purchasing (modules/purchasing): a buyer's named shopping lists and the standing orders that
// turn a list into an order (or a prepared basket) at scheduled slots, with one run row per slot.
import { sql } from 'drizzle-orm';
import {
  boolean,
  check,
  date,
  index,
  integer,
  jsonb,
  pgTable,
  smallint,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import { products, shops } from './catalog.ts';
import { contacts } from './contacts.ts';
import { orders } from './orders.ts';
import { users } from './users.ts';

export const shoppingLists = pgTable(
  'shopping_lists',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id),
    name: text('name').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('shopping_lists_user_idx').on(t.userId, t.id)],
);

/** A product to buy, how many, and optionally the shop whose offer the buyer prefers. */
export const shoppingListLines = pgTable(
  'shopping_list_lines',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    listId: integer('list_id')
      .notNull()
      .references(() => shoppingLists.id, { onDelete: 'cascade' }),
    productId: integer('product_id')
      .notNull()
      .references(() => products.id),
    quantity: integer('quantity').notNull(),
    preferredShopId: integer('preferred_shop_id').references(() => shops.id),
  },
  (t) => [
    uniqueIndex('shopping_list_lines_list_product_key').on(t.listId, t.productId),
    check('shopping_list_lines_quantity_check', sql`${t.quantity} between 1 and 10000`),
  ],
);

export const STANDING_ORDER_MODES = ['place', 'prepare'] as const;
export type StandingOrderMode = (typeof STANDING_ORDER_MODES)[number];

/**
 * A shopping list ordered on a schedule: on ISO `weekdays` at `local_time`, or every `every_days`
 * days from `starts_on` at `local_time`, in `time_zone`. `next_slot_at` is the next slot not yet
 * run (kept by the service; the worker's tick reads the due ones by it).
 */
export const standingOrders = pgTable(
  'standing_orders',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id),
    listId: integer('list_id')
      .notNull()
      .references(() => shoppingLists.id),
    contactId: integer('contact_id')
      .notNull()
      .references(() => contacts.id),
    mode: text('mode').$type<StandingOrderMode>().notNull(),
    weekdays: smallint('weekdays').array(),
    everyDays: integer('every_days'),
    startsOn: date('starts_on', { mode: 'string' }).notNull(),
    localTime: text('local_time').notNull(),
    timeZone: text('time_zone').notNull().default('Europe/Moscow'),
    paused: boolean('paused').notNull().default(false),
    nextSlotAt: timestamp('next_slot_at', { withTimezone: true }).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('standing_orders_user_idx').on(t.userId, t.id),
    index('standing_orders_due_idx').on(t.nextSlotAt).where(sql`not ${t.paused}`),
    check('standing_orders_mode_check', sql`${t.mode} in ('place', 'prepare')`),
    check(
      'standing_orders_schedule_check',
      sql`(${t.weekdays} is not null and cardinality(${t.weekdays}) between 1 and 7
           and ${t.weekdays} <@ '{1,2,3,4,5,6,7}'::smallint[] and ${t.everyDays} is null)
          or (${t.weekdays} is null and ${t.everyDays} between 1 and 365)`,
    ),
    check('standing_orders_local_time_check', sql`${t.localTime} ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$'`),
  ],
);

export const STANDING_RUN_STATUSES = ['placed', 'prepared', 'failed', 'missed'] as const;
export type StandingRunStatus = (typeof STANDING_RUN_STATUSES)[number];

export interface SkippedLine {
  productId: number;
  productName: string;
  quantity: number;
  reason: string;
}

/**
 * One slot of a standing order, run once: the (standing_order_id, slot) key is claimed in the run's
 * own transaction, so a second worker or a retry after a crash finds the slot taken.
 */
export const standingOrderRuns = pgTable(
  'standing_order_runs',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    standingOrderId: integer('standing_order_id')
      .notNull()
      .references(() => standingOrders.id, { onDelete: 'cascade' }),
    slot: timestamp('slot', { withTimezone: true }).notNull(),
    status: text('status').$type<StandingRunStatus>().notNull(),
    orderId: integer('order_id').references(() => orders.id),
    /** The basket the run filled (mode prepare): the buyer's basket id at the time. */
    basketId: integer('basket_id'),
    skipped: jsonb('skipped').$type<SkippedLine[]>().notNull().default([]),
    errors: jsonb('errors').$type<{ code: string; message: string }[]>().notNull().default([]),
    ranAt: timestamp('ran_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    uniqueIndex('standing_order_runs_slot_key').on(t.standingOrderId, t.slot),
    check('standing_order_runs_status_check', sql`${t.status} in ('placed', 'prepared', 'failed', 'missed')`),
  ],
);

export type ShoppingList = typeof shoppingLists.$inferSelect;
export type ShoppingListLine = typeof shoppingListLines.$inferSelect;
export type StandingOrder = typeof standingOrders.$inferSelect;
export type StandingOrderRun = typeof standingOrderRuns.$inferSelect;
