// The basket's tools: the coupon (attach, its status and why it does or does not apply, remove)
// and the best-offer optimizer (a preview of each move and the totals, then apply).
import SavingsIcon from '@mui/icons-material/Savings';
import {
  Alert,
  Box,
  Button,
  Card,
  CardContent,
  Chip,
  Stack,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  TextField,
  Typography,
} from '@mui/material';
import { type FormEvent, useState } from 'react';
import { useNotify, useTranslate } from 'react-admin';
import { Money, useConsoleData } from '../../components/common.tsx';
import { ApiProblem, type Basket } from './shared.tsx';

/** The coupon's answers are the coupon (POST) or nothing (DELETE): the basket is read again after. */
export function CouponBox({ basket, onChanged }: { basket: Basket; onChanged: () => Promise<unknown> }) {
  const translate = useTranslate();
  const data = useConsoleData();
  const [code, setCode] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const act = async (action: () => Promise<unknown>) => {
    setBusy(true);
    setError(null);
    try {
      await action();
      await onChanged();
      setCode('');
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };
  const attach = (event: FormEvent) => {
    event.preventDefault();
    if (code.trim()) act(() => data.call('POST', '/api/v2/basket/coupon', { body: { code: code.trim() } }));
  };
  const coupon = basket.coupon;
  return (
    <Card variant="outlined" component="section" aria-label={translate('buyer.coupon.title')}>
      <CardContent sx={{ display: 'grid', gap: 1 }}>
        <Typography variant="subtitle1" component="h2">
          {translate('buyer.coupon.title')}
        </Typography>
        {coupon ? (
          <Stack direction="row" sx={{ alignItems: 'center', gap: 1, flexWrap: 'wrap' }}>
            <Chip label={coupon.code} color={coupon.status === 'applied' ? 'success' : 'warning'} />
            <Typography variant="body2">{coupon.description}</Typography>
            <Typography variant="body2" color={coupon.status === 'applied' ? 'success.main' : 'warning.main'}>
              {translate(`buyer.coupon.status.${coupon.status}`, { _: coupon.status })}
              {coupon.status === 'applied' ? (
                <>
                  : −<Money amount={coupon.discount} />
                </>
              ) : null}
              {coupon.status === 'min_amount' && coupon.min_order_amount ? (
                <>
                  {' '}
                  (<Money amount={coupon.min_order_amount} />)
                </>
              ) : null}
            </Typography>
            <Button
              size="small"
              disabled={busy}
              onClick={() => act(() => data.call('DELETE', '/api/v2/basket/coupon'))}
            >
              {translate('buyer.coupon.remove')}
            </Button>
          </Stack>
        ) : (
          <Box component="form" onSubmit={attach} sx={{ display: 'flex', gap: 1, flexWrap: 'wrap' }}>
            <TextField
              size="small"
              label={translate('buyer.coupon.code')}
              sx={{ width: 260 }}
              value={code}
              onChange={(event) => setCode(event.target.value)}
            />
            <Button type="submit" disabled={busy || !code.trim()}>
              {translate('buyer.coupon.apply')}
            </Button>
          </Box>
        )}
        <ApiProblem error={error} />
      </CardContent>
    </Card>
  );
}

interface OfferRef {
  offer_id: number;
  shop_id: number;
  shop_name: string;
  unit_price: string;
}

interface OptimizeResult {
  applied: boolean;
  exact: boolean;
  feasible: boolean;
  total_before: string;
  total_after: string;
  saving: string;
  moves: {
    product_id: number;
    product_name: string;
    quantity: number;
    from: OfferRef;
    to: OfferRef;
    saving: string;
  }[];
  unresolved: { product_id: number; product_name: string; quantity: number; reason: string }[];
  basket: Basket | null;
}

export function OptimizePanel({ onApplied }: { onApplied: (basket: Basket) => void }) {
  const translate = useTranslate();
  const notify = useNotify();
  const data = useConsoleData();
  const [preview, setPreview] = useState<OptimizeResult | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const optimize = async (apply: boolean) => {
    setBusy(true);
    setError(null);
    try {
      const result = await data.call<OptimizeResult>('POST', '/api/v2/basket/optimize', { body: { apply } });
      if (apply) {
        setPreview(null);
        if (result.basket) onApplied(result.basket);
        notify('buyer.optimize.applied', { type: 'success', messageArgs: { saving: result.saving } });
      } else {
        setPreview(result);
      }
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };
  const improves = preview && preview.moves.length > 0 && preview.saving !== '0.00';
  return (
    <Card variant="outlined" component="section" aria-label={translate('buyer.optimize.title')}>
      <CardContent sx={{ display: 'grid', gap: 1 }}>
        <Stack
          direction="row"
          sx={{ justifyContent: 'space-between', alignItems: 'center', flexWrap: 'wrap', gap: 1 }}
        >
          <Box>
            <Typography variant="subtitle1" component="h2">
              {translate('buyer.optimize.title')}
            </Typography>
            <Typography variant="body2" color="text.secondary">
              {translate('buyer.optimize.hint')}
            </Typography>
          </Box>
          <Button
            variant="outlined"
            startIcon={<SavingsIcon />}
            disabled={busy}
            onClick={() => optimize(false)}
          >
            {translate('buyer.optimize.preview')}
          </Button>
        </Stack>
        <ApiProblem error={error} />
        {preview && !improves ? (
          <Alert severity="success">{translate('buyer.optimize.nothing')}</Alert>
        ) : null}
        {preview && improves ? (
          <Box sx={{ display: 'grid', gap: 1 }}>
            <Box sx={{ overflowX: 'auto' }}>
              <Table size="small" aria-label={translate('buyer.optimize.moves')}>
                <TableHead>
                  <TableRow>
                    <TableCell>{translate('buyer.catalog.product')}</TableCell>
                    <TableCell align="right">{translate('buyer.product.quantity')}</TableCell>
                    <TableCell>{translate('buyer.optimize.from')}</TableCell>
                    <TableCell>{translate('buyer.optimize.to')}</TableCell>
                    <TableCell align="right">{translate('buyer.optimize.saving_header')}</TableCell>
                  </TableRow>
                </TableHead>
                <TableBody>
                  {preview.moves.map((move) => (
                    <TableRow key={`${move.from.offer_id}-${move.to.offer_id}`}>
                      <TableCell>{move.product_name}</TableCell>
                      <TableCell align="right">{move.quantity}</TableCell>
                      <TableCell>
                        {move.from.shop_name}, <Money amount={move.from.unit_price} />
                      </TableCell>
                      <TableCell>
                        {move.to.shop_name}, <Money amount={move.to.unit_price} />
                      </TableCell>
                      <TableCell align="right">
                        <Money amount={move.saving} />
                      </TableCell>
                    </TableRow>
                  ))}
                </TableBody>
              </Table>
            </Box>
            {preview.unresolved.map((line) => (
              <Alert key={line.product_id} severity="warning">
                {translate('buyer.optimize.unresolved', { name: line.product_name, count: line.quantity })}
              </Alert>
            ))}
            {!preview.feasible ? (
              <Alert severity="warning">{translate('buyer.optimize.infeasible')}</Alert>
            ) : null}
            <Stack direction="row" sx={{ alignItems: 'center', gap: 2, flexWrap: 'wrap' }}>
              <Typography variant="body1" aria-label={translate('buyer.optimize.totals')}>
                {translate('buyer.optimize.before')} <Money amount={preview.total_before} /> →{' '}
                {translate('buyer.optimize.after')}{' '}
                <strong>
                  <Money amount={preview.total_after} />
                </strong>
                , {translate('buyer.optimize.saving')}{' '}
                <strong>
                  <Money amount={preview.saving} />
                </strong>
              </Typography>
              <Button variant="contained" color="success" disabled={busy} onClick={() => optimize(true)}>
                {translate('buyer.optimize.apply')}
              </Button>
              <Button disabled={busy} onClick={() => setPreview(null)}>
                {translate('ra.action.cancel')}
              </Button>
            </Stack>
          </Box>
        ) : null}
      </CardContent>
    </Card>
  );
}
