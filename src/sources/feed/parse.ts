import type { ParsedFeed } from "./parsed-feed.js";
import { parseJsonFeed } from "./parse-json.js";
import { parseXmlFeed } from "./parse-xml.js";

/** The one parse entry for the feed kind: a decoded document → ParsedFeed, whatever its format. */

export type FeedFormatHint = "xml" | "json";

/** JSON by media type (RFC 8259 / JSON Feed's application/feed+json), else by the first character. */
export function sniffFormat(text: string, contentType?: string): FeedFormatHint {
  if (contentType !== undefined && /[/+]json\b/i.test(contentType)) return "json";
  return /^[\s\uFEFF]*[{[]/.test(text) ? "json" : "xml";
}

export async function parseFeedDocument(text: string, format: FeedFormatHint = sniffFormat(text)): Promise<ParsedFeed> {
  return format === "json" ? parseJsonFeed(text) : parseXmlFeed(text);
}
