// Every route of the accounts module (the pages its emails link to included), for one registration
// in app.ts.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Runtime } from '../../runtime.ts';
import { adminUsersRoutes } from './admin-users.routes.ts';
import { authRoutes } from './auth.routes.ts';
import { meRoutes } from './me.routes.ts';
import { pagesRoutes } from './pages.routes.ts';

export function accountsRoutes(runtime: Runtime): FastifyPluginAsyncTypebox {
  return async (app) => {
    await app.register(authRoutes(runtime));
    await app.register(meRoutes(runtime));
    await app.register(adminUsersRoutes(runtime));
    await app.register(pagesRoutes());
  };
}
