// Server paging: lists are keyset-paged, so react-admin gets "has next/previous page" rather than
// a total (the data provider remembers each page's cursor) and shows previous/next.
import { Pagination } from 'react-admin';

export function ListPagination() {
  return <Pagination rowsPerPageOptions={[10, 25, 50, 100]} />;
}
