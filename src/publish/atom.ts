/**
 * Atom 1.0 renderer (RFC 4287), with WebSub hub links and RFC 5005 paging links. Pure: the same
 * channel and items always give the same bytes.
 */
import type { Author, Channel, Enclosure, StoredItem } from "../model/index.js";
import { EMPTY_FEED_UPDATED, feedUpdated, itemUpdated, rfc3339, writableEpoch } from "./dates.js";
import { atomEntryId, atomFeedId } from "./entry-id.js";
import { feedLinks } from "./feed-links.js";
import { itemTerms } from "./terms.js";
import { httpUrl } from "./urls.js";
import { element, optionalText, serializeDocument, type XmlElement } from "./xml.js";

const ATOM_NS = "http://www.w3.org/2005/Atom";

export function renderAtom(channel: Channel, items: readonly StoredItem[]): string {
  const updated = feedUpdated(channel, items) ?? EMPTY_FEED_UPDATED;
  const feed = element("feed", { xmlns: ATOM_NS, "xml:lang": channel.language || undefined }, [
    element("id", {}, atomFeedId(channel.id)),
    element("title", { type: "text" }, channel.title),
    optionalText("subtitle", channel.description, { type: "text" }),
    element("updated", {}, rfc3339(updated)),
    feedAuthor(channel),
    optionalText("generator", channel.generator),
    ...feedLinkElements(channel),
    ...channel.categories.map((term) => (term === "" ? undefined : element("category", { term }))),
    ...items.map((item) => entryElement(item, updated)),
  ]);
  return serializeDocument(feed, channel.stylesheetHref);
}

/**
 * RFC 4287 §4.1.1: a feed needs an author unless every entry has one. Always writing the
 * service itself as feed author keeps every entry valid, with or without upstream authors.
 */
function feedAuthor(channel: Channel): XmlElement {
  return element("author", {}, [
    element("name", {}, channel.title || channel.homePageUrl),
    httpUrl(channel.homePageUrl) === undefined ? undefined : element("uri", {}, channel.homePageUrl),
  ]);
}

/** The feed's links (feed-links.ts): self, alternate, hubs, RFC 5005 §3 paging. */
function feedLinkElements(channel: Channel): XmlElement[] {
  return feedLinks(channel, "application/atom+xml").map(({ rel, href, type }) => element("link", { rel, type, href }));
}

function entryElement(item: StoredItem, feedUpdatedMs: number): XmlElement {
  const url = httpUrl(item.url);
  const published = writableEpoch(item.published);
  return element("entry", { "xml:lang": item.language || undefined }, [
    element("id", {}, atomEntryId(item)),
    element("title", { type: "text" }, item.title),
    // Required (RFC 4287 §4.1.2); the feed's date is the last resort for an item with no usable date.
    element("updated", {}, rfc3339(itemUpdated(item) ?? feedUpdatedMs)),
    published === undefined ? undefined : element("published", {}, rfc3339(published)),
    ...item.authors.map(entryAuthor),
    // term is required (RFC 4287 §4.2.2.1); a label would only repeat it, so none is written.
    ...itemTerms(item).map((term) => element("category", { term })),
    url === undefined ? undefined : element("link", { rel: "alternate", type: "text/html", href: url }),
    ...item.enclosures.map(enclosureLink),
    ...bodyElements(item, url !== undefined),
  ]);
}

/** RFC 4287 §3.2: name is required; an author without one is skipped (the feed author covers the entry). */
function entryAuthor(author: Author): XmlElement | undefined {
  if (author.name === "") return undefined;
  const uri = httpUrl(author.url);
  return element("author", {}, [
    element("name", {}, author.name),
    optionalText("email", author.email),
    uri === undefined ? undefined : element("uri", {}, uri),
  ]);
}

function enclosureLink(enclosure: Enclosure): XmlElement | undefined {
  const href = httpUrl(enclosure.url);
  if (href === undefined) return undefined;
  const length =
    enclosure.length !== undefined && Number.isSafeInteger(enclosure.length) && enclosure.length > 0
      ? enclosure.length
      : undefined;
  return element("link", { rel: "enclosure", type: enclosure.type || undefined, length, href });
}

/**
 * HTML content goes in `content type="html"` and the plain summary in `summary type="text"`.
 * RFC 4287 §4.1.1 wants an entry without content to have a rel=alternate link, so an entry with
 * neither HTML nor a URL carries its summary (or title) as text content instead.
 */
function bodyElements(item: StoredItem, hasAlternate: boolean): Array<XmlElement | undefined> {
  if (item.contentHtml) {
    return [
      optionalText("summary", item.summary, { type: "text" }),
      element("content", { type: "html" }, item.contentHtml),
    ];
  }
  if (hasAlternate) return [optionalText("summary", item.summary, { type: "text" })];
  return [element("content", { type: "text" }, item.summary || item.title)];
}
