import { describe, expect, it } from "vitest";
import type { CollectedItem } from "../../src/model/index.js";
import {
  dedupeById,
  htmlToText,
  mintItemId,
  normalizeItem,
  resolveUrl,
  sanitizeHtml,
  stripXmlIllegal,
  type NormalizeContext,
  type RawItem,
} from "../../src/sources/normalize.js";

const NOW = Date.parse("2024-05-01T12:00:00Z");
const ctx: NormalizeContext = {
  sourceId: "example-world",
  kind: "article",
  baseUrl: "https://example.org/news/feed.xml",
  now: NOW,
};

function normalized(raw: RawItem, context: NormalizeContext = ctx): CollectedItem {
  const item = normalizeItem(raw, context);
  if (item === undefined) throw new Error("expected an item");
  return item;
}

/** Every string an item carries, to check for XML-illegal characters across all fields at once. */
function allStrings(item: CollectedItem): string[] {
  return (
    JSON.stringify(item)
      .match(/"(?:[^"\\]|\\.)*"/g)
      ?.map((s) => JSON.parse(s) as string) ?? []
  );
}

const XML_ILLEGAL =
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/; // eslint-disable-line no-control-regex

describe("normalizeItem: titles", () => {
  it("decodes entities exactly once (XML already decoded AT&amp;T to AT&T)", () => {
    expect(normalized({ title: "AT&T wins" }).title).toBe("AT&T wins");
    // A feed that escaped twice (AT&amp;amp;T in XML) meant AT&T too: RSS titles are HTML.
    expect(normalized({ title: "AT&amp;T wins" }).title).toBe("AT&T wins");
    expect(normalized({ title: "1 < 2 & 3 > 2" }).title).toBe("1 < 2 & 3 > 2");
  });

  it("removes markup and collapses whitespace", () => {
    expect(normalized({ title: "  <b>Slack</b>\n\t stock <i>rises</i>  " }).title).toBe("Slack stock rises");
    expect(normalized({ title: "Hello<script>alert(1)</script> world" }).title).toBe("Hello world");
  });

  it('keeps angle brackets that are not markup: an RSS title "Use a<b and c>d" loses no characters', () => {
    expect(normalized({ title: "Use a<b and c>d" }).title).toBe("Use a<b and c>d");
    expect(normalized({ title: "x<y and y>z, 3 < 5" }).title).toBe("x<y and y>z, 3 < 5");
    expect(normalized({ title: "Why <dialogue> beats <monologue>" }).title).toBe("Why <dialogue> beats <monologue>");
    // Real markup still goes: a known element bare or with a valued attribute, any end tag, a comment, a reference.
    expect(normalized({ title: "<b>Slack</b> rises" }).title).toBe("Slack rises");
    expect(normalized({ title: 'Read <a href="/x">this</a>' }).title).toBe("Read this");
    expect(normalized({ title: "Line<br/>break" }).title).toBe("Line break");
    expect(normalized({ title: "Tom &amp; Jerry<!-- x -->" }).title).toBe("Tom & Jerry");
    expect(normalized({ summary: "Use a<b and c>d", title: "t" }).summary).toBe("Use a<b and c>d");
    expect(normalized({ summary: "Use a<b and c>d", title: "t" }).contentHtml).toBeUndefined();
  });

  it("derives a headline from the body when the title is missing", () => {
    const item = normalized({ summary: "<p>Just a short micro-post without a title.</p>", url: "/p/1" });
    expect(item.title).toBe("Just a short micro-post without a title.");
    expect(item.url).toBe("https://example.org/p/1");
  });

  it("returns undefined when there is no title, no content and no link", () => {
    expect(normalizeItem({ guid: "abc", summary: "   ", contentHtml: "" }, ctx)).toBeUndefined();
    expect(normalizeItem({ title: "<p> </p>", url: "javascript:alert(1)" }, ctx)).toBeUndefined();
  });
});

describe("normalizeItem: hostile content", () => {
  const hostile: RawItem = {
    guid: " tag:example.org,2024:1\u0001 ",
    title: "Bad\u0000 \u0008title\uFFFE \uD800here",
    url: "../story/1.html?a=1&b=2",
    contentHtml: [
      '<p onclick="steal()">Hello <a href="/about" onmouseover="x()">about</a> <a href="javascript:alert(1)">js</a></p>',
      '<img src="pics/a.jpg" srcset="pics/a-2x.jpg 2x, https://cdn.example.net/a-3x.jpg 3x" onerror="alert(1)">',
      '<img src="data:image/png;base64,AAAA"><script>alert("x")</script><style>p{color:red}</style>',
      '<iframe src="https://evil.example/"></iframe><object data="x.swf"></object><embed src="y.swf"><form action="/post"><input name="q"></form>',
      "<p>CDATA end ]]> and again ]]> inside</p>",
    ].join(""),
  };
  const item = normalized(hostile);

  it("removes XML-illegal characters from every string", () => {
    expect(item.title).toBe("Bad title here");
    expect(item.id).toBe("tag:example.org,2024:1");
    for (const s of allStrings(item)) expect(s).not.toMatch(XML_ILLEGAL);
  });

  it("also drops illegal characters that only appear once character references are decoded", () => {
    const item = normalized({ title: "a&#1;b &amp; c", contentHtml: "<p>x&#x1F;y&#xFFFF;z</p>" });
    expect(item.title).toBe("ab & c");
    expect(item.contentHtml).toBe("<p>xyz</p>");
  });

  it("drops script, style, iframe, object, embed and form, and every on* handler", () => {
    const html = item.contentHtml ?? "";
    expect(html).not.toMatch(/<(script|style|iframe|object|embed|form|input)\b/i);
    expect(html).not.toMatch(/\bon[a-z]+=/i);
    expect(html).not.toContain("alert");
    expect(html).not.toContain("color:red");
  });

  it("drops javascript: and data: URLs", () => {
    const html = item.contentHtml ?? "";
    expect(html).not.toMatch(/javascript:|data:/i);
    expect(html).toContain("<a>js</a>");
  });

  it("makes relative href, src and srcset absolute against the base", () => {
    expect(item.url).toBe("https://example.org/story/1.html?a=1&b=2");
    const html = item.contentHtml ?? "";
    expect(html).toContain('href="https://example.org/about"');
    expect(html).toContain('src="https://example.org/news/pics/a.jpg"');
    expect(html).toContain('srcset="https://example.org/news/pics/a-2x.jpg 2x, https://cdn.example.net/a-3x.jpg 3x"');
  });

  it("never lets ]]> through, so renderers can use CDATA", () => {
    expect(item.contentHtml).not.toContain("]]>");
    expect(item.contentHtml).toContain("CDATA end ]]&gt; and again ]]&gt; inside");
  });

  it("derives a plain-text summary from the content", () => {
    expect(item.summary).toBe("Hello about js CDATA end ]]> and again ]]> inside");
  });
});

describe("normalizeItem: summary, dates, people, media", () => {
  it("bounds the summary at a word boundary", () => {
    const words = Array.from({ length: 200 }, (_, i) => `word${i}`).join(" ");
    const item = normalized({ title: "t", summary: `<p>${words}</p>` });
    expect(item.summary?.length).toBeLessThanOrEqual(501);
    expect(item.summary).toMatch(/ word\d+…$/);
    expect(item.contentHtml).toBe(`<p>${words}</p>`);
  });

  it("keeps a missing date missing: never invents now", () => {
    const item = normalized({ title: "undated" });
    expect(item.published).toBeUndefined();
    expect(item.updated).toBeUndefined();
  });

  it("drops unparseable and far-future dates, and uses updated when only that is given", () => {
    expect(normalized({ title: "t", published: "not a date" }).published).toBeUndefined();
    expect(normalized({ title: "t", published: "2024-05-10T00:00:00Z" }).published).toBeUndefined();
    const onlyUpdated = normalized({ title: "t", updated: "2024-04-01T10:00:00+02:00" });
    expect(onlyUpdated.published).toBe(Date.parse("2024-04-01T08:00:00Z"));
    expect(onlyUpdated.updated).toBe(Date.parse("2024-04-01T08:00:00Z"));
  });

  it("keeps authors without email, drops empty ones, and dedupes tags case-insensitively", () => {
    const item = normalized({
      title: "t",
      authors: [
        { name: " Jane  Doe " },
        {},
        { email: "desk@example.org" },
        { name: "Jane Doe" },
        { name: "Bob", url: "/bob" },
      ],
      tags: [" Economy ", "economy", "", "<b>Tech</b>"],
    });
    expect(item.authors).toEqual([
      { name: "Jane Doe" },
      { name: "desk@example.org", email: "desk@example.org" },
      { name: "Bob", url: "https://example.org/bob" },
    ]);
    expect(item.tags).toEqual(["Economy", "Tech"]);
  });

  it("drops an author email the W3C validator rejects (RSS InvalidContact, Atom InvalidAddrSpec), keeping a name", () => {
    const item = normalized({
      title: "t",
      authors: [
        { name: "Jane", email: "jane at example dot com" },
        { email: "desk at example dot org" },
        { name: "Omar", email: "omar@localhost" },
        { name: "Lina", email: " mailto:Lina.B+news@mail.example.co.ma " },
        { name: "Sam", email: "<sam@example.org>" },
      ],
    });
    expect(item.authors).toEqual([
      { name: "Jane" },
      { name: "desk at example dot org" },
      { name: "Omar" },
      { name: "Lina", email: "Lina.B+news@mail.example.co.ma" },
      { name: "Sam" },
    ]);
  });

  it("keeps only a well-formed BCP 47 language whose primary subtag is ISO 639-1, so RSS language and Atom xml:lang validate", () => {
    const languageOf = (language: string): string | undefined => normalized({ title: "t", language }).language;
    for (const tag of ["en", "fr-MA", "ar-Latn-MA", "zh-Hant-TW", "de-CH-1996", "EN-gb"])
      expect(languageOf(tag), tag).toBe(tag);
    expect(languageOf(" en_US ")).toBe("en-US");
    for (const bad of [
      "english",
      "e",
      "xx",
      "zz-ZZ",
      "sgn-BE-FR",
      "fra",
      "en-",
      "en--US",
      "fr-FRANCE-",
      "x-klingon",
      "en US",
    ]) {
      expect(languageOf(bad), bad).toBeUndefined();
    }
  });

  it("resolves enclosures, fills a missing type from the extension, and picks an image", () => {
    const item = normalized({
      title: "t",
      enclosures: [
        { url: "/audio/ep1.mp3", length: "123" },
        { url: "/audio/ep1.mp3", type: "audio/mpeg" },
        { url: "cover.JPG", length: "-1" },
        { url: "javascript:x" },
      ],
    });
    expect(item.enclosures).toEqual([
      { url: "https://example.org/audio/ep1.mp3", type: "audio/mpeg", length: 123 },
      { url: "https://example.org/news/cover.JPG", type: "image/jpeg" },
    ]);
    expect(item.imageUrl).toBe("https://example.org/news/cover.JPG");
  });

  it("repairs windows-1252 code points and UTF-8 mojibake written as character references", () => {
    expect(normalized({ title: "don\u0092t" }).title).toBe("don’t");
    expect(normalized({ title: "\u00e2\u0080\u00a6" }).title).toBe("…");
    expect(normalized({ title: "Ã©tÃ© caf\u00e9" }).title).toBe("été café");
    // Real Latin-1 text is left alone: "SÃO" is not a UTF-8 sequence.
    expect(normalized({ title: "SÃO PAULO à bientôt" }).title).toBe("SÃO PAULO à bientôt");
  });

  it("uses an item-level base for its relative URLs", () => {
    const item = normalized({ title: "t", url: "post", baseUrl: "https://other.example/blog/" });
    expect(item.url).toBe("https://other.example/blog/post");
  });
});

describe("ids", () => {
  it("uses the trimmed guid first, then the URL, then a hash", () => {
    expect(normalized({ guid: "  urn:x:1 ", url: "/a", title: "t" }).id).toBe("urn:x:1");
    expect(normalized({ url: "/a", title: "t" }).id).toBe("https://example.org/a");
    const hashed = normalized({ title: "Only  A   Title", published: "2024-01-01T00:00:00Z" }).id;
    expect(hashed).toMatch(/^urn:sha256:[0-9a-f]{64}$/);
    // Stable across fetches and insensitive to case and spacing of the title.
    expect(normalized({ title: "only a title", published: "Mon, 01 Jan 2024 00:00:00 GMT" }).id).toBe(hashed);
    expect(normalized({ title: "only a title" }).id).not.toBe(hashed);
    expect(normalized({ title: "only a title" }, { ...ctx, sourceId: "other" }).id).not.toBe(
      normalized({ title: "only a title" }).id,
    );
  });

  it("keeps a guid that is a global IRI (http(s), urn:, tag:) as the id, whichever source carries it", () => {
    for (const guid of [
      "https://example.org/a?b=1",
      "HTTP://EXAMPLE.ORG/B",
      "urn:uuid:3f7c1c2e-8a4b-4d1e-9b2a-6c5d4e3f2a1b",
      "tag:example.org,2024:1",
    ]) {
      expect(normalized({ guid, title: "t" }).id).toBe(guid);
      expect(normalized({ guid, title: "t" }, { ...ctx, sourceId: "other" }).id).toBe(guid);
    }
  });

  it("a bare guid from two sources no longer merges two different stories: it is namespaced by source", () => {
    const world = normalized({ guid: "101", title: "Security Council meets on Gaza truce" });
    const tech = normalized(
      { guid: "101", title: "AT&T and Inwi test a 5G network" },
      { ...ctx, sourceId: "hespress-tech" },
    );
    expect(world.id).not.toBe(tech.id);
    // Each is a valid Atom id (RFC 4287 §4.2.6) and stable across passes of its own source.
    expect(world.id).toMatch(/^urn:sha256:[0-9a-f]{64}$/);
    expect(normalized({ guid: " 101 ", title: "A corrected headline" }).id).toBe(world.id);
    // Not the hash of an item that has no guid, and not a guid that merely looks like a scheme.
    expect(world.id).not.toBe(mintItemId({ sourceId: ctx.sourceId, title: "101" }));
    for (const guid of ["post:12", "urn:x", "tag:nocolon", "http://", "https://example.org/a b", "news\u00a0101"]) {
      expect(normalized({ guid, title: "t" }).id, guid).toMatch(/^urn:sha256:/);
    }
  });

  it("mintItemId is deterministic", () => {
    const p = { sourceId: "s", title: "T", published: 1 };
    expect(mintItemId(p)).toBe(mintItemId({ ...p }));
    expect(mintItemId({ ...p, guid: "   " })).toBe(mintItemId(p));
  });

  it("dedupeById keeps the first of duplicate guids", () => {
    const items = [
      normalized({ guid: "g", title: "first" }),
      normalized({ guid: "g", title: "second" }),
      normalized({ guid: "h", title: "third" }),
    ];
    expect(dedupeById(items).map((i) => i.title)).toEqual(["first", "third"]);
  });
});

describe("helpers", () => {
  it("resolveUrl returns absolute http(s) only", () => {
    expect(resolveUrl("/x", "https://a.example/b/c")).toBe("https://a.example/x");
    expect(resolveUrl(" //cdn.example/x.png ", "https://a.example/")).toBe("https://cdn.example/x.png");
    expect(resolveUrl("mailto:a@b.c", "https://a.example/")).toBeUndefined();
    expect(resolveUrl("/x", "file:///tmp/feed.xml")).toBeUndefined();
    expect(resolveUrl("x", "")).toBeUndefined();
    expect(resolveUrl(undefined, "https://a.example/")).toBeUndefined();
  });

  it("htmlToText keeps word boundaries between blocks and decodes once", () => {
    expect(htmlToText("<p>one</p><p>two<br>three</p><ul><li>four</li></ul>&amp;amp;")).toBe("one two three four &amp;");
  });

  it("sanitizeHtml keeps ordinary formatting", () => {
    expect(
      sanitizeHtml(
        '<h2 class="x" style="color:red">Head</h2><blockquote cite="/q">q</blockquote>',
        "https://a.example/",
      ),
    ).toBe('<h2>Head</h2><blockquote cite="https://a.example/q">q</blockquote>');
  });

  it("stripXmlIllegal keeps tab, newline, CR and surrogate pairs", () => {
    expect(stripXmlIllegal("a\tb\nc\rd\u0007e😀\uDC00")).toBe("a\tb\nc\rde😀");
  });
});
