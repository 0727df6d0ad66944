// The statistics page, for staff (every shop: GET /api/v2/admin/stats/sales) and for a supplier (its
// own parts only: GET /api/v2/supplier/stats/sales). A period (preset or custom) and a step; the
// totals as figures with the change against the previous period of equal length; revenue over time
// with that previous period overlaid (and, for staff, split by supplier or category); the best shops,
// categories and products as bars that open the order list filtered by the bar and the period; the
// same report as CSV or XLSX. Lazy-loaded (ECharts is in this chunk only).
import DownloadIcon from '@mui/icons-material/Download';
import { Box, Button, Card, CardContent, Grid, MenuItem, TextField, Typography } from '@mui/material';
import { useEffect, useMemo, useState } from 'react';
import { Title, useLocale, useTranslate } from 'react-admin';
import { useNavigate } from 'react-router-dom';
import { ErrorText, formatMoney, Loading, saveBlob, useConsoleData } from '../components/common.tsx';
import { Chart, type ChartOption } from './Chart.tsx';
import {
  createdBounds,
  INTERVALS,
  type Interval,
  type Period,
  PRESETS,
  type Preset,
  presetPeriod,
  TIME_ZONE,
} from './periods.ts';

export type StatsScope = 'staff' | 'supplier';
type GroupBy = 'shop' | 'category' | 'product';
type Breakdown = 'none' | 'shop' | 'category';

/** One figures object of the API (amounts are decimal strings). */
export interface Figures {
  orders: number;
  units: number;
  revenue_before_discounts: string;
  discounts: string;
  revenue: string;
  average_order: string | null;
  cancelled_orders: number;
  cancelled_amount: string;
}

interface Report {
  currency: string;
  buckets: { start: string; end: string }[];
  totals: Figures;
  series: Figures[];
  groups: { id: number; name: string | null; totals: Figures; series: Figures[]; previous: Figures }[];
  previous: { from: string; to: string; totals: Figures; series: Figures[] };
}

const ENDPOINT: Record<StatsScope, string> = {
  staff: '/api/v2/admin/stats/sales',
  supplier: '/api/v2/supplier/stats/sales',
};
const ORDER_LIST: Record<StatsScope, string> = { staff: 'orders', supplier: 'supplier-orders' };
const TOPS: Record<StatsScope, GroupBy[]> = {
  staff: ['shop', 'category', 'product'],
  supplier: ['category', 'product'],
};
const BREAKDOWNS: Record<StatsScope, Breakdown[]> = {
  staff: ['none', 'shop', 'category'],
  supplier: ['none', 'category'],
};
const TOP_TITLE: Record<GroupBy, string> = {
  shop: 'stats.top_shops',
  category: 'stats.top_categories',
  product: 'stats.top_products',
};
const FILTER_OF: Record<GroupBy, string> = {
  shop: 'shop_id',
  category: 'category_id',
  product: 'product_id',
};
const TOP_LIMIT = 10;
const BREAKDOWN_LIMIT = 6;
const PREVIOUS_COLOR = '#9e9e9e';

/** 01.11 (day, week) or 11.2026 (month) in the console's language. */
function bucketLabel(start: string, interval: Interval, locale: string): string {
  const date = new Date(`${start}T00:00:00Z`);
  const tag = locale === 'en' ? 'en-GB' : 'ru-RU';
  return interval === 'month'
    ? date.toLocaleDateString(tag, { month: 'short', year: 'numeric', timeZone: 'UTC' })
    : date.toLocaleDateString(tag, { day: '2-digit', month: '2-digit', timeZone: 'UTC' });
}

/** The number format of the console's language. */
const numberTag = (locale: string) => (locale === 'en' ? 'en-GB' : 'ru-RU');

function shortDate(value: string, locale: string): string {
  return new Date(`${value}T00:00:00Z`).toLocaleDateString(locale === 'en' ? 'en-GB' : 'ru-RU', {
    day: '2-digit',
    month: '2-digit',
    year: 'numeric',
    timeZone: 'UTC',
  });
}

/** The change of a figure in percent, for display; null when the previous period had none. */
export function changePercent(
  current: string | number | null,
  previous: string | number | null,
): number | null {
  const before = Number(previous ?? 0);
  if (!before) return null;
  return ((Number(current ?? 0) - before) / before) * 100;
}

function PeriodPicker(props: {
  scope: StatsScope;
  preset: Preset;
  period: Period;
  interval: Interval;
  breakdown: Breakdown;
  onPreset: (preset: Preset) => void;
  onPeriod: (period: Period) => void;
  onInterval: (interval: Interval) => void;
  onBreakdown: (breakdown: Breakdown) => void;
}) {
  const translate = useTranslate();
  return (
    <Box sx={{ display: 'flex', flexWrap: 'wrap', gap: 2, alignItems: 'center' }}>
      <TextField
        select
        size="small"
        fullWidth={false}
        label={translate('stats.period')}
        value={props.preset}
        onChange={(event) => props.onPreset(event.target.value as Preset)}
        sx={{ minWidth: 190 }}
        slotProps={{ select: { SelectDisplayProps: { 'data-testid': 'stats-preset' } as object } }}
      >
        {PRESETS.map((preset) => (
          <MenuItem key={preset} value={preset}>
            {translate(`stats.presets.${preset}`)}
          </MenuItem>
        ))}
      </TextField>
      <TextField
        type="date"
        size="small"
        fullWidth={false}
        label={translate('stats.from')}
        value={props.period.from}
        disabled={props.preset !== 'custom'}
        onChange={(event) =>
          event.target.value && props.onPeriod({ ...props.period, from: event.target.value })
        }
        slotProps={{ inputLabel: { shrink: true }, htmlInput: { 'data-testid': 'stats-from' } }}
      />
      <TextField
        type="date"
        size="small"
        fullWidth={false}
        label={translate('stats.to')}
        value={props.period.to}
        disabled={props.preset !== 'custom'}
        onChange={(event) =>
          event.target.value && props.onPeriod({ ...props.period, to: event.target.value })
        }
        slotProps={{ inputLabel: { shrink: true }, htmlInput: { 'data-testid': 'stats-to' } }}
      />
      <TextField
        select
        size="small"
        fullWidth={false}
        label={translate('stats.interval')}
        value={props.interval}
        onChange={(event) => props.onInterval(event.target.value as Interval)}
        sx={{ minWidth: 150 }}
        slotProps={{ select: { SelectDisplayProps: { 'data-testid': 'stats-interval' } as object } }}
      >
        {INTERVALS.map((interval) => (
          <MenuItem key={interval} value={interval}>
            {translate(`stats.intervals.${interval}`)}
          </MenuItem>
        ))}
      </TextField>
      <TextField
        select
        size="small"
        fullWidth={false}
        label={translate('stats.breakdown')}
        value={props.breakdown}
        onChange={(event) => props.onBreakdown(event.target.value as Breakdown)}
        sx={{ minWidth: 170 }}
        slotProps={{ select: { SelectDisplayProps: { 'data-testid': 'stats-breakdown' } as object } }}
      >
        {BREAKDOWNS[props.scope].map((breakdown) => (
          <MenuItem key={breakdown} value={breakdown}>
            {translate(`stats.breakdowns.${breakdown}`)}
          </MenuItem>
        ))}
      </TextField>
    </Box>
  );
}

type FigureKey =
  | 'orders'
  | 'units'
  | 'revenue_before_discounts'
  | 'discounts'
  | 'revenue'
  | 'average_order'
  | 'cancelled_orders';
const FIGURES: { key: FigureKey; money: boolean; lowerIsBetter?: boolean }[] = [
  { key: 'revenue', money: true },
  { key: 'orders', money: false },
  { key: 'average_order', money: true },
  { key: 'units', money: false },
  { key: 'revenue_before_discounts', money: true },
  { key: 'discounts', money: true, lowerIsBetter: true },
  { key: 'cancelled_orders', money: false, lowerIsBetter: true },
];

function FigureCards({ report }: { report: Report }) {
  const translate = useTranslate();
  const locale = useLocale();
  const number = (value: number) => value.toLocaleString(locale === 'en' ? 'en-GB' : 'ru-RU');
  return (
    <Box sx={{ display: 'grid', gap: 1.5, gridTemplateColumns: 'repeat(auto-fill, minmax(150px, 1fr))' }}>
      {FIGURES.map(({ key, money, lowerIsBetter }) => {
        const value = report.totals[key];
        const before = report.previous.totals[key];
        const change = changePercent(value, before);
        const good = change === null || change === 0 ? null : change > 0 !== Boolean(lowerIsBetter);
        const sign = change !== null && change > 0 ? '+' : '';
        return (
          <Card key={key} variant="outlined" sx={{ height: '100%' }} data-testid={`stats-figure-${key}`}>
            <CardContent sx={{ p: 1.25, '&:last-child': { pb: 1.25 } }}>
              <Typography variant="caption" color="text.secondary" component="p" noWrap>
                {translate(`stats.figures.${key}`)}
              </Typography>
              <Typography
                variant="subtitle1"
                component="p"
                data-testid="stats-figure-value"
                data-value={value ?? ''}
                sx={{ whiteSpace: 'nowrap', fontWeight: 600, fontSize: '1.1rem' }}
              >
                {money
                  ? formatMoney(value as string | null, report.currency, locale)
                  : number(value as number)}
              </Typography>
              {key === 'cancelled_orders' ? (
                <Typography variant="caption" color="text.secondary" component="p" noWrap>
                  {translate('stats.figures.cancelled_amount', {
                    amount: formatMoney(report.totals.cancelled_amount, report.currency, locale),
                  })}
                </Typography>
              ) : null}
              <Typography
                variant="caption"
                component="p"
                data-testid="stats-figure-change"
                data-previous={before ?? ''}
                color={good === null ? 'text.secondary' : good ? 'success.main' : 'error.main'}
              >
                {change === null
                  ? translate('stats.no_change_base')
                  : translate('stats.change', {
                      change: `${sign}${change.toLocaleString(locale === 'en' ? 'en-GB' : 'ru-RU', { maximumFractionDigits: 1 })} %`,
                    })}
              </Typography>
            </CardContent>
          </Card>
        );
      })}
    </Box>
  );
}

/** Revenue per bucket, the previous period's overlaid by index, the breakdown's groups stacked. */
function revenueOption(
  report: Report,
  period: Period,
  interval: Interval,
  locale: string,
  translate: (key: string, options?: object) => string,
): ChartOption {
  const labels = report.buckets.map((bucket) => bucketLabel(bucket.start, interval, locale));
  const current = translate('stats.current', {
    from: shortDate(period.from, locale),
    to: shortDate(period.to, locale),
  });
  const previous = translate('stats.previous', {
    from: shortDate(report.previous.from, locale),
    to: shortDate(report.previous.to, locale),
  });
  const groupSeries = report.groups.map((group) => ({
    type: 'bar' as const,
    name: group.name ?? translate('stats.no_category'),
    stack: 'groups',
    data: group.series.map((figures) => Number(figures.revenue)),
  }));
  return {
    tooltip: { trigger: 'axis' },
    legend: { top: 0, type: 'scroll' },
    grid: { left: 80, right: 24, top: 40, bottom: 32 },
    xAxis: { type: 'category', data: labels },
    yAxis: {
      type: 'value',
      axisLabel: { formatter: (value: number) => value.toLocaleString(numberTag(locale)) },
    },
    series: [
      ...groupSeries,
      {
        type: 'line',
        name: current,
        data: report.series.map((figures) => Number(figures.revenue)),
        lineStyle: { width: 3 },
        z: 3,
      },
      {
        type: 'line',
        name: previous,
        data: labels.map((_, index) =>
          report.previous.series[index] ? Number(report.previous.series[index].revenue) : null,
        ),
        lineStyle: { type: 'dashed', color: PREVIOUS_COLOR },
        itemStyle: { color: PREVIOUS_COLOR },
        z: 2,
      },
    ],
  };
}

/** Grid of the bar charts: labels on the left, the best group on top (a test clicks it there). */
const BAR_GRID = { left: 170, right: 24, top: 8, bottom: 24, containLabel: false };

function TopBars(props: { scope: StatsScope; groupBy: GroupBy; report: Report; period: Period }) {
  const translate = useTranslate();
  const locale = useLocale();
  const navigate = useNavigate();
  const groups = props.report.groups;
  const option = useMemo<ChartOption>(
    () => ({
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      grid: BAR_GRID,
      xAxis: {
        type: 'value',
        axisLabel: {
          formatter: (value: number) => value.toLocaleString(numberTag(locale), { notation: 'compact' }),
        },
      },
      yAxis: {
        type: 'category',
        inverse: true,
        data: groups.map(
          (group) =>
            group.name ?? (props.groupBy === 'category' ? translate('stats.no_category') : `#${group.id}`),
        ),
        axisLabel: { width: 160, overflow: 'truncate' },
      },
      series: [
        {
          type: 'bar',
          name: translate('stats.figures.revenue'),
          data: groups.map((group) => Number(group.totals.revenue)),
        },
        {
          type: 'bar',
          name: translate('stats.previous', {
            from: shortDate(props.report.previous.from, locale),
            to: shortDate(props.report.previous.to, locale),
          }),
          data: groups.map((group) => Number(group.previous.revenue)),
          itemStyle: { color: PREVIOUS_COLOR },
        },
      ],
    }),
    [groups, props.report.previous, props.groupBy, translate, locale],
  );
  // A bar opens the orders of its group in its period (the grey bar: the previous period's).
  const open = (index: number, series: number) => {
    const group = groups[index];
    if (!group || (props.groupBy === 'category' && group.id === 0)) return;
    const period = series === 1 ? props.report.previous : props.period;
    const filter = { [FILTER_OF[props.groupBy]]: group.id, ...createdBounds(period) };
    navigate(`/${ORDER_LIST[props.scope]}?filter=${encodeURIComponent(JSON.stringify(filter))}`);
  };
  return (
    <Card variant="outlined" sx={{ height: '100%' }}>
      <CardContent>
        <Typography variant="h6" component="h2">
          {translate(TOP_TITLE[props.groupBy])}
        </Typography>
        <Typography variant="caption" color="text.secondary">
          {translate('stats.bar_hint')}
        </Typography>
        {groups.length === 0 ? (
          <Typography variant="body2" sx={{ py: 2 }}>
            {translate('stats.nothing')}
          </Typography>
        ) : (
          <Chart
            option={option}
            height={Math.max(160, groups.length * 36 + 32)}
            label={translate(TOP_TITLE[props.groupBy])}
            testId={`stats-top-${props.groupBy}`}
            onClick={open}
          />
        )}
      </CardContent>
    </Card>
  );
}

interface Loaded {
  main: Report;
  tops: Partial<Record<GroupBy, Report>>;
}

export function StatsPage({ scope }: { scope: StatsScope }) {
  const translate = useTranslate();
  const locale = useLocale();
  const data = useConsoleData();
  const [preset, setPreset] = useState<Preset>('last_30_days');
  const [period, setPeriod] = useState<Period>(() => presetPeriod('last_30_days'));
  const [interval, setInterval] = useState<Interval>('day');
  const [breakdown, setBreakdown] = useState<Breakdown>('none');
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [downloading, setDownloading] = useState(false);
  const badPeriod = period.from > period.to;

  const query = useMemo(
    () => ({ from: period.from, to: period.to, interval, time_zone: TIME_ZONE }),
    [period, interval],
  );

  useEffect(() => {
    if (badPeriod) return;
    let live = true;
    setLoaded(null);
    setError(null);
    const ask = (extra: Record<string, unknown>) =>
      data.call<Report>('GET', ENDPOINT[scope], { params: { query: { ...query, ...extra } } });
    Promise.all([
      ask(breakdown === 'none' ? {} : { group_by: breakdown, limit: BREAKDOWN_LIMIT }),
      ...TOPS[scope].map((groupBy) => ask({ group_by: groupBy, limit: TOP_LIMIT })),
    ]).then(
      ([main, ...tops]) => {
        if (!live) return;
        setLoaded({ main, tops: Object.fromEntries(TOPS[scope].map((groupBy, i) => [groupBy, tops[i]])) });
      },
      (failure) => live && setError(failure),
    );
    return () => {
      live = false;
    };
  }, [data, scope, query, breakdown, badPeriod]);

  const choosePreset = (next: Preset) => {
    setPreset(next);
    if (next !== 'custom') setPeriod(presetPeriod(next));
  };

  const download = async (format: 'csv' | 'xlsx') => {
    setDownloading(true);
    try {
      const extra = breakdown === 'none' ? {} : { group_by: breakdown };
      const blob = await data.download(ENDPOINT[scope], { ...query, ...extra, format });
      const by = breakdown === 'none' ? '' : `-by-${breakdown}`;
      saveBlob(blob, `sales-${period.from}-${period.to}-${interval}${by}.${format}`);
    } catch (failure) {
      setError(failure);
    } finally {
      setDownloading(false);
    }
  };

  const revenue = useMemo(
    () => (loaded ? revenueOption(loaded.main, period, interval, locale, translate) : null),
    [loaded, period, interval, locale, translate],
  );
  const title = scope === 'staff' ? 'stats.title' : 'stats.supplier_title';

  return (
    <Box sx={{ p: 2, display: 'grid', gap: 2 }} data-testid="stats-page">
      <Title title={title} />
      <Box
        sx={{
          display: 'flex',
          flexWrap: 'wrap',
          gap: 2,
          alignItems: 'center',
          justifyContent: 'space-between',
        }}
      >
        <Typography variant="h5" component="h1">
          {translate(title)}
        </Typography>
        <Box sx={{ display: 'flex', gap: 1 }}>
          <Button
            variant="outlined"
            startIcon={<DownloadIcon />}
            disabled={downloading || badPeriod}
            onClick={() => download('csv')}
          >
            {translate('stats.download_csv')}
          </Button>
          <Button
            variant="outlined"
            startIcon={<DownloadIcon />}
            disabled={downloading || badPeriod}
            onClick={() => download('xlsx')}
          >
            {translate('stats.download_xlsx')}
          </Button>
        </Box>
      </Box>
      <PeriodPicker
        scope={scope}
        preset={preset}
        period={period}
        interval={interval}
        breakdown={breakdown}
        onPreset={choosePreset}
        onPeriod={setPeriod}
        onInterval={setInterval}
        onBreakdown={setBreakdown}
      />
      {badPeriod ? <ErrorText error={{ message: 'stats.bad_period' }} /> : null}
      <ErrorText error={error} />
      {!loaded && !error && !badPeriod ? <Loading /> : null}
      {loaded && revenue ? (
        <Box
          sx={{ display: 'grid', gap: 2 }}
          data-testid="stats-loaded"
          data-from={period.from}
          data-to={period.to}
        >
          <FigureCards report={loaded.main} />
          <Card variant="outlined">
            <CardContent>
              <Typography variant="h6" component="h2">
                {translate('stats.revenue_chart')}
              </Typography>
              <Chart
                option={revenue}
                height={320}
                label={translate('stats.revenue_chart')}
                testId="stats-revenue-chart"
              />
            </CardContent>
          </Card>
          <Grid container spacing={2}>
            {TOPS[scope].map((groupBy) => {
              const report = loaded.tops[groupBy];
              return report ? (
                <Grid key={groupBy} size={{ xs: 12, md: scope === 'staff' ? 4 : 6 }}>
                  <TopBars scope={scope} groupBy={groupBy} report={report} period={period} />
                </Grid>
              ) : null;
            })}
          </Grid>
        </Box>
      ) : null}
    </Box>
  );
}

export default StatsPage;
