// Standing orders: a shopping list + a schedule + a delivery contact + a mode (`place` the order, or
// `prepare` the basket and email a link to confirm). CRUD, pause and resume here; the runs are
// standing-runs.ts. `next_slot_at` is the next slot not yet run: set from now on create, resume and
// schedule changes (slots while paused are not run), advanced by each run.
import { and, asc, desc, eq, lt } from 'drizzle-orm';
import type { Queryable } from '../../db/client.ts';
import { contacts } from '../../db/schema/contacts.ts';
import {
  type StandingOrder,
  type StandingOrderMode,
  standingOrderRuns,
  standingOrders,
} from '../../db/schema/purchasing.ts';
import { transaction } from '../../db/transaction.ts';
import { notFound, validationError } from '../../http/errors.ts';
import { isTimeZone, zonedParts } from '../../lib/local-time.ts';
import type { Runtime } from '../../runtime.ts';
import { DEFAULT_TIME_ZONE } from '../catalog/delivery-terms.ts';
import { nextSlotAfter } from './schedule.ts';
import { ownList } from './shopping-lists.service.ts';

export interface StandingOrderInput {
  listId: number;
  contactId: number;
  mode: StandingOrderMode;
  weekdays?: number[] | null;
  everyDays?: number | null;
  startsOn?: string;
  localTime: string;
  timeZone?: string;
}

export function standingOrderNotFound(id: number) {
  return notFound('standing_order_not_found', {
    ru: `Регулярный заказ ${id} не найден`,
    en: `Standing order ${id} not found`,
  });
}

async function ownStandingOrder(db: Queryable, userId: number, id: number): Promise<StandingOrder> {
  const [row] = await db
    .select()
    .from(standingOrders)
    .where(and(eq(standingOrders.id, id), eq(standingOrders.userId, userId)));
  if (!row) throw standingOrderNotFound(id);
  return row;
}

/** Checks the references and the schedule; answers the columns to write. */
async function checked(db: Queryable, userId: number, input: StandingOrderInput, now: Date) {
  await ownList(db, userId, input.listId);
  const [contact] = await db
    .select({ id: contacts.id })
    .from(contacts)
    .where(and(eq(contacts.id, input.contactId), eq(contacts.userId, userId)));
  if (!contact) {
    throw notFound('contact_not_found', {
      ru: `Адрес доставки ${input.contactId} не найден`,
      en: `Delivery contact ${input.contactId} not found`,
    });
  }
  const timeZone = input.timeZone ?? DEFAULT_TIME_ZONE;
  const weekdays = input.weekdays ? [...new Set(input.weekdays)].sort((a, b) => a - b) : null;
  const everyDays = input.everyDays ?? null;
  const errors = [];
  if (!isTimeZone(timeZone)) {
    errors.push({
      field: 'body.time_zone',
      message: { ru: 'неизвестный часовой пояс (IANA)', en: 'unknown IANA time zone' },
    });
  }
  if ((weekdays === null || weekdays.length === 0) === (everyDays === null)) {
    errors.push({
      field: 'body.weekdays',
      message: { ru: 'укажите либо дни недели, либо every_days', en: 'give either weekdays or every_days' },
    });
  }
  if (errors.length > 0) throw validationError(errors);
  const schedule = {
    weekdays: weekdays && weekdays.length > 0 ? weekdays : null,
    everyDays,
    startsOn: input.startsOn ?? zonedParts(now, timeZone).date,
    localTime: input.localTime,
    timeZone,
  };
  return {
    listId: input.listId,
    contactId: input.contactId,
    mode: input.mode,
    ...schedule,
    nextSlotAt: nextSlotAfter(schedule, now),
  };
}

export async function createStandingOrder(
  runtime: Runtime,
  userId: number,
  input: StandingOrderInput,
): Promise<StandingOrder> {
  return transaction(runtime, async ({ tx, now }) => {
    const values = await checked(tx, userId, input, now);
    const [row] = await tx
      .insert(standingOrders)
      .values({ userId, ...values, createdAt: now, updatedAt: now })
      .returning();
    return row;
  });
}

export async function updateStandingOrder(
  runtime: Runtime,
  userId: number,
  id: number,
  patch: Partial<StandingOrderInput>,
): Promise<StandingOrder> {
  return transaction(runtime, async ({ tx, now }) => {
    const current = await ownStandingOrder(tx, userId, id);
    const scheduleGiven = patch.weekdays !== undefined || patch.everyDays !== undefined;
    const values = await checked(
      tx,
      userId,
      {
        listId: patch.listId ?? current.listId,
        contactId: patch.contactId ?? current.contactId,
        mode: patch.mode ?? current.mode,
        weekdays: scheduleGiven ? (patch.weekdays ?? null) : current.weekdays,
        everyDays: scheduleGiven ? (patch.everyDays ?? null) : current.everyDays,
        startsOn: patch.startsOn ?? current.startsOn,
        localTime: patch.localTime ?? current.localTime,
        timeZone: patch.timeZone ?? current.timeZone,
      },
      now,
    );
    const [row] = await tx
      .update(standingOrders)
      .set({ ...values, updatedAt: now })
      .where(eq(standingOrders.id, id))
      .returning();
    return row;
  });
}

/** Pauses (no slot runs) or resumes (from the next slot after now; slots while paused are not run). */
export async function setPaused(
  runtime: Runtime,
  userId: number,
  id: number,
  paused: boolean,
): Promise<StandingOrder> {
  return transaction(runtime, async ({ tx, now }) => {
    const current = await ownStandingOrder(tx, userId, id);
    const [row] = await tx
      .update(standingOrders)
      .set({
        paused,
        nextSlotAt: paused || !current.paused ? current.nextSlotAt : nextSlotAfter(current, now),
        updatedAt: now,
      })
      .where(eq(standingOrders.id, id))
      .returning();
    return row;
  });
}

export async function deleteStandingOrder(runtime: Runtime, userId: number, id: number): Promise<void> {
  await transaction(runtime, async ({ tx }) => {
    await ownStandingOrder(tx, userId, id);
    await tx.delete(standingOrders).where(eq(standingOrders.id, id));
  });
}

export async function getStandingOrder(db: Queryable, userId: number, id: number): Promise<StandingOrder> {
  return ownStandingOrder(db, userId, id);
}

export async function listStandingOrders(db: Queryable, userId: number): Promise<StandingOrder[]> {
  return db
    .select()
    .from(standingOrders)
    .where(eq(standingOrders.userId, userId))
    .orderBy(asc(standingOrders.id));
}

/** The runs of a standing order, newest slot first; `before` pages on by slot. */
export async function listRuns(
  db: Queryable,
  userId: number,
  id: number,
  options: { limit: number; before?: Date },
) {
  await ownStandingOrder(db, userId, id);
  return db
    .select()
    .from(standingOrderRuns)
    .where(
      and(
        eq(standingOrderRuns.standingOrderId, id),
        options.before ? lt(standingOrderRuns.slot, options.before) : undefined,
      ),
    )
    .orderBy(desc(standingOrderRuns.slot))
    .limit(options.limit);
}
