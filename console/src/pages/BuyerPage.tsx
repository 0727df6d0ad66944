// A buyer who signs in: the console is for staff and suppliers. (The buyer workspace of a later
// issue gets its own resources for the role `buyer` in App.tsx.)
import { Alert, Box, Button, Typography } from '@mui/material';
import { Title, useLogout, useTranslate } from 'react-admin';

export function BuyerPage() {
  const translate = useTranslate();
  const logout = useLogout();
  return (
    <Box sx={{ p: 3, maxWidth: 720 }}>
      <Title title="console.buyer.title" />
      <Typography variant="h5" component="h1" gutterBottom>
        {translate('console.buyer.title')}
      </Typography>
      <Alert severity="info" sx={{ mb: 2 }}>
        {translate('console.buyer.text')}
      </Alert>
      <Button variant="contained" onClick={() => logout()}>
        {translate('ra.auth.logout')}
      </Button>
    </Box>
  );
}
