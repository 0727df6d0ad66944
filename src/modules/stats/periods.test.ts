// Rollup pieces cover a span exactly, each one a whole bucket of its grain: months start on the 1st,
// weeks on a Monday, days at midnight (all in the rollup zone, Moscow), hours on the hour.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bucketStartsOf, localMidnight, piecesOf } from './periods.ts';

const HOUR = 3_600_000;
const START = Date.parse('2025-11-20T00:00:00Z');

/** The local date and weekday in Moscow (UTC+3, no daylight saving since 2014). */
const moscow = (t: number) => new Date(t + 3 * HOUR);

describe('piecesOf', () => {
  it('cuts a span into disjoint whole buckets, the coarsest that fit', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 24 * 500 }),
        fc.integer({ min: 0, max: 24 * 400 }),
        (a, length) => {
          const from = START + a * HOUR;
          const to = from + length * HOUR;
          const pieces = piecesOf(new Date(from), new Date(to), 0);
          let t = from;
          for (const piece of pieces) {
            expect(piece.from.getTime()).toBe(t);
            const starts = bucketStartsOf(piece);
            expect(starts[0].getTime()).toBe(t);
            for (const start of starts) {
              const local = moscow(start.getTime());
              if (piece.grain !== 'hour') expect(local.getUTCHours()).toBe(0);
              if (piece.grain === 'week') expect(local.getUTCDay()).toBe(1);
              if (piece.grain === 'month') expect(local.getUTCDate()).toBe(1);
            }
            t = piece.to.getTime();
          }
          expect(t).toBe(pieces.length ? to : from);
          // Day rows only fill in around weeks and months: at most 12 in a row (a run holding no whole week).
          const days = pieces.filter((p) => p.grain === 'day');
          for (const run of days) expect(run.to.getTime() - run.from.getTime()).toBeLessThan(13 * 24 * HOUR);
        },
      ),
    );
  });

  it('reads a year by week as weeks, and a week across a month start as one week row', () => {
    const week = piecesOf(
      localMidnight('2026-01-26', 'Europe/Moscow'),
      localMidnight('2026-02-02', 'Europe/Moscow'),
      0,
    );
    expect(week.map((p) => p.grain)).toEqual(['week']);
    const year = piecesOf(
      localMidnight('2025-12-01', 'Europe/Moscow'),
      localMidnight('2026-12-01', 'Europe/Moscow'),
      0,
    );
    expect(year.map((p) => p.grain)).toEqual(['month']);
  });
});
