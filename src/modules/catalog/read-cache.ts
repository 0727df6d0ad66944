// The catalog read cache: public catalog answers (product pages, lists, searches, facets) kept in
// this process and served again while the catalog has not changed.
//
// "Not changed" is exact, not a time to live: every transaction that writes a table the catalog
// reads adds one to the catalog revision (`catalog_revision`, bumped by statement triggers), and
// each request reads the revision first. An answer is stored under the revision read before it
// was built; since it was built from a later snapshot, it is at least that new, so while a fresh
// read still sees that revision, it is exactly what building it again would give. A write in any
// process (another API instance, the worker, psql) is seen by the next request.
//
// On a read replica "a later snapshot" is not certain: behind a balancer the next query may reach a
// standby further behind. There (`snapshots`) an answer is built in one read-only snapshot that
// also reads the revision, and is stored and tagged under that revision: never under a newer one
// than its data.
import { hash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { type Database, inSnapshot, type Queryable } from '../../db/client.ts';
import { runPrepared } from '../../db/prepared.ts';

/** The catalog revision a fresh snapshot sees: `<epoch>:<changes>`. */
export async function catalogRevision(db: Queryable): Promise<string> {
  const [row] = await runPrepared<{ revision: string }>(
    db,
    'catalog_revision',
    sql`select min(epoch::text) || ':' || sum(changes)::text as revision from catalog_revision`,
  );
  return row.revision;
}

/**
 * The catalog revision for many concurrent requests with few queries: a request joins a revision
 * query only if that query is sent after the request arrived — the one being sent now, or else the
 * next one, sent as soon as the query in flight returns. So what a request reads is never older than
 * the request (a write committed before it arrived is seen, as with a query of its own), while under
 * load one query serves every request that arrived during the previous one.
 */
export function createRevisionReader(query: () => Promise<string>): () => Promise<string> {
  let inFlight: Promise<string> | null = null;
  let next: Promise<string> | null = null;
  const send = (): Promise<string> => {
    const sent = query();
    inFlight = sent;
    const settled = () => {
      if (inFlight === sent) inFlight = null;
    };
    sent.then(settled, settled);
    return sent;
  };
  return () => {
    if (!inFlight) return send();
    if (!next) {
      const after = () => {
        next = null;
        return send();
      };
      next = inFlight.then(after, after);
    }
    return next;
  };
}

export interface ReadCacheStats {
  hits: number;
  misses: number;
  entries: number;
  bytes: number;
}

/**
 * An answer with its entity tag: the same while the catalog revision is, so a client holding it
 * has what would be built now (null with the cache off, and for a missing answer: null or
 * undefined). When the request's If-None-Match names it, nothing was built: `notModified`.
 */
export type CachedAnswer<T> =
  | { notModified: false; value: T; etag: string | null }
  | { notModified: true; etag: string };

export interface CatalogReadCache {
  /**
   * The answer stored under `key` while the catalog is unchanged; otherwise `build()`'s, stored.
   * Concurrent misses of one key under one revision build once. `bytes` estimates an answer's
   * memory. Stored answers are shared: callers must not change them. `build` reads through the
   * handle it is given (the snapshot's, on a replica).
   */
  read<T>(
    key: string,
    build: (db: Queryable) => Promise<T>,
    bytes: (value: T) => number,
    ifNoneMatch?: string,
  ): Promise<CachedAnswer<T>>;
  stats(): ReadCacheStats;
}

interface Entry {
  revision: string;
  value: unknown;
  bytes: number;
}

/** An answer's size as JSON text, two bytes a character (V8 may store it in one). */
export function jsonBytes(value: unknown): number {
  return typeof value === 'string' ? value.length * 2 : (JSON.stringify(value)?.length ?? 4) * 2;
}

/** A built answer and the catalog revision it shows. */
interface Built {
  revision: string;
  value: unknown;
}

export interface ReadCacheOptions {
  /** Build each missed answer in one snapshot with the revision it is stored under (a replica). */
  snapshots?: boolean;
}

/**
 * A cache of at most `maxBytes` of answers, least recently used out first. With `maxBytes` 0 it
 * stores nothing and reads no revision: every read builds.
 */
export function createCatalogReadCache(
  db: Queryable,
  maxBytes: number,
  options: ReadCacheOptions = {},
): CatalogReadCache {
  const readRevision = createRevisionReader(() => catalogRevision(db));
  const entries = new Map<string, Entry>();
  const building = new Map<string, { revision: string; answer: Promise<Built> }>();
  /** An answer and the revision it shows: the one read before (same server), or its snapshot's. */
  const buildAt = async <T>(revision: string, build: (db: Queryable) => Promise<T>): Promise<Built> =>
    options.snapshots
      ? inSnapshot(db as Database, async (tx) => ({
          revision: await catalogRevision(tx),
          value: await build(tx),
        }))
      : { revision, value: await build(db) };
  const stats = { hits: 0, misses: 0, bytes: 0 };

  function remove(key: string): void {
    const entry = entries.get(key);
    if (!entry) return;
    entries.delete(key);
    stats.bytes -= entry.bytes;
  }

  function store(key: string, entry: Entry): void {
    remove(key);
    if (entry.bytes > maxBytes / 4) return; // one answer never takes most of the cache
    entries.set(key, entry);
    stats.bytes += entry.bytes;
    for (const [oldest] of entries) {
      if (stats.bytes <= maxBytes) break;
      remove(oldest);
    }
  }

  async function read<T>(
    key: string,
    build: (db: Queryable) => Promise<T>,
    bytes: (value: T) => number,
    ifNoneMatch?: string,
  ): Promise<CachedAnswer<T>> {
    if (maxBytes === 0) return { notModified: false, value: await build(db), etag: null };
    const revision = await readRevision();
    const etag = entityTag(key, revision);
    const tags = ifNoneMatch?.split(',').map((tag) => tag.trim()) ?? [];
    if (tags.includes(etag)) return { notModified: true, etag };
    // Nothing (null or undefined: not found) has no tag, and `*` matches any answer but that.
    const answered = (value: T, shown = revision): CachedAnswer<T> => {
      if (value === null || value === undefined) return { notModified: false, value, etag: null };
      // Tagged with the revision it shows (a snapshot's may differ from the one read first).
      const tag = shown === revision ? etag : entityTag(key, shown);
      return tags.includes(tag) || tags.includes('*')
        ? { notModified: true, etag: tag }
        : { notModified: false, value, etag: tag };
    };
    const entry = entries.get(key);
    if (entry && entry.revision === revision) {
      stats.hits += 1;
      // Most recently used last: the Map keeps insertion order.
      entries.delete(key);
      entries.set(key, entry);
      return answered(entry.value as T);
    }
    const pending = building.get(key);
    if (pending && pending.revision === revision) {
      const built = await pending.answer;
      return answered(built.value as T, built.revision);
    }
    stats.misses += 1;
    const answer = buildAt(revision, build);
    building.set(key, { revision, answer });
    try {
      const built = await answer;
      const value = built.value as T;
      // Should a slower build of an older revision land last, the next read misses and rebuilds.
      store(key, { revision: built.revision, value, bytes: bytes(value) + key.length * 2 });
      return answered(value, built.revision);
    } finally {
      if (building.get(key)?.answer === answer) building.delete(key);
    }
  }

  return {
    read,
    stats: () => ({ hits: stats.hits, misses: stats.misses, entries: entries.size, bytes: stats.bytes }),
  };
}

const shared = new WeakMap<object, Map<number, CatalogReadCache>>();

/**
 * The one read cache of a database handle and size, shared by every API that reads the catalog
 * (v2 and v1), so the process holds at most `maxBytes` of answers and one revision reader.
 * `options` count only when the cache is made (the first caller's).
 */
export function catalogReadCacheOf(
  db: Queryable,
  maxBytes: number,
  options: ReadCacheOptions = {},
): CatalogReadCache {
  let bySize = shared.get(db);
  if (!bySize) {
    bySize = new Map();
    shared.set(db, bySize);
  }
  let cache = bySize.get(maxBytes);
  if (!cache) {
    cache = createCatalogReadCache(db, maxBytes, options);
    bySize.set(maxBytes, cache);
  }
  return cache;
}

function entityTag(key: string, revision: string): string {
  return `"${hash('sha1', `${revision}\u0000${key}`, 'base64url')}"`;
}

/** A cache key from a request's inputs: the same inputs in any order give the same key. */
export function cacheKey(kind: string, input: object): string {
  return `${kind}:${JSON.stringify(input, (_key, value) =>
    value && typeof value === 'object' && !Array.isArray(value)
      ? Object.fromEntries(
          Object.entries(value as Record<string, unknown>)
            .filter(([, v]) => v !== undefined)
            .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
        )
      : value,
  )}`;
}
