import type { EpochMs } from "./item.js";

export type FeedFormat = "rss" | "atom" | "json";
export const FEED_FORMATS: readonly FeedFormat[] = ["rss", "atom", "json"];

/** Feed-level metadata a renderer needs; every URL is absolute. */
export interface Channel {
  readonly title: string;
  readonly description: string;
  /** The site's HTML page for this feed (index page of this service). */
  readonly homePageUrl: string;
  /** The URL this very document is served at (rel=self). */
  readonly selfUrl: string;
  /** Stable feed id IRI (Atom `id`), independent of format and page. */
  readonly id: string;
  readonly language: string;
  /** Newest change among the items, or undefined for an empty feed. */
  readonly updated?: EpochMs | undefined;
  readonly generator: string;
  /** Minutes a reader may cache (RSS `<ttl>`). */
  readonly ttlMinutes?: number | undefined;
  /** WebSub hub URLs (rel=hub). */
  readonly hubs: readonly string[];
  /** RFC 5005 paging links, absolute. */
  readonly paging?:
    | {
        readonly first?: string | undefined;
        readonly next?: string | undefined;
        readonly previous?: string | undefined;
        readonly current?: string | undefined;
      }
    | undefined;
  /**
   * Same-origin path of the XSLT that shows RSS and Atom readably in a browser (`<?xml-stylesheet?>`);
   * absent, the document names none.
   */
  readonly stylesheetHref?: string | undefined;
  /** Category label the feed represents, used for feed-level `<category>`. */
  readonly categories: readonly string[];
}
