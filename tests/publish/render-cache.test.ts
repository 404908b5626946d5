import { describe, expect, it } from "vitest";
import { ANY_CATEGORY_TAG, createRenderCache } from "../../src/publish/render-cache.js";

describe("createRenderCache", () => {
  it("shares one render between concurrent misses", async () => {
    const cache = createRenderCache<string>();
    let renders = 0;
    const produce = async (): Promise<string> => {
      renders++;
      await new Promise((r) => setTimeout(r, 5));
      return "body";
    };
    const results = await Promise.all([
      cache.get("k", ["world"], produce),
      cache.get("k", ["world"], produce),
      cache.get("k", ["world"], produce),
    ]);
    expect(results).toEqual(["body", "body", "body"]);
    expect(renders).toBe(1);
    expect(cache.peek("k")).toBe("body");
  });

  it("invalidates only entries depending on a changed category, and `all` entries", async () => {
    const cache = createRenderCache<string>();
    const renders: string[] = [];
    const produce = (value: string) => async (): Promise<string> => {
      renders.push(value);
      return value;
    };
    await cache.get("world", ["world"], produce("w"));
    await cache.get("tech", ["technology"], produce("t"));
    await cache.get("all", [ANY_CATEGORY_TAG], produce("a"));
    cache.invalidate(["world"]);
    renders.length = 0;
    expect(await cache.get("tech", ["technology"], produce("t2"))).toBe("t");
    expect(await cache.get("world", ["world"], produce("w2"))).toBe("w2");
    expect(await cache.get("all", [ANY_CATEGORY_TAG], produce("a2"))).toBe("a2");
    expect(renders).toEqual(["w2", "a2"]);
  });
});

/** A render the test finishes (or fails) when it chooses, and a count of the renders started. */
function controlledRenders(): {
  produce: () => Promise<string>;
  started: () => number;
  finish: (value: string) => void;
  fail: (error: Error) => void;
} {
  const waiting: Array<{ resolve: (value: string) => void; reject: (error: Error) => void }> = [];
  let count = 0;
  return {
    produce: () =>
      new Promise<string>((resolve, reject) => {
        count++;
        waiting.push({ resolve, reject });
      }),
    started: () => count,
    finish: (value) => waiting.shift()?.resolve(value),
    fail: (error) => waiting.shift()?.reject(error),
  };
}

describe("createRenderCache stale while revalidate", () => {
  const MAX_STALE_MS = 1000;
  const STALE_FROM = 100;

  /** A cache holding "v1" for `world`, rendered at time 0 of its clock, invalidated at STALE_FROM. */
  async function staleCache(): Promise<{
    cache: ReturnType<typeof createRenderCache<string>>;
    renders: ReturnType<typeof controlledRenders>;
    clock: { now: number };
    errors: Array<{ key: string; error: unknown }>;
  }> {
    const clock = { now: 0 };
    const errors: Array<{ key: string; error: unknown }> = [];
    const cache = createRenderCache<string>({
      clock: () => clock.now,
      maxStaleMs: MAX_STALE_MS,
      onBackgroundError: (key, error) => errors.push({ key, error }),
    });
    const renders = controlledRenders();
    const first = cache.get("world", ["world"], renders.produce);
    await flush();
    renders.finish("v1");
    expect(await first).toBe("v1");
    clock.now = STALE_FROM;
    cache.invalidate(["world"]);
    return { cache, renders, clock, errors };
  }

  it("serves the previous value while exactly one background render runs, then the new one", async () => {
    const { cache, renders } = await staleCache();
    expect([cache.peek("world"), cache.peek("world"), cache.peek("world")]).toEqual(["v1", "v1", "v1"]);
    await flush();
    expect(renders.started()).toBe(2);
    renders.finish("v2");
    // A fresh read shares the running render: it settles once that render is stored.
    expect(await cache.get("world", ["world"], renders.produce)).toBe("v2");
    expect(cache.peek("world")).toBe("v2");
    expect(renders.started()).toBe(2);
    expect(cache.stats()).toMatchObject({ staleHits: 3, backgroundErrors: 0 });
  });

  it("keeps the previous value when the background render fails, and says so", async () => {
    const { cache, renders, errors } = await staleCache();
    expect(cache.peek("world")).toBe("v1");
    await flush();
    const failure = new Error("publish: the store is gone");
    renders.fail(failure);
    await flush();
    expect(errors).toEqual([{ key: "world", error: failure }]);
    expect(cache.stats().backgroundErrors).toBe(1);
    expect(cache.peek("world")).toBe("v1");
  });

  it("renders again after a change that overtook the background render", async () => {
    const { cache, renders, clock } = await staleCache();
    expect(cache.peek("world")).toBe("v1");
    await flush();
    clock.now = STALE_FROM + 50;
    cache.invalidate(["world"]);
    renders.finish("v2");
    await flush();
    expect(renders.started()).toBe(2);
    // v2 is kept (newer than v1) but is stale from the second change: serving it starts another render.
    expect(cache.peek("world")).toBe("v2");
    await flush();
    expect(renders.started()).toBe(3);
    renders.finish("v3");
    expect(await cache.get("world", ["world"], renders.produce)).toBe("v3");
  });

  it("serves nothing stale for longer than maxStaleMs after the change", async () => {
    const { cache, clock } = await staleCache();
    clock.now = STALE_FROM + MAX_STALE_MS;
    expect(cache.peek("world")).toBe("v1");
    clock.now = STALE_FROM + MAX_STALE_MS + 1;
    expect(cache.peek("world")).toBeUndefined();
  });

  it("gives `get` what the store holds now: never a stale value, never an overtaken render", async () => {
    const { cache, renders } = await staleCache();
    const first = cache.get("world", ["world"], renders.produce);
    await flush();
    cache.invalidate(["world"]);
    const afterTheChange = cache.get("world", ["world"], renders.produce);
    renders.finish("v2");
    expect(await first).toBe("v2");
    await flush();
    expect(renders.started()).toBe(3);
    renders.finish("v3");
    expect(await afterTheChange).toBe("v3");
  });

  it("does not keep a render that clear() overtook", async () => {
    const cache = createRenderCache<string>({ clock: () => 0 });
    const renders = controlledRenders();
    const pending = cache.get("world", ["world"], renders.produce);
    await flush();
    cache.clear();
    renders.finish("from before the clear");
    expect(await pending).toBe("from before the clear");
    expect(cache.peek("world")).toBeUndefined();
    expect(cache.stats().entries).toBe(0);
  });

  it("serves nothing stale after an invalidation that asks for read after write", async () => {
    const { cache, renders } = await staleCache();
    cache.invalidate(["technology"], { serveStale: false });
    expect(cache.peek("world")).toBe("v1");
    await flush();
    cache.invalidate(["world"], { serveStale: false });
    expect(cache.peek("world")).toBeUndefined();
    // Nor what a render running at that moment produces: it may not hold the change.
    renders.finish("v2");
    await flush();
    expect(cache.peek("world")).toBeUndefined();
    const fresh = cache.get("world", ["world"], renders.produce);
    await flush();
    renders.finish("v3");
    expect(await fresh).toBe("v3");
    expect(cache.peek("world")).toBe("v3");
  });

  it("serves nothing stale without a clock", async () => {
    const cache = createRenderCache<string>();
    await cache.get("world", ["world"], async () => "v1");
    cache.invalidate(["world"]);
    expect(cache.peek("world")).toBeUndefined();
  });
});

/** Lets every pending promise callback and timer-free continuation run. */
function flush(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

describe("createRenderCache byte budget", () => {
  /** A value whose size the test states: `bytes` of buffer (sizeOf counts exactly that). */
  const sized = (bytes: number): Buffer => Buffer.alloc(bytes);
  const sizeOf = (value: Buffer): number => value.byteLength;

  it("keeps the bytes of many distinct variants within the budget, evicting the least recently used first", async () => {
    const cache = createRenderCache<Buffer>({ maxBytes: 10_000, sizeOf });
    for (let i = 0; i < 500; i++) {
      await cache.get(`world.rss?limit=${i + 1}`, ["world"], async () => sized(1_000 + (i % 7) * 100));
      expect(cache.stats().bytes).toBeLessThanOrEqual(10_000);
    }
    expect(cache.stats().entries).toBeLessThan(10);
    expect(cache.stats().evictions).toBeGreaterThan(480);

    const lru = createRenderCache<Buffer>({ maxBytes: 3_000, sizeOf });
    await lru.get("a", ["world"], async () => sized(1_000));
    await lru.get("b", ["world"], async () => sized(1_000));
    await lru.get("c", ["world"], async () => sized(1_000));
    expect(lru.peek("a")).toBeDefined(); // a is now the most recently used; b the least
    await lru.get("d", ["world"], async () => sized(1_000));
    expect(["a", "b", "c", "d"].filter((key) => lru.peek(key) !== undefined)).toEqual(["a", "c", "d"]);
    expect(lru.stats()).toMatchObject({ entries: 3, bytes: 3_000, evictions: 1 });
  });

  it("serves an entry larger than the whole budget but does not keep it", async () => {
    const cache = createRenderCache<Buffer>({ maxBytes: 5_000, sizeOf });
    await cache.get("small", ["world"], async () => sized(1_000));
    const huge = await cache.get("huge", ["world"], async () => sized(6_000));
    expect(huge.byteLength).toBe(6_000);
    expect(cache.peek("huge")).toBeUndefined();
    expect(cache.peek("small")).toBeDefined();
    expect(cache.stats().bytes).toBe(1_000);
  });

  it("counts a rendered feed's buffers by default and evicts down to a smaller budget at once", async () => {
    const cache = createRenderCache<{ identity: Buffer; gzip: Buffer; brotli: Buffer; title: string }>({
      maxBytes: 1_000_000,
    });
    const feed = { identity: sized(30_000), gzip: sized(5_000), brotli: sized(4_000), title: "not counted" };
    await cache.get("one", ["world"], async () => feed);
    await cache.get("two", ["world"], async () => feed);
    expect(cache.stats().bytes).toBe(2 * (39_000 + 2048));
    cache.setLimits({ maxBytes: 50_000 });
    expect(cache.stats()).toMatchObject({ entries: 1, bytes: 39_000 + 2048 });
    expect(cache.peek("two")).toBeDefined();
    cache.clear();
    expect(cache.stats()).toMatchObject({ entries: 0, bytes: 0 });
  });

  it("runs at most maxConcurrentRenders distinct renders at once, the rest in turn", async () => {
    const cache = createRenderCache<string>({ maxConcurrentRenders: 2 });
    let running = 0;
    let mostAtOnce = 0;
    let open = (): void => undefined;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const produce = (key: string) => async (): Promise<string> => {
      running++;
      mostAtOnce = Math.max(mostAtOnce, running);
      await gate;
      running--;
      return key;
    };
    const keys = Array.from({ length: 10 }, (_, i) => `world.json?limit=${i + 1}`);
    const results = Promise.all(keys.map((key) => cache.get(key, ["world"], produce(key))));
    await new Promise((resolve) => setImmediate(resolve));
    expect(running).toBe(2);
    open();
    expect(await results).toEqual(keys);
    expect(mostAtOnce).toBe(2);
    expect(cache.stats().entries).toBe(10);
  });
});
