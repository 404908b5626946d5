/**
 * Issue 13: the index, the status page and the feeds (through their XSLT) as a person sees them
 * in a real browser: the elements are there and nothing overflows a 375 px phone or a laptop.
 */
import type { Browser, Page } from "puppeteer-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { StatusReport } from "../../src/http/status.js";
import { NOW, startTestServer, type TestServer } from "../http/test-server.js";
import { makeItem } from "../store/store-contract.js";
import { browserTestsEnabled, launchBrowser, VIEWPORTS } from "./browser.js";

const HOUR = 60 * 60 * 1000;
const LONG_WORD = "x".repeat(300);

const STATUS: StatusReport = {
  generatedAt: new Date(NOW).toISOString(),
  worker: { leader: true },
  timeZoneData: { version: "2026f" },
  config: { loadedAt: new Date(NOW - HOUR).toISOString(), sources: 2, categories: 1, warnings: [] },
  sources: [
    {
      id: "steady",
      kind: "feed",
      url: "https://example.org/world/rss",
      schedule: "every 600s",
      scheduleAsWritten: "10m",
      enabled: true,
      state: "ok",
      running: false,
      lastRunAt: new Date(NOW - 5 * 60_000).toISOString(),
      lastSuccessAt: new Date(NOW - 5 * 60_000).toISOString(),
      consecutiveFailures: 0,
      nextRunAt: new Date(NOW + 5 * 60_000).toISOString(),
      itemsCollected: 40,
      warnings: [],
      recentRuns: Array.from({ length: 30 }, (_, i) => ({
        finishedAt: new Date(NOW - i * 600_000).toISOString(),
        outcome: i % 3 === 0 ? ("not-modified" as const) : i === 7 ? ("failed" as const) : ("ok" as const),
        inserted: i % 3 === 0 ? 0 : 2,
        updated: 0,
      })),
    },
    {
      id: "broken-with-a-long-name",
      kind: "html-ticker",
      url: `https://***@example.net/very/long/path/${LONG_WORD}?api_key=***`,
      schedule: "cron */5 * * * *",
      scheduleAsWritten: "*/5 * * * *",
      enabled: true,
      state: "failing",
      running: true,
      lastRunAt: new Date(NOW - 2 * 60_000).toISOString(),
      lastError: `fetch: https://***@example.net/${LONG_WORD}: HTTP 503`,
      lastErrorAt: new Date(NOW - 2 * 60_000).toISOString(),
      consecutiveFailures: 4,
      itemsCollected: 2,
      warnings: [`ticker: a line without a time: ${LONG_WORD}`],
      recentRuns: [
        { finishedAt: new Date(NOW - 2 * 60_000).toISOString(), outcome: "failed", inserted: 0, updated: 0 },
      ],
    },
  ],
  categories: [
    {
      slug: "world",
      title: "World",
      items: 12,
      newestItemAt: new Date(NOW - HOUR).toISOString(),
      perDay: Array.from({ length: 14 }, (_, i) => ({
        day: new Date(NOW - (13 - i) * 24 * HOUR).toISOString().slice(0, 10),
        count: i % 4,
      })),
    },
  ],
};

const enabled = browserTestsEnabled();

describe.runIf(enabled)("pages in a browser (headless Chromium)", () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    server = await startTestServer({
      status: async () => STATUS,
      seed: async (store) => {
        await store.commitRun(
          { sourceId: "walaw-world", at: NOW },
          Array.from({ length: 7 }, (_, i) =>
            makeItem(`story-${i}`, {
              title: i === 0 ? `A headline with an unbreakable ${LONG_WORD}` : `World story number ${i}`,
              url: `https://example.org/news/${i}`,
              published: NOW - i * HOUR,
            }),
          ),
          NOW,
        );
      },
    });
    browser = await launchBrowser();
    page = await browser.newPage();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  async function open(path: string, width: number, height: number): Promise<void> {
    await page.setViewport({ width, height });
    const response = await page.goto(`${server.origin}${path}`, { waitUntil: "load" });
    expect(response?.status(), path).toBe(200);
  }

  /** How far the page scrolls sideways: 0 means everything fits the viewport's width. */
  function overflow(): Promise<number> {
    return page.$eval("html", (html) => html.scrollWidth - html.clientWidth);
  }

  for (const { name, width, height } of VIEWPORTS) {
    it(`index (${name}, ${width}px): each feed with its newest headlines and formats, nothing overflowing`, async () => {
      await open("/", width, height);
      expect(await overflow()).toBe(0);
      const cards = await page.$$eval(".card", (sections) =>
        sections.map((section) => ({
          id: section.id,
          title: section.querySelector("h2")?.textContent,
          headlines: [...section.querySelectorAll(".headlines li a")].map((a) => a.getAttribute("href")),
          times: [...section.querySelectorAll(".headlines time")].map((t) => [t.getAttribute("title"), t.textContent]),
          formats: [...section.querySelectorAll(".formats a")].map((a) => a.textContent),
        })),
      );
      expect(cards.map((card) => card.id)).toEqual(["feed-world", "feed-all"]);
      for (const card of cards) {
        // Five newest, newest first, each linked and dated (exact instant on hover, relative in text).
        expect(card.headlines).toEqual([0, 1, 2, 3, 4].map((i) => `https://example.org/news/${i}`));
        expect(card.times[1]?.[0]).toBe(new Date(NOW - HOUR).toISOString());
        expect(card.times[1]?.[1]).toMatch(/ago/);
        expect(card.formats).toEqual(["RSS 2.0", "Atom 1.0", "JSON Feed 1.1"]);
      }
      expect(await page.$eval(".lead", (p) => p.textContent)).toBe("Feeds under test");
    });

    it(`status (${name}, ${width}px): summary, charts, schedules as written, errors wrapped`, async () => {
      await open("/status", width, height);
      expect(await overflow()).toBe(0);
      const summary = await page.$eval("#summary", (p) => p.textContent ?? "");
      // Relative to the browser's clock, which is not the fixture's: the words, not the number.
      expect(summary).toMatch(/^1 sources ok · 1 failing · 42 items collected · last collect .+ ago$/);
      expect(await page.$eval("#summary time", (t) => t.getAttribute("title"))).toBe(STATUS.sources[1]?.lastRunAt);
      // Two weeks of bars per category, each with a tooltip; a text alternative for the chart.
      const bars = await page.$$eval("#category-world svg.days rect", (rects) =>
        rects.map((rect) => rect.querySelector("title")?.textContent),
      );
      expect(bars).toHaveLength(14);
      expect(bars[13]).toBe(`${STATUS.categories[0]?.perDay[13]?.day}: 1 stories`);
      expect(await page.$eval("#category-world svg.days", (svg) => svg.getAttribute("aria-label"))).toMatch(
        /^19 stories in 14 days: /,
      );
      // Recent runs oldest first, coloured by outcome.
      const runs = await page.$$eval("#source-steady svg.runs rect", (rects) => rects.map((rect) => rect.classList[1]));
      expect(runs).toHaveLength(30);
      expect(runs.at(-1)).toBe("not-modified");
      expect(runs.filter((outcome) => outcome === "failed")).toHaveLength(1);
      expect(await page.$eval("#source-steady svg.runs", (svg) => svg.getAttribute("aria-label"))).toBe(
        "Last 30 runs: 19 ok, 10 not modified, 1 failed",
      );
      expect(await page.$$eval(".schedule", (codes) => codes.map((code) => code.textContent))).toEqual([
        "10m",
        "*/5 * * * *",
      ]);
      // The long error, URL and warning wrap inside their card instead of widening the page.
      const fits = await page.$eval("#source-broken-with-a-long-name", (card) => {
        const box = card.getBoundingClientRect();
        return [".error", ".url", ".warnings li"].map((selector) => {
          const inner = card.querySelector(selector)?.getBoundingClientRect();
          return inner !== undefined && inner.right <= box.right + 0.5 && inner.height > 40;
        });
      });
      expect(fits).toEqual([true, true, true]);
      expect(await page.$eval('meta[http-equiv="refresh"]', (meta) => meta.getAttribute("content"))).toBe("60");
    });
  }

  it("shows RSS, Atom and OPML through the XSLT as a readable page at 375px", async () => {
    for (const path of ["/feeds/world.rss", "/feeds/world.atom", "/feeds.opml"]) {
      await open(path, 375, 740);
      // The transformed page replaces the XML document once the stylesheet has loaded.
      await page.waitForSelector("#items");
      const view = await page.$eval("html", (html) => ({
        h1: html.querySelector("h1")?.textContent,
        about: html.querySelector("#about")?.textContent ?? "",
        items: [...html.querySelectorAll("#items li a")].map((a) => a.getAttribute("href")),
        times: [...html.querySelectorAll("#items li time")].map((t) => t.textContent ?? ""),
      }));
      if (path === "/feeds.opml") {
        expect(view.h1, path).toBe("Test feeds");
        expect(view.about, path).toMatch(/subscription list/);
        expect(view.items, path).toEqual([
          "https://news.example.org/feeds/world.atom",
          "https://news.example.org/feeds/all.atom",
        ]);
      } else {
        expect(view.h1, path).toBe("Test feeds: World");
        expect(view.about, path).toContain(`news feed. Copy its address (https://news.example.org/feeds/world.`);
        expect(view.items, path).toEqual(Array.from({ length: 7 }, (_, i) => `https://example.org/news/${i}`));
        expect(view.times[1], path).toMatch(/2026/);
      }
      expect(await overflow(), path).toBe(0);
    }
  });
});
