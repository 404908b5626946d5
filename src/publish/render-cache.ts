/**
 * Memoizes rendered feed variants until the store changes for them. Each entry carries the
 * category tags it depends on; invalidating a tag drops only those entries, so a change in one
 * category leaves every other category's cached bytes (and validators) alone. Concurrent misses
 * for one key share a single render.
 */
export const ANY_CATEGORY_TAG = "*";

export interface RenderCacheStats {
  readonly hits: number;
  readonly misses: number;
  readonly entries: number;
}

export interface RenderCache<V> {
  /** The cached value, if any, without rendering (the hot path). */
  peek(key: string): V | undefined;
  /** The cached value, or the shared result of `produce` for a miss. */
  get(key: string, tags: readonly string[], produce: () => Promise<V>): Promise<V>;
  /** Drop every entry depending on any of these categories, plus entries spanning all categories. */
  invalidate(categories: readonly string[]): void;
  clear(): void;
  stats(): RenderCacheStats;
}

interface Entry<V> {
  readonly value: V;
  readonly tags: readonly string[];
}

export function createRenderCache<V>(maxEntries = 2000): RenderCache<V> {
  const entries = new Map<string, Entry<V>>();
  const pending = new Map<string, Promise<V>>();
  let generation = 0;
  let hits = 0;
  let misses = 0;

  function store(key: string, value: V, tags: readonly string[]): void {
    if (entries.size >= maxEntries) {
      const oldest = entries.keys().next();
      if (!oldest.done) entries.delete(oldest.value);
    }
    entries.set(key, { value, tags });
  }

  return {
    peek(key) {
      const entry = entries.get(key);
      if (entry) hits++;
      return entry?.value;
    },
    get(key, tags, produce) {
      const entry = entries.get(key);
      if (entry) {
        hits++;
        return Promise.resolve(entry.value);
      }
      const shared = pending.get(key);
      if (shared) return shared;
      misses++;
      const startedAt = generation;
      const promise = produce()
        .then((value) => {
          // A change that landed while we rendered may not be in `value`: serve it to the
          // requests that waited, but do not keep it.
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
        if (entry.tags.some((tag) => tag === ANY_CATEGORY_TAG || changed.has(tag))) entries.delete(key);
      }
    },
    clear() {
      generation++;
      entries.clear();
    },
    stats() {
      return { hits, misses, entries: entries.size };
    },
  };
}
