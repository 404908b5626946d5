/**
 * What a new user sees after `npm ci && npm start` with no internet: the shipped config's
 * bundled offline sources (an RSS file, a homepage ticker, article pages) alone fill every
 * category, ticker headlines included, and every feed is valid.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startService, type Service } from "../../src/app/service.js";
import { loadConfig } from "../../src/config/config.js";
import { atomProblems, jsonFeedProblems, rssProblems } from "../publish/feed-validators.js";
import { TEST_PRODUCT } from "../fixtures/product.js";

const CONFIG_DIR = path.resolve(import.meta.dirname, "../../config");
const BASE_URL = "http://feeds.test";
const SLUGS = ["world", "morocco-economy", "technology", "all"];

describe("the shipped offline sample", () => {
  let service: Service;
  let dir: string;

  beforeAll(async () => {
    const loaded = await loadConfig(CONFIG_DIR, TEST_PRODUCT);
    if (!loaded.ok) throw new Error("the shipped config must load");
    const offline = {
      ...loaded.config,
      sources: loaded.config.sources.filter((source) => source.url.startsWith("file:")),
    };
    expect(offline.sources.map((source) => source.kind).sort()).toEqual(["feed", "html-articles", "html-ticker"]);
    dir = await mkdtemp(path.join(tmpdir(), "shipped-"));
    service = await startService(
      {
        port: 0,
        host: "127.0.0.1",
        baseUrl: BASE_URL,
        configDir: CONFIG_DIR,
        database: { kind: "sqlite", path: ":memory:" },
        feedsDir: dir,
        logLevel: "silent",
        webConcurrency: 1,
      },
      { config: offline, loadedAt: Date.now(), warnings: [] },
      { clock: Date.now, logger: pino({ level: "silent" }), runWorker: false, watchConfig: false },
    );
    const results = await service.runtime.worker.runAll({ force: true });
    expect(results.filter((result) => !result.ok)).toEqual([]);
  });

  afterAll(async () => {
    await service.stop();
    await rm(dir, { recursive: true, force: true });
  });

  const get = async (pathAndQuery: string): Promise<string> => {
    const response = await fetch(`${service.address}${pathAndQuery}`);
    expect(response.status, pathAndQuery).toBe(200);
    return response.text();
  };

  it.each(SLUGS)("publishes valid, non-empty %s feeds in all three formats", async (slug) => {
    const selfUrl = (ext: string): string => `${BASE_URL}/feeds/${slug}.${ext}`;
    const rss = await get(`/feeds/${slug}.rss`);
    const atom = await get(`/feeds/${slug}.atom`);
    const json = await get(`/feeds/${slug}.json`);
    expect(rssProblems(rss, { selfUrl: selfUrl("rss") })).toEqual([]);
    expect(atomProblems(atom, { selfUrl: selfUrl("atom") })).toEqual([]);
    expect(jsonFeedProblems(json, { selfUrl: selfUrl("json") })).toEqual([]);
    expect((JSON.parse(json) as { items: unknown[] }).items.length).toBeGreaterThan(0);
  });

  it.each(["article", "ticker"])("publishes valid %s-only feeds", async (kind) => {
    for (const ext of ["rss", "atom", "json"]) {
      const body = await get(`/feeds/all.${ext}?kind=${kind}`);
      const selfUrl = `${BASE_URL}/feeds/all.${ext}?kind=${kind}`;
      const problems =
        ext === "rss"
          ? rssProblems(body, { selfUrl })
          : ext === "atom"
            ? atomProblems(body, { selfUrl })
            : jsonFeedProblems(body, { selfUrl });
      expect(problems, `${kind} ${ext}`).toEqual([]);
    }
    const items = (JSON.parse(await get(`/feeds/all.json?kind=${kind}`)) as { items: unknown[] }).items;
    expect(items.length).toBeGreaterThan(0);
  });

  it("sorts ticker headlines into categories like any item", async () => {
    const tickerTitles = async (slug: string): Promise<number> => {
      const all = JSON.parse(await get(`/feeds/all.json?kind=ticker&category=${slug}`)) as { items: unknown[] };
      return all.items.length;
    };
    for (const slug of ["world", "morocco-economy", "technology"])
      expect(await tickerTitles(slug), slug).toBeGreaterThan(0);
  });

  it.each(["world", "all"])(
    "shows each story of the %s feed once, and still every ticker line under ?kind=ticker",
    async (slug) => {
      type JsonItem = { id: string; url?: string; content_html?: string };
      const items = async (query: string): Promise<JsonItem[]> =>
        (JSON.parse(await get(`/feeds/${slug}.json?limit=500${query}`)) as { items: JsonItem[] }).items;
      // A story is the page its items name (no fragment, no tracking parameters); no URL: its own story.
      const storyOf = (item: JsonItem): string => {
        if (item.url === undefined) return item.id;
        const url = new URL(item.url);
        url.hash = "";
        for (const name of [...url.searchParams.keys()]) if (/^utm_/i.test(name)) url.searchParams.delete(name);
        return url.href;
      };
      const stories = await items("");
      const tickers = await items("&kind=ticker");
      const articles = await items("&kind=article");
      // Before stories: world listed 10 items for 8 pages, all 29 for 24.
      const distinct = new Set([...stories, ...tickers, ...articles].map(storyOf));
      expect(stories.length).toBe(distinct.size);
      expect(new Set(stories.map(storyOf)).size).toBe(stories.length);
      // Every ticker line keeps its own entry and id under ?kind=ticker; some link to an article we hold.
      const merged = tickers.filter((line) => articles.some((article) => storyOf(article) === storyOf(line)));
      expect(merged.length).toBeGreaterThan(0);
      for (const line of merged) {
        // One entry, under the id of whichever was stored first, with the article's body.
        const story = stories.find((item) => storyOf(item) === storyOf(line));
        const article = articles.find((item) => storyOf(item) === storyOf(line));
        expect(story?.content_html, line.id).toBeDefined();
        expect([line.id, article?.id]).toContain(story?.id);
      }
    },
  );

  it("lists every feed on the index page, and each feed once in OPML (regression: 12 entries, stories thrice)", async () => {
    const index = await get("/");
    for (const slug of SLUGS) {
      for (const ext of ["rss", "atom", "json"]) {
        expect(index).toContain(`<link rel="alternate" type="`);
        expect(index).toContain(`href="${BASE_URL}/feeds/${slug}.${ext}"`);
      }
    }
    const xmlUrls = (opml: string): string[] => [...opml.matchAll(/xmlUrl="([^"]+)"/g)].map((m) => m[1] ?? "");
    expect(xmlUrls(await get("/feeds.opml"))).toEqual(SLUGS.map((slug) => `${BASE_URL}/feeds/${slug}.atom`));
    expect(xmlUrls(await get("/feeds.opml?format=rss"))).toEqual(SLUGS.map((slug) => `${BASE_URL}/feeds/${slug}.rss`));
    expect(xmlUrls(await get("/feeds.opml?format=json"))).toEqual(
      SLUGS.map((slug) => `${BASE_URL}/feeds/${slug}.json`),
    );
    const bad = await fetch(`${service.address}/feeds.opml?format=pdf`);
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { parameter: string }).parameter).toBe("format");
  });

  it("names a same-origin XSLT in RSS, Atom and OPML and serves it as text/xsl, cacheable", async () => {
    for (const path of ["/feeds/world.rss", "/feeds/world.atom", "/feeds.opml"]) {
      expect((await get(path)).split("\n")[1]).toBe('<?xml-stylesheet type="text/xsl" href="/feed.xsl"?>');
    }
    expect(await get("/feeds/world.json")).not.toContain("xml-stylesheet");
    const xsl = await fetch(`${service.address}/feed.xsl`);
    expect(xsl.status).toBe(200);
    expect(xsl.headers.get("content-type")).toBe("text/xsl; charset=utf-8");
    expect(xsl.headers.get("cache-control")).toBe("public, max-age=86400");
    expect(await xsl.text()).toContain("<xsl:stylesheet");
    const again = await fetch(`${service.address}/feed.xsl`, {
      headers: { "If-None-Match": xsl.headers.get("etag") ?? "" },
    });
    expect(again.status).toBe(304);
  });

  it("labels RSS, Atom and OPML application/xml for a browser tab only, with the same bytes", async () => {
    const tab = { "Sec-Fetch-Dest": "document" };
    for (const [path, readerType] of [
      ["/feeds/world.rss", "application/rss+xml; charset=utf-8"],
      ["/feeds/world.atom", "application/atom+xml; charset=utf-8"],
      ["/feeds.opml", "text/x-opml; charset=utf-8"],
    ] as const) {
      const reader = await fetch(`${service.address}${path}`);
      const browser = await fetch(`${service.address}${path}`, { headers: tab });
      expect(reader.headers.get("content-type"), path).toBe(readerType);
      expect(browser.headers.get("content-type"), path).toBe("application/xml; charset=utf-8");
      expect(browser.headers.get("vary"), path).toContain("Sec-Fetch-Dest");
      expect(reader.headers.get("vary"), path).toContain("Sec-Fetch-Dest");
      expect(await browser.text(), path).toBe(await reader.text());
    }
    const json = await fetch(`${service.address}/feeds/world.json`, { headers: tab });
    expect(json.headers.get("content-type")).toBe("application/feed+json; charset=utf-8");
    expect(json.headers.get("vary")).toBe("Accept-Encoding");
  });

  it("answers liveness, 404 with the list of feeds, and 400 naming a bad parameter", async () => {
    expect(JSON.parse(await get("/healthz"))).toEqual({ status: "ok" });
    const missing = await fetch(`${service.address}/feeds/sport.rss`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get("content-type")).toBe("application/problem+json; charset=utf-8");
    expect(((await missing.json()) as { feeds: string[] }).feeds).toContain("/feeds/morocco-economy.atom");
    const bad = await fetch(`${service.address}/feeds/all.json?limit=9999`);
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { parameter: string }).parameter).toBe("limit");
    const nowhere = await fetch(`${service.address}/nowhere`);
    expect(nowhere.status).toBe(404);
  });
});
