// The home page. Staff: what needs attention now, each figure a link to the filtered list.
// Suppliers: their shop at a glance with links to the price list and the orders. Buyers: their
// basket, latest orders and a search box (buyer/catalog/BuyerHome.tsx).
import { Alert, Box, Card, CardActionArea, CardContent, Grid, Typography } from '@mui/material';
import { useEffect, useState } from 'react';
import { Title, usePermissions, useTranslate } from 'react-admin';
import { Link } from 'react-router-dom';
import { BuyerHome } from '../buyer/catalog/BuyerHome.tsx';
import { ErrorText, Loading, Money, useConsoleData } from '../components/common.tsx';
import { BuyerPage } from './BuyerPage.tsx';

function Tile(props: { label: string; value: React.ReactNode; to: string; warn?: boolean }) {
  return (
    <Card variant="outlined" sx={{ height: '100%', borderColor: props.warn ? 'warning.main' : undefined }}>
      <CardActionArea component={Link} to={props.to} sx={{ height: '100%' }}>
        <CardContent>
          <Typography variant="body2" color="text.secondary">
            {props.label}
          </Typography>
          <Typography variant="h4" component="p">
            {props.value}
          </Typography>
        </CardContent>
      </CardActionArea>
    </Card>
  );
}

const filterLink = (resource: string, filter: Record<string, unknown>) =>
  `/${resource}?filter=${encodeURIComponent(JSON.stringify(filter))}`;

function todayIso() {
  const now = new Date();
  return `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, '0')}-${String(now.getDate()).padStart(2, '0')}`;
}

function StaffHome() {
  const translate = useTranslate();
  const data = useConsoleData();
  const [figures, setFigures] = useState<any>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    data.call('GET', '/api/v2/admin/dashboard').then(setFigures, setError);
  }, [data]);
  // The server says where "today" (Moscow time) and "the last 24 h" start, so the links open
  // exactly the lists the figures count.
  const today = figures?.today_starts_at ?? todayIso();
  const since = figures?.failed_imports_since ?? new Date(Date.now() - 24 * 3600 * 1000).toISOString();
  return (
    <Box sx={{ p: 2 }}>
      <Title title="console.home.title" />
      <Typography variant="h5" component="h1" gutterBottom>
        {translate('console.home.title')}
      </Typography>
      <ErrorText error={error} />
      {!figures && !error ? <Loading /> : null}
      {figures ? (
        <Grid container spacing={2}>
          <Grid size={{ xs: 12, sm: 6, md: 4 }}>
            <Tile
              label={translate('console.home.awaiting')}
              value={figures.orders_awaiting_confirmation}
              to={filterLink('orders', { state: 'new' })}
              warn={figures.orders_awaiting_confirmation > 0}
            />
          </Grid>
          <Grid size={{ xs: 12, sm: 6, md: 4 }}>
            <Tile
              label={translate('console.home.orders_today')}
              value={figures.orders_today}
              to={filterLink('orders', { created_from: today })}
            />
          </Grid>
          <Grid size={{ xs: 12, sm: 6, md: 4 }}>
            <Tile
              label={translate('console.home.revenue_today')}
              value={<Money amount={figures.revenue_today} />}
              to={filterLink('orders', { created_from: today })}
            />
          </Grid>
          <Grid size={{ xs: 12, sm: 6, md: 4 }}>
            <Tile
              label={translate('console.home.failed_imports')}
              value={figures.failed_imports_24h}
              to={filterLink('imports', { status: 'failed', since })}
              warn={figures.failed_imports_24h > 0}
            />
          </Grid>
          <Grid size={{ xs: 12, sm: 6, md: 4 }}>
            <Tile
              label={translate('console.home.shops_closed')}
              value={figures.shops_not_accepting_orders}
              to={filterLink('shops', { accepting_orders: false })}
              warn={figures.shops_not_accepting_orders > 0}
            />
          </Grid>
        </Grid>
      ) : null}
    </Box>
  );
}

function SupplierHome() {
  const translate = useTranslate();
  const data = useConsoleData();
  const [shop, setShop] = useState<any>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    data.call('GET', '/api/v2/supplier/shop').then(setShop, setError);
  }, [data]);
  return (
    <Box sx={{ p: 2, display: 'grid', gap: 2 }}>
      <Title title="console.home.title" />
      <Typography variant="h5" component="h1">
        {shop?.name ?? translate('console.home.title')}
      </Typography>
      <ErrorText error={error} />
      {shop && !shop.accepting_orders ? (
        <Alert severity="warning">{translate('console.shop.not_accepting')}</Alert>
      ) : null}
      <Grid container spacing={2}>
        <Grid size={{ xs: 12, sm: 6, md: 4 }}>
          <Tile
            label={translate('console.home.new_parts')}
            value="→"
            to={filterLink('supplier-orders', { state: 'new' })}
          />
        </Grid>
        <Grid size={{ xs: 12, sm: 6, md: 4 }}>
          <Tile label={translate('console.menu.price_list')} value="→" to="/price-list" />
        </Grid>
        <Grid size={{ xs: 12, sm: 6, md: 4 }}>
          <Tile label={translate('console.menu.shop')} value="→" to="/shop" />
        </Grid>
      </Grid>
    </Box>
  );
}

export function Dashboard() {
  const { permissions, isPending } = usePermissions();
  if (isPending) return <Loading />;
  if (permissions === 'staff') return <StaffHome />;
  if (permissions === 'supplier') return <SupplierHome />;
  if (permissions === 'buyer') return <BuyerHome />;
  return <BuyerPage />;
}
