// Stored promotions and coupons as the discount engine reads them, and the checks staff input goes
// through before it is stored.
import { and, gt, inArray, isNull, lte, or, sql } from 'drizzle-orm';
import type { Queryable } from '../../db/client.ts';
import { runPrepared } from '../../db/prepared.ts';
import { categories, products, shops } from '../../db/schema/catalog.ts';
import type { Coupon, DiscountKind, Promotion } from '../../db/schema/promotions.ts';
import type { FieldError } from '../../http/errors.ts';
import { readCursor } from '../../http/paging.ts';
import { fromMinor, toMinor } from '../../lib/money.ts';
import type { CouponRule, PromotionRule, Targets } from './discount-engine.ts';

export type RuleState = 'active' | 'scheduled' | 'ended' | 'disabled';

export function ruleState(
  rule: { enabled: boolean; startsAt: Date; endsAt: Date | null },
  now: Date,
): RuleState {
  if (!rule.enabled) return 'disabled';
  if (now < rule.startsAt) return 'scheduled';
  if (rule.endsAt && now >= rule.endsAt) return 'ended';
  return 'active';
}

/** The SQL condition matching rows in the given state at `now`. */
export function stateCondition(
  table: { enabled: any; startsAt: any; endsAt: any },
  state: RuleState,
  now: Date,
) {
  switch (state) {
    case 'disabled':
      return sql`not ${table.enabled}`;
    case 'scheduled':
      return and(table.enabled, gt(table.startsAt, now));
    case 'ended':
      return and(table.enabled, lte(table.endsAt, now));
    case 'active':
      return and(table.enabled, lte(table.startsAt, now), or(isNull(table.endsAt), gt(table.endsAt, now)));
  }
}

export function promotionRule(row: Promotion): PromotionRule {
  return {
    id: row.id,
    name: row.name,
    enabled: row.enabled,
    startsAt: row.startsAt,
    endsAt: row.endsAt,
    targets: {
      all: row.appliesToAll,
      categoryIds: row.categoryIds,
      productIds: row.productIds,
      shopIds: row.shopIds,
    },
    discount: { kind: row.discountKind, value: toMinor(row.discountValue) },
    minLineQuantity: row.minLineQuantity,
    minOrderAmount: row.minOrderAmount === null ? null : toMinor(row.minOrderAmount),
    priority: row.priority,
  };
}

export function couponRule(row: Coupon): CouponRule {
  return {
    code: row.code,
    startsAt: row.startsAt,
    endsAt: row.endsAt,
    scope: row.scope,
    targets: { all: false, categoryIds: row.categoryIds, productIds: row.productIds, shopIds: row.shopIds },
    discount: { kind: row.discountKind, value: toMinor(row.discountValue) },
    minOrderAmount: row.minOrderAmount === null ? null : toMinor(row.minOrderAmount),
    combinesWithPromotions: row.combinesWithPromotions,
  };
}

/** The promotions in force at `now`, as the engine takes them. */
export async function activePromotions(db: Queryable, now: Date): Promise<PromotionRule[]> {
  return (await pricingRules(db, 0, now)).promotions;
}

interface PromotionJson {
  id: number;
  name: string;
  starts_at: string;
  ends_at: string | null;
  applies_to_all: boolean;
  category_ids: number[];
  product_ids: number[];
  shop_ids: number[];
  discount_kind: DiscountKind;
  discount_value: string;
  min_line_quantity: number;
  min_order_amount: string | null;
  priority: number;
}

/**
 * What every basket view and checkout needs, in one prepared statement (one round trip, planned
 * once per connection): the promotions in force at `now` and the id of the coupon attached to the
 * buyer's basket. Amounts travel as text, never as JSON numbers.
 */
export async function pricingRules(
  db: Queryable,
  userId: number,
  now: Date,
): Promise<{ promotions: PromotionRule[]; attachedCouponId: number | null }> {
  const at = now.toISOString();
  const [row] = await runPrepared<{ promotions: PromotionJson[]; coupon_id: number | null }>(
    db,
    'promotions_pricing_rules',
    sql`
    select
      (select coalesce(json_agg(json_build_object(
         'id', p.id, 'name', p.name, 'starts_at', p.starts_at, 'ends_at', p.ends_at,
         'applies_to_all', p.applies_to_all, 'category_ids', p.category_ids, 'product_ids', p.product_ids,
         'shop_ids', p.shop_ids, 'discount_kind', p.discount_kind, 'discount_value', p.discount_value::text,
         'min_line_quantity', p.min_line_quantity, 'min_order_amount', p.min_order_amount::text,
         'priority', p.priority) order by p.id), '[]'::json)
       from promotions p
       where p.enabled and p.starts_at <= ${at}::timestamptz
         and (p.ends_at is null or p.ends_at > ${at}::timestamptz)) as promotions,
      (select coupon_id from basket_coupons where user_id = ${userId}::int) as coupon_id`,
  );
  return {
    promotions: row.promotions.map((p) => ({
      id: p.id,
      name: p.name,
      enabled: true,
      startsAt: new Date(p.starts_at),
      endsAt: p.ends_at === null ? null : new Date(p.ends_at),
      targets: {
        all: p.applies_to_all,
        categoryIds: p.category_ids,
        productIds: p.product_ids,
        shopIds: p.shop_ids,
      },
      discount: { kind: p.discount_kind, value: toMinor(p.discount_value) },
      minLineQuantity: p.min_line_quantity,
      minOrderAmount: p.min_order_amount === null ? null : toMinor(p.min_order_amount),
      priority: p.priority,
    })),
    attachedCouponId: row.coupon_id,
  };
}

// ---------- input checks ----------

const MAX_AMOUNT = 99_999_999_999_999n;

function message(ru: string, en: string) {
  return { ru, en };
}

/** A decimal amount typed by staff, or a field error: it must not be negative (or zero, if `positive`). */
export function parseAmount(
  value: string,
  field: string,
  errors: FieldError[],
  options: { positive?: boolean } = {},
): string | null {
  let minor: bigint;
  try {
    minor = toMinor(value);
  } catch {
    errors.push({ field, message: message('Неверная сумма', 'Invalid amount') });
    return null;
  }
  if (minor < 0n) {
    errors.push({ field, message: message('Сумма не может быть отрицательной', 'Must not be negative') });
    return null;
  }
  if (options.positive && minor === 0n) {
    errors.push({ field, message: message('Должно быть больше нуля', 'Must be greater than zero') });
    return null;
  }
  if (minor > MAX_AMOUNT) {
    errors.push({ field, message: message('Слишком большая сумма', 'Amount too large') });
    return null;
  }
  return fromMinor(minor);
}

/** A discount: a percent in (0, 100] or a positive amount. */
export function checkDiscount(kind: DiscountKind, value: string, errors: FieldError[]): string | null {
  const parsed = parseAmount(value, 'body.discount_value', errors, { positive: true });
  if (parsed !== null && kind === 'percent' && toMinor(parsed) > 10_000n) {
    errors.push({
      field: 'body.discount_value',
      message: message('Процент не может быть больше 100', 'A percent cannot exceed 100'),
    });
    return null;
  }
  return parsed;
}

export function parseInstant(value: string, field: string, errors: FieldError[]): Date | null {
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) {
    errors.push({ field, message: message('Неверная дата', 'Invalid date') });
    return null;
  }
  return date;
}

export function checkWindow(startsAt: Date, endsAt: Date | null, errors: FieldError[]): void {
  if (endsAt && endsAt <= startsAt) {
    errors.push({
      field: 'body.ends_at',
      message: message('Окончание должно быть позже начала', 'The end must be after the start'),
    });
  }
}

/** Every id of the targets names an existing category, product or shop. */
export async function checkTargetsExist(
  db: Queryable,
  targets: Pick<Targets, 'categoryIds' | 'productIds' | 'shopIds'>,
  errors: FieldError[],
): Promise<void> {
  const lists = [
    { field: 'body.targets.category_ids', ids: targets.categoryIds, table: categories },
    { field: 'body.targets.product_ids', ids: targets.productIds, table: products },
    { field: 'body.targets.shop_ids', ids: targets.shopIds, table: shops },
  ];
  for (const { field, ids, table } of lists) {
    if (ids.length === 0) continue;
    const found = await db
      .select({ id: table.id })
      .from(table)
      .where(inArray(table.id, [...ids]));
    const known = new Set(found.map((row) => row.id));
    const missing = ids.filter((id) => !known.has(id));
    if (missing.length) {
      errors.push({
        field,
        message: message(`Не найдены: ${missing.join(', ')}`, `Not found: ${missing.join(', ')}`),
      });
    }
  }
}

/** Keyset pagination by id, newest first (src/http/paging.ts): the cursor is the last id shown. */
export function decodeIdCursor(value: string, errors: FieldError[]): number | null {
  const id = readCursor(value);
  if (typeof id === 'number' && Number.isInteger(id) && id > 0 && id <= 2_147_483_647) return id;
  errors.push({
    field: 'query.cursor',
    message: message('Неверный курсор страницы', 'Invalid page cursor'),
  });
  return null;
}
