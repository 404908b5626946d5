/**
 * The ticker as the page shows it: one line per `select.item`, each with a wall-clock time, a
 * headline and maybe a link. Only reading happens here; dating is ticker-dates.ts's job.
 */
import { contains, load } from "cheerio";
import type { Cheerio, CheerioAPI } from "cheerio";
import { TickerError } from "./ticker-error.js";
import { parseTickerTime, stripLeadingTime } from "./ticker-time.js";
import type { LocalTime } from "./ticker-time.js";

/** A DOM node as cheerio hands it out (domhandler's AnyNode, which cheerio does not re-export). */
type DomNode = Parameters<typeof contains>[0];

export interface TickerSelectors {
  readonly item: string;
  readonly time: string;
  readonly title: string;
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

/** Reads the ticker; throws a TickerError naming the selector when one matches nothing on the whole page. */
export function readTickerPage(html: string, pageUrl: string, select: TickerSelectors): TickerPage {
  const $ = load(html);
  const baseUrl = documentBase($, pageUrl);
  const items = $(select.item);
  if (items.length === 0) throw nothingMatched(select.item, pageUrl);
  requireSomeMatch($, items, select.time, pageUrl);
  requireSomeMatch($, items, select.title, pageUrl);

  const lines: TickerLine[] = [];
  const warnings: string[] = [];
  items.each((index, element) => {
    const line = readLine($, $(element), select, baseUrl);
    if ("warning" in line) warnings.push(`html-ticker: line ${index + 1} ${line.warning}`);
    else lines.push(line);
  });
  const language = $("html").attr("lang")?.trim();
  return { lines, warnings, baseUrl, ...(language ? { language } : {}) };
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
  const timeText = collapse($(timeElement).text());
  const parsed = parseTickerTime(timeText);
  if (parsed === undefined) return { warning: `has an unparseable time ${quote(timeText)}: ${quoted}` };

  const titleElement = pick(item, select.title);
  const titleText = titleElement === undefined ? "" : collapse($(titleElement).text());
  // When the headline's element holds the time too ("17:10Société Générale…"), drop the time.
  const sharesTime = titleElement !== undefined && (titleElement === timeElement || contains(titleElement, timeElement));
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
  return href === undefined ? undefined : absolute(href, baseUrl);
}

function documentBase($: CheerioAPI, pageUrl: string): string {
  const href = $("base[href]").first().attr("href");
  return (href === undefined ? undefined : absolute(href, pageUrl)) ?? pageUrl;
}

function absolute(href: string, base: string): string | undefined {
  const cleaned = href.trim().replace(/[\t\n\r]/g, "");
  if (cleaned === "") return undefined;
  try {
    return new URL(cleaned, base).href;
  } catch {
    return undefined;
  }
}

function requireSomeMatch($: CheerioAPI, items: Cheerio<DomNode>, selector: string, pageUrl: string): void {
  const matched = items.toArray().some((element) => pick($(element), selector) !== undefined);
  if (!matched) throw nothingMatched(selector, pageUrl);
}

function nothingMatched(selector: string, pageUrl: string): TickerError {
  return new TickerError(`html-ticker: selector '${selector}' matched nothing on ${pageUrl}`);
}

function collapse(text: string): string {
  return text.replace(/[\s\u00A0]+/g, " ").trim();
}

function quote(text: string): string {
  const flat = collapse(text);
  return flat.length <= QUOTE_MAX_CHARS ? `"${flat}"` : `"${flat.slice(0, QUOTE_MAX_CHARS - 1)}…"`;
}
