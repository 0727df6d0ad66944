// Checkout: the delivery contact (the buyer's own; one can be added right here), the coupon, the
// summary per supplier, a comment, and placing the order. A double click is safe: every attempt
// carries one Idempotency-Key (a repeat of the same attempt gets the same order), the button is off
// while the attempt runs, and the total shown is sent as `expected_total` so a price change
// refuses instead of charging something else.
import {
  Alert,
  Box,
  Button,
  Card,
  CardContent,
  FormControlLabel,
  Radio,
  RadioGroup,
  Stack,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  TextField,
  Typography,
} from '@mui/material';
import { type FormEvent, useCallback, useEffect, useState } from 'react';
import { Title, useNotify, useTranslate } from 'react-admin';
import { Link, useNavigate } from 'react-router-dom';
import { Loading, Money, useConsoleData } from '../../components/common.tsx';
import { BasketTotals } from './BasketPage.tsx';
import { CouponBox } from './basket-tools.tsx';
import { ApiProblem, Day, MinimumProgress, ProblemChips, useBasket } from './shared.tsx';

interface Contact {
  id: number;
  city: string;
  street: string;
  house: string;
  apartment: string;
  phone: string;
  recipient_name: string;
}

const newKey = () => crypto.randomUUID();

export function CheckoutPage() {
  const translate = useTranslate();
  const notify = useNotify();
  const navigate = useNavigate();
  const data = useConsoleData();
  const { basket, error, reload } = useBasket();
  const [contacts, setContacts] = useState<Contact[] | null>(null);
  const [contactId, setContactId] = useState<number | null>(null);
  const [comment, setComment] = useState('');
  const [placing, setPlacing] = useState(false);
  const [refusal, setRefusal] = useState<unknown>(null);
  // One key per checkout attempt: kept across repeats of the attempt, renewed after a refusal.
  const [attemptKey, setAttemptKey] = useState(newKey);

  const loadContacts = useCallback(
    () =>
      data.call<{ items: Contact[] }>('GET', '/api/v2/me/contacts').then((answer) => {
        setContacts(answer.items);
        setContactId((chosen) => chosen ?? answer.items[0]?.id ?? null);
      }, setRefusal),
    [data],
  );
  useEffect(() => {
    loadContacts();
  }, [loadContacts]);

  const place = async () => {
    if (!basket || contactId === null || placing) return;
    setPlacing(true);
    setRefusal(null);
    try {
      const order = await data.call<{ id: number; number: string }>('POST', '/api/v2/orders', {
        params: { header: { 'idempotency-key': attemptKey } },
        body: {
          contact_id: contactId,
          expected_total: basket.total,
          ...(comment.trim() ? { comment: comment.trim() } : {}),
        },
      });
      notify('buyer.checkout.placed', { type: 'success', messageArgs: { number: order.number } });
      navigate(`/my-orders/${order.id}/show`);
    } catch (failure) {
      setRefusal(failure);
      setAttemptKey(newKey());
      await reload();
      setPlacing(false);
    }
  };

  const ready = basket && basket.groups.length > 0 && contactId !== null && !basket.has_blocking_problems;
  return (
    <Box sx={{ p: { xs: 1, sm: 2 }, display: 'grid', gap: 2, maxWidth: 1100 }}>
      <Title title="buyer.checkout.title" />
      <Typography variant="h5" component="h1">
        {translate('buyer.checkout.title')}
      </Typography>
      <ApiProblem error={error} />
      {!basket && !error ? <Loading /> : null}
      {basket && basket.groups.length === 0 ? (
        <Alert
          severity="info"
          action={
            <Button component={Link} to="/catalog">
              {translate('buyer.catalog.title')}
            </Button>
          }
        >
          {translate('buyer.basket.empty')}
        </Alert>
      ) : null}
      {basket?.groups.length ? (
        <>
          <Card variant="outlined" component="section" aria-label={translate('buyer.checkout.contact')}>
            <CardContent sx={{ display: 'grid', gap: 1 }}>
              <Typography variant="subtitle1" component="h2">
                {translate('buyer.checkout.contact')}
              </Typography>
              {!contacts ? <Loading /> : null}
              {contacts?.length === 0 ? (
                <Alert severity="info">{translate('buyer.checkout.no_contacts')}</Alert>
              ) : null}
              {contacts?.length ? (
                <RadioGroup
                  value={contactId ?? ''}
                  onChange={(event) => setContactId(Number(event.target.value))}
                >
                  {contacts.map((contact) => (
                    <FormControlLabel
                      key={contact.id}
                      value={contact.id}
                      control={<Radio />}
                      label={`${contact.city}, ${contact.street}${contact.house ? `, ${contact.house}` : ''}${contact.apartment ? `, ${contact.apartment}` : ''} — ${contact.recipient_name || ''} ${contact.phone}`}
                    />
                  ))}
                </RadioGroup>
              ) : null}
              {contacts ? (
                <NewContact
                  open={contacts.length === 0}
                  onCreated={(contact) => {
                    setContactId(contact.id);
                    loadContacts();
                  }}
                />
              ) : null}
            </CardContent>
          </Card>
          <Card variant="outlined" component="section" aria-label={translate('buyer.checkout.summary')}>
            <CardContent sx={{ overflowX: 'auto' }}>
              <Typography variant="subtitle1" component="h2">
                {translate('buyer.checkout.summary')}
              </Typography>
              <Table size="small">
                <TableHead>
                  <TableRow>
                    <TableCell>{translate('buyer.checkout.supplier')}</TableCell>
                    <TableCell align="right">{translate('buyer.checkout.lines')}</TableCell>
                    <TableCell>{translate('buyer.basket.delivery')}</TableCell>
                    <TableCell>{translate('buyer.checkout.minimum')}</TableCell>
                    <TableCell align="right">{translate('buyer.basket.total')}</TableCell>
                  </TableRow>
                </TableHead>
                <TableBody>
                  {basket.groups.map((group) => (
                    <TableRow key={group.shop.id}>
                      <TableCell>
                        {group.shop.name}
                        <ProblemChips problems={[...new Set(group.lines.flatMap((line) => line.problems))]} />
                      </TableCell>
                      <TableCell align="right">{group.lines.length}</TableCell>
                      <TableCell>
                        <Day value={group.delivery.expected_delivery_date} />
                      </TableCell>
                      <TableCell>
                        <MinimumProgress delivery={group.delivery} subtotal={group.subtotal} />
                      </TableCell>
                      <TableCell align="right">
                        <Money amount={group.total} />
                      </TableCell>
                    </TableRow>
                  ))}
                </TableBody>
              </Table>
            </CardContent>
          </Card>
          <CouponBox basket={basket} onChanged={reload} />
          <TextField
            label={translate('buyer.checkout.comment')}
            value={comment}
            onChange={(event) => setComment(event.target.value)}
            multiline
            minRows={2}
            slotProps={{ htmlInput: { maxLength: 2000 } }}
          />
          <ApiProblem error={refusal} />
          <Stack
            direction="row"
            sx={{ justifyContent: 'space-between', alignItems: 'center', flexWrap: 'wrap', gap: 2 }}
          >
            <BasketTotals basket={basket} />
            <Stack direction="row" spacing={1}>
              <Button component={Link} to="/basket">
                {translate('buyer.checkout.back')}
              </Button>
              <Button variant="contained" size="large" disabled={!ready || placing} onClick={place}>
                {placing ? translate('buyer.checkout.placing') : translate('buyer.checkout.place')}
              </Button>
            </Stack>
          </Stack>
        </>
      ) : null}
    </Box>
  );
}

function NewContact({ open, onCreated }: { open: boolean; onCreated: (contact: Contact) => void }) {
  const translate = useTranslate();
  const data = useConsoleData();
  const [shown, setShown] = useState(open);
  const [fields, setFields] = useState({
    city: '',
    street: '',
    house: '',
    apartment: '',
    phone: '',
    recipient_name: '',
  });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  if (!shown) {
    return (
      <Box>
        <Button onClick={() => setShown(true)}>{translate('buyer.checkout.add_contact')}</Button>
      </Box>
    );
  }
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    const body = Object.fromEntries(Object.entries(fields).filter(([, value]) => value.trim() !== ''));
    try {
      const contact = await data.call<Contact>('POST', '/api/v2/me/contacts', { body });
      setShown(false);
      onCreated(contact);
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };
  const field = (name: keyof typeof fields, required = false) => (
    <TextField
      size="small"
      required={required}
      label={translate(`buyer.contact.${name}`)}
      value={fields[name]}
      onChange={(event) => setFields({ ...fields, [name]: event.target.value })}
      error={Boolean((error as { body?: { errors?: Record<string, unknown> } })?.body?.errors?.[name])}
    />
  );
  return (
    <Box
      component="form"
      onSubmit={submit}
      aria-label={translate('buyer.checkout.add_contact')}
      sx={{ display: 'grid', gap: 1, gridTemplateColumns: 'repeat(auto-fill, minmax(200px, 1fr))' }}
    >
      {field('city', true)}
      {field('street', true)}
      {field('house')}
      {field('apartment')}
      {field('phone', true)}
      {field('recipient_name')}
      <Box sx={{ gridColumn: '1 / -1' }}>
        <ApiProblem error={error} />
        <Button type="submit" variant="outlined" disabled={busy}>
          {translate('buyer.checkout.save_contact')}
        </Button>
      </Box>
    </Box>
  );
}
