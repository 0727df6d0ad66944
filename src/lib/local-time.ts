// Wall-clock time in an IANA time zone, without a date library: what a shop's cut-off or a standing
// order's "every Monday at 07:30" mean. Calendar dates are "YYYY-MM-DD" strings; instants are Dates.

export interface ZonedParts {
  /** "YYYY-MM-DD" in the zone. */
  date: string;
  /** "HH:MM" in the zone. */
  time: string;
  /** 1 = Monday … 7 = Sunday. */
  isoWeekday: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** True when the runtime knows the IANA zone name. */
export function isTimeZone(name: string): boolean {
  if (!name || name.length > 64) return false;
  try {
    formatterFor(name);
    return true;
  } catch {
    return false;
  }
}

function fields(instant: Date, timeZone: string) {
  const out: Record<string, number> = {};
  for (const part of formatterFor(timeZone).formatToParts(instant)) {
    if (part.type !== 'literal') out[part.type] = Number(part.value);
  }
  return out as { year: number; month: number; day: number; hour: number; minute: number; second: number };
}

const pad = (n: number) => String(n).padStart(2, '0');

export function zonedParts(instant: Date, timeZone: string): ZonedParts {
  const f = fields(instant, timeZone);
  const date = `${String(f.year).padStart(4, '0')}-${pad(f.month)}-${pad(f.day)}`;
  return { date, time: `${pad(f.hour)}:${pad(f.minute)}`, isoWeekday: isoWeekday(date) };
}

function dateUtc(date: string): Date {
  return new Date(`${date}T00:00:00Z`);
}

/** The ISO weekday of a calendar date. */
export function isoWeekday(date: string): number {
  const day = dateUtc(date).getUTCDay();
  return day === 0 ? 7 : day;
}

export function addDays(date: string, days: number): string {
  const at = dateUtc(date);
  at.setUTCDate(at.getUTCDate() + days);
  return at.toISOString().slice(0, 10);
}

/** Whole days from `from` to `to` (both calendar dates). */
export function daysBetween(from: string, to: string): number {
  return Math.round((dateUtc(to).getTime() - dateUtc(from).getTime()) / 86_400_000);
}

/** The zone's offset from UTC at an instant, in ms. */
function offsetAt(instant: Date, timeZone: string): number {
  const f = fields(instant, timeZone);
  const asUtc = Date.UTC(f.year, f.month - 1, f.day, f.hour, f.minute, f.second);
  return asUtc - Math.floor(instant.getTime() / 1000) * 1000;
}

/**
 * The instant a wall-clock date and time happen in the zone. A repeated time (clocks going back)
 * maps to its first occurrence; a time skipped by clocks going forward to that time plus the jump.
 */
export function zonedToInstant(date: string, time: string, timeZone: string): Date {
  const [hour, minute] = time.split(':').map(Number);
  const [year, month, day] = date.split('-').map(Number);
  const wall = Date.UTC(year, month - 1, day, hour, minute);
  // The offsets in force a day either side cover both sides of any DST change that day.
  const candidates = [-86_400_000, 0, 86_400_000].map(
    (shift) => wall - offsetAt(new Date(wall + shift), timeZone),
  );
  const real = candidates.filter((at) => {
    const parts = zonedParts(new Date(at), timeZone);
    return parts.time === time && parts.date === date;
  });
  return new Date(real.length > 0 ? Math.min(...real) : Math.max(...candidates));
}
