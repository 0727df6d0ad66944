// Every route of the orders module: basket, checkout and buyer orders, supplier orders, staff orders.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Runtime } from '../../runtime.ts';
import { adminOrderRoutes } from './admin-orders.routes.ts';
import { basketRoutes } from './basket.routes.ts';
import { optimizeRoutes } from './optimize.routes.ts';
import { orderRoutes } from './orders.routes.ts';
import { supplierOrderRoutes } from './supplier-orders.routes.ts';

export function ordersModule(runtime: Runtime): FastifyPluginAsyncTypebox {
  return async (app) => {
    await app.register(basketRoutes(runtime));
    await app.register(optimizeRoutes(runtime));
    await app.register(orderRoutes(runtime));
    await app.register(supplierOrderRoutes(runtime));
    await app.register(adminOrderRoutes(runtime));
  };
}
