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
    const results = await Promise.all([cache.get("k", ["world"], produce), cache.get("k", ["world"], produce), cache.get("k", ["world"], produce)]);
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
