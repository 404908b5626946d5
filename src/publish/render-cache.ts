/**
 * Memoizes rendered feed variants until the store changes for them. Each entry carries the
 * category tags it depends on; invalidating a tag drops only those entries, so a change in one
 * category leaves every other category's cached bytes (and validators) alone. Concurrent misses
 * for one key share a single render.
 *
 * Bounded in bytes, not only in entries: every distinct `limit`/`page`/`before`/format a client
 * names is a new entry holding the body and its gzip and brotli forms, so an entry count alone let
 * 766 anonymous requests take the process to 2.5 GB. Entries are evicted least recently used first
 * until the total fits; an entry larger than the whole budget is served but not kept. Renders of
 * distinct keys run at most `maxConcurrentRenders` at a time (render-slots.ts).
 */
import { createRenderSlots } from "./render-slots.js";

export const ANY_CATEGORY_TAG = "*";

export interface RenderCacheLimits {
  /** Bytes kept at most, summed over entries by `sizeOf` (config `publish.cache_max_bytes`). */
  readonly maxBytes: number;
  /** Entries kept at most: a backstop for tiny entries, whose bookkeeping `sizeOf` only estimates. */
  readonly maxEntries: number;
  /** Renders of distinct keys running at once; further misses wait their turn. */
  readonly maxConcurrentRenders: number;
}

export const DEFAULT_RENDER_CACHE_LIMITS: RenderCacheLimits = Object.freeze({
  maxBytes: 64 * 1024 ** 2,
  maxEntries: 2000,
  maxConcurrentRenders: 4,
});

export interface RenderCacheOptions<V> extends Partial<RenderCacheLimits> {
  /** What an entry costs in bytes; by default its buffers plus a fixed overhead (see bufferBytes). */
  readonly sizeOf?: (value: V) => number;
}

export interface RenderCacheStats {
  readonly hits: number;
  readonly misses: number;
  readonly entries: number;
  /** Bytes held, as `sizeOf` counts them. */
  readonly bytes: number;
  /** Entries dropped to make room (not those a change invalidated). */
  readonly evictions: number;
}

export interface RenderCache<V> {
  /** The cached value, if any, without rendering (the hot path). */
  peek(key: string): V | undefined;
  /** The cached value, or the shared result of `produce` for a miss. */
  get(key: string, tags: readonly string[], produce: () => Promise<V>): Promise<V>;
  /** Drop every entry depending on any of these categories, plus entries spanning all categories. */
  invalidate(categories: readonly string[]): void;
  clear(): void;
  /** New limits (a config reload); a smaller budget evicts at once. */
  setLimits(limits: Partial<RenderCacheLimits>): void;
  stats(): RenderCacheStats;
}

interface Entry<V> {
  readonly value: V;
  readonly tags: readonly string[];
  readonly bytes: number;
}

/** Key, tags, the variant and the response headers built beside an entry: small, but not free. */
const ENTRY_OVERHEAD_BYTES = 2048;

/**
 * The default size of a cached value: a buffer's or string's own length, else the sum of the
 * buffers among its own properties (a rendered feed's identity, gzip and brotli bodies, which are
 * nearly all of it), plus the overhead every entry has.
 */
export function bufferBytes(value: unknown): number {
  if (typeof value === "string") return Buffer.byteLength(value) + ENTRY_OVERHEAD_BYTES;
  if (value instanceof Uint8Array) return value.byteLength + ENTRY_OVERHEAD_BYTES;
  if (typeof value !== "object" || value === null) return ENTRY_OVERHEAD_BYTES;
  let bytes = ENTRY_OVERHEAD_BYTES;
  for (const property of Object.values(value)) if (property instanceof Uint8Array) bytes += property.byteLength;
  return bytes;
}

export function createRenderCache<V>(options: RenderCacheOptions<V> = {}): RenderCache<V> {
  const { sizeOf = bufferBytes, ...given } = options;
  let limits: RenderCacheLimits = { ...DEFAULT_RENDER_CACHE_LIMITS, ...given };
  // Map order is recency order: a hit moves its entry to the end, eviction takes from the front.
  const entries = new Map<string, Entry<V>>();
  const pending = new Map<string, Promise<V>>();
  const slots = createRenderSlots(limits.maxConcurrentRenders);
  let newest: string | undefined;
  let bytes = 0;
  let generation = 0;
  let hits = 0;
  let misses = 0;
  let evictions = 0;

  function remove(key: string, entry: Entry<V>): void {
    entries.delete(key);
    bytes -= entry.bytes;
  }

  /** Evicts least recently used entries until `incoming` more bytes and one more entry fit. */
  function makeRoom(incoming: number, incomingEntries: number): void {
    for (const [key, entry] of entries) {
      if (bytes + incoming <= limits.maxBytes && entries.size + incomingEntries <= limits.maxEntries) return;
      remove(key, entry);
      evictions++;
    }
  }

  function store(key: string, value: V, tags: readonly string[]): void {
    const size = sizeOf(value);
    const previous = entries.get(key);
    if (previous) remove(key, previous);
    // Larger than the whole budget: keeping it would evict everything else for one variant.
    if (size > limits.maxBytes) return;
    makeRoom(size, 1);
    entries.set(key, { value, tags, bytes: size });
    bytes += size;
    newest = key;
  }

  /** Marks a hit as most recently used; repeat polls of the newest entry skip the Map churn. */
  function touch(key: string, entry: Entry<V>): void {
    if (key === newest) return;
    entries.delete(key);
    entries.set(key, entry);
    newest = key;
  }

  return {
    peek(key) {
      const entry = entries.get(key);
      if (!entry) return undefined;
      hits++;
      touch(key, entry);
      return entry.value;
    },
    get(key, tags, produce) {
      const entry = entries.get(key);
      if (entry) {
        hits++;
        touch(key, entry);
        return Promise.resolve(entry.value);
      }
      const shared = pending.get(key);
      if (shared) return shared;
      misses++;
      const promise = slots
        .run(async () => {
          // Read when the render starts, not when it was queued: a change that landed while it
          // waited is in what it renders, and one that lands while it renders may not be.
          const startedAt = generation;
          const value = await produce();
          if (startedAt === generation) store(key, value, tags);
          return value;
        })
        .finally(() => pending.delete(key));
      pending.set(key, promise);
      return promise;
    },
    invalidate(categories) {
      if (categories.length === 0) return;
      generation++;
      const changed = new Set(categories);
      for (const [key, entry] of entries) {
        if (entry.tags.some((tag) => tag === ANY_CATEGORY_TAG || changed.has(tag))) remove(key, entry);
      }
    },
    clear() {
      generation++;
      entries.clear();
      bytes = 0;
    },
    setLimits(next) {
      limits = { ...limits, ...next };
      slots.resize(limits.maxConcurrentRenders);
      makeRoom(0, 0);
    },
    stats() {
      return { hits, misses, entries: entries.size, bytes, evictions };
    },
  };
}
