// POST /api/v2/basket/optimize: preview or apply the best-offer basket (see optimizer.ts).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { currentUser } from '../../http/auth.ts';
import { problemResponses } from '../../http/common-schemas.ts';
import type { Runtime } from '../../runtime.ts';
import { OptimizeBody, OptimizeResultSchema, presentOptimizeResult } from './optimize.schemas.ts';
import { optimizeBasketOf } from './optimize.service.ts';

export function optimizeRoutes(runtime: Runtime): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.post(
      '/api/v2/basket/optimize',
      {
        config: { roles: ['buyer'] as const },
        schema: {
          tags: ['basket'],
          operationId: 'optimizeBasket',
          summary: 'Move basket lines to the offers that make the basket cheapest (preview, or apply)',
          description:
            'Each product of the basket may move to other offers of it (other suppliers), split when one lacks the ' +
            'stock, so that the total after promotions and the coupon is the lowest while every line stays in stock, ' +
            'every shop accepts orders and every supplier part reaches its minimum. Exact over supplier sets up to 12 ' +
            'candidate suppliers, a heuristic beyond (`exact`). `{"apply": true}` rewrites the basket in one transaction.',
          body: OptimizeBody,
          response: { 200: OptimizeResultSchema, ...problemResponses(400, 401, 403, 409) },
        },
      },
      async (request) =>
        presentOptimizeResult(
          await optimizeBasketOf(runtime, currentUser(request).id, { apply: request.body?.apply ?? false }),
        ),
    );
  };
}
