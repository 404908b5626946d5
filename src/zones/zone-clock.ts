/**
 * Wall-clock times in IANA time zones, from the tz database that `moment-timezone` ships through npm.
 *
 * Why not Intl: Node 20's ICU carries tz 2025c, which predates Morocco's move to permanent UTC+00 on
 * 2026-09-20 (IANA tz 2026c, Decree 2.26.530); through Intl every Casablanca time read after that date
 * came out an hour early. Node reads neither the OS tzdata nor any file we could ship, so the data
 * has to arrive as a package: `moment-timezone` publishes each IANA release within days, and
 * `npm update moment-timezone` is how ops take the next one. Only its zone tables are used here (an
 * offset per instant); the rules below for local times that do not exist or exist twice are ours.
 *
 * Local date-times that a change makes nonexistent or ambiguous are resolved as RFC 5545 §3.3.5
 * prescribes: a time in a spring-forward gap is read with the offset in force before the gap (Paris
 * 2025-03-30 02:30 → 03:30 CEST, i.e. 01:30Z), and a time that occurs twice refers to its first
 * occurrence (Paris 2025-10-26 02:30 → 02:30 CEST, i.e. 00:30Z). Temporal calls this "compatible".
 */
import moment from "moment-timezone";
import type { EpochMs } from "../model/index.js";

/** The IANA tz release in use (e.g. "2026f"), shown on /status. */
export const TZ_DATA_VERSION: string = moment.tz.dataVersion;

/** A calendar day in some zone. */
export interface LocalDate {
  readonly year: number;
  readonly month: number;
  readonly day: number;
}

/** A wall-clock time of day, 0 ≤ hour ≤ 23, 0 ≤ minute ≤ 59. */
export interface LocalTime {
  readonly hour: number;
  readonly minute: number;
}

export interface ZoneClock {
  readonly name: string;
  /** The calendar day `instant` falls on in this zone. */
  dateOf(instant: EpochMs): LocalDate;
  /** The instant a local day and time denote (RFC 5545 §3.3.5 disambiguation, see the module comment). */
  toEpoch(day: LocalDate, time: LocalTime): EpochMs;
  /** Milliseconds east of UTC in force at `instant`. */
  offsetAt(instant: EpochMs): number;
}

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

/** True when `name` is a zone (or link) of the shipped tz database. */
export function isTimeZone(name: string): boolean {
  return moment.tz.zone(name) !== null;
}

/** The clock of `timeZone`; throws a RangeError naming it when the tz database does not know it. */
export function zoneClock(timeZone: string): ZoneClock {
  const zone = moment.tz.zone(timeZone);
  if (zone === null) throw new RangeError(`zones: unknown time zone '${timeZone}'`);
  // moment's utcOffset is in minutes *west* of UTC (`0 -` keeps UTC's offset +0, not -0).
  const offsetAt = (instant: EpochMs): number => 0 - zone.utcOffset(instant) * MINUTE_MS;
  return {
    name: zone.name,
    offsetAt,
    dateOf(instant) {
      const wall = new Date(instant + offsetAt(instant));
      return { year: wall.getUTCFullYear(), month: wall.getUTCMonth() + 1, day: wall.getUTCDate() };
    },
    toEpoch(day, time) {
      const wall = Date.UTC(day.year, day.month - 1, day.day, time.hour, time.minute);
      // Zones change offset at most once within a day either side of any instant, so the offsets a
      // day before and a day after are the only candidates.
      const offsetBefore = offsetAt(wall - DAY_MS);
      const offsetAfter = offsetAt(wall + DAY_MS);
      const candidates = [wall - offsetBefore, wall - offsetAfter].filter((t) => t + offsetAt(t) === wall);
      if (candidates.length === 0) return wall - offsetBefore; // in a gap: the offset before it
      return Math.min(...candidates); // ambiguous: the first occurrence
    },
  };
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
