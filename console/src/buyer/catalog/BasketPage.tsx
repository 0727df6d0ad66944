// The basket grouped by supplier: lines with quantity edits and removal and their problems; per
// supplier the subtotal, the minimum-order progress and the expected delivery date; the coupon;
// the optimizer's preview and apply; the way to checkout.
import DeleteIcon from '@mui/icons-material/Delete';
import ShoppingCartCheckoutIcon from '@mui/icons-material/ShoppingCartCheckout';
import {
  Alert,
  Box,
  Button,
  Card,
  CardContent,
  IconButton,
  Stack,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  TextField,
  Typography,
} from '@mui/material';
import { useEffect, useState } from 'react';
import { Title, useTranslate } from 'react-admin';
import { Link } from 'react-router-dom';
import { ConfirmAction, Loading, Money, useConsoleData } from '../../components/common.tsx';
import { CouponBox, OptimizePanel } from './basket-tools.tsx';
import {
  ApiProblem,
  type Basket,
  type BasketGroup,
  type BasketLine,
  Day,
  MinimumProgress,
  ProblemChips,
  useBasket,
} from './shared.tsx';

export function BasketPage() {
  const translate = useTranslate();
  const data = useConsoleData();
  const { basket, error, reload, set } = useBasket();
  const [actionError, setActionError] = useState<unknown>(null);
  const [clearing, setClearing] = useState(false);
  const run = async (action: () => Promise<unknown>) => {
    setActionError(null);
    try {
      const answer = await action();
      if (answer && typeof answer === 'object' && 'groups' in answer) set(answer as Basket);
      else await reload();
    } catch (failure) {
      setActionError(failure);
      await reload();
    }
  };
  const belowMinimum = basket?.groups.filter((group) => !group.delivery.minimum_reached) ?? [];

  return (
    <Box sx={{ p: { xs: 1, sm: 2 }, display: 'grid', gap: 2 }}>
      <Title title="buyer.basket.title" />
      <Typography variant="h5" component="h1">
        {translate('buyer.basket.title')}
      </Typography>
      <ApiProblem error={error} />
      <ApiProblem error={actionError} />
      {!basket && !error ? <Loading /> : null}
      {basket && basket.groups.length === 0 ? (
        <Alert
          severity="info"
          action={
            <Button component={Link} to="/catalog">
              {translate('buyer.catalog.title')}
            </Button>
          }
        >
          {translate('buyer.basket.empty')}
        </Alert>
      ) : null}
      {basket?.groups.map((group) => (
        <SupplierGroup
          key={group.shop.id}
          group={group}
          onQuantity={(line, quantity) =>
            run(() =>
              data.call('PATCH', '/api/v2/basket/items/{id}', {
                params: { path: { id: line.id } },
                body: { quantity },
              }),
            )
          }
          onRemove={(line) =>
            run(() => data.call('DELETE', '/api/v2/basket/items/{id}', { params: { path: { id: line.id } } }))
          }
        />
      ))}
      {basket?.groups.length ? (
        <>
          <OptimizePanel onApplied={set} />
          <CouponBox basket={basket} onChanged={reload} />
          <Card variant="outlined">
            <CardContent
              sx={{
                display: 'flex',
                flexWrap: 'wrap',
                gap: 2,
                alignItems: 'center',
                justifyContent: 'space-between',
              }}
            >
              <BasketTotals basket={basket} />
              <Stack direction="row" spacing={1}>
                <Button color="error" onClick={() => setClearing(true)}>
                  {translate('buyer.basket.clear')}
                </Button>
                <Button
                  variant="contained"
                  size="large"
                  startIcon={<ShoppingCartCheckoutIcon />}
                  component={Link}
                  to="/checkout"
                  disabled={basket.has_blocking_problems}
                >
                  {translate('buyer.basket.checkout')}
                </Button>
              </Stack>
              {basket.has_blocking_problems ? (
                <Alert severity="warning" sx={{ width: '100%' }}>
                  {translate('buyer.basket.blocking')}
                </Alert>
              ) : null}
              {belowMinimum.length ? (
                <Alert severity="warning" sx={{ width: '100%' }}>
                  {translate('buyer.basket.below_minimum', {
                    shops: belowMinimum.map((group) => `«${group.shop.name}»`).join(', '),
                  })}
                </Alert>
              ) : null}
            </CardContent>
          </Card>
          <ConfirmAction
            open={clearing}
            title={translate('buyer.basket.clear')}
            content={translate('buyer.basket.clear_confirm')}
            onClose={() => setClearing(false)}
            onConfirm={() => {
              setClearing(false);
              run(() => data.call('DELETE', '/api/v2/basket'));
            }}
          />
        </>
      ) : null}
    </Box>
  );
}

export function BasketTotals({ basket }: { basket: Basket }) {
  const translate = useTranslate();
  const discount = basket.lines_discount !== '0.00' || basket.order_discount !== '0.00';
  return (
    <Box>
      <Typography variant="body2" color="text.secondary">
        {translate('buyer.basket.items', { smart_count: basket.items_count })}
        {discount ? (
          <>
            {' '}
            · {translate('buyer.basket.subtotal')} <Money amount={basket.subtotal} />
          </>
        ) : null}
      </Typography>
      <Typography variant="h5" component="p" aria-label={translate('buyer.basket.total')}>
        {translate('buyer.basket.total')}: <Money amount={basket.total} />
      </Typography>
    </Box>
  );
}

function SupplierGroup(props: {
  group: BasketGroup;
  onQuantity: (line: BasketLine, quantity: number) => void;
  onRemove: (line: BasketLine) => void;
}) {
  const translate = useTranslate();
  const { group } = props;
  return (
    <Card variant="outlined" component="section" aria-label={group.shop.name}>
      <CardContent sx={{ display: 'grid', gap: 1 }}>
        <Stack
          direction="row"
          sx={{ justifyContent: 'space-between', flexWrap: 'wrap', gap: 2, alignItems: 'flex-start' }}
        >
          <Box>
            <Typography variant="h6" component="h2">
              {group.shop.name}
            </Typography>
            <Typography variant="body2">
              {translate('buyer.basket.delivery')}:{' '}
              <strong>
                <Day value={group.delivery.expected_delivery_date} />
              </strong>
            </Typography>
            {!group.shop.accepting_orders ? (
              <Typography variant="body2" color="error.main">
                {translate('buyer.problems.shop_not_accepting_orders')}
              </Typography>
            ) : null}
          </Box>
          <MinimumProgress delivery={group.delivery} subtotal={group.subtotal} />
        </Stack>
        <Box sx={{ overflowX: 'auto' }}>
          <Table size="small">
            <TableHead>
              <TableRow>
                <TableCell>{translate('buyer.catalog.product')}</TableCell>
                <TableCell align="right">{translate('buyer.product.price')}</TableCell>
                <TableCell align="right">{translate('buyer.product.quantity')}</TableCell>
                <TableCell align="right">{translate('buyer.basket.line_total')}</TableCell>
                <TableCell />
              </TableRow>
            </TableHead>
            <TableBody>
              {group.lines.map((line) => (
                <LineRow key={line.id} line={line} onQuantity={props.onQuantity} onRemove={props.onRemove} />
              ))}
            </TableBody>
          </Table>
        </Box>
        <Typography variant="body1" sx={{ textAlign: 'right' }}>
          {translate('buyer.basket.supplier_total')}:{' '}
          <strong>
            <Money amount={group.total} />
          </strong>
          {group.total !== group.subtotal ? (
            <Typography component="span" variant="body2" color="text.secondary">
              {' '}
              ({translate('buyer.basket.before_discounts')} <Money amount={group.subtotal} />)
            </Typography>
          ) : null}
        </Typography>
      </CardContent>
    </Card>
  );
}

function LineRow(props: {
  line: BasketLine;
  onQuantity: (line: BasketLine, quantity: number) => void;
  onRemove: (line: BasketLine) => void;
}) {
  const translate = useTranslate();
  const { line } = props;
  const [quantity, setQuantity] = useState(String(line.quantity));
  useEffect(() => setQuantity(String(line.quantity)), [line.quantity]);
  const save = () => {
    const wanted = Number(quantity);
    if (Number.isInteger(wanted) && wanted >= 1 && wanted !== line.quantity) props.onQuantity(line, wanted);
    else setQuantity(String(line.quantity));
  };
  return (
    <TableRow>
      <TableCell>
        <Link to={`/catalog/${line.product_id}`}>{line.product_name}</Link>
        <Typography variant="caption" color="text.secondary" component="div">
          {line.external_id} · {translate('buyer.basket.available', { count: line.available_quantity })}
        </Typography>
        <ProblemChips problems={line.problems} />
      </TableCell>
      <TableCell align="right">
        <Money amount={line.unit_price} />
        {line.problems.includes('price_changed') ? (
          <Typography variant="caption" color="warning.main" component="div">
            {translate('buyer.basket.was')} <Money amount={line.price_when_added} />
          </Typography>
        ) : null}
      </TableCell>
      <TableCell align="right">
        <TextField
          size="small"
          type="number"
          value={quantity}
          onChange={(event) => setQuantity(event.target.value)}
          onBlur={save}
          onKeyDown={(event) => {
            if (event.key === 'Enter') save();
          }}
          sx={{ width: 90 }}
          slotProps={{
            htmlInput: {
              min: 1,
              'aria-label': translate('buyer.basket.quantity_of', { name: line.product_name }),
            },
          }}
        />
      </TableCell>
      <TableCell align="right">
        <Money amount={line.total} />
        {line.discount !== '0.00' ? (
          <Typography variant="caption" color="success.main" component="div">
            −<Money amount={line.discount} />
          </Typography>
        ) : null}
      </TableCell>
      <TableCell align="right">
        <IconButton
          aria-label={translate('buyer.basket.remove', { name: line.product_name })}
          onClick={() => props.onRemove(line)}
        >
          <DeleteIcon />
        </IconButton>
      </TableCell>
    </TableRow>
  );
}
