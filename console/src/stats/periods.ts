// The period picker's presets as local dates of Moscow (the statistics' default time zone, UTC+3 all
// year since 2014): "today" is Moscow's today whatever the browser's zone, so the page asks the same
// days a person in Moscow means and the drill-down links open exactly those days' orders.

export const PRESETS = [
  'this_week',
  'last_week',
  'this_month',
  'last_month',
  'last_30_days',
  'this_year',
  'custom',
] as const;
export type Preset = (typeof PRESETS)[number];

export const INTERVALS = ['day', 'week', 'month'] as const;
export type Interval = (typeof INTERVALS)[number];

export const TIME_ZONE = 'Europe/Moscow';
/** Moscow's offset, the same every day of the year. */
const OFFSET = '+03:00';
const OFFSET_MS = 3 * 3600 * 1000;

export interface Period {
  from: string;
  to: string;
}

/** A date as YYYY-MM-DD from the UTC fields of `date`. */
function iso(date: Date): string {
  return date.toISOString().slice(0, 10);
}

function utcDate(year: number, month: number, day: number): Date {
  return new Date(Date.UTC(year, month, day));
}

/** Today in Moscow, as a UTC midnight carrying that date. */
export function moscowToday(now: Date = new Date()): Date {
  const shifted = new Date(now.getTime() + OFFSET_MS);
  return utcDate(shifted.getUTCFullYear(), shifted.getUTCMonth(), shifted.getUTCDate());
}

export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return iso(d);
}

/** The dates of a preset (custom has none of its own: the page keeps what was picked). */
export function presetPeriod(preset: Exclude<Preset, 'custom'>, now: Date = new Date()): Period {
  const today = moscowToday(now);
  const y = today.getUTCFullYear();
  const m = today.getUTCMonth();
  // ISO weeks: Monday first (getUTCDay: Sunday 0).
  const monday = addDays(iso(today), -((today.getUTCDay() + 6) % 7));
  switch (preset) {
    case 'this_week':
      return { from: monday, to: iso(today) };
    case 'last_week':
      return { from: addDays(monday, -7), to: addDays(monday, -1) };
    case 'this_month':
      return { from: iso(utcDate(y, m, 1)), to: iso(today) };
    case 'last_month':
      return { from: iso(utcDate(y, m - 1, 1)), to: iso(utcDate(y, m, 0)) };
    case 'last_30_days':
      return { from: addDays(iso(today), -29), to: iso(today) };
    case 'this_year':
      return { from: iso(utcDate(y, 0, 1)), to: iso(today) };
  }
}

/**
 * The order list's filter for the period's days (both included): the first instant of `from` and
 * the last millisecond of `to` in Moscow, so the list holds exactly the orders the figures count.
 */
export function createdBounds(period: Period): { created_from: string; created_to: string } {
  return {
    created_from: `${period.from}T00:00:00${OFFSET}`,
    created_to: `${period.to}T23:59:59.999${OFFSET}`,
  };
}

/** Whole days from `from` to `to`, both included. */
export function daysIn(period: Period): number {
  return (Date.parse(`${period.to}T00:00:00Z`) - Date.parse(`${period.from}T00:00:00Z`)) / 86_400_000 + 1;
}
