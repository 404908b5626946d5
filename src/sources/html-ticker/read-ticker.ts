/**
 * A fetched ticker page → its readable lines: decode → markup limits → read (ticker-page.ts). The
 * CPU-heavy half of the html-ticker kind, run on a parse thread (parse-pool/): plain data in and
 * out. Dating the lines needs the store, so it stays with the collector.
 */
import { decodeText } from "../decode.js";
import { documentBytes, type FetchedDocument } from "../fetched-document.js";
import { FRAGMENT_LIMITS, MarkupLimitError, markupProblem, PAGE_LIMITS } from "../markup-limits.js";
import { TickerError } from "./ticker-error.js";
import { readTickerPage } from "./ticker-page.js";
import type { TickerLine, TickerPage, TickerSelectors } from "./ticker-page.js";

export interface TickerDocumentInput {
  readonly document: FetchedDocument;
  /** The source's selectors; undefined: detect the ticker. */
  readonly select?: TickerSelectors;
}

/** The page's lines that can be read, with a warning for each that cannot. Throws a TickerError for a page that cannot be read at all. */
export function readTickerDocument(input: TickerDocumentInput): TickerPage {
  const { document } = input;
  const { text } = decodeText(documentBytes(document), {
    format: "html",
    ...(document.contentType !== undefined && { contentType: document.contentType }),
  });
  // Warnings quote a line that cannot be read; a document without a single tag is no page, and
  // quoting it would publish whatever file it is on /status (issue 9 point 7).
  if (!/<[a-z!/?]/i.test(text))
    throw new TickerError(`html-ticker: ${document.url} is not an HTML page (no markup); none of it is quoted`);
  const page = readTickerPage(withinPageLimits(text, document.url), document.url, input.select);
  const { lines, refusals } = parseableLines(page.lines);
  return { ...page, lines, warnings: [...page.warnings, ...refusals] };
}

/**
 * A page beyond the markup limits fails the source before any parser sees it (markup-limits.ts):
 * parsing it would hold a parse thread, and failing makes the worker back off.
 */
function withinPageLimits(html: string, pageUrl: string): string {
  const problem = markupProblem(html, PAGE_LIMITS);
  if (problem === undefined) return html;
  const cause = new MarkupLimitError(`markup: page refused before parsing: ${problem}`);
  throw new TickerError(`html-ticker: refused ${pageUrl}: ${cause.message}`, { cause });
}

/**
 * Lines whose headline is itself markup too deep or too large to read as text (escaped tags on the
 * page) are dropped with a warning; the other lines are kept.
 */
function parseableLines(lines: readonly TickerLine[]): { lines: TickerLine[]; refusals: string[] } {
  const kept: TickerLine[] = [];
  const refusals: string[] = [];
  lines.forEach((line, index) => {
    const problem = markupProblem(line.title, FRAGMENT_LIMITS);
    if (problem === undefined) kept.push(line);
    else
      refusals.push(`html-ticker: dropped line ${index + 1}: markup: its headline refused before parsing: ${problem}`);
  });
  return { lines: kept, refusals };
}
