// Pieces the purchasing pages share: a product search field (with an optional preferred shop),
// the report of filling the basket (what went in with which offer, what did not and why), and
// dates and weekdays in the person's language and the schedule's time zone.
import {
  Alert,
  Autocomplete,
  Box,
  CircularProgress,
  MenuItem,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  TextField,
  Typography,
} from '@mui/material';
import { useEffect, useState } from 'react';
import { useLocale, useTranslate } from 'react-admin';
import { Link } from 'react-router-dom';
import { formatMoney, useConsoleData } from '../../components/common.tsx';

export interface ProductHit {
  id: number;
  name: string;
  best_price: string | null;
  currency: string;
  in_stock: boolean;
}

export interface ShopChoice {
  id: number;
  name: string;
  price: string;
  currency: string;
}

/** A product found by typing part of its name (the catalog's search, typos allowed). */
export function ProductSearch(props: {
  value: ProductHit | null;
  onChange: (product: ProductHit | null) => void;
  label?: string;
}) {
  const translate = useTranslate();
  const locale = useLocale();
  const data = useConsoleData();
  const [input, setInput] = useState('');
  const [options, setOptions] = useState<ProductHit[]>([]);
  const [loading, setLoading] = useState(false);
  useEffect(() => {
    const words = input.trim();
    if (words.length < 2) {
      setOptions([]);
      return;
    }
    let current = true;
    setLoading(true);
    const timer = setTimeout(() => {
      data
        .call<{ items: ProductHit[] }>('GET', '/api/v2/products', {
          params: { query: { q: words, limit: 15 } },
        })
        .then(
          (answer) => current && setOptions(answer.items),
          () => current && setOptions([]),
        )
        .finally(() => current && setLoading(false));
    }, 300);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [input, data]);
  return (
    <Autocomplete
      sx={{ minWidth: 260, flex: 2 }}
      options={options}
      value={props.value}
      filterOptions={(all) => all}
      isOptionEqualToValue={(a, b) => a.id === b.id}
      getOptionLabel={(option) => option.name}
      onChange={(_event, product) => props.onChange(product)}
      onInputChange={(_event, text) => setInput(text)}
      loading={loading}
      noOptionsText={translate(
        input.trim().length < 2 ? 'purchasing.product.type_more' : 'purchasing.product.none',
      )}
      loadingText={translate('ra.page.loading')}
      renderOption={({ key, ...rest }, option) => (
        <li key={key} {...rest}>
          <Box>
            <Typography variant="body2">{option.name}</Typography>
            <Typography variant="caption" color="text.secondary">
              {option.in_stock
                ? translate('purchasing.product.from', {
                    price: formatMoney(option.best_price, option.currency, locale),
                  })
                : translate('purchasing.product.out_of_stock')}
            </Typography>
          </Box>
        </li>
      )}
      renderInput={(params) => (
        <TextField
          {...params}
          label={props.label ?? translate('purchasing.product.search')}
          slotProps={{
            input: {
              ...params.InputProps,
              endAdornment: (
                <>
                  {loading ? <CircularProgress size={16} aria-hidden /> : null}
                  {params.InputProps.endAdornment}
                </>
              ),
            },
          }}
        />
      )}
    />
  );
}

/** The shops offering a product (for "preferred shop"), cheapest first. */
export function useProductShops(productId: number | null): ShopChoice[] {
  const data = useConsoleData();
  const [shops, setShops] = useState<ShopChoice[]>([]);
  useEffect(() => {
    setShops([]);
    if (productId === null) return;
    let current = true;
    data
      .call<{ offers: { shop: { id: number; name: string }; price: string; currency: string }[] }>(
        'GET',
        '/api/v2/products/{id}',
        { params: { path: { id: productId } } },
      )
      .then(
        (product) =>
          current &&
          setShops(
            product.offers.map((offer) => ({
              id: offer.shop.id,
              name: offer.shop.name,
              price: offer.price,
              currency: offer.currency,
            })),
          ),
        () => current && setShops([]),
      );
    return () => {
      current = false;
    };
  }, [productId, data]);
  return shops;
}

/** "Any shop (best offer)" or one of the shops offering the product. */
export function PreferredShopSelect(props: {
  shops: ShopChoice[];
  value: number | '';
  onChange: (shopId: number | '') => void;
}) {
  const translate = useTranslate();
  const locale = useLocale();
  return (
    <TextField
      select
      sx={{ minWidth: 200, flex: 1 }}
      label={translate('purchasing.lines.preferred_shop')}
      value={props.value}
      onChange={(event) => props.onChange(event.target.value === '' ? '' : Number(event.target.value))}
    >
      <MenuItem value="">{translate('purchasing.lines.any_shop')}</MenuItem>
      {props.shops.map((shop) => (
        <MenuItem key={shop.id} value={shop.id}>
          {shop.name} — {formatMoney(shop.price, shop.currency, locale)}
        </MenuItem>
      ))}
    </TextField>
  );
}

export interface FillReport {
  added: {
    product_id: number;
    product_name: string;
    offer_id: number;
    shop_name: string;
    quantity: number;
    partial: boolean;
    preferred_unavailable: boolean;
  }[];
  skipped: SkippedLine[];
}

export interface SkippedLine {
  product_id: number;
  product_name: string;
  quantity: number;
  reason: string;
}

/** Why a line did not go into the basket, in words (unknown codes shown as they are). */
export function useReason() {
  const translate = useTranslate();
  return (reason: string) => translate(`purchasing.reasons.${reason}`, { _: reason });
}

export function SkippedTable({ skipped, caption }: { skipped: SkippedLine[]; caption: string }) {
  const translate = useTranslate();
  const reason = useReason();
  if (!skipped.length) return null;
  return (
    <Box sx={{ overflowX: 'auto' }}>
      <Table size="small" aria-label={caption}>
        <TableHead>
          <TableRow>
            <TableCell>{translate('purchasing.report.product')}</TableCell>
            <TableCell align="right">{translate('purchasing.report.quantity_missing')}</TableCell>
            <TableCell>{translate('purchasing.report.reason')}</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {skipped.map((line) => (
            <TableRow key={`${line.product_id}-${line.reason}`}>
              <TableCell>{line.product_name}</TableCell>
              <TableCell align="right">{line.quantity}</TableCell>
              <TableCell>{reason(line.reason)}</TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </Box>
  );
}

/** What filling the basket did: each line added with its shop, then the lines left out and why. */
export function FillReportView({ report }: { report: FillReport }) {
  const translate = useTranslate();
  return (
    <Box sx={{ display: 'grid', gap: 1 }}>
      <Typography variant="subtitle1" component="h3">
        {translate('purchasing.report.added', { smart_count: report.added.length })}
      </Typography>
      {report.added.length ? (
        <Box sx={{ overflowX: 'auto' }}>
          <Table size="small" aria-label={translate('purchasing.report.added_table')}>
            <TableHead>
              <TableRow>
                <TableCell>{translate('purchasing.report.product')}</TableCell>
                <TableCell>{translate('purchasing.report.shop')}</TableCell>
                <TableCell align="right">{translate('purchasing.report.quantity')}</TableCell>
                <TableCell>{translate('purchasing.report.note')}</TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {report.added.map((line) => (
                <TableRow key={`${line.offer_id}`}>
                  <TableCell>{line.product_name}</TableCell>
                  <TableCell>{line.shop_name}</TableCell>
                  <TableCell align="right">{line.quantity}</TableCell>
                  <TableCell>
                    {[
                      line.partial ? translate('purchasing.report.partial') : '',
                      line.preferred_unavailable ? translate('purchasing.report.preferred_unavailable') : '',
                    ]
                      .filter(Boolean)
                      .join('; ')}
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </Box>
      ) : null}
      {report.skipped.length ? (
        <>
          <Alert severity="warning">
            {translate('purchasing.report.skipped', { smart_count: report.skipped.length })}
          </Alert>
          <SkippedTable skipped={report.skipped} caption={translate('purchasing.report.skipped_table')} />
        </>
      ) : null}
      <Box>
        <Link to="/basket">{translate('purchasing.report.to_basket')}</Link>
      </Box>
    </Box>
  );
}

const WEEKDAY_BASE = Date.UTC(2024, 0, 1); // a Monday

/** ISO weekday (1 = Monday … 7 = Sunday) as a name in the person's language. */
export function weekdayName(day: number, locale: string, width: 'long' | 'short' = 'long'): string {
  return new Date(WEEKDAY_BASE + (day - 1) * 86_400_000).toLocaleDateString(
    locale === 'en' ? 'en-GB' : 'ru-RU',
    { weekday: width, timeZone: 'UTC' },
  );
}

/** A moment as the date, weekday and time in the given time zone (the schedule's own). */
export function formatSlot(value: string | null | undefined, locale: string, timeZone?: string): string {
  if (!value) return '—';
  return new Date(value).toLocaleString(locale === 'en' ? 'en-GB' : 'ru-RU', {
    weekday: 'short',
    day: 'numeric',
    month: 'long',
    hour: '2-digit',
    minute: '2-digit',
    timeZone,
  });
}

type FieldErrors = { [key: string]: string | FieldErrors };

function hasFieldErrors(errors: FieldErrors | undefined): boolean {
  return Object.keys(errors ?? {}).some((key) => key !== 'root');
}

/**
 * An API problem in words (its detail). On a form that shows each field's error beside the field
 * (`fieldsShown`), a problem with field errors says only to look at the marked fields.
 */
export function ProblemText({ error, fieldsShown }: { error: unknown; fieldsShown?: boolean }) {
  const translate = useTranslate();
  if (!error) return null;
  const message = (error as { message?: string }).message ?? String(error);
  const onFields = fieldsShown && hasFieldErrors((error as { body?: { errors?: FieldErrors } }).body?.errors);
  return (
    <Alert severity="error" sx={{ my: 1 }}>
      {onFields ? translate('purchasing.fix_fields') : translate(message, { _: message })}
    </Alert>
  );
}
