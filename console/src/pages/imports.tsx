// Staff: every shop's imports (failed ones of the last day are a link from the home page).
import { useState } from 'react';
import {
  AutocompleteInput,
  Datagrid,
  DateTimeInput,
  FunctionField,
  List,
  ReferenceInput,
  SelectInput,
  TextField,
} from 'react-admin';
import { LocalDateField, StateChip } from '../components/common.tsx';
import { ListPagination } from '../components/ListPagination.tsx';
import { ImportDialog } from './shops.tsx';

const statuses = ['queued', 'running', 'succeeded', 'failed'].map((id) => ({
  id,
  name: `console.states.${id}`,
}));
const importFilters = [
  <ReferenceInput key="shop" source="shop_id" reference="shops" label="console.orders.shop" alwaysOn>
    <AutocompleteInput label="console.orders.shop" optionText="name" filterToQuery={(q) => ({ q })} />
  </ReferenceInput>,
  <SelectInput key="status" source="status" label="console.imports.status" choices={statuses} alwaysOn />,
  <DateTimeInput key="since" source="since" label="console.imports.since" />,
];

export function ImportList() {
  const [opened, setOpened] = useState<number | null>(null);
  return (
    <>
      <List
        filters={importFilters}
        pagination={<ListPagination />}
        perPage={25}
        empty={false}
        exporter={false}
      >
        <Datagrid
          bulkActionButtons={false}
          rowClick={(id) => {
            setOpened(Number(id));
            return false;
          }}
        >
          <TextField source="id" label="№" sortable={false} />
          <TextField source="shop_id" label="console.orders.shop" sortable={false} />
          <LocalDateField source="queued_at" label="console.imports.queued_at" showTime sortable={false} />
          <FunctionField label="console.imports.status" render={(r: any) => <StateChip state={r.status} />} />
          <FunctionField
            label="console.imports.source"
            render={(r: any) => r.file_name ?? r.url ?? r.source}
          />
          <FunctionField label="console.imports.total" render={(r: any) => r.counts?.total} />
          <FunctionField label="console.imports.rejected" render={(r: any) => r.counts?.rejected} />
          <FunctionField label="console.imports.error" render={(r: any) => r.error?.message ?? ''} />
        </Datagrid>
      </List>
      <ImportDialog id={opened} onClose={() => setOpened(null)} />
    </>
  );
}
