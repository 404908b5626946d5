import type { EpochMs } from "../model/index.js";

/**
 * Upstream dates → UTC epoch milliseconds. Feeds in the wild use RFC 822/2822 (RSS 2.0), RFC 3339
 * (Atom, JSON Feed), W3C-DTF date-only values (Dublin Core `dc:date`), Unix epoch seconds, and sloppy
 * variants: localized day and month names, zone abbreviations, `Z` in an RFC 822 date. Anything we
 * cannot read is `undefined`: we never invent "now" (docs/ARCHITECTURE.md), the store fills first-seen instead.
 */

/**
 * How far past "now" an upstream date may lie and still be believed: none. A date in the future is
 * a publisher's clock, zone (local time labelled GMT: an hour ahead in Casablanca) or template
 * bug; such an item gets its first-seen time instead, so nothing we publish is dated in the future
 * and no item sits on top of a feed until its bogus date passes.
 */
export const MAX_FUTURE_SKEW_MS = 0;

const MINUTE_MS = 60_000;

/** RFC 2822 §4.3 obsolete zones plus abbreviations feeds commonly use, in minutes east of UTC. */
const ZONE_OFFSETS: Readonly<Record<string, number>> = {
  UT: 0,
  UTC: 0,
  GMT: 0,
  Z: 0,
  WET: 0,
  EST: -300,
  EDT: -240,
  CST: -360,
  CDT: -300,
  MST: -420,
  MDT: -360,
  PST: -480,
  PDT: -420,
  AKST: -540,
  AKDT: -480,
  HST: -600,
  AST: -240,
  ADT: -180,
  NST: -210,
  NDT: -150,
  BST: 60,
  IST: 330,
  CET: 60,
  CEST: 120,
  MET: 60,
  MEST: 120,
  WEST: 60,
  EET: 120,
  EEST: 180,
  MSK: 180,
  JST: 540,
  KST: 540,
  HKT: 480,
  SGT: 480,
  AWST: 480,
  ACST: 570,
  AEST: 600,
  AEDT: 660,
  NZST: 720,
  NZDT: 780,
};

/** Month name prefixes in English and the languages the corpus shows (pt, es, fr, de, it, nl). */
const MONTHS: ReadonlyArray<readonly [number, readonly string[]]> = [
  [0, ["jan", "ene", "gen"]],
  [1, ["feb", "fev", "fév", "febr"]],
  [2, ["mar", "mär", "maa"]],
  [3, ["apr", "abr", "avr"]],
  [4, ["may", "mai", "mag", "mei"]],
  [5, ["jun", "juin", "giu"]],
  [6, ["jul", "juil", "lug"]],
  [7, ["aug", "ago", "aoû", "aou"]],
  [8, ["sep", "set"]],
  [9, ["oct", "out", "okt", "ott"]],
  [10, ["nov"]],
  [11, ["dec", "dez", "dic", "déc"]],
];

function monthIndex(name: string): number | undefined {
  const n = name.toLowerCase().replace(/\.$/, "");
  // Longest prefix first, so French "juil" (July) wins over "jui…" ambiguity.
  let best: { index: number; length: number } | undefined;
  for (const [index, prefixes] of MONTHS) {
    for (const p of prefixes) {
      if (n.startsWith(p) && (best === undefined || p.length > best.length)) best = { index, length: p.length };
    }
  }
  return best?.index;
}

/** RFC 2822 §4.3: two-digit years 00–49 are 20xx, 50–99 are 19xx. */
function fullYear(y: string): number {
  const n = Number(y);
  if (y.length > 2) return n;
  return n < 50 ? 2000 + n : 1900 + n;
}

/** Minutes east of UTC for `+0100`, `-05:00`, `+01`, a known abbreviation; unknown zones are UTC (RFC 2822 §4.3). */
function zoneOffsetMinutes(zone: string | undefined): number {
  if (zone === undefined || zone === "") return 0;
  const numeric = /^([+-])(\d{2}):?(\d{2})?$/.exec(zone);
  if (numeric) {
    const sign = numeric[1] === "-" ? -1 : 1;
    return sign * (Number(numeric[2]) * 60 + Number(numeric[3] ?? "0"));
  }
  return ZONE_OFFSETS[zone.toUpperCase()] ?? 0;
}

/**
 * A date as the text states it: the wall-clock fields and, when the text named one, its zone. A
 * caller that knows the publisher's zone (an html-articles `timezone:`) reads a zone-less date in
 * it; {@link parseDate} reads it as UTC.
 */
export interface DateParts {
  readonly year: number;
  /** 1–12. */
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  readonly ms: number;
  /** Minutes east of UTC the text stated (`Z`, `+01:00`, `GMT`, an epoch number); undefined when it named no zone. */
  readonly offsetMinutes?: number;
}

function parts(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
  ms: number,
  zone: string | undefined,
): DateParts | undefined {
  if (month < 0 || month > 11 || day < 1 || day > 31 || hour > 24 || minute > 59 || second > 60) return undefined;
  const stated = zone === undefined || zone === "" ? undefined : zoneOffsetMinutes(zone);
  return {
    year,
    month: month + 1,
    day,
    hour,
    minute,
    second: Math.min(second, 59),
    ms,
    ...(stated !== undefined && { offsetMinutes: stated }),
  };
}

/** The instant `parts` denote, zone-less ones read as UTC; undefined when out of range. */
export function utcEpoch(date: DateParts): EpochMs | undefined {
  const t =
    Date.UTC(date.year, date.month - 1, date.day, date.hour, date.minute, date.second, date.ms) -
    (date.offsetMinutes ?? 0) * MINUTE_MS;
  return Number.isFinite(t) ? t : undefined;
}

/** RFC 3339 / ISO 8601 / W3C-DTF; the zone is optional (`2025-04-03 17:00`, `2025-04-03T17:00`). */
const ISO_RE =
  /^(\d{4})-?(\d{2})-?(\d{2})(?:[T\s](\d{2}):?(\d{2})(?::?(\d{2})(?:[.,](\d+))?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?)?$/i;

function parseIso(s: string): DateParts | undefined {
  const m = ISO_RE.exec(s);
  if (!m) return undefined;
  const fraction = m[7] === undefined ? 0 : Math.round(Number(`0.${m[7]}`) * 1000);
  return parts(
    Number(m[1]),
    Number(m[2]) - 1,
    Number(m[3]),
    Number(m[4] ?? "0"),
    Number(m[5] ?? "0"),
    Number(m[6] ?? "0"),
    fraction,
    m[8],
  );
}

/**
 * RFC 822 §5 / RFC 2822 §3.3, tolerating any day name (or none), localized months, a missing comma,
 * and a dash or bar between date and time as news sites print it (`Thursday 03 April 2025 - 17:00`).
 */
const RFC822_RE =
  /^(?:[^\d\s,]+\.?,?\s+)?(\d{1,2})[\s-]+([^\d\s-]+)[\s-]+(\d{2,4})(?:,?\s+(?:[-–—|]\s+)?|T)(\d{1,2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?\s*(?:([A-Za-z]{1,5}|[+-]\d{2}:?\d{2}|[+-]\d{2}))?(?:\s*\([^)]*\))?$/;

function parseRfc822(s: string): DateParts | undefined {
  const m = RFC822_RE.exec(s);
  if (!m) return undefined;
  const month = monthIndex(m[2] ?? "");
  if (month === undefined) return undefined;
  return parts(fullYear(m[3] ?? ""), month, Number(m[1]), Number(m[4]), Number(m[5]), Number(m[6] ?? "0"), 0, m[7]);
}

/** `Mon Jan 2 15:04:05 2006`-style (asctime, RFC 9110 §5.6.7) and `Jan 2, 2006 15:04:05 +0000`. */
const MONTH_FIRST_RE =
  /^(?:[^\d\s,]+,?\s+)?([^\d\s,]+)\s+(\d{1,2}),?\s+(?:(\d{4})\s+)?(\d{1,2}):(\d{2})(?::(\d{2}))?\s*(?:([A-Za-z]{1,5}|[+-]\d{2}:?\d{2}))?(?:\s+(\d{4}))?$/;

function parseMonthFirst(s: string): DateParts | undefined {
  const m = MONTH_FIRST_RE.exec(s);
  if (!m) return undefined;
  const month = monthIndex(m[1] ?? "");
  const year = m[3] ?? m[8];
  if (month === undefined || year === undefined) return undefined;
  // asctime has no zone and means GMT (RFC 9110 §5.6.7).
  return parts(
    Number(year),
    month,
    Number(m[2]),
    Number(m[4]),
    Number(m[5]),
    Number(m[6] ?? "0"),
    0,
    m[7] ?? (m[8] !== undefined ? "GMT" : undefined),
  );
}

/** Numbers are Unix time: seconds (what `dc:date` epochs use) unless clearly milliseconds. */
function fromEpoch(n: number): EpochMs | undefined {
  if (!Number.isFinite(n)) return undefined;
  return Math.abs(n) < 1e11 ? Math.round(n * 1000) : Math.round(n);
}

/** An instant as UTC parts, stated zone UTC. */
function epochParts(t: EpochMs): DateParts {
  const d = new Date(t);
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    second: d.getUTCSeconds(),
    ms: d.getUTCMilliseconds(),
    offsetMinutes: 0,
  };
}

/** The one parse path for textual dates: what the text says, before any zone is applied. */
export function parseDateParts(raw: string): DateParts | undefined {
  const s = raw.trim().replace(/\s+/g, " ");
  if (s === "") return undefined;
  if (/^-?\d{9,13}(?:\.\d+)?$/.test(s)) {
    const t = fromEpoch(Number(s));
    return t === undefined ? undefined : epochParts(t);
  }
  return parseIso(s) ?? parseRfc822(s) ?? parseMonthFirst(s);
}

function parseString(raw: string): EpochMs | undefined {
  const date = parseDateParts(raw);
  return date === undefined ? undefined : utcEpoch(date);
}

/**
 * Parse an upstream date into UTC epoch ms. `undefined` for anything unreadable, for the epoch
 * itself or earlier (a common "no date" placeholder), and, when `now` is given, for dates more than
 * {@link MAX_FUTURE_SKEW_MS} in the future.
 */
export function parseDate(value: string | number | Date | undefined, now?: EpochMs): EpochMs | undefined {
  let t: EpochMs | undefined;
  if (value === undefined) return undefined;
  if (value instanceof Date) t = Number.isFinite(value.getTime()) ? value.getTime() : undefined;
  else if (typeof value === "number") t = fromEpoch(value);
  else t = parseString(value);
  if (t === undefined || t <= 0) return undefined;
  if (now !== undefined && t > now + MAX_FUTURE_SKEW_MS) return undefined;
  return t;
}
