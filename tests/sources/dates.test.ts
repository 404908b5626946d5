import { describe, expect, it } from "vitest";
import { MAX_FUTURE_SKEW_MS, parseDate, parseDateParts } from "../../src/sources/dates.js";

const iso = (value: string | number | Date | undefined, now?: number): string | undefined => {
  const t = parseDate(value, now);
  return t === undefined ? undefined : new Date(t).toISOString();
};

describe("parseDate", () => {
  it.each([
    // RFC 822 / 2822 as RSS 2.0 uses it
    ["Wed, 02 Oct 2002 13:00:00 GMT", "2002-10-02T13:00:00.000Z"],
    ["Wed, 6 Apr 2022 21:07:47 +0000", "2022-04-06T21:07:47.000Z"],
    ["Fri, 19 May 2017 21:05:02 +0530", "2017-05-19T15:35:02.000Z"],
    ["Tue, 03 Sep 2019 18:00:00 -0000", "2019-09-03T18:00:00.000Z"],
    ["Tue, 21 Aug 2012 10:33:00 EST", "2012-08-21T15:33:00.000Z"], // named zone
    ["Tue, 01 Oct 2019 14:30:00 PST", "2019-10-01T22:30:00.000Z"], // PST in summer: taken as written (corpus giantbomb)
    ["Thu, 14 May 2020 10:00:18 Z", "2020-05-14T10:00:18.000Z"], // "Z" in an RFC 822 date (corpus dotnet-a10)
    ["02 Oct 02 13:00 +0100", "2002-10-02T12:00:00.000Z"], // no day name, two-digit year, no seconds
    ["Seg, 24 Set 2018 19:42:40 -0300", "2018-09-24T22:42:40.000Z"], // Portuguese day and month (corpus uol)
    ["Sáb, 01 Dez 2018 08:00:00 -0200", "2018-12-01T10:00:00.000Z"],
    ["Mon, 01 Jan 2001 00:00:00 XYZ", "2001-01-01T00:00:00.000Z"], // unknown zone is UTC (RFC 2822 §4.3)
    // RFC 3339 / ISO 8601 / W3C-DTF
    ["2016-06-03T07:38:00.000-07:00", "2016-06-03T14:38:00.000Z"],
    ["2001-01-04T00:00+00:00", "2001-01-04T00:00:00.000Z"],
    ["2019-08-27", "2019-08-27T00:00:00.000Z"], // date-only dc:date
    ["2019-08-27 10:11:12", "2019-08-27T10:11:12.000Z"], // zone-less: UTC
    ["  2017-06-27T00:54:17Z \n", "2017-06-27T00:54:17.000Z"],
    // Unix time (corpus truncated-missing-rss-close has dc:date 1518478934)
    ["1518478934", "2018-02-12T23:42:14.000Z"],
    [1518478934, "2018-02-12T23:42:14.000Z"],
    [1518478934000, "2018-02-12T23:42:14.000Z"],
    // asctime-like
    ["Mon Jan  2 15:04:05 2006", "2006-01-02T15:04:05.000Z"],
    // news-site date lines: day name, DD Month YYYY, a dash or bar, HH:MM (en.walaw.press); zone-less: UTC
    ["Thursday 03 April 2025 - 17:00", "2025-04-03T17:00:00.000Z"],
    ["Thursday 03 April 2025 | 17:00", "2025-04-03T17:00:00.000Z"],
  ] as const)("%j → %s", (input, expected) => {
    expect(iso(input)).toBe(expected);
  });

  it.each(["", "   ", "yesterday", "Thu, 33 Foo 2020 99:99:99 GMT", "0", "Thu, 01 Jan 1970 00:00:00 GMT"])(
    "%j → undefined",
    (input) => {
      expect(parseDate(input)).toBeUndefined();
    },
  );

  it("accepts Date objects and rejects invalid ones", () => {
    expect(parseDate(new Date("2020-01-01T00:00:00Z"))).toBe(Date.parse("2020-01-01T00:00:00Z"));
    expect(parseDate(new Date("nope"))).toBeUndefined();
    expect(parseDate(undefined)).toBeUndefined();
  });

  it("rejects any date after now, and only when now is given (regression: items dated up to two days ahead were published)", () => {
    const now = Date.parse("2024-01-01T00:00:00Z");
    expect(MAX_FUTURE_SKEW_MS).toBe(0);
    expect(parseDate(new Date(now), now)).toBe(now);
    expect(parseDate(new Date(now + 1), now)).toBeUndefined();
    // Local Casablanca time labelled GMT: an hour ahead.
    expect(parseDate("Mon, 01 Jan 2024 01:00:00 GMT", now)).toBeUndefined();
    expect(parseDate("2030-01-01T00:00:00Z", now)).toBeUndefined();
    expect(parseDate("2030-01-01T00:00:00Z")).toBe(Date.parse("2030-01-01T00:00:00Z"));
  });
});

describe("parseDateParts", () => {
  it("states the wall clock and whether the text named a zone, so a caller can apply the publisher's", () => {
    expect(parseDateParts("Thursday 03 April 2025 - 17:00")).toEqual({
      year: 2025,
      month: 4,
      day: 3,
      hour: 17,
      minute: 0,
      second: 0,
      ms: 0,
    });
    expect(parseDateParts("2025-04-03T17:00")).not.toHaveProperty("offsetMinutes");
    expect(parseDateParts("2025-04-03 17:00:30")).toMatchObject({ hour: 17, second: 30 });
    expect(parseDateParts("2025-04-03T17:00+01:00")).toMatchObject({ hour: 17, offsetMinutes: 60 });
    expect(parseDateParts("Thu, 03 Apr 2025 17:00:00 GMT")).toMatchObject({ offsetMinutes: 0 });
    expect(parseDateParts("2025-04-03T17:00:00Z")).toMatchObject({ offsetMinutes: 0 });
    expect(parseDateParts("1743699600")).toMatchObject({ hour: 17, offsetMinutes: 0 }); // an epoch is an instant
    expect(parseDateParts("17:00 Latest headline")).toBeUndefined();
  });
});
