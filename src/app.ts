// The HTTP application, separate from `listen` so tests can inject requests without a port.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import cors from '@fastify/cors';
import formbody from '@fastify/formbody';
import helmet from '@fastify/helmet';
import multipart from '@fastify/multipart';
import rateLimit from '@fastify/rate-limit';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type RawServerDefault } from 'fastify';
import { apiV1Routes } from './api-v1/v1.routes.ts';
import type { Config } from './config.ts';
import { installAuth } from './http/auth.ts';
import { ProblemSchema } from './http/common-schemas.ts';
import { registerConsole } from './http/console.ts';
import { registerDocs } from './http/docs.ts';
import { installErrorHandlers, sendProblem } from './http/error-handler.ts';
import { clientErrorHandler, frameworkError } from './http/input-guard.ts';
import { lazyValidatorFactory } from './http/lazy-validators.ts';
import { installOpenApiConventions } from './http/openapi.ts';
import { trackRunningRequests } from './http/running-requests.ts';
import { reusedSerializerFactory } from './http/serializers.ts';
import { accountsRoutes } from './modules/accounts/accounts.routes.ts';
import { resolveApiToken } from './modules/accounts/api-tokens.service.ts';
import { auditRoutes } from './modules/audit/audit.routes.ts';
import { catalogRoutes } from './modules/catalog/catalog.routes.ts';
import { dashboardRoutes } from './modules/dashboard/dashboard.routes.ts';
import { healthRoutes } from './modules/health/health.routes.ts';
import { ordersModule } from './modules/orders/routes.ts';
import { paymentsModule } from './modules/payments/routes.ts';
import { promotionsRoutes } from './modules/promotions/promotions.routes.ts';
import { purchasingModule } from './modules/purchasing/routes.ts';
import { statsRoutes } from './modules/stats/stats.routes.ts';
import { webhooksRoutes } from './modules/webhooks/webhooks.routes.ts';
import { createRuntime, type Runtime, type RuntimeOptions } from './runtime.ts';

declare module 'fastify' {
  interface FastifyInstance {
    runtime: Runtime;
  }
}

export interface BuildAppOptions extends RuntimeOptions {
  /** A runtime built elsewhere (tests share one per file); otherwise one is created and owned. */
  runtime?: Runtime;
  /** Extra routes registered before the app is ready (tests). */
  register?: (app: App) => Promise<void> | void;
}

/** The application with TypeBox as its type provider: route schemas type the handlers. */
export type App = FastifyInstance<
  RawServerDefault,
  IncomingMessage,
  ServerResponse,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>;

const API_TAGS = [
  { name: 'auth', description: 'Registration, email confirmation, sessions, password reset' },
  { name: 'profile', description: 'The caller’s profile and billing details' },
  {
    name: 'api-tokens',
    description: 'Long-lived tokens for integrations (ERP), `Authorization: Bearer zk_…`',
  },
  { name: 'contacts', description: 'Delivery addresses and phones (up to 5)' },
  { name: 'catalog', description: 'Shops, categories, products, offers, search and facets (public)' },
  { name: 'supplier', description: 'A supplier’s shop, price-list imports and exports, its orders' },
  { name: 'basket', description: 'The buyer’s basket across suppliers' },
  { name: 'orders', description: 'Checkout and the buyer’s orders' },
  {
    name: 'payments',
    description: 'Invoices, bank payments and statements, card payments through a provider, refunds',
  },
  {
    name: 'shopping-lists',
    description: 'The buyer’s named shopping lists, put into the basket in one call',
  },
  {
    name: 'standing-orders',
    description: 'A shopping list ordered (or prepared) on a schedule, with a log of runs',
  },
  { name: 'admin', description: 'Staff: orders, shops, imports, catalog upkeep, promotions, coupons' },
  { name: 'promotions', description: 'Staff: promotions on categories and products' },
  { name: 'coupons', description: 'Staff: coupons and batches of single-use codes' },
  {
    name: 'webhooks',
    description: 'Signed event deliveries (Standard Webhooks) to the caller’s endpoints, with a delivery log',
  },
  { name: 'v1', description: 'Seed-compatible API (drop-in for the reference implementation); see /api/v1' },
  { name: 'health', description: 'Liveness and readiness' },
];

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export async function buildApp(config: Config, options: BuildAppOptions = {}): Promise<App> {
  const runtime = options.runtime ?? (await createRuntime(config, options));
  const app = Fastify({
    loggerInstance: runtime.log as FastifyBaseLogger,
    bodyLimit: config.bodyLimitBytes,
    // Per-address rate limits are only as good as this: trust X-Forwarded-For only from our proxies.
    trustProxy:
      typeof config.trustProxy === 'number'
        ? (_address: string, hop: number) => hop < (config.trustProxy as number)
        : config.trustProxy,
    forceCloseConnections: 'idle',
    // A limit for a plugin that never finishes loading, not for a slow machine: Fastify's 10 s was
    // exceeded by compiling the routes' schemas on a 2-core machine at load 16.
    pluginTimeout: 120_000,
    requestIdHeader: false,
    genReqId: (request) => {
      const incoming = request.headers['x-request-id'];
      return typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    },
    ajv: {
      customOptions: { coerceTypes: 'array', removeAdditional: false, useDefaults: true, allErrors: true },
    },
    // Validators and response serializers compiled on a route's first use, not at start-up; a
    // serializer once per schema in this process (src/http/lazy-validators.ts, serializers.ts).
    schemaController: {
      compilersFactory: { buildSerializer: reusedSerializerFactory, buildValidator: lazyValidatorFactory },
    },
    routerOptions: { ignoreTrailingSlash: true },
    // The HTTP layer's own refusals as problem documents too (src/http/input-guard.ts).
    frameworkErrors: (error, request, reply) => frameworkError(error, request, reply, sendProblem),
    clientErrorHandler,
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.decorate('runtime', runtime);
  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  const running = trackRunningRequests(app);
  app.addHook('onClose', async () => {
    await running.settled(config.shutdownTimeoutMs);
    if (!options.runtime) await runtime.close();
  });

  installErrorHandlers(app);
  installAuth(app, runtime, resolveApiToken);
  installOpenApiConventions(app);
  app.addSchema(ProblemSchema);

  // Browsers are told to insist on HTTPS (HSTS, upgrade-insecure-requests) only when the service
  // is published over HTTPS: sent over plain HTTP on any host but localhost, they break /docs.
  const https = new URL(config.publicUrl).protocol === 'https:';
  await app.register(helmet, {
    // The interactive docs page runs its own scripts and styles.
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'", "'unsafe-inline'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'validator.swagger.io'],
        upgradeInsecureRequests: https ? [] : null,
      },
    },
    strictTransportSecurity: https ? { maxAge: 31_536_000, includeSubDomains: true } : false,
  });
  await app.register(cors, {
    origin: config.corsOrigins,
    credentials: false,
    exposedHeaders: ['x-request-id'],
  });
  await app.register(formbody, { bodyLimit: config.bodyLimitBytes });
  await app.register(multipart, { limits: { fileSize: config.importMaxBytes, files: 1, fields: 50 } });
  // Routes opt in with `config.rateLimit`; RATE_LIMIT=false turns every limit off.
  await app.register(rateLimit, {
    global: false,
    allowList: config.rateLimit.enabled ? undefined : () => true,
    // Answers under the limit stay as they were; a refused one carries Retry-After.
    addHeadersOnExceeding: {
      'x-ratelimit-limit': false,
      'x-ratelimit-remaining': false,
      'x-ratelimit-reset': false,
    },
    addHeaders: {
      'x-ratelimit-limit': false,
      'x-ratelimit-remaining': false,
      'x-ratelimit-reset': false,
      'retry-after': true,
    },
  });

  await registerDocs(app, {
    description:
      'B2B retail procurement: one catalog of many suppliers, baskets across suppliers, orders. ' +
      'Errors are RFC 9457 problem documents with a stable `code`. ' +
      'Human-readable texts are Russian by default; send `Accept-Language: en` for English.',
    tags: API_TAGS,
  });

  await registerConsole(app);
  await app.register(healthRoutes(runtime));
  await app.register(promotionsRoutes(runtime));
  await app.register(accountsRoutes(runtime));
  await app.register(ordersModule(runtime));
  await app.register(paymentsModule(runtime));
  await app.register(purchasingModule(runtime));
  await app.register(catalogRoutes(runtime));
  await app.register(webhooksRoutes(runtime));
  await app.register(auditRoutes(runtime));
  await app.register(dashboardRoutes(runtime));
  await app.register(statsRoutes(runtime));
  await app.register(apiV1Routes(runtime), { prefix: '/api/v1' });
  if (options.register) await app.register(async (scope) => options.register!(scope as App));

  await app.ready();
  return app;
}
