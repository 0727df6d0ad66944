// Staff: shops. The list (paged, by name and whether they accept orders); a shop's page with its
// settings, its imports (start by URL or upload, live progress, per-row report) and exports.

import CloseIcon from '@mui/icons-material/Close';
import {
  Box,
  Card,
  CardContent,
  Dialog,
  DialogContent,
  DialogTitle,
  IconButton,
  Typography,
} from '@mui/material';
import { useState } from 'react';
import {
  BooleanField,
  BooleanInput,
  Datagrid,
  Edit,
  EditButton,
  List,
  NullableBooleanInput,
  NumberField,
  NumberInput,
  SaveButton,
  Show,
  SimpleForm,
  SimpleShowLayout,
  TextField,
  TextInput,
  Toolbar,
  TopToolbar,
  useRecordContext,
  useTranslate,
} from 'react-admin';
import { LocalDateField, useConsoleData } from '../components/common.tsx';
import { ExportPanel } from '../components/exports.tsx';
import { ImportHistory, ImportProgress, ImportStarter } from '../components/imports.tsx';
import { ListPagination } from '../components/ListPagination.tsx';

const shopFilters = [
  <TextInput key="q" source="q" label="console.shops.search" alwaysOn />,
  <NullableBooleanInput
    key="accepting"
    source="accepting_orders"
    label="console.shops.accepting_orders"
    alwaysOn
  />,
];

export function ShopList() {
  return (
    <List filters={shopFilters} pagination={<ListPagination />} perPage={25} empty={false}>
      <Datagrid rowClick="show" bulkActionButtons={false}>
        <NumberField source="id" label="№" sortable={false} />
        <TextField source="name" label="console.shops.name" sortable={false} />
        <BooleanField source="accepting_orders" label="console.shops.accepting_orders" sortable={false} />
        <NumberField source="offer_count" label="console.catalog.offer_count" sortable={false} />
        <TextField
          source="price_list_url"
          label="console.shops.price_list_url"
          sortable={false}
          emptyText="—"
        />
        <NumberField
          source="import_every_hours"
          label="console.shops.import_every_hours"
          sortable={false}
          emptyText="—"
        />
        <LocalDateField source="updated_at" label="console.shops.updated_at" showTime sortable={false} />
      </Datagrid>
    </List>
  );
}

/** Imports and exports of one shop, for staff. */
function ShopWork() {
  const shop = useRecordContext<{ id: number; price_list_url: string | null }>();
  const translate = useTranslate();
  const data = useConsoleData();
  const [opened, setOpened] = useState<number | null>(null);
  const [round, setRound] = useState(0);
  if (!shop) return null;
  return (
    <Box sx={{ display: 'grid', gap: 2, mt: 2 }}>
      <Card variant="outlined">
        <CardContent sx={{ display: 'grid', gap: 2 }}>
          <Typography variant="h6" component="h2">
            {translate('console.imports.title')}
          </Typography>
          <ImportStarter
            shopId={shop.id}
            defaultUrl={shop.price_list_url}
            onStarted={(id) => {
              setOpened(id);
              setRound((n) => n + 1);
            }}
          />
          {opened ? <ImportProgress key={opened} id={opened} supplier={false} /> : null}
          <ImportHistory
            key={round}
            round={round}
            load={() =>
              data.call('GET', '/api/v2/admin/shops/{id}/imports', {
                params: { path: { id: shop.id }, query: { limit: 10 } },
              })
            }
            onOpen={setOpened}
          />
        </CardContent>
      </Card>
      <Card variant="outlined">
        <CardContent sx={{ display: 'grid', gap: 2 }}>
          <Typography variant="h6" component="h2">
            {translate('console.exports.title')}
          </Typography>
          <ExportPanel shopId={shop.id} />
        </CardContent>
      </Card>
    </Box>
  );
}

export function ShopShow() {
  return (
    <Show
      actions={
        <TopToolbar>
          <EditButton />
        </TopToolbar>
      }
    >
      <SimpleShowLayout>
        <TextField source="name" label="console.shops.name" />
        <BooleanField source="accepting_orders" label="console.shops.accepting_orders" />
        <TextField source="price_list_url" label="console.shops.price_list_url" emptyText="—" />
        <NumberField source="import_every_hours" label="console.shops.import_every_hours" emptyText="—" />
        <TextField source="contact_person" label="console.shops.contact_person" emptyText="—" />
        <TextField source="contact_email" label="console.shops.contact_email" emptyText="—" />
        <TextField source="contact_phone" label="console.shops.contact_phone" emptyText="—" />
        <LocalDateField source="updated_at" label="console.shops.updated_at" showTime />
      </SimpleShowLayout>
      <ShopWork />
    </Show>
  );
}

export function ShopEdit() {
  return (
    <Edit mutationMode="pessimistic" redirect="show">
      <SimpleForm
        warnWhenUnsavedChanges
        toolbar={
          <Toolbar>
            <SaveButton />
          </Toolbar>
        }
      >
        <TextInput source="name" label="console.shops.name" fullWidth />
        <BooleanInput source="accepting_orders" label="console.shops.accepting_orders" />
        <TextInput
          source="price_list_url"
          label="console.shops.price_list_url"
          fullWidth
          parse={(v) => v || null}
        />
        <NumberInput
          source="import_every_hours"
          label="console.shops.import_every_hours"
          min={1}
          parse={(v) => (v === '' || v === null ? null : Number(v))}
        />
        <TextInput source="contact_person" label="console.shops.contact_person" parse={(v) => v || null} />
        <TextInput
          source="contact_email"
          label="console.shops.contact_email"
          type="email"
          parse={(v) => v || null}
        />
        <TextInput source="contact_phone" label="console.shops.contact_phone" parse={(v) => v || null} />
      </SimpleForm>
    </Edit>
  );
}

/** A dialog showing one import (used from the admin imports list). */
export function ImportDialog({ id, onClose }: { id: number | null; onClose: () => void }) {
  const translate = useTranslate();
  return (
    <Dialog open={id !== null} onClose={onClose} maxWidth="lg" fullWidth>
      <DialogTitle>
        {translate('console.imports.one', { id })}
        <IconButton
          aria-label={translate('ra.action.close')}
          onClick={onClose}
          sx={{ position: 'absolute', right: 8, top: 8 }}
        >
          <CloseIcon />
        </IconButton>
      </DialogTitle>
      <DialogContent>{id !== null ? <ImportProgress id={id} supplier={false} /> : null}</DialogContent>
    </Dialog>
  );
}
