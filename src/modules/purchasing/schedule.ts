// When a standing order's slots are: on ISO `weekdays` at `localTime`, or every `everyDays` days
// counted from `startsOn`, at `localTime` — wall-clock time in `timeZone`, so 07:30 stays 07:30
// across DST changes. Slots are instants; the service keeps the next one on the row.
import { addDays, daysBetween, isoWeekday, zonedParts, zonedToInstant } from '../../lib/local-time.ts';

export interface Schedule {
  weekdays: number[] | null;
  everyDays: number | null;
  startsOn: string;
  localTime: string;
  timeZone: string;
}

/** The first slot strictly after `after`. */
export function nextSlotAfter(schedule: Schedule, after: Date): Date {
  const today = zonedParts(after, schedule.timeZone).date;
  if (schedule.weekdays) {
    for (let step = 0; step <= 8; step += 1) {
      const day = addDays(today, step);
      if (!schedule.weekdays.includes(isoWeekday(day))) continue;
      const slot = zonedToInstant(day, schedule.localTime, schedule.timeZone);
      if (slot > after) return slot;
    }
    throw new Error('a weekly schedule without weekdays');
  }
  const every = schedule.everyDays!;
  const since = daysBetween(schedule.startsOn, today);
  let day = since <= 0 ? schedule.startsOn : addDays(schedule.startsOn, Math.floor(since / every) * every);
  for (;;) {
    const slot = zonedToInstant(day, schedule.localTime, schedule.timeZone);
    if (slot > after) return slot;
    day = addDays(day, every);
  }
}
