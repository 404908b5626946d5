/**
 * Article dates that carry no zone. Many news sites print their local wall-clock time and say
 * nothing about the zone (en.walaw.press: "Thursday 03 April 2025 - 17:00", Morocco time), in a
 * visible date line and sometimes in their markup too. A source's `timezone:` says which zone
 * that is; without it such dates stay UTC, as parseDate reads them everywhere else.
 */
import type { CheerioAPI } from "cheerio";
import { isTag, isText } from "domhandler";
import { zoneClock } from "../../zones/zone-clock.js";
import { parseDateParts } from "../dates.js";

/** A date line is short: a label, a date and a time. Longer text is prose that happens to hold a date. */
const MAX_DATE_LINE_CHARS = 64;
/** Labels sites put before the date ("Published: …", "Updated on …"). */
const DATE_LABEL = /^(?:published|posted|updated|last updated|date)(?:\s+on)?\s*:?\s*/i;
const NEVER_TEXT = new Set(["script", "style", "noscript", "template"]);

/**
 * `value` as an absolute date: unchanged when it states its zone or no `timeZone` is known (the
 * normalizer then reads it as UTC), else the instant its wall-clock time denotes in `timeZone`
 * (RFC 5545 rules for gaps and repeats, see zone-clock.ts) as an ISO string.
 */
export function inTimeZone(value: string | undefined, timeZone: string | undefined): string | undefined {
  if (value === undefined || timeZone === undefined) return value;
  const date = parseDateParts(value);
  if (date === undefined || date.offsetMinutes !== undefined) return value;
  const wall = zoneClock(timeZone).toEpoch(
    { year: date.year, month: date.month, day: date.day },
    { hour: date.hour, minute: date.minute },
  );
  // toEpoch works in minutes; seconds and milliseconds ride along unchanged.
  const instant = wall + date.second * 1000 + date.ms;
  return Number.isFinite(instant) ? new Date(instant).toISOString() : value;
}

/**
 * The page's visible date line, for pages whose markup states no date: the first short element
 * whose whole text is a date, inside the `<article>` when there is one, else after the first
 * `<h1>` (a story's date sits under its headline; dates above it belong to the site's header).
 */
export function visibleDateLine($: CheerioAPI): string | undefined {
  for (const element of storyLines($)) {
    if (NEVER_TEXT.has(element.tagName.toLowerCase())) continue;
    const line = collapse($(element).text()).replace(DATE_LABEL, "");
    if (line.length > 0 && line.length <= MAX_DATE_LINE_CHARS && parseDateParts(line) !== undefined) return line;
  }
  return undefined;
}

/** Elements of the story in document order: the `<article>`'s, else those after the first `<h1>`, else the body's. */
function storyElements($: CheerioAPI): DomElement[] {
  const article = $("article").first();
  if (article.length > 0) return article.find("*").toArray();
  const all = bodyElements($);
  const h1 = $("h1").first().get(0);
  const start = h1 === undefined ? -1 : all.indexOf(h1);
  return start < 0 ? all : all.slice(start + 1);
}

/**
 * The story's line elements: those holding only text and inline elements, where a date line or a
 * byline sits. Block wrappers are skipped, so each element's text is read a bounded number of
 * times (reading every wrapper's text made a large page quadratic).
 */
export function storyLines($: CheerioAPI): DomElement[] {
  return storyElements($).filter((element) =>
    element.children.every((child) => isText(child) || (isTag(child) && INLINE.has(child.tagName.toLowerCase()))),
  );
}

const INLINE = new Set([
  "a",
  "abbr",
  "b",
  "bdi",
  "br",
  "em",
  "font",
  "i",
  "small",
  "span",
  "strong",
  "sub",
  "sup",
  "time",
  "u",
]);

function bodyElements($: CheerioAPI) {
  return $("body *").toArray();
}

/** An element as cheerio hands it out (domhandler's Element, which cheerio does not re-export). */
type DomElement = ReturnType<typeof bodyElements>[number];

export function collapse(value: string): string {
  return value.replace(/[\s\u00A0]+/g, " ").trim();
}
