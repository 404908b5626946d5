/**
 * A dated ticker line as a CollectedItem, and the id it gets.
 *
 * Identity (docs/ARCHITECTURE.md "An item's id is minted once"): a line without a link is a hash of source +
 * normalized headline + its instant (mintItemId, via normalizeItem). The instant is the local
 * calendar day the line was assigned plus its printed time, so a re-scrape that assigns the same
 * day gives the same id, and collect-ticker.ts makes sure a stale ticker does.
 *
 * A line with a link is identified by that link — namespaced by source, not the bare URL: a ticker
 * line almost always links to an article that an html-articles or feed source collects under the
 * bare URL, and sharing that id would make the two rows overwrite each other, and would make
 * html-articles skip the article page as "already stored" when the ticker saw it first.
 */
import { createHash } from "node:crypto";
import type { CollectedItem, EpochMs } from "../../model/index.js";
import { normalizeItem, resolveUrl } from "../normalize.js";
import type { TickerLine } from "./ticker-page.js";

export interface TickerItemContext {
  readonly sourceId: string;
  /** The page's base URL (its `<base href>`, else its own URL). */
  readonly baseUrl: string;
  readonly language?: string;
  readonly now: EpochMs;
}

export function tickerItem(line: TickerLine, published: EpochMs, ctx: TickerItemContext): CollectedItem | undefined {
  const url = resolveUrl(line.link, ctx.baseUrl);
  return normalizeItem(
    {
      title: line.title,
      published,
      ...(url !== undefined && { url, guid: linkedLineId(ctx.sourceId, url) }),
      ...(ctx.language !== undefined && { language: ctx.language }),
    },
    { sourceId: ctx.sourceId, kind: "ticker", baseUrl: ctx.baseUrl, now: ctx.now },
  );
}

/** The id of a line that links to `url`: stable whatever day the line is given (RFC 8141 URN, a valid Atom id). */
export function linkedLineId(sourceId: string, url: string): string {
  const digest = createHash("sha256").update(["html-ticker", sourceId, url].join("\n"), "utf8").digest("hex");
  return `urn:sha256:${digest}`;
}
