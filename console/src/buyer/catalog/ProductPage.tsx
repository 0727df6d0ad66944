// One product: every supplier's offer side by side (price, RRP, stock, the shop's terms and the
// expected delivery date if ordered now), the cheapest marked, and add-to-basket from any offer.
import AddShoppingCartIcon from '@mui/icons-material/AddShoppingCart';
import {
  Box,
  Breadcrumbs,
  Button,
  Card,
  CardActions,
  CardContent,
  Chip,
  Divider,
  Stack,
  TextField,
  Typography,
} from '@mui/material';
import { useEffect, useState } from 'react';
import { Title, useNotify, useTranslate } from 'react-admin';
import { Link, useParams } from 'react-router-dom';
import { Loading, Money, useConsoleData } from '../../components/common.tsx';
import { ApiProblem, Day, type ShopTerms, TermsText } from './shared.tsx';

interface ProductOffer {
  id: number;
  shop: { id: number; name: string; terms: ShopTerms };
  external_id: string;
  model: string | null;
  name: string;
  price: string;
  price_rrc: string;
  quantity: number;
  in_stock: boolean;
  characteristics: { name: string; value: string }[];
  expected_delivery_date: string;
}

interface Product {
  id: number;
  name: string;
  category: { id: number; name: string };
  best_price: string;
  offer_count: number;
  total_stock: number;
  offers: ProductOffer[];
  variants: { product_id: number; offer_id: number; name: string; price: string; quantity: number }[];
}

export function ProductPage() {
  const { id } = useParams();
  const translate = useTranslate();
  const data = useConsoleData();
  const [product, setProduct] = useState<Product | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    setProduct(null);
    setError(null);
    data
      .call<Product>('GET', '/api/v2/products/{id}', { params: { path: { id: Number(id) } } })
      .then(setProduct, setError);
  }, [data, id]);

  // Offers come cheapest first: the best one to order is the first that has stock.
  const bestInStock = product?.offers.find((offer) => offer.in_stock);
  return (
    <Box sx={{ p: { xs: 1, sm: 2 }, display: 'grid', gap: 2 }}>
      <Title title={product?.name ?? 'buyer.catalog.title'} />
      <Breadcrumbs>
        <Link to="/catalog">{translate('buyer.catalog.title')}</Link>
        {product ? (
          <Link to={`/catalog?category=${product.category.id}`}>{product.category.name}</Link>
        ) : null}
      </Breadcrumbs>
      <ApiProblem error={error} />
      {!product && !error ? <Loading /> : null}
      {product ? (
        <>
          <Box>
            <Typography variant="h5" component="h1">
              {product.name}
            </Typography>
            <Typography variant="body2" color="text.secondary">
              {translate('buyer.product.summary', {
                smart_count: product.offer_count,
                stock: product.total_stock,
              })}{' '}
              · {translate('buyer.catalog.best_price')}: <Money amount={product.best_price} />
            </Typography>
          </Box>
          <Box
            role="list"
            aria-label={translate('buyer.product.offers')}
            sx={{ display: 'grid', gap: 2, gridTemplateColumns: 'repeat(auto-fill, minmax(250px, 1fr))' }}
          >
            {product.offers.map((offer) => (
              <OfferCard key={offer.id} offer={offer} best={offer.id === bestInStock?.id} />
            ))}
          </Box>
          {product.variants.length ? (
            <Box>
              <Typography variant="h6" component="h2">
                {translate('buyer.product.variants')}
              </Typography>
              <Stack direction="row" sx={{ flexWrap: 'wrap', gap: 1, mt: 1 }}>
                {product.variants.map((variant) => (
                  <Chip
                    key={variant.offer_id}
                    component={Link}
                    to={`/catalog/${variant.product_id}`}
                    clickable
                    label={variant.name}
                  />
                ))}
              </Stack>
            </Box>
          ) : null}
        </>
      ) : null}
    </Box>
  );
}

function OfferCard({ offer, best }: { offer: ProductOffer; best: boolean }) {
  const translate = useTranslate();
  const notify = useNotify();
  const data = useConsoleData();
  const [quantity, setQuantity] = useState('1');
  const [adding, setAdding] = useState(false);
  const [added, setAdded] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const wanted = Number(quantity);
  const valid = Number.isInteger(wanted) && wanted >= 1;
  const add = async () => {
    setAdding(true);
    setError(null);
    try {
      await data.call('POST', '/api/v2/basket/items', { body: { offer_id: offer.id, quantity: wanted } });
      setAdded(true);
      notify('buyer.product.added', { type: 'success', messageArgs: { shop: offer.shop.name } });
    } catch (failure) {
      setError(failure);
    } finally {
      setAdding(false);
    }
  };
  return (
    <Card
      role="listitem"
      aria-label={offer.shop.name}
      variant="outlined"
      sx={{ display: 'flex', flexDirection: 'column', borderColor: best ? 'success.main' : undefined }}
    >
      <CardContent sx={{ flex: 1, display: 'grid', gap: 1 }}>
        <Stack direction="row" sx={{ justifyContent: 'space-between', alignItems: 'center', gap: 1 }}>
          <Typography variant="subtitle1" component="h2" sx={{ fontWeight: 600 }}>
            {offer.shop.name}
          </Typography>
          {best ? <Chip size="small" color="success" label={translate('buyer.product.best')} /> : null}
        </Stack>
        <Typography variant="body2" color="text.secondary">
          {offer.name} · {translate('buyer.product.sku')} {offer.external_id}
        </Typography>
        <Box>
          <Typography variant="h5" component="p" aria-label={translate('buyer.product.price')}>
            <Money amount={offer.price} />
          </Typography>
          <Typography variant="body2" color="text.secondary">
            {translate('buyer.product.rrp')}: <Money amount={offer.price_rrc} />
          </Typography>
        </Box>
        <Typography variant="body2" color={offer.in_stock ? 'text.primary' : 'error.main'}>
          {offer.in_stock
            ? translate('buyer.product.stock', { count: offer.quantity })
            : translate('buyer.catalog.out_of_stock')}
        </Typography>
        <Typography variant="body2">
          {translate('buyer.product.delivery')}:{' '}
          <strong>
            <Day value={offer.expected_delivery_date} />
          </strong>
        </Typography>
        <Divider />
        <TermsText terms={offer.shop.terms} />
        <ApiProblem error={error} />
      </CardContent>
      <CardActions sx={{ gap: 1, flexWrap: 'wrap' }}>
        <TextField
          size="small"
          type="number"
          label={translate('buyer.product.quantity')}
          value={quantity}
          onChange={(event) => setQuantity(event.target.value)}
          error={!valid}
          sx={{ width: 96 }}
          slotProps={{ htmlInput: { min: 1, max: Math.max(1, offer.quantity) } }}
        />
        <Button
          variant="contained"
          startIcon={<AddShoppingCartIcon />}
          disabled={!valid || adding || !offer.in_stock}
          onClick={add}
        >
          {translate('buyer.product.add')}
        </Button>
        {added ? (
          <Button component={Link} to="/basket" size="small">
            {translate('buyer.product.to_basket')}
          </Button>
        ) : null}
      </CardActions>
    </Card>
  );
}
