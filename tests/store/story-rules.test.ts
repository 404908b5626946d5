import { describe, expect, it } from "vitest";
import { assignStories } from "../../src/store/stories/story-assignment.js";
import { storyKey, storyKeysOf } from "../../src/store/stories/story-key.js";
import { bestMember, nextStoryState, type StoryMember } from "../../src/store/stories/story-state.js";

const member = (id: string, overrides: Partial<StoryMember> = {}): StoryMember => ({
  id,
  kind: "article",
  hasBody: false,
  published: 1_000,
  updated: 1_000,
  firstSeen: 2_000,
  changedAt: 2_000,
  ...overrides,
});

describe("story keys", () => {
  it("drop the fragment and click-tracking parameters, and nothing else", () => {
    expect(storyKey("https://example.org/a?utm_source=x&id=7&fbclid=y#top")).toBe("https://example.org/a?id=7");
    expect(storyKey("https://example.org/a?page=2")).toBe("https://example.org/a?page=2");
    expect(storyKey("not a url")).toBeUndefined();
  });

  it("come from the URL and the aliases, each once; no URL, no key", () => {
    expect(storyKeysOf("https://example.org/a#x", ["https://example.org/a", "https://example.org/list/a"])).toEqual([
      "https://example.org/a",
      "https://example.org/list/a",
    ]);
    expect(storyKeysOf(undefined)).toEqual([]);
  });
});

describe("story assignment", () => {
  it("joins the story holding a key, else starts one under the item's id; one batch shares keys", () => {
    const known = new Map([["https://example.org/a", "urn:first"]]);
    const { storyOf, newKeys } = assignStories(
      [
        { id: "https://example.org/a", keys: ["https://example.org/a", "https://example.org/alias"] },
        { id: "urn:b", keys: ["https://example.org/b"] },
        { id: "urn:b2", keys: ["https://example.org/b"] },
        { id: "urn:none", keys: [] },
      ],
      known,
    );
    expect(Object.fromEntries(storyOf)).toEqual({
      "https://example.org/a": "urn:first",
      "urn:b": "urn:b",
      "urn:b2": "urn:b",
      "urn:none": "urn:none",
    });
    expect(Object.fromEntries(newKeys)).toEqual({
      "https://example.org/alias": "urn:first",
      "https://example.org/b": "urn:b",
    });
  });
});

describe("story state", () => {
  it("shows an article over a ticker line, one with a body over one without, then the first stored", () => {
    expect(bestMember([member("t", { kind: "ticker", hasBody: true }), member("a")])?.id).toBe("a");
    expect(bestMember([member("a"), member("b", { hasBody: true })])?.id).toBe("b");
    expect(bestMember([member("b", { firstSeen: 3_000 }), member("c")])?.id).toBe("c");
  });

  it("keeps the story's id and date when the article replaces the ticker line, and shows it updated now", () => {
    const line = member("urn:line", {
      kind: "ticker",
      published: 5_000,
      updated: 5_000,
      firstSeen: 6_000,
      changedAt: 6_000,
    });
    const created = nextStoryState("urn:line", undefined, [line], ["world"], 6_000);
    expect(created.next).toMatchObject({
      id: "urn:line",
      itemId: "urn:line",
      published: 5_000,
      updated: 5_000,
      changedAt: 6_000,
      hasArticle: false,
    });

    const page = member("https://example.org/a", {
      hasBody: true,
      published: 4_000,
      updated: 4_000,
      firstSeen: 9_000,
      changedAt: 9_000,
    });
    const joined = nextStoryState("urn:line", created.next, [line, page], ["technology", "world"], 9_000);
    expect(joined).toMatchObject({ changed: true, changedSlugs: ["technology", "world"], departures: [] });
    expect(joined.next).toMatchObject({
      id: "urn:line",
      itemId: page.id,
      published: 5_000,
      updated: 9_000,
      changedAt: 9_000,
      hasArticle: true,
    });

    // Nothing shown changed: no write, no new change time.
    expect(nextStoryState("urn:line", joined.next, [line, page], ["technology", "world"], 12_000)).toMatchObject({
      changed: false,
      changedSlugs: [],
    });
  });

  it("records departures for the categories a story leaves, and for every article feed when it loses its last article", () => {
    const line = member("urn:line", { kind: "ticker" });
    const page = member("https://example.org/a", { hasBody: true });
    const both = nextStoryState("urn:line", undefined, [line, page], ["technology", "world"], 2_000).next;
    const lost = nextStoryState("urn:line", both, [line], ["world"], 7_000);
    expect(lost.departures).toEqual([
      { slug: "technology", kind: "article" },
      { slug: "world", kind: "article" },
      { slug: "*", kind: "article" },
    ]);
    const gone = nextStoryState("urn:line", lost.next, [], [], 8_000);
    expect(gone).toMatchObject({ next: undefined, changed: true, changedSlugs: ["world"] });
    expect(gone.departures).toEqual([
      { slug: "world", kind: "ticker" },
      { slug: "*", kind: "ticker" },
    ]);
  });
});
