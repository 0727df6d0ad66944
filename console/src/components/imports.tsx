// Price-list imports, for staff (any shop) and suppliers (their own): start one from a URL or an
// uploaded file, watch it run (a progress bar polling the import), and read the per-row report.
import {
  Alert,
  Box,
  Button,
  FormControl,
  FormControlLabel,
  FormLabel,
  LinearProgress,
  Radio,
  RadioGroup,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  TextField,
  Typography,
} from '@mui/material';
import { useState } from 'react';
import { useTranslate } from 'react-admin';
import { DateText, Empty, ErrorText, Loading, StateChip, useConsoleData, usePolling } from './common.tsx';

export interface ImportView {
  id: number;
  status: string;
  source: string;
  url: string | null;
  file_name: string | null;
  progress: number;
  phase: string | null;
  counts: {
    total: number;
    created: number;
    updated: number;
    unchanged: number;
    deactivated: number;
    rejected: number;
  };
  error: { code: string; message: string } | null;
  queued_at: string;
  finished_at: string | null;
  report?: {
    row: number;
    line: number | null;
    good_id: string | null;
    field: string | null;
    severity: string;
    code: string;
    message: string;
  }[];
  report_next_cursor?: string | null;
}

const RUNNING = new Set(['queued', 'running', 'pending', 'active']);
export const isRunning = (status: string) => RUNNING.has(status);

/** Start an import: a file from this computer, or a URL (empty: the shop's saved URL). */
export function ImportStarter(props: {
  shopId?: number;
  defaultUrl?: string | null;
  onStarted: (id: number) => void;
}) {
  const translate = useTranslate();
  const data = useConsoleData();
  const [source, setSource] = useState<'file' | 'url'>('file');
  const [file, setFile] = useState<File | null>(null);
  const [url, setUrl] = useState(props.defaultUrl ?? '');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const start = async () => {
    setBusy(true);
    setError(null);
    try {
      const started =
        source === 'file'
          ? await data.startImport({ shopId: props.shopId, file: file! })
          : await data.startImport({ shopId: props.shopId, url: url.trim() || undefined });
      setFile(null);
      props.onStarted(started.id);
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Box
      component="form"
      aria-label={translate('console.imports.start')}
      onSubmit={(event) => {
        event.preventDefault();
        void start();
      }}
      sx={{ display: 'grid', gap: 1, maxWidth: 640 }}
    >
      <FormControl>
        <FormLabel id="import-source-label">{translate('console.imports.source')}</FormLabel>
        <RadioGroup
          row
          aria-labelledby="import-source-label"
          value={source}
          onChange={(event) => setSource(event.target.value as 'file' | 'url')}
        >
          <FormControlLabel value="file" control={<Radio />} label={translate('console.imports.from_file')} />
          <FormControlLabel value="url" control={<Radio />} label={translate('console.imports.from_url')} />
        </RadioGroup>
      </FormControl>
      {source === 'file' ? (
        <Box sx={{ display: 'flex', gap: 1, alignItems: 'center', flexWrap: 'wrap' }}>
          <Button variant="outlined" component="label">
            {translate('console.imports.choose_file')}
            <input
              hidden
              type="file"
              accept=".yaml,.yml,.json"
              aria-label={translate('console.imports.file')}
              onChange={(event) => setFile(event.target.files?.[0] ?? null)}
            />
          </Button>
          <Typography variant="body2">{file ? file.name : translate('console.imports.no_file')}</Typography>
        </Box>
      ) : (
        <TextField
          id="import-url"
          label={translate('console.imports.url')}
          helperText={translate('console.imports.url_help')}
          value={url}
          onChange={(event) => setUrl(event.target.value)}
          size="small"
        />
      )}
      <Box>
        <Button type="submit" variant="contained" disabled={busy || (source === 'file' && !file)}>
          {translate('console.imports.start')}
        </Button>
      </Box>
      <ErrorText error={error} />
    </Box>
  );
}

/** One import, live: the bar moves while it runs; when it ends, the counts and the report. */
export function ImportProgress({ id, supplier }: { id: number; supplier: boolean }) {
  const translate = useTranslate();
  const data = useConsoleData();
  const path = supplier ? '/api/v2/supplier/imports/{id}' : '/api/v2/admin/imports/{id}';
  const { value, error } = usePolling<ImportView>(
    () => data.call('GET', path, { params: { path: { id }, query: { report_limit: 200 } } }),
    700,
    (view) => isRunning(view.status),
  );
  if (error) return <ErrorText error={error} />;
  if (!value) return <Loading />;
  const running = isRunning(value.status);
  return (
    <Box sx={{ display: 'grid', gap: 1 }} aria-live="polite">
      <Box sx={{ display: 'flex', alignItems: 'center', gap: 1, flexWrap: 'wrap' }}>
        <Typography variant="subtitle1" component="h3">
          {translate('console.imports.one', { id: value.id })}
        </Typography>
        <StateChip state={value.status} />
        {value.file_name ?? value.url ?? ''}
      </Box>
      {running ? (
        <Box>
          <LinearProgress
            variant={value.progress > 0 ? 'determinate' : 'indeterminate'}
            value={value.progress}
            aria-label={translate('console.imports.progress')}
          />
          <Typography variant="body2">
            {translate('console.imports.progress_text', {
              progress: value.progress,
              phase: value.phase
                ? translate(`console.imports.phases.${value.phase}`, { _: value.phase })
                : '',
            })}
          </Typography>
        </Box>
      ) : (
        <ImportResult view={value} />
      )}
    </Box>
  );
}

export function ImportResult({ view }: { view: ImportView }) {
  const translate = useTranslate();
  const c = view.counts;
  return (
    <Box sx={{ display: 'grid', gap: 1 }}>
      {view.error ? <Alert severity="error">{view.error.message}</Alert> : null}
      <Typography variant="body2" data-testid="import-counts">
        {translate('console.imports.counts', {
          total: c.total,
          created: c.created,
          updated: c.updated,
          unchanged: c.unchanged,
          deactivated: c.deactivated,
          rejected: c.rejected,
        })}
      </Typography>
      <ImportReport report={view.report ?? []} more={Boolean(view.report_next_cursor)} />
    </Box>
  );
}

export function ImportReport({ report, more }: { report: NonNullable<ImportView['report']>; more: boolean }) {
  const translate = useTranslate();
  if (!report.length) return <Empty text={translate('console.imports.no_problems')} />;
  return (
    <Box sx={{ overflowX: 'auto' }}>
      <Table size="small" aria-label={translate('console.imports.report')}>
        <TableHead>
          <TableRow>
            <TableCell>{translate('console.imports.row')}</TableCell>
            <TableCell>{translate('console.imports.good_id')}</TableCell>
            <TableCell>{translate('console.imports.field')}</TableCell>
            <TableCell>{translate('console.imports.severity')}</TableCell>
            <TableCell>{translate('console.imports.message')}</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {report.map((entry) => (
            <TableRow key={`${entry.row}-${entry.field}-${entry.code}-${entry.message}`}>
              <TableCell>
                {entry.row}
                {entry.line ? ` (${translate('console.imports.line')} ${entry.line})` : ''}
              </TableCell>
              <TableCell>{entry.good_id ?? '—'}</TableCell>
              <TableCell>{entry.field ?? '—'}</TableCell>
              <TableCell>
                {translate(`console.imports.severities.${entry.severity}`, { _: entry.severity })}
              </TableCell>
              <TableCell>{entry.message}</TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
      {more ? <Typography variant="caption">{translate('console.imports.report_more')}</Typography> : null}
    </Box>
  );
}

/** The last imports of a shop (newest first), each opening its progress and report. */
export function ImportHistory(props: {
  load: () => Promise<{ items: ImportView[] }>;
  onOpen: (id: number) => void;
  round: number;
}) {
  const translate = useTranslate();
  const { value, error } = usePolling(props.load, 2000, (page) =>
    page.items.some((item) => isRunning(item.status)),
  );
  if (error) return <ErrorText error={error} />;
  if (!value) return <Loading />;
  if (!value.items.length) return <Empty text={translate('console.imports.none')} />;
  return (
    <Table size="small" aria-label={translate('console.imports.history')} key={props.round}>
      <TableHead>
        <TableRow>
          <TableCell>№</TableCell>
          <TableCell>{translate('console.imports.queued_at')}</TableCell>
          <TableCell>{translate('console.imports.status')}</TableCell>
          <TableCell>{translate('console.imports.source')}</TableCell>
          <TableCell align="right">{translate('console.imports.total')}</TableCell>
          <TableCell align="right">{translate('console.imports.rejected')}</TableCell>
          <TableCell />
        </TableRow>
      </TableHead>
      <TableBody>
        {value.items.map((item) => (
          <TableRow key={item.id}>
            <TableCell>{item.id}</TableCell>
            <TableCell>
              <DateText value={item.queued_at} />
            </TableCell>
            <TableCell>
              <StateChip state={item.status} />
            </TableCell>
            <TableCell>{item.file_name ?? item.url ?? item.source}</TableCell>
            <TableCell align="right">{item.counts.total}</TableCell>
            <TableCell align="right">{item.counts.rejected}</TableCell>
            <TableCell>
              <Button
                size="small"
                onClick={() => props.onOpen(item.id)}
                aria-label={translate('console.imports.open', { id: item.id })}
              >
                {translate('console.imports.details')}
              </Button>
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
