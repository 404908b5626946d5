/**
 * The visible byline, "By: <name>" (en.walaw.press), for pages whose markup names no author. Only
 * the colon form is read: "By" alone starts ordinary sentences and headings ("By the numbers").
 */
import type { CheerioAPI } from "cheerio";
import { collapse, storyLines } from "./article-dates.js";

const BYLINE = /^by\s*:\s*(.+)$/i;
/** A byline is a name or two; longer text after "By:" is not one. */
const MAX_NAME_CHARS = 60;
/** What sites print after the name on the same line: a separator, a date (a day name or a digit); names hold neither. */
const AFTER_NAME = /\s+(?:[-–—|·•]\s|\d|(?:mon|tues|wednes|thurs|fri|satur|sun)day\b).*$/i;

export function bylineAuthor($: CheerioAPI): string | undefined {
  for (const element of storyLines($)) {
    const text = collapse($(element).text());
    if (text.length > MAX_NAME_CHARS + 10) continue;
    // The innermost element holding the byline: its parent's text runs on into the date and more.
    if (
      $(element)
        .children()
        .toArray()
        .some((child) => BYLINE.test(collapse($(child).text())))
    )
      continue;
    const name = BYLINE.exec(text)?.[1]?.replace(AFTER_NAME, "").trim();
    if (name !== undefined && name.length > 0 && name.length <= MAX_NAME_CHARS) return name;
  }
  return undefined;
}
