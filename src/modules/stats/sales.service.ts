// Sales statistics for staff, a supplier (its own parts) and a buyer (its own spend): figures per
// bucket of the period, per group, and the previous period of equal length. Every figure adds up
// order lines (see figures.ts for what counts); the rollups only make it fast.
import type { Queryable } from '../../db/client.ts';
import type { OrderState } from '../../db/schema/orders.ts';
import type { StatsFamily } from '../../db/schema/stats.ts';
import { validationError } from '../../http/errors.ts';
import {
  addFigures,
  type FigureRow,
  type Figures,
  queryFigures,
  rankValue,
  readsBuyerLines,
  ZERO,
} from './figures.ts';
import { type GroupBy, groupNames } from './names.ts';
import {
  daysBetween,
  type Interval,
  isTimeZone,
  MAX_PERIOD_DAYS,
  type Period,
  type Piece,
  periodBuckets,
  piecesOf,
  previousPeriod,
} from './periods.ts';
import { topGroupsByThreshold } from './ranking.ts';

export type { GroupBy };

export interface SalesQuery {
  from: string;
  to: string;
  timeZone: string;
  interval: Interval;
  groupBy?: GroupBy;
  state?: OrderState;
  shopId?: number;
  buyerId?: number;
  /** Groups to answer, the best-selling first. */
  limit: number;
}

export interface SeriesPoint {
  start: string;
  end: string;
  figures: Figures;
}

export interface SalesGroup {
  id: number;
  name: string | null;
  totals: Figures;
  series: Figures[];
  previous: Figures;
}

export interface SalesReport {
  query: SalesQuery;
  buckets: { start: string; end: string }[];
  totals: Figures;
  series: Figures[];
  groups: SalesGroup[];
  /** Groups with any figure in the period (`groups` holds the first `limit`); null for products, not counted. */
  groupCount: number | null;
  previous: { from: string; to: string; totals: Figures; series: SeriesPoint[] };
}

/** The rollup family that answers a grouping: with a shop filter, the one keyed by shop. */
function familyOf(groupBy: GroupBy | undefined, byShop: boolean): StatsFamily {
  if (groupBy === undefined) return byShop ? 'shop' : 'total';
  if (groupBy === 'shop') return 'shop';
  return byShop ? `shop_${groupBy}` : groupBy;
}

function checkQuery(query: SalesQuery): void {
  const errors = [];
  if (!isTimeZone(query.timeZone)) {
    errors.push({
      field: 'query.time_zone',
      message: { ru: 'Неизвестный часовой пояс', en: 'Unknown time zone' },
    });
  }
  if (query.to < query.from) {
    errors.push({
      field: 'query.to',
      message: { ru: 'Конец периода раньше его начала', en: 'The period ends before it starts' },
    });
  } else if (daysBetween(query.from, query.to) + 1 > MAX_PERIOD_DAYS) {
    errors.push({
      field: 'query.to',
      message: {
        ru: `Период длиннее ${MAX_PERIOD_DAYS} дней`,
        en: `The period is longer than ${MAX_PERIOD_DAYS} days`,
      },
    });
  }
  if (errors.length) throw validationError(errors);
}

function piecesOfPeriod(period: Period, bucketIndex: (i: number) => number): Piece[] {
  return period.buckets.flatMap((bucket, i) => piecesOf(bucket.from, bucket.to, bucketIndex(i)));
}

/** Series of a period from rows keyed by bucket index. */
function seriesOf(rows: readonly FigureRow[], count: number, index: (i: number) => number): Figures[] {
  const byBucket = new Map(rows.map((row) => [row.bucket, row.figures]));
  return Array.from({ length: count }, (_, i) => byBucket.get(index(i)) ?? ZERO);
}

export async function salesReport(db: Queryable, query: SalesQuery): Promise<SalesReport> {
  checkQuery(query);
  const period = periodBuckets(query.from, query.to, query.interval, query.timeZone);
  const before = previousPeriod(query.from, query.to, query.interval);
  const previous = periodBuckets(before.from, before.to, query.interval, query.timeZone);
  const n = period.buckets.length;
  const filters = { shopId: query.shopId, buyerId: query.buyerId, state: query.state };

  // Totals per bucket of both periods: current buckets 0…n−1, previous ones −1, −2, …
  const current = piecesOfPeriod(period, (i) => i);
  const totalsPieces = [...current, ...piecesOfPeriod(previous, (i) => -1 - i)];
  const byShop = query.shopId !== undefined;
  const totalsQuery = queryFigures(db, {
    family: familyOf(undefined, byShop),
    groupBy: null,
    pieces: totalsPieces,
    ...filters,
  });
  // Groups, in two steps: rank them over the whole period (its coarsest pieces, so a year of
  // products reads month rows), then read the series of the first `limit` only.
  const family = familyOf(query.groupBy, byShop);
  const groupBy = query.groupBy === 'shop' ? 'shop' : 'group';
  const whole = piecesOf(period.buckets[0].from, period.buckets[n - 1].to, 0);
  // A group's previous period is one figure: its span cut as a whole (a year's months, not 365 days).
  const seriesPieces = [
    ...current,
    ...piecesOf(previous.buckets[0].from, previous.buckets[previous.buckets.length - 1].to, -1),
  ];
  let ranked: { rows: FigureRow[]; groupCount: number | null };
  let grouped: { rows: FigureRow[] };
  let totals: { rows: FigureRow[] };
  if (query.groupBy !== undefined && readsBuyerLines(family, query.buyerId)) {
    // A buyer's lines are added up on the spot: once, by bucket, ranked by the sum of the period's
    // buckets (an order lies in one bucket, so the sums of orders and parts over buckets are exact too).
    let all: { rows: FigureRow[]; groupCount: number };
    [totals, all] = await Promise.all([
      totalsQuery,
      queryFigures(db, { family, groupBy, pieces: seriesPieces, limit: query.limit, ...filters }),
    ]);
    const sums = new Map<number, Figures>();
    for (const row of all.rows) {
      const id = row.groupId ?? 0;
      sums.set(id, addFigures(sums.get(id) ?? ZERO, row.bucket >= 0 ? row.figures : ZERO));
    }
    ranked = {
      rows: [...sums].map(([groupId, figures]) => ({ bucket: 0, groupId, figures })),
      groupCount: all.groupCount,
    };
    grouped = all;
  } else {
    // Products are too many to add up for each question: the threshold algorithm reads the
    // best-sellers only.
    const rankQuery: Promise<{ rows: FigureRow[]; groupCount: number | null }> =
      query.groupBy === undefined
        ? Promise.resolve({ rows: [], groupCount: 0 })
        : query.groupBy === 'product' && query.buyerId === undefined
          ? topGroupsByThreshold(db, {
              family,
              pieces: whole,
              shopId: query.shopId,
              state: query.state,
              limit: query.limit,
            }).then((rows) => ({ rows, groupCount: null }))
          : queryFigures(db, { family, groupBy, pieces: whole, limit: query.limit, ...filters });
    [totals, ranked] = await Promise.all([totalsQuery, rankQuery]);
    const rankedIds = ranked.rows.map((row) => row.groupId ?? 0);
    grouped = rankedIds.length
      ? await queryFigures(db, {
          family,
          groupBy,
          pieces: seriesPieces,
          groupIds: rankedIds,
          rank: false,
          ...filters,
        })
      : { rows: [] };
  }
  const ids = ranked.rows.map((row) => row.groupId ?? 0);

  const series = seriesOf(totals.rows, n, (i) => i);
  const previousSeries = seriesOf(totals.rows, previous.buckets.length, (i) => -1 - i);

  const byGroup = new Map<number, FigureRow[]>(ids.map((id) => [id, []]));
  for (const row of grouped.rows) byGroup.get(row.groupId ?? 0)?.push(row);
  const names = query.groupBy ? await groupNames(db, query.groupBy, ids) : new Map<number, string>();
  const groups = [...byGroup].map(([id, rows]): SalesGroup => {
    const groupSeries = seriesOf(rows, n, (i) => i);
    return {
      id,
      name: names.get(id) ?? null,
      totals: ranked.rows.find((row) => (row.groupId ?? 0) === id)?.figures ?? ZERO,
      series: groupSeries,
      previous: rows.find((row) => row.bucket === -1)?.figures ?? ZERO,
    };
  });
  groups.sort((a, b) => {
    const ra = rankValue(a.totals, query.state);
    const rb = rankValue(b.totals, query.state);
    return ra === rb ? a.id - b.id : rb > ra ? 1 : -1;
  });

  return {
    query,
    buckets: period.buckets.map(({ start, end }) => ({ start, end })),
    totals: series.reduce(addFigures, ZERO),
    series,
    groups,
    groupCount: ranked.groupCount,
    previous: {
      from: before.from,
      to: before.to,
      totals: previousSeries.reduce(addFigures, ZERO),
      series: previous.buckets.map((bucket, i) => ({
        start: bucket.start,
        end: bucket.end,
        figures: previousSeries[i],
      })),
    },
  };
}
