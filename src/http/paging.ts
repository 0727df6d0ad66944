// Keyset pagination, one way for every paged list: the list asks the database for one row more
// than the page (`peekLimit`), `pageOf` cuts that row off and makes the next cursor from the last
// row shown. A cursor is its values as JSON in base64url: opaque to clients, stable while data
// changes (it names a position in the sort order, not an offset).
//
// A list checks its own cursor's shape when it decodes it: `readCursor` answers the JSON, or
// undefined for a string that is not a cursor at all. Catalog lists tag their cursors with their
// kind (`kindCursor`), so a cursor of one list is refused by another.
import { AppError } from './errors.ts';

/** A page of rows and the cursor of the next one (null on the last page). */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** Rows to ask the database for: one more than the page shows, to learn whether another follows. */
export function peekLimit(limit: number): number {
  return limit + 1;
}

/** The page out of `peekLimit(limit)` rows, its next cursor made of the last row shown. */
export function pageOf<R>(rows: R[], limit: number, cursorOf: (last: R) => unknown): Page<R> {
  if (rows.length <= limit) return { items: rows, nextCursor: null };
  const items = rows.slice(0, limit);
  return { items, nextCursor: encodeCursor(cursorOf(items[items.length - 1])) };
}

/** A cursor: the values as JSON, base64url. */
export function encodeCursor(values: unknown): string {
  return Buffer.from(JSON.stringify(values)).toString('base64url');
}

/** A cursor's JSON, or undefined when the string is not a cursor. The caller checks the shape. */
export function readCursor(cursor: string): unknown {
  try {
    return JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
}

export function invalidCursor(): AppError {
  return new AppError(400, 'invalid_cursor', {
    detail: { ru: 'Неверный курсор страницы', en: 'Invalid page cursor' },
  });
}

/** The cursor of a kind-tagged list: `[kind, ...values]`. */
export function kindCursor(kind: string, values: (string | number)[]): [string, ...(string | number)[]] {
  return [kind, ...values];
}

/**
 * A kind-tagged cursor's values: `size` of them and up to `optional` more, each a string or a safe
 * integer; anything else is `400 invalid_cursor`.
 */
export function decodeKindCursor(
  cursor: string,
  kind: string,
  size: number,
  optional = 0,
): (string | number)[] {
  const parsed = readCursor(cursor);
  if (
    !Array.isArray(parsed) ||
    parsed[0] !== kind ||
    parsed.length < size + 1 ||
    parsed.length > size + 1 + optional
  ) {
    throw invalidCursor();
  }
  const values = parsed.slice(1);
  if (!values.every((v) => typeof v === 'string' || (typeof v === 'number' && Number.isSafeInteger(v)))) {
    throw invalidCursor();
  }
  return values as (string | number)[];
}

/** The id of a kind-tagged id cursor (`[kind, id]`), or undefined without a cursor. */
export function decodeIdCursor(cursor: string | undefined, kind: string): number | undefined {
  return cursor === undefined ? undefined : Number(decodeKindCursor(cursor, kind, 1)[0]);
}

/** The page with each row mapped. */
export function mapPage<R, T>(page: Page<R>, map: (row: R) => T): Page<T> {
  return { items: page.items.map(map), nextCursor: page.nextCursor };
}

/** A page as the v2 API answers it: `{ items, next_cursor }`. */
export function pageJson<T>(page: Page<T>): { items: T[]; next_cursor: string | null } {
  return { items: page.items, next_cursor: page.nextCursor };
}
