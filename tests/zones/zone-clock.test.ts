import { describe, expect, it } from "vitest";
import { TZ_DATA_VERSION, isTimeZone, zoneClock } from "../../src/zones/zone-clock.js";

const iso = (ms: number): string => new Date(ms).toISOString();
const casablanca = zoneClock("Africa/Casablanca");

describe("zoneClock (npm-shipped IANA data, not the runtime's Intl)", () => {
  it("reads 17:10 in Casablanca as 17:10Z on 2026-12-01, after the move to permanent UTC+00 (regression)", () => {
    // Node 20's ICU (tz 2025c) says +01 here and gave 16:10Z: every ticker time an hour early.
    expect(iso(casablanca.toEpoch({ year: 2026, month: 12, day: 1 }, { hour: 17, minute: 10 }))).toBe(
      "2026-12-01T17:10:00.000Z",
    );
  });

  it("reads 17:10 in Casablanca as 16:10Z on 2026-06-01, while UTC+01 was still in force", () => {
    expect(iso(casablanca.toEpoch({ year: 2026, month: 6, day: 1 }, { hour: 17, minute: 10 }))).toBe(
      "2026-06-01T16:10:00.000Z",
    );
  });

  it("switches offsets on 2026-09-20 as Decree 2.26.530 says", () => {
    expect(casablanca.offsetAt(Date.parse("2026-09-19T12:00:00Z"))).toBe(3_600_000);
    expect(casablanca.offsetAt(Date.parse("2026-09-20T12:00:00Z"))).toBe(0);
    expect(casablanca.dateOf(Date.parse("2026-09-19T23:30:00Z"))).toEqual({ year: 2026, month: 9, day: 20 });
    expect(casablanca.dateOf(Date.parse("2026-12-01T23:30:00Z"))).toEqual({ year: 2026, month: 12, day: 1 });
  });

  it("resolves the local hour the 2026-09-20 change repeats to its first occurrence (RFC 5545 §3.3.5)", () => {
    // Find the change in the data itself (the hour of day is the tz release's business, not ours).
    let change = Date.parse("2026-09-19T12:00:00Z");
    while (casablanca.offsetAt(change) !== 0) change += 60_000;
    expect(change).toBeLessThan(Date.parse("2026-09-20T12:00:00Z"));
    // The clocks went back an hour at `change`: the local half hour before it happened twice.
    const repeated = new Date(change + 30 * 60_000); // wall-clock reading as if UTC: first pass at +01
    const day = { year: repeated.getUTCFullYear(), month: repeated.getUTCMonth() + 1, day: repeated.getUTCDate() };
    const time = { hour: repeated.getUTCHours(), minute: repeated.getUTCMinutes() };
    expect(casablanca.toEpoch(day, time)).toBe(change - 30 * 60_000); // first occurrence, still +01
    expect(casablanca.toEpoch(day, { hour: time.hour + 1, minute: time.minute })).toBe(change + 90 * 60_000); // once, +00
  });

  it("reads a skipped local time with the offset before the gap (RFC 5545 §3.3.5)", () => {
    const newYork = zoneClock("America/New_York");
    // 2026-03-08 02:30 does not exist in New York: read with EST (-05) it is 07:30Z, i.e. 03:30 EDT.
    expect(iso(newYork.toEpoch({ year: 2026, month: 3, day: 8 }, { hour: 2, minute: 30 }))).toBe(
      "2026-03-08T07:30:00.000Z",
    );
  });

  it("names its tz release, which knows the 2026 Morocco change", () => {
    expect(TZ_DATA_VERSION).toMatch(/^20\d\d[a-z]$/);
    expect(TZ_DATA_VERSION >= "2026c").toBe(true);
  });

  it("knows zones and links, and rejects unknown names", () => {
    expect(isTimeZone("Africa/Casablanca")).toBe(true);
    expect(isTimeZone("UTC")).toBe(true);
    expect(isTimeZone("Africa/Atlantis")).toBe(false);
    expect(() => zoneClock("Africa/Atlantis")).toThrow(/unknown time zone 'Africa\/Atlantis'/);
  });
});
