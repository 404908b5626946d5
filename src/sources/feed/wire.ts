/**
 * Wire types: the shapes the parsers hand us, before adaptation. XML arrives as xml2js nodes
 * (through rss-parser), JSON Feed as parsed JSON; both are untrusted, so every reader checks types
 * at runtime instead of trusting these declarations.
 */

/** xml2js: an element with no attributes and only text is a plain string. */
export type XmlNode = string | XmlElement;

/** xml2js element: `_` text, `$` attributes, children as arrays under their qualified names. */
export interface XmlElement {
  readonly _?: unknown;
  readonly $?: unknown;
  readonly [child: string]: unknown;
}

/** rss-parser's item or feed object with our custom fields (raw node arrays under `x:<name>`). */
export type RssParserRecord = Readonly<Record<string, unknown>>;

export interface RssParserOutput {
  readonly title?: unknown;
  readonly link?: unknown;
  readonly feedUrl?: unknown;
  readonly language?: unknown;
  readonly items: readonly RssParserRecord[];
  readonly [field: string]: unknown;
}

/** JSON Feed 1.0/1.1 (https://www.jsonfeed.org/version/1.1/), as published; every field optional in practice. */
export interface JsonFeedAuthor {
  readonly name?: unknown;
  readonly url?: unknown;
  readonly avatar?: unknown;
}

export interface JsonFeedAttachment {
  readonly url?: unknown;
  readonly mime_type?: unknown;
  readonly size_in_bytes?: unknown;
  readonly title?: unknown;
}

export interface JsonFeedItem {
  readonly id?: unknown;
  readonly url?: unknown;
  readonly external_url?: unknown;
  readonly title?: unknown;
  readonly content_html?: unknown;
  readonly content_text?: unknown;
  readonly summary?: unknown;
  readonly image?: unknown;
  readonly banner_image?: unknown;
  readonly date_published?: unknown;
  readonly date_modified?: unknown;
  readonly author?: unknown;
  readonly authors?: unknown;
  readonly tags?: unknown;
  readonly language?: unknown;
  readonly attachments?: unknown;
}

export interface JsonFeedDocument {
  readonly version?: unknown;
  readonly title?: unknown;
  readonly home_page_url?: unknown;
  readonly feed_url?: unknown;
  readonly language?: unknown;
  readonly items?: unknown;
}
