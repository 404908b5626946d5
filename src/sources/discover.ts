/**
 * What zero-config detection finds on one page, for the `discover` command: the ticker lines with
 * the instants they would be published at, the article links, and the `select:` blocks that pin
 * them. Pure: the command fetches the page and prints the report.
 */
import { load } from "cheerio";
import type { EpochMs } from "../model/index.js";
import { documentBase } from "./document-base.js";
import { describeRejections, detectArticleLinks, suggestLinkSelector } from "./html-articles/detect-links.js";
import type { DetectedLinks } from "./html-articles/detect-links.js";
import { detectTicker } from "./html-ticker/detect-ticker.js";
import { suggestTickerSelectors } from "./html-ticker/suggest-selectors.js";
import { assignTickerDates } from "./html-ticker/ticker-dates.js";
import type { TickerSelectors } from "./html-ticker/ticker-page.js";
import { markupProblem, PAGE_LIMITS } from "./markup-limits.js";

export interface DiscoveredTickerLine {
  /** As the page prints it, `HH:MM`. */
  readonly time: string;
  /** The instant it would be published at (ISO 8601, UTC). */
  readonly published: string;
  readonly title: string;
  readonly link?: string;
}

export interface TickerReport {
  readonly found: boolean;
  /** Why no ticker was found. */
  readonly reason?: string;
  /** Every qualifying block: its heading and size; the chosen one flagged. */
  readonly blocks: ReadonlyArray<{ readonly heading?: string; readonly lines: number; readonly chosen: boolean }>;
  readonly lines: readonly DiscoveredTickerLine[];
  /** The zone the instants were computed in, and the tz data release. */
  readonly timeZone: string;
  /** A `select:` that reads the same lines, or why there is none. */
  readonly select?: TickerSelectors;
  readonly selectReason?: string;
}

export interface ArticlesReport {
  readonly found: boolean;
  readonly reason?: string;
  readonly links: readonly string[];
  /** How many links of the page were left out, by reason. */
  readonly rejected: DetectedLinks["rejectedCounts"];
  /** The same, in words: "3 on other sites, 10 in navigation". */
  readonly rejectedSummary: string;
  /** A `select.link` that picks the same links, when one does. */
  readonly selectLink?: string;
}

export interface DiscoveryReport {
  readonly url: string;
  readonly ticker: TickerReport;
  readonly articles: ArticlesReport;
}

/** `pageUrl` is where the page's relative links resolve (its own URL, or the site's for a saved copy). */
export function discoverPage(
  html: string,
  pageUrl: string,
  options: { timeZone: string; now: EpochMs },
): DiscoveryReport {
  // The collectors refuse such a page (markup-limits.ts); parsing it here would hang the command.
  const problem = markupProblem(html, PAGE_LIMITS);
  if (problem !== undefined) {
    const reason = `the page is refused before parsing, as a source would refuse it: ${problem}`;
    return {
      url: pageUrl,
      ticker: { found: false, reason, blocks: [], lines: [], timeZone: options.timeZone },
      articles: { found: false, reason, links: [], rejected: {}, rejectedSummary: "" },
    };
  }
  return { url: pageUrl, ticker: tickerReport(html, pageUrl, options), articles: articlesReport(html, pageUrl) };
}

function tickerReport(
  html: string,
  pageUrl: string,
  { timeZone, now }: { timeZone: string; now: EpochMs },
): TickerReport {
  const $ = load(html);
  const detection = detectTicker($, documentBase($, pageUrl));
  const { chosen } = detection;
  const blocks = detection.blocks.map((block) => ({
    ...(block.heading !== undefined && { heading: block.heading }),
    lines: block.lines.length,
    chosen: block === chosen,
  }));
  if (chosen === undefined)
    return { found: false, reason: detection.reason ?? "no block qualified", blocks, lines: [], timeZone };
  // Dated as a first pass of the collector would date them (no stored lines to recall).
  const instants = assignTickerDates(
    chosen.lines.map((line) => line.time),
    now,
    timeZone,
  );
  const lines = chosen.lines.map((line, index): DiscoveredTickerLine => ({
    time: `${String(line.time.hour).padStart(2, "0")}:${String(line.time.minute).padStart(2, "0")}`,
    published: new Date(instants[index] ?? now).toISOString(),
    title: line.title,
    ...(line.link !== undefined && { link: line.link }),
  }));
  const suggestion = suggestTickerSelectors(html, pageUrl, chosen);
  return {
    found: true,
    blocks,
    lines,
    timeZone,
    ...("select" in suggestion ? { select: suggestion.select } : { selectReason: suggestion.reason }),
  };
}

function articlesReport(html: string, pageUrl: string): ArticlesReport {
  const detected = detectArticleLinks(html, pageUrl);
  const rejected = detected.rejectedCounts;
  const rejectedSummary = describeRejections(detected);
  if (detected.links.length === 0) {
    const left = rejectedSummary === "" ? "" : ` (left out: ${rejectedSummary})`;
    return {
      found: false,
      reason: `no article-like link among ${detected.candidates.length} link(s) on the page${left}`,
      links: [],
      rejected,
      rejectedSummary,
    };
  }
  const selectLink = suggestLinkSelector(html, pageUrl, detected);
  return {
    found: true,
    links: detected.links,
    rejected,
    rejectedSummary,
    ...(selectLink !== undefined && { selectLink }),
  };
}
