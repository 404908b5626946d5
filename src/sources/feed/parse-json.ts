import type { RawItem } from "../raw-item.js";
import { FeedError } from "./feed-error.js";
import type { ParsedFeed, ParsedItem } from "./parsed-feed.js";
import { escapeHtml, textToHtml } from "./text-construct.js";
import type { JsonFeedAttachment, JsonFeedAuthor, JsonFeedDocument, JsonFeedItem } from "./wire.js";

/** JSON Feed 1.0 and 1.1 (https://www.jsonfeed.org/version/1.1/), read natively. */

/** Both versions; `http://` and a trailing slash are common mistakes, still unambiguous. */
const VERSION = /^https?:\/\/jsonfeed\.org\/version\/1(?:\.\d+)?\/?$/;

function isRecord(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function str(value: unknown): string | undefined {
  return typeof value === "string" && value.trim() !== "" ? value : undefined;
}

/** Ids "should" be strings (1.1 §items.id) but numbers are common in the wild; both name the same item. */
function idOf(value: unknown): string | undefined {
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  return str(value);
}

/**
 * `title` and `summary` are plain text (JSON Feed 1.1 §items: HTML only in content_html), escaped
 * like content_text so the normalizer, which reads HTML, keeps "Use a<b and c>d" and "AT&amp;T"
 * as written.
 */
function plainText(value: unknown): string | undefined {
  const text = str(value);
  return text === undefined ? undefined : escapeHtml(text);
}

function authorOf(value: unknown): { name?: string; url?: string } | undefined {
  if (!isRecord(value)) return undefined;
  const a = value as JsonFeedAuthor;
  const name = str(a.name);
  const url = str(a.url);
  return name === undefined && url === undefined
    ? undefined
    : { ...(name !== undefined && { name }), ...(url !== undefined && { url }) };
}

/** 1.1 `authors` array, else the deprecated 1.0 `author` object. */
function authorsOf(item: JsonFeedItem): NonNullable<RawItem["authors"]> {
  const list = Array.isArray(item.authors) ? (item.authors as unknown[]) : [item.author];
  return list.map(authorOf).filter((a) => a !== undefined);
}

function tagsOf(item: JsonFeedItem): string[] {
  return Array.isArray(item.tags) ? (item.tags as unknown[]).filter((t): t is string => typeof t === "string") : [];
}

function attachmentsOf(item: JsonFeedItem): NonNullable<RawItem["enclosures"]> {
  if (!Array.isArray(item.attachments)) return [];
  return (item.attachments as unknown[]).filter(isRecord).flatMap((value) => {
    const a = value as JsonFeedAttachment;
    const url = str(a.url);
    const type = str(a.mime_type);
    const length = typeof a.size_in_bytes === "number" ? a.size_in_bytes : undefined;
    return url === undefined
      ? []
      : [{ url, ...(type !== undefined && { type }), ...(length !== undefined && { length }) }];
  });
}

function adaptItem(value: Readonly<Record<string, unknown>>): ParsedItem {
  const item = value as JsonFeedItem;
  const contentText = str(item.content_text);
  const raw: RawItem = {
    guid: idOf(item.id),
    url: str(item.url) ?? str(item.external_url),
    title: plainText(item.title),
    summary: plainText(item.summary),
    // content_text is plain text: as HTML it must be escaped, or the normalizer would read markup into it.
    contentHtml: str(item.content_html) ?? (contentText === undefined ? undefined : textToHtml(contentText)),
    authors: authorsOf(item),
    tags: tagsOf(item),
    published: str(item.date_published),
    updated: str(item.date_modified),
    imageUrl: str(item.image) ?? str(item.banner_image),
    language: str(item.language),
    enclosures: attachmentsOf(item),
  };
  return { raw, xmlBase: [] };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new FeedError(`feed: invalid JSON (${cause instanceof Error ? cause.message : String(cause)})`, { cause });
  }
}

function checkVersion(doc: Readonly<Record<string, unknown>>): void {
  const version = doc.version;
  if (typeof version === "string" && VERSION.test(version.trim())) return;
  if (isRecord(doc.rss)) {
    throw new FeedError('feed: not a JSON Feed (got "RSS in JSON", an rss.channel object with no JSON Feed version)');
  }
  throw new FeedError(`feed: not a JSON Feed (version ${version === undefined ? "missing" : JSON.stringify(version)})`);
}

export function parseJsonFeed(text: string): ParsedFeed {
  const doc = parseJson(text);
  if (!isRecord(doc)) throw new FeedError("feed: not a JSON Feed (top level is not an object)");
  checkVersion(doc);
  const feed = doc as JsonFeedDocument;
  const items = Array.isArray(feed.items) ? (feed.items as unknown[]) : [];
  const skipped = items.length - items.filter(isRecord).length;
  const title = str(feed.title);
  const homePageUrl = str(feed.home_page_url);
  const feedUrl = str(feed.feed_url);
  const language = str(feed.language);
  return {
    format: "json",
    xmlBase: [],
    items: items.filter(isRecord).map(adaptItem),
    warnings: [
      ...(Array.isArray(feed.items) ? [] : ["feed: JSON Feed has no items array"]),
      ...(skipped > 0 ? [`feed: ${skipped} JSON Feed items are not objects`] : []),
    ],
    ...(title !== undefined && { title }),
    ...(homePageUrl !== undefined && { homePageUrl }),
    ...(feedUrl !== undefined && { feedUrl }),
    ...(language !== undefined && { language }),
  };
}
