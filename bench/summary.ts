// One table from the benchmarks' JSON results (bench/results/<name>.json): every figure with its
// target, whether the target is met, and the floor measured in the same bench run beside it (a bare
// `node:http` server answering a body of the same size, or a bare `node` start). `npm run bench`
// prints it after running the benchmarks and writes bench/results/summary.{md,json}.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export interface SummaryRow {
  bench: string;
  measure: string;
  value: string;
  target: string;
  met: boolean | null;
  floor: string;
  /** The figure over the floor's (throughput) or the floor's over the figure's (time): 1 = as fast as bare Node. */
  ratio: string;
  date: string;
}

type Json = Record<string, unknown>;

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const fixed = (value: number, digits = 0) => value.toFixed(digits);
const share = (part: number, whole: number) => (whole > 0 ? `${((part / whole) * 100).toFixed(1)} %` : '—');

function startupRows(json: Json, date: string): SummaryRow[] {
  const targets = json.targets as Record<string, number>;
  const floor = median(json.floor_ms as number[]);
  const rows: SummaryRow[] = [];
  for (const [key, label] of [
    ['fresh_ms', 'start-up, fresh data folder → /health/ready (PGlite)'],
    ['existing_ms', 'start-up, existing data folder → /health/ready (PGlite)'],
  ] as const) {
    const value = median(json[key] as number[]);
    rows.push({
      bench: 'startup',
      measure: label,
      value: `${fixed(value)} ms`,
      target: `≤ ${targets[key]} ms`,
      met: value <= targets[key],
      floor: `${fixed(floor)} ms (bare node start)`,
      ratio: `${fixed(value / floor, 1)}× floor`,
      date,
    });
  }
  const rss = median(json.idle_rss_mib as number[]);
  rows.push({
    bench: 'startup',
    measure: 'idle RSS (PGlite)',
    value: `${fixed(rss)} MiB`,
    target: `≤ ${targets.idle_rss_mib} MiB`,
    met: rss <= targets.idle_rss_mib,
    floor: '—',
    ratio: '—',
    date,
  });
  return rows;
}

function importRows(json: Json, date: string): SummaryRow[] {
  // Issue 22 item 4: 100,000 goods.
  const targets: Record<string, Record<string, { ms: number; rss: number }>> = {
    postgres: {
      '100,000 goods, first import': { ms: 10_000, rss: 600 },
      '100,000 goods, every price and stock changed': { ms: 5_000, rss: 600 },
    },
    pglite: { '100,000 goods, first import': { ms: 15_000, rss: 800 } },
  };
  const rows: SummaryRow[] = [];
  for (const database of ['postgres', 'pglite'] as const) {
    for (const run of (json[database] as Json[] | undefined) ?? []) {
      const scenario = String(run.scenario);
      if (!scenario.startsWith('100,000')) continue;
      const target = targets[database][scenario];
      const ms = Number(run.import_ms);
      const rss = Number(run.server_peak_rss_mib);
      rows.push({
        bench: 'import',
        measure: `${scenario} (${database === 'postgres' ? 'PostgreSQL server' : 'PGlite'})`,
        value: `${fixed(ms / 1000, 1)} s, peak RSS ${fixed(rss)} MiB`,
        target: target ? `≤ ${target.ms / 1000} s, ≤ ${target.rss} MiB` : '—',
        met: target ? ms <= target.ms && rss <= target.rss : null,
        floor: '—',
        ratio: '—',
        date,
      });
    }
  }
  return rows;
}

/** Issue 22 item 2: p99 targets without the read cache (the catalog bench's own apply with it). */
function uncachedTarget(name: string): number | null {
  if (name.startsWith('facets (category')) return 50;
  if (name.startsWith('facets')) return 150;
  if (name.startsWith('product')) return 15;
  if (name.startsWith('list') || name.includes(' list') || name.startsWith('search')) return 30;
  return null;
}

function catalogRows(json: Json, date: string): SummaryRow[] {
  return ((json.measured as Json[] | undefined) ?? []).map((row) => {
    const latency = row.latency_ms as Record<string, number>;
    const rps = Number(row.requests_per_second);
    const floorRps = Number(row.floor_requests_per_second);
    const own = row.target == null ? null : Number(row.target);
    const target = row.cache === 'off' ? (uncachedTarget(String(row.name)) ?? own) : own;
    return {
      bench: 'catalog',
      measure: `${row.name}, cache ${row.cache}`,
      value: `${rps} req/s, p99 ${latency.p99} ms`,
      target: target == null ? '—' : `p99 ≤ ${target} ms`,
      met: target == null ? null : latency.p99 <= target,
      floor: `${floorRps} req/s`,
      ratio: share(rps, floorRps),
      date,
    };
  });
}

function checkoutRows(json: Json, date: string): SummaryRow[] {
  const latency = json.latency_ms as Record<string, number>;
  const targets = json.targets as Record<string, number>;
  const floor = json.floor as Record<string, number>;
  const rps = Number(json.orders_per_second);
  return [
    {
      bench: 'checkout',
      measure: `checkout, ${json.connections} connections (zero oversell: ${json.zero_oversell ? 'yes' : 'NO'})`,
      value: `${fixed(rps)} orders/s, p99 ${latency.p99} ms`,
      target: `≥ ${targets.orders_per_second}/s, p99 ≤ ${targets.p99_ms} ms`,
      met: Boolean(json.met) && Boolean(json.zero_oversell),
      floor: `${floor.requests_per_second} req/s`,
      ratio: share(rps, floor.requests_per_second),
      date,
    },
  ];
}

function v1Rows(json: Json, date: string): SummaryRow[] {
  const floor = json.floor as Record<string, number>;
  return ((json.rows as Json[] | undefined) ?? []).map((row) => ({
    bench: 'v1',
    measure: `/api/v1 scenario ${row.scenario}`,
    value: `${row.rps} req/s, p99 ${row.p99} ms = ${fixed(Number(row.times), 1)}× the reference`,
    target: `≥ ${row.target}×${row.p99Target ? `, p99 ≤ ${row.p99Target} ms` : ''}`,
    met: Boolean(row.met),
    floor: `${floor.rps} req/s`,
    ratio: share(Number(row.rps), floor.rps),
    date,
  }));
}

function statsRows(json: Json, date: string): SummaryRow[] {
  // The target holds the JSON answers; the CSV and XLSX exports (streamed files) are reported beside.
  const results = ((json.results as Json[] | undefined) ?? []).filter((result) => !result.export);
  if (results.length === 0) return [];
  const worst = results.reduce((a, b) => (Number(b.p99_ms) > Number(a.p99_ms) ? b : a));
  const counts = json.counts as Record<string, number>;
  return [
    {
      bench: 'stats',
      measure: `statistics, worst of ${results.length} JSON answers (${worst.name}), ${counts.lines} order lines`,
      value: `p99 ${worst.p99_ms} ms`,
      target: 'p99 < 100 ms',
      met: Number(worst.p99_ms) < 100,
      floor: '—',
      ratio: '—',
      date,
    },
  ];
}

const BUILDERS: Record<string, (json: Json, date: string) => SummaryRow[]> = {
  startup: startupRows,
  import: importRows,
  catalog: catalogRows,
  checkout: checkoutRows,
  v1: v1Rows,
  stats: statsRows,
};

/**
 * When a result without a date of its own was measured: its last commit's date while the file is as
 * committed (a fresh clone's files all carry the clone's time), else the file's modification time.
 */
function resultDate(file: string): string {
  const git = (args: string[]) =>
    spawnSync('git', args, { cwd: path.dirname(file), encoding: 'utf8' }).stdout?.trim() ?? '';
  const committed = git(['status', '--porcelain', '--', path.basename(file)]) === '';
  const date = committed ? git(['log', '-1', '--format=%cI', '--', path.basename(file)]) : '';
  return date ? new Date(date).toISOString() : fs.statSync(file).mtime.toISOString();
}

export function summaryRows(resultsDir: string, names: string[]): SummaryRow[] {
  const rows: SummaryRow[] = [];
  for (const name of names) {
    const file = path.join(resultsDir, `${name}.json`);
    if (!fs.existsSync(file) || !BUILDERS[name]) continue;
    const json = JSON.parse(fs.readFileSync(file, 'utf8')) as Json;
    const date = String(json.date ?? resultDate(file))
      .slice(0, 16)
      .replace('T', ' ');
    rows.push(...BUILDERS[name](json, date));
  }
  return rows;
}

export function summaryMarkdown(rows: SummaryRow[], ranNow: string[]): string {
  const met = rows.filter((row) => row.met === true).length;
  const missed = rows.filter((row) => row.met === false);
  const lines = [
    '# Benchmarks: one table (`npm run bench`)',
    '',
    `Run now: ${ranNow.join(', ') || 'none'}; rows of other benchmarks come from their last results (the date column says when).`,
    'Floor: measured by each benchmark in the same run (bare `node:http` answering a body of the same size, or a bare `node` start); the ratio is our throughput as a share of the floor, or our time as a multiple of it.',
    '',
    `Targets met: ${met} of ${rows.filter((row) => row.met !== null).length}.${missed.length ? ` Not met: ${missed.map((row) => `${row.bench} — ${row.measure}`).join('; ')}.` : ''}`,
    '',
    '| bench | measure | value | target | met | floor | ratio to floor | measured (UTC) |',
    '|---|---|---|---|---|---|---|---|',
    ...rows.map(
      (row) =>
        `| ${row.bench} | ${row.measure} | ${row.value} | ${row.target} | ${row.met === null ? '—' : row.met ? 'yes' : '**no**'} | ${row.floor} | ${row.ratio} | ${row.date} |`,
    ),
    '',
  ];
  return lines.join('\n');
}
