// Per-route rate limits through @fastify/rate-limit (registered in app.ts), for reads that must
// cost no database write: the public catalog and search. The plugin counts in each API process's
// memory, per route and client address (`request.ip`, which believes X-Forwarded-For only from
// TRUST_PROXY), so with N processes behind a balancer an address gets up to N × the limit: enough
// against scraping and runaway clients, and a cached catalog answer stays a memory read. Limits that
// guard accounts and money (logins, emails, coupon guesses) must be exact across processes and are
// counted in PostgreSQL instead (modules/accounts/rate-limit.ts).
import type { FastifyRequest } from 'fastify';
import type { Config } from '../config.ts';
import { tooManyRequests } from './errors.ts';

/** The route `config` of a public catalog or search read: RATE_LIMIT_CATALOG_MAX per window. */
export function publicReadLimit(config: Config) {
  const { max, windowSeconds } = config.rateLimit.catalogReads;
  return {
    rateLimit: {
      max,
      timeWindow: windowSeconds * 1000,
      // The refusal is a problem document from the one error handler (429 rate_limited, Retry-After).
      errorResponseBuilder: (_request: FastifyRequest, context: { ttl: number }) =>
        tooManyRequests(context.ttl / 1000),
    },
  };
}
