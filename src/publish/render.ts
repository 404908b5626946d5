/** The renderer and media type of each feed format, for the HTTP layer and the static snapshot writer. */
import type { Channel, FeedFormat, StoredItem } from "../model/index.js";
import { renderAtom } from "./atom.js";
import { renderJsonFeed } from "./json-feed.js";
import { renderRss } from "./rss.js";

export type Renderer = (channel: Channel, items: readonly StoredItem[]) => string;

export const RENDERERS: Readonly<Record<FeedFormat, Renderer>> = Object.freeze({
  rss: renderRss,
  atom: renderAtom,
  json: renderJsonFeed,
});

/** RSS: RSS Advisory Board's registered-in-practice type; Atom: RFC 4287 §7; JSON Feed 1.1 §"Suggestions". */
export const CONTENT_TYPES: Readonly<Record<FeedFormat, string>> = Object.freeze({
  rss: "application/rss+xml; charset=utf-8",
  atom: "application/atom+xml; charset=utf-8",
  json: "application/feed+json; charset=utf-8",
});
