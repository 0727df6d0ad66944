// The v2 shapes of standing orders and their runs.
import { type Static, Type } from 'typebox';
import type { StandingOrder, StandingOrderRun } from '../../db/schema/purchasing.ts';
import { Timestamp } from '../../http/common-schemas.ts';
import { orderNumber } from '../orders/views.ts';
import { SkippedLineSchema } from './purchasing.schemas.ts';

const Id = Type.Integer({ minimum: 1, maximum: 2_147_483_647 });
const Mode = Type.Union([Type.Literal('place'), Type.Literal('prepare')], {
  description: '`place`: place the order; `prepare`: fill the basket and email the buyer a link to confirm',
});
const LocalTime = Type.String({
  pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$',
  examples: ['07:30'],
  description: '"HH:MM" in time_zone',
});
const Weekdays = Type.Array(Type.Integer({ minimum: 1, maximum: 7 }), {
  minItems: 1,
  maxItems: 7,
  uniqueItems: true,
  description: 'ISO weekdays (1 = Monday … 7 = Sunday); or give every_days',
});
const EveryDays = Type.Integer({
  minimum: 1,
  maximum: 365,
  description: 'Every N days from starts_on; or give weekdays',
});
const StartsOn = Type.String({
  format: 'date',
  description: 'Where an every-N-days schedule counts from (default: today)',
});
const TimeZone = Type.String({
  minLength: 1,
  maxLength: 64,
  examples: ['Europe/Moscow'],
  description: 'IANA name (default Europe/Moscow)',
});

export const CreateStandingOrderBody = Type.Object(
  {
    list_id: Id,
    contact_id: Id,
    mode: Mode,
    weekdays: Type.Optional(Weekdays),
    every_days: Type.Optional(EveryDays),
    starts_on: Type.Optional(StartsOn),
    time: LocalTime,
    time_zone: Type.Optional(TimeZone),
  },
  { additionalProperties: false },
);

export const UpdateStandingOrderBody = Type.Object(
  {
    list_id: Type.Optional(Id),
    contact_id: Type.Optional(Id),
    mode: Type.Optional(Mode),
    weekdays: Type.Optional(Weekdays),
    every_days: Type.Optional(EveryDays),
    starts_on: Type.Optional(StartsOn),
    time: Type.Optional(LocalTime),
    time_zone: Type.Optional(TimeZone),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const StandingOrderSchema = Type.Object({
  id: Type.Integer(),
  list_id: Type.Integer(),
  contact_id: Type.Integer(),
  mode: Mode,
  weekdays: Type.Union([Type.Array(Type.Integer()), Type.Null()]),
  every_days: Type.Union([Type.Integer(), Type.Null()]),
  starts_on: Type.String({ format: 'date' }),
  time: Type.String(),
  time_zone: Type.String(),
  paused: Type.Boolean(),
  next_slot_at: Type.Union([Timestamp, Type.Null()], {
    description: 'The next slot to run; null while paused',
  }),
  created_at: Timestamp,
  updated_at: Timestamp,
});

export const StandingOrderIndex = Type.Object({ items: Type.Array(StandingOrderSchema) });

export const RunsQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
    before: Type.Optional(
      Type.String({ format: 'date-time', description: 'Runs with an earlier slot (paging)' }),
    ),
  },
  { additionalProperties: false },
);

export const RunSchema = Type.Object({
  id: Type.Integer(),
  slot: Timestamp,
  status: Type.Union(
    [Type.Literal('placed'), Type.Literal('prepared'), Type.Literal('failed'), Type.Literal('missed')],
    {
      description: '`missed`: the service was down longer than the grace period at this slot; not run',
    },
  ),
  order_id: Type.Union([Type.Integer(), Type.Null()]),
  order_number: Type.Union([Type.String(), Type.Null()]),
  basket_id: Type.Union([Type.Integer(), Type.Null()], { description: 'The basket filled (mode prepare)' }),
  skipped: Type.Array(SkippedLineSchema),
  errors: Type.Array(Type.Object({ code: Type.String(), message: Type.String() })),
  ran_at: Timestamp,
});

export const RunPage = Type.Object({ items: Type.Array(RunSchema) });

export function presentStandingOrder(row: StandingOrder): Static<typeof StandingOrderSchema> {
  return {
    id: row.id,
    list_id: row.listId,
    contact_id: row.contactId,
    mode: row.mode,
    weekdays: row.weekdays,
    every_days: row.everyDays,
    starts_on: row.startsOn,
    time: row.localTime,
    time_zone: row.timeZone,
    paused: row.paused,
    next_slot_at: row.paused ? null : row.nextSlotAt.toISOString(),
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}

export function presentRun(run: StandingOrderRun): Static<typeof RunSchema> {
  return {
    id: run.id,
    slot: run.slot.toISOString(),
    status: run.status,
    order_id: run.orderId,
    order_number: run.orderId === null ? null : orderNumber(run.orderId),
    basket_id: run.basketId,
    skipped: run.skipped.map((line) => ({
      product_id: line.productId,
      product_name: line.productName,
      quantity: line.quantity,
      reason: line.reason,
    })),
    errors: run.errors,
    ran_at: run.ranAt.toISOString(),
  };
}
