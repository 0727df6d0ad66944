// Moderation: hide an offer or a whole product (with a reason the supplier sees) or show it again.
// Hiding asks for a confirmation: hidden goods vanish from the public catalog and cannot be ordered.
import { Box, Button, TextField, Typography } from '@mui/material';
import { useState } from 'react';
import { useNotify, useTranslate } from 'react-admin';
import { ConfirmAction, ErrorText, useConsoleData } from './common.tsx';

export function HideToggle(props: {
  resource: 'offers' | 'products';
  id: number;
  name: string;
  hidden: boolean;
  reason?: string | null;
  onDone: () => void;
}) {
  const translate = useTranslate();
  const notify = useNotify();
  const data = useConsoleData();
  const [reason, setReason] = useState('');
  const [asking, setAsking] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const apply = async (hidden: boolean) => {
    setBusy(true);
    setError(null);
    try {
      await data.update(props.resource, {
        id: props.id,
        data: hidden ? { hidden: true, hidden_reason: reason.trim() || null } : { hidden: false },
        previousData: {} as never,
      });
      notify(hidden ? 'console.moderation.hidden_done' : 'console.moderation.shown_done', {
        type: 'success',
      });
      setAsking(false);
      setReason('');
      props.onDone();
    } catch (failure) {
      setError(failure);
      setAsking(false);
    } finally {
      setBusy(false);
    }
  };
  const idPrefix = `${props.resource}-${props.id}`;
  if (props.hidden) {
    return (
      <Box sx={{ display: 'flex', gap: 1, alignItems: 'center', flexWrap: 'wrap' }}>
        <Typography variant="body2" color="warning.main">
          {translate('console.moderation.hidden_because', { reason: props.reason || '—' })}
        </Typography>
        <Button
          size="small"
          variant="outlined"
          disabled={busy}
          onClick={() => void apply(false)}
          aria-label={translate('console.moderation.show_named', { name: props.name })}
        >
          {translate('console.moderation.show')}
        </Button>
        <ErrorText error={error} />
      </Box>
    );
  }
  return (
    <Box sx={{ display: 'flex', gap: 1, alignItems: 'center', flexWrap: 'wrap' }}>
      <TextField
        size="small"
        id={`${idPrefix}-reason`}
        label={translate('console.moderation.reason')}
        value={reason}
        onChange={(event) => setReason(event.target.value)}
      />
      <Button
        size="small"
        color="warning"
        variant="outlined"
        disabled={busy}
        onClick={() => setAsking(true)}
        aria-label={translate('console.moderation.hide_named', { name: props.name })}
      >
        {translate('console.moderation.hide')}
      </Button>
      <ErrorText error={error} />
      <ConfirmAction
        open={asking}
        title={translate('console.moderation.hide')}
        content={translate('console.moderation.hide_confirm', { name: props.name })}
        loading={busy}
        onConfirm={() => void apply(true)}
        onClose={() => setAsking(false)}
      />
    </Box>
  );
}
