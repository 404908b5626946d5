/**
 * Dating the lines of a news ticker, which prints only a local wall-clock time (`17:10`) per line.
 *
 * Rules (newest line first, as tickers run):
 * - the newest line is today in the site's zone, unless that instant is still in the future, then
 *   yesterday;
 * - walking down, whenever a line's time is later than the line above it, the ticker crossed
 *   midnight and the day steps back one (00:40, 00:05, 23:50 → the last is the day before);
 * - no line is ever dated after `now` (a line that would be steps back a day).
 *
 * Local times become instants through the zone database (Intl), never fixed offsets, so the
 * daylight-saving changes of the zone are honoured. Times that the change makes nonexistent or
 * ambiguous are resolved as RFC 5545 §3.3.5 prescribes for local DATE-TIMEs: a time in a
 * spring-forward gap is read with the offset in force before the gap (Paris 2025-03-30 02:30 →
 * 03:30 CEST, i.e. 01:30Z), and a time that occurs twice refers to its first occurrence (Paris
 * 2025-10-26 02:30 → 02:30 CEST, i.e. 00:30Z). Temporal calls this disambiguation "compatible".
 */
import type { EpochMs } from "../../model/index.js";
import type { LocalTime } from "./ticker-time.js";

/** A calendar day in the site's zone. */
export interface LocalDate {
  readonly year: number;
  readonly month: number;
  readonly day: number;
}

/**
 * Given the day a line was walked to, returns an earlier day the same line was already stored
 * under, if any (see html-ticker/collect.ts: a ticker left unchanged for a day keeps its dates).
 */
export type RecallDay = (index: number, walkedDay: LocalDate) => LocalDate | undefined;

const DAY_MS = 86_400_000;

/** The calendar days of each line, newest line first; see the module comment for the rules. */
export function assignTickerDays(
  times: readonly LocalTime[],
  now: EpochMs,
  timeZone: string,
  recall?: RecallDay,
): LocalDate[] {
  const zone = zoneClock(timeZone);
  const days: LocalDate[] = [];
  let day = zone.dateOf(now);
  let above: LocalTime | undefined;
  times.forEach((time, index) => {
    if (above !== undefined && minutesOf(time) > minutesOf(above)) day = addDays(day, -1);
    while (zone.toEpoch(day, time) > now) day = addDays(day, -1);
    const recalled = recall?.(index, day);
    if (recalled !== undefined && compareDates(recalled, day) < 0) day = recalled;
    days.push(day);
    above = time;
  });
  return days;
}

/** The instant of each line, newest line first; see the module comment for the rules. */
export function assignTickerDates(times: readonly LocalTime[], now: EpochMs, timeZone: string): EpochMs[] {
  const zone = zoneClock(timeZone);
  return assignTickerDays(times, now, timeZone).map((day, index) => zone.toEpoch(day, times[index] ?? MIDNIGHT));
}

/** The instant a local day and time denote in `timeZone` (RFC 5545 §3.3.5 disambiguation). */
export function zonedToEpoch(day: LocalDate, time: LocalTime, timeZone: string): EpochMs {
  return zoneClock(timeZone).toEpoch(day, time);
}

/** The calendar day `instant` falls on in `timeZone`. */
export function localDateOf(instant: EpochMs, timeZone: string): LocalDate {
  return zoneClock(timeZone).dateOf(instant);
}

/** Throws a RangeError naming the zone when it is not in the zone database. */
export function assertTimeZone(timeZone: string): void {
  zoneClock(timeZone);
}

/** `YYYY-MM-DD`. */
export function formatLocalDate(day: LocalDate): string {
  const pad = (n: number, width: number): string => String(n).padStart(width, "0");
  return `${pad(day.year, 4)}-${pad(day.month, 2)}-${pad(day.day, 2)}`;
}

export function addDays(day: LocalDate, delta: number): LocalDate {
  const shifted = new Date(Date.UTC(day.year, day.month - 1, day.day + delta));
  return { year: shifted.getUTCFullYear(), month: shifted.getUTCMonth() + 1, day: shifted.getUTCDate() };
}

export function compareDates(a: LocalDate, b: LocalDate): number {
  return a.year - b.year || a.month - b.month || a.day - b.day;
}

const MIDNIGHT: LocalTime = { hour: 0, minute: 0 };

function minutesOf(time: LocalTime): number {
  return time.hour * 60 + time.minute;
}

interface ZoneClock {
  dateOf(instant: EpochMs): LocalDate;
  toEpoch(day: LocalDate, time: LocalTime): EpochMs;
}

function zoneClock(timeZone: string): ZoneClock {
  let format: Intl.DateTimeFormat;
  try {
    format = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
  } catch (cause) {
    throw new RangeError(`html-ticker: unknown time zone '${timeZone}'`, { cause });
  }

  /** The local wall-clock reading at `instant`, expressed as if it were UTC. */
  const wallClock = (instant: EpochMs): EpochMs => {
    const parts: Record<string, number> = {};
    for (const part of format.formatToParts(new Date(instant))) {
      if (part.type !== "literal") parts[part.type] = Number(part.value);
    }
    return Date.UTC(parts.year ?? 1970, (parts.month ?? 1) - 1, parts.day ?? 1, parts.hour ?? 0, parts.minute ?? 0, parts.second ?? 0);
  };
  const offsetAt = (instant: EpochMs): number => wallClock(instant) - Math.floor(instant / 1000) * 1000;

  return {
    dateOf(instant) {
      const wall = new Date(wallClock(instant));
      return { year: wall.getUTCFullYear(), month: wall.getUTCMonth() + 1, day: wall.getUTCDate() };
    },
    toEpoch(day, time) {
      const wall = Date.UTC(day.year, day.month - 1, day.day, time.hour, time.minute);
      // Zones change offset at most once within a day either side of any instant, so the offsets
      // a day before and a day after are the only candidates.
      const offsetBefore = offsetAt(wall - DAY_MS);
      const offsetAfter = offsetAt(wall + DAY_MS);
      const candidates = [wall - offsetBefore, wall - offsetAfter].filter((t) => wallClock(t) === wall);
      if (candidates.length === 0) return wall - offsetBefore; // in a gap: the offset before it
      return Math.min(...candidates); // ambiguous: the first occurrence
    },
  };
}
