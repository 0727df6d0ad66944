// Memory upkeep for long bulk work (the price-list import).

/** Set once the process answers HTTP requests: see collectGarbage. */
let answering = false;

/**
 * The process answers requests from now on (server.ts, once it listens): full collections are
 * no longer forced. A forced collection is atomic: with an import's heap it held the event loop
 * 100–250 ms each time, once per batch, and every request waited (issue 16). V8's own collections
 * mark concurrently and pause far less; the price is a higher peak RSS during a large import.
 */
export function answeringRequests(): void {
  answering = true;
}

/**
 * A large import's peak memory is mostly garbage (the decoded file, the reader's values, the
 * statements' parameter texts) that the collector would keep until the heap had grown well past
 * it: in a process that answers no requests (the worker, the CLI, a server still starting) and was
 * started with --expose-gc (npm start, npm run worker), a full collection between the steps of a
 * large import keeps the process near what it really holds. About 0.1 s a collection; nothing
 * below 10,000 goods.
 */
export function collectGarbage(goods: number): void {
  if (!answering && goods >= 10_000) (globalThis as { gc?: () => void }).gc?.();
}
