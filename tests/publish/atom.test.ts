import Parser from "rss-parser";
import { describe, expect, it } from "vitest";
import type { StoredItem } from "../../src/model/index.js";
import { renderAtom } from "../../src/publish/atom.js";
import { channel, emptyChannel, items } from "../fixtures/publish/sample-feed.js";
import { atomProblems } from "./feed-validators.js";
import {
  ATOM_ID,
  ATOM_NS,
  LEAKED_VALUES,
  RFC3339,
  attr,
  childText,
  children,
  only,
  parseWellFormed,
  text,
  type XNode,
} from "./feed-rules.js";

function feedOf(xml: string): XNode {
  const feed = only(parseWellFormed(xml), "feed");
  expect(attr(feed, "xmlns")).toBe(ATOM_NS);
  return feed;
}

function entries(xml: string): XNode[] {
  return children(feedOf(xml), "entry");
}

/** The entry at the same position as the input item (entries keep the input order). */
function entryFor(xml: string, id: string): XNode {
  const index = items.findIndex((item) => item.id === id);
  const entry = entries(xml)[index];
  if (entry === undefined) throw new Error(`no entry for ${id}`);
  return entry;
}

function linksOf(node: XNode): Array<[string | undefined, string | undefined, string | undefined]> {
  return children(node, "link").map((link) => [attr(link, "rel"), attr(link, "href"), attr(link, "type")]);
}

describe("renderAtom", () => {
  const xml = renderAtom(channel, items);

  it("passes every RFC 4287 rule with zero problems, full and empty", () => {
    expect(atomProblems(xml, { selfUrl: channel.selfUrl })).toEqual([]);
    expect(atomProblems(renderAtom(emptyChannel, []), { selfUrl: emptyChannel.selfUrl })).toEqual([]);
  });

  it("writes the required feed elements in the Atom namespace", () => {
    const feed = feedOf(xml);
    expect(childText(feed, "id")).toBe(channel.id);
    expect(childText(feed, "id")).toMatch(ATOM_ID);
    expect(childText(feed, "title")).toBe(channel.title);
    expect(attr(only(feed, "title"), "type")).toBe("text");
    expect(childText(feed, "subtitle")).toBe(channel.description);
    expect(childText(feed, "updated")).toBe("2024-03-05T13:00:00.123Z");
    expect(childText(feed, "generator")).toBe(channel.generator);
    expect(attr(feed, "xml:lang")).toBe("fr");
    expect(children(feed, "category").map((category) => attr(category, "term"))).toEqual(["morocco-economy"]);
  });

  it("links self (application/atom+xml), alternate (text/html), every hub and the RFC 5005 paging links", () => {
    expect(linksOf(feedOf(xml))).toEqual([
      ["self", channel.selfUrl, "application/atom+xml"],
      ["alternate", channel.homePageUrl, "text/html"],
      ["hub", "https://hub.example.net/", undefined],
      ["hub", "https://websub.example.com/hub?topic=a&mode=b", undefined],
      ["first", channel.paging?.first, undefined],
      ["previous", channel.paging?.previous, undefined],
      ["next", channel.paging?.next, undefined],
      ["current", channel.paging?.current, undefined],
    ]);
  });

  it("always has a feed author, so every entry has an author (RFC 4287 §4.1.1)", () => {
    const author = only(feedOf(xml), "author");
    expect(childText(author, "name")).toBe(channel.title);
    expect(childText(author, "uri")).toBe(channel.homePageUrl);
    const empty = feedOf(renderAtom(emptyChannel, []));
    expect(childText(only(empty, "author"), "name")).toBe("Technology");
  });

  it("gives every entry a unique absolute-IRI id: kept when the item id is one, derived otherwise", () => {
    const ids = entries(xml).map((entry) => childText(entry, "id") ?? "");
    for (const id of ids) expect(id).toMatch(ATOM_ID);
    expect(new Set(ids).size).toBe(items.length);
    expect(childText(entryFor(xml, "urn:uuid:6f1c2b9e-3d4a-4e8b-9c0d-1a2b3c4d5e6f"), "id")).toBe(
      "urn:uuid:6f1c2b9e-3d4a-4e8b-9c0d-1a2b3c4d5e6f",
    );
    expect(childText(entryFor(xml, "https://lematin.example.ma/?p=991"), "id")).toBe(
      "https://lematin.example.ma/?p=991",
    );
    const numeric = childText(entryFor(xml, "4711"), "id");
    const hashed = childText(entryFor(xml, "sha256:9b74c9897bac770ffc029102a200c5de"), "id");
    for (const derived of [numeric, hashed])
      expect(derived).toMatch(/^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it("derives the same id for the same item in any feed, and different ids for the same bare guid from two sources", () => {
    const item = items[1] as StoredItem;
    const alone = childText(only(feedOf(renderAtom(emptyChannel, [item])), "entry"), "id");
    expect(alone).toBe(childText(entryFor(xml, item.id), "id"));
    const otherSource = { ...item, sourceId: "another-source" };
    const pair = feedOf(renderAtom(channel, [item, otherSource]));
    const [first, second] = children(pair, "entry").map((entry) => childText(entry, "id"));
    expect(first).not.toBe(second);
  });

  it("writes text titles, RFC 3339 updated and published dates matching the input", () => {
    for (const [index, entry] of entries(xml).entries()) {
      const input = items[index] as StoredItem;
      expect(childText(entry, "title")).toBe(input.title);
      expect(attr(only(entry, "title"), "type")).toBe("text");
      expect(childText(entry, "updated")).toMatch(RFC3339);
      expect(childText(entry, "published")).toMatch(RFC3339);
      expect(Date.parse(childText(entry, "updated") ?? "")).toBe(input.updated);
      expect(Date.parse(childText(entry, "published") ?? "")).toBe(input.published);
    }
  });

  it("gives every category a term (the `feed` package omits it)", () => {
    const categories = [feedOf(xml), ...entries(xml)].flatMap((node) => children(node, "category"));
    expect(categories.length).toBeGreaterThan(items.length);
    for (const category of categories) expect(attr(category, "term")).toMatch(/\S/);
    const terms = children(entryFor(xml, "https://walaw.example.ma/eco/bank-al-maghrib?id=42&lang=fr"), "category").map(
      (category) => attr(category, "term"),
    );
    expect(terms).toEqual(["morocco-economy", "Économie", "Banks & Finance"]);
  });

  it("writes entry authors with name, email and uri, and none for an author without a name", () => {
    const two = children(entryFor(xml, "4712"), "author");
    expect(
      two.map((author) => [childText(author, "name"), childText(author, "email"), childText(author, "uri")]),
    ).toEqual([
      ["Nadia Alaoui", "n.alaoui@lematin.example.ma", "https://lematin.example.ma/auteurs/nadia"],
      ["Youssef Amrani", undefined, undefined],
    ]);
    expect(children(entryFor(xml, "https://lematin.example.ma/?p=991"), "author")).toHaveLength(0);
    expect(children(entryFor(xml, "urn:uuid:6f1c2b9e-3d4a-4e8b-9c0d-1a2b3c4d5e6f"), "author")).toHaveLength(0);
  });

  it("writes HTML as content type=html (two ]]> intact), summaries as text, and enclosures as links", () => {
    const first = items[0] as StoredItem;
    const entry = entryFor(xml, first.id);
    expect(attr(only(entry, "content"), "type")).toBe("html");
    expect(childText(entry, "content")).toBe(first.contentHtml);
    expect(attr(only(entry, "summary"), "type")).toBe("text");
    expect(childText(entry, "summary")).toBe(first.summary);
    expect(linksOf(entry)).toEqual([
      ["alternate", first.url, "text/html"],
      ["enclosure", "https://cdn.walaw.example.ma/img/bam.jpg?w=800&h=600", "image/jpeg"],
    ]);
    expect(attr(children(entry, "link")[1] as XNode, "length")).toBe("48213");
    expect(xml).not.toContain("<![CDATA[");
  });

  it("gives an entry with no link a text content, as RFC 4287 §4.1.1 requires", () => {
    for (const entry of entries(xml)) {
      const hasAlternate = children(entry, "link").some((link) => attr(link, "rel") === "alternate");
      expect(hasAlternate || children(entry, "content").length === 1).toBe(true);
    }
    const ticker = entryFor(xml, "urn:uuid:6f1c2b9e-3d4a-4e8b-9c0d-1a2b3c4d5e6f");
    expect(attr(only(ticker, "content"), "type")).toBe("text");
    expect(text(only(ticker, "content"))).toBe(items[2]?.title);
    expect(childText(entryFor(xml, "sha256:9b74c9897bac770ffc029102a200c5de"), "content")).toBe(items[3]?.summary);
  });

  it("leaks no undefined, null or NaN and never writes an empty id", () => {
    expect(xml).not.toMatch(LEAKED_VALUES);
    expect(xml).not.toContain("<id></id>");
    expect(xml).not.toContain("<id/>");
  });

  it("reads back through rss-parser item by item", async () => {
    const feed = await new Parser().parseString(xml);
    expect(feed.title).toBe(channel.title);
    expect(feed.feedUrl).toBe(channel.selfUrl);
    expect(feed.link).toBe(channel.homePageUrl);
    expect(feed.items).toHaveLength(items.length);
    const ids = entries(xml).map((entry) => childText(entry, "id"));
    for (const [index, parsed] of feed.items.entries()) {
      const input = items[index] as StoredItem;
      expect((parsed as { id?: string }).id).toBe(ids[index]);
      expect(parsed.title).toBe(input.title);
      expect(parsed.link).toBe(input.url);
      expect(parsed.isoDate).toBe(new Date(input.published).toISOString());
    }
  });

  it("dates an empty feed at the Unix epoch, identically on every render, never now", () => {
    const once = renderAtom(emptyChannel, []);
    const feed = feedOf(once);
    expect(childText(feed, "updated")).toBe("1970-01-01T00:00:00Z");
    expect(children(feed, "entry")).toHaveLength(0);
    expect(children(feed, "subtitle")).toHaveLength(0);
    expect(renderAtom(emptyChannel, [])).toBe(once);
  });

  it("falls back to the newest entry date when the channel has no updated date", () => {
    expect(childText(feedOf(renderAtom({ ...channel, updated: undefined }, items)), "updated")).toBe(
      "2024-03-05T13:00:00.123Z",
    );
  });

  it("derives an IRI feed id when the channel id is not one", () => {
    expect(childText(feedOf(renderAtom({ ...channel, id: "morocco-economy" }, items)), "id")).toMatch(/^urn:uuid:/);
  });
});
