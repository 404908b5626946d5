import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CollectedItem, Source } from "../../src/model/index.js";
import type { CollectContext } from "../../src/sources/collector.js";
import type { FetchOptions } from "../../src/sources/fetch.js";
import { collectTicker } from "../../src/sources/html-ticker/index.js";
import { linkedLineId } from "../../src/sources/html-ticker/ticker-item.js";
import { mintItemId } from "../../src/sources/normalize.js";
import { serveFixtures } from "./html-fixture-server.js";
import type { FixtureServer } from "./html-fixture-server.js";
import { parseTickerTime, stripLeadingTime } from "../../src/sources/html-ticker/ticker-time.js";
import { assignTickerDates, assignTickerDays, zonedToEpoch } from "../../src/sources/html-ticker/ticker-dates.js";
import { formatLocalDate } from "../../src/zones/zone-clock.js";
import type { LocalTime } from "../../src/sources/html-ticker/ticker-time.js";

const CASABLANCA = "Africa/Casablanca";
const PARIS = "Europe/Paris";

const at = (iso: string): number => Date.parse(iso);
const iso = (ms: number): string => new Date(ms).toISOString();
const hm = (text: string): LocalTime => {
  const parsed = parseTickerTime(text);
  if (!parsed) throw new Error(`test setup: '${text}' is not a time`);
  return parsed.time;
};
const times = (...texts: string[]): LocalTime[] => texts.map(hm);

describe("parseTickerTime", () => {
  it.each([
    ["17:10", 17, 10, ""],
    ["9:05", 9, 5, ""],
    ["09:05", 9, 5, ""],
    ["17h10", 17, 10, ""],
    ["17H10", 17, 10, ""],
    ["17.10", 17, 10, ""],
    ["  00:00 ", 0, 0, ""],
    ["23:59", 23, 59, ""],
    ["17:10Société Générale Maroc modernizes banking", 17, 10, "Société Générale Maroc modernizes banking"],
    ["17:10 - Markets close higher", 17, 10, "Markets close higher"],
    ["8h30 Bourse de Casablanca", 8, 30, "Bourse de Casablanca"],
    ["Breaking 17:10 Markets close higher", 17, 10, "Markets close higher"],
    ["Latest News: 09:05 Rain in Rabat", 9, 5, "Rain in Rabat"],
    // 12-hour clocks (regression: "5:10 PM Parliament…" was 05:10 with the title "PM Parliament…")
    ["5:10 PM Parliament adopts the budget", 17, 10, "Parliament adopts the budget"],
    ["12:05 a.m. Markets open in Tokyo", 0, 5, "Markets open in Tokyo"],
    ["12:30pm Lunch briefing", 12, 30, "Lunch briefing"],
    ["17:10 Amazon opens a Casablanca office", 17, 10, "Amazon opens a Casablanca office"],
  ])("reads %j", (text, hour, minute, rest) => {
    expect(parseTickerTime(text)).toEqual({ time: { hour, minute }, rest });
  });

  it.each([
    "",
    "Breaking",
    "24:00",
    "17:60",
    "17:105",
    "1710",
    "17:1",
    "at 17:10",
    "2.5 percent",
    "13:10 pm Headline",
    "0:10 am Headline",
  ])("rejects %j", (text) => {
    expect(parseTickerTime(text)).toBeUndefined();
  });
});

describe("stripLeadingTime", () => {
  it("removes the line's own time when title and time share one element", () => {
    expect(stripLeadingTime("17:10Société Générale Maroc", { hour: 17, minute: 10 })).toBe("Société Générale Maroc");
  });

  it("keeps a headline that merely starts with a different number", () => {
    expect(stripLeadingTime("10.50 dirhams a litre: fuel prices ease", { hour: 17, minute: 10 })).toBe(
      "10.50 dirhams a litre: fuel prices ease",
    );
  });
});

describe("assignTickerDates", () => {
  const latestNewsTimes = ["17:10", "16:45", "16:15", "15:45", "15:10", "14:30", "13:30"];
  const latestNews = times(...latestNewsTimes);

  it("dates every line of today's ticker today (Casablanca is UTC+1 outside Ramadan)", () => {
    const dates = assignTickerDates(latestNews, at("2025-06-10T16:30:00Z"), CASABLANCA);
    expect(dates.map(iso)).toEqual([
      "2025-06-10T16:10:00.000Z",
      "2025-06-10T15:45:00.000Z",
      "2025-06-10T15:15:00.000Z",
      "2025-06-10T14:45:00.000Z",
      "2025-06-10T14:10:00.000Z",
      "2025-06-10T13:30:00.000Z",
      "2025-06-10T12:30:00.000Z",
    ]);
  });

  it("dates a newest line that would be in the future yesterday", () => {
    // 08:00 local on 11 June: 17:10 today has not happened yet.
    const dates = assignTickerDates(latestNews, at("2025-06-11T07:00:00Z"), CASABLANCA);
    expect(iso(dates[0] ?? 0)).toBe("2025-06-10T16:10:00.000Z");
    expect(iso(dates[6] ?? 0)).toBe("2025-06-10T12:30:00.000Z");
  });

  it("steps back a day where the ticker crosses midnight", () => {
    const dates = assignTickerDates(times("00:40", "00:05", "23:50", "22:15"), at("2025-06-10T23:50:00Z"), CASABLANCA);
    expect(dates.map(iso)).toEqual([
      "2025-06-10T23:40:00.000Z", // 00:40 on 11 June, local
      "2025-06-10T23:05:00.000Z",
      "2025-06-10T22:50:00.000Z", // 23:50 on 10 June
      "2025-06-10T21:15:00.000Z",
    ]);
  });

  it("dates a top line of 23:58 read at 00:20 yesterday", () => {
    // 00:20 local on 11 June (UTC+1).
    const days = assignTickerDays(times("23:58", "23:30"), at("2025-06-10T23:20:00Z"), CASABLANCA);
    expect(days.map(formatLocalDate)).toEqual(["2025-06-10", "2025-06-10"]);
  });

  it("keeps lines with equal times on the same day", () => {
    const days = assignTickerDays(times("12:00", "12:00", "11:59"), at("2025-06-10T12:00:00Z"), CASABLANCA);
    expect(days.map(formatLocalDate)).toEqual(["2025-06-10", "2025-06-10", "2025-06-10"]);
  });

  it("never dates a line after now, whatever the clock reads", () => {
    for (let hour = 0; hour < 48; hour += 0.25) {
      const now = at("2025-02-22T00:00:00Z") + hour * 3_600_000;
      for (const zone of [CASABLANCA, PARIS]) {
        for (const date of assignTickerDates(latestNews, now, zone)) expect(date).toBeLessThanOrEqual(now);
      }
    }
  });

  it("gives the same dates when the same ticker is re-scraped hours apart and the next morning", () => {
    const first = assignTickerDates(latestNews, at("2025-06-10T16:20:00Z"), CASABLANCA);
    for (const later of [
      "2025-06-10T19:00:00Z",
      "2025-06-10T22:59:00Z",
      "2025-06-11T03:00:00Z",
      "2025-06-11T07:30:00Z",
      "2025-06-11T16:09:00Z",
    ]) {
      expect(assignTickerDates(latestNews, at(later), CASABLANCA), later).toEqual(first);
    }
  });

  it("keeps yesterday's lines on yesterday when new lines appear on top the next morning", () => {
    const first = assignTickerDates(latestNews, at("2025-06-10T16:20:00Z"), CASABLANCA);
    const morning = assignTickerDates(
      times("07:55", "07:30", ...latestNewsTimes),
      at("2025-06-11T07:00:00Z"),
      CASABLANCA,
    );
    expect(morning.slice(0, 2).map(iso)).toEqual(["2025-06-11T06:55:00.000Z", "2025-06-11T06:30:00.000Z"]);
    expect(morning.slice(2)).toEqual(first);
  });

  describe("Africa/Casablanca around Ramadan (UTC+1 → UTC+0 on 2025-02-23, back on 2025-04-06)", () => {
    it("reads the hour repeated on 2025-02-23 as its first occurrence", () => {
      // Clocks went back from 03:00 (+01:00) to 02:00 (+00:00): 02:00–02:59 happened twice.
      expect(iso(zonedToEpoch({ year: 2025, month: 2, day: 23 }, { hour: 2, minute: 30 }, CASABLANCA))).toBe(
        "2025-02-23T01:30:00.000Z",
      );
      const dates = assignTickerDates(
        times("09:15", "03:30", "02:30", "01:30", "23:45"),
        at("2025-02-23T10:00:00Z"),
        CASABLANCA,
      );
      expect(dates.map(iso)).toEqual([
        "2025-02-23T09:15:00.000Z", // UTC+0 now
        "2025-02-23T03:30:00.000Z",
        "2025-02-23T01:30:00.000Z", // ambiguous → first occurrence, still UTC+1
        "2025-02-23T00:30:00.000Z",
        "2025-02-22T22:45:00.000Z", // the day before, UTC+1
      ]);
    });

    it("maps the hour skipped on 2025-04-06 forward, with the offset before the gap", () => {
      // Clocks went forward from 02:00 (+00:00) to 03:00 (+01:00): 02:30 never happened.
      expect(iso(zonedToEpoch({ year: 2025, month: 4, day: 6 }, { hour: 2, minute: 30 }, CASABLANCA))).toBe(
        "2025-04-06T02:30:00.000Z", // i.e. 03:30 local
      );
      const dates = assignTickerDates(
        times("10:30", "03:10", "01:50", "23:10"),
        at("2025-04-06T10:00:00Z"),
        CASABLANCA,
      );
      expect(dates.map(iso)).toEqual([
        "2025-04-06T09:30:00.000Z", // UTC+1 again
        "2025-04-06T02:10:00.000Z",
        "2025-04-06T01:50:00.000Z", // still UTC+0
        "2025-04-05T23:10:00.000Z",
      ]);
    });
  });

  describe("Europe/Paris", () => {
    it("handles the spring-forward day 2025-03-30 (02:00 → 03:00)", () => {
      const day = { year: 2025, month: 3, day: 30 };
      expect(iso(zonedToEpoch(day, { hour: 1, minute: 59 }, PARIS))).toBe("2025-03-30T00:59:00.000Z");
      expect(iso(zonedToEpoch(day, { hour: 2, minute: 30 }, PARIS))).toBe("2025-03-30T01:30:00.000Z");
      expect(iso(zonedToEpoch(day, { hour: 3, minute: 0 }, PARIS))).toBe("2025-03-30T01:00:00.000Z");
      const dates = assignTickerDates(times("11:00", "03:05", "01:30", "23:50"), at("2025-03-30T10:00:00Z"), PARIS);
      expect(dates.map(iso)).toEqual([
        "2025-03-30T09:00:00.000Z",
        "2025-03-30T01:05:00.000Z",
        "2025-03-30T00:30:00.000Z",
        "2025-03-29T22:50:00.000Z",
      ]);
    });

    it("handles the fall-back day 2025-10-26 (03:00 → 02:00)", () => {
      const day = { year: 2025, month: 10, day: 26 };
      expect(iso(zonedToEpoch(day, { hour: 2, minute: 30 }, PARIS))).toBe("2025-10-26T00:30:00.000Z");
      expect(iso(zonedToEpoch(day, { hour: 3, minute: 0 }, PARIS))).toBe("2025-10-26T02:00:00.000Z");
      const dates = assignTickerDates(times("11:00", "03:05", "02:30", "01:30"), at("2025-10-26T12:00:00Z"), PARIS);
      expect(dates.map(iso)).toEqual([
        "2025-10-26T10:00:00.000Z",
        "2025-10-26T02:05:00.000Z",
        "2025-10-26T00:30:00.000Z",
        "2025-10-25T23:30:00.000Z",
      ]);
    });

    it("dates a top line still ahead in the repeated hour yesterday", () => {
      // 00:30Z is 02:30 CEST, the first pass through 02:xx; 02:40 has not happened yet.
      const days = assignTickerDays(times("02:40"), at("2025-10-26T00:30:00Z"), PARIS);
      expect(days.map(formatLocalDate)).toEqual(["2025-10-25"]);
      // An hour later the clocks read 02:30 again (CET), and 02:40's first occurrence is past.
      expect(assignTickerDays(times("02:40"), at("2025-10-26T01:30:00Z"), PARIS).map(formatLocalDate)).toEqual([
        "2025-10-26",
      ]);
    });
  });

  it("lets a recalled earlier day override the walk, and carries it down the ticker", () => {
    const days = assignTickerDays(times("17:10", "16:45", "16:15"), at("2025-06-11T17:00:00Z"), CASABLANCA, (index) =>
      index === 0 ? { year: 2025, month: 6, day: 10 } : undefined,
    );
    expect(days.map(formatLocalDate)).toEqual(["2025-06-10", "2025-06-10", "2025-06-10"]);
  });

  it("ignores a recalled day that is later than the walk", () => {
    const days = assignTickerDays(times("17:10"), at("2025-06-10T17:00:00Z"), CASABLANCA, () => ({
      year: 2025,
      month: 6,
      day: 11,
    }));
    expect(days.map(formatLocalDate)).toEqual(["2025-06-10"]);
  });

  it("dates ticker lines across Morocco's 2026-09-20 move to permanent UTC+00 (regression: an hour early)", () => {
    // Before 2026-09-20 Casablanca was UTC+01 outside Ramadan; from then on it is UTC+00 all year.
    // Node's bundled tz 2025c still says +01 after the change, so every line came out an hour early.
    // The change came in the small hours of 2026-09-20, when clocks went back an hour for good.
    const dates = assignTickerDates(times("07:30", "00:20", "23:40"), at("2026-09-20T08:00:00Z"), CASABLANCA);
    expect(dates.map(iso)).toEqual([
      "2026-09-20T07:30:00.000Z", // after the change: local = UTC
      "2026-09-19T23:20:00.000Z", // before it, still +01
      "2026-09-19T22:40:00.000Z", // the evening before, +01
    ]);
    const december = assignTickerDates(times("17:10", "09:05"), at("2026-12-01T18:00:00Z"), CASABLANCA);
    expect(december.map(iso)).toEqual(["2026-12-01T17:10:00.000Z", "2026-12-01T09:05:00.000Z"]);
  });

  it("rejects an unknown time zone by name", () => {
    expect(() => assignTickerDates(latestNews, 0, "Africa/Atlantis")).toThrow(/unknown time zone 'Africa\/Atlantis'/);
  });
});

// ---------------------------------------------------------------------------------------------
// The collector, against fixture pages served from 127.0.0.1.

const TEST_FETCH: FetchOptions = {
  userAgent: "html-ticker-test",
  connectTimeoutMs: 2_000,
  timeoutMs: 2_000,
  maxBytes: 10 * 1024 * 1024,
  maxRedirects: 3,
};

/** The part of the store the collector relies on: ids, kept with the first-stored `published`. */
function memoryStore() {
  const items = new Map<string, CollectedItem>();
  return {
    items,
    knownIds: async (ids: readonly string[]): Promise<ReadonlySet<string>> =>
      new Set(ids.filter((id) => items.has(id))),
    commit(collected: readonly CollectedItem[]): { inserted: string[]; updated: string[] } {
      const inserted: string[] = [];
      const updated: string[] = [];
      for (const item of collected) {
        const stored = items.get(item.id);
        if (stored === undefined) {
          items.set(item.id, item);
          inserted.push(item.id);
        } else if (stored.title !== item.title || stored.url !== item.url) {
          items.set(item.id, { ...item, ...(stored.published !== undefined && { published: stored.published }) });
          updated.push(item.id);
        }
      }
      return { inserted, updated };
    },
  };
}

function context(now: string, store = memoryStore(), extra: Partial<CollectContext> = {}): CollectContext {
  return { clock: () => at(now), fetchOptions: TEST_FETCH, knownIds: store.knownIds, ...extra };
}

function tickerSource(url: string, overrides: Partial<Source> = {}): Source {
  return {
    id: "maghreb-latest",
    kind: "html-ticker",
    url,
    schedule: { every: 600_000 },
    categories: [],
    enabled: true,
    timezone: CASABLANCA,
    select: { item: "section.latest-news li.latest-item", time: ".time", title: ".headline", link: "a" },
    retention: { maxItemsPerSource: 500, maxAgeMs: 30 * 86_400_000 },
    ...overrides,
  };
}

describe("collectTicker", () => {
  let server: FixtureServer;
  beforeAll(async () => {
    server = await serveFixtures({
      "/world/downgraded-talks.html": { fixture: "morocco-news-article.html", etag: '"v1"' },
      "/fil-info.html": { fixture: "fil-info.html" },
      "/huge.html": { hugeBytes: 20 * 1024 * 1024 },
    });
  });
  afterAll(() => server.close());
  const page = (): string => `${server.origin}/world/downgraded-talks.html`;

  it("reads the Latest News ticker of the article page fixture", async () => {
    const outcome = await collectTicker(tickerSource(page()), context("2025-06-10T16:30:00Z"));
    expect(outcome.warnings).toEqual([]);
    expect(outcome.notModified).toBe(false);
    expect(outcome.etag).toBe('"v1"');
    expect(outcome.items.map((item) => [new Date(item.published ?? 0).toISOString(), item.title])).toEqual([
      ["2025-06-10T16:10:00.000Z", "Société Générale Maroc modernizes banking with IBM collaboration"],
      ["2025-06-10T15:45:00.000Z", "Bank Al-Maghrib keeps key rate at 2.25% as Moroccan inflation cools"],
      ["2025-06-10T15:15:00.000Z", "EU foreign ministers meet in Brussels on Middle East ceasefire"],
      ["2025-06-10T14:45:00.000Z", "Casablanca startup raises $12 million to expand its AI logistics platform"],
      ["2025-06-10T14:10:00.000Z", "Wydad Casablanca edge Raja 2-1 in Botola derby"],
      ["2025-06-10T13:30:00.000Z", "Morocco's phosphate exports rise 9% in the first quarter"],
      ["2025-06-10T12:30:00.000Z", "Japan and South Korea agree on a semiconductor supply pact"],
    ]);
    const [first] = outcome.items;
    expect(first).toMatchObject({
      kind: "ticker",
      sourceId: "maghreb-latest",
      language: "en",
      url: `${server.origin}/economy/societe-generale-maroc-ibm-banking`,
    });
  });

  it("strips the time from the title when time and title share one element (17:10Société…)", async () => {
    const select = { item: "li.latest-item", time: ".headline", title: ".headline", link: "a" };
    const outcome = await collectTicker(tickerSource(page(), { select }), context("2025-06-10T16:30:00Z"));
    expect(outcome.items[0]?.title).toBe("Société Générale Maroc modernizes banking with IBM collaboration");
    expect(outcome.items).toHaveLength(7);
  });

  it("identifies a linked line by its link, namespaced by source, and a bare line by headline and date", async () => {
    const { items } = await collectTicker(tickerSource(page()), context("2025-06-10T16:30:00Z"));
    const linked = items[0];
    const bare = items.find((item) => item.title.startsWith("Wydad"));
    expect(linked?.id).toBe(
      linkedLineId("maghreb-latest", `${server.origin}/economy/societe-generale-maroc-ibm-banking`),
    );
    // Regression: the bare link as id collided with the article the line points at (html-articles
    // then skipped that page as already stored).
    expect(linked?.id).not.toBe(linked?.url);
    expect(bare?.url).toBeUndefined();
    expect(bare?.id).toBe(
      mintItemId({
        sourceId: "maghreb-latest",
        title: "Wydad Casablanca edge Raja 2-1 in Botola derby",
        published: at("2025-06-10T14:10:00Z"),
      }),
    );
  });

  it("re-scraped hours apart, the next morning and the next evening, updates nothing and duplicates nothing", async () => {
    const store = memoryStore();
    const first = await collectTicker(tickerSource(page()), context("2025-06-10T16:30:00Z", store));
    expect(store.commit(first.items).inserted).toHaveLength(7);
    const firstDates = new Map(first.items.map((item) => [item.id, item.published]));
    // 21:00 and 23:59 the same day, 00:20 and 08:00 the next morning, and 19:00 the next evening,
    // when the walk alone would date the unchanged ticker "today" (a site that stopped updating).
    for (const later of [
      "2025-06-10T20:00:00Z",
      "2025-06-10T22:59:00Z",
      "2025-06-10T23:20:00Z",
      "2025-06-11T07:00:00Z",
      "2025-06-11T18:00:00Z",
    ]) {
      const again = await collectTicker(tickerSource(page()), context(later, store));
      expect(
        again.items.map((item) => item.id),
        later,
      ).toEqual(first.items.map((item) => item.id));
      expect(store.commit(again.items), later).toEqual({ inserted: [], updated: [] });
      expect(
        [...store.items.values()].map((item) => item.published),
        later,
      ).toEqual(first.items.map((item) => firstDates.get(item.id)));
      // A line without a link is identified by its date, so its date must not move either.
      const bare = again.items.find((item) => item.title.startsWith("Wydad"));
      expect(bare?.published, later).toBe(at("2025-06-10T14:10:00Z"));
    }
  });

  it("without the store's memory, an unchanged ticker read the next evening would be re-dated", async () => {
    // The reason collectTicker consults knownIds: the walk alone dates the bare line a day later.
    const { items } = await collectTicker(tickerSource(page()), context("2025-06-11T18:00:00Z"));
    expect(new Date(items.find((item) => item.title.startsWith("Wydad"))?.published ?? 0).toISOString()).toBe(
      "2025-06-11T14:10:00.000Z",
    );
  });

  it("answers notModified when the page has not changed (conditional GET)", async () => {
    const previous = {
      sourceId: "maghreb-latest",
      consecutiveFailures: 0,
      itemsCollected: 7,
      warnings: [],
      etag: '"v1"',
    };
    const outcome = await collectTicker(
      tickerSource(page()),
      context("2025-06-10T16:30:00Z", memoryStore(), { previous }),
    );
    expect(outcome).toMatchObject({ notModified: true, items: [], etag: '"v1"' });
  });

  it("reads every time format, crosses midnight, honours <base href> and warns about an unparseable line", async () => {
    const select = { item: "#fil-info li.ligne", time: ".heure", title: ".titre", link: "a" };
    // 01:00 in Casablanca on 11 June 2025.
    const outcome = await collectTicker(
      tickerSource(`${server.origin}/fil-info.html`, { select }),
      context("2025-06-11T00:00:00Z"),
    );
    expect(outcome.items.map((item) => [new Date(item.published ?? 0).toISOString(), item.url ?? null])).toEqual([
      ["2025-06-10T23:40:00.000Z", "https://fil.example/info/actualite/seisme-al-hoceima"],
      ["2025-06-10T23:05:00.000Z", "https://fil.example/economie/bvc-semaine-hausse"],
      ["2025-06-10T22:50:00.000Z", null],
      ["2025-06-10T22:15:00.000Z", "https://autre.example/tech/5g-maroc"],
      ["2025-06-10T20:30:00.000Z", null],
      ["2025-06-10T08:05:00.000Z", null],
    ]);
    expect(outcome.items[1]?.title).toBe("La Bourse de Casablanca termine la semaine en hausse de 1,2 %");
    expect(outcome.items[0]?.language).toBe("fr");
    expect(outcome.warnings).toEqual([
      'html-ticker: line 4 has an unparseable time "Direct": "Direct Suivez la conférence de presse du gouvernement"',
    ]);
  });

  it("fails the source, naming selector and page, when the item selector matches nothing", async () => {
    const select = { item: "li.x", time: ".time", title: ".headline" };
    await expect(collectTicker(tickerSource(page(), { select }), context("2025-06-10T16:30:00Z"))).rejects.toThrow(
      `html-ticker: selector 'li.x' matched nothing on ${page()}`,
    );
  });

  it("fails the source when the time selector matches nothing in any line", async () => {
    const select = { item: "li.latest-item", time: "time.stamp", title: ".headline" };
    await expect(collectTicker(tickerSource(page(), { select }), context("2025-06-10T16:30:00Z"))).rejects.toThrow(
      `html-ticker: selector 'time.stamp' matched nothing on ${page()}`,
    );
  });

  it("fails a 20 MB page at the body cap with a clear reason", async () => {
    await expect(
      collectTicker(tickerSource(`${server.origin}/huge.html`), context("2025-06-10T16:30:00Z")),
    ).rejects.toThrow(/huge\.html: body exceeds 10485760 bytes/);
  });

  it("rejects a source without a timezone or with an unknown one", async () => {
    const { timezone: _withoutZone, ...noZone } = tickerSource(page());
    await expect(collectTicker(noZone, context("2025-06-10T16:30:00Z"))).rejects.toThrow(/needs a timezone/);
    await expect(
      collectTicker(tickerSource(page(), { timezone: "Mars/Olympus" }), context("2025-06-10T16:30:00Z")),
    ).rejects.toThrow("html-ticker: source 'maghreb-latest' has an unknown timezone 'Mars/Olympus'");
  });

  it("reads the bundled offline sample site's ticker (config/sample/site)", async () => {
    const url = pathToFileURL(path.resolve(import.meta.dirname, "../../config/sample/site/index.html")).href;
    const outcome = await collectTicker(tickerSource(url), context("2025-06-10T18:00:00Z"));
    expect(outcome.warnings).toEqual([]);
    expect(outcome.items).toHaveLength(8);
    expect(outcome.items[0]?.title).toBe("Société Générale Maroc modernizes banking with IBM collaboration");
    expect(outcome.items[0]?.url).toBe(
      "https://sample.maghrebwire.example/articles/societe-generale-maroc-ibm-banking",
    );
    expect(outcome.items.some((item) => item.title.includes("Wydad"))).toBe(true);
  });
});
