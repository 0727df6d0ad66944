// Staff's coupons (one by one or in batches), their usage, and the rules a buyer's coupon must pass.
// The limits are kept by `used_count`, changed only by conditional updates (see redemptions.ts).
import { and, count, desc, eq, ilike, isNull, lt, type SQL, sql } from 'drizzle-orm';
import type { Static } from 'typebox';
import type { Queryable } from '../../db/client.ts';
import {
  type Coupon,
  type CouponBatch,
  type CouponScope,
  couponBatches,
  couponRedemptions,
  coupons,
} from '../../db/schema/promotions.ts';
import type { TxScope } from '../../db/transaction.ts';
import { AppError, conflict, type FieldError, notFound, validationError } from '../../http/errors.ts';
import { type Page, pageOf, peekLimit } from '../../http/paging.ts';
import { csvDocument } from '../../lib/csv.ts';
import { fromMinor, toMinor } from '../../lib/money.ts';
import { changedValues, recordAudit } from '../audit/audit.service.ts';
import { generateCode, isValidCode, normalizeCode } from './coupon-codes.ts';
import {
  couponAlreadyUsedByYou,
  couponExpired,
  couponMinAmount,
  couponNotFound,
  couponUsedUp,
} from './coupon-errors.ts';
import type { CouponBatchBody, CouponCreateBody, CouponPatchBody } from './promotions.schemas.ts';
import { auditedRule, ends, escapeLike } from './promotions.service.ts';
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

export type CouponInput = Static<typeof CouponCreateBody>;
export type CouponPatch = Static<typeof CouponPatchBody>;
export type CouponBatchInput = Static<typeof CouponBatchBody>;

type CouponValues = Omit<
  typeof coupons.$inferInsert,
  'id' | 'createdAt' | 'createdBy' | 'batchId' | 'usedCount'
>;

const couponNotFoundForStaff = () =>
  notFound('coupon_not_found', { ru: 'Купон не найден', en: 'Coupon not found' });

function codeError(field: string): FieldError {
  return {
    field,
    message: {
      ru: 'Код: 3–64 символа, латинские буквы, цифры, «-» и «_»',
      en: 'Code: 3–64 characters, Latin letters, digits, "-" and "_"',
    },
  };
}

/** The row as it would be after applying `patch` to `current` (or to the defaults), checked. */
async function resolve(
  db: Queryable,
  current: Coupon | null,
  patch: CouponPatch,
  now: Date,
): Promise<CouponValues> {
  const errors: FieldError[] = [];
  let code = current?.code;
  if (patch.code !== undefined) {
    code = normalizeCode(patch.code);
    if (!isValidCode(code)) errors.push(codeError('body.code'));
  }
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
  if (startsAt) checkWindow(startsAt, endsAt, errors);

  const discountKind = patch.discount_kind ?? current!.discountKind;
  const discountValue = checkDiscount(discountKind, patch.discount_value ?? current!.discountValue, errors);
  const minOrderAmount =
    patch.min_order_amount !== undefined
      ? patch.min_order_amount === null
        ? null
        : parseAmount(patch.min_order_amount, 'body.min_order_amount', errors)
      : (current?.minOrderAmount ?? null);

  const scope: CouponScope = patch.scope ?? current?.scope ?? 'order';
  const targets = patch.targets
    ? {
        categoryIds: patch.targets.category_ids ?? [],
        productIds: patch.targets.product_ids ?? [],
        shopIds: patch.targets.shop_ids ?? [],
      }
    : scope === current?.scope
      ? { categoryIds: current.categoryIds, productIds: current.productIds, shopIds: current.shopIds }
      : { categoryIds: [], productIds: [], shopIds: [] };
  const listed = targets.categoryIds.length + targets.productIds.length + targets.shopIds.length;
  if (scope === 'lines' && listed === 0) {
    errors.push({
      field: 'body.targets',
      message: {
        ru: 'Купону на товары нужны категории, товары или магазины',
        en: 'A `lines` coupon needs categories, products or shops',
      },
    });
  }
  if (scope === 'order' && listed > 0) {
    errors.push({
      field: 'body.targets',
      message: {
        ru: 'Купон на весь заказ не выбирает товары; для этого scope = lines',
        en: 'An `order` coupon takes no targets; use scope `lines`',
      },
    });
  }
  if (patch.targets) await checkTargetsExist(db, targets, errors);

  const usageLimit = patch.usage_limit !== undefined ? patch.usage_limit : (current?.usageLimit ?? null);
  if (current && usageLimit !== null && usageLimit < current.usedCount) {
    errors.push({
      field: 'body.usage_limit',
      message: {
        ru: `Купон уже использован ${current.usedCount} раз(а)`,
        en: `The coupon is already used ${current.usedCount} time(s)`,
      },
    });
  }
  if (errors.length) throw validationError(errors);

  return {
    code: code ?? generateCode(),
    description: patch.description ?? current?.description ?? '',
    enabled: patch.enabled ?? current?.enabled ?? true,
    discountKind,
    discountValue: discountValue!,
    scope,
    ...targets,
    startsAt: startsAt!,
    endsAt,
    usageLimit,
    perBuyerLimit:
      patch.per_buyer_limit !== undefined ? patch.per_buyer_limit : (current?.perBuyerLimit ?? 1),
    minOrderAmount: minOrderAmount ?? null,
    combinesWithPromotions: patch.combines_with_promotions ?? current?.combinesWithPromotions ?? false,
    updatedAt: now,
  };
}

function codeTaken(code: string): AppError {
  return new AppError(409, 'coupon_code_taken', {
    detail: { ru: `Купон с кодом ${code} уже есть`, en: `A coupon with code ${code} exists` },
    errors: [{ field: 'body.code', message: { ru: 'Код уже занят', en: 'The code is taken' } }],
  });
}

async function assertCodeFree(db: Queryable, code: string, exceptId?: number): Promise<void> {
  const [row] = await db.select({ id: coupons.id }).from(coupons).where(eq(coupons.code, code));
  if (row && row.id !== exceptId) throw codeTaken(code);
}

export async function createCoupon(
  { tx, now }: TxScope,
  staffId: number,
  input: CouponInput,
): Promise<Coupon> {
  const values = await resolve(tx, null, input, now);
  await assertCodeFree(tx, values.code);
  // A parallel create of the same code loses here, at the unique index.
  const [row] = await tx
    .insert(coupons)
    .values({ ...values, createdBy: staffId, createdAt: now })
    .onConflictDoNothing({ target: coupons.code })
    .returning();
  if (!row) throw codeTaken(values.code);
  await recordAudit(tx, {
    actorId: staffId,
    kind: 'coupon.created',
    objectType: 'coupon',
    objectId: row.id,
    after: auditedRule(row),
    at: now,
  });
  return row;
}

export async function updateCoupon(
  { tx, now }: TxScope,
  id: number,
  patch: CouponPatch,
  staffId: number,
): Promise<Coupon> {
  const [current] = await tx.select().from(coupons).where(eq(coupons.id, id)).for('update');
  if (!current) throw couponNotFoundForStaff();
  const values = await resolve(tx, current, patch, now);
  if (values.code !== current.code) await assertCodeFree(tx, values.code, id);
  const [row] = await tx.update(coupons).set(values).where(eq(coupons.id, id)).returning();
  const changed = changedValues(auditedRule(current), auditedRule(row));
  if (changed) {
    await recordAudit(tx, {
      actorId: staffId,
      kind: ends(current, row, now) ? 'coupon.ended' : 'coupon.updated',
      objectType: 'coupon',
      objectId: id,
      ...changed,
      at: now,
    });
  }
  return row;
}

export async function getCoupon(db: Queryable, id: number): Promise<Coupon> {
  const [row] = await db.select().from(coupons).where(eq(coupons.id, id));
  if (!row) throw couponNotFoundForStaff();
  return row;
}

export interface CouponListOptions {
  limit: number;
  cursor?: string;
  state?: RuleState;
  q?: string;
  batchId?: number;
}

export async function listCoupons(
  db: Queryable,
  options: CouponListOptions,
  now: Date,
): Promise<Page<Coupon>> {
  const errors: FieldError[] = [];
  const conditions: (SQL | undefined)[] = [];
  if (options.cursor) conditions.push(lt(coupons.id, decodeIdCursor(options.cursor, errors) ?? 0));
  if (errors.length) throw validationError(errors);
  if (options.state) conditions.push(stateCondition(coupons, options.state, now));
  if (options.q?.trim()) conditions.push(ilike(coupons.code, `%${escapeLike(normalizeCode(options.q))}%`));
  if (options.batchId) conditions.push(eq(coupons.batchId, options.batchId));
  const rows = await db
    .select()
    .from(coupons)
    .where(and(...conditions))
    .orderBy(desc(coupons.id))
    .limit(peekLimit(options.limit));
  return pageOf(rows, options.limit, (row) => row.id);
}

/** A coupon some order used stays, for the record: staff switch it off instead. */
export async function deleteCoupon({ tx, now }: TxScope, id: number, staffId: number): Promise<void> {
  const [current] = await tx.select().from(coupons).where(eq(coupons.id, id)).for('update');
  if (!current) throw couponNotFoundForStaff();
  const [used] = await tx
    .select({ id: couponRedemptions.id })
    .from(couponRedemptions)
    .where(eq(couponRedemptions.couponId, id))
    .limit(1);
  if (used) {
    throw conflict('coupon_used', {
      ru: 'Купон уже использовался в заказах; его можно выключить, но не удалить',
      en: 'The coupon has been used by orders; switch it off instead of deleting it',
    });
  }
  await tx.delete(coupons).where(eq(coupons.id, id));
  await recordAudit(tx, {
    actorId: staffId,
    kind: 'coupon.deleted',
    objectType: 'coupon',
    objectId: id,
    before: auditedRule(current),
    at: now,
  });
}

export interface CouponUsage {
  couponId: number;
  code: string;
  orders: number;
  released: number;
  buyers: number;
  discountGiven: string;
  usageLimit: number | null;
}

export async function couponUsage(db: Queryable, id: number): Promise<CouponUsage> {
  const coupon = await getCoupon(db, id);
  const [row] = await db
    .select({
      orders: sql<number>`(count(*) filter (where ${couponRedemptions.releasedAt} is null))::int`,
      released: sql<number>`(count(*) filter (where ${couponRedemptions.releasedAt} is not null))::int`,
      buyers: sql<number>`(count(distinct ${couponRedemptions.userId}) filter (where ${couponRedemptions.releasedAt} is null))::int`,
      discount: sql<string>`coalesce(sum(${couponRedemptions.discount}) filter (where ${couponRedemptions.releasedAt} is null), 0)::text`,
    })
    .from(couponRedemptions)
    .where(eq(couponRedemptions.couponId, id));
  return {
    couponId: id,
    code: coupon.code,
    orders: row.orders,
    released: row.released,
    buyers: row.buyers,
    discountGiven: fromMinor(toMinor(row.discount)),
    usageLimit: coupon.usageLimit,
  };
}

// ---------- batches ----------

const BATCH_CHUNK = 1000;

export interface CreatedBatch {
  batch: CouponBatch;
  codes: string[];
}

/** N single-use codes sharing one set of rules, each from the cryptographic random source. */
export async function createCouponBatch(
  scope: TxScope,
  staffId: number,
  input: CouponBatchInput,
): Promise<CreatedBatch> {
  const { tx, now } = scope;
  const { count: wanted, name = '', prefix = '', ...settings } = input;
  const template = await resolve(tx, null, { ...settings, usage_limit: 1, per_buyer_limit: 1 }, now);
  const [batch] = await tx
    .insert(couponBatches)
    .values({
      name: name.trim(),
      prefix: prefix.toUpperCase(),
      count: wanted,
      createdBy: staffId,
      createdAt: now,
    })
    .returning();
  const codes: string[] = [];
  // A collision of 60 random bits is next to impossible; were one to happen, the row is skipped
  // at the unique index and another code is drawn.
  while (codes.length < wanted) {
    const size = Math.min(BATCH_CHUNK, wanted - codes.length);
    const rows = Array.from({ length: size }, () => ({
      ...template,
      code: generateCode(batch.prefix),
      batchId: batch.id,
      createdBy: staffId,
      createdAt: now,
    }));
    const inserted = await tx
      .insert(coupons)
      .values(rows)
      .onConflictDoNothing({ target: coupons.code })
      .returning({ code: coupons.code });
    codes.push(...inserted.map((row) => row.code));
  }
  await recordAudit(tx, {
    actorId: staffId,
    kind: 'coupon.batch_created',
    objectType: 'coupon_batch',
    objectId: batch.id,
    after: {
      name: batch.name,
      prefix: batch.prefix,
      count: batch.count,
      ...JSON.parse(JSON.stringify(settings)),
    },
    at: now,
  });
  return { batch, codes };
}

export interface BatchSummary extends CouponBatch {
  used: number;
}

export async function getCouponBatch(db: Queryable, id: number): Promise<BatchSummary> {
  const [batch] = await db.select().from(couponBatches).where(eq(couponBatches.id, id));
  if (!batch)
    throw notFound('coupon_batch_not_found', { ru: 'Пакет купонов не найден', en: 'Coupon batch not found' });
  const [row] = await db
    .select({ used: count() })
    .from(coupons)
    .where(and(eq(coupons.batchId, id), sql`${coupons.usedCount} > 0`));
  return { ...batch, used: row.used };
}

/** The batch's codes as CSV (RFC 4180), one row per code, in the order they were made. */
export async function couponBatchCsv(db: Queryable, id: number): Promise<string> {
  await getCouponBatch(db, id);
  const rows = await db.select().from(coupons).where(eq(coupons.batchId, id)).orderBy(coupons.id);
  const head = [
    'code',
    'discount_kind',
    'discount_value',
    'scope',
    'starts_at',
    'ends_at',
    'min_order_amount',
    'used',
  ];
  const lines = rows.map((c) => [
    c.code,
    c.discountKind,
    fromMinor(toMinor(c.discountValue)),
    c.scope,
    c.startsAt.toISOString(),
    c.endsAt?.toISOString() ?? '',
    c.minOrderAmount === null ? '' : fromMinor(toMinor(c.minOrderAmount)),
    c.usedCount > 0 ? 'yes' : 'no',
  ]);
  return csvDocument([head, ...lines]);
}

// ---------- the buyer's side ----------

/** The enabled coupon with this code (as typed), or 422 coupon_not_found. */
export async function findCouponByCode(db: Queryable, typed: string): Promise<Coupon> {
  const code = normalizeCode(typed);
  if (!isValidCode(code)) throw couponNotFound(code);
  const [row] = await db
    .select()
    .from(coupons)
    .where(and(eq(coupons.code, code), eq(coupons.enabled, true)));
  if (!row) throw couponNotFound(code);
  return row;
}

/** Redemptions of this coupon by this buyer that still stand. */
export async function redemptionsBy(db: Queryable, couponId: number, userId: number): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(couponRedemptions)
    .where(
      and(
        eq(couponRedemptions.couponId, couponId),
        eq(couponRedemptions.userId, userId),
        isNull(couponRedemptions.releasedAt),
      ),
    );
  return row.n;
}

/**
 * Every rule a coupon must pass for this buyer and an order of `subtotal` (before discounts), in the
 * order a buyer would want to hear about them. Checkout repeats the limits under the coupon's lock.
 */
export async function assertCouponUsable(
  db: Queryable,
  coupon: Coupon,
  userId: number,
  subtotal: bigint,
  now: Date,
): Promise<void> {
  if (now < coupon.startsAt || (coupon.endsAt && now >= coupon.endsAt)) throw couponExpired(coupon, now);
  if (coupon.usageLimit !== null && coupon.usedCount >= coupon.usageLimit) throw couponUsedUp(coupon);
  if (coupon.perBuyerLimit !== null && (await redemptionsBy(db, coupon.id, userId)) >= coupon.perBuyerLimit) {
    throw couponAlreadyUsedByYou(coupon);
  }
  if (coupon.minOrderAmount !== null && subtotal < toMinor(coupon.minOrderAmount)) {
    throw couponMinAmount(coupon, subtotal);
  }
}
