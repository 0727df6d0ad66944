// Staff's home page: a few figures, each the size of a list the console links to, so a figure and
// its list always agree (the filters are named in the route's description).
import type { Runtime } from '../../runtime.ts';
import { countFailedImportsSince } from '../catalog/import.service.ts';
import { countShopsNotAcceptingOrders } from '../catalog/shops.service.ts';
import { countOrdersAwaitingConfirmation, ordersSince } from '../orders/admin-orders.service.ts';

/** Business days are Moscow days. */
export const BUSINESS_TIME_ZONE = 'Europe/Moscow';

/** The instant the day of `now` began in `timeZone`. */
export function startOfDay(now: Date, timeZone: string): Date {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    })
      .formatToParts(now)
      .map((part) => [part.type, part.value]),
  );
  // The zone's offset at `now`: its wall clock read as UTC, minus the instant itself.
  const wall = Date.UTC(
    Number(parts.year),
    Number(parts.month) - 1,
    Number(parts.day),
    Number(parts.hour),
    Number(parts.minute),
    Number(parts.second),
  );
  const offsetMs = wall - Math.floor(now.getTime() / 1000) * 1000;
  return new Date(Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day)) - offsetMs);
}

export interface Dashboard {
  ordersAwaitingConfirmation: number;
  ordersToday: number;
  revenueToday: string;
  failedImports24h: number;
  shopsNotAcceptingOrders: number;
  todayStartsAt: Date;
  failedImportsSince: Date;
}

export async function dashboard(runtime: Runtime): Promise<Dashboard> {
  const now = runtime.clock.now();
  const todayStartsAt = startOfDay(now, BUSINESS_TIME_ZONE);
  const failedImportsSince = new Date(now.getTime() - 86_400_000);
  const [awaiting, today, failed, closed] = await Promise.all([
    countOrdersAwaitingConfirmation(runtime.db),
    ordersSince(runtime.db, todayStartsAt),
    countFailedImportsSince(runtime, failedImportsSince),
    countShopsNotAcceptingOrders(runtime.db),
  ]);
  return {
    ordersAwaitingConfirmation: awaiting,
    ordersToday: today.count,
    revenueToday: today.revenue,
    failedImports24h: failed,
    shopsNotAcceptingOrders: closed,
    todayStartsAt,
    failedImportsSince,
  };
}
