/**
 * Reading the wall-clock time a news ticker prints in front of each line.
 *
 * Sites write it as `17:10`, `9:05`, `17h10` (French usage) or `17.10`, and some put the time and
 * the headline in one element with no space between them (`17:10Société Générale…`), so the time
 * is read from the start of the text and whatever follows is handed back. A ticker label in front
 * of the time ("Breaking 17:10 …", "Latest News: 09:05 …") is not part of the line and is skipped.
 */

import type { LocalTime } from "../../zones/zone-clock.js";

export type { LocalTime } from "../../zones/zone-clock.js";

export interface ParsedTickerTime {
  readonly time: LocalTime;
  /** The text after the time, trimmed (the headline when time and title share one element). */
  readonly rest: string;
}

// H or HH, a separator (":", "h"/"H", "."), then exactly MM not followed by another digit,
// so "17:105" or "2.505" are not times.
// An English 12-hour clock adds "am"/"pm" ("5:10 PM", "5.10 p.m."), never followed by a letter
// (so "17:10 Amazon…" keeps its headline).
const LEADING_TIME = /^(\d{1,2})\s?[:hH.]\s?(\d{2})(?!\d)(?:\s?([ap])\.?\s?m\b\.?)?/i;

// Labels tickers print before a line or the first line: "Breaking", "Breaking news:", "Latest News |".
const LEADING_LABEL = /^(?:breaking(?:\s+news)?|latest(?:\s+news)?|just\s+in|urgent|flash)\s*[:|\-–—·•]?\s*/i;

/** Parses a time at the start of `text` (after a ticker label); undefined when there is none or it is out of range. */
export function parseTickerTime(text: string): ParsedTickerTime | undefined {
  const collapsed = text.replace(/\s+/g, " ").trim();
  const trimmed = collapsed.replace(LEADING_LABEL, "");
  const match = LEADING_TIME.exec(trimmed);
  if (!match) return undefined;
  const minute = Number(match[2]);
  const hour = twentyFourHour(Number(match[1]), match[3]?.toLowerCase());
  if (hour === undefined || hour > 23 || minute > 59) return undefined;
  const rest = trimmed
    .slice(match[0].length)
    .replace(/^[\s\-–—|:·•]+/, "")
    .trim();
  return { time: { hour, minute }, rest };
}

/** 12 am is midnight and 12 pm noon; a 12-hour clock never reads 0 or 13. */
function twentyFourHour(hour: number, meridiem: string | undefined): number | undefined {
  if (meridiem === undefined) return hour;
  if (hour < 1 || hour > 12) return undefined;
  return (hour % 12) + (meridiem === "p" ? 12 : 0);
}

/** The headline without a leading copy of the line's own time (title and time in one element). */
export function stripLeadingTime(title: string, time: LocalTime): string {
  const parsed = parseTickerTime(title);
  if (!parsed || parsed.time.hour !== time.hour || parsed.time.minute !== time.minute) {
    return title.replace(/\s+/g, " ").trim();
  }
  return parsed.rest;
}
