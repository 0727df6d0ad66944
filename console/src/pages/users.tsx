// Staff: accounts. The list searches email, name and company and filters by role and state; an
// account's page changes its role, blocks or unblocks it (after a confirmation, with a reason) and
// sends the confirmation email again.
import {
  Alert,
  Box,
  Button,
  Card,
  CardContent,
  FormControl,
  InputLabel,
  MenuItem,
  TextField as MuiTextField,
  Select,
  Typography,
} from '@mui/material';
import { useState } from 'react';
import {
  Datagrid,
  EmailField,
  FunctionField,
  List,
  SelectInput,
  Show,
  SimpleShowLayout,
  TextField,
  TextInput,
  useNotify,
  useRecordContext,
  useRefresh,
  useTranslate,
} from 'react-admin';
import {
  ConfirmAction,
  ErrorText,
  LocalDateField,
  StateChip,
  useConsoleData,
} from '../components/common.tsx';
import { ListPagination } from '../components/ListPagination.tsx';

const ROLES = ['buyer', 'supplier', 'staff'] as const;
const roleChoices = ROLES.map((id) => ({ id, name: `console.roles.${id}` }));
const stateChoices = ['active', 'blocked', 'unconfirmed'].map((id) => ({ id, name: `console.states.${id}` }));

const userFilters = [
  <TextInput key="q" source="q" label="console.users.search" alwaysOn />,
  <SelectInput key="role" source="role" label="console.users.role" choices={roleChoices} alwaysOn />,
  <SelectInput key="state" source="state" label="console.users.state" choices={stateChoices} alwaysOn />,
];

interface UserRecord {
  id: number;
  email: string;
  role: string;
  blocked?: boolean;
  blocked_reason?: string | null;
  email_confirmed?: boolean;
}

const userState = (user: UserRecord) =>
  user.blocked ? 'blocked' : user.email_confirmed === false ? 'unconfirmed' : 'active';

export function UserList() {
  return (
    <List filters={userFilters} pagination={<ListPagination />} perPage={25} empty={false}>
      <Datagrid rowClick="show" bulkActionButtons={false}>
        <TextField source="email" label="console.users.email" sortable={false} />
        <FunctionField
          label="console.users.name"
          sortable={false}
          render={(user: { first_name?: string; last_name?: string }) =>
            [user.first_name, user.last_name].filter(Boolean).join(' ')
          }
        />
        <TextField source="company" label="console.users.company" sortable={false} />
        <FunctionField
          label="console.users.role"
          sortable={false}
          render={(user: UserRecord) => <RoleText role={user.role} />}
        />
        <FunctionField
          label="console.users.state"
          sortable={false}
          render={(user: UserRecord) => <StateChip state={userState(user)} />}
        />
        <LocalDateField source="created_at" label="console.users.created_at" sortable={false} />
      </Datagrid>
    </List>
  );
}

function RoleText({ role }: { role: string }) {
  const translate = useTranslate();
  return <span>{translate(`console.roles.${role}`, { _: role })}</span>;
}

function UserActions() {
  const user = useRecordContext<UserRecord>();
  const translate = useTranslate();
  const notify = useNotify();
  const refresh = useRefresh();
  const data = useConsoleData();
  const [role, setRole] = useState('');
  const [reason, setReason] = useState('');
  const [asking, setAsking] = useState<null | 'role' | 'block' | 'unblock'>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  if (!user) return null;
  const patch = async (body: Record<string, unknown>, done: string) => {
    setBusy(true);
    setError(null);
    try {
      await data.update('users', { id: user.id, data: body, previousData: {} as never });
      notify(done, { type: 'success' });
      setAsking(null);
      setReason('');
      refresh();
    } catch (failure) {
      setError(failure);
      setAsking(null);
    } finally {
      setBusy(false);
    }
  };
  const resend = async () => {
    setBusy(true);
    setError(null);
    try {
      await data.call('POST', '/api/v2/admin/users/{id}/resend-confirmation', {
        params: { path: { id: user.id } },
      });
      notify('console.users.confirmation_sent', { type: 'success' });
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Card variant="outlined" sx={{ mt: 2 }}>
      <CardContent sx={{ display: 'grid', gap: 2 }}>
        <Typography variant="h6" component="h2">
          {translate('console.users.actions')}
        </Typography>
        <ErrorText error={error} />
        <Box sx={{ display: 'flex', gap: 1, flexWrap: 'wrap', alignItems: 'center' }}>
          <FormControl size="small" sx={{ minWidth: 200 }}>
            <InputLabel id="user-role-label">{translate('console.users.new_role')}</InputLabel>
            <Select
              labelId="user-role-label"
              id="user-role"
              value={role}
              label={translate('console.users.new_role')}
              onChange={(event) => setRole(event.target.value)}
            >
              {ROLES.filter((r) => r !== user.role).map((r) => (
                <MenuItem key={r} value={r}>
                  {translate(`console.roles.${r}`)}
                </MenuItem>
              ))}
            </Select>
          </FormControl>
          <Button variant="outlined" disabled={!role || busy} onClick={() => setAsking('role')}>
            {translate('console.users.change_role')}
          </Button>
        </Box>
        {user.blocked ? (
          <Box sx={{ display: 'grid', gap: 1 }}>
            <Alert severity="warning">
              {translate('console.users.blocked_because', { reason: user.blocked_reason || '—' })}
            </Alert>
            <Box>
              <Button
                variant="contained"
                color="success"
                disabled={busy}
                onClick={() => setAsking('unblock')}
              >
                {translate('console.users.unblock')}
              </Button>
            </Box>
          </Box>
        ) : (
          <Box sx={{ display: 'flex', gap: 1, flexWrap: 'wrap', alignItems: 'center' }}>
            <MuiTextField
              size="small"
              id="block-reason"
              label={translate('console.users.blocked_reason')}
              value={reason}
              onChange={(event) => setReason(event.target.value)}
              sx={{ minWidth: 300 }}
            />
            <Button variant="contained" color="error" disabled={busy} onClick={() => setAsking('block')}>
              {translate('console.users.block')}
            </Button>
          </Box>
        )}
        {userState(user) === 'unconfirmed' ? (
          <Box>
            <Button variant="outlined" disabled={busy} onClick={() => void resend()}>
              {translate('console.users.resend_confirmation')}
            </Button>
          </Box>
        ) : null}
        <ConfirmAction
          open={asking === 'role'}
          title={translate('console.users.change_role')}
          content={translate('console.users.change_role_confirm', {
            email: user.email,
            role: role ? translate(`console.roles.${role}`) : '',
          })}
          loading={busy}
          onConfirm={() => void patch({ role }, 'console.users.role_changed')}
          onClose={() => setAsking(null)}
        />
        <ConfirmAction
          open={asking === 'block'}
          title={translate('console.users.block')}
          content={translate('console.users.block_confirm', { email: user.email })}
          loading={busy}
          onConfirm={() =>
            void patch(
              { blocked: true, ...(reason.trim() ? { blocked_reason: reason.trim() } : {}) },
              'console.users.blocked_done',
            )
          }
          onClose={() => setAsking(null)}
        />
        <ConfirmAction
          open={asking === 'unblock'}
          title={translate('console.users.unblock')}
          content={translate('console.users.unblock_confirm', { email: user.email })}
          loading={busy}
          onConfirm={() => void patch({ blocked: false }, 'console.users.unblocked_done')}
          onClose={() => setAsking(null)}
        />
      </CardContent>
    </Card>
  );
}

export function UserShow() {
  return (
    <Show>
      <SimpleShowLayout>
        <EmailField source="email" label="console.users.email" />
        <TextField source="first_name" label="console.users.first_name" emptyText="—" />
        <TextField source="last_name" label="console.users.last_name" emptyText="—" />
        <TextField source="company" label="console.users.company" emptyText="—" />
        <TextField source="phone" label="console.users.phone" emptyText="—" />
        <FunctionField
          label="console.users.role"
          render={(user: UserRecord) => <RoleText role={user.role} />}
        />
        <FunctionField
          label="console.users.state"
          render={(user: UserRecord) => <StateChip state={userState(user)} />}
        />
        <LocalDateField
          source="email_confirmed_at"
          label="console.users.email_confirmed"
          showTime
          emptyText="—"
        />
        <LocalDateField source="created_at" label="console.users.created_at" showTime />
      </SimpleShowLayout>
      <UserActions />
    </Show>
  );
}
