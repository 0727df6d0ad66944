// The catalog for a buyer: typo-tolerant search, categories and shops with counts (facets under the
// same filters), price range, in stock, characteristics, sorting and keyset paging. The filters
// live in the page's address, so a search from the home page or a reload keeps them.
import SearchIcon from '@mui/icons-material/Search';
import {
  Alert,
  Box,
  Button,
  Card,
  CardContent,
  Checkbox,
  Chip,
  FormControlLabel,
  InputAdornment,
  List,
  ListItemButton,
  ListItemText,
  MenuItem,
  Stack,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  TextField,
  Typography,
} from '@mui/material';
import { type FormEvent, useEffect, useMemo, useState } from 'react';
import { Title, useTranslate } from 'react-admin';
import { Link, useSearchParams } from 'react-router-dom';
import { Empty, Loading, Money, useConsoleData } from '../../components/common.tsx';
import { ApiProblem } from './shared.tsx';

interface ProductItem {
  id: number;
  name: string;
  category: { id: number; name: string };
  best_price: string;
  offer_count: number;
  total_stock: number;
  in_stock: boolean;
}

interface Facets {
  total: number;
  categories: { id: number; name: string; count: number }[];
  shops: { id: number; name: string; count: number }[];
  parameters: { id: number; name: string; kind: string; values: { value: string; count: number }[] }[];
}

const PAGE_SIZE = 25;
const SORTS = ['relevance', 'price', '-price', 'name', 'new'] as const;

/** The API's query from the address: q, category, shop, price_min/max, in_stock, param.<name>. */
function filtersOf(params: URLSearchParams): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of ['q', 'category', 'shop', 'price_min', 'price_max']) {
    const value = params.get(key);
    if (value) out[key] = key === 'category' || key === 'shop' ? Number(value) : value;
  }
  if (params.get('in_stock') === 'true') out.in_stock = true;
  for (const key of new Set(params.keys())) {
    if (key.startsWith('param.')) out[key] = params.getAll(key);
  }
  return out;
}

export function CatalogPage() {
  const translate = useTranslate();
  const data = useConsoleData();
  const [params, setParams] = useSearchParams();
  const filters = useMemo(() => filtersOf(params), [params]);
  const filterKey = JSON.stringify(filters);
  const sort = params.get('sort') ?? (filters.q ? 'relevance' : 'name');
  // Keyset pages: the cursors that opened the pages seen so far, for this query and sort only.
  const pageKey = `${filterKey}|${sort}`;
  const [paging, setPaging] = useState<{ key: string; cursors: (string | null)[] }>({
    key: '',
    cursors: [null],
  });
  const cursors = paging.key === pageKey ? paging.cursors : [null];
  const setCursors = (next: (string | null)[]) => setPaging({ key: pageKey, cursors: next });
  const [result, setResult] = useState<{
    items: ProductItem[];
    next_cursor: string | null;
    corrected_query: string | null;
  } | null>(null);
  const [facets, setFacets] = useState<Facets | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [text, setText] = useState(params.get('q') ?? '');
  const [priceMin, setPriceMin] = useState(params.get('price_min') ?? '');
  const [priceMax, setPriceMax] = useState(params.get('price_max') ?? '');

  // biome-ignore lint/correctness/useExhaustiveDependencies: `filterKey` stands for `filters`.
  useEffect(() => {
    setText(params.get('q') ?? '');
    setFacets(null);
    data
      .call<Facets>('GET', '/api/v2/products/facets', { params: { query: filters } })
      .then(setFacets, setError);
  }, [filterKey, data]);

  const cursor = cursors[cursors.length - 1];
  // biome-ignore lint/correctness/useExhaustiveDependencies: `filterKey` stands for `filters`.
  useEffect(() => {
    setResult(null);
    setError(null);
    data
      .call('GET', '/api/v2/products', {
        params: { query: { ...filters, sort, limit: PAGE_SIZE, ...(cursor ? { cursor } : {}) } },
      })
      .then(setResult, setError);
  }, [filterKey, sort, cursor, data]);

  const update = (change: Record<string, string | null>) => {
    const next = new URLSearchParams(params);
    for (const [key, value] of Object.entries(change)) {
      if (value === null || value === '') next.delete(key);
      else next.set(key, value);
    }
    setParams(next);
  };
  const toggleParameter = (name: string, value: string) => {
    const next = new URLSearchParams(params);
    const key = `param.${name}`;
    const values = next.getAll(key);
    next.delete(key);
    for (const kept of values.includes(value) ? values.filter((v) => v !== value) : [...values, value])
      next.append(key, kept);
    setParams(next);
  };
  const search = (event: FormEvent) => {
    event.preventDefault();
    update({ q: text.trim() || null, sort: null });
  };
  const applyPrice = (event: FormEvent) => {
    event.preventDefault();
    update({ price_min: priceMin.trim() || null, price_max: priceMax.trim() || null });
  };
  const categoryId = filters.category as number | undefined;
  const shopId = filters.shop as number | undefined;

  return (
    <Box sx={{ p: { xs: 1, sm: 2 } }}>
      <Title title="buyer.catalog.title" />
      <Box
        component="form"
        onSubmit={search}
        role="search"
        sx={{ display: 'flex', gap: 1, mb: 2, flexWrap: 'wrap' }}
      >
        <TextField
          value={text}
          onChange={(event) => setText(event.target.value)}
          placeholder={translate('buyer.catalog.search_placeholder')}
          label={translate('buyer.catalog.search')}
          size="small"
          sx={{ flex: '1 1 320px' }}
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
        <TextField
          select
          size="small"
          label={translate('buyer.catalog.sort')}
          value={sort}
          onChange={(event) => update({ sort: event.target.value })}
          sx={{ minWidth: 200 }}
        >
          {SORTS.filter((value) => value !== 'relevance' || filters.q).map((value) => (
            <MenuItem key={value} value={value}>
              {translate(`buyer.catalog.sorts.${value}`)}
            </MenuItem>
          ))}
        </TextField>
      </Box>
      <Box
        sx={{
          display: 'grid',
          gridTemplateColumns: { xs: '1fr', md: '260px 1fr' },
          gap: 2,
          alignItems: 'start',
        }}
      >
        <Card variant="outlined" component="aside" aria-label={translate('buyer.catalog.filters')}>
          <CardContent sx={{ display: 'grid', gap: 2 }}>
            <FormControlLabel
              control={
                <Checkbox
                  checked={filters.in_stock === true}
                  onChange={(event) => update({ in_stock: event.target.checked ? 'true' : null })}
                />
              }
              label={translate('buyer.catalog.in_stock')}
            />
            <Box
              component="form"
              onSubmit={applyPrice}
              sx={{ display: 'flex', gap: 1, alignItems: 'center' }}
            >
              <TextField
                size="small"
                label={translate('buyer.catalog.price_min')}
                value={priceMin}
                onChange={(event) => setPriceMin(event.target.value)}
                slotProps={{ htmlInput: { inputMode: 'decimal' } }}
              />
              <TextField
                size="small"
                label={translate('buyer.catalog.price_max')}
                value={priceMax}
                onChange={(event) => setPriceMax(event.target.value)}
                slotProps={{ htmlInput: { inputMode: 'decimal' } }}
              />
              <Button type="submit" size="small">
                OK
              </Button>
            </Box>
            <FacetGroup
              title={translate('buyer.catalog.categories')}
              items={facets?.categories}
              selected={categoryId}
              onSelect={(id) => update({ category: id === categoryId ? null : String(id) })}
            />
            <FacetGroup
              title={translate('buyer.catalog.shops')}
              items={facets?.shops}
              selected={shopId}
              onSelect={(id) => update({ shop: id === shopId ? null : String(id) })}
            />
            {facets?.parameters
              .filter((parameter) => parameter.values.length > 1)
              .slice(0, 6)
              .map((parameter) => (
                <Box key={parameter.id}>
                  <Typography variant="subtitle2">{parameter.name}</Typography>
                  <Box sx={{ display: 'flex', flexWrap: 'wrap', gap: 0.5, mt: 0.5 }}>
                    {parameter.values.slice(0, 12).map((value) => {
                      const chosen = params.getAll(`param.${parameter.name}`).includes(value.value);
                      return (
                        <Chip
                          key={value.value}
                          size="small"
                          label={`${value.value} (${value.count})`}
                          color={chosen ? 'primary' : 'default'}
                          variant={chosen ? 'filled' : 'outlined'}
                          onClick={() => toggleParameter(parameter.name, value.value)}
                        />
                      );
                    })}
                  </Box>
                </Box>
              ))}
            {params.toString() && params.toString() !== `q=${encodeURIComponent(String(filters.q ?? ''))}` ? (
              <Button onClick={() => setParams(filters.q ? { q: String(filters.q) } : {})}>
                {translate('buyer.catalog.reset')}
              </Button>
            ) : null}
          </CardContent>
        </Card>
        <Box sx={{ minWidth: 0 }}>
          <ApiProblem error={error} />
          {facets ? (
            <Typography variant="body2" color="text.secondary" sx={{ mb: 1 }}>
              {translate('buyer.catalog.found', { smart_count: facets.total })}
            </Typography>
          ) : null}
          {result?.corrected_query ? (
            <Alert severity="info" sx={{ mb: 1 }}>
              {translate('buyer.catalog.corrected', { query: result.corrected_query })}
            </Alert>
          ) : null}
          {!result && !error ? <Loading /> : null}
          {result && result.items.length === 0 ? <Empty text={translate('buyer.catalog.nothing')} /> : null}
          {result?.items.length ? (
            <Card variant="outlined" sx={{ overflowX: 'auto' }}>
              <Table size="small" aria-label={translate('buyer.catalog.results')}>
                <TableHead>
                  <TableRow>
                    <TableCell>{translate('buyer.catalog.product')}</TableCell>
                    <TableCell>{translate('buyer.catalog.category')}</TableCell>
                    <TableCell align="right">{translate('buyer.catalog.best_price')}</TableCell>
                    <TableCell align="right">{translate('buyer.catalog.offers')}</TableCell>
                    <TableCell align="right">{translate('buyer.catalog.stock')}</TableCell>
                  </TableRow>
                </TableHead>
                <TableBody>
                  {result.items.map((item) => (
                    <TableRow key={item.id} hover>
                      <TableCell>
                        <Link to={`/catalog/${item.id}`}>{item.name}</Link>
                      </TableCell>
                      <TableCell>{item.category.name}</TableCell>
                      <TableCell align="right">
                        <Money amount={item.best_price} />
                      </TableCell>
                      <TableCell align="right">{item.offer_count}</TableCell>
                      <TableCell align="right">
                        {item.in_stock ? item.total_stock : translate('buyer.catalog.out_of_stock')}
                      </TableCell>
                    </TableRow>
                  ))}
                </TableBody>
              </Table>
            </Card>
          ) : null}
          <Stack direction="row" spacing={1} sx={{ mt: 1, justifyContent: 'flex-end' }}>
            <Button disabled={cursors.length < 2} onClick={() => setCursors(cursors.slice(0, -1))}>
              {translate('buyer.catalog.previous')}
            </Button>
            <Typography variant="body2" sx={{ alignSelf: 'center' }}>
              {translate('console.paging.page', { page: cursors.length })}
            </Typography>
            <Button
              disabled={!result?.next_cursor}
              onClick={() => result?.next_cursor && setCursors([...cursors, result.next_cursor])}
            >
              {translate('buyer.catalog.next')}
            </Button>
          </Stack>
        </Box>
      </Box>
    </Box>
  );
}

function FacetGroup(props: {
  title: string;
  items?: { id: number; name: string; count: number }[];
  selected?: number;
  onSelect: (id: number) => void;
}) {
  if (!props.items?.length) return null;
  return (
    <Box>
      <Typography variant="subtitle2">{props.title}</Typography>
      <List dense disablePadding sx={{ maxHeight: 280, overflowY: 'auto' }}>
        {props.items.map((item) => (
          <ListItemButton
            key={item.id}
            selected={item.id === props.selected}
            onClick={() => props.onSelect(item.id)}
            sx={{ py: 0 }}
          >
            <ListItemText
              primary={item.name}
              secondary={item.count}
              slotProps={{ secondary: { component: 'span' } }}
              sx={{ display: 'flex', justifyContent: 'space-between', gap: 1 }}
            />
          </ListItemButton>
        ))}
      </List>
    </Box>
  );
}
