// The catalog of many suppliers. A product is one thing in the world (same normalised name in the
// same category); an offer is one supplier's good for it, keyed by the supplier's own id.
import { sql } from 'drizzle-orm';
import {
  boolean,
  check,
  index,
  integer,
  jsonb,
  numeric,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import { users } from './users.ts';

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
  ],
);

export const categories = pgTable(
  'categories',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    name: text('name').notNull(),
    /** lower-case, ё→е, single spaces: two suppliers' "Смартфоны" and "смартфоны " are one category. */
    normalizedName: text('normalized_name').notNull(),
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
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('products_category_name_key').on(t.categoryId, t.normalizedName)],
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
    /** Goods missing from the latest price list are deactivated, never deleted (orders refer to them). */
    isActive: boolean('is_active').notNull().default(true),
    /** Parameter name → value as the price list gave it (string, number or boolean). */
    parameters: jsonb('parameters').$type<Record<string, string | number | boolean>>().notNull().default({}),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('offers_shop_external_key').on(t.shopId, t.externalId),
    index('offers_product_idx').on(t.productId),
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
  },
  (t) => [
    uniqueIndex('parameters_normalized_name_key').on(t.normalizedName),
    check('parameters_kind_check', sql`${t.kind} in ('number', 'text', 'boolean')`),
  ],
);

export const offerParameters = pgTable(
  'offer_parameters',
  {
    offerId: integer('offer_id')
      .notNull()
      .references(() => offers.id, { onDelete: 'cascade' }),
    parameterId: integer('parameter_id')
      .notNull()
      .references(() => parameters.id),
    value: text('value').notNull(),
    /** The value as a number when it is one: numeric facets and range filters. */
    valueNumber: numeric('value_number'),
  },
  (t) => [
    primaryKey({ columns: [t.offerId, t.parameterId] }),
    index('offer_parameters_parameter_value_idx').on(t.parameterId, t.value),
  ],
);

export type Shop = typeof shops.$inferSelect;
export type Offer = typeof offers.$inferSelect;
