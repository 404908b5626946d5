import { setImmediate as nextTurn } from "node:timers/promises";
import type { CollectedItem, Source } from "../../model/index.js";
import type { CollectContext, CollectOutcome, Collector } from "../collector.js";
import { decodeText } from "../decode.js";
import { fetchResource } from "../fetch.js";
import { dedupeById, MarkupLimitError, normalizeItem } from "../normalize.js";
import type { RawItem } from "../raw-item.js";
import { FeedError } from "./feed-error.js";
import { gunzipIfCompressed } from "./gzip-body.js";
import { sniffFormat, parseFeedDocument } from "./parse.js";
import { resolveFeedItems } from "./resolve-bases.js";

export { FeedError } from "./feed-error.js";
export { parseFeedDocument, type FeedFormatHint } from "./parse.js";
export type { ParsedFeed, ParsedItem, FeedFormat } from "./parsed-feed.js";

/** What we can read, best first (RFC 9110 §12.5.1). */
const FEED_ACCEPT =
  "application/atom+xml, application/rss+xml, application/feed+json;q=0.9, application/rdf+xml;q=0.8, application/xml;q=0.7, text/xml;q=0.7, application/json;q=0.6, */*;q=0.1";

/** The first bytes as text, enough to tell `{` from `<` through a BOM or UTF-16 zero bytes. */
function documentHead(body: Buffer): string {
  return body
    .subarray(0, 128)
    .toString("latin1")
    .replace(/^(?:\xEF\xBB\xBF|\xFF\xFE|\xFE\xFF)/, "")
    .replace(/\0/g, "");
}

/** How a warning names an entry: its guid or link, else the start of its title, with its position. */
function entryLabel(raw: RawItem, index: number): string {
  const name = raw.guid ?? raw.url ?? raw.title?.slice(0, 80);
  return name === undefined ? `entry ${index + 1}` : `entry ${index + 1} (${JSON.stringify(name.slice(0, 200))})`;
}

/**
 * Every entry normalized on its own: one whose markup is beyond the limits (markup-limits.ts) is
 * dropped with a warning naming it, and its siblings are kept. The event loop gets a turn between
 * entries, so requests wait for at most one entry's parse and sanitize, never a whole document's.
 */
async function normalizeAll(
  source: Source,
  ctx: CollectContext,
  baseUrl: string,
  raws: readonly RawItem[],
): Promise<{ items: CollectedItem[]; warnings: string[]; refused: number }> {
  const now = ctx.clock();
  const normalized: CollectedItem[] = [];
  const refusals: string[] = [];
  for (const [index, raw] of raws.entries()) {
    if (index > 0) await nextTurn();
    try {
      const item = normalizeItem(raw, { sourceId: source.id, kind: "article", baseUrl, now });
      if (item !== undefined) normalized.push(item);
    } catch (error) {
      if (!(error instanceof MarkupLimitError)) throw error;
      refusals.push(`feed: dropped ${entryLabel(raw, index)}: ${error.message}`);
    }
  }
  const items = dedupeById(normalized);
  const empty = raws.length - normalized.length - refusals.length;
  const warnings = [
    ...refusals,
    ...(empty > 0 ? [`feed: ${empty} entries had no title, content or link`] : []),
    ...(normalized.length > items.length
      ? [`feed: ${normalized.length - items.length} entries repeated an earlier id`]
      : []),
  ];
  return { items, warnings, refused: refusals.length };
}

/**
 * The `feed` source kind: one conditional GET, then decode → parse → resolve bases → normalize →
 * dedupe. A document we cannot read throws (the worker marks the source failing).
 */
export const collectFeed: Collector = async (source, ctx): Promise<CollectOutcome> => {
  const fetched = await fetchResource({
    url: source.url,
    options: ctx.fetchOptions,
    accept: FEED_ACCEPT,
    ...(ctx.previous?.etag !== undefined && { etag: ctx.previous.etag }),
    ...(ctx.previous?.lastModified !== undefined && { lastModified: ctx.previous.lastModified }),
    ...(ctx.signal !== undefined && { signal: ctx.signal }),
  });
  const validators = {
    ...(fetched.etag !== undefined && { etag: fetched.etag }),
    ...(fetched.lastModified !== undefined && { lastModified: fetched.lastModified }),
  };
  if (fetched.status === "not-modified") return { items: [], warnings: [], notModified: true, ...validators };

  const body = gunzipIfCompressed(fetched.body, ctx.fetchOptions.maxBytes);
  const format = sniffFormat(documentHead(body), fetched.contentType);
  const { text } = decodeText(body, {
    format,
    ...(fetched.contentType !== undefined && { contentType: fetched.contentType }),
  });
  const parsed = await parseFeedDocument(text, format);
  const { baseUrl, items: raws } = resolveFeedItems(parsed, fetched.url);
  const { items, warnings, refused } = await normalizeAll(source, ctx, baseUrl, raws);
  // A tolerant parse that saved nothing is a broken feed, not an empty one: fail the source visibly.
  if (parsed.malformed !== undefined && items.length === 0) {
    throw new FeedError(`feed: malformed XML (${parsed.malformed}); no entries could be recovered`);
  }
  // Only refused entries: the source keeps sending what we cannot parse, so it backs off like a failing one.
  if (refused > 0 && refused === raws.length) {
    throw new FeedError(`feed: every entry (${refused}) was refused: ${warnings[0] ?? ""}`);
  }
  return { items, warnings: [...parsed.warnings, ...warnings], notModified: false, ...validators };
};
