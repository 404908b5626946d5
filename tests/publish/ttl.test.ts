import { describe, expect, it } from "vitest";
import type { Source } from "../../src/model/index.js";
import { createTtlMinutes, ttlMinutes } from "../../src/publish/ttl.js";

function source(schedule: Source["schedule"], enabled = true): Source {
  return {
    id: "s",
    kind: "feed",
    url: "https://example.org/feed",
    schedule,
    categories: [],
    enabled,
    retention: { maxItemsPerSource: 100, maxAgeMs: 1e12 },
  };
}

describe("RSS <ttl> minutes", () => {
  it("is the shortest interval among enabled sources, a cron schedule counting as 15 minutes", () => {
    expect(ttlMinutes([source({ every: 30 * 60_000 }), source({ every: 10 * 60_000 })])).toBe(10);
    expect(ttlMinutes([source({ every: 30 * 60_000 }), source({ cron: "0 * * * *" })])).toBe(15);
    expect(ttlMinutes([source({ every: 30 * 60_000 }), source({ every: 60_000 }, false)])).toBe(30);
  });

  it("is at least one whole minute, and absent without an enabled source", () => {
    expect(ttlMinutes([source({ every: 10_000 })])).toBe(1);
    expect(ttlMinutes([source({ every: 60_000 }, false)])).toBeUndefined();
    expect(ttlMinutes([])).toBeUndefined();
  });
});

describe("createTtlMinutes (remembered per sources list)", () => {
  it("computes once per list, and again for a reloaded one", () => {
    const ttl = createTtlMinutes();
    const first = [source({ every: 30 * 60_000 })];
    expect(ttl(first)).toBe(30);
    // The same list object is a config not reloaded: its answer holds.
    first.push(source({ every: 5 * 60_000 }));
    expect(ttl(first)).toBe(30);
    expect(ttl([...first])).toBe(5);
  });
});
