/**
 * html-ticker without selectors: the ticker block is found on markups written for these tests
 * (list items, paragraphs, bare <br> lines, inline spans, table rows), and the collector dates it.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Source } from "../../src/model/index.js";
import type { CollectContext } from "../../src/sources/collector.js";
import { detectTickerInHtml } from "../../src/sources/html-ticker/detect-ticker.js";
import type { TickerDetection } from "../../src/sources/html-ticker/detect-ticker.js";
import { collectTicker } from "../../src/sources/html-ticker/index.js";
import { suggestTickerSelectors } from "../../src/sources/html-ticker/suggest-selectors.js";
import type { SelectorSuggestion } from "../../src/sources/html-ticker/suggest-selectors.js";
import { FIXTURES, serveFixtures } from "./html-fixture-server.js";
import type { FixtureServer } from "./html-fixture-server.js";

const BASE = "https://site.example/";
const fixture = (name: string): string => readFileSync(path.join(FIXTURES, name), "utf8");
const detect = (name: string): TickerDetection => detectTickerInHtml(fixture(name), BASE);
const hm = (time: { hour: number; minute: number }): string =>
  `${String(time.hour).padStart(2, "0")}:${String(time.minute).padStart(2, "0")}`;
const chosenLines = (detection: TickerDetection): Array<[string, string, string | undefined]> =>
  (detection.chosen?.lines ?? []).map((line) => [hm(line.time), line.title, line.link]);

describe("detectTicker", () => {
  it("finds list-item lines with the time in its own element, preferring the block headed Latest News", () => {
    const detection = detect("ticker-list.html");
    // "Most read" has more timed lines; the prayer-times widget has times but no headlines.
    expect(detection.blocks.map((block) => [block.heading, block.lines.length])).toEqual([
      ["Most read", 5],
      ["LATEST NEWS", 4],
    ]);
    expect(chosenLines(detection)).toEqual([
      [
        "00:40",
        "Late-night vote approves the water plan",
        "https://site.example/articles/late_night_vote/GMWGWQXSMFXM",
      ],
      ["00:05", "Stock exchange extends trading hours from Monday", undefined], // kept without a link
      ["23:50", "Casablanca airport opens its new terminal", "https://site.example/article/GMFWWMRWLQGR"],
      [
        "22:15",
        "OCP posts higher quarterly phosphate revenue",
        "https://site.example/articles/ocp_results/GLPWFPPWLQWG",
      ],
    ]);
    expect(detection.chosen?.elements.map((element) => element.name)).toEqual(["li", "li", "li", "li"]);
  });

  it("takes the longest block when none is headed Latest News", () => {
    const html = fixture("ticker-list.html").replace("LATEST NEWS", "Elsewhere");
    expect(chosenLines(detectTickerInHtml(html, BASE)).map(([time]) => time)).toEqual([
      "14:00",
      "13:00",
      "12:00",
      "11:00",
      "10:00",
    ]);
  });

  it("finds paragraph lines with inline times, a Breaking label and labels after the time", () => {
    expect(chosenLines(detect("ticker-paragraphs.html"))).toEqual([
      [
        "17:10",
        "Société Générale Maroc modernizes banking with IBM",
        "https://site.example/articles/sgm_ibm/GQQSFPWFFFPM",
      ],
      ["16:50", "Milan Cortina launches probe after Olympic medals crack and break", undefined],
      ["16:30", "EXCLUSIVE Mohamed Chiker to Walaw: the port will double its capacity", undefined],
      ["09:05", "Bank Al-Maghrib keeps its key rate unchanged", "https://site.example/articles/rate/GLMFGFQMLXWW"],
    ]);
  });

  it("finds bare text lines separated by <br>, inline spans without separators and table rows", () => {
    const detection = detect("ticker-bare-lines.html");
    expect(detection.blocks.map((block) => [block.heading, block.lines.map((line) => hm(line.time))])).toEqual([
      ["Latest News", ["17:00", "16:50", "07:00", "19:50"]],
      [undefined, ["12:00", "11:30"]],
      [undefined, ["09:05", "08:40"]],
    ]);
    expect(chosenLines(detection)).toEqual([
      [
        "17:00",
        "Top treasury primary dealers in Morocco led by major banks",
        "https://site.example/articles/treasury/GQPWWRLXXXXX",
      ],
      ["16:50", "Milan Cortina launches probe after Olympic medals crack", undefined],
      ["07:00", "Panama Supreme Court rules on the canal ports contract", undefined],
      ["19:50", "Russia and Ukraine pause energy strikes", "https://site.example/articles/pause/GLPWFPPWLQWA"],
    ]);
    const [, strip, table] = detection.blocks;
    expect(strip?.lines.map((line) => [line.title, line.link])).toEqual([
      ["Dirham steady against the euro", "https://site.example/articles/a/AAAAAAAAAAAB"],
      ["Phosphate prices ease in Asia", "https://site.example/articles/b/AAAAAAAAAAAC"],
    ]);
    expect(table?.lines.map((line) => [line.title, line.link])).toEqual([
      ["Trains resume between Rabat and Fez", "https://site.example/articles/c/AAAAAAAAAAAD"],
      ["Heavy snow closes two mountain roads", undefined],
    ]);
  });

  it("keeps a block whole across an ad slot, a badge and a short line (regression: the newest lines were lost)", () => {
    const html = `<h3>Latest News</h3><ul class="ticker">
      <li><div class="badge">Breaking</div><span>17:10</span> <a href="/a">Parliament adopts the finance bill</a></li>
      <li>16:50 Markets rally</li>
      <li class="ad">Advertisement</li>
      <li><span>16:30</span> Rains return to the north of the country</li>
      <li><span>16:05</span> Tangier Med handles record container volumes</li></ul>`;
    const detection = detectTickerInHtml(html, BASE);
    expect(detection.blocks).toHaveLength(1);
    expect(chosenLines(detection).map(([time, title]) => [time, title])).toEqual([
      ["17:10", "Parliament adopts the finance bill"],
      ["16:50", "Markets rally"],
      ["16:30", "Rains return to the north of the country"],
      ["16:05", "Tangier Med handles record container volumes"],
    ]);
    expect(detection.chosen?.heading).toBe("Latest News");
  });

  it("finds the Latest News heading a few lines up, never in the nav (regression: a TV schedule won)", () => {
    const lines = (times: string[], what: string): string =>
      times.map((t) => `<li>${t} ${what} number ${t}</li>`).join("");
    const html = `<nav><a href="/latest">Latest News</a></nav>
      <h4>Most read</h4><ul>${lines(["14:00", "13:00", "12:00"], "Most read story")}</ul>
      <h2>Latest news</h2><a href="/latest">View all</a><ul>${lines(["17:10", "16:50"], "Ticker headline")}</ul>
      <h2>On TV tonight</h2><ul>${lines(["20:00", "20:30", "21:00", "22:00", "23:00"], "Evening programme")}</ul>`;
    const detection = detectTickerInHtml(html, BASE);
    expect(detection.blocks.map((block) => [block.heading, block.lines.length])).toEqual([
      ["Most read", 3],
      ["Latest news", 2],
      ["On TV tonight", 5],
    ]);
    expect(chosenLines(detection).map(([time]) => time)).toEqual(["17:10", "16:50"]);
  });

  it("skips a carousel's cloned slides and hidden copies (regression: dated the ticker a day early)", () => {
    const slide = (time: string, title: string, attrs = ""): string =>
      `<div class="slide${attrs}">${time} ${title}</div>`;
    const html = `<h3>Latest News</h3><div class="track">
      ${slide("09:00", "Morning markets open higher in Casablanca", " slick-cloned")}
      ${slide("17:10", "Parliament adopts the finance bill today")}
      ${slide("12:00", "Rains return to the north of the country")}
      ${slide("09:00", "Morning markets open higher in Casablanca")}
      <div class="slide" aria-hidden="true">17:10 Parliament adopts the finance bill today</div>
      ${slide("17:10", "Parliament adopts the finance bill today", " swiper-slide-duplicate")}</div>`;
    expect(chosenLines(detectTickerInHtml(html, BASE)).map(([time]) => time)).toEqual(["17:10", "12:00", "09:00"]);
  });

  it("drops marquee separators and links the headline, not a category pill before it", () => {
    const html = `<div class="marquee"><p>17:10 <a href="/categorie/economy/X">Economy</a> <a href="/articles/a/GMWGWQXSMFXM">Parliament adopts the finance bill</a> |</p>
      <p>16:50 Rains return to the north of the country •</p></div>`;
    expect(chosenLines(detectTickerInHtml(html, BASE))).toEqual([
      // The pill's word stays in the headline (as "EXCLUSIVE" does); the link is the headline's.
      ["17:10", "Economy Parliament adopts the finance bill", "https://site.example/articles/a/GMWGWQXSMFXM"],
      ["16:50", "Rains return to the north of the country", undefined],
    ]);
  });

  it("says why when a page has no ticker", () => {
    const none = detectTickerInHtml("<p>Fajr 05:48</p><ul><li>05:48 Fajr</li><li>13:20 Dhuhr</li></ul>", BASE);
    expect(none.chosen).toBeUndefined();
    expect(none.reason).toMatch(/no line of text starts with a time \(HH:MM\) followed by a headline of 3\+ words/);
    const single = detectTickerInHtml("<p>17:10 Parliament passes the finance bill</p><p>More news below</p>", BASE);
    expect(single.reason).toMatch(/1 line\(s\) start with a time and a headline, but never 2 in a row/);
  });

  it("walks a page nested 20,000 deep without overflowing the stack", () => {
    const depth = 20_000;
    const html = `${"<span>".repeat(depth)}x${"</span>".repeat(depth)}<ul><li>10:00 One two three</li><li>09:00 Four five six</li></ul>`;
    expect(detectTickerInHtml(html, BASE).chosen?.lines).toHaveLength(2);
  });
});

describe("collectTicker without select:", () => {
  let server: FixtureServer;
  beforeAll(async () => {
    server = await serveFixtures({
      "/": { fixture: "ticker-list.html" },
      "/empty": { status: 200, body: "<html><body><p>Fajr 05:48</p></body></html>" },
    });
  });
  afterAll(() => server.close());

  const source = (url: string, overrides: Partial<Source> = {}): Source => ({
    id: "walaw-latest",
    kind: "html-ticker",
    url,
    schedule: { every: 600_000 },
    categories: [],
    enabled: true,
    timezone: "Africa/Casablanca",
    retention: { maxItemsPerSource: 500, maxAgeMs: 30 * 86_400_000 },
    ...overrides,
  });
  const context = (now: string): CollectContext => ({
    clock: () => Date.parse(now),
    fetchOptions: { userAgent: "test", connectTimeoutMs: 2_000, timeoutMs: 2_000, maxBytes: 1 << 20, maxRedirects: 3 },
    knownIds: async () => new Set<string>(),
  });
  const dated = async (src: Source, now: string): Promise<Array<[string, string]>> =>
    (await collectTicker(src, context(now))).items.map((item) => [
      new Date(item.published ?? 0).toISOString(),
      item.title,
    ]);

  it("dates the detected lines across midnight in Morocco's current zone (UTC+00 since 2026-09-20)", async () => {
    expect(await dated(source(`${server.origin}/`), "2026-12-02T00:50:00Z")).toEqual([
      ["2026-12-02T00:40:00.000Z", "Late-night vote approves the water plan"],
      ["2026-12-02T00:05:00.000Z", "Stock exchange extends trading hours from Monday"],
      ["2026-12-01T23:50:00.000Z", "Casablanca airport opens its new terminal"],
      ["2026-12-01T22:15:00.000Z", "OCP posts higher quarterly phosphate revenue"],
    ]);
  });

  it("dates lines read just after the 2026-09-20 change with the offset each was written in", async () => {
    // 01:30Z is 01:30 local after the change; 00:40 and before were still UTC+01.
    expect((await dated(source(`${server.origin}/`), "2026-09-20T01:30:00Z")).map(([date]) => date)).toEqual([
      "2026-09-19T23:40:00.000Z",
      "2026-09-19T23:05:00.000Z",
      "2026-09-19T22:50:00.000Z",
      "2026-09-19T21:15:00.000Z",
    ]);
  });

  it("lets an explicit select: win over detection, with the headline defaulting to the line's text", async () => {
    const select = { item: ".most-read li", time: "span", link: "a" };
    const titles = (await dated(source(`${server.origin}/`, { select }), "2026-12-02T15:00:00Z")).map(
      ([, title]) => title,
    );
    expect(titles).toEqual([
      "Parliament passes the 2027 finance bill",
      "Rains return to the north of the country",
      "Tangier Med handles record container volumes",
      "Royal Air Maroc adds routes to West Africa",
      "Film festival opens in Marrakech tonight",
    ]);
  });

  it("keeps a line without a link when the title selector is the link (regression: dropped)", async () => {
    const select = { item: ".news-ticker li", time: ".t", title: "a", link: "a" };
    const titles = (await dated(source(`${server.origin}/`, { select }), "2026-12-02T00:50:00Z")).map(
      ([, title]) => title,
    );
    expect(titles).toContain("Stock exchange extends trading hours from Monday");
    expect(titles).toHaveLength(4);
  });

  it("fails the source saying why when no ticker is found", async () => {
    await expect(collectTicker(source(`${server.origin}/empty`), context("2026-12-02T00:50:00Z"))).rejects.toThrow(
      /html-ticker: found no ticker on http:\/\/127\.0\.0\.1:\d+\/empty: no line of text starts with a time .*; pin it with select:/,
    );
  });
});

describe("suggestTickerSelectors", () => {
  const suggest = (name: string): SelectorSuggestion => {
    const html = fixture(name);
    const { chosen } = detectTickerInHtml(html, BASE);
    if (chosen === undefined) throw new Error(`test setup: no ticker in ${name}`);
    return suggestTickerSelectors(html, BASE, chosen);
  };

  it("pins list items by their named ancestor and the time by its own element", () => {
    expect(suggest("ticker-list.html")).toEqual({ select: { item: "div.news-ticker li", time: ".t", link: "a" } });
  });

  it("pins paragraphs with inline times by the line itself", () => {
    expect(suggest("ticker-paragraphs.html")).toEqual({
      select: { item: "#breaking p", time: "#breaking p", link: "a" },
    });
  });

  it("says bare <br> lines cannot be pinned", () => {
    expect(suggest("ticker-bare-lines.html")).toEqual({
      reason: expect.stringMatching(/bare text in one element/) as unknown,
    });
  });
});
