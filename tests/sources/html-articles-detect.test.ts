/**
 * html-articles without select.link: the listing's article links are detected (detect-links.ts),
 * over pages served from 127.0.0.1, and article pages are dated in the source's timezone:.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CollectContext } from "../../src/sources/collector.js";
import type { FetchOptions } from "../../src/sources/fetch.js";
import { collectArticles } from "../../src/sources/html-articles/index.js";
import { articlesSource } from "./articles-source.js";
import { serveFixtures } from "./html-fixture-server.js";
import type { FixtureServer, Route } from "./html-fixture-server.js";

const TEST_FETCH: FetchOptions = {
  userAgent: "html-articles-test",
  connectTimeoutMs: 2_000,
  timeoutMs: 1_000,
  maxBytes: 1024 * 1024,
  maxRedirects: 3,
};
const NOW = Date.parse("2025-06-11T08:00:00Z");
const context = (): CollectContext => ({ clock: () => NOW, fetchOptions: TEST_FETCH, knownIds: async () => new Set() });
const { select: _pinned, ...unpinned } = articlesSource("http://unused.invalid/");

const WALAW_ARTICLES = [
  "/articles/controversial_proposal_for_gaza_residents__relocation_sparks_criticism/GMWGWQXSMFXM",
  "/articles/bank_al_maghrib_keeps_key_rate_unchanged/GMXZQWRTPLKS",
  "/article/GMFWWMRWLQGR",
  "/articles/casablanca_tram_extension_opens_to_passengers/GMQPLXWZRTSA",
];

const WORDPRESS_POSTS = [
  "/2025/04/03/bank-al-maghrib-holds-its-key-rate/",
  "/2025/04/02/saffron-prices-in-taliouine/",
  "/2025/03/28/the-copper-souk-of-fez-at-dawn/",
];

/** Every path of `paths` answered with `fixture`, plus the listing at `/`. */
function site(listing: string, paths: readonly string[], fixture: string): Record<string, Route> {
  return { "/": { fixture: listing }, ...Object.fromEntries(paths.map((p) => [p, { fixture }])) };
}

describe("html-articles without select.link", () => {
  let walaw: FixtureServer;
  let wordpress: FixtureServer;
  let bare: FixtureServer;

  beforeAll(async () => {
    walaw = await serveFixtures(site("walaw-like-home.html", WALAW_ARTICLES, "walaw-like-article.html"));
    wordpress = await serveFixtures(site("wordpress-like-blog.html", WORDPRESS_POSTS, "article-minimal.html"));
    bare = await serveFixtures({
      "/": {
        status: 200,
        body: '<html><body><nav><a href="/world">World</a></nav><p><a href="/about">About</a> <a href="https://x.example/a-long-story-slug">x</a></p></body></html>',
      },
    });
  });
  afterAll(async () => {
    await Promise.all([walaw.close(), wordpress.close(), bare.close()]);
  });

  it("fetches exactly the homepage's card and headline links, not ticker, nav, category, ad, share, footer or one-off links", async () => {
    const before = walaw.requests.length;
    const { items, warnings } = await collectArticles({ ...unpinned, url: `${walaw.origin}/` }, context());
    expect(warnings).toEqual([]);
    expect(walaw.requests.slice(before)).toEqual(["/", ...WALAW_ARTICLES]);
    expect(items.map((item) => item.url)).toEqual(WALAW_ARTICLES.map((p) => `${walaw.origin}${p}`));
  });

  it("fetches exactly a WordPress front page's posts, not its category, tag, author, day-archive, page/2 or sidebar links", async () => {
    const before = wordpress.requests.length;
    await collectArticles({ ...unpinned, url: `${wordpress.origin}/` }, context());
    expect(wordpress.requests.slice(before)).toEqual(["/", ...WORDPRESS_POSTS]);
  });

  it("fails the source, saying why and how to pin, when no link is article-like", async () => {
    await expect(collectArticles({ ...unpinned, url: `${bare.origin}/` }, context())).rejects.toThrow(
      `html-articles: found 0 article-like links among 3 links on ${bare.origin}/ (1 on other sites, 1 in navigation, header, footer, sidebars, share bars or ads, 1 without an article-like URL); pin select.link`,
    );
  });

  it("dates article pages in the source's timezone: (Casablanca, UTC+01 on 10 April 2025) and reads the byline", async () => {
    const source = { ...unpinned, url: `${walaw.origin}/`, timezone: "Africa/Casablanca", maxArticlesPerPass: 1 };
    const [item] = (await collectArticles(source, context())).items;
    expect(item?.published).toBe(Date.parse("2025-04-10T16:00:00Z"));
    expect(item?.authors).toEqual([{ name: "Hassan Alaoui" }]);
  });

  it("reads the same zone-less date line as UTC without timezone:", async () => {
    const [item] = (await collectArticles({ ...unpinned, url: `${walaw.origin}/`, maxArticlesPerPass: 1 }, context()))
      .items;
    expect(item?.published).toBe(Date.parse("2025-04-10T17:00:00Z"));
  });

  it("still follows an explicit select.link", async () => {
    const before = walaw.requests.length;
    await collectArticles({ ...unpinned, url: `${walaw.origin}/`, select: { link: ".card h3 a" } }, context());
    expect(walaw.requests.slice(before)).toEqual(["/", WALAW_ARTICLES[0], WALAW_ARTICLES[1], WALAW_ARTICLES[2]]);
  });
});
