// Every route of the payments module.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Runtime } from '../../runtime.ts';
import { adminPaymentRoutes } from './admin-payments.routes.ts';
import { cardRoutes } from './card.routes.ts';
import { paymentRoutes } from './payments.routes.ts';
import { statementRoutes } from './statements.routes.ts';

export function paymentsModule(runtime: Runtime): FastifyPluginAsyncTypebox {
  return async (app) => {
    await app.register(paymentRoutes(runtime));
    await app.register(statementRoutes(runtime));
    await app.register(cardRoutes(runtime));
    await app.register(adminPaymentRoutes(runtime));
  };
}
