/**
 * RSS 2.0 renderer, following the RSS Advisory Board profile and the rules of the W3C Feed
 * Validation Service. Pure: the same channel and items always give the same bytes.
 */
import type { Author, Channel, StoredItem } from "../model/index.js";
import { feedUpdated, rfc822, writableEpoch } from "./dates.js";
import { feedLinks } from "./feed-links.js";
import { escapeText } from "./html-escape.js";
import { itemTerms } from "./terms.js";
import { httpUrl } from "./urls.js";
import { element, optionalText, serializeDocument, type XmlElement } from "./xml.js";

const ATOM_NS = "http://www.w3.org/2005/Atom";
const DC_NS = "http://purl.org/dc/elements/1.1/";

export function renderRss(channel: Channel, items: readonly StoredItem[]): string {
  const rss = element("rss", { version: "2.0", "xmlns:atom": ATOM_NS, "xmlns:dc": DC_NS }, [
    element("channel", {}, [...channelElements(channel, items), ...items.map(itemElement)]),
  ]);
  return serializeDocument(rss, channel.stylesheetHref);
}

function channelElements(channel: Channel, items: readonly StoredItem[]): Array<XmlElement | undefined> {
  const lastBuild = feedUpdated(channel, items);
  return [
    element("title", {}, channel.title),
    element("link", {}, channel.homePageUrl),
    // Required by RSS 2.0; the title is the least wrong stand-in for an empty description.
    element("description", {}, channel.description || channel.title),
    optionalText("language", channel.language),
    // Omitted for an empty feed rather than stamped with "now" (docs/ARCHITECTURE.md: validators tell the truth).
    lastBuild === undefined ? undefined : element("lastBuildDate", {}, rfc822(lastBuild)),
    optionalText("generator", channel.generator),
    ttlElement(channel.ttlMinutes),
    ...channel.categories.map((category) => optionalText("category", category)),
    ...atomLinks(channel),
  ];
}

/** RSS 2.0 `<ttl>` is a number of minutes; only a positive whole number means anything. */
function ttlElement(ttlMinutes: number | undefined): XmlElement | undefined {
  return ttlMinutes !== undefined && Number.isInteger(ttlMinutes) && ttlMinutes > 0
    ? element("ttl", {}, String(ttlMinutes))
    : undefined;
}

/**
 * The feed's links (feed-links.ts) but alternate: RSS 2.0 names the HTML page in the channel's
 * own `<link>`, and only the atom: prefix, bound to the Atom namespace, may name links here.
 */
function atomLinks(channel: Channel): XmlElement[] {
  return feedLinks(channel, "application/rss+xml")
    .filter((link) => link.rel !== "alternate")
    .map(({ rel, href, type }) => element("atom:link", { href, rel, type }));
}

function itemElement(item: StoredItem): XmlElement {
  const url = httpUrl(item.url);
  const published = writableEpoch(item.published);
  const enclosure = item.enclosures.find((candidate) => httpUrl(candidate.url) !== undefined);
  return element("item", {}, [
    element("title", {}, item.title),
    url === undefined ? undefined : element("link", {}, url),
    // description is HTML (RSS 2.0 §item); the summary is plain text, so "a<b and c>d" is escaped as HTML too.
    optionalText("description", item.contentHtml || (item.summary && escapeText(item.summary))),
    ...authorElements(item.authors),
    ...itemTerms(item).map((term) => element("category", {}, term)),
    // The W3C validator warns on more than one enclosure per item; readers take the first anyway.
    enclosure === undefined
      ? undefined
      : element("enclosure", {
          url: enclosure.url,
          length: enclosureLength(enclosure.length),
          type: enclosure.type || "application/octet-stream",
        }),
    // isPermaLink defaults to true (RSS 2.0 §guid), so say false whenever the id is not the item's URL.
    element("guid", { isPermaLink: url !== undefined && item.id === url ? "true" : "false" }, item.id),
    published === undefined ? undefined : element("pubDate", {}, rfc822(published)),
  ]);
}

/**
 * RSS `<author>` must be an email address ("email (name)"); a name alone goes in `dc:creator`,
 * as the RSS Advisory Board recommends. The W3C validator flags an item carrying both, so a
 * single author with an email uses `<author>` and every other case uses one `dc:creator` per name.
 */
function authorElements(authors: readonly Author[]): XmlElement[] {
  const named = authors.filter((author) => author.name !== "" || (author.email ?? "") !== "");
  const only = named.length === 1 ? named[0] : undefined;
  if (only?.email) return [element("author", {}, only.name ? `${only.email} (${only.name})` : only.email)];
  return named.flatMap((author) => (author.name ? [element("dc:creator", {}, author.name)] : []));
}

/** `length` is required; the W3C validator's advice is 0 when the size is unknown. */
function enclosureLength(length: number | undefined): number {
  return length !== undefined && Number.isSafeInteger(length) && length > 0 ? length : 0;
}
