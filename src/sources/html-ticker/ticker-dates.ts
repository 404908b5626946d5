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
 * Local times become instants through the npm-shipped tz database (zones/zone-clock.ts), never the
 * runtime's Intl data and never fixed offsets, so every offset change of the zone is honoured, with
 * nonexistent and repeated local times resolved by the one rule stated there (RFC 5545 §3.3.5).
 */
import type { EpochMs } from "../../model/index.js";
import { addDays, compareDates, zoneClock } from "../../zones/zone-clock.js";
import type { LocalDate, LocalTime } from "../../zones/zone-clock.js";

export type { LocalDate } from "../../zones/zone-clock.js";

/**
 * Given the day a line was walked to, returns an earlier day the same line was already stored
 * under, if any (see html-ticker/collect.ts: a ticker left unchanged for a day keeps its dates).
 */
export type RecallDay = (index: number, walkedDay: LocalDate) => LocalDate | undefined;

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

const MIDNIGHT: LocalTime = { hour: 0, minute: 0 };

function minutesOf(time: LocalTime): number {
  return time.hour * 60 + time.minute;
}
