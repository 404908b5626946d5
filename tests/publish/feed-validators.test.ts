/**
 * The validators are only worth their zero when they can say something else: each rule is shown
 * firing on a minimal valid document broken in exactly one way.
 */
import { describe, expect, it } from "vitest";
import { atomProblems, jsonFeedProblems, rssProblems } from "./feed-validators.js";

const SELF = "https://news.example.org/feeds/world.rss";
const ATOM_SELF = "https://news.example.org/feeds/world.atom";
const JSON_SELF = "https://news.example.org/feeds/world.json";

const RSS_ITEM = `<item>
      <title>Rabat and Madrid sign a trade deal</title>
      <link>https://walaw.example.ma/world/deal</link>
      <description>&lt;p&gt;Text with &lt;a href="https://walaw.example.ma/x"&gt;a link&lt;/a&gt;&lt;/p&gt;</description>
      <author>desk@walaw.example.ma (Desk)</author>
      <category>world</category>
      <enclosure url="https://cdn.walaw.example.ma/a.jpg" length="0" type="image/jpeg"/>
      <guid isPermaLink="false">4711</guid>
      <pubDate>Wed, 05 Mar 2025 10:00:00 GMT</pubDate>
    </item>`;

function rss(
  item = RSS_ITEM,
  channelExtra = "",
  root = `<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom">`,
): string {
  return `<?xml version="1.0" encoding="utf-8"?>
${root}
  <channel>
    <title>World</title>
    <link>https://news.example.org/</link>
    <description>International news</description>
    <ttl>15</ttl>
    <atom:link href="${SELF}" rel="self" type="application/rss+xml"/>${channelExtra}
    ${item}
  </channel>
</rss>
`;
}

const ATOM_ENTRY = `<entry>
    <id>urn:uuid:6f1c2b9e-3d4a-4e8b-9c0d-1a2b3c4d5e6f</id>
    <title type="text">Rabat and Madrid sign a trade deal</title>
    <updated>2025-03-05T10:00:00Z</updated>
    <published>2025-03-05T09:00:00Z</published>
    <category term="world"/>
    <link rel="alternate" type="text/html" href="https://walaw.example.ma/world/deal"/>
    <content type="html">&lt;p&gt;Text&lt;/p&gt;</content>
  </entry>`;

function atom(entry = ATOM_ENTRY, feedAuthor = "<author><name>Morocco news feeds</name></author>"): string {
  return `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <id>https://news.example.org/feeds/world</id>
  <title type="text">World</title>
  <updated>2025-03-05T10:00:00Z</updated>
  ${feedAuthor}
  <link rel="self" type="application/atom+xml" href="${ATOM_SELF}"/>
  ${entry}
</feed>
`;
}

function jsonFeed(item: Record<string, unknown> = {}, top: Record<string, unknown> = {}): string {
  return JSON.stringify({
    version: "https://jsonfeed.org/version/1.1",
    title: "World",
    feed_url: JSON_SELF,
    items: [{ id: "4711", title: "Rabat and Madrid sign a trade deal", content_html: "<p>Text</p>", ...item }],
    ...top,
  });
}

/** Every problem must contain its fragment; the list must have no others. */
function expectOnly(problems: readonly string[], ...fragments: string[]): void {
  for (const fragment of fragments)
    expect(
      problems.some((problem) => problem.includes(fragment)),
      `${fragment} in ${JSON.stringify(problems)}`,
    ).toBe(true);
  expect(problems.filter((problem) => !fragments.some((fragment) => problem.includes(fragment)))).toEqual([]);
}

const item = (replace: string, by: string): string => {
  expect(RSS_ITEM).toContain(replace);
  return RSS_ITEM.replace(replace, by);
};

describe("rssProblems", () => {
  it("accepts the minimal valid document the cases below break", () => {
    expect(rssProblems(rss(), { selfUrl: SELF })).toEqual([]);
  });

  it.each<[string, string, string | string[]]>([
    ["not well-formed", rss(item("<title>Rabat", "<title>Rabat & ")), "not well-formed XML"],
    ["an undeclared HTML entity", rss(item("Rabat and", "Rabat&nbsp;and")), "&nbsp; is not declared"],
    ["a raw C0 control character", rss(item("Rabat and", "Rabat\u0001and")), ["U+0001 is not allowed", "holds U+0001"]],
    [
      "a character reference to a control character",
      rss(item("Rabat and", "Rabat&#x1F;and")),
      "refers to a character XML 1.0 does not allow",
    ],
    [
      "version 0.92",
      rss(RSS_ITEM, "", `<rss version="0.92" xmlns:atom="http://www.w3.org/2005/Atom">`),
      'version must be "2.0"',
    ],
    [
      "an undeclared atom prefix",
      rss(RSS_ITEM, "", `<rss version="2.0">`),
      ["the atom: prefix is not declared", "must be bound to the Atom namespace", 'needs an atom:link rel="self"'],
    ],
    [
      "atom bound to another namespace",
      rss(RSS_ITEM, "", `<rss version="2.0" xmlns:atom="http://example.org/not-atom">`),
      ["must be bound to the Atom namespace", 'needs an atom:link rel="self"'],
    ],
    ["a two-digit year", rss(item("Mar 2025", "Mar 25")), "needs a four-digit year"],
    ["an invalid zone", rss(item("10:00:00 GMT", "10:00:00 CEST")), "no valid time zone"],
    ["the wrong weekday", rss(item("Wed, 05", "Thu, 05")), "is not the weekday"],
    ["an impossible date", rss(item("Wed, 05 Mar", "Wed, 32 Mar")), "day out of range"],
    [
      "a leaked NaN",
      rss(item("<pubDate>Wed, 05 Mar 2025 10:00:00 GMT</pubDate>", "<pubDate>NaN</pubDate>")),
      ['leaks "NaN"', '"NaN" is not an RFC 822 date-time'],
    ],
    ["a permalink guid that is not a URL", rss(item(`<guid isPermaLink="false">`, "<guid>")), "is a permalink"],
    [
      "a relative link",
      rss(item("https://walaw.example.ma/world/deal", "/world/deal")),
      "is not an absolute http(s) URL",
    ],
    [
      "a javascript: link",
      rss(item("https://walaw.example.ma/world/deal", "javascript:alert(1)")),
      "is not an absolute http(s) URL",
    ],
    ["an enclosure without length", rss(item(` length="0"`, "")), "@length: is required"],
    ["an enclosure without type", rss(item(` type="image/jpeg"`, "")), "@type: is required"],
    ["a name as author", rss(item("desk@walaw.example.ma (Desk)", "Desk")), "must be an email address"],
    [
      "an author email without a domain (W3C InvalidContact)",
      rss(item("desk@walaw.example.ma (Desk)", "desk@walaw (Desk)")),
      "must be an email address",
    ],
    [
      "a language outside ISO 639 (W3C InvalidLanguage)",
      rss(RSS_ITEM, "\n    <language>xx-MA</language>"),
      '"xx-MA" is not a language tag',
    ],
    ["markup in a title", rss(item("Rabat and", "&lt;b&gt;Rabat&lt;/b&gt; and")), "holds HTML markup"],
    ["a bare start tag in a title", rss(item("Rabat and", "Rabat&lt;br/&gt;and")), "holds HTML markup"],
    ["a double-escaped title", rss(item("Rabat and", "AT&amp;amp;T and")), 'holds the character reference "&amp;"'],
    [
      "script in the description",
      rss(item("&lt;p&gt;Text", "&lt;script&gt;x()&lt;/script&gt;&lt;p&gt;Text")),
      "holds an unsafe element",
    ],
    [
      "an event handler",
      rss(item("&lt;a href", "&lt;a onclick=&quot;x()&quot; href")),
      "holds an event handler attribute",
    ],
    [
      "a relative reference in the description",
      rss(item(`href="https://walaw.example.ma/x"`, `href="/x"`)),
      "holds a relative or non-web reference",
    ],
    [
      "an empty category",
      rss(item("<category>world</category>", "<category> </category>")),
      "category: must not be empty",
    ],
    [
      "a ttl in words",
      rss(RSS_ITEM).replace("<ttl>15</ttl>", "<ttl>fifteen</ttl>"),
      "must be a whole number of minutes",
    ],
    [
      "a wrong self link",
      rss(RSS_ITEM).replace(`href="${SELF}"`, `href="${SELF}?page=2"`),
      "is not the document's URL",
    ],
    [
      "a self link without type",
      rss(RSS_ITEM).replace(` type="application/rss+xml"`, ""),
      'needs type="application/rss+xml"',
    ],
    [
      "an item with neither title nor description",
      rss(RSS_ITEM.replace(/<title>.*<\/title>/, "").replace(/<description>.*<\/description>/, "")),
      "needs a title or a description",
    ],
    ["a duplicated guid", rss(`${RSS_ITEM}\n${RSS_ITEM}`), "duplicates the guid of item[1]"],
  ])("reports %s", (_name, xml, fragments) => {
    expectOnly(rssProblems(xml, { selfUrl: SELF }), ...[fragments].flat());
  });

  it('accepts angle brackets that are not markup in a plain-text title ("Use a<b and c>d")', () => {
    expect(rssProblems(rss(item("Rabat and Madrid", "Use a&lt;b and c&gt;d, 3 &lt; 5")), { selfUrl: SELF })).toEqual(
      [],
    );
  });

  it("reports a missing channel description and a missing self link together", () => {
    const xml = rss()
      .replace("<description>International news</description>", "")
      .replace(/<atom:link[^>]*\/>/, "");
    expectOnly(
      rssProblems(xml, { selfUrl: SELF }),
      "needs exactly one <description>, found 0",
      'needs an atom:link rel="self"',
    );
  });
});

describe("atomProblems", () => {
  it("accepts the minimal valid document the cases below break", () => {
    expect(atomProblems(atom(), { selfUrl: ATOM_SELF })).toEqual([]);
  });

  const entry = (replace: string, by: string): string => {
    expect(ATOM_ENTRY).toContain(replace);
    return ATOM_ENTRY.replace(replace, by);
  };

  it.each<[string, string, string[]]>([
    ["no author anywhere", atom(ATOM_ENTRY, ""), ["needs an author: the feed has none"]],
    [
      "an entry id that is not an IRI",
      atom(entry("urn:uuid:6f1c2b9e-3d4a-4e8b-9c0d-1a2b3c4d5e6f", "4711")),
      ["is not an absolute IRI"],
    ],
    ["duplicate entry ids", atom(`${ATOM_ENTRY}\n${ATOM_ENTRY}`), ["duplicates the id of entry[1]"]],
    [
      "an entry without updated",
      atom(entry("<updated>2025-03-05T10:00:00Z</updated>", "")),
      ["needs exactly one <updated>, found 0"],
    ],
    [
      "a non-RFC 3339 published date",
      atom(entry("2025-03-05T09:00:00Z", "Wed, 05 Mar 2025 09:00:00 GMT")),
      ["is not an RFC 3339 date-time"],
    ],
    ["an impossible RFC 3339 date", atom(entry("2025-03-05T09:00:00Z", "2025-02-30T09:00:00Z")), ["day out of range"]],
    [
      "a category without term",
      atom(entry(`<category term="world"/>`, `<category label="World"/>`)),
      ["needs a non-empty term"],
    ],
    [
      "a relative link href",
      atom(entry("https://walaw.example.ma/world/deal", "/world/deal")),
      ["is not an absolute http(s) URL"],
    ],
    [
      "an invalid content type",
      atom(entry(`<content type="html">`, `<content type="htm">`)),
      ["must be text, html, xhtml or a MIME type"],
    ],
    [
      "neither alternate link nor content",
      atom(entry(/<link[^>]*\/>/.exec(ATOM_ENTRY)?.[0] ?? "", "").replace(/<content.*<\/content>/, "")),
      ['needs a link rel="alternate" or a content'],
    ],
    [
      "remote content without summary",
      atom(
        entry(
          `<content type="html">&lt;p&gt;Text&lt;/p&gt;</content>`,
          `<content type="video/mp4" src="https://cdn.example.org/v.mp4"/>`,
        ),
      ),
      ["needs a summary"],
    ],
    ["markup in a text title", atom(entry("Rabat and", "&lt;b&gt;Rabat&lt;/b&gt; and")), ["holds HTML markup"]],
    [
      "an email that is not an addr-spec (W3C InvalidAddrSpec)",
      atom(entry("<category", "<author><name>Jane</name><email>jane at example dot com</email></author><category")),
      ["is not an email address"],
    ],
    [
      "an entry xml:lang that is not a language tag",
      atom(entry("<entry>", `<entry xml:lang="english">`)),
      ['"english" is not a language tag'],
    ],
    [
      "an xml:lang outside ISO 639 (W3C InvalidLanguage)",
      atom(entry("<title", `<title xml:lang="xx"`)),
      ['"xx" is not a language tag'],
    ],
    [
      "script in html content",
      atom(entry("&lt;p&gt;Text", "&lt;iframe src=&quot;https://x.example/&quot;&gt;&lt;/iframe&gt;&lt;p&gt;Text")),
      ["holds an unsafe element"],
    ],
    ["a wrong self link", atom().replace(`href="${ATOM_SELF}"`, `href="${SELF}"`), ["is not the document's URL"]],
    [
      "two alternate links of one type",
      atom(entry("<content", `<link rel="alternate" type="text/html" href="https://walaw.example.ma/other"/><content`)),
      ["repeats an alternate link"],
    ],
  ])("reports %s", (_name, xml, fragments) => {
    expectOnly(atomProblems(xml, { selfUrl: ATOM_SELF }), ...fragments);
  });

  it("accepts well-formed language tags and an empty xml:lang", () => {
    const tagged = atom(entry("<entry>", `<entry xml:lang="ar-Latn-MA">`).replace("<title", `<title xml:lang=""`));
    expect(atomProblems(tagged.replace("<feed ", `<feed xml:lang="en" `), { selfUrl: ATOM_SELF })).toEqual([]);
  });

  it("rejects a root that is not atom:feed", () => {
    expectOnly(
      atomProblems(atom().replace('xmlns="http://www.w3.org/2005/Atom"', 'xmlns="http://purl.org/atom/ns#"'), {
        selfUrl: ATOM_SELF,
      }),
      "the root element must be <feed>",
    );
  });

  it("reads a feed written with an atom: prefix the same way", () => {
    const prefixed = atom()
      .replace(/<(\/?)([a-z]+)/g, "<$1atom:$2")
      .replace('xmlns="http://www.w3.org/2005/Atom"', 'xmlns:atom="http://www.w3.org/2005/Atom"')
      .replace("<atom:?xml", "<?xml");
    expect(atomProblems(prefixed, { selfUrl: ATOM_SELF })).toEqual([]);
  });
});

describe("jsonFeedProblems", () => {
  it("accepts the minimal valid document the cases below break", () => {
    expect(jsonFeedProblems(jsonFeed(), { selfUrl: JSON_SELF })).toEqual([]);
  });

  it.each<[string, string, string]>([
    ["text that is not JSON", "{", "$: not JSON"],
    ["a numeric id", jsonFeed({ id: 4711 }), "$.items[0].id: is required and must be a non-empty string"],
    ["a feed_url other than the document's", jsonFeed({}, { feed_url: SELF }), "$.feed_url"],
    ["a control character in a title", jsonFeed({ title: "Rabat\u000band" }), "U+000B"],
    ["markup in a title", jsonFeed({ title: "<b>Breaking</b>: Rabat" }), "holds HTML markup"],
    [
      "an onerror handler in content_html",
      jsonFeed({ content_html: `<img src="https://x.example/a.png" onerror="x()">` }),
      "holds an event handler attribute",
    ],
    ["a relative image", jsonFeed({ content_html: `<img src="/a.png">` }), "holds a relative or non-web reference"],
    ["a leaked undefined", jsonFeed({ summary: "undefined" }), 'leaks "undefined"'],
  ])("reports %s", (_name, text, fragment) => {
    expectOnly(jsonFeedProblems(text, { selfUrl: JSON_SELF }), fragment);
  });

  it("reports duplicate ids", () => {
    const text = JSON.stringify({
      ...JSON.parse(jsonFeed()),
      items: [
        { id: "a", content_text: "x" },
        { id: "a", content_text: "y" },
      ],
    });
    expectOnly(jsonFeedProblems(text, { selfUrl: JSON_SELF }), 'duplicates an earlier item id "a"');
  });
});
