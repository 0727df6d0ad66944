// Promotions and coupons: staff manage them under /api/v2/admin, buyers attach a coupon to their
// basket. Pricing itself lives in discount-engine.ts and is used by the basket and checkout.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Coupon, Promotion } from '../../db/schema/promotions.ts';
import { transaction } from '../../db/transaction.ts';
import { currentUser } from '../../http/auth.ts';
import { IdParams, Page, problemResponses } from '../../http/common-schemas.ts';
import { fromMinor, toMinor } from '../../lib/money.ts';
import type { Runtime } from '../../runtime.ts';
import { attachCouponFor, detachCoupon } from './basket-coupon.service.ts';
import {
  type BatchSummary,
  couponBatchCsv,
  couponUsage,
  createCoupon,
  createCouponBatch,
  deleteCoupon,
  getCoupon,
  getCouponBatch,
  listCoupons,
  updateCoupon,
} from './coupons.service.ts';
import { basketCouponView } from './for-orders.ts';
import {
  AttachCouponBody,
  BasketCouponSchema,
  BatchParams,
  CouponBatchBody,
  CouponBatchCreated,
  CouponBatchSchema,
  CouponCreateBody,
  CouponListQuery,
  CouponPatchBody,
  CouponSchema,
  CouponUsageSchema,
  ListQuery,
  PromotionCreateBody,
  PromotionPatchBody,
  PromotionSchema,
  PromotionUsageSchema,
  presentBasketCoupon,
} from './promotions.schemas.ts';
import {
  createPromotion,
  deletePromotion,
  getPromotion,
  listPromotions,
  promotionUsage,
  updatePromotion,
} from './promotions.service.ts';
import { ruleState } from './rules.ts';

const money = (value: string) => fromMinor(toMinor(value));
const maybeMoney = (value: string | null) => (value === null ? null : money(value));

function promotionOut(row: Promotion, now: Date) {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    enabled: row.enabled,
    state: ruleState(row, now),
    starts_at: row.startsAt.toISOString(),
    ends_at: row.endsAt?.toISOString() ?? null,
    targets: {
      all: row.appliesToAll,
      category_ids: row.categoryIds,
      product_ids: row.productIds,
      shop_ids: row.shopIds,
    },
    discount_kind: row.discountKind,
    discount_value: money(row.discountValue),
    min_line_quantity: row.minLineQuantity,
    min_order_amount: maybeMoney(row.minOrderAmount),
    priority: row.priority,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}

function couponOut(row: Coupon, now: Date) {
  return {
    id: row.id,
    code: row.code,
    description: row.description,
    enabled: row.enabled,
    state: ruleState(row, now),
    discount_kind: row.discountKind,
    discount_value: money(row.discountValue),
    scope: row.scope,
    targets: { category_ids: row.categoryIds, product_ids: row.productIds, shop_ids: row.shopIds },
    starts_at: row.startsAt.toISOString(),
    ends_at: row.endsAt?.toISOString() ?? null,
    usage_limit: row.usageLimit,
    used_count: row.usedCount,
    per_buyer_limit: row.perBuyerLimit,
    min_order_amount: maybeMoney(row.minOrderAmount),
    combines_with_promotions: row.combinesWithPromotions,
    batch_id: row.batchId,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}

function batchCsvUrl(id: number): string {
  return `/api/v2/admin/coupons/batch/${id}.csv`;
}

function batchOut(batch: BatchSummary) {
  return {
    id: batch.id,
    name: batch.name,
    prefix: batch.prefix,
    count: batch.count,
    used: batch.used,
    created_at: batch.createdAt.toISOString(),
    csv_url: batchCsvUrl(batch.id),
  };
}

const STAFF = { roles: ['staff'] as const };
const PROMOTIONS = ['promotions'];
const COUPONS = ['coupons'];

export function promotionsRoutes(runtime: Runtime): FastifyPluginAsyncTypebox {
  return async (app) => {
    // ---------- promotions ----------

    app.get(
      '/api/v2/admin/promotions',
      {
        config: STAFF,
        schema: {
          tags: PROMOTIONS,
          operationId: 'adminListPromotions',
          summary: 'List promotions, newest first',
          querystring: ListQuery,
          response: { 200: Page(PromotionSchema), ...problemResponses(400, 401, 403) },
        },
      },
      async (request) => {
        const now = runtime.clock.now();
        const page = await listPromotions(runtime.db, request.query, now);
        return { items: page.items.map((row) => promotionOut(row, now)), next_cursor: page.nextCursor };
      },
    );

    app.post(
      '/api/v2/admin/promotions',
      {
        config: STAFF,
        schema: {
          tags: PROMOTIONS,
          operationId: 'adminCreatePromotion',
          summary: 'Create a promotion',
          description:
            'Promotions never stack: each basket line gets the single applicable promotion that takes ' +
            'the most off it; equal discounts go to the higher `priority`, then to the older promotion.',
          body: PromotionCreateBody,
          response: { 201: PromotionSchema, ...problemResponses(400, 401, 403) },
        },
      },
      async (request, reply) => {
        const staff = currentUser(request);
        const row = await transaction(runtime, (scope) => createPromotion(scope, staff.id, request.body));
        return reply.status(201).send(promotionOut(row, runtime.clock.now()));
      },
    );

    app.get(
      '/api/v2/admin/promotions/:id',
      {
        config: STAFF,
        schema: {
          tags: PROMOTIONS,
          operationId: 'adminGetPromotion',
          summary: 'One promotion',
          params: IdParams,
          response: { 200: PromotionSchema, ...problemResponses(401, 403, 404) },
        },
      },
      async (request) => promotionOut(await getPromotion(runtime.db, request.params.id), runtime.clock.now()),
    );

    app.patch(
      '/api/v2/admin/promotions/:id',
      {
        config: STAFF,
        schema: {
          tags: PROMOTIONS,
          operationId: 'adminUpdatePromotion',
          summary: 'Change a promotion',
          description: 'Placed orders keep the discounts they were given.',
          params: IdParams,
          body: PromotionPatchBody,
          response: { 200: PromotionSchema, ...problemResponses(400, 401, 403, 404) },
        },
      },
      async (request) => {
        const row = await transaction(runtime, (scope) =>
          updatePromotion(scope, request.params.id, request.body, currentUser(request).id),
        );
        return promotionOut(row, runtime.clock.now());
      },
    );

    app.delete(
      '/api/v2/admin/promotions/:id',
      {
        config: STAFF,
        schema: {
          tags: PROMOTIONS,
          operationId: 'adminDeletePromotion',
          summary: 'Delete a promotion no order used',
          description:
            'A promotion that discounted an order cannot be deleted (409 `promotion_used`): switch it off.',
          params: IdParams,
          response: { 204: Type.Null(), ...problemResponses(401, 403, 404, 409) },
        },
      },
      async (request, reply) => {
        await transaction(runtime, (scope) =>
          deletePromotion(scope, request.params.id, currentUser(request).id),
        );
        return reply.status(204).send(null);
      },
    );

    app.get(
      '/api/v2/admin/promotions/:id/usage',
      {
        config: STAFF,
        schema: {
          tags: PROMOTIONS,
          operationId: 'adminGetPromotionUsage',
          summary: 'What a promotion has given: orders, lines, units, discount',
          params: IdParams,
          response: { 200: PromotionUsageSchema, ...problemResponses(401, 403, 404) },
        },
      },
      async (request) => {
        const usage = await promotionUsage(runtime.db, request.params.id);
        return {
          promotion_id: usage.promotionId,
          orders: usage.orders,
          lines: usage.lines,
          units: usage.units,
          discount_given: usage.discountGiven,
        };
      },
    );

    // ---------- coupons ----------

    app.get(
      '/api/v2/admin/coupons',
      {
        config: STAFF,
        schema: {
          tags: COUPONS,
          operationId: 'adminListCoupons',
          summary: 'List coupons, newest first',
          querystring: CouponListQuery,
          response: { 200: Page(CouponSchema), ...problemResponses(400, 401, 403) },
        },
      },
      async (request) => {
        const now = runtime.clock.now();
        const { batch_id, ...query } = request.query;
        const page = await listCoupons(runtime.db, { ...query, batchId: batch_id }, now);
        return { items: page.items.map((row) => couponOut(row, now)), next_cursor: page.nextCursor };
      },
    );

    app.post(
      '/api/v2/admin/coupons',
      {
        config: STAFF,
        schema: {
          tags: COUPONS,
          operationId: 'adminCreateCoupon',
          summary: 'Create a coupon',
          body: CouponCreateBody,
          response: { 201: CouponSchema, ...problemResponses(400, 401, 403, 409) },
        },
      },
      async (request, reply) => {
        const staff = currentUser(request);
        const row = await transaction(runtime, (scope) => createCoupon(scope, staff.id, request.body));
        return reply.status(201).send(couponOut(row, runtime.clock.now()));
      },
    );

    app.post(
      '/api/v2/admin/coupons/batch',
      {
        config: STAFF,
        schema: {
          tags: COUPONS,
          operationId: 'adminCreateCouponBatch',
          summary: 'Generate N single-use coupons with unguessable codes',
          description:
            'Each code carries 60 bits from the cryptographic random source. The codes are returned ' +
            'and can be downloaded again as CSV from `batch.csv_url`.',
          body: CouponBatchBody,
          response: { 201: CouponBatchCreated, ...problemResponses(400, 401, 403) },
        },
      },
      async (request, reply) => {
        const staff = currentUser(request);
        const created = await transaction(runtime, (scope) =>
          createCouponBatch(scope, staff.id, request.body),
        );
        return reply
          .status(201)
          .send({ batch: batchOut({ ...created.batch, used: 0 }), codes: created.codes });
      },
    );

    app.get(
      '/api/v2/admin/coupons/batch/:id',
      {
        config: STAFF,
        schema: {
          tags: COUPONS,
          operationId: 'adminGetCouponBatch',
          summary: 'A batch of coupons: size and how many are used',
          params: BatchParams,
          response: { 200: CouponBatchSchema, ...problemResponses(401, 403, 404) },
        },
      },
      async (request) => batchOut(await getCouponBatch(runtime.db, request.params.id)),
    );

    app.get(
      '/api/v2/admin/coupons/batch/:id.csv',
      {
        config: STAFF,
        schema: {
          tags: COUPONS,
          operationId: 'adminDownloadCouponBatch',
          summary: 'A batch of coupons as CSV',
          params: BatchParams,
          produces: ['text/csv'],
          response: {
            200: Type.String({
              description: 'code,discount_kind,discount_value,scope,starts_at,ends_at,min_order_amount,used',
            }),
            ...problemResponses(401, 403, 404),
          },
        },
      },
      async (request, reply) => {
        const csv = await couponBatchCsv(runtime.db, request.params.id);
        return reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="coupons-batch-${request.params.id}.csv"`)
          .send(csv);
      },
    );

    app.get(
      '/api/v2/admin/coupons/:id',
      {
        config: STAFF,
        schema: {
          tags: COUPONS,
          operationId: 'adminGetCoupon',
          summary: 'One coupon',
          params: IdParams,
          response: { 200: CouponSchema, ...problemResponses(401, 403, 404) },
        },
      },
      async (request) => couponOut(await getCoupon(runtime.db, request.params.id), runtime.clock.now()),
    );

    app.patch(
      '/api/v2/admin/coupons/:id',
      {
        config: STAFF,
        schema: {
          tags: COUPONS,
          operationId: 'adminUpdateCoupon',
          summary: 'Change a coupon',
          params: IdParams,
          body: CouponPatchBody,
          response: { 200: CouponSchema, ...problemResponses(400, 401, 403, 404, 409) },
        },
      },
      async (request) => {
        const row = await transaction(runtime, (scope) =>
          updateCoupon(scope, request.params.id, request.body, currentUser(request).id),
        );
        return couponOut(row, runtime.clock.now());
      },
    );

    app.delete(
      '/api/v2/admin/coupons/:id',
      {
        config: STAFF,
        schema: {
          tags: COUPONS,
          operationId: 'adminDeleteCoupon',
          summary: 'Delete a coupon no order used',
          description: 'A coupon some order used cannot be deleted (409 `coupon_used`): switch it off.',
          params: IdParams,
          response: { 204: Type.Null(), ...problemResponses(401, 403, 404, 409) },
        },
      },
      async (request, reply) => {
        await transaction(runtime, (scope) =>
          deleteCoupon(scope, request.params.id, currentUser(request).id),
        );
        return reply.status(204).send(null);
      },
    );

    app.get(
      '/api/v2/admin/coupons/:id/usage',
      {
        config: STAFF,
        schema: {
          tags: COUPONS,
          operationId: 'adminGetCouponUsage',
          summary: 'What a coupon has given: orders, buyers, discount',
          params: IdParams,
          response: { 200: CouponUsageSchema, ...problemResponses(401, 403, 404) },
        },
      },
      async (request) => {
        const usage = await couponUsage(runtime.db, request.params.id);
        return {
          coupon_id: usage.couponId,
          code: usage.code,
          orders: usage.orders,
          released: usage.released,
          buyers: usage.buyers,
          discount_given: usage.discountGiven,
          usage_limit: usage.usageLimit,
        };
      },
    );

    // ---------- the buyer's basket coupon ----------

    app.post(
      '/api/v2/basket/coupon',
      {
        config: { roles: ['buyer'] },
        schema: {
          tags: ['basket'],
          operationId: 'attachBasketCoupon',
          summary: 'Attach a coupon to the basket',
          description:
            'Refusals: 422 `coupon_not_found`; 409 `coupon_expired` (also: not yet valid), ' +
            '`coupon_used_up`, `coupon_already_used_by_you`, `coupon_min_amount` (the basket subtotal ' +
            'before discounts is below the minimum); 429 `too_many_coupon_attempts` when a buyer tries too many codes (RATE_LIMIT_COUPON_MAX per RATE_LIMIT_COUPON_WINDOW; 20 in 10 minutes by default). ' +
            'Attaching another coupon replaces it. Checkout ' +
            'checks it again and records its use in the same transaction as the order.',
          body: AttachCouponBody,
          response: { 200: BasketCouponSchema, ...problemResponses(400, 401, 403, 409, 422, 429) },
        },
      },
      async (request) => {
        const buyer = currentUser(request);
        const attached = await attachCouponFor(runtime, buyer.id, request.body.code);
        return presentBasketCoupon(
          basketCouponView({ coupon: attached.coupon, block: null }, attached.outcome),
        );
      },
    );

    app.delete(
      '/api/v2/basket/coupon',
      {
        config: { roles: ['buyer'] },
        schema: {
          tags: ['basket'],
          operationId: 'detachBasketCoupon',
          summary: 'Remove the coupon from the basket',
          response: { 204: Type.Null(), ...problemResponses(401, 403) },
        },
      },
      async (request, reply) => {
        const buyer = currentUser(request);
        await transaction(runtime, (scope) => detachCoupon(scope, buyer.id));
        return reply.status(204).send(null);
      },
    );
  };
}
