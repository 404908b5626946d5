/**
 * The CPU-heavy half of the html-articles kind, run on a parse thread (parse-pool/): a fetched
 * listing page → the article links on it, and a fetched article page → its normalized item. Plain
 * data in and out; fetching, the store's memory and the per-pass cap stay with the collector.
 */
import type { CollectedItem, EpochMs } from "../../model/index.js";
import { decodeText } from "../decode.js";
import { documentBytes, type FetchedDocument } from "../fetched-document.js";
import { MarkupLimitError, markupProblem, PAGE_LIMITS } from "../markup-limits.js";
import { normalizeItem } from "../normalize.js";
import { readArticlePage } from "./article-page.js";
import { ArticlesError } from "./articles-error.js";
import { describeRejections, detectArticleLinks } from "./detect-links.js";
import { readListingLinks } from "./listing-page.js";

export interface ListingDocumentInput {
  readonly document: FetchedDocument;
  /** `select.link`; undefined: detect the article links. */
  readonly selector?: string;
}

export interface ArticleDocumentInput {
  readonly document: FetchedDocument;
  readonly sourceId: string;
  readonly now: EpochMs;
  /** `select.body`: the story's text; Readability otherwise. */
  readonly bodySelector?: string;
  /** The source's `timezone:`, for dates the page states without a zone. */
  readonly timeZone?: string;
}

export interface ArticleReading {
  /** Undefined when the page had no title, text or link. */
  readonly item?: CollectedItem;
  readonly warnings: readonly string[];
}

/** The configured `select.link`'s links, else the article links detect-links.ts finds. Throws an ArticlesError when there are none. */
export function readListingDocument(input: ListingDocumentInput): readonly string[] {
  const { document, selector } = input;
  const html = withinPageLimits(htmlText(document), document.url);
  if (selector !== undefined) return readListingLinks(html, document.url, selector);
  const detected = detectArticleLinks(html, document.url);
  if (detected.links.length > 0) return detected.links;
  const why = describeRejections(detected);
  throw new ArticlesError(
    `html-articles: found 0 article-like links among ${detected.candidates.length} links on ${document.url}${why === "" ? "" : ` (${why})`}; pin select.link`,
  );
}

/** One article page read and normalized; a page beyond the markup limits throws an ArticlesError caused by a MarkupLimitError. */
export function readArticleDocument(input: ArticleDocumentInput): ArticleReading {
  const { document } = input;
  const article = readArticlePage(withinPageLimits(htmlText(document), document.url), document.url, {
    ...(input.bodySelector !== undefined && { bodySelector: input.bodySelector }),
    ...(input.timeZone !== undefined && { timeZone: input.timeZone }),
  });
  const item = normalizeItem(article.raw, {
    sourceId: input.sourceId,
    kind: "article",
    baseUrl: article.baseUrl,
    now: input.now,
  });
  return { ...(item !== undefined && { item }), warnings: article.warnings };
}

/**
 * A page beyond the markup limits is refused before any parser sees it (markup-limits.ts): a
 * listing fails the source (and the worker backs off), an article page becomes a warning naming it.
 */
function withinPageLimits(html: string, pageUrl: string): string {
  const problem = markupProblem(html, PAGE_LIMITS);
  if (problem === undefined) return html;
  const cause = new MarkupLimitError(`markup: page refused before parsing: ${problem}`);
  throw new ArticlesError(`html-articles: refused ${pageUrl}: ${cause.message}`, { cause });
}

function htmlText(document: FetchedDocument): string {
  return decodeText(documentBytes(document), {
    format: "html",
    ...(document.contentType !== undefined && { contentType: document.contentType }),
  }).text;
}
