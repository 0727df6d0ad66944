// Server paging: lists are keyset-paged, so there is no total to show — the data provider
// remembers each page's cursor and tells whether a next page exists. The bar shows the page
// number, previous/next and the page size.
import ChevronLeftIcon from '@mui/icons-material/ChevronLeft';
import ChevronRightIcon from '@mui/icons-material/ChevronRight';
import { Box, IconButton, MenuItem, TextField, Typography } from '@mui/material';
import { useListContext, useTranslate } from 'react-admin';

const SIZES = [10, 25, 50, 100];

export function ListPagination() {
  const { page, perPage, setPage, setPerPage, hasNextPage, hasPreviousPage, data, isPending } =
    useListContext();
  const translate = useTranslate();
  if (isPending || (!data?.length && page === 1)) return null;
  return (
    <Box
      component="nav"
      aria-label={translate('console.paging.label')}
      sx={{
        display: 'flex',
        alignItems: 'center',
        justifyContent: 'flex-end',
        gap: 1,
        p: 1,
        flexWrap: 'wrap',
      }}
    >
      <TextField
        select
        size="small"
        id="page-size"
        label={translate('ra.navigation.page_rows_per_page')}
        value={perPage}
        onChange={(event) => setPerPage(Number(event.target.value))}
        sx={{ width: 160 }}
      >
        {SIZES.map((size) => (
          <MenuItem key={size} value={size}>
            {size}
          </MenuItem>
        ))}
      </TextField>
      <Typography variant="body2" sx={{ mx: 1 }}>
        {translate('console.paging.page', { page })}
      </Typography>
      <IconButton
        aria-label={translate('ra.navigation.previous')}
        disabled={!hasPreviousPage && page <= 1}
        onClick={() => setPage(page - 1)}
      >
        <ChevronLeftIcon />
      </IconButton>
      <IconButton
        aria-label={translate('ra.navigation.next')}
        disabled={!hasNextPage}
        onClick={() => setPage(page + 1)}
      >
        <ChevronRightIcon />
      </IconButton>
    </Box>
  );
}
