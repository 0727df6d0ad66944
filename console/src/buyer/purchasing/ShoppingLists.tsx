// Shopping lists: the buyer's named lists («Молочка на понедельник»). The list page, a new list
// (empty, from the basket or from one of the buyer's orders), and one list: rename, lines added by
// searching products, quantities and preferred shops changed, lines removed, the whole list sent
// to the basket with the report of what went in and what did not.
import DeleteIcon from '@mui/icons-material/Delete';
import ShoppingCartIcon from '@mui/icons-material/ShoppingCart';
import {
  Box,
  Button,
  Card,
  CardContent,
  IconButton,
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
import {
  Create,
  CreateButton,
  Datagrid,
  DateField,
  DeleteWithConfirmButton,
  List,
  NumberField,
  required,
  Show,
  SimpleForm,
  TextInput,
  TextField as TextShown,
  TopToolbar,
  useLocale,
  useNotify,
  useRecordContext,
  useRefresh,
  useTranslate,
} from 'react-admin';
import { formatDate, formatMoney, useConsoleData } from '../../components/common.tsx';
import {
  type FillReport,
  FillReportView,
  PreferredShopSelect,
  ProblemText,
  type ProductHit,
  ProductSearch,
  useProductShops,
} from './shared.tsx';

interface ListLine {
  id: number;
  product_id: number;
  product_name: string;
  quantity: number;
  preferred_shop: { id: number; name: string } | null;
}
interface ShoppingList {
  id: number;
  name: string;
  lines: ListLine[];
}

function ListEmpty() {
  const translate = useTranslate();
  return (
    <Box sx={{ p: 3 }}>
      <Typography variant="h6" component="p" gutterBottom>
        {translate('purchasing.lists.empty')}
      </Typography>
      <Typography variant="body2" color="text.secondary" sx={{ mb: 2 }}>
        {translate('purchasing.lists.empty_hint')}
      </Typography>
      <CreateButton resource="shopping-lists" variant="contained" />
    </Box>
  );
}

/** A row's "to the basket": the whole list in one click, the outcome in a notification. */
function RowToBasket() {
  const list = useRecordContext<{ id: number; name: string; line_count: number }>();
  const translate = useTranslate();
  const data = useConsoleData();
  const notify = useNotify();
  const [busy, setBusy] = useState(false);
  if (!list) return null;
  const send = async () => {
    setBusy(true);
    try {
      const report = await data.call<FillReport>('POST', '/api/v2/shopping-lists/{id}/to-basket', {
        params: { path: { id: list.id } },
      });
      notify(report.skipped.length ? 'purchasing.lists.sent_with_skipped' : 'purchasing.lists.sent', {
        type: report.skipped.length ? 'warning' : 'success',
        messageArgs: { added: report.added.length, skipped: report.skipped.length },
      });
    } catch (failure) {
      notify((failure as Error).message, { type: 'error' });
    } finally {
      setBusy(false);
    }
  };
  return (
    <Button
      size="small"
      startIcon={<ShoppingCartIcon />}
      disabled={busy || !list.line_count}
      aria-label={translate('purchasing.lists.to_basket_named', { name: list.name })}
      onClick={(event) => {
        event.stopPropagation();
        void send();
      }}
    >
      {translate('purchasing.lists.to_basket_short')}
    </Button>
  );
}

export function ShoppingListList() {
  return (
    <List
      resource="shopping-lists"
      empty={<ListEmpty />}
      pagination={false}
      perPage={200}
      exporter={false}
      actions={
        <TopToolbar>
          <CreateButton />
        </TopToolbar>
      }
    >
      <Datagrid rowClick="show" bulkActionButtons={false}>
        <TextShown source="name" label="purchasing.lists.name" />
        <NumberField source="line_count" label="purchasing.lists.line_count" />
        <DateField source="updated_at" label="purchasing.lists.updated_at" showTime />
        <RowToBasket />
      </Datagrid>
    </List>
  );
}

/** The buyer's recent orders, for "start from an order". */
function useMyOrders() {
  const data = useConsoleData();
  const [orders, setOrders] = useState<{ id: number; number: string; created_at: string; total: string }[]>(
    [],
  );
  useEffect(() => {
    data.call<{ items: typeof orders }>('GET', '/api/v2/orders', { params: { query: { limit: 50 } } }).then(
      (answer) => setOrders(answer.items),
      () => setOrders([]),
    );
  }, [data]);
  return orders;
}

function SourceInputs({
  source,
  setSource,
  orderId,
  setOrderId,
}: {
  source: string;
  setSource: (value: string) => void;
  orderId: number | '';
  setOrderId: (value: number | '') => void;
}) {
  const translate = useTranslate();
  const locale = useLocale();
  const orders = useMyOrders();
  return (
    <Box sx={{ display: 'flex', flexWrap: 'wrap', gap: 2, width: '100%', maxWidth: 720 }}>
      <TextField
        select
        label={translate('purchasing.lists.source')}
        value={source}
        onChange={(event) => setSource(event.target.value)}
        sx={{ minWidth: 240 }}
      >
        <MenuItem value="empty">{translate('purchasing.lists.source_empty')}</MenuItem>
        <MenuItem value="basket">{translate('purchasing.lists.source_basket')}</MenuItem>
        <MenuItem value="order" disabled={!orders.length}>
          {translate('purchasing.lists.source_order')}
        </MenuItem>
      </TextField>
      {source === 'order' ? (
        <TextField
          select
          label={translate('purchasing.lists.order')}
          value={orderId}
          onChange={(event) => setOrderId(Number(event.target.value))}
          sx={{ minWidth: 280 }}
        >
          {orders.map((order) => (
            <MenuItem key={order.id} value={order.id}>
              {order.number} · {formatDate(order.created_at, locale)} ·{' '}
              {formatMoney(order.total, 'RUB', locale)}
            </MenuItem>
          ))}
        </TextField>
      ) : null}
    </Box>
  );
}

export function ShoppingListCreate() {
  const [source, setSource] = useState('empty');
  const [orderId, setOrderId] = useState<number | ''>('');
  return (
    <Create
      resource="shopping-lists"
      redirect="show"
      transform={(data: { name: string }) => ({
        name: data.name,
        ...(source === 'basket' ? { from_basket: true } : {}),
        ...(source === 'order' && orderId !== '' ? { from_order_id: orderId } : {}),
      })}
    >
      <SimpleForm>
        <TextInput
          source="name"
          label="purchasing.lists.name"
          validate={required()}
          helperText="purchasing.lists.name_help"
          sx={{ maxWidth: 480 }}
          fullWidth
        />
        <SourceInputs source={source} setSource={setSource} orderId={orderId} setOrderId={setOrderId} />
      </SimpleForm>
    </Create>
  );
}

/** Adds a product (or sets its quantity and preferred shop if it is already on the list). */
function AddLine({ listId, onChanged }: { listId: number; onChanged: () => void }) {
  const translate = useTranslate();
  const data = useConsoleData();
  const [product, setProduct] = useState<ProductHit | null>(null);
  const [quantity, setQuantity] = useState('1');
  const [shop, setShop] = useState<number | ''>('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const shops = useProductShops(product?.id ?? null);
  const add = async () => {
    if (!product) return;
    setBusy(true);
    setError(null);
    try {
      await data.call('POST', '/api/v2/shopping-lists/{id}/lines', {
        params: { path: { id: listId } },
        body: {
          product_id: product.id,
          quantity: Number(quantity),
          preferred_shop_id: shop === '' ? null : shop,
        },
      });
      setProduct(null);
      setQuantity('1');
      setShop('');
      onChanged();
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Box role="form" aria-label={translate('purchasing.lines.add_title')} sx={{ display: 'grid', gap: 1 }}>
      <Typography variant="subtitle1" component="h3">
        {translate('purchasing.lines.add_title')}
      </Typography>
      <Box sx={{ display: 'flex', flexWrap: 'wrap', gap: 1, alignItems: 'center' }}>
        <ProductSearch
          value={product}
          onChange={(next) => {
            setProduct(next);
            setShop('');
          }}
        />
        <TextField
          label={translate('purchasing.lines.quantity')}
          type="number"
          value={quantity}
          onChange={(event) => setQuantity(event.target.value)}
          slotProps={{ htmlInput: { min: 1, max: 10000 } }}
          sx={{ width: 110 }}
        />
        <PreferredShopSelect shops={shops} value={shop} onChange={setShop} />
        <Button
          variant="contained"
          disabled={busy || !product || !(Number(quantity) >= 1)}
          onClick={() => void add()}
        >
          {translate('purchasing.lines.add')}
        </Button>
      </Box>
      <ProblemText error={error} />
    </Box>
  );
}

/** One line: its quantity edited in place (saved on leaving the field), removed by a button. */
function LineRow({ listId, line, onChanged }: { listId: number; line: ListLine; onChanged: () => void }) {
  const translate = useTranslate();
  const data = useConsoleData();
  const [quantity, setQuantity] = useState(String(line.quantity));
  const [error, setError] = useState<unknown>(null);
  useEffect(() => setQuantity(String(line.quantity)), [line.quantity]);
  const save = async () => {
    if (Number(quantity) === line.quantity) return;
    setError(null);
    try {
      await data.call('POST', '/api/v2/shopping-lists/{id}/lines', {
        params: { path: { id: listId } },
        body: {
          product_id: line.product_id,
          quantity: Number(quantity),
          preferred_shop_id: line.preferred_shop?.id ?? null,
        },
      });
      onChanged();
    } catch (failure) {
      setError(failure);
    }
  };
  const remove = async () => {
    setError(null);
    try {
      await data.call('DELETE', '/api/v2/shopping-lists/{id}/lines/{lineId}', {
        params: { path: { id: listId, lineId: line.id } },
      });
      onChanged();
    } catch (failure) {
      setError(failure);
    }
  };
  return (
    <TableRow>
      <TableCell>
        {line.product_name}
        <ProblemText error={error} />
      </TableCell>
      <TableCell>
        <TextField
          size="small"
          type="number"
          value={quantity}
          onChange={(event) => setQuantity(event.target.value)}
          onBlur={() => void save()}
          slotProps={{
            htmlInput: {
              min: 1,
              max: 10000,
              'aria-label': translate('purchasing.lines.quantity_of', { name: line.product_name }),
            },
          }}
          sx={{ width: 100 }}
        />
      </TableCell>
      <TableCell>{line.preferred_shop?.name ?? translate('purchasing.lines.any_shop')}</TableCell>
      <TableCell align="right">
        <IconButton
          aria-label={translate('purchasing.lines.remove', { name: line.product_name })}
          onClick={() => void remove()}
        >
          <DeleteIcon />
        </IconButton>
      </TableCell>
    </TableRow>
  );
}

function Rename({ list, onChanged }: { list: ShoppingList; onChanged: () => void }) {
  const translate = useTranslate();
  const data = useConsoleData();
  const notify = useNotify();
  const [name, setName] = useState(list.name);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => setName(list.name), [list.name]);
  const save = async () => {
    setError(null);
    try {
      await data.call('PATCH', '/api/v2/shopping-lists/{id}', {
        params: { path: { id: list.id } },
        body: { name },
      });
      notify('purchasing.lists.renamed', { type: 'success' });
      onChanged();
    } catch (failure) {
      setError(failure);
    }
  };
  return (
    <Box sx={{ display: 'flex', gap: 1, alignItems: 'center', flexWrap: 'wrap' }}>
      <TextField
        label={translate('purchasing.lists.name')}
        value={name}
        onChange={(event) => setName(event.target.value)}
        sx={{ minWidth: 280 }}
      />
      <Button disabled={!name.trim() || name === list.name} onClick={() => void save()}>
        {translate('purchasing.lists.rename')}
      </Button>
      <ProblemText error={error} />
    </Box>
  );
}

function ToBasket({ list }: { list: ShoppingList }) {
  const translate = useTranslate();
  const data = useConsoleData();
  const [busy, setBusy] = useState(false);
  const [report, setReport] = useState<FillReport | null>(null);
  const [error, setError] = useState<unknown>(null);
  const send = async () => {
    setBusy(true);
    setError(null);
    setReport(null);
    try {
      setReport(
        await data.call<FillReport>('POST', '/api/v2/shopping-lists/{id}/to-basket', {
          params: { path: { id: list.id } },
        }),
      );
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Box sx={{ display: 'grid', gap: 1 }}>
      <Box>
        <Button
          variant="contained"
          startIcon={<ShoppingCartIcon />}
          disabled={busy || !list.lines.length}
          onClick={() => void send()}
        >
          {translate('purchasing.lists.to_basket')}
        </Button>
      </Box>
      <ProblemText error={error} />
      {report ? <FillReportView report={report} /> : null}
    </Box>
  );
}

function ListDetail() {
  const list = useRecordContext<ShoppingList>();
  const translate = useTranslate();
  const refresh = useRefresh();
  if (!list) return null;
  return (
    <Box sx={{ display: 'grid', gap: 2, p: { xs: 1, sm: 2 } }}>
      <Rename list={list} onChanged={refresh} />
      <Card variant="outlined">
        <CardContent sx={{ display: 'grid', gap: 2 }}>
          <Typography variant="h6" component="h2">
            {translate('purchasing.lines.title', { smart_count: list.lines.length })}
          </Typography>
          {list.lines.length ? (
            <Box sx={{ overflowX: 'auto' }}>
              <Table size="small" aria-label={translate('purchasing.lines.table')}>
                <TableHead>
                  <TableRow>
                    <TableCell>{translate('purchasing.report.product')}</TableCell>
                    <TableCell>{translate('purchasing.lines.quantity')}</TableCell>
                    <TableCell>{translate('purchasing.lines.preferred_shop')}</TableCell>
                    <TableCell />
                  </TableRow>
                </TableHead>
                <TableBody>
                  {list.lines.map((line) => (
                    <LineRow key={line.id} listId={list.id} line={line} onChanged={refresh} />
                  ))}
                </TableBody>
              </Table>
            </Box>
          ) : (
            <Typography variant="body2" color="text.secondary">
              {translate('purchasing.lines.empty')}
            </Typography>
          )}
          <AddLine listId={list.id} onChanged={refresh} />
        </CardContent>
      </Card>
      <ToBasket list={list} />
    </Box>
  );
}

function ShowActions() {
  return (
    <TopToolbar>
      <DeleteWithConfirmButton confirmContent="purchasing.lists.delete_confirm" />
    </TopToolbar>
  );
}

export function ShoppingListShow() {
  return (
    <Show resource="shopping-lists" actions={<ShowActions />}>
      <ListDetail />
    </Show>
  );
}
