// Exports of a shop's price list: start one (YAML, CSV or JSON), watch it run, download the file.
import { Box, Button, FormControl, InputLabel, MenuItem, Select, Typography } from '@mui/material';
import { useState } from 'react';
import { useTranslate } from 'react-admin';
import { ErrorText, StateChip, saveBlob, useConsoleData, usePolling } from './common.tsx';
import { isRunning } from './imports.tsx';

interface ExportView {
  id: number;
  shop_id: number;
  format: string;
  status: string;
  row_count: number | null;
  error: string | null;
  download_url: string | null;
}

function ExportRow({ id, supplier }: { id: number; supplier: boolean }) {
  const translate = useTranslate();
  const data = useConsoleData();
  const [error, setError] = useState<unknown>(null);
  const path = supplier ? '/api/v2/supplier/exports/{id}' : '/api/v2/admin/exports/{id}';
  const { value, error: loadError } = usePolling<ExportView>(
    () => data.call('GET', path, { params: { path: { id } } }),
    800,
    (view) => isRunning(view.status),
  );
  if (loadError) return <ErrorText error={loadError} />;
  if (!value) return null;
  const download = async () => {
    setError(null);
    try {
      const blob = await data.download(`${path}/download`, { id });
      saveBlob(blob, `shop-${value.shop_id}-export-${value.id}.${value.format}`);
    } catch (failure) {
      setError(failure);
    }
  };
  return (
    <Box sx={{ display: 'flex', alignItems: 'center', gap: 1, flexWrap: 'wrap' }}>
      <Typography variant="body2">
        {translate('console.exports.one', { id: value.id, format: value.format.toUpperCase() })}
      </Typography>
      <StateChip state={value.status} />
      {value.row_count !== null ? (
        <Typography variant="body2">
          {translate('console.exports.rows', { count: value.row_count })}
        </Typography>
      ) : null}
      {value.error ? <Typography color="error">{value.error}</Typography> : null}
      {value.status === 'succeeded' ? (
        <Button size="small" variant="outlined" onClick={() => void download()}>
          {translate('console.exports.download', { id: value.id })}
        </Button>
      ) : null}
      <ErrorText error={error} />
    </Box>
  );
}

/** Start an export and list the ones known to this page (the supplier also sees earlier ones). */
export function ExportPanel({ shopId, earlier = [] }: { shopId?: number; earlier?: number[] }) {
  const translate = useTranslate();
  const data = useConsoleData();
  const [format, setFormat] = useState<'yaml' | 'csv' | 'json'>('yaml');
  const [started, setStarted] = useState<number[]>([]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const start = async () => {
    setBusy(true);
    setError(null);
    try {
      const made = await data.startExport({ shopId, format });
      setStarted((ids) => [made.id, ...ids]);
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };
  const ids = [...started, ...earlier.filter((id) => !started.includes(id))];
  return (
    <Box sx={{ display: 'grid', gap: 1 }}>
      <Box sx={{ display: 'flex', gap: 1, alignItems: 'center', flexWrap: 'wrap' }}>
        <FormControl size="small" sx={{ width: 160 }}>
          <InputLabel id="export-format-label">{translate('console.exports.format')}</InputLabel>
          <Select
            labelId="export-format-label"
            id="export-format"
            value={format}
            label={translate('console.exports.format')}
            onChange={(event) => setFormat(event.target.value as 'yaml')}
          >
            <MenuItem value="yaml">YAML</MenuItem>
            <MenuItem value="csv">CSV</MenuItem>
            <MenuItem value="json">JSON</MenuItem>
          </Select>
        </FormControl>
        <Button variant="contained" onClick={() => void start()} disabled={busy}>
          {translate('console.exports.start')}
        </Button>
      </Box>
      <ErrorText error={error} />
      {ids.map((id) => (
        <ExportRow key={id} id={id} supplier={shopId === undefined} />
      ))}
    </Box>
  );
}
