// The catalog of many suppliers. A product is one thing in the world (same normalised name in the
// same category); an offer is one supplier's good for it, keyed by the supplier's own id.
import { sql } from 'drizzle-orm';
import {
  type AnyPgColumn,
  bigint,
  boolean,
  check,
  customType,
  index,
  integer,
  json,
  jsonb,
  numeric,
  pgTable,
  primaryKey,
  smallint,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { users } from './users.ts';

const tsvector = customType<{ data: string }>({ dataType: () => 'tsvector' });
const bytea = customType<{ data: Buffer; driverData: Buffer | Uint8Array }>({
  dataType: () => 'bytea',
  fromDriver: (value) => (Buffer.isBuffer(value) ? value : Buffer.from(value)),
});

export const VAT_RATES = ['none', '0', '5', '7', '10', '20'] as const;
export type VatRate = (typeof VAT_RATES)[number];

/** A shop's own requisites for invoices, keyed as the profile's billing fields (snake_case, as stored). */
export interface ShopBillingDetails {
  legal_name: string | null;
  inn: string | null;
  kpp: string | null;
  ogrn: string | null;
  bank_bik: string | null;
  settlement_account: string | null;
  correspondent_account: string | null;
  bank_name: string | null;
  address: string | null;
}

export const shops = pgTable(
  'shops',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    /** The supplier account that runs the shop: one shop per supplier. */
    ownerId: integer('owner_id')
      .notNull()
      .references(() => users.id),
    name: text('name').notNull(),
    priceListUrl: text('price_list_url'),
    acceptingOrders: boolean('accepting_orders').notNull().default(true),
    currency: text('currency').notNull().default('RUB'),
    /** Re-import from price_list_url every N hours; null: never. */
    importEveryHours: integer('import_every_hours'),
    /** Requisites printed on the shop's invoices (modules/payments); null: the owner's profile serves. */
    billingDetails: jsonb('billing_details').$type<ShopBillingDetails>(),
    /** The VAT rate of the shop's invoices: 'none' (not a VAT payer) or a percentage. */
    vatRate: text('vat_rate').$type<VatRate>().notNull().default('none'),
    /** Whom buyers and staff reach about the shop's orders. */
    contactEmail: text('contact_email'),
    contactPhone: text('contact_phone'),
    contactPerson: text('contact_person'),
    // Delivery terms (modules/catalog/delivery-terms.ts): the smallest part the supplier accepts,
    // the ISO weekdays it delivers on, the days it needs, and the local hour after which an order
    // counts as placed the next day, in the shop's IANA time zone.
    /** Null: no minimum. Compared with a supplier part's subtotal (before discounts). */
    minOrderAmount: numeric('min_order_amount', { precision: 14, scale: 2 }),
    deliveryDays: smallint('delivery_days').array().notNull().default(sql`'{1,2,3,4,5,6,7}'::smallint[]`),
    leadTimeDays: integer('lead_time_days').notNull().default(0),
    /** "HH:MM" local time; null: no cut-off. */
    orderCutoff: text('order_cutoff'),
    timeZone: text('time_zone').notNull().default('Europe/Moscow'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('shops_owner_key').on(t.ownerId),
    index('shops_accepting_idx').on(t.acceptingOrders),
    check(
      'shops_import_every_check',
      sql`${t.importEveryHours} is null or ${t.importEveryHours} between 1 and 720`,
    ),
    check('shops_vat_rate_check', sql`${t.vatRate} in ('none', '0', '5', '7', '10', '20')`),
    check('shops_min_order_amount_check', sql`${t.minOrderAmount} is null or ${t.minOrderAmount} >= 0`),
    check(
      'shops_delivery_days_check',
      sql`cardinality(${t.deliveryDays}) between 1 and 7 and ${t.deliveryDays} <@ '{1,2,3,4,5,6,7}'::smallint[]`,
    ),
    check('shops_lead_time_days_check', sql`${t.leadTimeDays} between 0 and 365`),
    check(
      'shops_order_cutoff_check',
      sql`${t.orderCutoff} is null or ${t.orderCutoff} ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$'`,
    ),
  ],
);

export const categories = pgTable(
  'categories',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    name: text('name').notNull(),
    /** lower-case, ё→е, single spaces: two suppliers' "Смартфоны" and "смартфоны " are one category. */
    normalizedName: text('normalized_name').notNull(),
    /** Set when staff merged this category into another: imports of this name go there. */
    mergedIntoId: integer('merged_into_id').references((): AnyPgColumn => categories.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('categories_normalized_name_key').on(t.normalizedName)],
);

/** A supplier's own category ids, per shop: supplier A's 224 and supplier B's 224 never collide. */
export const shopCategories = pgTable(
  'shop_categories',
  {
    shopId: integer('shop_id')
      .notNull()
      .references(() => shops.id),
    externalId: text('external_id').notNull(),
    categoryId: integer('category_id')
      .notNull()
      .references(() => categories.id),
  },
  (t) => [
    primaryKey({ columns: [t.shopId, t.externalId] }),
    index('shop_categories_category_idx').on(t.categoryId),
  ],
);

export const products = pgTable(
  'products',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    categoryId: integer('category_id')
      .notNull()
      .references(() => categories.id),
    name: text('name').notNull(),
    normalizedName: text('normalized_name').notNull(),
    /** Set when a category merge folded this product into one of the same name: its offers moved there. */
    mergedIntoId: integer('merged_into_id').references((): AnyPgColumn => products.id),
    /** Hidden by staff (moderation): none of its offers is shown or sold while set. */
    hidden: boolean('hidden').notNull().default(false),
    hiddenReason: text('hidden_reason'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    // A summary of the product's visible offers (active, of a shop accepting orders), kept by
    // catalog_refresh_product_stats() so that listing, sorting and price filters read one row.
    /** Visible offers; 0 hides the product from the catalog. */
    offerCount: integer('offer_count').notNull().default(0),
    minPrice: numeric('min_price', { precision: 14, scale: 2 }),
    maxPrice: numeric('max_price', { precision: 14, scale: 2 }),
    /** Some visible offer has stock (kept current by a trigger when an offer's stock crosses zero). */
    inStock: boolean('in_stock').notNull().default(false),
    /** The best price among visible offers that have stock. */
    inStockMinPrice: numeric('in_stock_min_price', { precision: 14, scale: 2 }),
  },
  (t) => [
    uniqueIndex('products_category_name_key').on(t.categoryId, t.normalizedName),
    index('products_visible_name_idx').on(t.normalizedName, t.id).where(sql`${t.offerCount} > 0`),
    index('products_visible_price_idx').on(t.minPrice, t.id).where(sql`${t.offerCount} > 0`),
    index('products_visible_category_price_idx')
      .on(t.categoryId, t.minPrice, t.id)
      .where(sql`${t.offerCount} > 0`),
    index('products_in_stock_price_idx').on(t.inStockMinPrice, t.id).where(sql`${t.inStock}`),
  ],
);

/**
 * What full-text search sees of a product: its name (weight A), its offers' models and its category
 * (B), its offers' text characteristic values (C). Kept apart from `products` so that refreshing it
 * does not rewrite the product rows and their many indexes, and the other way round.
 */
export const productSearch = pgTable(
  'product_search',
  {
    /** products.id; no foreign key, like offer_parameters: products are never deleted. */
    productId: integer('product_id').primaryKey(),
    searchVector: tsvector('search_vector').notNull(),
  },
  (t) => [index('product_search_vector_idx').using('gin', t.searchVector)],
);

export const offers = pgTable(
  'offers',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    shopId: integer('shop_id')
      .notNull()
      .references(() => shops.id),
    productId: integer('product_id')
      .notNull()
      .references(() => products.id),
    /**
     * The product's category, copied here so that category and price filters are one index range
     * over offers. Filled from the product by a trigger when a writer leaves it out (so it is
     * never null in practice).
     */
    categoryId: integer('category_id'),
    /**
     * The product's normalised name, copied (like the category) so that a category's offers can be
     * read in product-name order from one index (migration 0020): a name-sorted category list with
     * characteristic or price filters reads only as far as its page. Filled from the product by the
     * same trigger when a writer leaves it out; products never change their normalised name.
     */
    productNameKey: text('product_name_key'),
    /** The supplier's id of the good (the price list's `id`). */
    externalId: text('external_id').notNull(),
    /** Variant-group key: goods of one shop sharing a model are units of one family. */
    model: text('model'),
    /** Name as the supplier wrote it (the product's name is the first one seen). */
    name: text('name').notNull(),
    price: numeric('price', { precision: 14, scale: 2 }).notNull(),
    priceRrc: numeric('price_rrc', { precision: 14, scale: 2 }).notNull(),
    /** Units in stock; taken by checkout with a conditional update, never below zero. */
    quantity: integer('quantity').notNull(),
    /**
     * Shown and sold: in the latest price list (goods missing from it are deactivated, never deleted:
     * orders refer to them) and not hidden by staff, the offer or its product.
     */
    isActive: boolean('is_active').notNull().default(true),
    /**
     * Whether the good is in its shop's latest price list (the import keeps it). `is_active`, what
     * every catalog read, basket and checkout test, is `in_price_list and not hidden and not the
     * product's hidden`: moderation and the import both keep that invariant.
     */
    inPriceList: boolean('in_price_list').notNull().default(true),
    /** Hidden by staff (moderation): not shown or sold; a re-import leaves it hidden. */
    hidden: boolean('hidden').notNull().default(false),
    hiddenReason: text('hidden_reason'),
    /**
     * The offer's characteristic values as "<parameter id>:<value key>", sorted: what facets count
     * and what value filters within a category test, read from the category's covering index
     * (migration 0018) without visiting offer_parameters. Written with the values by the import;
     * rewritten when staff merge characteristics.
     */
    facetKeys: text('facet_keys').array().notNull().default(sql`'{}'::text[]`),
    /**
     * The offer's characteristics as its product page and the flat offers show them: a JSON array
     * of {name, value, kind} in name order (byte order, as `collate "C"` sorts), names and kinds
     * those of the characteristics the values belong to now. Written by the import with the
     * values; rewritten by catalog_refresh_offer_characteristics() when staff rename, merge or fix
     * the kind of a characteristic, or an import turns one into text. Null for an offer written
     * by anything else: readers then build it from offer_parameters.
     */
    characteristics: json('characteristics').$type<{ name: string; value: string; kind: string }[]>(),
    /** Parameter name → value as the price list gave it (string, number or boolean). */
    parameters: jsonb('parameters').$type<Record<string, string | number | boolean>>().notNull().default({}),
    /**
     * A digest of the price-list row this offer was last imported from, with the category and
     * characteristic ids it resolved to (quantity aside): a re-import skips the rows whose digest,
     * quantity, product key and active flag are all unchanged. Null when another writer made it.
     */
    importHash: text('import_hash'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('offers_shop_external_key').on(t.shopId, t.externalId),
    index('offers_product_idx').on(t.productId),
    index('offers_active_shop_idx').on(t.shopId, t.id).where(sql`${t.isActive}`),
    // offers_active_category_covering_idx (category_id, price) INCLUDE (product_id, shop_id, quantity,
    // facet_keys) and offers_active_category_name_covering_idx (category_id, product_name_key,
    // product_id) INCLUDE (price, shop_id, quantity, facet_keys), both WHERE is_active, live in
    // migrations 0018 and 0020: category lists, filters and facets read only these indexes.
    index('offers_shop_model_idx').on(t.shopId, t.model),
    check('offers_quantity_check', sql`${t.quantity} >= 0`),
    check('offers_price_check', sql`${t.price} >= 0 and ${t.priceRrc} >= 0`),
  ],
);

export const PARAMETER_KINDS = ['number', 'text', 'boolean'] as const;
export type ParameterKind = (typeof PARAMETER_KINDS)[number];

/** Characteristics: named parameters with a kind, inferred from values and fixable by staff. */
export const parameters = pgTable(
  'parameters',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    name: text('name').notNull(),
    normalizedName: text('normalized_name').notNull(),
    kind: text('kind').$type<ParameterKind>().notNull().default('text'),
    /** Set when staff fixed the kind: imports no longer re-infer it. */
    kindFixed: boolean('kind_fixed').notNull().default(false),
    /** Set when staff merged this parameter into another: imports of this name go there. */
    mergedIntoId: integer('merged_into_id').references((): AnyPgColumn => parameters.id),
  },
  (t) => [
    uniqueIndex('parameters_normalized_name_key').on(t.normalizedName),
    check('parameters_kind_check', sql`${t.kind} in ('number', 'text', 'boolean')`),
  ],
);

/**
 * Characteristic values per offer. No foreign keys on purpose: imports write hundreds of thousands
 * of these rows and the per-row checks (and the row locks they take on offers) cost more than the
 * rest of the import. Both sides are never deleted (offers are deactivated, parameters merged), and
 * only the import writes here, with ids it has just read.
 */
export const offerParameters = pgTable(
  'offer_parameters',
  {
    offerId: integer('offer_id').notNull(),
    parameterId: integer('parameter_id').notNull(),
    value: text('value').notNull(),
    /** The value as a number when it is one: numeric facets and range filters (checked per offer,
     * through the primary key, so it needs no index of its own). */
    valueNumber: numeric('value_number'),
    /** normalizeName(value): "Черный" and "черный " are one facet value and one filter. */
    valueKey: text('value_key').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.offerId, t.parameterId] }),
    index('offer_parameters_parameter_key_idx').on(t.parameterId, t.valueKey, t.offerId),
  ],
);

/** Distinct words of product and category names: the dictionary the typo-tolerant search corrects to. */
export const searchWords = pgTable('search_words', { word: text('word').primaryKey() }, (t) => [
  // Nearest words by trigram distance (KNN) and prefix lookups in any collation.
  index('search_words_trgm_gist_idx').using('gist', sql`${t.word} gist_trgm_ops`),
  index('search_words_prefix_idx').using('btree', sql`${t.word} text_pattern_ops`),
]);

/**
 * The catalog's revision: the sum of `changes` over the shards, with the epoch of this database.
 * Every transaction that writes a table the public catalog reads adds one to a shard (statement
 * triggers, migration 0021), so two reads that see the same revision see the same catalog: the
 * read cache (`catalog/read-cache.ts`) serves a stored answer only while the revision it was built
 * under is still the one a fresh snapshot sees. Shards keep writers from queueing on one row.
 */
export const catalogRevision = pgTable('catalog_revision', {
  shard: smallint('shard').primaryKey(),
  changes: bigint('changes', { mode: 'number' }).notNull().default(0),
  epoch: uuid('epoch').notNull(),
  /** Imports' applies, which record the scopes they changed instead (migration 0034). */
  imports: bigint('imports', { mode: 'number' }).notNull().default(0),
});

/**
 * How often each scope of the catalog (`s:<shop>`, `c:<category>`, `p:<product>`) was changed by an
 * import: the sum of its rows (append-only, folded by the imports; migration 0034). Counts only
 * grow, at commit: the read cache reads them before building an answer and compares them later.
 */
export const catalogScopeChanges = pgTable(
  'catalog_scope_changes',
  {
    scope: text('scope').notNull(),
    changes: bigint('changes', { mode: 'number' }).notNull(),
  },
  // catalog_scope_changes_scope_idx (scope) INCLUDE (changes) lives in the migration (drizzle has no INCLUDE).
  (t) => [index('catalog_scope_changes_scope_idx').on(t.scope)],
);

/**
 * Pre-aggregated facet counts (migration 0035, catalog README "Facet counts"), written only by
 * `catalog_refresh_product_facets`: each product's keys over its visible offers ('*', 'shop:<id>',
 * characteristic keys; `stockKeys` over those in stock), and per category and key the number of
 * products showing it (category 0: the whole catalog; '*' and shop keys spread over 16 shards by a hash of the product id).
 */
export const productFacets = pgTable(
  'product_facets',
  {
    productId: integer('product_id').notNull(),
    categoryId: integer('category_id').notNull(),
    keys: text('keys').array().notNull(),
    stockKeys: text('stock_keys').array().notNull(),
  },
  (t) => [primaryKey({ columns: [t.productId, t.categoryId] })],
);

export const categoryFacetCounts = pgTable(
  'category_facet_counts',
  {
    categoryId: integer('category_id').notNull(),
    key: text('key').notNull(),
    shard: smallint('shard').notNull(),
    products: integer('products').notNull(),
    inStock: integer('in_stock').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.categoryId, t.key, t.shard] }),
    index('category_facet_counts_key_idx').on(t.key),
  ],
);

export const IMPORT_STATUSES = ['queued', 'running', 'succeeded', 'failed'] as const;
export type ImportStatus = (typeof IMPORT_STATUSES)[number];
export const IMPORT_SOURCES = ['url', 'upload', 'cli', 'schedule'] as const;
export type ImportSource = (typeof IMPORT_SOURCES)[number];
export const IMPORT_MODES = ['lenient', 'strict'] as const;
export type ImportMode = (typeof IMPORT_MODES)[number];

export interface ImportCounts {
  total: number;
  created: number;
  updated: number;
  unchanged: number;
  deactivated: number;
  rejected: number;
}

/** One price-list import: queued by a supplier, staff, the CLI or the schedule; applied by a job. */
export const imports = pgTable(
  'imports',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    shopId: integer('shop_id')
      .notNull()
      .references(() => shops.id),
    requestedBy: integer('requested_by').references(() => users.id),
    source: text('source').$type<ImportSource>().notNull(),
    url: text('url'),
    fileName: text('file_name'),
    mode: text('mode').$type<ImportMode>().notNull().default('lenient'),
    status: text('status').$type<ImportStatus>().notNull().default('queued'),
    /** Runs begun (the job's first try and its retries): the last allowed one fails for good. */
    attempts: integer('attempts').notNull().default(0),
    /** 0–100; what the job is doing in `phase`. */
    progress: integer('progress').notNull().default(0),
    phase: text('phase'),
    totalRows: integer('total_rows').notNull().default(0),
    created: integer('created').notNull().default(0),
    updated: integer('updated').notNull().default(0),
    unchanged: integer('unchanged').notNull().default(0),
    deactivated: integer('deactivated').notNull().default(0),
    rejected: integer('rejected').notNull().default(0),
    sizeBytes: bigint('size_bytes', { mode: 'number' }),
    /** When the file's `shop` differs from the shop's name, the shop was renamed: from → to. */
    shopRenamedFrom: text('shop_renamed_from'),
    shopRenamedTo: text('shop_renamed_to'),
    errorCode: text('error_code'),
    errorMessage: jsonb('error_message').$type<{ ru: string; en: string }>(),
    /** Milliseconds per phase: download, parse, apply. */
    timings: jsonb('timings').$type<Record<string, number>>().notNull().default({}),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    startedAt: timestamp('started_at', { withTimezone: true }),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
    /** Written every few seconds by the process running it: a stale one means that process died. */
    heartbeatAt: timestamp('heartbeat_at', { withTimezone: true }),
  },
  (t) => [
    index('imports_shop_idx').on(t.shopId, t.id),
    index('imports_running_idx').on(t.heartbeatAt).where(sql`${t.status} = 'running'`),
    check('imports_status_check', sql`${t.status} in ('queued', 'running', 'succeeded', 'failed')`),
    check('imports_source_check', sql`${t.source} in ('url', 'upload', 'cli', 'schedule')`),
    check('imports_mode_check', sql`${t.mode} in ('lenient', 'strict')`),
    check('imports_progress_check', sql`${t.progress} between 0 and 100`),
  ],
);

/**
 * An uploaded price list waiting for its job (any worker process can read it); removed once applied.
 * Stored in slices (`slice` 0, 1, …, each at most UPLOAD_SLICE_BYTES, stored uncompressed): on
 * PGlite every statement runs on the API's own thread, and one 40 MB value held it for seconds
 * (issue 16). An upload stored before slices is one row, slice 0.
 */
export const importFiles = pgTable(
  'import_files',
  {
    importId: integer('import_id')
      .notNull()
      .references(() => imports.id, { onDelete: 'cascade' }),
    slice: integer('slice').notNull().default(0),
    content: bytea('content').notNull(),
  },
  (t) => [primaryKey({ columns: [t.importId, t.slice] })],
);

/** The per-row report of an import: rejected rows and warnings, in file order. */
export const importIssues = pgTable(
  'import_issues',
  {
    importId: integer('import_id')
      .notNull()
      .references(() => imports.id, { onDelete: 'cascade' }),
    seq: integer('seq').notNull(),
    /** 1-based position in `goods` (0: the file as a whole or its `shop`/`categories`). */
    row: integer('row').notNull(),
    line: integer('line'),
    goodId: text('good_id'),
    field: text('field'),
    severity: text('severity').$type<'error' | 'warning'>().notNull(),
    code: text('code').notNull(),
    message: jsonb('message').$type<{ ru: string; en: string }>().notNull(),
  },
  (t) => [primaryKey({ columns: [t.importId, t.seq] })],
);

export const EXPORT_FORMATS = ['yaml', 'csv', 'json'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** A large export produced by a job; the file is downloadable until removed. */
export const priceListExports = pgTable(
  'exports',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    shopId: integer('shop_id')
      .notNull()
      .references(() => shops.id),
    requestedBy: integer('requested_by').references(() => users.id),
    format: text('format').$type<ExportFormat>().notNull(),
    status: text('status').$type<ImportStatus>().notNull().default('queued'),
    rowCount: integer('row_count'),
    sizeBytes: bigint('size_bytes', { mode: 'number' }),
    errorMessage: text('error_message'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    startedAt: timestamp('started_at', { withTimezone: true }),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
    /** Written every few seconds by the process running it: a stale one means that process died. */
    heartbeatAt: timestamp('heartbeat_at', { withTimezone: true }),
  },
  (t) => [
    index('exports_shop_idx').on(t.shopId, t.id),
    check('exports_format_check', sql`${t.format} in ('yaml', 'csv', 'json')`),
    check('exports_status_check', sql`${t.status} in ('queued', 'running', 'succeeded', 'failed')`),
  ],
);

export const priceListExportFiles = pgTable('export_files', {
  exportId: integer('export_id')
    .primaryKey()
    .references(() => priceListExports.id, { onDelete: 'cascade' }),
  content: bytea('content').notNull(),
});

/**
 * Search synonyms, edited by staff (`/api/v2/admin/synonyms`): a query word equal to `term` also
 * finds goods named by any of `synonyms` ("флешка" → "usb", "flash"). Words are normalised
 * (lower case, ё→е). Catalog search and facets read it, so it bumps the catalog revision.
 */
export const searchSynonyms = pgTable(
  'search_synonyms',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    term: text('term').notNull(),
    synonyms: text('synonyms').array().notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('search_synonyms_term_key').on(t.term),
    check('search_synonyms_count_check', sql`cardinality(${t.synonyms}) between 1 and 20`),
  ],
);

export type SearchSynonym = typeof searchSynonyms.$inferSelect;
export type Shop = typeof shops.$inferSelect;
export type Import = typeof imports.$inferSelect;
export type PriceListExport = typeof priceListExports.$inferSelect;
export type Offer = typeof offers.$inferSelect;
