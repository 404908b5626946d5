import type { RawItem } from "../raw-item.js";
import { isWebUrl, resolveUrl } from "../urls.js";
import type { ParsedFeed, ParsedItem } from "./parsed-feed.js";

/**
 * Apply the base URI chain (RFC 3986 §5.1, XML Base §4.2): the document's URL, then `xml:base` on
 * the root/feed, the entry, and the content element, each resolved against the one outside it.
 * Entry-level URLs (link, images, enclosures) become absolute here; the HTML body gets its own base,
 * which the normalizer uses while sanitizing.
 */

function fold(base: string, xmlBases: readonly string[]): string {
  return xmlBases.reduce((acc, b) => resolveUrl(b, acc) ?? acc, base);
}

/**
 * The document's own URL when it is web-addressable; for a `file:` source, the feed's self link or
 * its site link stand in, so root-relative links still land on the publisher's site.
 */
export function documentBase(feed: ParsedFeed, documentUrl: string): string {
  if (isWebUrl(documentUrl)) return documentUrl;
  return [feed.feedUrl, feed.homePageUrl].find(isWebUrl) ?? "";
}

function absolutize(raw: RawItem, base: string): RawItem {
  const url = resolveUrl(raw.url, base);
  const imageUrl = resolveUrl(raw.imageUrl, base);
  return {
    ...raw,
    url,
    imageUrl,
    authors: raw.authors?.map((a) => ({ ...a, url: resolveUrl(a.url, base) })),
    enclosures: raw.enclosures?.flatMap((e) => {
      const resolved = resolveUrl(e.url, base);
      return resolved === undefined ? [] : [{ ...e, url: resolved }];
    }),
  };
}

function resolveItem(item: ParsedItem, feedBase: string): RawItem {
  const itemBase = fold(feedBase, item.xmlBase);
  const contentBase = item.contentXmlBase === undefined ? itemBase : fold(itemBase, [item.contentXmlBase]);
  return { ...absolutize(item.raw, itemBase), ...(contentBase !== "" && { baseUrl: contentBase }) };
}

/** Items with absolute entry URLs, plus the feed-level base the normalizer falls back to. */
export function resolveFeedItems(feed: ParsedFeed, documentUrl: string): { baseUrl: string; items: RawItem[] } {
  const baseUrl = fold(documentBase(feed, documentUrl), feed.xmlBase);
  return { baseUrl, items: feed.items.map((item) => resolveItem(item, baseUrl)) };
}
