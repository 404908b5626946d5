/**
 * Why src/publish/ writes every format itself instead of using the `feed` package (v6).
 * Each test pins one defect we measured; if an upgrade fixes them all, these tests fail and
 * tell us to reconsider (the package is kept as a devDependency for exactly this check).
 */
import { Feed } from "feed";
import { XMLValidator } from "fast-xml-parser";
import { describe, expect, it } from "vitest";

function baseFeed(): Feed {
  return new Feed({
    title: "t",
    id: "https://example.org/",
    link: "https://example.org/",
    copyright: "c",
    updated: new Date("2026-01-01T00:00:00Z"),
  });
}

describe("feed@6 defects that rule it out", () => {
  it("breaks XML on a second `]]>` in content", () => {
    const feed = baseFeed();
    feed.addItem({
      title: "x",
      link: "https://example.org/x",
      date: new Date("2026-01-01T00:00:00Z"),
      content: "<p>a ]]> b ]]> c</p>",
    });
    expect(XMLValidator.validate(feed.rss2())).not.toBe(true);
  });

  it("omits the required Atom category term (RFC 4287 §4.2.2.1)", () => {
    const feed = baseFeed();
    feed.addItem({
      title: "x",
      link: "https://example.org/x",
      date: new Date("2026-01-01T00:00:00Z"),
      category: [{ name: "world" }],
    });
    expect(feed.atom1()).toMatch(/<category label="world"\/>|<category(?![^>]*term=)[^>]*>/);
  });

  it("emits JSON Feed 1.0, not 1.1", () => {
    const feed = baseFeed();
    feed.addItem({ title: "x", link: "https://example.org/x", date: new Date("2026-01-01T00:00:00Z") });
    expect((JSON.parse(feed.json1()) as { version: unknown }).version).toBe("https://jsonfeed.org/version/1");
  });

  it("cannot mark a guid that is the item URL as a permalink", () => {
    const feed = baseFeed();
    feed.addItem({
      title: "x",
      id: "https://example.org/x",
      link: "https://example.org/x",
      date: new Date("2026-01-01T00:00:00Z"),
    });
    expect(feed.rss2()).toContain('isPermaLink="false"');
  });
});
