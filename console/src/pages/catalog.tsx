// Staff: catalog upkeep. Categories (rename, merge into another), characteristics (rename, kind,
// merge), products with their offers (read) and moderation (hide/show an offer or a product).
import {
  Box,
  Button,
  Dialog,
  DialogActions,
  DialogContent,
  DialogTitle,
  FormControl,
  InputLabel,
  MenuItem,
  TextField as MuiTextField,
  Select,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  Typography,
} from '@mui/material';
import { useState } from 'react';
import {
  AutocompleteInput,
  Datagrid,
  FunctionField,
  List,
  NullableBooleanInput,
  NumberField,
  ReferenceInput,
  Show,
  SimpleShowLayout,
  TextField,
  TextInput,
  useNotify,
  useRecordContext,
  useRefresh,
  useTranslate,
} from 'react-admin';
import { ConfirmAction, ErrorText, Loading, Money, useConsoleData } from '../components/common.tsx';
import { HideToggle } from '../components/HideToggle.tsx';
import { ListPagination } from '../components/ListPagination.tsx';

interface Named {
  id: number;
  name: string;
  kind?: string;
  kind_fixed?: boolean;
}

/** Rename (and for characteristics: kind) and merge, in one dialog per record. */
function UpkeepDialog({
  resource,
  record,
  onClose,
}: {
  resource: 'categories' | 'parameters';
  record: Named;
  onClose: () => void;
}) {
  const translate = useTranslate();
  const notify = useNotify();
  const refresh = useRefresh();
  const data = useConsoleData();
  const [name, setName] = useState(record.name);
  const [kind, setKind] = useState(record.kind ?? '');
  const [into, setInto] = useState('');
  const [asking, setAsking] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const run = async (work: () => Promise<unknown>, done: string) => {
    setBusy(true);
    setError(null);
    try {
      await work();
      notify(done, { type: 'success' });
      refresh();
      onClose();
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
      setAsking(false);
    }
  };
  const save = () => {
    const body: Record<string, unknown> = {};
    if (name.trim() !== record.name) body.name = name.trim();
    if (resource === 'parameters' && kind && kind !== record.kind) body.kind = kind;
    return run(
      () => data.update(resource, { id: record.id, data: body, previousData: {} as never }),
      'console.catalog.saved',
    );
  };
  return (
    <Dialog open onClose={onClose} fullWidth maxWidth="sm">
      <DialogTitle>{record.name}</DialogTitle>
      <DialogContent sx={{ display: 'grid', gap: 2, pt: '8px !important' }}>
        <MuiTextField
          id="upkeep-name"
          label={translate('console.catalog.name')}
          value={name}
          onChange={(e) => setName(e.target.value)}
          size="small"
        />
        {resource === 'parameters' ? (
          <FormControl size="small" disabled={record.kind_fixed}>
            <InputLabel id="upkeep-kind-label">{translate('console.catalog.kind')}</InputLabel>
            <Select
              labelId="upkeep-kind-label"
              id="upkeep-kind"
              value={kind}
              label={translate('console.catalog.kind')}
              onChange={(e) => setKind(e.target.value)}
            >
              {['text', 'number', 'boolean'].map((k) => (
                <MenuItem key={k} value={k}>
                  {translate(`console.catalog.kinds.${k}`)}
                </MenuItem>
              ))}
            </Select>
          </FormControl>
        ) : null}
        <Box>
          <Button variant="contained" disabled={busy} onClick={() => void save()}>
            {translate('ra.action.save')}
          </Button>
        </Box>
        <Typography variant="subtitle2" component="h3">
          {translate('console.catalog.merge_title')}
        </Typography>
        <Typography variant="body2">{translate(`console.catalog.merge_help_${resource}`)}</Typography>
        <Box sx={{ display: 'flex', gap: 1, alignItems: 'center' }}>
          <MuiTextField
            id="upkeep-into"
            type="number"
            label={translate('console.catalog.merge_into')}
            value={into}
            onChange={(e) => setInto(e.target.value)}
            size="small"
          />
          <Button color="warning" variant="outlined" disabled={!into || busy} onClick={() => setAsking(true)}>
            {translate('console.catalog.merge')}
          </Button>
        </Box>
        <ErrorText error={error} />
        <ConfirmAction
          open={asking}
          title={translate('console.catalog.merge')}
          content={translate('console.catalog.merge_confirm', { name: record.name, into })}
          loading={busy}
          onConfirm={() =>
            void run(() => data.merge(resource, record.id, Number(into)), 'console.catalog.merged')
          }
          onClose={() => setAsking(false)}
        />
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose}>{translate('ra.action.close')}</Button>
      </DialogActions>
    </Dialog>
  );
}

function UpkeepButton({ resource }: { resource: 'categories' | 'parameters' }) {
  const record = useRecordContext<Named>();
  const translate = useTranslate();
  const [open, setOpen] = useState(false);
  if (!record) return null;
  return (
    <>
      <Button
        size="small"
        onClick={(e) => {
          e.stopPropagation();
          setOpen(true);
        }}
        aria-label={translate('console.catalog.edit_named', { name: record.name })}
      >
        {translate('ra.action.edit')}
      </Button>
      {open ? <UpkeepDialog resource={resource} record={record} onClose={() => setOpen(false)} /> : null}
    </>
  );
}

const categoryFilters = [<TextInput key="q" source="q" label="console.catalog.search" alwaysOn />];

export function CategoryList() {
  return (
    <List
      filters={categoryFilters}
      pagination={<ListPagination />}
      perPage={50}
      empty={false}
      exporter={false}
    >
      <Datagrid bulkActionButtons={false} rowClick={false}>
        <NumberField source="id" label="№" sortable={false} />
        <TextField source="name" label="console.catalog.name" sortable={false} />
        <NumberField source="product_count" label="console.catalog.product_count" sortable={false} />
        <UpkeepButton resource="categories" />
      </Datagrid>
    </List>
  );
}

export function ParameterList() {
  const translate = useTranslate();
  return (
    <List pagination={<ListPagination />} perPage={50} empty={false} exporter={false}>
      <Datagrid bulkActionButtons={false} rowClick={false}>
        <NumberField source="id" label="№" sortable={false} />
        <TextField source="name" label="console.catalog.name" sortable={false} />
        <FunctionField
          label="console.catalog.kind"
          render={(r: Named) => translate(`console.catalog.kinds.${r.kind}`, { _: r.kind })}
        />
        <NumberField source="offer_count" label="console.catalog.offer_count" sortable={false} />
        <UpkeepButton resource="parameters" />
      </Datagrid>
    </List>
  );
}

const productFilters = [
  <TextInput key="q" source="q" label="console.catalog.search" alwaysOn />,
  <ReferenceInput key="category" source="category_id" reference="categories" label="console.catalog.category">
    <AutocompleteInput label="console.catalog.category" optionText="name" />
  </ReferenceInput>,
  <ReferenceInput key="shop" source="shop_id" reference="shops" label="console.orders.shop">
    <AutocompleteInput label="console.orders.shop" optionText="name" filterToQuery={(q) => ({ q })} />
  </ReferenceInput>,
  <NullableBooleanInput key="hidden" source="hidden" label="console.moderation.hidden" alwaysOn />,
];

export function ProductList() {
  const translate = useTranslate();
  return (
    <List
      filters={productFilters}
      pagination={<ListPagination />}
      perPage={25}
      empty={false}
      exporter={false}
    >
      <Datagrid rowClick="show" bulkActionButtons={false}>
        <NumberField source="id" label="№" sortable={false} />
        <TextField source="name" label="console.catalog.name" sortable={false} />
        <FunctionField
          label="console.catalog.category"
          render={(p: any) => p.category?.name ?? p.category_name ?? '—'}
        />
        <FunctionField
          label="console.catalog.offers"
          render={(p: any) => p.offer_count ?? p.offers?.length ?? '—'}
        />
        <FunctionField
          label="console.moderation.hidden"
          render={(p: any) => (p.hidden ? translate('console.moderation.hidden') : '')}
        />
      </Datagrid>
    </List>
  );
}

function ProductModeration() {
  const product = useRecordContext<any>();
  const translate = useTranslate();
  const refresh = useRefresh();
  if (!product) return null;
  if (!product.offers) return <Loading />;
  const offers: any[] = product.offers;
  return (
    <Box sx={{ p: 2, display: 'grid', gap: 2 }}>
      <Typography variant="h6" component="h2">
        {translate('console.moderation.product')}
      </Typography>
      <HideToggle
        resource="products"
        id={product.id}
        name={product.name}
        hidden={Boolean(product.hidden)}
        reason={product.hidden_reason}
        onDone={refresh}
      />
      <Typography variant="h6" component="h2">
        {translate('console.catalog.offers')}
      </Typography>
      <Box sx={{ overflowX: 'auto' }}>
        <Table size="small" aria-label={translate('console.catalog.offers')}>
          <TableHead>
            <TableRow>
              <TableCell>{translate('console.orders.shop')}</TableCell>
              <TableCell>{translate('console.catalog.name')}</TableCell>
              <TableCell align="right">{translate('console.catalog.price')}</TableCell>
              <TableCell align="right">{translate('console.catalog.quantity')}</TableCell>
              <TableCell>{translate('console.moderation.title')}</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {offers.map((offer) => (
              <TableRow key={offer.id}>
                <TableCell>{offer.shop?.name ?? offer.shop_name}</TableCell>
                <TableCell>
                  {offer.name ?? product.name}
                  {offer.in_price_list === false ? (
                    <Typography variant="caption" display="block">
                      {translate('console.catalog.not_in_price_list')}
                    </Typography>
                  ) : null}
                </TableCell>
                <TableCell align="right">
                  <Money amount={offer.price} />
                </TableCell>
                <TableCell align="right">{offer.quantity}</TableCell>
                <TableCell>
                  <HideToggle
                    resource="offers"
                    id={offer.id}
                    name={`${offer.shop?.name ?? offer.shop_name ?? ''} ${offer.name ?? product.name}`}
                    hidden={Boolean(offer.hidden)}
                    reason={offer.hidden_reason}
                    onDone={refresh}
                  />
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </Box>
    </Box>
  );
}

export function ProductShow() {
  return (
    <Show>
      <SimpleShowLayout>
        <TextField source="name" label="console.catalog.name" />
        <FunctionField
          label="console.catalog.category"
          render={(p: any) => p.category?.name ?? p.category_name ?? '—'}
        />
        <TextField source="description" label="console.catalog.description" emptyText="—" />
      </SimpleShowLayout>
      <ProductModeration />
    </Show>
  );
}
