/**
 * The ticker as the page shows it: one line per `select.item`, each with a wall-clock time, a
 * headline and maybe a link; without `select`, the lines detect-ticker.ts finds. Only reading
 * happens here; dating is ticker-dates.ts's job.
 */
import { contains, load } from "cheerio";
import type { Cheerio, CheerioAPI } from "cheerio";
import { absoluteUrl, documentBase } from "../document-base.js";
import { collapseWhitespace } from "../html-text.js";
import { detectTicker } from "./detect-ticker.js";
import { TickerError } from "./ticker-error.js";
import { parseTickerTime, stripLeadingTime } from "./ticker-time.js";
import type { LocalTime } from "./ticker-time.js";

/** A DOM node as cheerio hands it out (domhandler's AnyNode, which cheerio does not re-export). */
type DomNode = Parameters<typeof contains>[0];

export interface TickerSelectors {
  readonly item: string;
  readonly time: string;
  /** The headline's element; by default (or when a line has none) the line's text without its time. */
  readonly title?: string;
  readonly link?: string;
}

export interface TickerLine {
  readonly time: LocalTime;
  /** Plain text, whitespace collapsed, without the time when time and title share an element. */
  readonly title: string;
  /** Absolute URL (any scheme; the normalizer keeps http(s) only). */
  readonly link?: string;
}

export interface TickerPage {
  /** Newest first, in page order. */
  readonly lines: readonly TickerLine[];
  /** One per line that could not be read (unparseable time, no headline). */
  readonly warnings: readonly string[];
  /** The base relative links resolve against: `<base href>` (HTML §4.2.3) or the page URL. */
  readonly baseUrl: string;
  /** `<html lang>`. */
  readonly language?: string;
}

/** Longest excerpt of a line quoted in a warning. */
const QUOTE_MAX_CHARS = 80;

/**
 * Reads the ticker with `select`, else by detection. Throws a TickerError naming the selector when
 * one matches nothing on the whole page, or saying why detection found no ticker.
 */
export function readTickerPage(html: string, pageUrl: string, select: TickerSelectors | undefined): TickerPage {
  const $ = load(html);
  const baseUrl = documentBase($, pageUrl);
  const language = $("html").attr("lang")?.trim();
  const common = { baseUrl, ...(language ? { language } : {}) };
  if (select === undefined) {
    const detection = detectTicker($, baseUrl);
    if (detection.chosen === undefined) {
      throw new TickerError(
        `html-ticker: found no ticker on ${pageUrl}: ${detection.reason ?? "no block qualified"}; pin it with select:`,
      );
    }
    return { lines: detection.chosen.lines, warnings: [], ...common };
  }
  const items = $(select.item);
  if (items.length === 0) throw nothingMatched(select.item, pageUrl);
  requireSomeMatch($, items, select.time, pageUrl);
  if (select.title !== undefined) requireSomeMatch($, items, select.title, pageUrl);

  const lines: TickerLine[] = [];
  const warnings: string[] = [];
  items.each((index, element) => {
    const line = readLine($, $(element), select, baseUrl);
    if ("warning" in line) warnings.push(`html-ticker: line ${index + 1} ${line.warning}`);
    else lines.push(line);
  });
  return { lines, warnings, ...common };
}

function readLine(
  $: CheerioAPI,
  item: Cheerio<DomNode>,
  select: TickerSelectors,
  baseUrl: string,
): TickerLine | { warning: string } {
  const quoted = quote(item.text());
  const timeElement = pick(item, select.time);
  if (timeElement === undefined) return { warning: `has no time ('${select.time}'): ${quoted}` };
  const timeText = collapseWhitespace($(timeElement).text());
  const parsed = parseTickerTime(timeText);
  if (parsed === undefined) return { warning: `has an unparseable time ${quote(timeText)}: ${quoted}` };

  // Without a title element (none configured, or a line without one: an unlinked line when the
  // title is the link), the headline is the line's text without its time.
  const titleElement = select.title === undefined ? undefined : pick(item, select.title);
  const titleText = collapseWhitespace((titleElement === undefined ? item : $(titleElement)).text());
  // When the headline's element holds the time too ("17:10Société Générale…"), drop the time.
  const sharesTime = titleElement === undefined || titleElement === timeElement || contains(titleElement, timeElement);
  const title = sharesTime ? stripLeadingTime(titleText, parsed.time) : titleText;
  if (title === "") return { warning: `has no headline: ${quoted}` };

  const link = select.link === undefined ? undefined : linkOf($, item, select.link, baseUrl);
  return { time: parsed.time, title, ...(link !== undefined && { link }) };
}

/** The first element under `item` matching `selector`, else `item` itself when it matches. */
function pick(item: Cheerio<DomNode>, selector: string): DomNode | undefined {
  const found = item.find(selector).first();
  if (found.length > 0) return found.get(0);
  return item.is(selector) ? item.get(0) : undefined;
}

function linkOf($: CheerioAPI, item: Cheerio<DomNode>, selector: string, baseUrl: string): string | undefined {
  const element = pick(item, selector);
  if (element === undefined) return undefined;
  const href = $(element).attr("href") ?? $(element).find("a[href]").first().attr("href");
  return href === undefined ? undefined : absoluteUrl(href, baseUrl);
}

function requireSomeMatch($: CheerioAPI, items: Cheerio<DomNode>, selector: string, pageUrl: string): void {
  const matched = items.toArray().some((element) => pick($(element), selector) !== undefined);
  if (!matched) throw nothingMatched(selector, pageUrl);
}

function nothingMatched(selector: string, pageUrl: string): TickerError {
  return new TickerError(`html-ticker: selector '${selector}' matched nothing on ${pageUrl}`);
}

function quote(text: string): string {
  const flat = collapseWhitespace(text);
  return flat.length <= QUOTE_MAX_CHARS ? `"${flat}"` : `"${flat.slice(0, QUOTE_MAX_CHARS - 1)}…"`;
}
