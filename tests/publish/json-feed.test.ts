import { describe, expect, it } from "vitest";
import type { StoredItem } from "../../src/model/index.js";
import { renderJsonFeed } from "../../src/publish/json-feed.js";
import { channel, emptyChannel, items } from "../fixtures/publish/sample-feed.js";
import { LEAKED_VALUES } from "./feed-rules.js";
import { jsonFeedProblems } from "./feed-validators.js";
import { validateJsonFeed } from "./json-feed-validator.js";

interface ParsedItem {
  readonly id: string;
  readonly url?: string;
  readonly title?: string;
  readonly content_html?: string;
  readonly content_text?: string;
  readonly summary?: string;
  readonly image?: string;
  readonly date_published?: string;
  readonly date_modified?: string;
  readonly authors?: ReadonlyArray<{ name?: string; url?: string }>;
  readonly tags?: readonly string[];
  readonly attachments?: ReadonlyArray<{ url: string; mime_type: string; size_in_bytes?: number }>;
}

interface ParsedFeed {
  readonly [key: string]: unknown;
  readonly items: readonly ParsedItem[];
}

function parse(json: string): ParsedFeed {
  return JSON.parse(json) as ParsedFeed;
}

function itemOf(feed: ParsedFeed, id: string): ParsedItem {
  const found = feed.items.find((item) => item.id === id);
  if (found === undefined) throw new Error(`no item ${id}`);
  return found;
}

describe("renderJsonFeed", () => {
  const json = renderJsonFeed(channel, items);
  const feed = parse(json);

  it("passes the strict JSON Feed 1.1 validator with zero errors, full and empty", () => {
    expect(jsonFeedProblems(json, { selfUrl: channel.selfUrl })).toEqual([]);
    expect(jsonFeedProblems(renderJsonFeed(emptyChannel, []), { selfUrl: emptyChannel.selfUrl })).toEqual([]);
  });

  it("writes the 1.1 top level: version, urls, authors (not author), hubs, next_url", () => {
    expect(feed).toMatchObject({
      version: "https://jsonfeed.org/version/1.1",
      title: channel.title,
      home_page_url: channel.homePageUrl,
      feed_url: channel.selfUrl,
      description: channel.description,
      language: "fr",
      next_url: channel.paging?.next,
      authors: [{ name: channel.title, url: channel.homePageUrl }],
      hubs: [
        { type: "WebSub", url: "https://hub.example.net/" },
        { type: "WebSub", url: "https://websub.example.com/hub?topic=a&mode=b" },
      ],
    });
    expect(feed).not.toHaveProperty("author");
  });

  it("keeps every item, in order, with string ids, titles and RFC 3339 dates equal to the input", () => {
    expect(feed.items.map((item) => item.id)).toEqual(items.map((item) => item.id));
    for (const [index, item] of feed.items.entries()) {
      const input = items[index] as StoredItem;
      expect(typeof item.id).toBe("string");
      expect(item.title).toBe(input.title);
      expect(item.url).toBe(input.url);
      expect(Date.parse(item.date_published ?? "")).toBe(input.published);
      expect(Date.parse(item.date_modified ?? "")).toBe(input.updated);
    }
    expect(itemOf(feed, "4711").id).toBe("4711");
  });

  it("writes content_html with the HTML as is, and the plain summary beside it", () => {
    const first = items[0] as StoredItem;
    const item = itemOf(feed, first.id);
    expect(item.content_html).toBe(first.contentHtml);
    expect(item.summary).toBe(first.summary);
    expect(item).not.toHaveProperty("content_text");
  });

  it("falls back to content_text from the summary, else the title, without repeating it as summary", () => {
    expect(itemOf(feed, "4711")).toMatchObject({ content_text: items[1]?.summary });
    expect(itemOf(feed, "4711")).not.toHaveProperty("summary");
    expect(itemOf(feed, "urn:uuid:6f1c2b9e-3d4a-4e8b-9c0d-1a2b3c4d5e6f")).toMatchObject({
      content_text: items[2]?.title,
    });
  });

  it("writes authors arrays, keeping an email-only author as a mailto: url, and omits them when unknown", () => {
    expect(itemOf(feed, "4712").authors).toEqual([
      { name: "Nadia Alaoui", url: "https://lematin.example.ma/auteurs/nadia" },
      { name: "Youssef Amrani" },
    ]);
    expect(itemOf(feed, "https://lematin.example.ma/?p=991").authors).toEqual([
      { url: "mailto:desk@lematin.example.ma" },
    ]);
    expect(itemOf(feed, "urn:uuid:6f1c2b9e-3d4a-4e8b-9c0d-1a2b3c4d5e6f")).not.toHaveProperty("authors");
  });

  it("writes tags, image and attachments with size only when known", () => {
    const first = itemOf(feed, items[0]?.id ?? "");
    expect(first.tags).toEqual(["morocco-economy", "Économie", "Banks & Finance"]);
    expect(first.image).toBe("https://cdn.walaw.example.ma/img/bam.jpg?w=800&h=600");
    expect(first.attachments).toEqual([
      { url: "https://cdn.walaw.example.ma/img/bam.jpg?w=800&h=600", mime_type: "image/jpeg", size_in_bytes: 48213 },
    ]);
    expect(itemOf(feed, "4712").attachments).toEqual([
      { url: "https://lematin.example.ma/audio/budget.mp3", mime_type: "audio/mpeg" },
    ]);
  });

  it("omits absent fields: no null, no empty string, no undefined anywhere", () => {
    expect(json).not.toMatch(LEAKED_VALUES);
    expect(json).not.toContain('""');
    expect(itemOf(feed, "urn:uuid:6f1c2b9e-3d4a-4e8b-9c0d-1a2b3c4d5e6f")).not.toHaveProperty("url");
    const empty = parse(renderJsonFeed(emptyChannel, []));
    expect(empty).not.toHaveProperty("description");
    expect(empty).not.toHaveProperty("hubs");
    expect(empty).not.toHaveProperty("next_url");
    expect(empty.items).toEqual([]);
  });
});

describe("validateJsonFeed", () => {
  it("reports what the `feed` package's JSON Feed 1.0 output gets wrong", () => {
    const errors = validateJsonFeed({
      version: "https://jsonfeed.org/version/1",
      title: "x",
      home_page_url: "/relative",
      author: { name: "x" },
      items: [
        { id: 1, title: null, summary: "<p>html</p>", date_published: "Tue, 05 Mar 2024 10:00:00 GMT" },
        { id: "a", content_text: "t", authors: [{}], extra: true },
        { id: "a", content_html: "<p>t</p>", attachments: [{ url: "https://x.example/a" }] },
      ],
    });
    const expected = [
      "$.version: must be https://jsonfeed.org/version/1.1",
      "$.home_page_url: must be an absolute http:/https: URL",
      "$.author: is not a JSON Feed 1.1 key and has no _ prefix",
      "$.author: is JSON Feed 1.0; 1.1 uses authors",
      "$.items[0].title: is null; omit absent fields instead",
      "$.items[0].id: is required and must be a non-empty string",
      "$.items[0]: needs content_html or content_text",
      "$.items[0].summary: is plain text, not HTML",
      "$.items[0].date_published: must be an RFC 3339 date-time",
      "$.items[1].authors[0]: needs name, url or avatar",
      "$.items[1].extra: is not a JSON Feed 1.1 key and has no _ prefix",
      '$.items[2].id: duplicates an earlier item id "a"',
      "$.items[2].attachments[0].mime_type: is required and must be a MIME type",
    ];
    expect([...errors].sort()).toEqual(expected.sort());
  });

  it("accepts extension keys with an underscore prefix", () => {
    expect(
      validateJsonFeed({ version: "https://jsonfeed.org/version/1.1", title: "x", _ext: { a: 1 }, items: [] }),
    ).toEqual([]);
  });
});
