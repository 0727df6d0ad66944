// The catalog read cache: public catalog answers (product pages, lists, searches, facets) kept in
// this process and served again while the catalog has not changed for them.
//
// "Not changed" is exact, not a time to live. Every transaction that writes a table the catalog
// reads moves one of two counters (sharded rows, statement and row triggers: migrations 0021, 0034):
// - the catalog revision, for every write that is not an import's apply (staff, checkouts, psql, and
//   whatever an apply writes outside its scopes: a new product, category, characteristic or search
//   word, the shop's row). Every answer depends on it;
// - the imports count, for an import's apply, which also adds one change to each scope it touched
//   (`s:<shop>`, `c:<category>` of its offers before and after, `p:<product>` whose offers changed;
//   cache-scopes.ts). Each answer declares the scopes it depends on: none, some, or all (any import).
// Each request reads both counters first (one coalesced query). An answer is stored with the
// counters and its scopes' change count read BEFORE it was built; since it was built from a later
// snapshot, it is at least that new. While a fresh read sees the same two counters, it is exactly
// what building it again would give. When only the imports count moved, one query reads the scopes'
// count again (with the counters, in one snapshot): unchanged, no import since touched what the
// answer depends on, and the entry is moved forward to the imports count that query saw. Counts only
// grow, and only at commit, so "read before, compare later" misses no write. A write in any process
// (another API instance, the worker, psql) is seen by the next request.
//
// On a read replica "a later snapshot" is not certain: behind a balancer the next query may reach a
// standby further behind. There (`snapshots`) an answer is built in one read-only snapshot that
// also reads the counters and the scopes' count, and is stored and tagged under them: never under
// newer ones than its data. A scope check reads its counters and count in one statement too.
import { hash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { type Database, inSnapshot, type Queryable } from '../../db/client.ts';
import { runPrepared } from '../../db/prepared.ts';
import { type CacheScopes, scopeState } from './cache-scopes.ts';

/** The catalog revision a fresh snapshot sees, and the count of imports that recorded scopes. */
export interface Revision {
  /** `<epoch>:<changes>`: moved by every write that is not an import's apply. */
  revision: string;
  /** Moved by every import's apply (which records the scopes it changed instead). */
  imports: string;
}

/** The catalog revision a fresh snapshot sees. */
export async function catalogRevision(db: Queryable): Promise<Revision> {
  const [row] = await runPrepared<Revision>(
    db,
    'catalog_revisions',
    sql`select min(epoch::text) || ':' || sum(changes)::text as revision, sum(imports)::text as imports
      from catalog_revision`,
  );
  return row;
}

/**
 * The catalog revision for many concurrent requests with few queries: a request joins a revision
 * query only if that query is sent after the request arrived — the one being sent now, or else the
 * next one, sent as soon as the query in flight returns. So what a request reads is never older than
 * the request (a write committed before it arrived is seen, as with a query of its own), while under
 * load one query serves every request that arrived during the previous one.
 */
export function createRevisionReader<R>(query: () => Promise<R>): () => Promise<R> {
  let inFlight: Promise<R> | null = null;
  let next: Promise<R> | null = null;
  const send = (): Promise<R> => {
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
  /** Hits on an answer an import had made doubtful, served after checking its scopes. */
  revalidated: number;
  /** Scope checks that found a scope changed (followed by a miss). */
  invalidated: number;
  entries: number;
  bytes: number;
}

/**
 * An answer with its entity tag: the same while the answer is, so a client holding it has what
 * would be built now (null with the cache off, and for a missing answer: null or undefined). When
 * the request's If-None-Match names it, nothing was built: `notModified`.
 */
export type CachedAnswer<T> =
  | { notModified: false; value: T; etag: string | null }
  | { notModified: true; etag: string };

export interface CatalogReadCache {
  /**
   * The answer stored under `key` while the catalog is unchanged for it; otherwise `build()`'s,
   * stored. `scopes` says which imports can change it (default: any; see cache-scopes.ts).
   * Concurrent misses of one key under one revision build once. `bytes` estimates an answer's
   * memory. Stored answers are shared: callers must not change them. `build` reads through the
   * handle it is given (the snapshot's, on a replica).
   */
  read<T>(
    key: string,
    build: (db: Queryable) => Promise<T>,
    bytes: (value: T) => number,
    ifNoneMatch?: string,
    scopes?: CacheScopes,
  ): Promise<CachedAnswer<T>>;
  stats(): ReadCacheStats;
}

interface Entry {
  /** The catalog revision it was built under. */
  revision: string;
  /** The imports count it is known valid at (moved forward by a scope check). */
  imports: string;
  /** Its scopes, resolved (a product page's shops added), and their change count before the build. */
  scopes: 'all' | { keys: string[]; changes: string };
  /** Its entity tag: the same while the answer is, across the scope checks that keep it. */
  tag: string;
  value: unknown;
  bytes: number;
}

/** An answer's size as JSON text, two bytes a character (V8 may store it in one). */
export function jsonBytes(value: unknown): number {
  return typeof value === 'string' ? value.length * 2 : (JSON.stringify(value)?.length ?? 4) * 2;
}

/** A built answer with what was read before building it. */
type Built = Omit<Entry, 'bytes' | 'tag'>;

export interface ReadCacheOptions {
  /** Build each missed answer in one snapshot with the revision it is stored under (a replica). */
  snapshots?: boolean;
}

/** Revisions known current without asking, by database handle: see holdCatalogRevision. */
const heldRevisions = new WeakMap<object, Revision>();

/**
 * The embedded database (PGlite) is one session: while a transaction is open there, no other can
 * commit, and every query waits for it. The price-list import's apply is one transaction of many
 * seconds (atomic: readers never see half a price list); readers would wait all that time just to
 * read the catalog revision, which cannot move meanwhile. The apply reads the revision as its
 * first statement (nothing written yet: the committed one) and holds it here until its last
 * statement before COMMIT; meanwhile the cache answers from what it holds, exactly as a fresh read
 * would. An answer missed meanwhile is built after the commit and stored under the older revision,
 * which only makes the next request build it again. Returns the release (call it before COMMIT or
 * ROLLBACK, in the transaction's own code: once the session is free, the revision may move).
 */
export function holdCatalogRevision(db: object, revision: Revision): () => void {
  heldRevisions.set(db, revision);
  return () => {
    if (heldRevisions.get(db) === revision) heldRevisions.delete(db);
  };
}

const sameRevision = (a: Revision, b: Revision) => a.revision === b.revision && a.imports === b.imports;

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
  const building = new Map<string, { at: Revision; answer: Promise<Built> }>();
  /** Scope checks in flight, by key: concurrent requests for one doubtful answer check once. */
  const checking = new Map<string, { entry: Entry; check: Promise<boolean> }>();
  /**
   * An answer and what it was built under, read BEFORE it was built (or in its snapshot, on a
   * replica): the revisions and, for scoped answers, the scopes' change count.
   */
  const buildAt = async <T>(
    at: Revision,
    scopes: CacheScopes,
    build: (db: Queryable) => Promise<T>,
  ): Promise<Built> => {
    const run = async (handle: Queryable, known: Revision | null): Promise<Built> => {
      if (scopes === 'all' || (scopes.keys.length === 0 && scopes.product === undefined)) {
        const read = known ?? (await catalogRevision(handle));
        const resolved = scopes === 'all' ? 'all' : { keys: [], changes: '0' };
        return { ...read, scopes: resolved, value: await build(handle) };
      }
      const state = await scopeState(handle, scopes.keys, scopes.product);
      return {
        revision: state.revision,
        imports: state.imports,
        scopes: { keys: state.keys, changes: state.changes },
        value: await build(handle),
      };
    };
    return options.snapshots ? inSnapshot(db as Database, (tx) => run(tx, null)) : run(db, at);
  };
  const stats = { hits: 0, misses: 0, revalidated: 0, invalidated: 0, bytes: 0 };

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

  /**
   * Whether an entry built under `now.revision` but an older imports count is still what a build
   * would give: true when its scopes' change count has not moved. The revisions are read with the
   * count (one snapshot), and the entry is moved forward to the imports count read there: every
   * import counted in it committed before the count was read, so none touched the scopes.
   */
  async function stillValid(key: string, entry: Entry): Promise<boolean> {
    if (entry.scopes === 'all') return false;
    const scopes = entry.scopes;
    if (scopes.keys.length === 0) return true;
    const pending = checking.get(key);
    if (pending && pending.entry === entry) return pending.check;
    const check = scopeState(db, scopes.keys).then((state) => {
      const valid = state.revision === entry.revision && state.changes === scopes.changes;
      if (valid && BigInt(state.imports) > BigInt(entry.imports)) entry.imports = state.imports;
      return valid;
    });
    checking.set(key, { entry, check });
    try {
      return await check;
    } finally {
      if (checking.get(key)?.check === check) checking.delete(key);
    }
  }

  async function read<T>(
    key: string,
    build: (db: Queryable) => Promise<T>,
    bytes: (value: T) => number,
    ifNoneMatch?: string,
    scopes: CacheScopes = 'all',
  ): Promise<CachedAnswer<T>> {
    if (maxBytes === 0) return { notModified: false, value: await build(db), etag: null };
    const now = heldRevisions.get(db) ?? (await readRevision());
    const tags = ifNoneMatch?.split(',').map((tag) => tag.trim()) ?? [];
    // Nothing (null or undefined: not found) has no tag, and `*` matches any answer but that.
    const answered = (value: T, tag: string): CachedAnswer<T> => {
      if (value === null || value === undefined) return { notModified: false, value, etag: null };
      return tags.includes(tag) || tags.includes('*')
        ? { notModified: true, etag: tag }
        : { notModified: false, value, etag: tag };
    };
    const hit = (entry: Entry): CachedAnswer<T> => {
      stats.hits += 1;
      // Most recently used last: the Map keeps insertion order.
      entries.delete(key);
      entries.set(key, entry);
      return answered(entry.value as T, entry.tag);
    };
    const entry = entries.get(key);
    if (entry && entry.revision === now.revision) {
      if (entry.imports === now.imports) return hit(entry);
      // Imports committed since: the entry stays if none changed its scopes.
      if (await stillValid(key, entry)) {
        if (entry.scopes !== 'all' && entry.scopes.keys.length === 0) entry.imports = now.imports;
        stats.revalidated += 1;
        return hit(entry);
      }
      if (entry.scopes !== 'all') stats.invalidated += 1;
    }
    const pending = building.get(key);
    if (pending && sameRevision(pending.at, now)) {
      const built = await pending.answer;
      return answered(built.value as T, entityTag(key, built));
    }
    stats.misses += 1;
    const answer = buildAt(now, scopes, build);
    building.set(key, { at: now, answer });
    try {
      const built = await answer;
      const value = built.value as T;
      const tag = entityTag(key, built);
      // Should a slower build of an older revision land last, the next read checks or rebuilds it.
      store(key, { ...built, tag, bytes: bytes(value) + key.length * 2 });
      return answered(value, tag);
    } finally {
      if (building.get(key)?.answer === answer) building.delete(key);
    }
  }

  return {
    read,
    stats: () => ({
      hits: stats.hits,
      misses: stats.misses,
      revalidated: stats.revalidated,
      invalidated: stats.invalidated,
      entries: entries.size,
      bytes: stats.bytes,
    }),
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

/** The tag of an answer: its key and the revisions it was built under. */
function entityTag(key: string, built: Revision): string {
  return `"${hash('sha1', `${built.revision}:${built.imports}\u0000${key}`, 'base64url')}"`;
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
