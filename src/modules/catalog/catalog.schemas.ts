// Request and response schemas of the catalog, supplier and staff catalog routes.
import { Type } from 'typebox';
import { CursorQuery, LimitQuery, Money, Page, Timestamp } from '../../http/common-schemas.ts';
import { DeliveryTermsSchema, deliveryTermsPatchProperties } from './delivery-terms.ts';

const Nullable = <T extends ReturnType<typeof Type.String>>(schema: T) => Type.Union([schema, Type.Null()]);

export const ShopItem = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  accepting_orders: Type.Boolean(),
  currency: Type.String(),
  offer_count: Type.Integer({ description: 'Active offers' }),
  terms: DeliveryTermsSchema,
});
export const ShopPage = Page(ShopItem);
export const ShopDetail = Type.Object({
  ...ShopItem.properties,
  expected_delivery_date: Type.String({
    format: 'date',
    description:
      'The shop’s local date an order placed now is expected on (cut-off, lead time, delivery days)',
  }),
});
export const ShopListQuery = Type.Object(
  {
    all: Type.Optional(Type.Boolean({ description: 'Staff only: include shops not accepting orders' })),
    limit: Type.Optional(LimitQuery),
    cursor: Type.Optional(CursorQuery),
  },
  { additionalProperties: false },
);

export const CategoryItem = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  product_count: Type.Integer({ description: 'Products with a visible offer' }),
});
export const CategoryPage = Page(CategoryItem);
export const CategoryListQuery = Type.Object(
  {
    all: Type.Optional(Type.Boolean({ description: 'Include categories without visible products' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 200 })),
    cursor: Type.Optional(CursorQuery),
  },
  { additionalProperties: false },
);

const Decimal = Type.String({ pattern: '^\\d{1,12}(\\.\\d{1,2})?$', examples: ['1500', '64000.50'] });

const filterProperties = {
  q: Type.Optional(
    Type.String({
      maxLength: 200,
      description: 'Search words (Russian or English; prefixes and typos allowed)',
    }),
  ),
  category: Type.Optional(Type.Integer({ minimum: 1, maximum: 2_147_483_647 })),
  shop: Type.Optional(Type.Integer({ minimum: 1, maximum: 2_147_483_647 })),
  price_min: Type.Optional(Decimal),
  price_max: Type.Optional(Decimal),
  in_stock: Type.Optional(Type.Boolean()),
};
const parameterFilters = {
  '^param\\..+$': Type.Array(Type.String({ maxLength: 200 }), {
    maxItems: 20,
    description:
      '`param.<characteristic>=<value>`; repeat for any of several values; numbers also take ranges `min..max`',
  }),
};

export const ProductListQuery = Type.Object(
  {
    ...filterProperties,
    sort: Type.Optional(
      Type.Union([
        Type.Literal('relevance'),
        Type.Literal('price'),
        Type.Literal('-price'),
        Type.Literal('name'),
        Type.Literal('new'),
      ]),
    ),
    limit: Type.Optional(LimitQuery),
    cursor: Type.Optional(CursorQuery),
  },
  { additionalProperties: false, patternProperties: parameterFilters },
);
export const FacetQuery = Type.Object(filterProperties, {
  additionalProperties: false,
  patternProperties: parameterFilters,
});

export const ProductItem = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  category: Type.Object({ id: Type.Integer(), name: Type.String() }),
  best_price: Money,
  currency: Type.String(),
  offer_count: Type.Integer(),
  total_stock: Type.Integer(),
  in_stock: Type.Boolean(),
});
export const ProductPageSchema = Type.Object({
  items: Type.Array(ProductItem),
  next_cursor: Type.Union([Type.String(), Type.Null()]),
  corrected_query: Type.Union([Type.String(), Type.Null()], {
    description:
      'When the query found nothing as typed: the words searched instead (misspelt words corrected, else the last words dropped); `next_cursor` goes on with them',
  }),
});

const FacetValue = Type.Object({ value: Type.String(), count: Type.Integer() });
export const FacetsSchema = Type.Object({
  total: Type.Integer({ description: 'Products matching every filter' }),
  categories: Type.Array(Type.Object({ id: Type.Integer(), name: Type.String(), count: Type.Integer() })),
  shops: Type.Array(Type.Object({ id: Type.Integer(), name: Type.String(), count: Type.Integer() })),
  parameters: Type.Array(
    Type.Object({
      id: Type.Integer(),
      name: Type.String(),
      kind: Type.String(),
      values: Type.Array(FacetValue),
      min: Nullable(Type.String()),
      max: Nullable(Type.String()),
    }),
  ),
  corrected_query: Type.Union([Type.String(), Type.Null()]),
});

export const Characteristic = Type.Object({
  name: Type.String(),
  value: Type.String(),
  kind: Type.String({ description: 'number, text or boolean' }),
});

export const OfferItem = Type.Object({
  id: Type.Integer(),
  product_id: Type.Integer(),
  shop: Type.Object({ id: Type.Integer(), name: Type.String(), terms: DeliveryTermsSchema }),
  category: Type.Object({ id: Type.Integer(), name: Type.String() }),
  external_id: Type.String(),
  model: Nullable(Type.String()),
  name: Type.String(),
  price: Money,
  price_rrc: Money,
  currency: Type.String(),
  quantity: Type.Integer(),
  characteristics: Type.Array(Characteristic),
});
export const OfferPage = Page(OfferItem);
export const OfferListQuery = Type.Object(
  {
    shop: filterProperties.shop,
    category: filterProperties.category,
    q: filterProperties.q,
    limit: Type.Optional(LimitQuery),
    cursor: Type.Optional(CursorQuery),
  },
  { additionalProperties: false },
);

export const ProductDetailSchema = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  category: Type.Object({ id: Type.Integer(), name: Type.String() }),
  best_price: Money,
  currency: Type.String(),
  offer_count: Type.Integer(),
  total_stock: Type.Integer(),
  offers: Type.Array(
    Type.Object({
      id: Type.Integer(),
      shop: Type.Object({ id: Type.Integer(), name: Type.String(), terms: DeliveryTermsSchema }),
      external_id: Type.String(),
      model: Nullable(Type.String()),
      name: Type.String(),
      price: Money,
      price_rrc: Money,
      currency: Type.String(),
      quantity: Type.Integer(),
      in_stock: Type.Boolean(),
      characteristics: Type.Array(Characteristic),
      expected_delivery_date: Type.String({
        format: 'date',
        description:
          'The shop’s local date an order placed now is expected on (cut-off, lead time, delivery days); computed per request',
      }),
    }),
    { description: 'Visible offers, cheapest first' },
  ),
  variants: Type.Array(
    Type.Object({
      product_id: Type.Integer(),
      offer_id: Type.Integer(),
      shop_id: Type.Integer(),
      model: Type.String(),
      name: Type.String(),
      price: Money,
      quantity: Type.Integer(),
      characteristics: Type.Array(Characteristic),
    }),
    { description: 'Other units of the same family: goods of the same shop sharing a model' },
  ),
});

// ---------------------------------------------------------------------------------------------
// Supplier

const BillingText = (maxLength: number) => Type.Union([Type.String({ maxLength }), Type.Null()]);

export const ShopBillingDetailsSchema = Type.Object(
  {
    legal_name: BillingText(300),
    inn: BillingText(20),
    kpp: BillingText(20),
    ogrn: BillingText(20),
    bank_bik: BillingText(20),
    settlement_account: BillingText(30),
    correspondent_account: BillingText(30),
    bank_name: BillingText(300),
    address: BillingText(500),
  },
  { additionalProperties: false },
);

export const VatRateSchema = Type.Union(
  [
    Type.Literal('none'),
    Type.Literal('0'),
    Type.Literal('5'),
    Type.Literal('7'),
    Type.Literal('10'),
    Type.Literal('20'),
  ],
  { description: "VAT on the shop's invoices: none (not a VAT payer) or a percentage included in prices" },
);

export const ShopSettings = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  price_list_url: Nullable(Type.String()),
  accepting_orders: Type.Boolean(),
  currency: Type.String(),
  import_every_hours: Type.Union([Type.Integer(), Type.Null()]),
  billing_details: Type.Union([ShopBillingDetailsSchema, Type.Null()], {
    description: "Requisites printed on the shop's invoices; null: the owner's profile details serve",
  }),
  vat_rate: VatRateSchema,
  contact_email: Nullable(Type.String()),
  contact_phone: Nullable(Type.String()),
  contact_person: Nullable(Type.String()),
  terms: DeliveryTermsSchema,
  created_at: Timestamp,
  updated_at: Timestamp,
});

export const AdminShopListItem = Type.Object({
  ...ShopSettings.properties,
  owner_id: Type.Integer({ description: 'The supplier account that runs the shop' }),
  offer_count: Type.Integer({ description: 'Offers in its latest price list' }),
});
export const AdminShopPage = Page(AdminShopListItem);
export const AdminShopListQuery = Type.Object(
  {
    limit: Type.Optional(LimitQuery),
    cursor: Type.Optional(CursorQuery),
    q: Type.Optional(Type.String({ maxLength: 200, description: 'Part of the shop’s name' })),
    accepting_orders: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export const AdminImportListQuery = Type.Object(
  {
    limit: Type.Optional(LimitQuery),
    cursor: Type.Optional(CursorQuery),
    shop_id: Type.Optional(Type.Integer({ minimum: 1, maximum: 2_147_483_647 })),
    status: Type.Optional(
      Type.Union([
        Type.Literal('queued'),
        Type.Literal('running'),
        Type.Literal('succeeded'),
        Type.Literal('failed'),
      ]),
    ),
    since: Type.Optional(
      Type.String({ format: 'date-time', description: 'Only imports queued at or after this instant' }),
    ),
  },
  { additionalProperties: false },
);

export const ShopPatchBody = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    price_list_url: Type.Optional(Type.Union([Type.String({ maxLength: 2000 }), Type.Null()])),
    accepting_orders: Type.Optional(Type.Boolean()),
    import_every_hours: Type.Optional(Type.Union([Type.Integer({ minimum: 1, maximum: 720 }), Type.Null()])),
    billing_details: Type.Optional(
      Type.Union(
        [
          Type.Object(
            Object.fromEntries(
              Object.entries(ShopBillingDetailsSchema.properties).map(([key, schema]) => [
                key,
                Type.Optional(schema),
              ]),
            ),
            { additionalProperties: false },
          ),
          Type.Null(),
        ],
        {
          description:
            'Replaces the requisites as a whole (legal_name and inn required; codes checked with their check digits); null: use the profile details',
        },
      ),
    ),
    vat_rate: Type.Optional(VatRateSchema),
    contact_email: Type.Optional(
      Type.Union(
        [
          Type.String({ maxLength: 254, pattern: '^\\s*$|^\\s*[^\\s@]+@[^\\s@]+\\.[^\\s@]+\\s*$' }),
          Type.Null(),
        ],
        {
          description: 'Whom to write about the shop’s orders; empty or null clears it',
        },
      ),
    ),
    contact_phone: Type.Optional(
      Type.Union([Type.String({ maxLength: 50, pattern: '^\\s*$|^\\s*\\+?[0-9 ()-]{5,}$' }), Type.Null()]),
    ),
    contact_person: Type.Optional(Type.Union([Type.String({ maxLength: 200 }), Type.Null()])),
    ...deliveryTermsPatchProperties,
  },
  { additionalProperties: false, minProperties: 1 },
);

export const ImportMode = Type.Union([Type.Literal('lenient'), Type.Literal('strict')], {
  description:
    'lenient (default): bad rows are rejected and reported, the rest applied; strict: any bad row refuses the file',
});

export const ImportUrlBody = Type.Object(
  {
    url: Type.Optional(
      Type.String({ maxLength: 2000, description: 'http(s) URL; default: the shop’s price-list URL' }),
    ),
    mode: Type.Optional(ImportMode),
  },
  { additionalProperties: false },
);

export const ImportAccepted = Type.Object({
  id: Type.Integer(),
  status: Type.String(),
});

const Counts = Type.Object({
  total: Type.Integer(),
  created: Type.Integer(),
  updated: Type.Integer(),
  unchanged: Type.Integer(),
  deactivated: Type.Integer(),
  rejected: Type.Integer(),
});

export const ImportSummary = Type.Object({
  id: Type.Integer(),
  shop_id: Type.Integer(),
  status: Type.String({ description: 'queued, running, succeeded, failed' }),
  source: Type.String(),
  mode: Type.String(),
  url: Nullable(Type.String()),
  file_name: Nullable(Type.String()),
  size_bytes: Type.Union([Type.Integer(), Type.Null()]),
  progress: Type.Integer({ minimum: 0, maximum: 100 }),
  phase: Nullable(Type.String()),
  counts: Counts,
  shop_renamed: Type.Union([Type.Object({ from: Type.String(), to: Type.String() }), Type.Null()]),
  error: Type.Union([Type.Object({ code: Type.String(), message: Type.String() }), Type.Null()]),
  queued_at: Timestamp,
  started_at: Type.Union([Timestamp, Type.Null()]),
  finished_at: Type.Union([Timestamp, Type.Null()]),
  duration_ms: Type.Union([Type.Integer(), Type.Null()]),
  timings: Type.Record(Type.String(), Type.Integer(), {
    description: 'Milliseconds: download_ms, parse_ms, apply_ms',
  }),
});
export const ImportPage = Page(ImportSummary);

export const ReportLine = Type.Object({
  row: Type.Integer({ description: 'Position in goods (1-based); 0: the file, shop or categories' }),
  line: Type.Union([Type.Integer(), Type.Null()]),
  good_id: Nullable(Type.String()),
  field: Nullable(Type.String()),
  severity: Type.String(),
  code: Type.String(),
  message: Type.String(),
});
export const ImportDetail = Type.Object({
  ...ImportSummary.properties,
  report: Type.Array(ReportLine),
  report_next_cursor: Type.Union([Type.String(), Type.Null()], {
    description: 'More report lines: GET …/imports/:id?report_cursor=…',
  }),
});
export const ImportDetailQuery = Type.Object(
  {
    report_limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000, default: 1000 })),
    report_cursor: Type.Optional(CursorQuery),
  },
  { additionalProperties: false },
);
export const PageQuery = Type.Object(
  { limit: Type.Optional(LimitQuery), cursor: Type.Optional(CursorQuery) },
  { additionalProperties: false },
);

export const ExportFormatSchema = Type.Union([
  Type.Literal('yaml'),
  Type.Literal('csv'),
  Type.Literal('json'),
]);
export const ExportQuery = Type.Object(
  { format: Type.Optional(ExportFormatSchema) },
  { additionalProperties: false },
);
export const ExportBody = Type.Object(
  { format: Type.Optional(ExportFormatSchema) },
  { additionalProperties: false },
);
/** Which shop to export: staff name one (any shop); a supplier's is always their own. */
const ExportShop = Type.Integer({
  minimum: 1,
  maximum: 2_147_483_647,
  description: 'Staff only, and required for staff: the shop to export',
});
export const SupplierExportQuery = Type.Object(
  { format: Type.Optional(ExportFormatSchema), shop: Type.Optional(ExportShop) },
  { additionalProperties: false },
);
export const SupplierExportBody = Type.Object(
  { format: Type.Optional(ExportFormatSchema), shop: Type.Optional(ExportShop) },
  { additionalProperties: false },
);
export const ExportSchema = Type.Object({
  id: Type.Integer(),
  shop_id: Type.Integer(),
  format: Type.String(),
  status: Type.String(),
  row_count: Type.Union([Type.Integer(), Type.Null()]),
  size_bytes: Type.Union([Type.Integer(), Type.Null()]),
  error: Nullable(Type.String()),
  download_url: Nullable(Type.String()),
  created_at: Timestamp,
  finished_at: Type.Union([Timestamp, Type.Null()]),
});
export const ExportPage = Page(ExportSchema);

// ---------------------------------------------------------------------------------------------
// Staff

export const RenameBody = Type.Object(
  { name: Type.String({ minLength: 1, maxLength: 200 }) },
  { additionalProperties: false },
);
export const MergeBody = Type.Object(
  { into: Type.Integer({ minimum: 1, maximum: 2_147_483_647, description: 'The id that stays' }) },
  { additionalProperties: false },
);
export const ParameterPatchBody = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    kind: Type.Optional(Type.Union([Type.Literal('number'), Type.Literal('text'), Type.Literal('boolean')])),
  },
  { additionalProperties: false, minProperties: 1 },
);
export const ParameterSchema = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  kind: Type.String(),
  kind_fixed: Type.Boolean(),
  offer_count: Type.Integer(),
});
export const ParameterPage = Page(ParameterSchema);
export const CategoryAdminSchema = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  product_count: Type.Integer(),
});
