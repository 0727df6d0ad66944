// Which /api/v2 operations stand behind each react-admin resource. Paths are the documented ones
// (openapi.json); `{name}` in a list path is filled from the list's filter of that name.

export type SortMap = (field: string, order: 'ASC' | 'DESC') => Record<string, string> | undefined;

export interface ResourceRoutes {
  list?: string;
  one?: string;
  update?: string;
  create?: string;
  delete?: string;
  /** Query parameters every list call carries. */
  fixedQuery?: Record<string, string | number | boolean>;
  /** The list's sort as query parameters; without it the server's order stands. */
  sort?: SortMap;
}

/** `sort=created_at` / `-created_at` / `total` / `-total` (GET /api/v2/admin/orders). */
const orderSort: SortMap = (field, order) =>
  field === 'created_at' || field === 'total' ? { sort: order === 'DESC' ? `-${field}` : field } : undefined;

export const RESOURCES: Record<string, ResourceRoutes> = {
  // Staff
  orders: { list: '/api/v2/admin/orders', one: '/api/v2/admin/orders/{id}', sort: orderSort },
  shops: { list: '/api/v2/admin/shops', one: '/api/v2/admin/shops/{id}', update: '/api/v2/admin/shops/{id}' },
  'shop-imports': { list: '/api/v2/admin/shops/{shop_id}/imports', one: '/api/v2/admin/imports/{id}' },
  imports: { list: '/api/v2/admin/imports', one: '/api/v2/admin/imports/{id}' },
  exports: { one: '/api/v2/admin/exports/{id}' },
  users: { list: '/api/v2/admin/users', one: '/api/v2/admin/users/{id}', update: '/api/v2/admin/users/{id}' },
  categories: { list: '/api/v2/admin/categories', update: '/api/v2/admin/categories/{id}' },
  parameters: { list: '/api/v2/admin/parameters', update: '/api/v2/admin/parameters/{id}' },
  products: {
    list: '/api/v2/admin/products',
    one: '/api/v2/admin/products/{id}',
    update: '/api/v2/admin/products/{id}',
  },
  offers: { update: '/api/v2/admin/offers/{id}' },
  promotions: {
    list: '/api/v2/admin/promotions',
    one: '/api/v2/admin/promotions/{id}',
    create: '/api/v2/admin/promotions',
    update: '/api/v2/admin/promotions/{id}',
    delete: '/api/v2/admin/promotions/{id}',
  },
  coupons: {
    list: '/api/v2/admin/coupons',
    one: '/api/v2/admin/coupons/{id}',
    create: '/api/v2/admin/coupons',
    update: '/api/v2/admin/coupons/{id}',
    delete: '/api/v2/admin/coupons/{id}',
  },
  'coupon-batches': { one: '/api/v2/admin/coupons/batch/{id}', create: '/api/v2/admin/coupons/batch' },
  audit: { list: '/api/v2/admin/audit' },
  // Supplier
  'supplier-orders': { list: '/api/v2/supplier/orders', one: '/api/v2/supplier/orders/{id}' },
  'supplier-imports': { list: '/api/v2/supplier/imports', one: '/api/v2/supplier/imports/{id}' },
  'supplier-exports': { list: '/api/v2/supplier/exports', one: '/api/v2/supplier/exports/{id}' },
  'supplier-offers': { list: '/api/v2/supplier/offers' },
  // The supplier's own shop: one record (the id in the console's URL is ignored by the API).
  'supplier-shop': { one: '/api/v2/supplier/shop', update: '/api/v2/supplier/shop' },
};
