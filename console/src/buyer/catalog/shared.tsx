// What the buyer's pages share: the shapes they read from /api/v2, the basket as a hook, the
// supplier's terms in words, dates in the reader's language, and the API's refusals in words.
import { Alert, AlertTitle, Chip, LinearProgress, Stack, Typography } from '@mui/material';
import { useCallback, useEffect, useState } from 'react';
import { useLocale, useTranslate } from 'react-admin';
import { Money, useConsoleData } from '../../components/common.tsx';

export interface ShopTerms {
  min_order_amount: string | null;
  delivery_days: number[];
  lead_time_days: number;
  order_cutoff: string | null;
  time_zone: string;
}

export type LineProblem =
  | 'offer_unavailable'
  | 'shop_not_accepting_orders'
  | 'out_of_stock'
  | 'price_changed';

export interface BasketLine {
  id: number;
  offer_id: number;
  product_id: number;
  product_name: string;
  name: string;
  external_id: string;
  quantity: number;
  available_quantity: number;
  unit_price: string;
  price_when_added: string;
  price_rrc: string;
  amount: string;
  discount: string;
  total: string;
  problems: LineProblem[];
}

export interface PartDelivery {
  min_order_amount: string | null;
  minimum_reached: boolean;
  missing_amount: string;
  expected_delivery_date: string;
}

export interface BasketGroup {
  shop: { id: number; name: string; accepting_orders: boolean };
  lines: BasketLine[];
  subtotal: string;
  lines_discount: string;
  order_discount: string;
  total: string;
  delivery: PartDelivery;
}

export interface BasketCoupon {
  code: string;
  description: string;
  status: string;
  discount: string;
  min_order_amount: string | null;
}

export interface Basket {
  currency: string | null;
  groups: BasketGroup[];
  items_count: number;
  subtotal: string;
  lines_discount: string;
  order_discount: string;
  total: string;
  coupon: BasketCoupon | null;
  has_blocking_problems: boolean;
}

/** The basket, loaded on mount; `set` takes an answer that carries the basket (optimize, reorder). */
export function useBasket() {
  const data = useConsoleData();
  const [basket, setBasket] = useState<Basket | null>(null);
  const [error, setError] = useState<unknown>(null);
  const reload = useCallback(
    () =>
      data.call<Basket>('GET', '/api/v2/basket').then(
        (answer) => {
          setBasket(answer);
          setError(null);
          return answer;
        },
        (failure) => {
          setError(failure);
          return null;
        },
      ),
    [data],
  );
  useEffect(() => {
    reload();
  }, [reload]);
  return { basket, error, reload, set: setBasket };
}

/** "2026-12-08" as "вт, 8 декабря" (the date is the shop's local day: no time zone shift). */
export function formatDay(day: string | null | undefined, locale: string): string {
  if (!day) return '—';
  const [year, month, date] = day.split('-').map(Number);
  return new Date(Date.UTC(year, month - 1, date)).toLocaleDateString(locale === 'en' ? 'en-GB' : 'ru-RU', {
    weekday: 'short',
    day: 'numeric',
    month: 'long',
    timeZone: 'UTC',
  });
}

export function Day({ value }: { value?: string | null }) {
  const locale = useLocale();
  return <span style={{ whiteSpace: 'nowrap' }}>{formatDay(value, locale)}</span>;
}

/** ISO weekdays as short names: [2, 4] → "вт, чт". */
export function weekdays(days: number[], locale: string): string {
  const monday = Date.UTC(2024, 0, 1); // a Monday
  return days
    .map((day) =>
      new Date(monday + (day - 1) * 86_400_000).toLocaleDateString(locale === 'en' ? 'en-GB' : 'ru-RU', {
        weekday: 'short',
        timeZone: 'UTC',
      }),
    )
    .join(', ');
}

/** The shop's terms as short lines (minimum, delivery days, lead time, cut-off). */
export function TermsText({ terms }: { terms: ShopTerms }) {
  const translate = useTranslate();
  const locale = useLocale();
  return (
    <Stack spacing={0.25}>
      <Typography variant="body2">
        {translate('buyer.terms.minimum')}:{' '}
        {terms.min_order_amount ? (
          <Money amount={terms.min_order_amount} />
        ) : (
          translate('buyer.terms.no_minimum')
        )}
      </Typography>
      <Typography variant="body2">
        {translate('buyer.terms.days')}:{' '}
        {terms.delivery_days.length === 7
          ? translate('buyer.terms.every_day')
          : weekdays(terms.delivery_days, locale)}
      </Typography>
      <Typography variant="body2">
        {translate('buyer.terms.lead_time')}:{' '}
        {translate('buyer.terms.lead_days', { smart_count: terms.lead_time_days })}
      </Typography>
      <Typography variant="body2">
        {translate('buyer.terms.cutoff')}: {terms.order_cutoff ?? translate('buyer.terms.no_cutoff')}
      </Typography>
    </Stack>
  );
}

const PROBLEM_COLOR: Record<string, 'error' | 'warning'> = { price_changed: 'warning' };

export function ProblemChips({ problems }: { problems: string[] }) {
  const translate = useTranslate();
  return (
    <>
      {problems.map((problem) => (
        <Chip
          key={problem}
          size="small"
          color={PROBLEM_COLOR[problem] ?? 'error'}
          label={translate(`buyer.problems.${problem}`, { _: problem })}
          sx={{ mr: 0.5, mt: 0.5 }}
        />
      ))}
    </>
  );
}

/** A supplier part's minimum: a bar and "reached" or "X more needed". */
export function MinimumProgress({ delivery, subtotal }: { delivery: PartDelivery; subtotal: string }) {
  const translate = useTranslate();
  if (!delivery.min_order_amount) {
    return (
      <Typography variant="body2" color="text.secondary">
        {translate('buyer.terms.no_minimum')}
      </Typography>
    );
  }
  // A share for the bar only: money itself is never computed in floats here.
  const share = Math.min(100, (Number(subtotal) / Number(delivery.min_order_amount)) * 100);
  return (
    <Stack spacing={0.5} sx={{ minWidth: 200 }}>
      <LinearProgress
        variant="determinate"
        value={share}
        color={delivery.minimum_reached ? 'success' : 'warning'}
        aria-label={translate('buyer.basket.minimum_progress')}
      />
      <Typography variant="body2" color={delivery.minimum_reached ? 'success.main' : 'warning.main'}>
        {delivery.minimum_reached ? (
          <>
            {translate('buyer.basket.minimum_reached')} (<Money amount={delivery.min_order_amount} />)
          </>
        ) : (
          <>
            {translate('buyer.basket.minimum_missing')} <Money amount={delivery.missing_amount} />{' '}
            {translate('buyer.basket.minimum_of')} <Money amount={delivery.min_order_amount} />
          </>
        )}
      </Typography>
    </Stack>
  );
}

interface Problem {
  message?: string;
  status?: number;
  body?: { code?: string; parts?: { shop_name: string; missing_amount: string }[] };
}

/** A refusal of the API: a title a buyer understands (by its code) and the API's own detail. */
export function ApiProblem({ error }: { error: unknown }) {
  const translate = useTranslate();
  if (!error) return null;
  const problem = error as Problem;
  const code = problem.body?.code;
  const message = problem.message ?? String(error);
  const title = code ? translate(`buyer.errors.${code}`, { _: '' }) : '';
  return (
    <Alert severity="error" sx={{ my: 1 }}>
      {title ? <AlertTitle>{title}</AlertTitle> : null}
      {translate(message, { _: message })}
    </Alert>
  );
}
