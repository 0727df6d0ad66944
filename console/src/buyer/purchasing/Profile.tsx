// The buyer's profile (GET/PATCH /api/v2/me): name, company, phone and language; the billing
// details as the API validates them (each field's error beside it); the email change (a
// confirmation goes to the new address) and the password change.
import { Alert, Box, Button, Card, CardContent, Chip, MenuItem, TextField, Typography } from '@mui/material';
import { type ReactNode, useEffect, useState } from 'react';
import { Title, useLocaleState, useNotify, useTranslate } from 'react-admin';
import { Link } from 'react-router-dom';
import { Loading, useConsoleData } from '../../components/common.tsx';
import { ProblemText } from './shared.tsx';

type Values = Record<string, string>;
type Errors = Record<string, unknown>;

const PROFILE_FIELDS = ['first_name', 'last_name', 'company', 'position', 'phone'] as const;
const BILLING_FIELDS = [
  'legal_name',
  'inn',
  'kpp',
  'ogrn',
  'bank_bik',
  'settlement_account',
  'correspondent_account',
] as const;

/** The field errors of a failed call (`{field: message}`, nested as the API names them). */
function fieldErrorsOf(error: unknown): Errors {
  return ((error as { body?: { errors?: Errors } })?.body?.errors ?? {}) as Errors;
}

/** A form's values, its call, and the API's answer: field errors beside fields, the rest above. */
function useApiForm(initial: Values, submit: (values: Values) => Promise<unknown>, done: string) {
  const notify = useNotify();
  const [values, setValues] = useState<Values>(initial);
  const [errors, setErrors] = useState<Errors>({});
  const [failure, setFailure] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const run = async () => {
    setBusy(true);
    setErrors({});
    setFailure(null);
    try {
      await submit(values);
      notify(done, { type: 'success' });
    } catch (error) {
      setErrors(fieldErrorsOf(error));
      setFailure(error);
    } finally {
      setBusy(false);
    }
  };
  const field = (name: string, error?: unknown) => ({
    name,
    value: values[name] ?? '',
    onChange: (event: { target: { value: string } }) =>
      setValues((old) => ({ ...old, [name]: event.target.value })),
    error: typeof error === 'string',
    helperText: typeof error === 'string' ? error : undefined,
  });
  return { values, setValues, errors, failure, busy, run, field };
}

function Section({ title, children }: { title: string; children: ReactNode }) {
  const translate = useTranslate();
  return (
    <Card variant="outlined" component="section" aria-label={translate(title)}>
      <CardContent sx={{ display: 'grid', gap: 2 }}>
        <Typography variant="h6" component="h2">
          {translate(title)}
        </Typography>
        {children}
      </CardContent>
    </Card>
  );
}

const grid = { display: 'grid', gap: 2, gridTemplateColumns: { xs: '1fr', sm: '1fr 1fr' } };

interface Me {
  email: string;
  email_confirmed: boolean;
  preferred_language: 'ru' | 'en';
  billing_details: Record<string, string | null>;
  [key: string]: unknown;
}

function ProfileForm({ me, onSaved }: { me: Me; onSaved: (me: Me) => void }) {
  const translate = useTranslate();
  const data = useConsoleData();
  const [, setLocale] = useLocaleState();
  const initial: Values = { preferred_language: me.preferred_language };
  for (const name of PROFILE_FIELDS) initial[name] = String(me[name] ?? '');
  const form = useApiForm(
    initial,
    async (values) => {
      const body: Record<string, unknown> = { preferred_language: values.preferred_language };
      for (const name of PROFILE_FIELDS) body[name] = name === 'phone' && !values[name] ? null : values[name];
      onSaved(await data.call<Me>('PATCH', '/api/v2/me', { body }));
      setLocale(values.preferred_language);
    },
    'purchasing.profile.saved',
  );
  return (
    <Section title="purchasing.profile.personal">
      <Box sx={{ display: 'flex', gap: 1, alignItems: 'center', flexWrap: 'wrap' }}>
        <Typography>{me.email}</Typography>
        <Chip
          size="small"
          color={me.email_confirmed ? 'success' : 'warning'}
          label={translate(
            me.email_confirmed ? 'purchasing.profile.confirmed' : 'purchasing.profile.unconfirmed',
          )}
        />
      </Box>
      <Box sx={grid}>
        {PROFILE_FIELDS.map((name) => (
          <TextField
            key={name}
            label={translate(`purchasing.profile.${name}`)}
            {...form.field(name, form.errors[name])}
          />
        ))}
        <TextField
          select
          label={translate('purchasing.profile.language')}
          {...form.field('preferred_language')}
        >
          <MenuItem value="ru">Русский</MenuItem>
          <MenuItem value="en">English</MenuItem>
        </TextField>
      </Box>
      <ProblemText error={form.failure} fieldsShown />
      <Box>
        <Button variant="contained" disabled={form.busy} onClick={() => void form.run()}>
          {translate('ra.action.save')}
        </Button>
      </Box>
    </Section>
  );
}

function BillingForm({ me, onSaved }: { me: Me; onSaved: (me: Me) => void }) {
  const translate = useTranslate();
  const data = useConsoleData();
  const initial: Values = {};
  for (const name of BILLING_FIELDS) initial[name] = me.billing_details[name] ?? '';
  const form = useApiForm(
    initial,
    async (values) => {
      const billing: Record<string, string | null> = {};
      for (const name of BILLING_FIELDS) billing[name] = values[name]?.trim() ? values[name].trim() : null;
      onSaved(await data.call<Me>('PATCH', '/api/v2/me', { body: { billing_details: billing } }));
    },
    'purchasing.billing.saved',
  );
  const errors = (form.errors.billing_details ?? {}) as Errors;
  return (
    <Section title="purchasing.billing.title">
      <Typography variant="body2" color="text.secondary">
        {translate('purchasing.billing.help')}
      </Typography>
      <Box sx={grid}>
        {BILLING_FIELDS.map((name) => (
          <TextField
            key={name}
            label={translate(`purchasing.billing.${name}`)}
            {...form.field(name, errors[name])}
          />
        ))}
      </Box>
      <ProblemText error={form.failure} fieldsShown />
      <Box>
        <Button variant="contained" disabled={form.busy} onClick={() => void form.run()}>
          {translate('ra.action.save')}
        </Button>
      </Box>
    </Section>
  );
}

function EmailForm() {
  const translate = useTranslate();
  const data = useConsoleData();
  const [sent, setSent] = useState(false);
  const form = useApiForm(
    { new_email: '', password: '' },
    async (values) => {
      await data.call('POST', '/api/v2/me/email', { body: values });
      setSent(true);
    },
    'purchasing.email.sent',
  );
  return (
    <Section title="purchasing.email.title">
      <Box sx={grid}>
        <TextField
          type="email"
          label={translate('purchasing.email.new_email')}
          {...form.field('new_email', form.errors.new_email)}
        />
        <TextField
          type="password"
          label={translate('purchasing.email.password')}
          autoComplete="current-password"
          {...form.field('password', form.errors.password)}
        />
      </Box>
      {sent ? <Alert severity="info">{translate('purchasing.email.sent')}</Alert> : null}
      <ProblemText error={form.failure} fieldsShown />
      <Box>
        <Button variant="contained" disabled={form.busy} onClick={() => void form.run()}>
          {translate('purchasing.email.submit')}
        </Button>
      </Box>
    </Section>
  );
}

function PasswordForm() {
  const translate = useTranslate();
  const data = useConsoleData();
  const form = useApiForm(
    { current_password: '', new_password: '' },
    async (values) => {
      await data.call('POST', '/api/v2/me/password', { body: values });
    },
    'purchasing.password.changed',
  );
  return (
    <Section title="purchasing.password.title">
      <Box sx={grid}>
        <TextField
          type="password"
          autoComplete="current-password"
          label={translate('purchasing.password.current')}
          {...form.field('current_password', form.errors.current_password)}
        />
        <TextField
          type="password"
          autoComplete="new-password"
          label={translate('purchasing.password.new')}
          {...form.field('new_password', form.errors.new_password)}
        />
      </Box>
      <ProblemText error={form.failure} fieldsShown />
      <Box>
        <Button variant="contained" disabled={form.busy} onClick={() => void form.run()}>
          {translate('purchasing.password.submit')}
        </Button>
      </Box>
    </Section>
  );
}

export function ProfilePage() {
  const translate = useTranslate();
  const data = useConsoleData();
  const [me, setMe] = useState<Me | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    data.call<Me>('GET', '/api/v2/me').then(setMe, setError);
  }, [data]);
  return (
    <Box sx={{ p: { xs: 1, sm: 2 }, display: 'grid', gap: 2, maxWidth: 960 }}>
      <Title title="purchasing.profile.title" />
      <Typography variant="h5" component="h1">
        {translate('purchasing.profile.title')}
      </Typography>
      <ProblemText error={error} />
      {!me && !error ? <Loading /> : null}
      {me ? (
        <>
          <ProfileForm me={me} onSaved={setMe} />
          <BillingForm me={me} onSaved={setMe} />
          <EmailForm />
          <PasswordForm />
          <Box sx={{ display: 'flex', gap: 2, flexWrap: 'wrap' }}>
            <Link to="/contacts">{translate('purchasing.menu.contacts')}</Link>
            <Link to="/api-tokens">{translate('purchasing.menu.api_tokens')}</Link>
          </Box>
        </>
      ) : null}
    </Box>
  );
}
