// A supplier's delivery terms (kept on its shop): the minimum part it accepts, the ISO weekdays it
// delivers on, the days it needs (lead time) and the local cut-off after which an order counts as
// placed the next day, all in the shop's IANA time zone. The expected delivery date of an order
// placed now is: the shop's local date (the next one when past the cut-off) + the lead time, then
// the first delivery weekday on or after that.
import { sql } from 'drizzle-orm';
import { Type } from 'typebox';
import type { Shop } from '../../db/schema/catalog.ts';
import { AppError, type FieldError } from '../../http/errors.ts';
import { addDays, isoWeekday, isTimeZone, zonedParts } from '../../lib/local-time.ts';
import { normalizeMoney } from '../../lib/money.ts';

export const DEFAULT_TIME_ZONE = 'Europe/Moscow';

export interface DeliveryTerms {
  /** Null: no minimum. Compared with a supplier part's subtotal (before discounts). */
  minOrderAmount: string | null;
  /** ISO weekdays (1 = Monday … 7 = Sunday), ascending. */
  deliveryDays: number[];
  leadTimeDays: number;
  /** "HH:MM" in `timeZone`; null: no cut-off. */
  orderCutoff: string | null;
  timeZone: string;
}

export function termsOf(
  shop: Pick<Shop, 'minOrderAmount' | 'deliveryDays' | 'leadTimeDays' | 'orderCutoff' | 'timeZone'>,
): DeliveryTerms {
  return {
    minOrderAmount: shop.minOrderAmount === null ? null : normalizeMoney(shop.minOrderAmount),
    deliveryDays: [...shop.deliveryDays].sort((a, b) => a - b),
    leadTimeDays: shop.leadTimeDays,
    orderCutoff: shop.orderCutoff,
    timeZone: shop.timeZone,
  };
}

/** The shop's local date ("YYYY-MM-DD") on which an order placed at `now` is expected. */
export function expectedDeliveryDate(terms: DeliveryTerms, now: Date): string {
  const local = zonedParts(now, terms.timeZone);
  const placedOn =
    terms.orderCutoff !== null && local.time >= terms.orderCutoff ? addDays(local.date, 1) : local.date;
  let day = addDays(placedOn, terms.leadTimeDays);
  // Delivery days are never empty (a check constraint), so a week always finds one.
  for (let step = 0; step < 7 && !terms.deliveryDays.includes(isoWeekday(day)); step += 1)
    day = addDays(day, 1);
  return day;
}

// ---- API shapes ----

const CUTOFF_PATTERN = '^([01][0-9]|2[0-3]):[0-5][0-9]$';

export const DeliveryTermsSchema = Type.Object(
  {
    min_order_amount: Type.Union([Type.String(), Type.Null()], {
      description: 'The smallest supplier part (subtotal before discounts) accepted; null: none',
    }),
    delivery_days: Type.Array(Type.Integer({ minimum: 1, maximum: 7 }), {
      description: 'ISO weekdays the supplier delivers on (1 = Monday … 7 = Sunday)',
    }),
    lead_time_days: Type.Integer({ minimum: 0 }),
    order_cutoff: Type.Union([Type.String(), Type.Null()], {
      description: '"HH:MM" in time_zone: an order after it counts as placed the next day; null: none',
    }),
    time_zone: Type.String({ description: 'IANA time zone name', examples: [DEFAULT_TIME_ZONE] }),
  },
  { description: 'The supplier’s delivery terms' },
);

/** The members of a shop patch body that change its terms. */
export const deliveryTermsPatchProperties = {
  min_order_amount: Type.Optional(
    Type.Union([
      Type.String({ pattern: '^\\d{1,12}(\\.\\d{1,2})?$', examples: ['5000', '5000.00'] }),
      Type.Null(),
    ]),
  ),
  delivery_days: Type.Optional(
    Type.Array(Type.Integer({ minimum: 1, maximum: 7 }), { minItems: 1, maxItems: 7, uniqueItems: true }),
  ),
  lead_time_days: Type.Optional(Type.Integer({ minimum: 0, maximum: 365 })),
  order_cutoff: Type.Optional(
    Type.Union([Type.String({ pattern: CUTOFF_PATTERN, examples: ['14:00'] }), Type.Null()]),
  ),
  time_zone: Type.Optional(Type.String({ minLength: 1, maxLength: 64, examples: [DEFAULT_TIME_ZONE] })),
};

export interface DeliveryTermsPatch {
  minOrderAmount?: string | null;
  deliveryDays?: number[];
  leadTimeDays?: number;
  orderCutoff?: string | null;
  timeZone?: string;
}

/** The terms members of a patch body, checked (an unknown time zone is a 400 naming the field). */
export function deliveryTermsPatch(body: {
  min_order_amount?: string | null;
  delivery_days?: number[];
  lead_time_days?: number;
  order_cutoff?: string | null;
  time_zone?: string;
}): DeliveryTermsPatch {
  const errors: FieldError[] = [];
  const patch: DeliveryTermsPatch = {};
  if (body.min_order_amount !== undefined) {
    patch.minOrderAmount = body.min_order_amount === null ? null : normalizeMoney(body.min_order_amount);
  }
  if (body.delivery_days !== undefined)
    patch.deliveryDays = [...new Set(body.delivery_days)].sort((a, b) => a - b);
  if (body.lead_time_days !== undefined) patch.leadTimeDays = body.lead_time_days;
  if (body.order_cutoff !== undefined) patch.orderCutoff = body.order_cutoff;
  if (body.time_zone !== undefined) {
    if (!isTimeZone(body.time_zone)) {
      errors.push({
        field: 'body.time_zone',
        message: { ru: 'неизвестный часовой пояс (IANA)', en: 'unknown IANA time zone' },
      });
    }
    patch.timeZone = body.time_zone;
  }
  if (errors.length > 0) throw new AppError(400, 'validation_failed', { errors });
  return patch;
}

export function presentTerms(terms: DeliveryTerms) {
  return {
    min_order_amount: terms.minOrderAmount,
    delivery_days: terms.deliveryDays,
    lead_time_days: terms.leadTimeDays,
    order_cutoff: terms.orderCutoff,
    time_zone: terms.timeZone,
  };
}

/** The terms of the shop aliased `alias` as a JSON object in SQL, shaped as DeliveryTermsSchema. */
export function termsJsonSql(alias: string) {
  const s = sql.raw(alias);
  return sql`json_build_object('min_order_amount', ${s}.min_order_amount::text,
    'delivery_days', (select coalesce(json_agg(d order by d), '[]'::json) from unnest(${s}.delivery_days) d),
    'lead_time_days', ${s}.lead_time_days, 'order_cutoff', ${s}.order_cutoff, 'time_zone', ${s}.time_zone)`;
}
