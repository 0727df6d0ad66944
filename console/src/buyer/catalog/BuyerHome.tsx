// The buyer's home: a search box into the catalog, the basket at a glance (total, suppliers below
// their minimum, problems) and the latest orders.
import SearchIcon from '@mui/icons-material/Search';
import {
  Alert,
  Box,
  Button,
  Card,
  CardContent,
  InputAdornment,
  List,
  ListItemButton,
  ListItemText,
  TextField,
  Typography,
} from '@mui/material';
import { type FormEvent, useEffect, useState } from 'react';
import { Title, useTranslate } from 'react-admin';
import { Link, useNavigate } from 'react-router-dom';
import { DateText, Empty, Loading, Money, StateChip, useConsoleData } from '../../components/common.tsx';
import { ApiProblem, useBasket } from './shared.tsx';

interface OrderSummary {
  id: number;
  number: string;
  state: string;
  created_at: string;
  total: string;
}

export function BuyerHome() {
  const translate = useTranslate();
  const navigate = useNavigate();
  const data = useConsoleData();
  const { basket, error } = useBasket();
  const [orders, setOrders] = useState<OrderSummary[] | null>(null);
  const [ordersError, setOrdersError] = useState<unknown>(null);
  const [text, setText] = useState('');
  useEffect(() => {
    data
      .call<{ items: OrderSummary[] }>('GET', '/api/v2/orders', { params: { query: { limit: 5 } } })
      .then((answer) => setOrders(answer.items), setOrdersError);
  }, [data]);
  const search = (event: FormEvent) => {
    event.preventDefault();
    navigate(text.trim() ? `/catalog?q=${encodeURIComponent(text.trim())}` : '/catalog');
  };
  const below = basket?.groups.filter((group) => !group.delivery.minimum_reached) ?? [];
  return (
    <Box sx={{ p: { xs: 1, sm: 2 }, display: 'grid', gap: 2 }}>
      <Title title="console.home.title" />
      <Typography variant="h5" component="h1">
        {translate('buyer.home.title')}
      </Typography>
      <Box component="form" role="search" onSubmit={search} sx={{ display: 'flex', gap: 1, maxWidth: 720 }}>
        <TextField
          fullWidth
          size="small"
          label={translate('buyer.catalog.search')}
          placeholder={translate('buyer.catalog.search_placeholder')}
          value={text}
          onChange={(event) => setText(event.target.value)}
          slotProps={{
            input: {
              startAdornment: (
                <InputAdornment position="start">
                  <SearchIcon />
                </InputAdornment>
              ),
            },
          }}
        />
        <Button type="submit" variant="contained">
          {translate('buyer.catalog.find')}
        </Button>
      </Box>
      <Box
        sx={{
          display: 'grid',
          gap: 2,
          gridTemplateColumns: { xs: '1fr', md: '1fr 1fr' },
          alignItems: 'start',
        }}
      >
        <Card variant="outlined" component="section" aria-label={translate('buyer.menu.basket')}>
          <CardContent sx={{ display: 'grid', gap: 1 }}>
            <Typography variant="h6" component="h2">
              {translate('buyer.menu.basket')}
            </Typography>
            <ApiProblem error={error} />
            {!basket && !error ? <Loading /> : null}
            {basket && basket.items_count === 0 ? <Empty text={translate('buyer.basket.empty')} /> : null}
            {basket && basket.items_count > 0 ? (
              <>
                <Typography variant="body1">
                  {translate('buyer.home.basket_summary', {
                    smart_count: basket.items_count,
                    suppliers: basket.groups.length,
                  })}
                  :{' '}
                  <strong>
                    <Money amount={basket.total} />
                  </strong>
                </Typography>
                {below.map((group) => (
                  <Alert key={group.shop.id} severity="warning">
                    {group.shop.name}: {translate('buyer.basket.minimum_missing')}{' '}
                    <Money amount={group.delivery.missing_amount} />
                  </Alert>
                ))}
                {basket.has_blocking_problems ? (
                  <Alert severity="error">{translate('buyer.basket.blocking')}</Alert>
                ) : null}
              </>
            ) : null}
            <Box>
              <Button component={Link} to="/basket" variant="outlined">
                {translate('buyer.home.open_basket')}
              </Button>
            </Box>
          </CardContent>
        </Card>
        <Card variant="outlined" component="section" aria-label={translate('buyer.home.recent_orders')}>
          <CardContent>
            <Typography variant="h6" component="h2">
              {translate('buyer.home.recent_orders')}
            </Typography>
            <ApiProblem error={ordersError} />
            {!orders && !ordersError ? <Loading /> : null}
            {orders?.length === 0 ? <Empty text={translate('buyer.orders.none')} /> : null}
            <List dense>
              {orders?.map((order) => (
                <ListItemButton key={order.id} component={Link} to={`/my-orders/${order.id}/show`}>
                  <ListItemText
                    primary={
                      <>
                        {order.number} <StateChip state={order.state} />
                      </>
                    }
                    secondary={
                      <>
                        <DateText value={order.created_at} /> · <Money amount={order.total} />
                      </>
                    }
                  />
                </ListItemButton>
              ))}
            </List>
            <Button component={Link} to="/my-orders">
              {translate('buyer.home.all_orders')}
            </Button>
          </CardContent>
        </Card>
      </Box>
    </Box>
  );
}
