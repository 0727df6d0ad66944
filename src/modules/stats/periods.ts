// Periods of the statistics: local dates in an IANA time zone, cut into day/week/month buckets, each
// bucket turned into UTC instants and then into the coarsest rollup pieces that fit exactly (UTC months,
// days, hours). Rollups are kept per UTC hour at the finest, so a time zone whose offset is a whole
// number of hours (every Russian zone; most of the world) is served exactly; a zone at a boundary off
// the hour (India +5:30, Nepal +5:45…) is refused rather than answered approximately.
import { validationError } from '../../http/errors.ts';

export type Interval = 'day' | 'week' | 'month';

export interface Bucket {
  /** First local date in the bucket (clipped to the period). */
  start: string;
  /** Last local date in the bucket, inclusive (clipped to the period). */
  end: string;
  /** UTC instants of the bucket's local boundaries: [from, to). */
  from: Date;
  to: Date;
}

export interface Period {
  from: string;
  to: string;
  buckets: Bucket[];
}

export interface Piece {
  grain: 'hour' | 'day' | 'week' | 'month';
  from: Date;
  to: Date;
  /** Index of the bucket the piece belongs to. */
  bucket: number;
}

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
/** The longest period one request may ask for. */
export const MAX_PERIOD_DAYS = 732;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** Whether `timeZone` is an IANA zone this runtime knows. */
export function isTimeZone(timeZone: string): boolean {
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** Per zone, offsets by minute (a number key: a year by week asks for a few thousand per answer). */
const offsets = new Map<string, Map<number, number>>();

/** The zone's offset from UTC at `instant`, in milliseconds (remembered per zone and minute). */
function offsetAt(timeZone: string, instant: number): number {
  let zone = offsets.get(timeZone);
  if (zone === undefined) {
    zone = new Map();
    offsets.set(timeZone, zone);
  }
  const minute = Math.floor(instant / 60_000);
  let offset = zone.get(minute);
  if (offset === undefined) {
    if (zone.size > 200_000) zone.clear();
    offset = computeOffset(timeZone, instant);
    zone.set(minute, offset);
  }
  return offset;
}

function computeOffset(timeZone: string, instant: number): number {
  const parts: Record<string, number> = {};
  for (const part of formatter(timeZone).formatToParts(new Date(instant))) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  const asUtc = Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second);
  return asUtc - Math.floor(instant / 1000) * 1000;
}

/** The UTC instant of local midnight starting `date` (YYYY-MM-DD) in `timeZone`. */
export function localMidnight(date: string, timeZone: string): Date {
  const wall = Date.parse(`${date}T00:00:00Z`);
  let guess = wall - offsetAt(timeZone, wall);
  const corrected = wall - offsetAt(timeZone, guess);
  if (corrected !== guess) guess = corrected;
  return new Date(guess);
}

export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
}

function bucketStart(date: string, interval: Interval): string {
  if (interval === 'day') return date;
  if (interval === 'month') return `${date.slice(0, 7)}-01`;
  const weekday = new Date(`${date}T00:00:00Z`).getUTCDay(); // 0 = Sunday; weeks start on Monday
  return addDays(date, -((weekday + 6) % 7));
}

function nextBucketStart(start: string, interval: Interval): string {
  if (interval === 'day') return addDays(start, 1);
  if (interval === 'week') return addDays(start, 7);
  const d = new Date(`${start}T00:00:00Z`);
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1)).toISOString().slice(0, 10);
}

/** The buckets of [from, to] (local dates, inclusive); refuses zones whose boundaries are off the hour. */
export function periodBuckets(from: string, to: string, interval: Interval, timeZone: string): Period {
  const buckets: Bucket[] = [];
  let start = from;
  while (start <= to) {
    const next = nextBucketStart(bucketStart(start, interval), interval);
    const end = next <= to ? addDays(next, -1) : to;
    buckets.push({
      start,
      end,
      from: localMidnight(start, timeZone),
      to: localMidnight(addDays(end, 1), timeZone),
    });
    start = next;
  }
  for (const bucket of buckets) {
    if (bucket.from.getTime() % HOUR_MS !== 0 || bucket.to.getTime() % HOUR_MS !== 0) {
      throw validationError([
        {
          field: 'query.time_zone',
          message: {
            ru: 'Часовой пояс со смещением не в целых часах не поддерживается',
            en: 'Time zones whose offset is not a whole number of hours are not supported',
          },
        },
      ]);
    }
  }
  return { from, to, buckets };
}

/**
 * The period before [from, to] of equal length: the same number of whole months when the period is
 * whole months by month, else the same number of days.
 */
export function previousPeriod(from: string, to: string, interval: Interval): { from: string; to: string } {
  const wholeMonths =
    interval === 'month' &&
    from.endsWith('-01') &&
    nextBucketStart(`${to.slice(0, 8)}01`, 'month') === addDays(to, 1);
  if (wholeMonths) {
    const months =
      (Number(to.slice(0, 4)) - Number(from.slice(0, 4))) * 12 +
      Number(to.slice(5, 7)) -
      Number(from.slice(5, 7)) +
      1;
    const start = new Date(Date.UTC(Number(from.slice(0, 4)), Number(from.slice(5, 7)) - 1 - months, 1));
    return { from: start.toISOString().slice(0, 10), to: addDays(from, -1) };
  }
  const days = daysBetween(from, to) + 1;
  return { from: addDays(from, -days), to: addDays(from, -1) };
}

/**
 * The zone of the rollups' day and month rows (their buckets start at its midnights): the zone almost
 * every question is asked in, so its days and months are read from day and month rows; another zone
 * with whole-hour offsets is read exactly from hour rows at the edges. Changing it needs a rebuild.
 */
export const ROLLUP_TIME_ZONE = 'Europe/Moscow';

function localDate(t: number, timeZone: string): string {
  return new Date(t + offsetAt(timeZone, t)).toISOString().slice(0, 10);
}

function dayStart(t: number): number {
  return localMidnight(localDate(t, ROLLUP_TIME_ZONE), ROLLUP_TIME_ZONE).getTime();
}

function nextDayStart(t: number): number {
  return localMidnight(addDays(localDate(t, ROLLUP_TIME_ZONE), 1), ROLLUP_TIME_ZONE).getTime();
}

function isMonthStart(t: number): boolean {
  return dayStart(t) === t && localDate(t, ROLLUP_TIME_ZONE).endsWith('-01');
}

function isWeekStart(t: number): boolean {
  return dayStart(t) === t && new Date(`${localDate(t, ROLLUP_TIME_ZONE)}T00:00:00Z`).getUTCDay() === 1;
}

function nextWeekStart(t: number): number {
  return localMidnight(addDays(localDate(t, ROLLUP_TIME_ZONE), 7), ROLLUP_TIME_ZONE).getTime();
}

function nextMonthStart(t: number): number {
  return localMidnight(
    nextBucketStart(`${localDate(t, ROLLUP_TIME_ZONE).slice(0, 8)}01`, 'month'),
    ROLLUP_TIME_ZONE,
  ).getTime();
}

/**
 * [from, to) (whole hours) as disjoint rollup pieces: hours up to the first midnight of the rollup
 * zone, days up to the first month start, whole months, then days and hours to the end; each run of
 * days holding a whole ISO week (Monday first) is read as days to its first Monday, weeks, days.
 */
export function piecesOf(from: Date, to: Date, bucket: number): Piece[] {
  const pieces: Piece[] = [];
  const push = (grain: Piece['grain'], a: number, b: number) => {
    if (b > a) pieces.push({ grain, from: new Date(a), to: new Date(b), bucket });
  };
  // Midnight to midnight: days to the first Monday, whole weeks, days.
  const pushDays = (a: number, b: number) => {
    let weekRunStart = a;
    while (weekRunStart < b && !isWeekStart(weekRunStart)) weekRunStart = nextDayStart(weekRunStart);
    let weekRunEnd = weekRunStart;
    while (weekRunEnd < b && nextWeekStart(weekRunEnd) <= b) weekRunEnd = nextWeekStart(weekRunEnd);
    if (weekRunEnd === weekRunStart) {
      push('day', a, b);
      return;
    }
    push('day', a, weekRunStart);
    push('week', weekRunStart, weekRunEnd);
    push('day', weekRunEnd, b);
  };
  const end = to.getTime();
  let t = from.getTime();
  const firstMidnight = Math.min(dayStart(t) === t ? t : nextDayStart(t), end);
  push('hour', t, firstMidnight);
  t = firstMidnight;
  const lastMidnight = Math.max(dayStart(end), t);
  // Days until a month starts (or the days run out).
  let dayRunEnd = t;
  while (dayRunEnd < lastMidnight && !isMonthStart(dayRunEnd)) dayRunEnd = nextDayStart(dayRunEnd);
  let monthRunEnd = dayRunEnd;
  while (isMonthStart(monthRunEnd) && nextMonthStart(monthRunEnd) <= lastMidnight) {
    monthRunEnd = nextMonthStart(monthRunEnd);
  }
  if (monthRunEnd === dayRunEnd) {
    // No whole month: one run of days (weeks may straddle a month's start).
    pushDays(t, lastMidnight);
  } else {
    pushDays(t, dayRunEnd);
    push('month', dayRunEnd, monthRunEnd);
    pushDays(monthRunEnd, lastMidnight);
  }
  push('hour', Math.max(lastMidnight, t), end);
  return pieces;
}

/** The starts of the rollup buckets a piece covers (months, weeks, days or hours), in order. */
export function bucketStartsOf(piece: Piece): Date[] {
  const starts: Date[] = [];
  const end = piece.to.getTime();
  const next =
    piece.grain === 'month'
      ? nextMonthStart
      : piece.grain === 'week'
        ? nextWeekStart
        : piece.grain === 'day'
          ? nextDayStart
          : (t: number) => t + HOUR_MS;
  for (let t = piece.from.getTime(); t < end; t = next(t)) starts.push(new Date(t));
  return starts;
}

export interface Span {
  grain: Piece['grain'];
  from: Date;
  to: Date;
}

/**
 * The pieces' rows as few ranges as possible: per grain, pieces that touch merged into one range (a
 * year by week: one range of week rows and one of days, not every day row between the first piece
 * and the last). A row of a grain lies in one of its grain's pieces exactly when it lies in a range.
 */
export function spansOf(pieces: readonly Piece[]): Span[] {
  const spans: Span[] = [];
  const sorted = [...pieces].sort((a, b) =>
    a.grain === b.grain ? a.from.getTime() - b.from.getTime() : a.grain < b.grain ? -1 : 1,
  );
  for (const piece of sorted) {
    const last = spans[spans.length - 1];
    if (last && last.grain === piece.grain && last.to.getTime() >= piece.from.getTime()) {
      if (piece.to.getTime() > last.to.getTime()) last.to = piece.to;
    } else {
      spans.push({ grain: piece.grain, from: piece.from, to: piece.to });
    }
  }
  return spans;
}
