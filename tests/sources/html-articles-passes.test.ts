/**
 * html-articles over several passes with a real store (the worker's collectSource over SQLite):
 * a stored page is known by the link it was fetched from even when its canonical URL differs, across
 * restarts (issue "A page already stored is not downloaded again in full on later passes"), and the
 * listing is revalidated with the validators of the last pass that finished it (RFC 9110 §13.1).
 * The upstream is tests/fixtures/html served from 127.0.0.1.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import pino from "pino";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { compileClassifier } from "../../src/classify/classifier.js";
import type { FetchOptions } from "../../src/sources/fetch.js";
import { collectArticles } from "../../src/sources/html-articles/index.js";
import { COLLECTORS } from "../../src/sources/registry.js";
import { openStore } from "../../src/store/open-store.js";
import type { Store } from "../../src/store/store.js";
import { collectSource, type CollectDeps } from "../../src/worker/collect-source.js";
import { articlesSource } from "./articles-source.js";
import { serveFixtures, type FixtureServer } from "./html-fixture-server.js";
import { BUILT_IN_BACKOFF } from "../built-in-config.js";

const TEST_FETCH: FetchOptions = {
  userAgent: "html-articles-passes-test",
  connectTimeoutMs: 2_000,
  timeoutMs: 2_000,
  maxBytes: 10 * 1024 * 1024,
  maxRedirects: 3,
};
const T0 = Date.parse("2025-06-11T08:00:00Z");
const LISTING_ETAG = '"listing-v1"';
const PAGES = ["/news/downgraded-talks.html", "/news/bank-al-maghrib-rate.html", "/news/ai-logistics-startup.html"];

describe("html-articles over several passes with a real store", () => {
  let server: FixtureServer;
  let dir: string;
  let now = T0;
  const stores: Store[] = [];

  const deps = (store: Store): CollectDeps => ({
    store,
    collectors: COLLECTORS,
    classify: compileClassifier([]),
    clock: () => now,
    fetchOptions: TEST_FETCH,
    backoff: BUILT_IN_BACKOFF,
    random: () => 0.5,
    logger: pino({ level: "silent" }),
  });
  const open = async (url: string): Promise<Store> => {
    const store = await openStore(url, { clock: () => now });
    stores.push(store);
    return store;
  };
  /** Paths and If-None-Match of the requests `pass` makes. */
  const requestsOf = async (pass: () => Promise<unknown>): Promise<Array<[string, string | undefined]>> => {
    const before = server.requests.length;
    await pass();
    return server.requests.slice(before).map((p, i) => [p, server.headers[before + i]?.["if-none-match"]]);
  };

  beforeAll(async () => {
    server = await serveFixtures({
      "/news/top.html": { fixture: "articles-listing-canonical.html" },
      "/news/top-etag.html": { fixture: "articles-listing-canonical.html", etag: LISTING_ETAG },
      "/news/downgraded-talks.html": { fixture: "morocco-news-article.html" },
      "/news/bank-al-maghrib-rate.html": { fixture: "article-jsonld.html" },
      "/news/ai-logistics-startup.html": { fixture: "article-minimal.html" },
    });
  });
  afterAll(() => server.close());

  beforeEach(() => {
    now = T0;
    dir = mkdtempSync(path.join(tmpdir(), "html-articles-passes-"));
  });
  afterEach(async () => {
    for (const store of stores.splice(0)) await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("a page already stored is not downloaded again in full on later passes, when its canonical URL differs from its listing link, after a restart too", async () => {
    const database = `sqlite:${path.join(dir, "feeds.db")}`;
    const source = articlesSource(`${server.origin}/news/top.html`);
    const first = await open(database);
    const pass1 = await requestsOf(() => collectSource(source, deps(first)));
    expect(pass1.map(([p]) => p)).toEqual(["/news/top.html", ...PAGES]);
    const stored = (await first.queryFeed({ categories: [], limit: 10, page: 1 })).items.map((item) => item.id).sort();
    expect(stored).toEqual([
      `${server.origin}/news/ai-logistics-startup.html`,
      "https://www.maghrebwire.example/economy/bank-al-maghrib-key-rate-june",
      "https://www.maghrebwire.example/world/downgraded-talks-russian-war-ukraine",
    ]);
    await first.close();

    now = T0 + 900_000;
    const restarted = await open(database);
    let result: Awaited<ReturnType<typeof collectSource>> | undefined;
    const pass2 = await requestsOf(async () => (result = await collectSource(source, deps(restarted))));
    expect(pass2.map(([p]) => p)).toEqual(["/news/top.html"]);
    expect(result).toMatchObject({ ok: true, inserted: 0, updated: 0, warnings: [] });

    // refresh: true reads every stored page again; nothing changed upstream, so nothing changes.
    now = T0 + 1_800_000;
    const pass3 = await requestsOf(
      async () => (result = await collectSource({ ...source, refresh: true }, deps(restarted))),
    );
    expect(pass3.map(([p]) => p)).toEqual(["/news/top.html", ...PAGES]);
    expect(result).toMatchObject({ ok: true, inserted: 0, updated: 0 });
  });

  it("collects the shipped offline sample (file: links, https canonical URLs) once: pass 2 reads no article page", async () => {
    const url = pathToFileURL(path.resolve(import.meta.dirname, "../../config/sample/site/index.html")).href;
    const source = articlesSource(url, { select: { link: ".top-stories .teaser h2 a" } });
    const store = await open("sqlite::memory:");
    expect(await collectSource(source, deps(store))).toMatchObject({ ok: true, inserted: 5 });

    const ctx = {
      clock: () => now,
      fetchOptions: TEST_FETCH,
      knownIds: (ids: readonly string[]) => store.knownIds(ids),
    };
    // Every page read becomes an item or a warning, so none of either means no page was read.
    expect(await collectArticles(source, ctx)).toMatchObject({ items: [], warnings: [] });
    expect((await collectArticles({ ...source, refresh: true }, ctx)).items).toHaveLength(5);
  });

  it("revalidates the listing with the stored ETag and ends the pass on 304, fetching no article page", async () => {
    const store = await open("sqlite::memory:");
    const source = articlesSource(`${server.origin}/news/top-etag.html`);
    const pass1 = await requestsOf(() => collectSource(source, deps(store)));
    expect(pass1).toEqual([["/news/top-etag.html", undefined], ...PAGES.map((p) => [p, undefined])]);
    expect((await store.getSourceState(source.id))?.etag).toBe(LISTING_ETAG);

    now = T0 + 900_000;
    let result: Awaited<ReturnType<typeof collectSource>> | undefined;
    const pass2 = await requestsOf(async () => (result = await collectSource(source, deps(store))));
    expect(pass2).toEqual([["/news/top-etag.html", LISTING_ETAG]]);
    expect(result).toMatchObject({ ok: true, notModified: true, inserted: 0, updated: 0 });
    expect((await store.getSourceState(source.id))?.etag).toBe(LISTING_ETAG);
  });

  it("keeps no validators after a pass the per-pass cap left links for, so the next pass still reads the listing", async () => {
    const store = await open("sqlite::memory:");
    const source = articlesSource(`${server.origin}/news/top-etag.html`, { maxArticlesPerPass: 2 });
    expect((await requestsOf(() => collectSource(source, deps(store)))).map(([p]) => p)).toEqual([
      "/news/top-etag.html",
      ...PAGES.slice(0, 2),
    ]);
    expect((await store.getSourceState(source.id))?.etag).toBeUndefined();

    now = T0 + 900_000;
    expect(await requestsOf(() => collectSource(source, deps(store)))).toEqual([
      ["/news/top-etag.html", undefined],
      [PAGES[2], undefined],
    ]);
    expect((await store.getSourceState(source.id))?.etag).toBe(LISTING_ETAG);

    now = T0 + 1_800_000;
    expect(await requestsOf(() => collectSource(source, deps(store)))).toEqual([["/news/top-etag.html", LISTING_ETAG]]);
  });

  it("never revalidates the listing with refresh: true, which re-reads stored pages whatever the listing says", async () => {
    const store = await open("sqlite::memory:");
    const source = articlesSource(`${server.origin}/news/top-etag.html`);
    await collectSource(source, deps(store));
    expect((await store.getSourceState(source.id))?.etag).toBe(LISTING_ETAG);

    now = T0 + 900_000;
    const refreshed = await requestsOf(() => collectSource({ ...source, refresh: true }, deps(store)));
    expect(refreshed).toEqual([["/news/top-etag.html", undefined], ...PAGES.map((p) => [p, undefined])]);
  });
});
