// The /api/v2 operations behind this part's react-admin resources (merged into the data provider's
// table): the buyer's own orders.
import type { ResourceRoutes } from '../../resources.ts';

export const BUYER_CATALOG_RESOURCES: Record<string, ResourceRoutes> = {
  'my-orders': { list: '/api/v2/orders', one: '/api/v2/orders/{id}' },
};
