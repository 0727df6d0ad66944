// Someone whose role the console does not serve (staff, suppliers and buyers each have their own
// pages): says so and offers to sign out.
import { Alert, Box, Button, Typography } from '@mui/material';
import { Title, useLogout, useTranslate } from 'react-admin';

export function BuyerPage() {
  const translate = useTranslate();
  const logout = useLogout();
  return (
    <Box sx={{ p: 3, maxWidth: 720 }}>
      <Title title="buyer.unserved.title" />
      <Typography variant="h5" component="h1" gutterBottom>
        {translate('buyer.unserved.title')}
      </Typography>
      <Alert severity="info" sx={{ mb: 2 }}>
        {translate('buyer.unserved.text')}
      </Alert>
      <Button variant="contained" onClick={() => logout()}>
        {translate('ra.auth.logout')}
      </Button>
    </Box>
  );
}
