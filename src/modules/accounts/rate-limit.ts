// Fixed-window throttling kept in PostgreSQL, so every API process sees the same counts. A hit is
// one upsert that returns the new count: concurrent requests cannot slip past the limit together.
// RATE_LIMIT=false turns every limit off.
import { inArray, lt, sql } from 'drizzle-orm';
import { rateLimitCounters } from '../../db/schema/accounts.ts';
import { transaction } from '../../db/transaction.ts';
import { tooManyRequests } from '../../http/errors.ts';
import type { Runtime } from '../../runtime.ts';

export interface Limit {
  max: number;
  windowSeconds: number;
}

export interface LimitedKey {
  key: string;
  limit: Limit;
}

/** The longest window configuration allows; counters older than this are dead. */
const MAX_WINDOW_MS = 86_400_000;

/**
 * Counts one hit against each key. When any key is over its limit, throws 429 with Retry-After
 * (the longest wait among them); the hits still count.
 */
export async function hitLimits(runtime: Runtime, keys: LimitedKey[], code = 'rate_limited'): Promise<void> {
  if (!runtime.config.rateLimit.enabled || keys.length === 0) return;
  const waits = await transaction(runtime, async ({ tx, now }) => {
    const result: number[] = [];
    for (const { key, limit } of keys) {
      const windowStart = new Date(now.getTime() - limit.windowSeconds * 1000);
      // The SET expressions read the row as it was: a window that ended restarts at one hit.
      const expired = sql`${rateLimitCounters.windowStartedAt} <= ${windowStart}`;
      const [row] = await tx
        .insert(rateLimitCounters)
        .values({ key, windowStartedAt: now, hits: 1 })
        .onConflictDoUpdate({
          target: rateLimitCounters.key,
          set: {
            windowStartedAt: sql`case when ${expired} then ${now} else ${rateLimitCounters.windowStartedAt} end`,
            hits: sql`case when ${expired} then 1 else ${rateLimitCounters.hits} + 1 end`,
          },
        })
        .returning({ windowStartedAt: rateLimitCounters.windowStartedAt, hits: rateLimitCounters.hits });
      if (row.hits > limit.max) {
        const endsAt = row.windowStartedAt.getTime() + limit.windowSeconds * 1000;
        result.push((endsAt - now.getTime()) / 1000);
      }
    }
    // Now and then, sweep counters whose window ended long ago (indexed by window start).
    if (Math.random() < 0.01) {
      await tx
        .delete(rateLimitCounters)
        .where(lt(rateLimitCounters.windowStartedAt, new Date(now.getTime() - MAX_WINDOW_MS)));
    }
    return result;
  });
  if (waits.length) throw tooManyRequests(Math.max(...waits), code);
}

/**
 * Undoes counting after the fact: `reset` keys start over, `forgive` keys lose one hit. A login that
 * succeeds clears its account's failures and does not count against its address.
 */
export async function releaseHits(
  runtime: Runtime,
  keys: { reset?: string[]; forgive?: string[] },
): Promise<void> {
  if (!runtime.config.rateLimit.enabled) return;
  await transaction(runtime, async ({ tx }) => {
    if (keys.reset?.length) {
      await tx.delete(rateLimitCounters).where(inArray(rateLimitCounters.key, keys.reset));
    }
    if (keys.forgive?.length) {
      await tx
        .update(rateLimitCounters)
        .set({ hits: sql`greatest(${rateLimitCounters.hits} - 1, 0)` })
        .where(inArray(rateLimitCounters.key, keys.forgive));
    }
  });
}
