/**
 * The one link list every format reads: its order, what is left out, and the Link header's spelling
 * of the page before (RFC 5005 §3 `previous`, plus the `prev` the header always carried).
 */
import { describe, expect, it } from "vitest";
import { feedLinks, linkHeaderValue } from "../../src/publish/feed-links.js";
import { channel } from "../fixtures/publish/sample-feed.js";

const SELF = "https://news.example.org/feeds/morocco-economy.rss?limit=50&page=2";
const FIRST = "https://news.example.org/feeds/morocco-economy.rss?limit=50";
const PREVIOUS = "https://news.example.org/feeds/morocco-economy.rss?limit=50&page=1";
const NEXT = "https://news.example.org/feeds/morocco-economy.rss?limit=50&page=3";
const CURRENT = "https://news.example.org/feeds/morocco-economy.rss";

describe("feed links", () => {
  it("lists self, alternate, each hub, then first, previous, next, current, with the self type given", () => {
    expect(feedLinks(channel, "application/rss+xml")).toEqual([
      { rel: "self", href: SELF, type: "application/rss+xml" },
      { rel: "alternate", href: "https://news.example.org/", type: "text/html" },
      { rel: "hub", href: "https://hub.example.net/" },
      { rel: "hub", href: "https://websub.example.com/hub?topic=a&mode=b" },
      { rel: "first", href: FIRST },
      { rel: "previous", href: PREVIOUS },
      { rel: "next", href: NEXT },
      { rel: "current", href: CURRENT },
    ]);
  });

  it("leaves out absent and empty URLs", () => {
    expect(feedLinks({ selfUrl: SELF, hubs: [""], paging: { first: "", next: NEXT }, homePageUrl: "" })).toEqual([
      { rel: "self", href: SELF },
      { rel: "next", href: NEXT },
    ]);
  });

  it("writes the Link header without alternate, the page before as both `previous` and `prev`", () => {
    expect(linkHeaderValue(channel)).toBe(
      [
        `<${SELF}>; rel="self"`,
        `<https://hub.example.net/>; rel="hub"`,
        `<https://websub.example.com/hub?topic=a&mode=b>; rel="hub"`,
        `<${FIRST}>; rel="first"`,
        `<${PREVIOUS}>; rel="previous prev"`,
        `<${NEXT}>; rel="next"`,
        `<${CURRENT}>; rel="current"`,
      ].join(", "),
    );
  });
});
