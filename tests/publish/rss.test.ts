import Parser from "rss-parser";
import { describe, expect, it } from "vitest";
import type { StoredItem } from "../../src/model/index.js";
import { renderRss } from "../../src/publish/rss.js";
import { channel, emptyChannel, items } from "../fixtures/publish/sample-feed.js";
import { rssProblems } from "./feed-validators.js";
import {
  ATOM_NS,
  DC_NS,
  LEAKED_VALUES,
  RFC822,
  attr,
  childText,
  children,
  only,
  parseWellFormed,
  text,
  type XNode,
} from "./feed-rules.js";

function channelOf(xml: string): XNode {
  const rss = only(parseWellFormed(xml), "rss");
  return only(rss, "channel");
}

function itemById(channelNode: XNode, id: string): XNode {
  const found = children(channelNode, "item").find((node) => childText(node, "guid") === id);
  if (found === undefined) throw new Error(`no item with guid ${id}`);
  return found;
}

function sample(id: string): StoredItem {
  const found = items.find((item) => item.id === id);
  if (found === undefined) throw new Error(`fixture has no item ${id}`);
  return found;
}

describe("renderRss", () => {
  const xml = renderRss(channel, items);

  it("passes every W3C / RSS Advisory Board rule with zero problems, full and empty", () => {
    expect(rssProblems(xml, { selfUrl: channel.selfUrl })).toEqual([]);
    expect(rssProblems(renderRss(emptyChannel, []), { selfUrl: emptyChannel.selfUrl })).toEqual([]);
  });

  it("writes a well-formed RSS 2.0 document declaring the atom and dc namespaces it uses", () => {
    const rss = only(parseWellFormed(xml), "rss");
    expect(attr(rss, "version")).toBe("2.0");
    expect(attr(rss, "xmlns:atom")).toBe(ATOM_NS);
    expect(attr(rss, "xmlns:dc")).toBe(DC_NS);
    expect(xml.startsWith('<?xml version="1.0" encoding="utf-8"?>\n')).toBe(true);
  });

  it("writes the required channel elements and the optional ones the channel has", () => {
    const node = channelOf(xml);
    expect(childText(node, "title")).toBe(channel.title);
    expect(childText(node, "link")).toBe(channel.homePageUrl);
    expect(childText(node, "description")).toBe(channel.description);
    expect(childText(node, "language")).toBe("fr");
    expect(childText(node, "generator")).toBe(channel.generator);
    expect(childText(node, "ttl")).toBe("15");
    expect(childText(node, "lastBuildDate")).toMatch(RFC822);
    expect(childText(node, "lastBuildDate")).toBe("Tue, 05 Mar 2024 13:00:00 GMT");
    expect(children(node, "category").map(text)).toEqual(["morocco-economy"]);
  });

  it("puts atom:link rel=self first with the served URL, then one rel=hub per hub and the RFC 5005 paging links", () => {
    const links = children(channelOf(xml), "atom:link").map((link) => [
      attr(link, "rel"),
      attr(link, "href"),
      attr(link, "type"),
    ]);
    expect(links).toEqual([
      ["self", channel.selfUrl, "application/rss+xml"],
      ["hub", "https://hub.example.net/", undefined],
      ["hub", "https://websub.example.com/hub?topic=a&mode=b", undefined],
      ["first", channel.paging?.first, undefined],
      ["previous", channel.paging?.previous, undefined],
      ["next", channel.paging?.next, undefined],
      ["current", channel.paging?.current, undefined],
    ]);
    // Only the atom: prefix, bound to the Atom namespace, ever names a link inside the channel.
    expect(xml).not.toMatch(/<link [^>]*href=/);
  });

  it("writes one item per input item, in order, with guid, title and RFC 822 pubDate", () => {
    const nodes = children(channelOf(xml), "item");
    expect(nodes.map((node) => childText(node, "guid"))).toEqual(items.map((item) => item.id));
    for (const [index, node] of nodes.entries()) {
      const input = items[index] as StoredItem;
      expect(childText(node, "title")).toBe(input.title);
      expect(childText(node, "pubDate")).toMatch(RFC822);
      expect(Date.parse(childText(node, "pubDate") ?? "")).toBe(Math.floor(input.published / 1000) * 1000);
    }
  });

  it("says isPermaLink=true only when the guid is the item's own URL", () => {
    for (const node of children(channelOf(xml), "item")) {
      const guid = only(node, "guid");
      const link = childText(node, "link");
      expect(attr(guid, "isPermaLink"), text(guid)).toBe(link !== undefined && text(guid) === link ? "true" : "false");
    }
    const node = channelOf(xml);
    expect(
      attr(
        only(itemById(node, sample("https://walaw.example.ma/eco/bank-al-maghrib?id=42&lang=fr").id), "guid"),
        "isPermaLink",
      ),
    ).toBe("true");
    // A URL-shaped id that is not the item's link is still not a permalink.
    expect(attr(only(itemById(node, "https://lematin.example.ma/?p=991"), "guid"), "isPermaLink")).toBe("false");
    expect(attr(only(itemById(node, "4711"), "guid"), "isPermaLink")).toBe("false");
  });

  it("writes <link> only for items that have a URL, never a placeholder", () => {
    const node = channelOf(xml);
    expect(children(itemById(node, "urn:uuid:6f1c2b9e-3d4a-4e8b-9c0d-1a2b3c4d5e6f"), "link")).toHaveLength(0);
    expect(childText(itemById(node, "4711"), "link")).toBe("https://walaw.example.ma/eco/exports-2024");
  });

  it("carries HTML with two ]]> and & in URLs as escaped text that decodes to the input exactly", () => {
    // Regression: the `feed` package wraps content in one CDATA section, which a second `]]>` breaks.
    const first = sample("https://walaw.example.ma/eco/bank-al-maghrib?id=42&lang=fr");
    expect(xml).not.toContain("<![CDATA[");
    expect(childText(itemById(channelOf(xml), first.id), "description")).toBe(first.contentHtml);
    expect(childText(itemById(channelOf(xml), "4711"), "description")).toBe(sample("4711").summary);
  });

  it('escapes a plain-text summary as HTML in <description>, so "a<b and c>d" and a literal <script> stay text', () => {
    const { contentHtml: _withoutHtml, ...second } = items[1] as StoredItem;
    const summaryOnly: StoredItem = {
      ...second,
      summary: "Use a<b and c>d & <script>x()</script>",
    };
    const out = renderRss(channel, [summaryOnly]);
    expect(childText(only(channelOf(out), "item"), "description")).toBe(
      "Use a&lt;b and c&gt;d &amp; &lt;script&gt;x()&lt;/script&gt;",
    );
    expect(rssProblems(out, { selfUrl: channel.selfUrl })).toEqual([]);
  });

  it("uses <author> only for a single author with an email, dc:creator for names, never both", () => {
    const node = channelOf(xml);
    const withEmail = itemById(node, "https://walaw.example.ma/eco/bank-al-maghrib?id=42&lang=fr");
    expect(childText(withEmail, "author")).toBe("samira@walaw.example.ma (Samira El Idrissi)");
    expect(children(withEmail, "dc:creator")).toHaveLength(0);
    const nameOnly = itemById(node, "4711");
    expect(children(nameOnly, "author")).toHaveLength(0);
    expect(children(nameOnly, "dc:creator").map(text)).toEqual(["Karim Benali"]);
    const twoAuthors = itemById(node, "4712");
    expect(children(twoAuthors, "author")).toHaveLength(0);
    expect(children(twoAuthors, "dc:creator").map(text)).toEqual(["Nadia Alaoui", "Youssef Amrani"]);
    expect(childText(itemById(node, "https://lematin.example.ma/?p=991"), "author")).toBe("desk@lematin.example.ma");
    const noAuthor = itemById(node, "urn:uuid:6f1c2b9e-3d4a-4e8b-9c0d-1a2b3c4d5e6f");
    expect(children(noAuthor, "author").length + children(noAuthor, "dc:creator").length).toBe(0);
    // Every RSS <author> must start with an email address.
    for (const item of children(node, "item")) {
      for (const author of children(item, "author"))
        expect(text(author)).toMatch(/^[^\s@]+@[^\s@]+\.[^\s@]+( \(.+\))?$/);
    }
  });

  it("writes our category slugs, then upstream tags, without case-insensitive duplicates", () => {
    const node = itemById(channelOf(xml), "https://walaw.example.ma/eco/bank-al-maghrib?id=42&lang=fr");
    expect(children(node, "category").map(text)).toEqual(["morocco-economy", "Économie", "Banks & Finance"]);
  });

  it("writes one enclosure with url, type and length, 0 when the size is unknown", () => {
    const node = channelOf(xml);
    const known = only(itemById(node, "https://walaw.example.ma/eco/bank-al-maghrib?id=42&lang=fr"), "enclosure");
    expect([attr(known, "url"), attr(known, "type"), attr(known, "length")]).toEqual([
      "https://cdn.walaw.example.ma/img/bam.jpg?w=800&h=600",
      "image/jpeg",
      "48213",
    ]);
    expect(attr(only(itemById(node, "4712"), "enclosure"), "length")).toBe("0");
  });

  it("leaks no undefined, null or NaN", () => {
    expect(xml).not.toMatch(LEAKED_VALUES);
  });

  it("reads back through rss-parser item by item", async () => {
    const feed = await new Parser().parseString(xml);
    expect(feed.title).toBe(channel.title);
    expect(feed.feedUrl).toBe(channel.selfUrl);
    expect(feed.paginationLinks?.next).toBe(channel.paging?.next);
    expect(feed.items).toHaveLength(items.length);
    for (const [index, parsed] of feed.items.entries()) {
      const input = items[index] as StoredItem;
      expect(parsed.guid).toBe(input.id);
      expect(parsed.title).toBe(input.title);
      expect(parsed.link).toBe(input.url);
      expect(parsed.isoDate).toBe(new Date(Math.floor(input.published / 1000) * 1000).toISOString());
    }
    expect(feed.items[0]?.content).toBe(items[0]?.contentHtml);
  });

  it("renders an empty feed without lastBuildDate, ttl, hubs or items and never stamps now", () => {
    const empty = renderRss(emptyChannel, []);
    const node = channelOf(empty);
    expect(children(node, "item")).toHaveLength(0);
    expect(children(node, "lastBuildDate")).toHaveLength(0);
    expect(children(node, "ttl")).toHaveLength(0);
    // RSS 2.0 requires a channel description; an empty one falls back to the title.
    expect(childText(node, "description")).toBe("Technology");
    expect(children(node, "atom:link").map((link) => attr(link, "rel"))).toEqual(["self"]);
    expect(empty).not.toMatch(LEAKED_VALUES);
  });

  it("falls back to the newest item date for lastBuildDate when the channel has none", () => {
    const node = channelOf(renderRss({ ...channel, updated: undefined }, items));
    expect(childText(node, "lastBuildDate")).toBe("Tue, 05 Mar 2024 13:00:00 GMT");
  });

  it("stays well-formed and drops what it cannot write when an item slips past normalization", () => {
    const hostile: StoredItem = {
      ...(items[1] as StoredItem),
      id: "bad\u0000id\u0008",
      title: "Bell\u0007 and lone surrogate \ud800 removed",
      url: "/relative/path",
      published: Number.NaN,
      enclosures: [{ url: "relative.mp3", type: "audio/mpeg" }],
    };
    const out = renderRss(channel, [hostile]);
    expect(rssProblems(out, { selfUrl: channel.selfUrl })).toEqual([]);
    const node = only(channelOf(out), "item");
    expect(childText(node, "title")).toBe("Bell and lone surrogate  removed");
    expect(childText(node, "guid")).toBe("badid");
    expect(attr(only(node, "guid"), "isPermaLink")).toBe("false");
    expect(children(node, "link")).toHaveLength(0);
    expect(children(node, "pubDate")).toHaveLength(0);
    expect(children(node, "enclosure")).toHaveLength(0);
    expect(out).not.toMatch(LEAKED_VALUES);
  });
});
