// Staff: the audit log — who did what to which object, when, with the values before and after.
import { Box } from '@mui/material';
import {
  Datagrid,
  DateTimeInput,
  FunctionField,
  List,
  TextField,
  TextInput,
  useTranslate,
} from 'react-admin';
import { LocalDateField } from '../components/common.tsx';
import { ListPagination } from '../components/ListPagination.tsx';

const auditFilters = [
  <TextInput key="kind" source="kind" label="console.audit.kind" alwaysOn />,
  <TextInput key="object_type" source="object_type" label="console.audit.object_type" alwaysOn />,
  <TextInput key="object_id" source="object_id" label="console.audit.object_id" />,
  <TextInput key="actor_id" source="actor_id" label="console.audit.actor_id" />,
  <DateTimeInput key="from" source="from" label="console.audit.from" />,
  <DateTimeInput key="to" source="to" label="console.audit.to" />,
];

function Json({ value }: { value: unknown }) {
  if (value === null || value === undefined) return <span>—</span>;
  return (
    <Box component="pre" sx={{ m: 0, fontSize: 12, whiteSpace: 'pre-wrap', maxWidth: 360 }}>
      {JSON.stringify(value, null, 1)}
    </Box>
  );
}

export function AuditList() {
  const translate = useTranslate();
  return (
    <List filters={auditFilters} pagination={<ListPagination />} perPage={50} empty={false} exporter={false}>
      <Datagrid bulkActionButtons={false} rowClick={false}>
        <LocalDateField source="created_at" label="console.audit.at" showTime sortable={false} />
        <FunctionField
          label="console.audit.actor"
          render={(r: any) =>
            r.actor?.email ??
            r.actor_email ??
            (r.actor_id ? `#${r.actor_id}` : translate('console.audit.system'))
          }
        />
        <TextField source="kind" label="console.audit.kind" sortable={false} />
        <FunctionField
          label="console.audit.object"
          render={(r: any) => `${r.object_type ?? ''} #${r.object_id ?? ''}`}
        />
        <FunctionField label="console.audit.before" render={(r: any) => <Json value={r.before} />} />
        <FunctionField label="console.audit.after" render={(r: any) => <Json value={r.after} />} />
        <TextField source="note" label="console.orders.note" sortable={false} emptyText="" />
      </Datagrid>
    </List>
  );
}
