import type { CollectOutcome, Collector } from "../collector.js";
import { fetchConditionally } from "../conditional-fetch.js";
import { fetchedDocument } from "../fetched-document.js";
import { parserOf } from "../parse-jobs.js";

export { FeedError } from "./feed-error.js";
export { parseFeedDocument, type FeedFormatHint } from "./parse.js";
export type { ParsedFeed, ParsedItem, FeedFormat } from "./parsed-feed.js";

/** What we can read, best first (RFC 9110 §12.5.1). */
const FEED_ACCEPT =
  "application/atom+xml, application/rss+xml, application/feed+json;q=0.9, application/rdf+xml;q=0.8, application/xml;q=0.7, text/xml;q=0.7, application/json;q=0.6, */*;q=0.1";

/**
 * The `feed` source kind: one conditional GET, then the document is read on a parse thread
 * (read-feed.ts). A document we cannot read throws (the worker marks the source failing).
 */
export const collectFeed: Collector = async (source, ctx): Promise<CollectOutcome> => {
  const response = await fetchConditionally({ url: source.url, accept: FEED_ACCEPT, previous: ctx.previous }, ctx);
  if (response.status === "not-modified") return response.outcome;
  const { fetched, validators } = response;

  const { items, warnings } = await parserOf(ctx)("feed", {
    document: fetchedDocument(fetched),
    sourceId: source.id,
    now: ctx.clock(),
    maxBytes: ctx.fetchOptions.maxBytes,
  });
  return { items, warnings, notModified: false, ...validators };
};
