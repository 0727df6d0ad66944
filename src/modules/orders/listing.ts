// Keyset pagination of order lists, newest first, on (created_at, id). Order timestamps are written
// by the services from the clock (millisecond precision), so a cursor round-trips them exactly.
import { type SQL, sql } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import { validationError } from '../../http/errors.ts';

export interface Cursor {
  createdAt: Date;
  id: number;
}

export interface ListFilters {
  limit: number;
  cursor?: string;
  /** Inclusive. */
  createdFrom?: Date;
  /** Exclusive. */
  createdBefore?: Date;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify([cursor.createdAt.toISOString(), cursor.id])).toString('base64url');
}

export function decodeCursor(value: string): Cursor {
  try {
    const [at, id] = JSON.parse(Buffer.from(value, 'base64url').toString('utf8')) as [unknown, unknown];
    const createdAt = new Date(String(at));
    if (
      typeof at === 'string' &&
      Number.isInteger(id) &&
      (id as number) > 0 &&
      !Number.isNaN(createdAt.getTime())
    ) {
      return { createdAt, id: id as number };
    }
  } catch {
    // fall through
  }
  throw validationError([
    { field: 'query.cursor', message: { ru: 'Неверный курсор страницы', en: 'Invalid page cursor' } },
  ]);
}

/** A date (whole UTC day) or a date-time, as list filters accept them. */
export function parseDateBound(value: string | undefined, field: string, end: boolean): Date | undefined {
  if (value === undefined) return undefined;
  const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(value);
  const parsed = new Date(dateOnly ? `${value}T00:00:00.000Z` : value);
  if (Number.isNaN(parsed.getTime())) {
    throw validationError([{ field, message: { ru: 'Неверная дата', en: 'Invalid date' } }]);
  }
  if (!end) return parsed;
  // The end bound is inclusive for people: the whole day for a date, the instant for a date-time.
  return new Date(parsed.getTime() + (dateOnly ? 86_400_000 : 1));
}

/** The conditions of one page: date range and "after the cursor", on the given columns. */
export function pageConditions(createdAt: AnyPgColumn, id: AnyPgColumn, filters: ListFilters): SQL[] {
  const conditions: SQL[] = [];
  if (filters.createdFrom)
    conditions.push(sql`${createdAt} >= ${filters.createdFrom.toISOString()}::timestamptz`);
  if (filters.createdBefore)
    conditions.push(sql`${createdAt} < ${filters.createdBefore.toISOString()}::timestamptz`);
  if (filters.cursor) {
    const cursor = decodeCursor(filters.cursor);
    conditions.push(
      sql`(${createdAt}, ${id}) < (${cursor.createdAt.toISOString()}::timestamptz, ${cursor.id})`,
    );
  }
  return conditions;
}

/** Cuts the extra row fetched to learn whether another page exists. */
export function toPage<R, T>(rows: R[], limit: number, key: (row: R) => Cursor, map: (row: R) => T): Page<T> {
  const more = rows.length > limit;
  const shown = more ? rows.slice(0, limit) : rows;
  return {
    items: shown.map(map),
    nextCursor: more ? encodeCursor(key(shown[shown.length - 1])) : null,
  };
}
