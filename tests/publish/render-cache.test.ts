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
    await cache.get("world", ["world"], async () => "w");
    await cache.get("tech", ["technology"], async () => "t");
    await cache.get("all", [ANY_CATEGORY_TAG], async () => "a");
    cache.invalidate(["world"]);
    expect(cache.peek("world")).toBeUndefined();
    expect(cache.peek("all")).toBeUndefined();
    expect(cache.peek("tech")).toBe("t");
  });

  it("does not keep a render that a change overtook", async () => {
    const cache = createRenderCache<string>();
    let release = (): void => undefined;
    const pending = cache.get("world", ["world"], () => new Promise<string>((r) => (release = () => r("stale"))));
    cache.invalidate(["world"]);
    release();
    expect(await pending).toBe("stale");
    expect(cache.peek("world")).toBeUndefined();
  });
});

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
    cache.invalidate(["world"]);
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
