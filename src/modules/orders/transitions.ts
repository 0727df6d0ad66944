// The one transition table of order states, for supplier parts and for orders as a whole, and the rule
// by which an order's state follows its parts. Every state change in the system goes through
// `assertTransition` (parts) or `planOrderTransition` (orders); nothing else decides what may move.
import { ORDER_STATES, type OrderState } from '../../db/schema/orders.ts';
import { conflict } from '../../http/errors.ts';

export type Actor = 'buyer' | 'supplier' | 'staff';

/** The path of a healthy order; `canceled` stands aside. */
export const PROGRESS: readonly OrderState[] = ['new', 'confirmed', 'assembled', 'sent', 'delivered'];

type Table = Partial<Record<OrderState, readonly OrderState[]>>;

/**
 * Who may move a part from which state to which.
 * - buyer: only by canceling the whole order while the order is `new` (`ORDER_TRANSITIONS`); that
 *   cancels every part not yet canceled, whatever step a supplier has already taken with it;
 * - supplier: one step forward at a time; cancel (with a reason) before the goods are sent;
 * - staff: forward by any number of steps; cancel any time before delivery.
 * `delivered` and `canceled` are final for everyone (so an order with a delivered part stays).
 */
export const TRANSITIONS: Record<Actor, Table> = {
  buyer: {
    new: ['canceled'],
    confirmed: ['canceled'],
    assembled: ['canceled'],
    sent: ['canceled'],
  },
  supplier: {
    new: ['confirmed', 'canceled'],
    confirmed: ['assembled', 'canceled'],
    assembled: ['sent', 'canceled'],
    sent: ['delivered'],
  },
  staff: {
    new: ['confirmed', 'assembled', 'sent', 'delivered', 'canceled'],
    confirmed: ['assembled', 'sent', 'delivered', 'canceled'],
    assembled: ['sent', 'delivered', 'canceled'],
    sent: ['delivered', 'canceled'],
  },
};

/**
 * Moves of an order as a whole where they are narrower than its parts': the buyer cancels only while
 * the order is `new` (the order is `new` while any live part is). Others move orders by the parts' table.
 */
export const ORDER_TRANSITIONS: Partial<Record<Actor, Table>> = {
  buyer: { new: ['canceled'] },
};

export function isAllowed(actor: Actor, from: OrderState, to: OrderState): boolean {
  return TRANSITIONS[actor][from]?.includes(to) ?? false;
}

export function allowedTargets(actor: Actor, from: OrderState): readonly OrderState[] {
  return TRANSITIONS[actor][from] ?? [];
}

function orderTable(actor: Actor): Table {
  return ORDER_TRANSITIONS[actor] ?? TRANSITIONS[actor];
}

/** Whether the order's own state may move so (its parts are checked by `planOrderTransition`). */
export function isOrderMoveAllowed(actor: Actor, from: OrderState, to: OrderState): boolean {
  return orderTable(actor)[from]?.includes(to) ?? false;
}

/** The states an order may be set to by `actor` from `from`, as far as the order's own state goes. */
export function allowedOrderTargets(actor: Actor, from: OrderState): readonly OrderState[] {
  return orderTable(actor)[from] ?? [];
}

const STATE_NAMES: Record<OrderState, { ru: string; en: string }> = {
  new: { ru: 'новый', en: 'new' },
  confirmed: { ru: 'подтверждён', en: 'confirmed' },
  assembled: { ru: 'собран', en: 'assembled' },
  sent: { ru: 'отправлен', en: 'sent' },
  delivered: { ru: 'доставлен', en: 'delivered' },
  canceled: { ru: 'отменён', en: 'canceled' },
};

export function stateName(state: OrderState, language: 'ru' | 'en'): string {
  return STATE_NAMES[state][language];
}

function refused(
  from: OrderState,
  to: OrderState,
  allowed: readonly OrderState[],
  extra: Record<string, unknown> = {},
) {
  return conflict(
    'invalid_transition',
    {
      ru: `Нельзя перевести из состояния «${STATE_NAMES[from].ru}» в «${STATE_NAMES[to].ru}»`,
      en: `Cannot move from "${from}" to "${to}"`,
    },
    { from, to, allowed, ...extra },
  );
}

/** The one check of a part's move; throws 409 `invalid_transition` naming what is allowed. */
export function assertTransition(actor: Actor, from: OrderState, to: OrderState): void {
  if (!isAllowed(actor, from, to)) throw refused(from, to, allowedTargets(actor, from));
}

/**
 * The order's state follows its parts: all parts canceled → `canceled`; otherwise the least advanced
 * state among the parts that are not canceled (the order is `sent` once every live part is sent).
 */
export function deriveOrderState(partStates: readonly OrderState[]): OrderState {
  const live = partStates.filter((state) => state !== 'canceled');
  if (live.length === 0) return 'canceled';
  return live.reduce((least, state) => (PROGRESS.indexOf(state) < PROGRESS.indexOf(least) ? state : least));
}

export interface PartMove<P> {
  part: P;
  from: OrderState;
  to: OrderState;
}

/**
 * What setting a whole order to `to` means for its parts. The order's own state is checked against
 * `ORDER_TRANSITIONS` (where the actor has a row there) or the parts' table, each part's move against
 * the parts' table:
 * - `canceled`: every part not yet canceled is canceled — each of those moves must be allowed
 *   (a delivered part cannot be canceled, so neither can its order);
 * - a state forward: every live part behind it moves up to it; parts already there or beyond stay.
 * Refused when the order's own state may not move so, or when nothing would change.
 */
export function planOrderTransition<P extends { state: OrderState }>(
  actor: Actor,
  orderState: OrderState,
  parts: readonly P[],
  to: OrderState,
): PartMove<P>[] {
  const allowed = allowedOrderTargets(actor, orderState);
  if (!isOrderMoveAllowed(actor, orderState, to)) throw refused(orderState, to, allowed);
  const moves: PartMove<P>[] = [];
  for (const part of parts) {
    if (part.state === 'canceled') continue;
    if (to !== 'canceled' && PROGRESS.indexOf(part.state) >= PROGRESS.indexOf(to)) continue;
    if (!isAllowed(actor, part.state, to)) {
      throw refused(orderState, to, allowed, { blocking_part_state: part.state });
    }
    moves.push({ part, from: part.state, to });
  }
  if (moves.length === 0) throw refused(orderState, to, allowed);
  return moves;
}

/** Whether `planOrderTransition` would accept the move (for showing what a caller may do). */
export function canMoveOrder(
  actor: Actor,
  orderState: OrderState,
  parts: readonly { state: OrderState }[],
  to: OrderState,
): boolean {
  try {
    planOrderTransition(actor, orderState, parts, to);
    return true;
  } catch {
    return false;
  }
}

export { ORDER_STATES };
