import { setImmediate as nextTurn } from "node:timers/promises";
import type { CollectedItem, EpochMs } from "../../model/index.js";
import { decodeText } from "../decode.js";
import { documentBytes, type FetchedDocument } from "../fetched-document.js";
import { dedupeById, MarkupLimitError, normalizeItem } from "../normalize.js";
import type { RawItem } from "../raw-item.js";
import { FeedError } from "./feed-error.js";
import { gunzipIfCompressed } from "./gzip-body.js";
import { parseFeedDocument, sniffFormat } from "./parse.js";
import { resolveFeedItems } from "./resolve-bases.js";

/**
 * A fetched feed document → its normalized items: gunzip → decode → parse → resolve bases →
 * normalize → dedupe. The CPU-heavy half of the `feed` kind, run on a parse thread
 * (parse-pool/), so it takes plain data and returns plain data.
 */

export interface FeedDocumentInput {
  readonly document: FetchedDocument;
  readonly sourceId: string;
  readonly now: EpochMs;
  /** Cap on a gunzipped body, as on any fetched one (fetch options `maxBytes`). */
  readonly maxBytes: number;
}

export interface FeedReading {
  readonly items: readonly CollectedItem[];
  readonly warnings: readonly string[];
}

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
 * entries, so when this runs inline (no parse pool) requests wait for one entry, not a document.
 */
async function normalizeAll(
  input: FeedDocumentInput,
  baseUrl: string,
  raws: readonly RawItem[],
): Promise<{ items: CollectedItem[]; warnings: string[]; refused: number }> {
  const normalized: CollectedItem[] = [];
  const refusals: string[] = [];
  for (const [index, raw] of raws.entries()) {
    if (index > 0) await nextTurn();
    try {
      const item = normalizeItem(raw, { sourceId: input.sourceId, kind: "article", baseUrl, now: input.now });
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

/** A document we cannot read throws a FeedError (the worker marks the source failing). */
export async function readFeedDocument(input: FeedDocumentInput): Promise<FeedReading> {
  const { document } = input;
  const body = gunzipIfCompressed(documentBytes(document), input.maxBytes);
  const format = sniffFormat(documentHead(body), document.contentType);
  const { text } = decodeText(body, {
    format,
    ...(document.contentType !== undefined && { contentType: document.contentType }),
  });
  const parsed = await parseFeedDocument(text, format);
  const { baseUrl, items: raws } = resolveFeedItems(parsed, document.url);
  const { items, warnings, refused } = await normalizeAll(input, baseUrl, raws);
  // A tolerant parse that saved nothing is a broken feed, not an empty one: fail the source visibly.
  if (parsed.malformed !== undefined && items.length === 0) {
    throw new FeedError(`feed: malformed XML (${parsed.malformed}); no entries could be recovered`);
  }
  // Only refused entries: the source keeps sending what we cannot parse, so it backs off like a failing one.
  if (refused > 0 && refused === raws.length) {
    throw new FeedError(`feed: every entry (${refused}) was refused: ${warnings[0] ?? ""}`);
  }
  return { items, warnings: [...parsed.warnings, ...warnings] };
}
