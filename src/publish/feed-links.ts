/**
 * The one list of links a feed document advertises, in the order every format writes them: RSS
 * (`atom:link`), Atom (`link`), JSON Feed (`feed_url`, `home_page_url`, `hubs`, `next_url`) and
 * the HTTP `Link` header (RFC 8288) all read it, so a relation is named and ordered once.
 */
import type { Channel } from "../model/index.js";

/**
 * self and alternate (RFC 4287 §4.2.7.2), hub (W3C WebSub §4), then the RFC 5005 §3 paging
 * relations, whose name for the page before is `previous`.
 */
export type FeedRelation = "self" | "alternate" | "hub" | "first" | "previous" | "next" | "current";

export interface FeedLinkTarget {
  readonly rel: FeedRelation;
  readonly href: string;
  /** Media type hint (RFC 4287 §4.2.7.3); only the document formats write it. */
  readonly type?: string;
}

/** What the links are made of: a channel, or the subset a rendered feed keeps for its headers. */
export type FeedLinkSource = Pick<Channel, "selfUrl" | "hubs" | "paging"> & {
  /** The HTML page this feed is the alternate of; absent, no rel=alternate. */
  readonly homePageUrl?: string | undefined;
};

/**
 * self first: the W3C validator asks for it and rss-parser takes the first `atom:link` as the feed
 * URL. An empty or absent URL is no link.
 */
export function feedLinks(source: FeedLinkSource, selfType?: string): FeedLinkTarget[] {
  const paging = source.paging ?? {};
  const links: Array<[FeedRelation, string | undefined, (string | undefined)?]> = [
    ["self", source.selfUrl, selfType],
    ["alternate", source.homePageUrl, "text/html"],
    ...source.hubs.map((hub): [FeedRelation, string] => ["hub", hub]),
    ["first", paging.first],
    ["previous", paging.previous],
    ["next", paging.next],
    ["current", paging.current],
  ];
  return links.flatMap(([rel, href, type]) =>
    href === undefined || href === "" ? [] : [type === undefined ? { rel, href } : { rel, href, type }],
  );
}

/**
 * The HTTP `Link` field value (RFC 8288 §3) for the same links, without alternate: the feed *is*
 * the document the header travels with, its HTML page is not a header matter. `previous` is also
 * written `prev` (RFC 8288 §3.3 allows several relation types in one `rel`): the header said only
 * `prev` before it followed RFC 5005's spelling, and `prev` is the IANA-registered synonym header
 * parsers and `rel=prev` pagers look for, so both keep working.
 */
export function linkHeaderValue(source: FeedLinkSource): string {
  return feedLinks(source)
    .filter(({ rel }) => rel !== "alternate")
    .map(({ rel, href }) => `<${href}>; rel="${rel === "previous" ? "previous prev" : rel}"`)
    .join(", ");
}

/** The href of the first link with this relation, if any. */
export function linkHref(links: readonly FeedLinkTarget[], rel: FeedRelation): string | undefined {
  return links.find((link) => link.rel === rel)?.href;
}
