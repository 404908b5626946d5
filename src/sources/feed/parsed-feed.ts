import type { RawItem } from "../raw-item.js";

/** What every format parser produces: items as found, plus the `xml:base` chain still to apply. */

export type FeedFormat = "rss" | "atom" | "json";

export interface ParsedItem {
  /** URLs may still be relative; they resolve against the item's base chain. */
  readonly raw: RawItem;
  /** `xml:base` values on the entry itself, outermost first (XML Base §4.2). */
  readonly xmlBase: readonly string[];
  /** `xml:base` on the element holding the HTML body, which governs links inside it. */
  readonly contentXmlBase?: string;
}

export interface ParsedFeed {
  readonly format: FeedFormat;
  readonly title?: string;
  /** The site's page (RSS channel `link`, Atom `rel=alternate`, JSON `home_page_url`). */
  readonly homePageUrl?: string;
  /** The feed's own URL as it states it (Atom/`atom:link` `rel=self`, JSON `feed_url`). */
  readonly feedUrl?: string;
  readonly language?: string;
  /** `xml:base` values on the root and channel/feed element, outermost first. */
  readonly xmlBase: readonly string[];
  readonly items: readonly ParsedItem[];
  /** Set when the XML was not well-formed and items were recovered by a tolerant pass: the parser's complaint. */
  readonly malformed?: string;
  /** Non-fatal problems, e.g. recovered from malformed XML. */
  readonly warnings: readonly string[];
}
