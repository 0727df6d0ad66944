// A request whose client went away still runs its handler to the end; Node's server closes once
// the connections are gone, not the handlers. Closing the app waits for the handlers, so the
// database is not closed under a statement they are about to run.
import type { FastifyInstance, FastifyRequest } from 'fastify';

export interface RunningRequests {
  /** Resolves once no request is being handled, or after `timeoutMs`. */
  settled(timeoutMs: number): Promise<void>;
}

export function trackRunningRequests(app: FastifyInstance): RunningRequests {
  const running = new Set<FastifyRequest>();
  const waiters = new Set<() => void>();
  const finished = async (request: FastifyRequest) => {
    if (!running.delete(request) || running.size > 0) return;
    for (const wake of waiters) wake();
    waiters.clear();
  };
  const handling = new WeakSet<FastifyRequest>();
  app.addHook('onRequest', async (request) => {
    running.add(request);
  });
  app.addHook('preHandler', async (request) => {
    handling.add(request);
  });
  // Aborted before its handler started, a request may never reach a reply.
  app.addHook('onRequestAbort', async (request) => {
    if (!handling.has(request)) await finished(request);
  });
  // The handler (or the error handler) has its answer: sent or not, its work is done.
  app.addHook('onSend', async (request) => {
    await finished(request);
  });
  app.addHook('onResponse', finished);
  return {
    settled(timeoutMs) {
      if (running.size === 0) return Promise.resolve();
      return new Promise((resolve) => {
        const timer = setTimeout(resolve, timeoutMs);
        timer.unref();
        waiters.add(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    },
  };
}
