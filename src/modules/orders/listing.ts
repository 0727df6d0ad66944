// Keyset pagination of order lists, newest first, on (created_at, id), through the one paging
// helper (src/http/paging.ts). Order timestamps are written by the services from the clock
// (millisecond precision), so a cursor round-trips them exactly.
import { type SQL, sql } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import { validationError } from '../../http/errors.ts';
import { readCursor } from '../../http/paging.ts';

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
  /** Orders having a line of this category as sold (the category statistics count it in). */
  categoryId?: number;
  /** Orders having a line of this product. */
  productId?: number;
}

/** An order list's cursor: `[created_at ISO, id]` of the last order shown. */
export function orderCursor(row: Cursor): [string, number] {
  return [row.createdAt.toISOString(), row.id];
}

export function decodeCursor(value: string): Cursor {
  const parsed = readCursor(value);
  if (Array.isArray(parsed)) {
    const [at, id] = parsed as [unknown, unknown];
    const createdAt = new Date(String(at));
    if (
      typeof at === 'string' &&
      Number.isInteger(id) &&
      (id as number) > 0 &&
      !Number.isNaN(createdAt.getTime())
    ) {
      return { createdAt, id: id as number };
    }
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

/**
 * Orders having a line of the category (as it was when sold, the one statistics count the line in)
 * and/or of the product; with `shopId`, a line of that shop. None when neither filter is given.
 * Lines are reached through the order (`order_lines_order_idx`), so the cost follows the orders the
 * other conditions leave, not the catalog.
 */
export function lineConditions(
  orderId: AnyPgColumn,
  filters: { categoryId?: number; productId?: number; shopId?: number },
): SQL[] {
  if (filters.categoryId === undefined && filters.productId === undefined) return [];
  const parts: SQL[] = [sql`l.order_id = ${orderId}`];
  if (filters.productId !== undefined) parts.push(sql`l.product_id = ${filters.productId}`);
  if (filters.shopId !== undefined) parts.push(sql`l.shop_id = ${filters.shopId}`);
  if (filters.categoryId !== undefined) {
    parts.push(
      sql`exists (select 1 from stats_line_categories c where c.line_id = l.id and c.category_id = ${filters.categoryId})`,
    );
  }
  return [sql`exists (select 1 from order_lines l where ${sql.join(parts, sql` and `)})`];
}
