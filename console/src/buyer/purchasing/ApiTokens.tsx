// The buyer's API tokens (/api/v2/me/api-tokens): a new token's secret is shown once, with a copy
// button, and never again (the API keeps only its hash); the list shows each token's prefix, dates
// and last use; revoking asks first.
import ContentCopyIcon from '@mui/icons-material/ContentCopy';
import {
  Alert,
  Box,
  Button,
  Card,
  CardContent,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  TextField,
  Typography,
} from '@mui/material';
import { useCallback, useEffect, useState } from 'react';
import { Title, useLocale, useNotify, useTranslate } from 'react-admin';
import { ConfirmAction, formatDate, useConsoleData } from '../../components/common.tsx';
import { ProblemText } from './shared.tsx';

interface ApiToken {
  id: number;
  name: string;
  prefix: string;
  created_at: string;
  expires_at: string | null;
  last_used_at: string | null;
}

function NewSecret({ token, onClose }: { token: ApiToken & { token: string }; onClose: () => void }) {
  const translate = useTranslate();
  const notify = useNotify();
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(token.token);
      notify('purchasing.tokens.copied', { type: 'success' });
    } catch {
      notify('purchasing.tokens.copy_failed', { type: 'warning' });
    }
  };
  return (
    <Alert severity="warning" role="alert" aria-label={translate('purchasing.tokens.secret_title')}>
      <Typography variant="subtitle2">{translate('purchasing.tokens.secret_title')}</Typography>
      <Typography variant="body2" sx={{ mb: 1 }}>
        {translate('purchasing.tokens.secret_once', { name: token.name })}
      </Typography>
      <Box
        component="code"
        data-testid="api-token-secret"
        sx={{ display: 'block', wordBreak: 'break-all', p: 1, bgcolor: 'background.paper', mb: 1 }}
      >
        {token.token}
      </Box>
      <Box sx={{ display: 'flex', gap: 1, flexWrap: 'wrap' }}>
        <Button size="small" variant="contained" startIcon={<ContentCopyIcon />} onClick={() => void copy()}>
          {translate('purchasing.tokens.copy')}
        </Button>
        <Button size="small" onClick={onClose}>
          {translate('purchasing.tokens.stored')}
        </Button>
      </Box>
    </Alert>
  );
}

export function ApiTokensPage() {
  const translate = useTranslate();
  const locale = useLocale();
  const data = useConsoleData();
  const notify = useNotify();
  const [tokens, setTokens] = useState<ApiToken[] | null>(null);
  const [name, setName] = useState('');
  const [expires, setExpires] = useState('');
  const [created, setCreated] = useState<(ApiToken & { token: string }) | null>(null);
  const [revoking, setRevoking] = useState<ApiToken | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const load = useCallback(() => {
    data
      .call<{ items: ApiToken[] }>('GET', '/api/v2/me/api-tokens')
      .then((answer) => setTokens(answer.items), setError);
  }, [data]);
  useEffect(load, [load]);
  const create = async () => {
    setBusy(true);
    setError(null);
    try {
      const token = await data.call<ApiToken & { token: string }>('POST', '/api/v2/me/api-tokens', {
        body: {
          name: name.trim(),
          expires_at: expires ? new Date(`${expires}T00:00:00Z`).toISOString() : null,
        },
      });
      setCreated(token);
      setName('');
      setExpires('');
      load();
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };
  const revoke = async () => {
    if (!revoking) return;
    setBusy(true);
    try {
      await data.call('DELETE', '/api/v2/me/api-tokens/{id}', { params: { path: { id: revoking.id } } });
      notify('purchasing.tokens.revoked', { type: 'success' });
      if (created?.id === revoking.id) setCreated(null);
      load();
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
      setRevoking(null);
    }
  };
  return (
    <Box sx={{ p: { xs: 1, sm: 2 }, display: 'grid', gap: 2, maxWidth: 1000 }}>
      <Title title="purchasing.tokens.title" />
      <Typography variant="h5" component="h1">
        {translate('purchasing.tokens.title')}
      </Typography>
      <Typography variant="body2" color="text.secondary">
        {translate('purchasing.tokens.intro')}
      </Typography>
      {created ? <NewSecret token={created} onClose={() => setCreated(null)} /> : null}
      <Card variant="outlined">
        <CardContent sx={{ display: 'flex', gap: 2, flexWrap: 'wrap', alignItems: 'center' }}>
          <TextField
            label={translate('purchasing.tokens.name')}
            value={name}
            onChange={(event) => setName(event.target.value)}
            sx={{ flex: '1 1 260px' }}
          />
          <TextField
            type="date"
            sx={{ width: 220 }}
            label={translate('purchasing.tokens.expires_at')}
            value={expires}
            onChange={(event) => setExpires(event.target.value)}
            slotProps={{ inputLabel: { shrink: true } }}
            helperText={translate('purchasing.tokens.expires_help')}
          />
          <Button variant="contained" disabled={busy || !name.trim()} onClick={() => void create()}>
            {translate('purchasing.tokens.create')}
          </Button>
        </CardContent>
      </Card>
      <ProblemText error={error} />
      {tokens && !tokens.length ? (
        <Typography variant="body2" color="text.secondary">
          {translate('purchasing.tokens.empty')}
        </Typography>
      ) : null}
      {tokens?.length ? (
        <Box sx={{ overflowX: 'auto' }}>
          <Table size="small" aria-label={translate('purchasing.tokens.title')}>
            <TableHead>
              <TableRow>
                <TableCell>{translate('purchasing.tokens.name')}</TableCell>
                <TableCell>{translate('purchasing.tokens.prefix')}</TableCell>
                <TableCell>{translate('purchasing.tokens.created_at')}</TableCell>
                <TableCell>{translate('purchasing.tokens.expires_at')}</TableCell>
                <TableCell>{translate('purchasing.tokens.last_used_at')}</TableCell>
                <TableCell />
              </TableRow>
            </TableHead>
            <TableBody>
              {tokens.map((token) => (
                <TableRow key={token.id}>
                  <TableCell>{token.name}</TableCell>
                  <TableCell>
                    <code>{token.prefix}…</code>
                  </TableCell>
                  <TableCell>{formatDate(token.created_at, locale)}</TableCell>
                  <TableCell>
                    {token.expires_at
                      ? formatDate(token.expires_at, locale)
                      : translate('purchasing.tokens.never')}
                  </TableCell>
                  <TableCell>
                    {token.last_used_at
                      ? formatDate(token.last_used_at, locale)
                      : translate('purchasing.tokens.unused')}
                  </TableCell>
                  <TableCell align="right">
                    <Button color="error" size="small" onClick={() => setRevoking(token)}>
                      {translate('purchasing.tokens.revoke')}
                    </Button>
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </Box>
      ) : null}
      <ConfirmAction
        open={revoking !== null}
        title={translate('purchasing.tokens.revoke')}
        content={translate('purchasing.tokens.revoke_confirm', { name: revoking?.name ?? '' })}
        loading={busy}
        onConfirm={() => void revoke()}
        onClose={() => setRevoking(null)}
      />
    </Box>
  );
}
