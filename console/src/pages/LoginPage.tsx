// Sign-in with email and password. A session the server ended is said so here; the server's own
// refusals (wrong password, blocked account, unconfirmed email) are shown as it words them.
import { Alert, Box, Button, Card, CardContent, TextField, Typography } from '@mui/material';
import { useEffect, useState } from 'react';
import { LocalesMenuButton, useLocaleState, useLogin, useTranslate } from 'react-admin';
import { useLocation } from 'react-router-dom';

export function LoginPage({
  ended: endedByServer,
  setLanguage,
}: {
  ended?: () => boolean;
  /** The API answers in the language chosen here (its refusals are shown as it words them). */
  setLanguage?: (language: 'ru' | 'en') => void;
}) {
  const [locale] = useLocaleState();
  useEffect(() => {
    setLanguage?.(locale === 'en' ? 'en' : 'ru');
  }, [locale, setLanguage]);
  const translate = useTranslate();
  const login = useLogin();
  const location = useLocation();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const ended =
    (location.state as { message?: string } | null)?.message ??
    (endedByServer?.() ? 'console.auth.session_ended' : undefined);
  return (
    <Box
      component="main"
      sx={{
        minHeight: '100vh',
        display: 'flex',
        alignItems: 'center',
        justifyContent: 'center',
        bgcolor: 'grey.100',
        p: 2,
      }}
    >
      <Card sx={{ width: '100%', maxWidth: 400 }}>
        <CardContent>
          <Box sx={{ display: 'flex', justifyContent: 'space-between', alignItems: 'center' }}>
            <Typography variant="h5" component="h1">
              {translate('console.login.title')}
            </Typography>
            <LocalesMenuButton />
          </Box>
          <Typography variant="body2" color="text.secondary" sx={{ mb: 2 }}>
            {translate('console.login.subtitle')}
          </Typography>
          {ended && !error ? (
            <Alert severity="warning" sx={{ mb: 2 }}>
              {translate(ended, { _: ended })}
            </Alert>
          ) : null}
          {error ? (
            <Alert severity="error" sx={{ mb: 2 }} role="alert">
              {translate(error, { _: error })}
            </Alert>
          ) : null}
          <Box
            component="form"
            aria-label={translate('console.login.title')}
            sx={{ display: 'grid', gap: 2 }}
            onSubmit={async (event) => {
              event.preventDefault();
              setBusy(true);
              setError(null);
              try {
                await login({ email, password });
              } catch (failure) {
                setError((failure as Error).message || 'ra.auth.sign_in_error');
                setBusy(false);
              }
            }}
          >
            <TextField
              id="email"
              name="email"
              type="email"
              autoComplete="username"
              label={translate('console.login.email')}
              value={email}
              onChange={(e) => setEmail(e.target.value)}
              required
              autoFocus
            />
            <TextField
              id="password"
              name="password"
              type="password"
              autoComplete="current-password"
              label={translate('console.login.password')}
              value={password}
              onChange={(e) => setPassword(e.target.value)}
              required
            />
            <Button type="submit" variant="contained" disabled={busy}>
              {translate('console.login.submit')}
            </Button>
          </Box>
        </CardContent>
      </Card>
    </Box>
  );
}
