/**
 * Issue 9 point 1 on loopback: upstream HTML nested tens of thousands deep (which parsers handle in
 * time quadratic in the depth, or overflow the stack on) is refused before parsing. A feed entry is
 * dropped with a warning naming it while its siblings are stored; an HTML page fails its source,
 * which then backs off like any failing source.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import pino from "pino";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { compileClassifier } from "../../src/classify/classifier.js";
import type { Source, SourceKind } from "../../src/model/index.js";
import { COLLECTORS } from "../../src/sources/registry.js";
import { openStore } from "../../src/store/open-store.js";
import type { Store } from "../../src/store/store.js";
import { collectSource, type CollectDeps } from "../../src/worker/collect-source.js";
import { BUILT_IN_FETCH } from "../built-in-config.js";

const T0 = Date.parse("2026-11-25T10:00:00Z");
const nested = (depth: number): string => "<div>".repeat(depth) + "deep" + "</div>".repeat(depth);

function rssItem(id: string, description: string): string {
  return (
    `<item><title>Story ${id}</title><link>https://news.example.org/${id}</link><guid>https://news.example.org/${id}</guid>` +
    `<pubDate>Wed, 25 Nov 2026 08:00:00 GMT</pubDate><description><![CDATA[${description}]]></description></item>`
  );
}

const BODIES: Readonly<Record<string, { type: string; body: string }>> = {
  "/feed.xml": {
    type: "application/rss+xml",
    body:
      `<?xml version="1.0"?><rss version="2.0"><channel><title>T</title><link>https://news.example.org/</link>` +
      rssItem("one", "<p>A normal story.</p>") +
      rssItem("deep", nested(50_000)) +
      rssItem("three", "<p>Another story.</p>") +
      `</channel></rss>`,
  },
  "/all-deep.xml": {
    type: "application/rss+xml",
    body: `<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>${rssItem("deep", nested(50_000))}</channel></rss>`,
  },
  "/ticker.html": {
    type: "text/html; charset=utf-8",
    body: `<html><body><ul><li>17:10 Markets close higher in Casablanca</li><li>16:05 Rain expected in Rabat tonight</li></ul>${nested(60_000)}</body></html>`,
  },
  "/listing.html": { type: "text/html; charset=utf-8", body: `<html><body>${nested(60_000)}</body></html>` },
  "/deep-articles.html": {
    type: "text/html; charset=utf-8",
    body: `<html><body><a class="story" href="/articles/deep-1">One</a><a class="story" href="/articles/deep-2">Two</a></body></html>`,
  },
  "/mixed-articles.html": {
    type: "text/html; charset=utf-8",
    body: `<html><body><a class="story" href="/articles/deep-1">One</a><a class="story" href="/articles/good">Two</a></body></html>`,
  },
  "/articles/deep-1": { type: "text/html; charset=utf-8", body: `<html><body>${nested(60_000)}</body></html>` },
  "/articles/deep-2": { type: "text/html; charset=utf-8", body: `<html><body>${nested(60_000)}</body></html>` },
  "/articles/good": {
    type: "text/html; charset=utf-8",
    body: `<html><head><title>Rabat port expands</title></head><body><article><h1>Rabat port expands</h1><p>The port adds a terminal.</p></article></body></html>`,
  },
};

function source(id: string, kind: SourceKind, url: string): Source {
  return {
    id,
    kind,
    url,
    schedule: { every: 600_000 },
    categories: ["world"],
    enabled: true,
    retention: { maxItemsPerSource: 100, maxAgeMs: 90 * 86_400_000 },
    ...(kind === "html-ticker" && { timezone: "Africa/Casablanca" }),
    ...(kind === "html-articles" && { maxArticlesPerPass: 5, refresh: false, select: { link: "a.story" } }),
  };
}

describe("upstream markup nested too deep", () => {
  let upstream: Server;
  let origin: string;
  let store: Store;

  const deps = (): CollectDeps => ({
    store,
    collectors: COLLECTORS,
    classify: compileClassifier([{ slug: "world", title: "World", description: "", match: [], exclude: [] }]),
    clock: () => T0,
    fetchOptions: BUILT_IN_FETCH,
    backoff: { baseMs: 60_000, capMs: 3_600_000 },
    random: () => 0.5,
    logger: pino({ level: "silent" }),
  });

  beforeAll(async () => {
    upstream = createServer((request, response) => {
      const route = BODIES[new URL(request.url ?? "/", "http://127.0.0.1").pathname];
      if (route === undefined) response.writeHead(404).end();
      else response.writeHead(200, { "content-type": route.type }).end(route.body);
    });
    await new Promise<void>((resolve) => upstream.listen(0, "127.0.0.1", resolve));
    origin = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => upstream.close(() => resolve())));
  beforeEach(async () => {
    store = await openStore("sqlite::memory:", { clock: () => T0 });
    return () => store.close();
  });

  it("drops the one feed entry nested 50,000 deep with a warning naming it, and keeps its siblings", async () => {
    const result = await collectSource(source("deep-feed", "feed", `${origin}/feed.xml`), deps());
    expect(result).toMatchObject({ ok: true, inserted: 2 });
    expect(result.warnings).toEqual([
      'feed: dropped entry 2 ("https://news.example.org/deep"): markup: its summary refused before parsing: elements nested more than 512 deep',
    ]);
    const ids = (await store.queryFeed({ categories: ["world"], limit: 10, page: 1 })).items.map((item) => item.id);
    expect(ids.sort()).toEqual(["https://news.example.org/one", "https://news.example.org/three"]);
  });

  it("fails a feed whose every entry is refused, so it backs off", async () => {
    const result = await collectSource(source("all-deep", "feed", `${origin}/all-deep.xml`), deps());
    expect(result.ok).toBe(false);
    expect(result.error).toContain("every entry (1) was refused");
    expect((await store.getSourceState("all-deep"))?.nextAttemptAt).toBeGreaterThan(T0);
  });

  it.each([
    ["html-ticker", "/ticker.html"],
    ["html-articles", "/listing.html"],
  ] as const)("fails an %s page nested 60,000 deep with a clear reason, and backs off", async (kind, route) => {
    const result = await collectSource(source(`deep-${kind}`, kind, `${origin}${route}`), deps());
    expect(result.ok).toBe(false);
    expect(result.failureStage).toBe("parse");
    expect(result.error).toBe(
      `${kind}: refused ${origin}${route}: markup: page refused before parsing: elements nested more than 512 deep`,
    );
    const state = await store.getSourceState(`deep-${kind}`);
    expect(state?.consecutiveFailures).toBe(1);
    expect(state?.nextAttemptAt).toBeGreaterThan(T0);
    // The next scheduled pass waits for the backoff instead of parsing the page again.
    expect((await collectSource(source(`deep-${kind}`, kind, `${origin}${route}`), deps())).skipped).toBe(true);
  });

  it("fails an html-articles pass whose every article page is refused, so the source backs off", async () => {
    const articles = source("deep-articles", "html-articles", `${origin}/deep-articles.html`);
    const result = await collectSource(articles, deps());
    expect(result.ok).toBe(false);
    expect(result.error).toBe(
      `html-articles: every article page read (2) was refused: html-articles: ${origin}/articles/deep-1: ` +
        `html-articles: refused ${origin}/articles/deep-1: markup: page refused before parsing: elements nested more than 512 deep`,
    );
    expect((await store.getSourceState("deep-articles"))?.nextAttemptAt).toBeGreaterThan(T0);
    expect((await collectSource(articles, deps())).skipped).toBe(true);
  });

  it("keeps the readable article when only some pages are refused, with a warning naming the other", async () => {
    const result = await collectSource(source("mixed", "html-articles", `${origin}/mixed-articles.html`), deps());
    expect(result).toMatchObject({ ok: true, inserted: 1 });
    expect(result.warnings).toEqual([
      `html-articles: ${origin}/articles/deep-1: html-articles: refused ${origin}/articles/deep-1: markup: page refused before parsing: elements nested more than 512 deep`,
    ]);
  });
});
