import { describe, expect, it } from "vitest";
import type { ClassifiedItem, ItemKind } from "../../src/model/index.js";
import { contentHash } from "../../src/store/rows/content-hash.js";
import { itemContentParams } from "../../src/store/rows/item-row.js";
import {
  contributionSlugs,
  newStoryMembers,
  planCategories,
  planRun,
  WritePlan,
  type KnownItem,
} from "../../src/store/rows/item-plan.js";
import { StoreError } from "../../src/store/store-error.js";
import { makeItem } from "./store-contract.js";

const NOW = 5_000_000;

/** The stored state of `item` as a store would load it: owned by its source, with these contributions. */
function known(
  item: ClassifiedItem,
  contributions: Record<string, readonly string[]>,
  overrides: { published?: number; kind?: ItemKind; contentHash?: string } = {},
): KnownItem {
  const map = new Map(Object.entries(contributions));
  return {
    sourceId: item.sourceId,
    published: overrides.published ?? 1_000,
    contentHash: overrides.contentHash ?? contentHash(item),
    kind: overrides.kind ?? item.kind,
    contributions: map,
    slugs: [...new Set([...map.values()].flat())].sort(),
  };
}

/** Everything a write plan holds, for one assertion on the whole of it. */
function recorded(writes: WritePlan): Record<string, unknown> {
  return {
    inserts: writes.inserts().map((row) => row.id),
    contentUpdates: writes.contentUpdates().map((row) => row.id),
    touches: writes.touches(),
    contributions: writes.contributions(),
    slugReplacements: writes.slugReplacements(),
    aliases: writes.aliases(),
    departures: writes.departures(),
  };
}

describe("the run plan", () => {
  it("inserts a new item with its contribution, its categories dated by when first seen, and its aliases", () => {
    const item = makeItem("urn:new", {
      categories: ["world", "technology", "world"],
      aliases: ["https://example.org/list/new", "urn:new"],
    });
    const { plan, writes } = planRun([item], new Map(), NOW);
    expect(plan).toEqual({
      inserted: ["urn:new"],
      updated: [],
      unchanged: 0,
      changedCategories: new Set(["technology", "world"]),
    });
    expect(writes.inserts()).toEqual([
      expect.objectContaining({ id: "urn:new", published: NOW, updated: NOW, content_hash: contentHash(item) }),
    ]);
    expect(recorded(writes)).toMatchObject({
      contentUpdates: [],
      touches: [],
      contributions: [{ itemId: "urn:new", sourceId: "walaw-world", categories: ["technology", "world"] }],
      slugReplacements: [{ itemId: "urn:new", slugs: ["technology", "world"], published: NOW }],
      aliases: [{ alias: "https://example.org/list/new", itemId: "urn:new" }],
      departures: [],
    });
  });

  it("leaves an item unchanged when neither its content nor its source's classification changed", () => {
    const item = makeItem("urn:same", { categories: ["world"] });
    const stored = known(item, { "walaw-world": ["world"] });
    const { plan, writes } = planRun([item], new Map([[item.id, stored]]), NOW);
    expect(plan).toEqual({ inserted: [], updated: [], unchanged: 1, changedCategories: new Set() });
    expect(recorded(writes)).toEqual({
      inserts: [],
      contentUpdates: [],
      touches: [],
      contributions: [],
      slugReplacements: [],
      aliases: [],
      departures: [],
    });
  });

  it("adds a second source's classification to the item's categories, without touching its content", () => {
    const owned = makeItem("urn:shared", { sourceId: "walaw-world", categories: ["world"] });
    const stored = known(owned, { "walaw-world": ["world"] });
    const copy = makeItem("urn:shared", {
      sourceId: "tech-feed",
      summary: "Their own summary",
      categories: ["technology"],
    });
    const { plan, writes } = planRun([copy], new Map([[copy.id, stored]]), NOW);
    expect(plan).toEqual({
      inserted: [],
      updated: ["urn:shared"],
      unchanged: 0,
      changedCategories: new Set(["technology", "world"]),
    });
    expect(recorded(writes)).toEqual({
      inserts: [],
      contentUpdates: [],
      touches: ["urn:shared"],
      contributions: [{ itemId: "urn:shared", sourceId: "tech-feed", categories: ["technology"] }],
      slugReplacements: [{ itemId: "urn:shared", slugs: ["technology", "world"], published: 1_000 }],
      aliases: [],
      departures: [],
    });
    expect(stored.slugs).toEqual(["technology", "world"]);
  });

  it("replaces only that source's own contribution, recording the feeds the item left with its stored kind", () => {
    const item = makeItem("urn:both", { sourceId: "tech-feed", kind: "article", categories: ["morocco-economy"] });
    const stored = known(
      item,
      { "walaw-world": ["world"], "tech-feed": ["technology", "world"] },
      { kind: "ticker", published: 2_000 },
    );
    const { plan, writes } = planRun([item], new Map([[item.id, stored]]), NOW);
    expect(plan.changedCategories).toEqual(new Set(["morocco-economy", "technology", "world"]));
    expect(recorded(writes)).toMatchObject({
      contributions: [{ itemId: "urn:both", sourceId: "tech-feed", categories: ["morocco-economy"] }],
      slugReplacements: [{ itemId: "urn:both", slugs: ["morocco-economy", "world"], published: 2_000 }],
      departures: [{ slug: "technology", kind: "ticker" }],
    });
  });

  it("saves a changed contribution without rewriting the categories when the union stays the same", () => {
    const item = makeItem("urn:covered", { sourceId: "tech-feed", categories: ["world"] });
    const stored = known(item, { "walaw-world": ["world"], "tech-feed": ["technology", "world"] });
    stored.contributions.set("walaw-world", ["technology", "world"]);
    const { plan, writes } = planRun([item], new Map([[item.id, stored]]), NOW);
    expect(plan.unchanged).toBe(1);
    expect(recorded(writes)).toMatchObject({
      contributions: [{ itemId: "urn:covered", sourceId: "tech-feed", categories: ["world"] }],
      slugReplacements: [],
      departures: [],
      touches: [],
    });
  });

  it("rewrites content only for the owning source, keeping its published date", () => {
    const item = makeItem("urn:edited", { summary: "Corrected", updated: 1_500, categories: ["world"] });
    const stored = known(item, { "walaw-world": ["world"] }, { contentHash: "old", published: 3_000 });
    const { plan, writes } = planRun([item], new Map([[item.id, stored]]), NOW);
    expect(plan).toEqual({
      inserted: [],
      updated: ["urn:edited"],
      unchanged: 0,
      changedCategories: new Set(["world"]),
    });
    // `updated` never goes before the kept `published`.
    expect(writes.contentUpdates()).toEqual([
      expect.objectContaining({ id: "urn:edited", summary: "Corrected", updated: 3_000 }),
    ]);
    expect(writes.touches()).toEqual([]);

    const other = makeItem("urn:edited", { sourceId: "tech-feed", summary: "Theirs", categories: [] });
    const notOwner = planRun([other], new Map([["urn:edited", known(item, { "walaw-world": ["world"] })]]), NOW);
    expect(notOwner.plan.unchanged).toBe(1);
    expect(notOwner.writes.contentUpdates()).toEqual([]);
  });
});

describe("the categories plan (reclassification)", () => {
  it("applies the owner's classification, skips pruned ids, and follows repeated ids in order", () => {
    const item = makeItem("urn:a", { categories: ["world"] });
    const stored = known(item, { "walaw-world": ["world"], "tech-feed": ["technology"] }, { kind: "ticker" });
    const { writes, changedIds, changedCategories } = planCategories(
      [
        { id: "urn:gone", categories: ["world"] },
        { id: "urn:a", categories: ["morocco-economy", "morocco-economy"] },
        { id: "urn:a", categories: [] },
      ],
      new Map([["urn:a", stored]]),
    );
    expect(changedIds).toEqual(["urn:a", "urn:a"]);
    expect(changedCategories).toEqual(new Set(["morocco-economy", "technology", "world"]));
    expect(recorded(writes)).toEqual({
      inserts: [],
      contentUpdates: [],
      touches: ["urn:a"],
      contributions: [{ itemId: "urn:a", sourceId: "walaw-world", categories: [] }],
      slugReplacements: [{ itemId: "urn:a", slugs: ["technology"], published: 1_000 }],
      aliases: [],
      departures: [
        { slug: "world", kind: "ticker" },
        { slug: "morocco-economy", kind: "ticker" },
      ],
    });
  });

  it("changes nothing when the owner's classification is the same", () => {
    const item = makeItem("urn:a", { categories: ["world"] });
    const { writes, changedIds } = planCategories(
      [{ id: "urn:a", categories: ["world"] }],
      new Map([["urn:a", known(item, { "walaw-world": ["world"] })]]),
    );
    expect(changedIds).toEqual([]);
    expect(writes.contributions()).toEqual([]);
  });
});

describe("the write plan", () => {
  it("keeps one write per key (the last) and never touches an item whose content it rewrites", () => {
    const writes = new WritePlan();
    const item = makeItem("urn:x");
    writes.touch("urn:x");
    writes.touch("urn:y");
    writes.updateContent({ ...itemContentParams(item, contentHash(item)), updated: NOW });
    writes.saveContribution("urn:x", "s", ["a"]);
    writes.saveContribution("urn:x", "s", ["b"]);
    writes.saveAlias("https://example.org/a", "urn:x");
    writes.saveAlias("https://example.org/a", "urn:y");
    writes.recordDeparture("world", "article");
    writes.recordDeparture("world", "article");
    writes.recordDeparture("world", "ticker");
    expect(writes.touches()).toEqual(["urn:y"]);
    expect(writes.contributions()).toEqual([{ itemId: "urn:x", sourceId: "s", categories: ["b"] }]);
    expect(writes.aliases()).toEqual([{ alias: "https://example.org/a", itemId: "urn:y" }]);
    expect(writes.departures()).toEqual([
      { slug: "world", kind: "article" },
      { slug: "world", kind: "ticker" },
    ]);
  });
});

describe("new story members", () => {
  it("are the inserted items in run order, an undated one dated by now", () => {
    const items = [
      makeItem("urn:1", { published: 10, aliases: ["urn:1", "https://example.org/one"] }),
      makeItem("urn:2", { published: 20 }),
      makeItem("urn:3"),
    ];
    expect(newStoryMembers(items, ["urn:3", "urn:1"], NOW)).toEqual([
      {
        id: "urn:1",
        url: items[0]?.url,
        aliases: ["https://example.org/one"],
        title: "Story urn:1",
        published: 10,
        sourceId: "walaw-world",
      },
      { id: "urn:3", url: items[2]?.url, aliases: [], title: "Story urn:3", published: NOW, sourceId: "walaw-world" },
    ]);
  });
});

describe("a stored contribution", () => {
  it("reads as sorted unique slugs, and an unreadable one names its item", () => {
    expect(contributionSlugs("urn:a", ["world", "technology", "world"])).toEqual(["technology", "world"]);
    expect(() => contributionSlugs("urn:a", { world: true })).toThrow(
      new StoreError('store: item "urn:a" has an unreadable item_sources.categories column'),
    );
  });
});
