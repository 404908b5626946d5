import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CollectedItem } from "../../src/model/index.js";
import type { CollectContext } from "../../src/sources/collector.js";
import type { FetchOptions } from "../../src/sources/fetch.js";
import { collectArticles } from "../../src/sources/html-articles/index.js";
import { articlesSource } from "./articles-source.js";
import { serveFixtures } from "./html-fixture-server.js";
import type { FixtureServer } from "./html-fixture-server.js";

const TEST_FETCH: FetchOptions = {
  userAgent: "html-articles-test",
  connectTimeoutMs: 2_000,
  timeoutMs: 1_000,
  maxBytes: 10 * 1024 * 1024,
  maxRedirects: 3,
};
const NOW = Date.parse("2025-06-11T08:00:00Z");

function context(known: readonly string[] = [], extra: Partial<CollectContext> = {}): CollectContext {
  const stored = new Set(known);
  return {
    clock: () => NOW,
    fetchOptions: TEST_FETCH,
    knownIds: async (ids) => new Set(ids.filter((id) => stored.has(id))),
    ...extra,
  };
}

const byTitle = (items: readonly CollectedItem[], start: string): CollectedItem => {
  const item = items.find((candidate) => candidate.title.startsWith(start));
  if (item === undefined) throw new Error(`no item titled "${start}…" among ${items.map((i) => i.title).join(" / ")}`);
  return item;
};

describe("collectArticles", () => {
  let server: FixtureServer;
  const listing = (): string => `${server.origin}/news/listing.html`;
  const article = (name: string): string => `${server.origin}/news/${name}`;

  beforeAll(async () => {
    server = await serveFixtures({
      "/news/listing.html": { fixture: "articles-listing.html" },
      "/news/downgraded-talks.html": { fixture: "morocco-news-article.html" },
      "/news/bank-al-maghrib-rate.html": { fixture: "article-jsonld.html" },
      "/news/ai-logistics-startup.html": { fixture: "article-minimal.html" },
      "/news/slow.html": { hang: true },
      "/news/huge.html": { hugeBytes: 20 * 1024 * 1024 },
      "/news/souk-windows-1252.html": { fixture: "souk-windows-1252.html", contentType: "text/html" },
      "/news/wrong-charset.html": { fixture: "wrong-charset.html", contentType: "text/html; charset=utf-8" },
      "/news/tanger-med.html": { fixture: "declared-latin1-is-utf8.html", contentType: "text/html" },
      "/news/empty-listing.html": { fixture: "fil-info.html" },
    });
  });
  afterAll(() => server.close());

  describe("a full pass over the listing", () => {
    let items: readonly CollectedItem[];
    let warnings: readonly string[];
    let requests: string[];

    beforeAll(async () => {
      const before = server.requests.length;
      ({ items, warnings } = await collectArticles(articlesSource(listing()), context()));
      requests = server.requests.slice(before);
    });

    it("collects every readable page once, in listing order, and warns about the others by URL", () => {
      expect(items.map((item) => item.url)).toEqual([
        "https://www.maghrebwire.example/world/downgraded-talks-russian-war-ukraine",
        "https://www.maghrebwire.example/economy/bank-al-maghrib-key-rate-june",
        article("ai-logistics-startup.html"),
        article("souk-windows-1252.html"),
        article("wrong-charset.html"),
        article("tanger-med.html"),
      ]);
      expect(items.every((item) => item.kind === "article" && item.sourceId === "maghreb-world")).toBe(true);
      expect(warnings).toHaveLength(3);
      expect(warnings[0]).toBe(
        `html-articles: ${article("missing.html")}: fetch: ${article("missing.html")}: HTTP 404 Not Found`,
      );
      expect(warnings[1]).toMatch(new RegExp(`^html-articles: ${escape(article("slow.html"))}: .*timed out`));
      expect(warnings[2]).toMatch(
        new RegExp(`^html-articles: ${escape(article("huge.html"))}: .*body exceeds 10485760 bytes`),
      );
    });

    it("fetches the listing once and a page linked twice once, fragment dropped", () => {
      expect(requests.filter((p) => p === "/news/listing.html")).toHaveLength(1);
      expect(requests.filter((p) => p === "/news/downgraded-talks.html")).toHaveLength(1);
      expect(requests).toContain("/news/bank-al-maghrib-rate.html");
    });

    it("reads Open Graph, article:* and JSON-LD metadata; the canonical URL is url and id", () => {
      const talks = byTitle(items, "Downgraded talks");
      expect(talks).toMatchObject({
        id: "https://www.maghrebwire.example/world/downgraded-talks-russian-war-ukraine",
        url: "https://www.maghrebwire.example/world/downgraded-talks-russian-war-ukraine",
        published: Date.parse("2025-06-10T11:05:00Z"),
        updated: Date.parse("2025-06-10T13:20:00Z"),
        authors: [{ name: "Salma Bennani" }],
        language: "en",
        summary:
          "Envoys lowered the level of the next round of talks on the war in Ukraine after two weeks without progress on a ceasefire.",
        // og:image is relative: it resolves against the page it was read from.
        imageUrl: `${server.origin}/media/2025/06/geneva-talks.jpg`,
      });
      expect(talks.tags).toEqual(["World", "Ukraine", "Russia"]);
    });

    it("keeps the story's text and drops navigation, ads, Read also blocks, sidebars, footers and scripts", () => {
      const html = byTitle(items, "Downgraded talks").contentHtml ?? "";
      expect(html).toContain("Envoys have lowered the level of the next round of talks");
      expect(html).toContain("no earlier than September");
      for (const junk of [
        "Read also",
        "EU weighs a new sanctions package",
        "Black Sea grain corridor",
        "trackScroll",
        "dataLayer",
        "Advertisement",
        "Latest News",
        "Société Générale",
        "Related articles",
        "All rights reserved",
        "Technology</a>",
        "<script",
      ]) {
        expect(html, junk).not.toContain(junk);
      }
    });

    it("falls back to JSON-LD (in an @graph, after a broken block) and the first paragraph", () => {
      const bank = byTitle(items, "Bank Al-Maghrib");
      expect(bank).toMatchObject({
        id: "https://www.maghrebwire.example/economy/bank-al-maghrib-key-rate-june",
        published: Date.parse("2025-06-10T15:40:00Z"),
        updated: Date.parse("2025-06-10T16:02:00Z"),
        authors: [{ name: "Youssef El Amrani" }, { name: "Nadia Chraibi" }],
        imageUrl: "https://cdn.maghrebwire.example/img/bam-hq.jpg",
        language: "en",
        tags: ["Economy", "Bank Al-Maghrib", "Inflation"],
      });
      expect(bank.summary).toMatch(/^Morocco's central bank kept its benchmark interest rate at 2\.25% on Tuesday/);
      expect(bank.contentHtml).not.toContain("Lire aussi");
      expect(bank.contentHtml).not.toContain("Inflation en mai");
    });

    it("reads a bare page: <title> minus the site, <time datetime>, the fetched URL as id", () => {
      const startup = byTitle(items, "Casablanca startup");
      expect(startup).toMatchObject({
        id: article("ai-logistics-startup.html"),
        url: article("ai-logistics-startup.html"),
        published: Date.parse("2025-06-10T13:45:00Z"),
      });
      expect(startup.language).toBeUndefined();
      expect(startup.summary).toMatch(/^A Casablanca startup that uses machine learning/);
      expect(startup.contentHtml).toContain(`src="${server.origin}/img/trucks.jpg"`);
      expect(startup.contentHtml).not.toContain("Related");
      expect(startup.contentHtml).not.toContain("Morocco Digital 2030");
    });

    // Node ≥ 20.18.3's TextDecoder reads windows-1252 0x80–0x9F as ISO-8859-1 (nodejs/node#56542);
    // the € and ’ below come out right only because normalizeItem repairs those code points.
    it("decodes a page declared windows-1252, 0x80–0x9F included (€, ’, …)", () => {
      const souk = byTitle(items, "Le souk");
      expect(souk.summary).toBe("Les commerçants de la médina espèrent une saison record : 12 € le tapis souvenir…");
      expect(souk.contentHtml).toContain("« C’est la meilleure");
    });

    // Decoding is src/sources/decode.ts's job: it trusts a UTF-8 declaration even when the bytes are not UTF-8.
    it("decodes a windows-1252 page whose declaration says UTF-8 (invalid UTF-8 → windows-1252)", () => {
      const dates = items.find((item) => item.url === article("wrong-charset.html"));
      expect(dates?.title).toBe("Les dattes d’Erfoud s’exportent jusqu’en Asie");
      expect(dates?.contentHtml).toContain("œuvres d’artisanat");
    });

    it("decodes a UTF-8 page whose declaration says ISO-8859-1", () => {
      const tanger = byTitle(items, "Tanger Med");
      expect(tanger.title).toBe("Tanger Med dépasse les 10 millions de conteneurs");
      expect(tanger.contentHtml).toContain("l’autorité portuaire");
    });
  });

  it("records the URLs a page was fetched from as aliases when its canonical URL differs (so the store knows the link)", async () => {
    const { items } = await collectArticles(articlesSource(listing(), { maxArticlesPerPass: 3 }), context());
    expect(byTitle(items, "Downgraded talks").aliases).toEqual([article("downgraded-talks.html")]);
    expect(byTitle(items, "Bank Al-Maghrib").aliases).toEqual([
      article("bank-al-maghrib-rate.html?utm_source=home"),
      article("bank-al-maghrib-rate.html"),
    ]);
    expect(byTitle(items, "Casablanca startup").aliases).toBeUndefined(); // stored under the URL it was fetched from
  });

  // The fake store knows these strings as ids or aliases; tests/sources/html-articles-passes.test.ts
  // shows a real store knows a page by its listing link once the page is stored under its canonical URL.
  it("does not download pages the store knows (by link, or by link without tracking parameters)", async () => {
    const before = server.requests.length;
    const known = [
      article("ai-logistics-startup.html"),
      article("bank-al-maghrib-rate.html"),
      article("missing.html"),
      article("slow.html"),
      article("huge.html"),
    ];
    const { items } = await collectArticles(articlesSource(listing()), context(known));
    const requests = server.requests.slice(before);
    expect(requests).not.toContain("/news/ai-logistics-startup.html");
    expect(requests).not.toContain("/news/bank-al-maghrib-rate.html");
    expect(requests).toContain("/news/downgraded-talks.html");
    expect(items.map((item) => item.title)).not.toContain(
      "Casablanca startup raises $12 million to expand its AI logistics platform",
    );
  });

  it("downloads stored pages again with refresh: true", async () => {
    const before = server.requests.length;
    await collectArticles(
      articlesSource(listing(), { refresh: true, maxArticlesPerPass: 3 }),
      context([article("ai-logistics-startup.html")]),
    );
    expect(server.requests.slice(before)).toEqual([
      "/news/listing.html",
      "/news/downgraded-talks.html",
      "/news/bank-al-maghrib-rate.html",
      "/news/ai-logistics-startup.html",
    ]);
  });

  it.each([
    { perHost: undefined, most: 1 },
    { perHost: 3, most: 3 },
  ])(
    "fetches article pages one host at a time as worker.per_host says ($perHost → at most $most at once; regression: always 4)",
    async ({ perHost, most }) => {
      let inFlight = 0;
      let peak = 0;
      const pages = Array.from({ length: 6 }, (_, i) => `/p${i}.html`);
      const site = createServer((req, res) => {
        if (req.url === "/list.html") {
          res
            .writeHead(200, { "content-type": "text/html" })
            .end(`<html><body>${pages.map((page) => `<a class="story" href="${page}">x</a>`).join("")}</body></html>`);
          return;
        }
        inFlight++;
        peak = Math.max(peak, inFlight);
        setTimeout(() => {
          inFlight--;
          res
            .writeHead(200, { "content-type": "text/html" })
            .end(
              `<html lang="en"><head><title>Story ${req.url}</title></head><body><article><h1>Story ${req.url}</h1><p>Text.</p></article></body></html>`,
            );
        }, 30);
      });
      await new Promise<void>((resolve) => site.listen(0, "127.0.0.1", resolve));
      try {
        const origin = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
        const { items } = await collectArticles(
          articlesSource(`${origin}/list.html`, { select: { link: "a.story" } }),
          context([], perHost === undefined ? {} : { perHost }),
        );
        expect(items).toHaveLength(6);
        expect(peak).toBe(most);
      } finally {
        site.close();
      }
    },
  );

  it("fetches at most maxArticlesPerPass pages per pass", async () => {
    const before = server.requests.length;
    const { items } = await collectArticles(articlesSource(listing(), { maxArticlesPerPass: 2 }), context());
    expect(server.requests.slice(before)).toEqual([
      "/news/listing.html",
      "/news/downgraded-talks.html",
      "/news/bank-al-maghrib-rate.html",
    ]);
    expect(items).toHaveLength(2);
  });

  it("reads only select.body when configured", async () => {
    const source = articlesSource(listing(), {
      select: { link: ".teaser h2 a", body: ".post-content" },
      maxArticlesPerPass: 1,
    });
    const { items, warnings } = await collectArticles(source, context());
    const html = items[0]?.contentHtml ?? "";
    expect(warnings).toEqual([]);
    expect(html).toContain("Envoys have lowered the level");
    expect(html).not.toContain("Read also");
    expect(html).not.toContain("trackScroll");
    expect(html).not.toContain("Downgraded talks on Russian war"); // the <h1> is outside .post-content
  });

  it("falls back to Readability, with a warning, when select.body matches nothing", async () => {
    const source = articlesSource(listing(), {
      select: { link: ".teaser h2 a", body: ".no-such-body" },
      maxArticlesPerPass: 1,
    });
    const { items, warnings } = await collectArticles(source, context());
    expect(items[0]?.contentHtml).toContain("Envoys have lowered the level");
    expect(warnings).toEqual([
      `html-articles: select.body '.no-such-body' matched nothing on ${article("downgraded-talks.html")}; used Readability`,
    ]);
  });

  it("fails the source, naming selector and page, when the link selector matches nothing", async () => {
    const source = articlesSource(`${server.origin}/news/empty-listing.html`, { select: { link: ".teaser a" } });
    await expect(collectArticles(source, context())).rejects.toThrow(
      `html-articles: selector '.teaser a' matched nothing on ${server.origin}/news/empty-listing.html`,
    );
  });

  it("fails the source when the listing itself cannot be fetched", async () => {
    await expect(collectArticles(articlesSource(`${server.origin}/news/gone.html`), context())).rejects.toThrow(
      /HTTP 404/,
    );
  });

  it("collects the bundled offline sample site (config/sample/site) through file: URLs", async () => {
    const url = pathToFileURL(path.resolve(import.meta.dirname, "../../config/sample/site/index.html")).href;
    const { items, warnings } = await collectArticles(
      articlesSource(url, { select: { link: ".top-stories .teaser h2 a" } }),
      context(),
    );
    expect(warnings).toEqual([]);
    expect(items).toHaveLength(5);
    for (const item of items) {
      expect(item.id).toMatch(/^https:\/\/sample\.maghrebwire\.example\/articles\//);
      expect(item.imageUrl).toMatch(/^https:\/\/sample\.maghrebwire\.example\/media\//);
      expect(item.published).toBeTypeOf("number");
      expect(item.contentHtml).not.toMatch(/Read also|dataLayer|Advertisement|Maghreb Wire —/);
    }
    expect(items.flatMap((item) => item.tags)).toEqual(expect.arrayContaining(["World", "Economy", "Technology"]));
    const bank = byTitle(items, "Société Générale Maroc");
    expect(bank.contentHtml).toContain("with data kept in Morocco to meet the requirements of Bank Al-Maghrib");
    expect(bank.summary).toBe(
      "The Moroccan bank will move its core banking and payment systems to a hybrid cloud platform built with IBM.",
    );
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
