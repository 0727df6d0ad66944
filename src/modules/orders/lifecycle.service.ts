// Moving orders and their supplier parts along. Every change locks the order row first, so changes
// of one order (a buyer's cancel, a supplier's move, staff's) run one after another and each sees the
// state the previous one left: a part is canceled, and its stock returned, exactly once.
import { and, eq, inArray } from 'drizzle-orm';
import { shops } from '../../db/schema/catalog.ts';
import {
  type Order,
  type OrderPart,
  type OrderState,
  orderLines,
  orderParts,
  orderStatusHistory,
  orders,
} from '../../db/schema/orders.ts';
import { users } from '../../db/schema/users.ts';
import { type TxScope, transaction } from '../../db/transaction.ts';
import { notFound, validationError } from '../../http/errors.ts';
import type { Runtime } from '../../runtime.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { releaseOrderCoupon } from '../promotions/for-orders.ts';
import { orderStateEmail, supplierPartCanceledEmail } from './emails.ts';
import { returnStock } from './stock.ts';
import {
  type Actor,
  assertTransition,
  deriveOrderState,
  type PartMove,
  planOrderTransition,
} from './transitions.ts';
import { loadOrder, type OrderDetail, orderNumber } from './views.ts';
import { publishOrderStatusChanged } from './webhook-events.ts';

export interface StateChangeInput {
  state: OrderState;
  note?: string;
}

interface ActorRef {
  id: number;
  actor: Actor;
}

function orderNotFound(orderId: number) {
  return notFound('order_not_found', { ru: `Заказ ${orderId} не найден`, en: `Order ${orderId} not found` });
}

async function lockOrder(
  scope: TxScope,
  orderId: number,
  ownerId?: number,
): Promise<{ order: Order; parts: OrderPart[] }> {
  const where =
    ownerId === undefined ? eq(orders.id, orderId) : and(eq(orders.id, orderId), eq(orders.userId, ownerId));
  const [order] = await scope.tx.select().from(orders).where(where).for('update');
  if (!order) throw orderNotFound(orderId);
  const parts = await scope.tx.select().from(orderParts).where(eq(orderParts.orderId, orderId));
  return { order, parts };
}

/**
 * Applies checked part moves: each part's state and history row; a canceled part's stock goes back;
 * the order's state is derived anew and, when it changes, recorded and the buyer emailed. Suppliers
 * hear of their part being canceled by someone else.
 */
async function applyMoves(
  scope: TxScope,
  order: Order,
  parts: OrderPart[],
  moves: PartMove<OrderPart>[],
  by: ActorRef,
  note: string,
): Promise<void> {
  const { tx, now, enqueue } = scope;
  const states = new Map(parts.map((part) => [part.id, part.state]));
  const canceled: OrderPart[] = [];
  for (const move of moves) {
    // The order row is locked, so the part is still in `from`; the guard keeps that an invariant.
    const moved = await tx
      .update(orderParts)
      .set({ state: move.to, updatedAt: now })
      .where(and(eq(orderParts.id, move.part.id), eq(orderParts.state, move.from)))
      .returning({ id: orderParts.id });
    if (moved.length === 0)
      throw new Error(`order part ${move.part.id} left state ${move.from} under the order lock`);
    states.set(move.part.id, move.to);
    if (move.to === 'canceled') canceled.push(move.part);
  }
  await tx.insert(orderStatusHistory).values(
    moves.map((move) => ({
      orderId: order.id,
      partId: move.part.id,
      actorId: by.id,
      actorRole: by.actor,
      fromState: move.from,
      toState: move.to,
      note,
      createdAt: now,
    })),
  );

  if (canceled.length > 0) {
    const lines = await tx
      .select({ offerId: orderLines.offerId, quantity: orderLines.quantity })
      .from(orderLines)
      .where(
        inArray(
          orderLines.partId,
          canceled.map((part) => part.id),
        ),
      );
    await returnStock(tx, lines);
    // The payments module refunds what the canceled parts hold (payments → orders, never back).
    await enqueue('payments_parts_canceled', { orderId: order.id, partIds: canceled.map((part) => part.id) });
    if (by.actor !== 'supplier') {
      const owners = await tx
        .select({ shopId: shops.id, email: users.email, language: users.preferredLanguage })
        .from(shops)
        .innerJoin(users, eq(users.id, shops.ownerId))
        .where(
          inArray(
            shops.id,
            canceled.map((part) => part.shopId),
          ),
        );
      for (const part of canceled) {
        const owner = owners.find((row) => row.shopId === part.shopId);
        if (!owner) continue;
        await enqueue(
          'send_email',
          supplierPartCanceledEmail(
            {
              number: orderNumber(order.id),
              partTotal: part.total,
              currency: order.currency,
              note,
              by: by.actor,
            },
            { email: owner.email, language: owner.language },
          ),
        );
      }
    }
  }

  const derived = deriveOrderState([...states.values()]);
  if (derived !== order.state) {
    // The coupon's use goes back once: the order row is locked and `canceled` is final.
    if (derived === 'canceled') await releaseOrderCoupon(tx, order.id, now);
    await tx.update(orders).set({ state: derived, updatedAt: now }).where(eq(orders.id, order.id));
    await tx.insert(orderStatusHistory).values({
      orderId: order.id,
      partId: null,
      actorId: by.id,
      actorRole: by.actor,
      fromState: order.state,
      toState: derived,
      note,
      createdAt: now,
    });
    const [buyer] = await tx
      .select({ email: users.email, firstName: users.firstName, language: users.preferredLanguage })
      .from(users)
      .where(eq(users.id, order.userId));
    await enqueue(
      'send_email',
      orderStateEmail(
        { orderId: order.id, number: orderNumber(order.id), from: order.state, to: derived, note },
        { email: buyer.email, firstName: buyer.firstName, language: buyer.language },
      ),
    );
  } else {
    await tx.update(orders).set({ updatedAt: now }).where(eq(orders.id, order.id));
  }
  const orderChange =
    derived === order.state ? [] : [{ partId: null, shopId: null, from: order.state, to: derived }];
  const partChanges = moves.map((move) => ({
    partId: move.part.id,
    shopId: move.part.shopId,
    from: move.from,
    to: move.to,
  }));
  await publishOrderStatusChanged(scope, order.id, order.userId, [...partChanges, ...orderChange], {
    actorRole: by.actor,
    note,
  });
}

function cleanNote(note: string | undefined): string {
  return note?.trim() ?? '';
}

/**
 * The buyer cancels their whole order: allowed while the order is `new` (some live part is still
 * new), even if a supplier has moved its part on; refused if a part is delivered.
 */
export async function cancelOrderAsBuyer(
  runtime: Runtime,
  userId: number,
  orderId: number,
  note?: string,
): Promise<OrderDetail> {
  return transaction(runtime, async (scope) => {
    const { order, parts } = await lockOrder(scope, orderId, userId);
    const moves = planOrderTransition('buyer', order.state, parts, 'canceled');
    await applyMoves(scope, order, parts, moves, { id: userId, actor: 'buyer' }, cleanNote(note));
    return (await loadOrder(scope.tx, orderId))!;
  });
}

/**
 * Staff set an order's state directly (cascading to its parts, see planOrderTransition), or one
 * part's state when `partId` is given.
 */
export async function setOrderStateAsStaff(
  runtime: Runtime,
  staffId: number,
  orderId: number,
  input: StateChangeInput & { partId?: number },
): Promise<OrderDetail> {
  return transaction(runtime, async (scope) => {
    const { order, parts } = await lockOrder(scope, orderId);
    let moves: PartMove<OrderPart>[];
    if (input.partId === undefined) {
      moves = planOrderTransition('staff', order.state, parts, input.state);
    } else {
      const part = parts.find((candidate) => candidate.id === input.partId);
      if (!part) {
        throw notFound('order_part_not_found', {
          ru: `В заказе ${orderId} нет части ${input.partId}`,
          en: `Order ${orderId} has no part ${input.partId}`,
        });
      }
      assertTransition('staff', part.state, input.state);
      moves = [{ part, from: part.state, to: input.state }];
    }
    const note = cleanNote(input.note);
    await applyMoves(scope, order, parts, moves, { id: staffId, actor: 'staff' }, note);
    const after = (await loadOrder(scope.tx, orderId))!;
    if (input.partId === undefined) {
      await recordAudit(scope.tx, {
        actorId: staffId,
        kind: 'order.status_changed',
        objectType: 'order',
        objectId: orderId,
        before: { state: order.state, parts: moves.map((move) => ({ id: move.part.id, state: move.from })) },
        after: { state: after.state, parts: moves.map((move) => ({ id: move.part.id, state: move.to })) },
        note: note || null,
        at: scope.now,
      });
    } else {
      const [move] = moves;
      await recordAudit(scope.tx, {
        actorId: staffId,
        kind: 'order_part.status_changed',
        objectType: 'order_part',
        objectId: move.part.id,
        before: { order_id: orderId, state: move.from, order_state: order.state },
        after: { order_id: orderId, state: move.to, order_state: after.state },
        note: note || null,
        at: scope.now,
      });
    }
    return after;
  });
}

/** The supplier's shop, or 404 when the account runs none. */
export async function supplierShop(
  db: TxScope['tx'] | Runtime['db'],
  supplierId: number,
): Promise<{ id: number; name: string }> {
  const [shop] = await db
    .select({ id: shops.id, name: shops.name })
    .from(shops)
    .where(eq(shops.ownerId, supplierId));
  if (!shop) {
    throw notFound('shop_not_found', {
      ru: 'У вашей учётной записи нет магазина',
      en: 'Your account has no shop',
    });
  }
  return shop;
}

/** A supplier moves its own part of an order; canceling needs a reason. */
export async function setPartStateAsSupplier(
  runtime: Runtime,
  supplierId: number,
  orderId: number,
  input: StateChangeInput,
): Promise<{ order: OrderDetail; shopId: number }> {
  const note = cleanNote(input.note);
  if (input.state === 'canceled' && !note) {
    throw validationError([
      {
        field: 'body.note',
        message: { ru: 'Укажите причину отмены', en: 'Give the reason for canceling' },
      },
    ]);
  }
  return transaction(runtime, async (scope) => {
    const shop = await supplierShop(scope.tx, supplierId);
    const { order, parts } = await lockOrder(scope, orderId);
    const part = parts.find((candidate) => candidate.shopId === shop.id);
    if (!part) throw orderNotFound(orderId);
    assertTransition('supplier', part.state, input.state);
    await applyMoves(
      scope,
      order,
      parts,
      [{ part, from: part.state, to: input.state }],
      { id: supplierId, actor: 'supplier' },
      note,
    );
    return { order: (await loadOrder(scope.tx, orderId))!, shopId: shop.id };
  });
}
