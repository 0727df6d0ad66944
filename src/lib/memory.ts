// Memory upkeep for long bulk work (the price-list import).

/**
 * A large import's peak memory is mostly garbage (the decoded file, the reader's values, the
 * statements' parameter texts) that the collector would keep until the heap had grown well past
 * it: with the server started with --expose-gc (npm start, npm run worker), a full collection
 * between the steps of a large import keeps the process near what it really holds. About 0.1 s
 * a collection; nothing below 10,000 goods.
 */
export function collectGarbage(goods: number): void {
  if (goods >= 10_000) (globalThis as { gc?: () => void }).gc?.();
}
