// Small pieces every page uses: order-state chips, money, dates, a confirmed action, a
// provider hook typed with the console's own actions, and a polling hook for running jobs.
import { Alert, Box, Chip, CircularProgress, Typography } from '@mui/material';
import { useEffect, useRef, useState } from 'react';
import {
  Confirm,
  DateField,
  type DateFieldProps,
  useDataProvider,
  useLocale,
  useTranslate,
} from 'react-admin';
import type { ConsoleDataProvider } from '../dataProvider.ts';

export const ORDER_STATES = ['new', 'confirmed', 'assembled', 'sent', 'delivered', 'canceled'] as const;

export function useConsoleData(): ConsoleDataProvider {
  return useDataProvider() as ConsoleDataProvider;
}

const STATE_COLORS: Record<string, 'default' | 'primary' | 'success' | 'warning' | 'error' | 'info'> = {
  new: 'warning',
  confirmed: 'info',
  assembled: 'info',
  sent: 'primary',
  delivered: 'success',
  canceled: 'default',
  queued: 'default',
  running: 'info',
  succeeded: 'success',
  done: 'success',
  failed: 'error',
  active: 'success',
  scheduled: 'info',
  ended: 'default',
  disabled: 'default',
  blocked: 'error',
  unconfirmed: 'warning',
};

/** A state as a coloured chip with its translated name (`console.states.<state>`). */
export function StateChip({ state }: { state?: string | null }) {
  const translate = useTranslate();
  if (!state) return null;
  return (
    <Chip
      size="small"
      color={STATE_COLORS[state] ?? 'default'}
      label={translate(`console.states.${state}`, { _: state })}
    />
  );
}

/** A decimal string from the API shown as money (never parsed into a float for arithmetic). */
export function formatMoney(amount: string | null | undefined, currency = 'RUB', locale = 'ru'): string {
  if (amount === null || amount === undefined || amount === '') return '—';
  const [whole, fraction = ''] = amount.split('.');
  const grouped = Number(whole).toLocaleString(locale === 'en' ? 'en-GB' : 'ru-RU');
  const cents = `${fraction}00`.slice(0, 2);
  const sign = currency === 'RUB' ? '₽' : currency;
  return `${grouped}${locale === 'en' ? '.' : ','}${cents} ${sign}`;
}

export function Money({ amount, currency }: { amount?: string | null; currency?: string }) {
  const locale = useLocale();
  return <span style={{ whiteSpace: 'nowrap' }}>{formatMoney(amount, currency, locale)}</span>;
}

export function formatDate(value: string | null | undefined, locale = 'ru'): string {
  if (!value) return '—';
  return new Date(value).toLocaleString(locale === 'en' ? 'en-GB' : 'ru-RU', {
    dateStyle: 'short',
    timeStyle: 'short',
  });
}

export function DateText({ value }: { value?: string | null }) {
  const locale = useLocale();
  return <span>{formatDate(value, locale)}</span>;
}

/** Loading, error and empty states for the parts of pages that fetch on their own. */
export function Loading({ label }: { label?: string }) {
  const translate = useTranslate();
  return (
    <Box role="status" sx={{ display: 'flex', alignItems: 'center', gap: 1, p: 2 }}>
      <CircularProgress size={20} aria-hidden />
      <Typography variant="body2">{label ?? translate('ra.page.loading')}</Typography>
    </Box>
  );
}

export function ErrorText({ error }: { error: unknown }) {
  const translate = useTranslate();
  if (!error) return null;
  const message = (error as { message?: string }).message ?? String(error);
  return (
    <Alert severity="error" sx={{ my: 1 }}>
      {translate(message, { _: message })}
    </Alert>
  );
}

export function Empty({ text }: { text: string }) {
  return (
    <Typography variant="body2" color="text.secondary" sx={{ p: 2 }}>
      {text}
    </Typography>
  );
}

/** A button's action behind a confirmation dialog (every destructive action goes through one). */
export function ConfirmAction(props: {
  open: boolean;
  title: string;
  content: string;
  loading?: boolean;
  onConfirm: () => void;
  onClose: () => void;
}) {
  return (
    <Confirm
      isOpen={props.open}
      loading={props.loading}
      title={props.title}
      content={props.content}
      onConfirm={props.onConfirm}
      onClose={props.onClose}
      confirm="console.actions.confirm"
      cancel="ra.action.cancel"
    />
  );
}

/** Calls `load` now and every `everyMs` while `active` says so; stops when the page goes away. */
export function usePolling<T>(load: () => Promise<T>, everyMs: number, active: (value: T) => boolean) {
  const [value, setValue] = useState<T | null>(null);
  const [error, setError] = useState<unknown>(null);
  const loadRef = useRef(load);
  loadRef.current = load;
  const activeRef = useRef(active);
  activeRef.current = active;
  const [round, setRound] = useState(0);
  // biome-ignore lint/correctness/useExhaustiveDependencies: `round` restarts the polling on purpose.
  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const tick = async () => {
      try {
        const next = await loadRef.current();
        if (stopped) return;
        setValue(next);
        setError(null);
        if (activeRef.current(next)) timer = setTimeout(tick, everyMs);
      } catch (failure) {
        if (!stopped) setError(failure);
      }
    };
    void tick();
    return () => {
      stopped = true;
      if (timer) clearTimeout(timer);
    };
  }, [everyMs, round]);
  return { value, error, restart: () => setRound((n) => n + 1) };
}

/** Saves a Blob under a file name (exports, coupon CSV). */
export function saveBlob(blob: Blob, name: string) {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** react-admin's DateField in the console's language (not the browser's). */
export function LocalDateField(props: DateFieldProps) {
  const locale = useLocale();
  return <DateField {...props} locales={locale === 'en' ? 'en-GB' : 'ru-RU'} />;
}
