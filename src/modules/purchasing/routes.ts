// Every route of daily purchasing: shopping lists, quick order, standing orders.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Runtime } from '../../runtime.ts';
import { quickOrderRoutes } from './quick-order.routes.ts';
import { shoppingListRoutes } from './shopping-lists.routes.ts';
import { standingOrderRoutes } from './standing-orders.routes.ts';
import { installStandingOrderSchedule } from './standing-runs.ts';

export function purchasingModule(runtime: Runtime): FastifyPluginAsyncTypebox {
  return async (app) => {
    await app.register(shoppingListRoutes(runtime));
    await app.register(quickOrderRoutes(runtime));
    await app.register(standingOrderRoutes(runtime));
    await installStandingOrderSchedule(runtime);
  };
}
