// Schemas shared by every route: the problem document, ids, pagination, money.
import { type TSchema, Type } from 'typebox';

export const FieldErrorSchema = Type.Object({
  field: Type.String({ description: 'Dotted path of the offending input field, e.g. `body.email`' }),
  message: Type.String(),
});

export const ProblemSchema = Type.Object(
  {
    type: Type.String({ description: 'A URI naming the problem type: `about:blank` or /problems/<code>' }),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.Optional(Type.String()),
    code: Type.String({ description: 'Stable snake_case code; clients branch on this' }),
    instance: Type.Optional(Type.String()),
    request_id: Type.Optional(Type.String()),
    errors: Type.Optional(Type.Array(FieldErrorSchema)),
  },
  { additionalProperties: true, $id: 'Problem', title: 'Problem (RFC 9457)' },
);

/** The error answers a route may give, all as problem documents. */
export function problemResponses(...statuses: number[]): Record<number, TSchema> {
  return Object.fromEntries(statuses.map((status) => [status, Type.Ref('Problem')]));
}

export const IdParams = Type.Object({ id: Type.Integer({ minimum: 1, maximum: 2_147_483_647 }) });

export const LimitQuery = Type.Integer({ minimum: 1, maximum: 200, default: 50 });
export const CursorQuery = Type.String({ maxLength: 500, description: 'Opaque cursor from `next_cursor`' });

export function Page<T extends TSchema>(item: T) {
  return Type.Object({
    items: Type.Array(item),
    next_cursor: Type.Union([Type.String(), Type.Null()], {
      description: 'Pass as `cursor` for the next page',
    }),
  });
}

/** An exact amount as a decimal string with two places, e.g. "64000.50". */
export const Money = Type.String({ pattern: '^-?\\d+\\.\\d{2}$', examples: ['64000.50'] });

export const Timestamp = Type.String({ format: 'date-time' });
