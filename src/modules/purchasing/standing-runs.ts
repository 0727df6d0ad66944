// Running standing orders at their slots. The worker's pg-boss schedule calls runDueStandingOrders
// every minute; each due standing order is run in its own transaction, which
//   1. locks the standing order row (FOR UPDATE SKIP LOCKED: a second worker skips it),
//   2. claims the run row (standing_order_id, slot) — unique, so even a worker that got past the
//      lock (the row's next slot already moved on, a retry) cannot run the slot again,
//   3. does the work in a savepoint (place: the basket set aside, the list put in, checkout in this
//      same transaction, the basket given back; prepare: the list put into the basket),
//   4. records the outcome on the run row, queues the buyer's email, and moves next_slot_at on.
// A crash anywhere before the commit leaves nothing: no order, no run row, the slot still due, so
// it runs once when a worker is back. Slots more than STANDING_ORDER_GRACE_MINUTES old are recorded
// as `missed` and not run (only the newest due slot may run). Time is the runtime's clock.
import { and, asc, eq, inArray, lte } from 'drizzle-orm';
import type { Transaction } from '../../db/client.ts';
import { offers } from '../../db/schema/catalog.ts';
import {
  type SkippedLine,
  type StandingOrder,
  standingOrderRuns,
  standingOrders,
} from '../../db/schema/purchasing.ts';
import { users } from '../../db/schema/users.ts';
import { type TxScope, transaction } from '../../db/transaction.ts';
import { AppError } from '../../http/errors.ts';
import { localize } from '../../lib/i18n.ts';
import type { Runtime } from '../../runtime.ts';
import { lockBasket } from '../orders/basket.service.ts';
import { restoreBasketLines, stashBasketLines } from '../orders/basket-stash.ts';
import { checkout } from '../orders/checkout.service.ts';
import { fillBasket } from './fill-basket.ts';
import { nextSlotAfter } from './schedule.ts';
import { wantedLines } from './shopping-lists.service.ts';
import { standingRunEmail } from './standing-emails.ts';

/** The most slots one pass looks back over for a standing order (older ones are simply passed over). */
const MAX_SLOTS_PER_PASS = 100;

export interface RunOutcome {
  standingOrderId: number;
  slot: Date;
  status: 'placed' | 'prepared' | 'failed' | 'missed';
  orderId: number | null;
}

/** Test hook: called inside the run's transaction after the work, before the commit. */
export interface RunHooks {
  beforeCommit?: (outcome: RunOutcome) => Promise<void> | void;
}

/** Runs every standing order that is due now; answers what ran. */
export async function runDueStandingOrders(runtime: Runtime, hooks: RunHooks = {}): Promise<RunOutcome[]> {
  const now = runtime.clock.now();
  const due = await runtime.db
    .select({ id: standingOrders.id })
    .from(standingOrders)
    .where(and(eq(standingOrders.paused, false), lte(standingOrders.nextSlotAt, now)))
    .orderBy(asc(standingOrders.nextSlotAt), asc(standingOrders.id))
    .limit(500);
  const outcomes: RunOutcome[] = [];
  for (const { id } of due) outcomes.push(...(await runStandingOrder(runtime, id, hooks)));
  return outcomes;
}

/** Runs one standing order's due slots in one transaction (nothing when another worker holds it). */
export async function runStandingOrder(
  runtime: Runtime,
  id: number,
  hooks: RunHooks = {},
): Promise<RunOutcome[]> {
  return transaction(runtime, async (scope) => {
    const { tx, now } = scope;
    const [row] = await tx
      .select()
      .from(standingOrders)
      .where(
        and(eq(standingOrders.id, id), eq(standingOrders.paused, false), lte(standingOrders.nextSlotAt, now)),
      )
      .for('update', { skipLocked: true });
    if (!row) return [];

    const slots: Date[] = [];
    let next = row.nextSlotAt;
    while (next <= now && slots.length < MAX_SLOTS_PER_PASS) {
      slots.push(next);
      next = nextSlotAfter(row, next);
    }
    while (next <= now) next = nextSlotAfter(row, next);
    const graceMs = runtime.config.standingOrderGraceMinutes * 60_000;
    const outcomes: RunOutcome[] = [];
    for (const [index, slot] of slots.entries()) {
      const newest = index === slots.length - 1;
      const missed = !newest || now.getTime() - slot.getTime() > graceMs;
      const outcome = await runSlot(scope, row, slot, missed);
      if (outcome) outcomes.push(outcome);
    }
    await tx
      .update(standingOrders)
      .set({ nextSlotAt: next, updatedAt: now })
      .where(eq(standingOrders.id, row.id));
    for (const outcome of outcomes) await hooks.beforeCommit?.(outcome);
    return outcomes;
  });
}

async function runSlot(
  scope: TxScope,
  row: StandingOrder,
  slot: Date,
  missed: boolean,
): Promise<RunOutcome | null> {
  const { tx, now, runtime } = scope;
  const [claimed] = await tx
    .insert(standingOrderRuns)
    .values({ standingOrderId: row.id, slot, status: missed ? 'missed' : 'failed', ranAt: now })
    .onConflictDoNothing()
    .returning({ id: standingOrderRuns.id });
  // Someone ran this slot already: never twice.
  if (!claimed) return null;
  if (missed) return { standingOrderId: row.id, slot, status: 'missed', orderId: null };

  const [buyer] = await tx
    .select({ email: users.email, firstName: users.firstName, language: users.preferredLanguage })
    .from(users)
    .where(eq(users.id, row.userId));
  let skipped: SkippedLine[] = [];
  let outcome: RunOutcome;
  let basketId: number | null = null;
  let errors: { code: string; message: string }[] = [];
  try {
    // A savepoint: a refused checkout undoes the basket changes but keeps the claim and the record.
    outcome = await tx.transaction(async (savepoint) => {
      const inner: TxScope = { ...scope, tx: savepoint };
      const wanted = await wantedLines(savepoint, row.listId);
      basketId = await lockBasket(savepoint, row.userId, now);
      if (row.mode === 'prepare') {
        skipped = (await fillBasket(savepoint, basketId, wanted, now)).skipped;
        return { standingOrderId: row.id, slot, status: 'prepared' as const, orderId: null };
      }
      // Checkout locks these offers FOR UPDATE in id order; adding them to the basket first takes
      // key-share locks through the foreign key. Locking them in id order before anything else keeps
      // two runs over the same goods from deadlocking (one waits for the other).
      await lockOffersOf(
        savepoint,
        wanted.map((line) => line.productId),
      );
      const aside = await stashBasketLines(savepoint, basketId);
      const filled = await fillBasket(savepoint, basketId, wanted, now);
      skipped = filled.skipped;
      if (filled.added.length === 0) {
        throw new AppError(409, 'nothing_to_order', {
          detail: {
            ru: 'Ни одного товара из списка сейчас нельзя заказать',
            en: 'Nothing on the list can be ordered now',
          },
        });
      }
      const { order } = await checkout(runtime, row.userId, { contactId: row.contactId }, inner);
      await restoreBasketLines(savepoint, row.userId, aside, now);
      return { standingOrderId: row.id, slot, status: 'placed' as const, orderId: order.id };
    });
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    errors = [
      {
        code: error.code,
        message: error.detail ? localize(error.detail, buyer?.language ?? 'ru') : error.code,
      },
    ];
    outcome = { standingOrderId: row.id, slot, status: 'failed', orderId: null };
  }
  await tx
    .update(standingOrderRuns)
    .set({
      status: outcome.status,
      orderId: outcome.orderId,
      basketId: outcome.status === 'prepared' ? basketId : null,
      skipped,
      errors,
    })
    .where(eq(standingOrderRuns.id, claimed.id));
  if (buyer) {
    await scope.enqueue(
      'send_email',
      standingRunEmail({ ...outcome, skipped, errors, publicUrl: runtime.config.publicUrl }, buyer),
    );
  }
  return outcome;
}

async function lockOffersOf(tx: Transaction, productIds: number[]): Promise<void> {
  if (productIds.length === 0) return;
  await tx
    .select({ id: offers.id })
    .from(offers)
    .where(inArray(offers.productId, productIds))
    .orderBy(asc(offers.id))
    .for('update');
}

/** Every minute, whichever worker process takes the schedule's job. */
export async function installStandingOrderSchedule(runtime: Runtime): Promise<void> {
  await runtime.boss.schedule('purchasing_standing_orders', '* * * * *', {});
}
