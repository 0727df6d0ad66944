// The API operations behind this part's react-admin resources (merged into the data provider's
// table of resources; see ../resources.ts for the shape).
import type { ResourceRoutes } from '../resources.ts';

export const PAYMENT_RESOURCES: Record<string, ResourceRoutes> = {
  // Staff
  'payment-statements': {
    list: '/api/v2/admin/payments/statements',
    one: '/api/v2/admin/payments/statements/{id}',
  },
  'payment-refunds': { list: '/api/v2/admin/payments/refunds' },
  'payment-notifications': { list: '/api/v2/admin/payments/notifications' },
  // Supplier
  'supplier-payment-statements': {
    list: '/api/v2/supplier/payments/statements',
    one: '/api/v2/supplier/payments/statements/{id}',
  },
  // Buyer: its orders, each with its invoices and payment
  'payment-orders': { list: '/api/v2/orders', one: '/api/v2/orders/{id}' },
};
