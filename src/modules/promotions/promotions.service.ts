// Staff's promotions: create, change, list, delete, and what each one has given away.
import { and, desc, eq, ilike, lt, type SQL, sql } from 'drizzle-orm';
import type { Static } from 'typebox';
import type { Queryable } from '../../db/client.ts';
import { orderLines, orderParts } from '../../db/schema/orders.ts';
import { type Promotion, promotions } from '../../db/schema/promotions.ts';
import type { TxScope } from '../../db/transaction.ts';
import { conflict, type FieldError, notFound, validationError } from '../../http/errors.ts';
import { type Page, pageOf, peekLimit } from '../../http/paging.ts';
import { fromMinor, toMinor } from '../../lib/money.ts';
import { changedValues, recordAudit } from '../audit/audit.service.ts';
import type { PromotionCreateBody, PromotionPatchBody } from './promotions.schemas.ts';
import {
  checkDiscount,
  checkTargetsExist,
  checkWindow,
  decodeIdCursor,
  parseAmount,
  parseInstant,
  type RuleState,
  stateCondition,
} from './rules.ts';

export type PromotionInput = Static<typeof PromotionCreateBody>;
export type PromotionPatch = Static<typeof PromotionPatchBody>;

const promotionNotFound = () =>
  notFound('promotion_not_found', { ru: 'Акция не найдена', en: 'Promotion not found' });

/** The row as it would be after applying `patch` to `current` (or to the defaults), checked. */
async function resolve(
  db: Queryable,
  current: Promotion | null,
  patch: PromotionPatch,
  now: Date,
): Promise<Omit<typeof promotions.$inferInsert, 'id' | 'createdAt' | 'createdBy'>> {
  const errors: FieldError[] = [];
  const startsAt =
    patch.starts_at !== undefined
      ? parseInstant(patch.starts_at, 'body.starts_at', errors)
      : (current?.startsAt ?? now);
  const endsAt =
    patch.ends_at !== undefined
      ? patch.ends_at === null
        ? null
        : parseInstant(patch.ends_at, 'body.ends_at', errors)
      : (current?.endsAt ?? null);
  if (startsAt && endsAt !== undefined) checkWindow(startsAt, endsAt, errors);

  const discountKind = patch.discount_kind ?? current!.discountKind;
  const discountValue = checkDiscount(discountKind, patch.discount_value ?? current!.discountValue, errors);
  const minOrderAmount =
    patch.min_order_amount !== undefined
      ? patch.min_order_amount === null
        ? null
        : parseAmount(patch.min_order_amount, 'body.min_order_amount', errors)
      : (current?.minOrderAmount ?? null);

  const targets = patch.targets
    ? {
        appliesToAll: patch.targets.all ?? false,
        categoryIds: patch.targets.category_ids ?? [],
        productIds: patch.targets.product_ids ?? [],
        shopIds: patch.targets.shop_ids ?? [],
      }
    : {
        appliesToAll: current!.appliesToAll,
        categoryIds: current!.categoryIds,
        productIds: current!.productIds,
        shopIds: current!.shopIds,
      };
  const listed = targets.categoryIds.length + targets.productIds.length + targets.shopIds.length;
  if (targets.appliesToAll && listed > 0) {
    errors.push({
      field: 'body.targets',
      message: {
        ru: 'Либо все товары (all), либо списки категорий, товаров и магазинов',
        en: 'Either every good (all) or lists of categories, products and shops',
      },
    });
  } else if (!targets.appliesToAll && listed === 0) {
    errors.push({
      field: 'body.targets',
      message: {
        ru: 'Укажите категории, товары, магазины или все товары (all)',
        en: 'Name categories, products, shops, or every good (all)',
      },
    });
  }
  if (patch.targets) await checkTargetsExist(db, targets, errors);
  if (errors.length) throw validationError(errors);

  return {
    name: (patch.name ?? current!.name).trim(),
    description: patch.description ?? current?.description ?? '',
    enabled: patch.enabled ?? current?.enabled ?? true,
    startsAt: startsAt!,
    endsAt: endsAt ?? null,
    ...targets,
    discountKind,
    discountValue: discountValue!,
    minLineQuantity: patch.min_line_quantity ?? current?.minLineQuantity ?? 1,
    minOrderAmount: minOrderAmount ?? null,
    priority: patch.priority ?? current?.priority ?? 0,
    updatedAt: now,
  };
}

export async function createPromotion(
  { tx, now }: TxScope,
  staffId: number,
  input: PromotionInput,
): Promise<Promotion> {
  const values = await resolve(tx, null, input, now);
  const [row] = await tx
    .insert(promotions)
    .values({ ...values, createdBy: staffId, createdAt: now })
    .returning();
  await recordAudit(tx, {
    actorId: staffId,
    kind: 'promotion.created',
    objectType: 'promotion',
    objectId: row.id,
    after: auditedRule(row),
    at: now,
  });
  return row;
}

/** A promotion's or coupon's rules as the audit trail keeps them (bookkeeping columns left out). */
export function auditedRule<T extends { updatedAt: Date; createdAt: Date }>(row: T): Record<string, unknown> {
  const { updatedAt: _updated, createdAt: _created, ...rules } = row;
  return JSON.parse(JSON.stringify(rules));
}

/** Whether a change ends a live rule: switched off, or its end moved to now or before. */
export function ends(
  before: { enabled: boolean; endsAt: Date | null },
  after: { enabled: boolean; endsAt: Date | null },
  now: Date,
): boolean {
  const wasLive = before.enabled && (before.endsAt === null || before.endsAt > now);
  const isLive = after.enabled && (after.endsAt === null || after.endsAt > now);
  return wasLive && !isLive;
}

export async function updatePromotion(
  { tx, now }: TxScope,
  id: number,
  patch: PromotionPatch,
  staffId: number,
): Promise<Promotion> {
  const [current] = await tx.select().from(promotions).where(eq(promotions.id, id)).for('update');
  if (!current) throw promotionNotFound();
  const values = await resolve(tx, current, patch, now);
  const [row] = await tx.update(promotions).set(values).where(eq(promotions.id, id)).returning();
  const changed = changedValues(auditedRule(current), auditedRule(row));
  if (changed) {
    await recordAudit(tx, {
      actorId: staffId,
      kind: ends(current, row, now) ? 'promotion.ended' : 'promotion.updated',
      objectType: 'promotion',
      objectId: id,
      ...changed,
      at: now,
    });
  }
  return row;
}

export async function getPromotion(db: Queryable, id: number): Promise<Promotion> {
  const [row] = await db.select().from(promotions).where(eq(promotions.id, id));
  if (!row) throw promotionNotFound();
  return row;
}

export interface ListOptions {
  limit: number;
  cursor?: string;
  state?: RuleState;
  q?: string;
}

export async function listPromotions(
  db: Queryable,
  options: ListOptions,
  now: Date,
): Promise<Page<Promotion>> {
  const errors: FieldError[] = [];
  const conditions: (SQL | undefined)[] = [];
  if (options.cursor) conditions.push(lt(promotions.id, decodeIdCursor(options.cursor, errors) ?? 0));
  if (errors.length) throw validationError(errors);
  if (options.state) conditions.push(stateCondition(promotions, options.state, now));
  if (options.q?.trim()) conditions.push(ilike(promotions.name, `%${escapeLike(options.q.trim())}%`));
  const rows = await db
    .select()
    .from(promotions)
    .where(and(...conditions))
    .orderBy(desc(promotions.id))
    .limit(peekLimit(options.limit));
  return pageOf(rows, options.limit, (row) => row.id);
}

export function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** Lines discounted by this promotion in orders that still stand (a cancelled part gave nothing). */
function usedBy(id: number): SQL {
  return sql`${orderLines.discountSource}->>'kind' = 'promotion' and (${orderLines.discountSource}->>'id')::int = ${id}`;
}

/** A promotion that discounted an order stays, for the record: staff switch it off instead. */
export async function deletePromotion({ tx, now }: TxScope, id: number, staffId: number): Promise<void> {
  const [current] = await tx.select().from(promotions).where(eq(promotions.id, id)).for('update');
  if (!current) throw promotionNotFound();
  const [used] = await tx.select({ one: sql<number>`1` }).from(orderLines).where(usedBy(id)).limit(1);
  if (used) {
    throw conflict('promotion_used', {
      ru: 'Акция уже применялась в заказах; её можно выключить, но не удалить',
      en: 'The promotion has discounted orders; switch it off instead of deleting it',
    });
  }
  await tx.delete(promotions).where(eq(promotions.id, id));
  await recordAudit(tx, {
    actorId: staffId,
    kind: 'promotion.deleted',
    objectType: 'promotion',
    objectId: id,
    before: auditedRule(current),
    at: now,
  });
}

export interface PromotionUsage {
  promotionId: number;
  orders: number;
  lines: number;
  units: number;
  discountGiven: string;
}

export async function promotionUsage(db: Queryable, id: number): Promise<PromotionUsage> {
  await getPromotion(db, id);
  const [row] = await db
    .select({
      orders: sql<number>`count(distinct ${orderLines.orderId})::int`,
      lines: sql<number>`count(*)::int`,
      units: sql<number>`coalesce(sum(${orderLines.quantity}), 0)::int`,
      discount: sql<string>`coalesce(sum(${orderLines.discount}), 0)::text`,
    })
    .from(orderLines)
    .innerJoin(orderParts, eq(orderParts.id, orderLines.partId))
    .where(and(usedBy(id), sql`${orderParts.state} <> 'canceled'`));
  return {
    promotionId: id,
    orders: row.orders,
    lines: row.lines,
    units: row.units,
    discountGiven: fromMinor(toMinor(row.discount)),
  };
}
