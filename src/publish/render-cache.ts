/**
 * Memoizes rendered feed variants until the store changes for them. Each entry carries the
 * category tags it depends on; invalidating a tag touches only those entries, so a change in one
 * category leaves every other category's cached bytes (and validators) alone. Concurrent misses
 * for one key share a single render.
 *
 * Stale while revalidate: an invalidation marks an entry stale instead of dropping it. `peek`
 * keeps answering with the stale value (its own validators travel with it: they are part of the
 * value) and starts ONE background render; a request waits only when there is no value at all,
 * or when the value has been stale for longer than `maxStaleMs`. Measured in bench/scale/latency
 * with a request counter in the feed responder (2026-12-02, 2,000 and 10,000 sources): during
 * collect passes `world` changes several times a second and 16–42% of its GETs waited for the
 * re-render, typically 50–100 ms, up to 200–330 ms on a loaded machine: that was the feed's p99.
 * One render per key runs at a time; changes that land while it runs make its value stale at
 * once, and the next request starts the next render. A floor of 500 ms between two renders of a
 * key was tried and changed nothing measurable (the servers' CPU during passes 50–77 ms a second
 * with it, 64–79 without), so there is none: the fresher the better.
 * `get` stays fresh: the WebSub hub and the FEEDS_DIR snapshot must publish what the store holds
 * now, and an invalidation with `serveStale: false` makes `peek` wait for it too.
 *
 * Bounded in bytes, not only in entries: every distinct `limit`/`page`/`before`/format a client
 * names is a new entry holding the body and its gzip and brotli forms, so an entry count alone let
 * 766 anonymous requests take the process to 2.5 GB. Entries are evicted least recently used first
 * until the total fits; an entry larger than the whole budget is served but not kept. Renders of
 * distinct keys run at most `maxConcurrentRenders` at a time (render-slots.ts).
 */
import type { Clock } from "../model/index.js";
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

/**
 * How long after an invalidation its previous bytes may still be served while the new ones render.
 * A poller's own cache keeps a feed for max-age, at least 30 s (publish.max_age), so a second more
 * is invisible to it; a render slower than this (a starved process) makes requests wait as before.
 */
export const DEFAULT_MAX_STALE_MS = 1000;

export interface RenderCacheOptions<V> extends Partial<RenderCacheLimits> {
  /** What an entry costs in bytes; by default its buffers plus a fixed overhead (see bufferBytes). */
  readonly sizeOf?: (value: V) => number;
  /** Measures how long an entry has been stale; without one nothing is ever served stale. */
  readonly clock?: Clock;
  /** The freshness bound: see DEFAULT_MAX_STALE_MS. */
  readonly maxStaleMs?: number;
  /** A background render failed; the stale value stays (within the bound) and this says why. */
  readonly onBackgroundError?: (key: string, error: unknown) => void;
}

export interface InvalidateOptions {
  /**
   * False: `peek` no longer answers with the invalidated values, so the next request waits for
   * the new render (read after write, for changes someone looks at right away). Default true.
   */
  readonly serveStale?: boolean;
}

export interface RenderCacheStats {
  readonly hits: number;
  readonly misses: number;
  readonly entries: number;
  /** Bytes held, as `sizeOf` counts them. */
  readonly bytes: number;
  /** Entries dropped to make room (not those a change invalidated). */
  readonly evictions: number;
  /** Hits answered with a stale value while its re-render ran (counted in `hits` too). */
  readonly staleHits: number;
  /** Background renders that failed (each also reported to `onBackgroundError`). */
  readonly backgroundErrors: number;
}

export interface RenderCache<V> {
  /**
   * The cached value, if any, without waiting (the hot path). A stale value within the freshness
   * bound is returned too, and starts its re-render in the background unless one runs.
   */
  peek(key: string): V | undefined;
  /** A fresh value: the cached one unless stale, else the shared result of `produce`. */
  get(key: string, tags: readonly string[], produce: () => Promise<V>): Promise<V>;
  /** Mark stale every entry depending on any of these categories, plus entries spanning all categories. */
  invalidate(categories: readonly string[], options?: InvalidateOptions): void;
  /** Mark every entry stale. */
  invalidateAll(options?: InvalidateOptions): void;
  /** Drop every entry; renders running now are not kept. */
  clear(): void;
  /** New limits (a config reload); a smaller budget evicts at once. */
  setLimits(limits: Partial<RenderCacheLimits>): void;
  stats(): RenderCacheStats;
}

interface Entry<V> {
  readonly value: V;
  readonly tags: readonly string[];
  readonly bytes: number;
  /** How to render it again, for a re-render `peek` starts. */
  readonly produce: () => Promise<V>;
  /** When the first invalidation after its render started arrived; undefined while fresh. */
  staleSince: number | undefined;
}

interface Render<V> {
  readonly progress: RenderProgress;
  readonly promise: Promise<V>;
}

interface RenderProgress {
  readonly tags: readonly string[];
  /** Set when it leaves the queue: a change before that is in what it renders. */
  started: boolean;
  /** When a change overtook it after it started: its value is kept, but stale from then. */
  overtakenAt: number | undefined;
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
  const { sizeOf = bufferBytes, clock, maxStaleMs = DEFAULT_MAX_STALE_MS, onBackgroundError, ...given } = options;
  let limits: RenderCacheLimits = { ...DEFAULT_RENDER_CACHE_LIMITS, ...given };
  // Map order is recency order: a hit moves its entry to the end, eviction takes from the front.
  const entries = new Map<string, Entry<V>>();
  const pending = new Map<string, Render<V>>();
  const slots = createRenderSlots(limits.maxConcurrentRenders);
  let newest: string | undefined;
  let bytes = 0;
  let generation = 0;
  let hits = 0;
  let misses = 0;
  let evictions = 0;
  let staleHits = 0;
  let backgroundErrors = 0;

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

  function store(key: string, value: V, render: RenderProgress, produce: () => Promise<V>): void {
    const size = sizeOf(value);
    const previous = entries.get(key);
    if (previous) remove(key, previous);
    // Larger than the whole budget: keeping it would evict everything else for one variant.
    if (size > limits.maxBytes) return;
    makeRoom(size, 1);
    entries.set(key, {
      value,
      tags: render.tags,
      bytes: size,
      produce,
      staleSince: render.overtakenAt,
    });
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

  function startRender(key: string, tags: readonly string[], produce: () => Promise<V>): Render<V> {
    misses++;
    const startedIn = generation;
    const progress: RenderProgress = { tags, started: false, overtakenAt: undefined };
    const promise = slots
      .run(async () => {
        // Read when the render starts, not when it was queued: a change that landed while it
        // waited is in what it renders, and one that lands while it renders may not be.
        progress.started = true;
        const value = await produce();
        // Even when overtaken it is newer than what is cached: kept, stale from the overtaking change.
        if (startedIn === generation) store(key, value, progress, produce);
        return value;
      })
      .finally(() => pending.delete(key));
    const render = { progress, promise };
    pending.set(key, render);
    return render;
  }

  function revalidate(key: string, entry: Entry<V>): void {
    if (pending.has(key)) return;
    startRender(key, entry.tags, entry.produce).promise.catch((error: unknown) => {
      backgroundErrors++;
      onBackgroundError?.(key, error);
    });
  }

  function markStale(matches: (tags: readonly string[]) => boolean, options: InvalidateOptions): void {
    const serveStale = options.serveStale ?? true;
    // Stale since forever: beyond any freshness bound, so `peek` lets the caller wait for `get`.
    const since = serveStale ? (clock?.() ?? 0) : Number.NEGATIVE_INFINITY;
    for (const entry of entries.values()) {
      if ((entry.staleSince === undefined || !serveStale) && matches(entry.tags)) entry.staleSince = since;
    }
    for (const { progress } of pending.values()) {
      if (progress.started && (progress.overtakenAt === undefined || !serveStale) && matches(progress.tags)) {
        progress.overtakenAt = since;
      }
    }
  }

  const cache: RenderCache<V> = {
    peek(key) {
      const entry = entries.get(key);
      if (!entry) return undefined;
      if (entry.staleSince !== undefined) {
        // Too stale (or no clock to tell): the caller waits for a fresh render with `get`.
        if (clock === undefined) return undefined;
        if (clock() - entry.staleSince > maxStaleMs) return undefined;
        revalidate(key, entry);
        staleHits++;
      }
      hits++;
      touch(key, entry);
      return entry.value;
    },
    get(key, tags, produce) {
      const entry = entries.get(key);
      if (entry && entry.staleSince === undefined) {
        hits++;
        touch(key, entry);
        return Promise.resolve(entry.value);
      }
      const running = pending.get(key);
      if (running === undefined) return startRender(key, tags, produce).promise;
      if (running.progress.overtakenAt === undefined) return running.promise;
      // A change overtook the running render: wait for it, then render what the store holds now.
      const again = (): Promise<V> => cache.get(key, tags, produce);
      return running.promise.then(again, again);
    },
    invalidate(categories, options = {}) {
      if (categories.length === 0) return;
      const changed = new Set(categories);
      markStale((tags) => tags.some((tag) => tag === ANY_CATEGORY_TAG || changed.has(tag)), options);
    },
    invalidateAll(options = {}) {
      markStale(() => true, options);
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
      return { hits, misses, entries: entries.size, bytes, evictions, staleHits, backgroundErrors };
    },
  };
  return cache;
}
