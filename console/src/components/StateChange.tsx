// Moving an order (or one supplier's part of it) to another state: only the targets the API's
// transition table allows (`allowed_states` of the view) are offered, with an optional note.
// Cancelling asks for a confirmation first.
import { Box, Button, FormControl, InputLabel, MenuItem, Select, TextField } from '@mui/material';
import { useState } from 'react';
import { useNotify, useTranslate } from 'react-admin';
import type { OrderState } from '../dataProvider.ts';
import { ConfirmAction, ErrorText } from './common.tsx';

export function StateChange(props: {
  /** Distinguishes the controls of several parts on one page (ids and accessible names). */
  idPrefix: string;
  label: string;
  allowed: readonly string[];
  onChange: (state: OrderState, note: string) => Promise<unknown>;
}) {
  const translate = useTranslate();
  const notify = useNotify();
  const [state, setState] = useState('');
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [asking, setAsking] = useState(false);
  const [error, setError] = useState<unknown>(null);
  if (!props.allowed.length) return null;

  const apply = async () => {
    setAsking(false);
    setBusy(true);
    setError(null);
    try {
      await props.onChange(state as OrderState, note.trim());
      notify('console.orders.state_changed', { type: 'success' });
      setState('');
      setNote('');
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };
  const selectId = `${props.idPrefix}-state`;
  return (
    <Box
      component="form"
      aria-label={props.label}
      onSubmit={(event) => {
        event.preventDefault();
        if (!state) return;
        if (state === 'canceled') setAsking(true);
        else void apply();
      }}
      sx={{ display: 'flex', flexWrap: 'wrap', gap: 1, alignItems: 'flex-start', my: 1 }}
    >
      <FormControl size="small" sx={{ width: 240 }}>
        <InputLabel id={`${selectId}-label`}>{translate('console.orders.new_state')}</InputLabel>
        <Select
          labelId={`${selectId}-label`}
          id={selectId}
          value={state}
          label={translate('console.orders.new_state')}
          onChange={(event) => setState(event.target.value)}
        >
          {props.allowed.map((target) => (
            <MenuItem key={target} value={target}>
              {translate(`console.states.${target}`, { _: target })}
            </MenuItem>
          ))}
        </Select>
      </FormControl>
      <TextField
        size="small"
        id={`${props.idPrefix}-note`}
        label={translate('console.orders.note')}
        value={note}
        onChange={(event) => setNote(event.target.value)}
        sx={{ width: { xs: '100%', sm: 360 } }}
      />
      <Button type="submit" variant="contained" disabled={!state || busy}>
        {translate('console.orders.apply_state')}
      </Button>
      <ErrorText error={error} />
      <ConfirmAction
        open={asking}
        title={translate('console.orders.cancel_title')}
        content={translate('console.orders.cancel_confirm')}
        loading={busy}
        onConfirm={() => void apply()}
        onClose={() => setAsking(false)}
      />
    </Box>
  );
}
