/**
 * JSON Feed 1.1 renderer (https://jsonfeed.org/version/1.1). Absent fields are omitted, never
 * null and never "", as the spec's "optional" means. Pure: same input, same bytes.
 */
import type { Author, Channel, Enclosure, StoredItem } from "../model/index.js";
import { rfc3339, writableEpoch } from "./dates.js";
import { feedLinks, linkHref } from "./feed-links.js";
import { itemTerms } from "./terms.js";
import { httpUrl } from "./urls.js";

const VERSION = "https://jsonfeed.org/version/1.1";

interface JsonAuthor {
  readonly name?: string | undefined;
  readonly url?: string | undefined;
}

interface JsonAttachment {
  readonly url: string;
  readonly mime_type: string;
  readonly size_in_bytes?: number | undefined;
}

interface JsonItem {
  readonly id: string;
  readonly url?: string | undefined;
  readonly title?: string | undefined;
  readonly content_html?: string | undefined;
  readonly content_text?: string | undefined;
  readonly summary?: string | undefined;
  readonly image?: string | undefined;
  readonly date_published?: string | undefined;
  readonly date_modified?: string | undefined;
  readonly authors?: readonly JsonAuthor[] | undefined;
  readonly tags?: readonly string[] | undefined;
  readonly language?: string | undefined;
  readonly attachments?: readonly JsonAttachment[] | undefined;
}

interface JsonFeed {
  readonly version: string;
  readonly title: string;
  readonly home_page_url?: string | undefined;
  readonly feed_url?: string | undefined;
  readonly description?: string | undefined;
  readonly next_url?: string | undefined;
  readonly language?: string | undefined;
  readonly authors?: readonly JsonAuthor[] | undefined;
  readonly hubs?: ReadonlyArray<{ readonly type: string; readonly url: string }> | undefined;
  readonly items: readonly JsonItem[];
}

export function renderJsonFeed(channel: Channel, items: readonly StoredItem[]): string {
  // The same links as RSS and Atom (feed-links.ts); JSON Feed 1.1 has a member for only some of them.
  const links = feedLinks(channel);
  const feed: JsonFeed = {
    version: VERSION,
    title: channel.title,
    home_page_url: httpUrl(linkHref(links, "alternate")),
    feed_url: httpUrl(linkHref(links, "self")),
    description: nonEmpty(channel.description),
    next_url: httpUrl(linkHref(links, "next")),
    language: nonEmpty(channel.language),
    authors: nonEmptyArray([channelAuthor(channel)]),
    hubs: nonEmptyArray(
      links.flatMap(({ rel, href }) =>
        rel !== "hub" || httpUrl(href) === undefined ? [] : [{ type: "WebSub", url: href }],
      ),
    ),
    items: items.map(jsonItem),
  };
  // JSON.stringify drops undefined members, which is exactly "omit absent fields".
  return `${JSON.stringify(feed, null, 2)}\n`;
}

/** The service itself, mirroring the Atom feed author. */
function channelAuthor(channel: Channel): JsonAuthor {
  return { name: nonEmpty(channel.title), url: httpUrl(channel.homePageUrl) };
}

function jsonItem(item: StoredItem): JsonItem {
  const published = writableEpoch(item.published);
  const modified = writableEpoch(item.updated);
  return {
    id: item.id,
    url: httpUrl(item.url),
    title: nonEmpty(item.title),
    ...body(item),
    image: httpUrl(item.imageUrl),
    date_published: published === undefined ? undefined : rfc3339(published),
    date_modified: modified === undefined ? undefined : rfc3339(modified),
    authors: nonEmptyArray(item.authors.flatMap(jsonAuthor)),
    tags: nonEmptyArray(itemTerms(item)),
    language: nonEmpty(item.language),
    attachments: nonEmptyArray(item.enclosures.flatMap(attachment)),
  };
}

/**
 * JSON Feed 1.1: an item must have content_html or content_text. Without HTML, the plain summary
 * (else the title) becomes content_text, and is then not repeated as `summary`.
 */
function body(item: StoredItem): Pick<JsonItem, "content_html" | "content_text" | "summary"> {
  if (item.contentHtml) return { content_html: item.contentHtml, summary: nonEmpty(item.summary) };
  return { content_text: item.summary || item.title };
}

/**
 * JSON Feed authors have a name and a url but no email; the spec allows a `mailto:` url, so an
 * author known only by email keeps it. An author with neither is dropped (one is required).
 */
function jsonAuthor(author: Author): JsonAuthor[] {
  const url = httpUrl(author.url) ?? (author.email ? `mailto:${author.email}` : undefined);
  const name = nonEmpty(author.name);
  return name === undefined && url === undefined ? [] : [{ name, url }];
}

function attachment(enclosure: Enclosure): JsonAttachment[] {
  const url = httpUrl(enclosure.url);
  if (url === undefined) return [];
  const size =
    enclosure.length !== undefined && Number.isSafeInteger(enclosure.length) && enclosure.length > 0
      ? enclosure.length
      : undefined;
  return [{ url, mime_type: enclosure.type || "application/octet-stream", size_in_bytes: size }];
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === "" ? undefined : value;
}

function nonEmptyArray<T>(values: readonly T[]): readonly T[] | undefined {
  return values.length === 0 ? undefined : values;
}
