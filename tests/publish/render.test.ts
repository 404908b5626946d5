import { describe, expect, it } from "vitest";
import { FEED_FORMATS, type StoredItem } from "../../src/model/index.js";
import { renderAtom } from "../../src/publish/atom.js";
import { renderJsonFeed } from "../../src/publish/json-feed.js";
import { CONTENT_TYPES, RENDERERS } from "../../src/publish/render.js";
import { renderRss } from "../../src/publish/rss.js";
import { channel, emptyChannel, items } from "../fixtures/publish/sample-feed.js";
import { LEAKED_VALUES } from "./feed-rules.js";

/** Freeze a value and everything in it, so a renderer that mutates its input throws. */
function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null) {
    for (const entry of Object.values(value)) deepFreeze(entry);
    Object.freeze(value);
  }
  return value;
}

describe("RENDERERS and CONTENT_TYPES", () => {
  it("map each format to its renderer and its media type", () => {
    expect(RENDERERS).toEqual({ rss: renderRss, atom: renderAtom, json: renderJsonFeed });
    expect(CONTENT_TYPES).toEqual({
      rss: "application/rss+xml; charset=utf-8",
      atom: "application/atom+xml; charset=utf-8",
      json: "application/feed+json; charset=utf-8",
    });
    expect(Object.keys(RENDERERS).sort()).toEqual([...FEED_FORMATS].sort());
    expect(Object.isFrozen(RENDERERS) && Object.isFrozen(CONTENT_TYPES)).toBe(true);
  });

  describe.each(FEED_FORMATS)("%s", (format) => {
    const render = RENDERERS[format];

    it("is deterministic: equal input gives identical bytes, without touching the input", () => {
      const frozenChannel = deepFreeze(structuredClone(channel));
      const frozenItems = deepFreeze(structuredClone(items) as StoredItem[]);
      const first = render(frozenChannel, frozenItems);
      expect(render(structuredClone(channel), structuredClone(items) as StoredItem[])).toBe(first);
      expect(render(channel, items)).toBe(first);
    });

    it("does not depend on the clock", () => {
      const realNow = Date.now;
      const first = render(emptyChannel, []);
      Date.now = () => realNow() + 365 * 24 * 3_600_000;
      try {
        expect(render(emptyChannel, [])).toBe(first);
        expect(render(channel, items)).toBe(render(channel, items));
      } finally {
        Date.now = realNow;
      }
    });

    it("leaks no undefined, null or NaN, full or empty", () => {
      expect(render(channel, items)).not.toMatch(LEAKED_VALUES);
      expect(render(emptyChannel, [])).not.toMatch(LEAKED_VALUES);
    });

    it("keeps non-ASCII text as UTF-8 characters", () => {
      const out = render(channel, items);
      expect(out).toContain("مرحبا 😀");
      expect(out).toContain("Économie");
    });
  });
});
