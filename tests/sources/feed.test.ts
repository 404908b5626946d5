import { corpusDir } from "../corpus-dir.js";
import { readFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CollectedItem, Source, SourceState } from "../../src/model/index.js";
import type { CollectContext, CollectOutcome } from "../../src/sources/collector.js";
import { FeedError, collectFeed, parseFeedDocument } from "../../src/sources/feed/index.js";
import { mintItemId } from "../../src/sources/item-id.js";
import { BUILT_IN_FETCH } from "../built-in-config.js";

const fixtures = path.resolve(import.meta.dirname, "../fixtures/sources/feed");
const corpus = path.join(corpusDir(), "feeds");
const NOW = Date.parse("2024-05-02T00:00:00Z");

function source(url: string, id = "example"): Source {
  return {
    id,
    kind: "feed",
    url,
    schedule: { every: 600_000 },
    categories: [],
    enabled: true,
    retention: { maxItemsPerSource: 100, maxAgeMs: 1e12 },
  };
}

function context(previous?: SourceState): CollectContext {
  return {
    clock: () => NOW,
    fetchOptions: { ...BUILT_IN_FETCH, userAgent: "feed-test/1.0" },
    knownIds: async () => new Set(),
    ...(previous !== undefined && { previous }),
  };
}

async function collectFile(name: string, dir = fixtures): Promise<CollectOutcome> {
  return collectFeed(source(pathToFileURL(path.join(dir, name)).href), context());
}

/** The id of an item whose upstream guid is bare: namespaced by the source it came from. */
function bareGuidId(guid: string, sourceId = "example"): string {
  return mintItemId({ sourceId, guid, title: "" });
}

function byTitle(items: readonly CollectedItem[], title: string): CollectedItem {
  const item = items.find((i) => i.title === title);
  if (item === undefined)
    throw new Error(`no item titled ${JSON.stringify(title)} in ${JSON.stringify(items.map((i) => i.title))}`);
  return item;
}

describe("RSS with hostile content (tests/fixtures/sources/feed/hostile.rss.xml)", () => {
  let out: CollectOutcome;
  beforeAll(async () => {
    out = await collectFile("hostile.rss.xml");
  });

  it("reads past the newline and comment before the XML declaration", () => {
    expect(out.items.map((i) => i.title)).toEqual([
      "AT&T buys everything again",
      "No date, no guid",
      "Nothing but a description that becomes the headline",
    ]);
  });

  it("reports what it dropped: the repeated guid and the empty item", () => {
    expect(out.warnings).toEqual([
      "feed: 1 entries had no title, content or link",
      "feed: 1 entries repeated an earlier id",
    ]);
    expect(out.notModified).toBe(false);
  });

  it("normalizes the first item fully", () => {
    const item = byTitle(out.items, "AT&T buys everything again");
    expect(item).toMatchObject({
      id: bareGuidId("story-1"),
      sourceId: "example",
      kind: "article",
      url: "https://news.example.com/world/2024/05/att.html",
      summary: "Short teaser with a link.",
      published: Date.parse("2024-05-01T07:30:00Z"),
      authors: [{ name: "Jane Doe" }],
      tags: ["Business"],
      imageUrl: "https://news.example.com/thumbs/1.jpg",
    });
    expect(item.contentHtml).toBe(
      '<p>Body <img src="https://news.example.com/world/img/1.jpg" /></p><a>bad</a><p>end ]]&gt; twice ]]&gt;</p>',
    );
  });

  it("leaves an undated item undated and ids it by its root-relative link", () => {
    const item = byTitle(out.items, "No date, no guid");
    expect(item.published).toBeUndefined();
    expect(item.id).toBe("https://news.example.com/world/undated.html");
  });

  it("mints a hash id for an item with neither guid nor link", () => {
    expect(byTitle(out.items, "Nothing but a description that becomes the headline").id).toMatch(
      /^urn:sha256:[0-9a-f]{64}$/,
    );
  });
});

describe("Atom with xhtml content, xml:base and a bad date (tests/fixtures/sources/feed/mixed.atom.xml)", () => {
  let items: readonly CollectedItem[];
  beforeAll(async () => {
    items = (await collectFile("mixed.atom.xml")).items;
  });

  it("survives an unparseable <published> (regression: rss-parser's Atom path threw RangeError for the whole feed)", () => {
    expect(items).toHaveLength(2);
    // The bad published date is dropped; updated stands in as the publication date.
    expect(items[0]?.published).toBe(Date.parse("2024-04-29T06:00:00Z"));
  });

  it("keeps a text construct literal and strips markup from an html one", () => {
    expect(items[0]?.title).toBe("Why <b> is not bold & why");
    expect(items[1]?.title).toBe("Second post");
    expect(items[1]?.summary).toBe("Text summary with <tags> kept literal.");
  });

  it("resolves the entry link through nested xml:base and skips rel=replies", () => {
    expect(items[0]?.url).toBe("https://blog.example.net/posts/2024/first.html");
    expect(items[0]?.authors).toEqual([{ name: "Ann", url: "https://blog.example.net/ann" }]);
    expect(items[0]?.tags).toEqual(["Technology"]);
  });

  it("keeps the order of mixed xhtml content and resolves it against the content's own xml:base", () => {
    expect(items[0]?.contentHtml).toBe(
      '<div>submitted by <a href="https://blog.example.net/u/ann">ann</a> to <a href="https://blog.example.net/r/tech">tech</a> <img src="https://blog.example.net/posts/2024/media/pic.png" /> &amp; more</div>',
    );
    expect(items[0]?.summary).toBe("submitted by ann to tech & more");
  });

  it("turns rel=enclosure links into enclosures", () => {
    expect(items[1]?.enclosures).toEqual([
      { url: "https://blog.example.net/audio/second.mp3", type: "audio/mpeg", length: 1000 },
    ]);
  });
});

describe("JSON Feed plain-text fields and title-less items (tests/fixtures/sources/feed/plain-text.json)", () => {
  it('keeps title and summary as plain text: a JSON Feed title "Use a<b and c>d" loses no characters', async () => {
    const [item] = (await collectFile("plain-text.json")).items;
    expect(item?.title).toBe("Use a<b and c>d, or <b>bold</b> & AT&amp;T");
    expect(item?.summary).toBe("Plain text: <i>not italic</i> & 3 < 5");
    expect(item?.contentHtml).toBe("<p>The body.</p>");
  });

  it("keeps an item with an id and content but no title (optional in JSON Feed 1.1), titled from its text", async () => {
    const out = await collectFile("plain-text.json");
    expect(out.items.map((i) => i.title)).toEqual([
      "Use a<b and c>d, or <b>bold</b> & AT&amp;T",
      "A micro-post: JSON Feed 1.1 makes the title optional, so this one has none.",
    ]);
    // An item with nothing a reader could show (no title, no text, no link) is dropped, and said so.
    expect(out.warnings).toEqual(["feed: 1 entries had no title, content or link"]);
  });
});

describe("JSON Feed (tests/fixtures/sources/feed/feed.json)", () => {
  it('turns numeric ids into strings, so 1001 and "1001" are the same item', async () => {
    const out = await collectFile("feed.json");
    expect(out.items.map((i) => i.id)).toEqual([bareGuidId("1001"), bareGuidId("text-only")]);
    expect(out.warnings).toEqual(["feed: 1 JSON Feed items are not objects", "feed: 1 entries repeated an earlier id"]);
    expect(out.items[0]).toMatchObject({
      title: "Numeric id",
      url: "https://json.example.org/posts/1001",
      contentHtml: '<p>Hello <a href="https://json.example.org/rel">rel</a></p>',
      published: Date.parse("2024-04-01T08:00:00Z"),
      authors: [{ name: "Kim", url: "https://json.example.org/kim" }],
      tags: ["News"],
      enclosures: [{ url: "https://json.example.org/a.mp3", type: "audio/mpeg", length: 42 }],
    });
  });

  it("keeps content_text literal and reads the 1.0 author", async () => {
    const item = (await collectFile("feed.json")).items[1];
    expect(item).toMatchObject({
      title: "Line one Line <two> & more",
      contentHtml: "<p>Line one</p><p>Line &lt;two&gt; &amp; more</p>",
      authors: [{ name: "Legacy Author" }],
      // Relative to feed_url, since a file: document has no web base of its own.
      imageUrl: "https://json.example.org/img/x.png",
    });
  });

  it("rejects RSS-in-JSON and unknown versions with a clear FeedError", async () => {
    await expect(parseFeedDocument('{"rss":{"version":"2.0","channel":{"item":[]}}}', "json")).rejects.toThrow(
      new FeedError('feed: not a JSON Feed (got "RSS in JSON", an rss.channel object with no JSON Feed version)'),
    );
    await expect(parseFeedDocument('{"version":"https://jsonfeed.org/version/2","items":[]}')).rejects.toThrow(
      'feed: not a JSON Feed (version "https://jsonfeed.org/version/2")',
    );
    await expect(parseFeedDocument("{", "json")).rejects.toThrow(/^feed: invalid JSON \(/);
  });
});

describe("parseFeedDocument", () => {
  it("says an HTML page is not a feed", async () => {
    await expect(parseFeedDocument("<!DOCTYPE html><html><body>Moved</body></html>")).rejects.toThrow(
      new FeedError("feed: not a feed (got an HTML page)"),
    );
  });

  it("names an unexpected root element", async () => {
    await expect(parseFeedDocument("<?xml version='1.0'?><opml/>")).rejects.toThrow(
      "feed: not a feed (root element <opml>)",
    );
  });

  it("recovers items from a truncated document and says so", async () => {
    const feed = await parseFeedDocument(
      '<rss version="2.0"><channel><item><title>kept</title></item><item><title>cut</ti',
    );
    expect(feed.items.map((i) => i.raw.title)).toEqual(["kept", "cut"]);
    expect(feed.malformed).toMatch(/Unclosed root tag/);
    expect(feed.warnings[0]).toMatch(/^feed: recovered from malformed XML/);
  });

  it("reads RSS 1.0 (RDF) with dc:date", async () => {
    const feed = await parseFeedDocument(
      '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel rdf:about="x"><title>c</title></channel><item rdf:about="https://r.example/1"><title>one</title><link>https://r.example/1</link><dc:date>2019-08-27</dc:date></item></rdf:RDF>',
    );
    expect(feed.format).toBe("rss");
    expect(feed.items[0]?.raw).toMatchObject({ guid: "https://r.example/1", title: "one", published: "2019-08-27" });
  });
});

describe("collectFeed over http", () => {
  const hostile = readFileSync(path.join(fixtures, "hostile.rss.xml"));
  const gzipped = readFileSync(path.join(corpus, "malformed-gzip-body.xml"));
  const requests: http.IncomingHttpHeaders[] = [];
  const server = http.createServer((req, res) => {
    requests.push(req.headers);
    if (req.url === "/feed.xml") {
      if (req.headers["if-none-match"] === '"abc"') {
        res.writeHead(304, { etag: '"abc"' });
        res.end();
        return;
      }
      res.writeHead(200, {
        "content-type": "application/rss+xml",
        etag: '"abc"',
        "last-modified": "Wed, 01 May 2024 08:00:00 GMT",
      });
      res.end(hostile);
    } else if (req.url === "/gzipped.xml") {
      // Compressed on disk and served as-is, with no Content-Encoding.
      res.writeHead(200, { "content-type": "text/xml" });
      res.end(gzipped);
    } else {
      res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
      res.end("<html><head><title>Moved</title></head><body>Object moved</body></html>");
    }
  });
  let base = "";
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it("returns the upstream validators, then sends them back and reports 304 as notModified", async () => {
    const first = await collectFeed(source(`${base}/feed.xml`), context());
    expect(first).toMatchObject({ notModified: false, etag: '"abc"', lastModified: "Wed, 01 May 2024 08:00:00 GMT" });
    expect(first.items[0]?.url).toBe("https://news.example.com/world/2024/05/att.html");
    expect(requests.at(-1)?.accept).toMatch(/^application\/atom\+xml, application\/rss\+xml/);

    const previous: SourceState = {
      sourceId: "example",
      consecutiveFailures: 0,
      itemsCollected: 3,
      warnings: [],
      etag: '"abc"',
      lastModified: "Wed, 01 May 2024 08:00:00 GMT",
    };
    const second = await collectFeed(source(`${base}/feed.xml`), context(previous));
    expect(second).toEqual({
      items: [],
      warnings: [],
      notModified: true,
      etag: '"abc"',
      lastModified: "Wed, 01 May 2024 08:00:00 GMT",
    });
    expect(requests.at(-1)?.["if-none-match"]).toBe('"abc"');
    expect(requests.at(-1)?.["if-modified-since"]).toBe("Wed, 01 May 2024 08:00:00 GMT");
  });

  it("gunzips a body served compressed without Content-Encoding (corpus malformed-gzip-body.xml)", async () => {
    const out = await collectFeed(source(`${base}/gzipped.xml`), context());
    expect(out.items).toHaveLength(10);
    expect(out.items[0]?.title).toBe("В Бузулуке главные стройплощадки – детсад и Ледовый дворец");
  });

  it("fails with a FeedError when the URL serves an HTML page", async () => {
    await expect(collectFeed(source(`${base}/moved`), context())).rejects.toThrow(
      new FeedError("feed: not a feed (got an HTML page)"),
    );
  });
});
