// The buyer's delivery contacts (/api/v2/me/contacts): address and phone, used by checkout and by
// standing orders. The API's field errors show beside the fields (react-admin's form does that).
import { Box, Typography } from '@mui/material';
import {
  Create,
  CreateButton,
  Datagrid,
  DeleteWithConfirmButton,
  Edit,
  EditButton,
  List,
  required,
  SimpleForm,
  TextField,
  TextInput,
  TopToolbar,
  useTranslate,
} from 'react-admin';

function ContactsEmpty() {
  const translate = useTranslate();
  return (
    <Box sx={{ p: 3 }}>
      <Typography variant="h6" component="p" gutterBottom>
        {translate('purchasing.contacts.empty')}
      </Typography>
      <CreateButton resource="contacts" variant="contained" />
    </Box>
  );
}

export function ContactList() {
  return (
    <List
      resource="contacts"
      empty={<ContactsEmpty />}
      pagination={false}
      exporter={false}
      actions={
        <TopToolbar>
          <CreateButton />
        </TopToolbar>
      }
    >
      <Datagrid rowClick="edit" bulkActionButtons={false}>
        <TextField source="city" label="purchasing.contacts.city" />
        <TextField source="street" label="purchasing.contacts.street" />
        <TextField source="house" label="purchasing.contacts.house" />
        <TextField source="phone" label="purchasing.contacts.phone" />
        <TextField source="recipient_name" label="purchasing.contacts.recipient_name" />
        <EditButton />
      </Datagrid>
    </List>
  );
}

function ContactForm() {
  const half = { minWidth: 220, flex: 1 };
  return (
    <SimpleForm sx={{ maxWidth: 760 }}>
      <Box sx={{ display: 'flex', flexWrap: 'wrap', gap: 2, width: '100%' }}>
        <TextInput source="city" label="purchasing.contacts.city" validate={required()} sx={half} />
        <TextInput source="street" label="purchasing.contacts.street" validate={required()} sx={half} />
      </Box>
      <Box sx={{ display: 'flex', flexWrap: 'wrap', gap: 2, width: '100%' }}>
        <TextInput source="house" label="purchasing.contacts.house" sx={{ width: 110 }} />
        <TextInput source="structure" label="purchasing.contacts.structure" sx={{ width: 110 }} />
        <TextInput source="building" label="purchasing.contacts.building" sx={{ width: 110 }} />
        <TextInput source="apartment" label="purchasing.contacts.apartment" sx={{ width: 110 }} />
      </Box>
      <Box sx={{ display: 'flex', flexWrap: 'wrap', gap: 2, width: '100%' }}>
        <TextInput source="phone" label="purchasing.contacts.phone" validate={required()} sx={half} />
        <TextInput source="recipient_name" label="purchasing.contacts.recipient_name" sx={half} />
      </Box>
      <TextInput source="comment" label="purchasing.contacts.comment" multiline fullWidth />
    </SimpleForm>
  );
}

export function ContactCreate() {
  return (
    <Create resource="contacts" redirect="list">
      <ContactForm />
    </Create>
  );
}

export function ContactEdit() {
  return (
    <Edit
      resource="contacts"
      redirect="list"
      mutationMode="pessimistic"
      actions={
        <TopToolbar>
          <DeleteWithConfirmButton confirmContent="purchasing.contacts.delete_confirm" />
        </TopToolbar>
      }
    >
      <ContactForm />
    </Edit>
  );
}
