/**
 * How the real service serves pollers (issue "Serving pollers well"): validators that tell the
 * truth (RFC 9110 §8.8), conditional GET on every validator form (RFC 9110 §13), precompressed
 * bodies, bounded freshness, per-feed cache invalidation, shared renders, and complete paging
 * (RFC 5005 §3). Everything goes through startService on 127.0.0.1 over a temp SQLite file.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { request as httpRequest, type IncomingHttpHeaders } from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { maxAgeSeconds } from "../../src/http/max-age.js";
import { startService, type Service } from "../../src/app/service.js";
import { DEFAULT_MAX_STALE_MS } from "../../src/publish/render-cache.js";
import { loadConfig, type Config } from "../../src/config/config.js";
import type { Settings } from "../../src/config/settings.js";
import type { ClassifiedItem, FeedFormat, StoredItem } from "../../src/model/index.js";
import { openStore } from "../../src/store/open-store.js";
import { attr, children, childText, parseXml, type XNode } from "../publish/feed-rules.js";
import { BUILT_IN_FRESHNESS } from "../built-in-config.js";
import { TEST_PRODUCT } from "../fixtures/product.js";

const BASE_URL = "https://news.example.org";
const T0 = Date.UTC(2026, 2, 10, 9, 0, 0);
const HOUR = 3_600_000;
const PAGED_ITEMS = 137;

const CATEGORIES_YAML = `site:
  title: Caching test
  description: Feeds for the caching test
  language: en
categories:
  - { slug: world, title: World, description: World news, match: [] }
  - { slug: technology, title: Technology, description: Tech news, match: [] }
  - { slug: morocco-economy, title: Morocco economy, description: Economy news, match: [] }
`;

const SOURCES_YAML = `sources:
  - { id: world-wire, kind: feed, url: world.xml, every: 10m, categories: [world] }
  - { id: tech-wire, kind: feed, url: tech.xml, every: 10m, categories: [technology] }
`;

interface Story {
  readonly id: string;
  readonly title: string;
  readonly published: number;
}

function rssDocument(name: string, stories: readonly Story[]): string {
  const items = stories.map(
    (story) =>
      `<item><title>${story.title}</title><link>${story.id}</link><guid>${story.id}</guid><pubDate>${new Date(story.published).toUTCString()}</pubDate><description>About ${story.title}</description></item>`,
  );
  return `<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel><title>${name}</title><link>https://${name}.example.org/</link><description>${name}</description>${items.join("")}</channel></rss>\n`;
}

const WORLD_STORIES: readonly Story[] = [1, 2, 3].map((n) => ({
  id: `https://world.example.org/story/${n}`,
  title: `World story ${n}`,
  published: T0 - n * HOUR,
}));
const TECH_STORIES: readonly Story[] = [1, 2].map((n) => ({
  id: `https://tech.example.org/story/${n}`,
  title: `Tech story ${n}`,
  published: T0 - n * HOUR,
}));

/** 137 economy items, three to a minute, so the store's id tiebreak is exercised across page edges. */
function pagedItems(): ClassifiedItem[] {
  return Array.from({ length: PAGED_ITEMS }, (_, i) => ({
    id: `https://eco.example.org/story/${String(i).padStart(3, "0")}`,
    sourceId: "eco-seed",
    kind: "article",
    url: `https://eco.example.org/story/${String(i).padStart(3, "0")}`,
    title: `Economy story ${i}`,
    authors: [],
    tags: [],
    enclosures: [],
    published: T0 - 2 * HOUR - Math.floor(i / 3) * 60_000,
    categories: ["morocco-economy"],
  }));
}

interface RawResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  /** Bytes as sent: node:http, unlike fetch, does not undo Content-Encoding. */
  readonly body: Buffer;
}

function send(
  origin: string,
  target: string,
  headers: Record<string, string> = {},
  method = "GET",
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${origin}${target}`, { method, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end();
  });
}

function header(response: RawResponse, name: string): string {
  const value = response.headers[name];
  if (typeof value !== "string") throw new Error(`no ${name} header on ${response.status}`);
  return value;
}

/** Max changedAt of a feed's items, as an HTTP date: what Last-Modified must say. */
function newestChangeOf(items: readonly StoredItem[]): string {
  return new Date(Math.max(...items.map((item) => item.changedAt))).toUTCString();
}

/** The paging links a document itself carries, by relation. */
function documentLinks(format: FeedFormat, body: string): Record<string, string | undefined> {
  if (format === "json") {
    const feed = JSON.parse(body) as { next_url?: string };
    return { next: feed.next_url };
  }
  const linksOf = (nodes: XNode[]): Record<string, string | undefined> =>
    Object.fromEntries(nodes.map((link) => [attr(link, "rel") ?? "", attr(link, "href")]));
  const document = parseXml(body);
  if (format === "atom") return linksOf(children(children(document, "feed")[0] ?? {}, "link"));
  return linksOf(children(children(children(document, "rss")[0] ?? {}, "channel")[0] ?? {}, "atom:link"));
}

function documentIds(format: FeedFormat, body: string): string[] {
  if (format === "json") return (JSON.parse(body) as { items: Array<{ id: string }> }).items.map((item) => item.id);
  const document = parseXml(body);
  if (format === "atom")
    return children(children(document, "feed")[0] ?? {}, "entry").map((entry) => childText(entry, "id") ?? "");
  return children(children(children(document, "rss")[0] ?? {}, "channel")[0] ?? {}, "item").map(
    (item) => childText(item, "guid") ?? "",
  );
}

/** RFC 8288 Link header → relation → target. */
function linkHeader(response: RawResponse): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of header(response, "link").split(/,\s*(?=<)/)) {
    const match = /^<([^>]+)>;\s*rel="([^"]+)"$/.exec(part.trim());
    // RFC 8288 §3.3: one rel may name several relation types, separated by spaces.
    for (const rel of match?.[2]?.split(" ") ?? []) if (match?.[1] !== undefined) out[rel] = match[1];
  }
  return out;
}

describe("serving pollers through the real service", () => {
  let dir: string;
  let config: Config;
  let settings: Settings;
  let service: Service;
  let now = T0;
  const clock = (): number => now;
  const logger = pino({ level: "silent" });

  const startInstance = (feedsDir: string): Promise<Service> =>
    startService(
      { ...settings, feedsDir },
      { config, loadedAt: T0, warnings: [] },
      { clock, logger, runWorker: false },
    );
  const get = (target: string, headers: Record<string, string> = {}, method = "GET"): Promise<RawResponse> =>
    send(service.address, target, headers, method);
  const feedItems = async (slug: string): Promise<readonly StoredItem[]> =>
    (await service.runtime.store.queryFeed({ categories: slug === "all" ? [] : [slug], limit: 500, page: 1 })).items;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "feed-caching-"));
    await writeFile(path.join(dir, "categories.yaml"), CATEGORIES_YAML);
    await writeFile(path.join(dir, "sources.yaml"), SOURCES_YAML);
    await writeFile(path.join(dir, "world.xml"), rssDocument("world", WORLD_STORIES));
    await writeFile(path.join(dir, "tech.xml"), rssDocument("tech", TECH_STORIES));
    const loaded = await loadConfig(dir, TEST_PRODUCT);
    if (!loaded.ok) throw new Error(`config rejected: ${JSON.stringify(loaded.problems)}`);
    config = loaded.config;
    const databasePath = path.join(dir, "feeds.db");
    settings = {
      port: 0,
      host: "127.0.0.1",
      baseUrl: BASE_URL,
      configDir: dir,
      database: { kind: "sqlite", path: databasePath },
      feedsDir: path.join(dir, "snapshots-a"),
      logLevel: "silent",
      webConcurrency: 1,
    };

    // The paged economy items are in the store before the service starts, as after a restart.
    const seed = await openStore({ kind: "sqlite", path: databasePath }, { clock });
    await seed.commitRun({ sourceId: "eco-seed", at: T0 }, pagedItems(), T0);
    await seed.close();

    service = await startInstance(settings.feedsDir);
    const results = await service.runtime.worker.runAll({ force: true });
    expect(results.map((result) => [result.sourceId, result.ok, result.inserted])).toEqual([
      ["world-wire", true, 3],
      ["tech-wire", true, 2],
    ]);
    await service.snapshots.idle();
  });

  afterAll(async () => {
    await service?.stop();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  describe("validators", () => {
    it("sends a strong ETag and Last-Modified = the newest item change in that feed", async () => {
      now = T0 + 5 * 60_000;
      const world = await get("/feeds/world.rss");
      expect(world.status).toBe(200);
      expect(header(world, "etag")).toMatch(/^"[A-Za-z0-9_-]{16,}"$/);
      expect(header(world, "last-modified")).toBe(newestChangeOf(await feedItems("world")));
      expect(header(world, "last-modified")).toBe(new Date(T0).toUTCString());
      expect(header(world, "last-modified")).not.toBe(new Date(now).toUTCString());
      // Different content, different tag.
      expect(header(await get("/feeds/technology.rss"), "etag")).not.toBe(header(world, "etag"));
    });

    it("gives the same ETag and Last-Modified when the same content is rendered again later", async () => {
      now = T0 + 10 * 60_000;
      const first = await get("/feeds/all.atom?limit=20");
      service.runtime.feeds.invalidateAll();
      now = T0 + 2 * HOUR;
      const before = service.runtime.feeds.cache.stats().misses;
      const second = await get("/feeds/all.atom?limit=20");
      expect(service.runtime.feeds.cache.stats().misses).toBe(before + 1); // really rendered again
      expect(header(second, "etag")).toBe(header(first, "etag"));
      expect(header(second, "last-modified")).toBe(header(first, "last-modified"));
      expect(second.body.equals(first.body)).toBe(true);
    });

    it("gives identical ETag and Last-Modified from two instances over the same SQLite file", async () => {
      const other = await startInstance(path.join(dir, "snapshots-b"));
      try {
        for (const target of [
          "/feeds/world.rss",
          "/feeds/all.json",
          "/feeds/technology.atom?limit=1",
          "/feeds/morocco-economy.rss?limit=10&page=3",
        ]) {
          for (const accept of ["identity", "gzip", "br"]) {
            const [mine, theirs] = await Promise.all([
              get(target, { "accept-encoding": accept }),
              send(other.address, target, { "accept-encoding": accept }),
            ]);
            expect(mine.status, target).toBe(200);
            expect(theirs.headers.etag, `${target} ${accept}`).toBe(mine.headers.etag);
            expect(theirs.headers["last-modified"], target).toBe(mine.headers["last-modified"]);
          }
        }
      } finally {
        await other.stop();
      }
    });
  });

  describe("conditional GET", () => {
    let etag: string;
    let lastModified: string;

    beforeAll(async () => {
      const response = await get("/feeds/world.rss");
      etag = header(response, "etag");
      lastModified = header(response, "last-modified");
    });

    const ALLOWED_ON_304 = new Set(["etag", "cache-control", "vary", "date", "connection", "keep-alive"]);

    const notModifiedCases: ReadonlyArray<[string, () => Record<string, string>]> = [
      ["exact If-None-Match", () => ({ "if-none-match": etag })],
      ["If-None-Match list", () => ({ "if-none-match": `"nope", ${etag}, "other"` })],
      ["weak If-None-Match (W/)", () => ({ "if-none-match": `W/${etag}` })],
      ["If-None-Match: *", () => ({ "if-none-match": "*" })],
      ["If-Modified-Since equal to Last-Modified", () => ({ "if-modified-since": lastModified })],
      [
        "If-Modified-Since later",
        () => ({ "if-modified-since": new Date(Date.parse(lastModified) + HOUR).toUTCString() }),
      ],
      [
        "matching If-None-Match beats an earlier If-Modified-Since",
        () => ({ "if-none-match": etag, "if-modified-since": new Date(Date.parse(lastModified) - HOUR).toUTCString() }),
      ],
    ];

    it.each(notModifiedCases)(
      "answers 304 with no body and only validator/caching headers: %s",
      async (_name, headers) => {
        for (const method of ["GET", "HEAD"]) {
          const response = await get("/feeds/world.rss", headers(), method);
          expect(response.status).toBe(304);
          expect(response.body.length).toBe(0);
          expect(response.headers.etag).toBe(etag);
          expect(response.headers.vary).toBe("Accept-Encoding, Sec-Fetch-Dest");
          expect(response.headers["cache-control"]).toMatch(/^public, max-age=\d+$/);
          expect(response.headers["content-type"]).toBeUndefined();
          expect(response.headers["content-encoding"]).toBeUndefined();
          expect(Number(response.headers["content-length"] ?? "0")).toBe(0);
          expect(Object.keys(response.headers).filter((name) => !ALLOWED_ON_304.has(name))).toEqual([]);
        }
      },
    );

    const modifiedCases: ReadonlyArray<[string, () => Record<string, string>]> = [
      [
        "If-Modified-Since earlier",
        () => ({ "if-modified-since": new Date(Date.parse(lastModified) - 1000).toUTCString() }),
      ],
      ["non-matching If-None-Match", () => ({ "if-none-match": '"something-else"' })],
      [
        "non-matching If-None-Match beats a later If-Modified-Since",
        () => ({
          "if-none-match": '"something-else"',
          "if-modified-since": new Date(Date.parse(lastModified) + HOUR).toUTCString(),
        }),
      ],
      ["a matching tag with a different opaque suffix", () => ({ "if-none-match": etag.replace(/"$/, 'x"') })],
    ];

    it.each(modifiedCases)("answers 200 with the full body: %s", async (_name, headers) => {
      const full = await get("/feeds/world.rss");
      const response = await get("/feeds/world.rss", headers());
      expect(response.status).toBe(200);
      expect(response.body.equals(full.body)).toBe(true);
      expect(response.body.length).toBeGreaterThan(0);
    });

    it("answers HEAD with the GET headers and no body", async () => {
      for (const accept of ["identity", "gzip", "br"]) {
        const full = await get("/feeds/world.json", { "accept-encoding": accept });
        const head = await get("/feeds/world.json", { "accept-encoding": accept }, "HEAD");
        expect(head.status).toBe(200);
        expect(head.body.length).toBe(0);
        for (const name of [
          "etag",
          "last-modified",
          "content-type",
          "content-encoding",
          "vary",
          "link",
          "cache-control",
        ]) {
          expect(head.headers[name], `${accept} ${name}`).toBe(full.headers[name]);
        }
        expect(header(head, "content-length")).toBe(String(full.body.length));
      }
    });
  });

  describe("content coding and freshness", () => {
    it.each(["world.rss", "all.atom", "technology.json", "morocco-economy.rss?limit=500"])(
      "serves %s as gzip and br that decompress to exactly the identity body, with Vary: Accept-Encoding (and Sec-Fetch-Dest for XML)",
      async (name) => {
        const identity = await get(`/feeds/${name}`);
        const gzip = await get(`/feeds/${name}`, { "accept-encoding": "gzip" });
        const br = await get(`/feeds/${name}`, { "accept-encoding": "gzip, deflate, br" });
        expect(identity.headers["content-encoding"]).toBeUndefined();
        expect(header(gzip, "content-encoding")).toBe("gzip");
        expect(header(br, "content-encoding")).toBe("br");
        for (const response of [identity, gzip, br]) {
          // A browser tab gets XML feeds labelled application/xml (feed-stylesheet.ts), so they vary on it too.
          expect(header(response, "vary")).toBe(
            name.endsWith(".json") ? "Accept-Encoding" : "Accept-Encoding, Sec-Fetch-Dest",
          );
          expect(header(response, "content-length")).toBe(String(response.body.length));
        }
        expect(gunzipSync(gzip.body).equals(identity.body)).toBe(true);
        expect(brotliDecompressSync(br.body).equals(identity.body)).toBe(true);
        // Distinct representations, distinct strong validators (RFC 9110 §8.8.3).
        expect(new Set([identity, gzip, br].map((response) => header(response, "etag"))).size).toBe(3);
        expect(gzip.body.length).toBeLessThan(identity.body.length);
      },
    );

    it("honours q=0: gzip;q=0 with br;q=0 gets identity", async () => {
      const response = await get("/feeds/world.rss", { "accept-encoding": "br;q=0, gzip;q=0, identity" });
      expect(response.headers["content-encoding"]).toBeUndefined();
    });

    it("sends Cache-Control: public, max-age within [30, 900] on 200 and 304", async () => {
      const full = await get("/feeds/world.atom");
      const notModified = await get("/feeds/world.atom", { "if-none-match": header(full, "etag") });
      for (const response of [full, notModified]) {
        const match = /^public, max-age=(\d+)$/.exec(header(response, "cache-control"));
        const seconds = Number(match?.[1]);
        expect(seconds).toBeGreaterThanOrEqual(30);
        expect(seconds).toBeLessThanOrEqual(900);
      }
    });

    it("bounds max-age by the next due source: 30 s floor, 900 s ceiling, else the time until then", () => {
      expect(maxAgeSeconds(T0 + 5_000, T0, BUILT_IN_FRESHNESS)).toBe(30);
      expect(maxAgeSeconds(T0 + 120_000, T0, BUILT_IN_FRESHNESS)).toBe(120);
      expect(maxAgeSeconds(T0 + 120_001, T0, BUILT_IN_FRESHNESS)).toBe(121);
      expect(maxAgeSeconds(T0 + 2 * HOUR, T0, BUILT_IN_FRESHNESS)).toBe(900);
      expect(maxAgeSeconds(T0 - 1_000, T0, BUILT_IN_FRESHNESS)).toBe(900);
      expect(maxAgeSeconds(undefined, T0, BUILT_IN_FRESHNESS)).toBe(900);
    });

    it("tells RSS readers the poll interval in <ttl> (the shortest source interval, 10 minutes)", async () => {
      const body = (await get("/feeds/world.rss")).body.toString("utf8");
      const channel = children(children(parseXml(body), "rss")[0] ?? {}, "channel")[0] ?? {};
      expect(childText(channel, "ttl")).toBe("10");
    });
  });

  describe("render cache", () => {
    it("shares one render among concurrent misses for the same variant", async () => {
      const queryFeed = vi.spyOn(service.runtime.store, "queryFeed");
      try {
        const responses = await Promise.all(
          Array.from({ length: 25 }, () => get("/feeds/morocco-economy.json?limit=7")),
        );
        expect(responses.map((response) => response.status)).toEqual(Array(25).fill(200));
        expect(new Set(responses.map((response) => header(response, "etag"))).size).toBe(1);
        expect(queryFeed).toHaveBeenCalledTimes(1);
      } finally {
        queryFeed.mockRestore();
      }
    });

    it("invalidates per feed: a new technology item changes technology and all, not world (served from cache)", async () => {
      const tags = async (): Promise<Record<string, string>> => {
        const out: Record<string, string> = {};
        for (const name of ["world.rss", "world.json", "technology.rss", "all.rss", "morocco-economy.atom"])
          out[name] = header(await get(`/feeds/${name}`), "etag");
        return out;
      };
      const before = await tags();
      const worldLastModified = header(await get("/feeds/world.rss"), "last-modified");

      now = T0 + 3 * HOUR;
      const fresh: Story = {
        id: "https://tech.example.org/story/new",
        title: "Tech story new",
        published: now - 60_000,
      };
      await writeFile(path.join(dir, "tech.xml"), rssDocument("tech", [fresh, ...TECH_STORIES]));
      const results = await service.runtime.worker.runAll({ force: true });
      expect(results.map((result) => [result.sourceId, result.changed])).toEqual([
        ["world-wire", false],
        ["tech-wire", true],
      ]);
      await service.snapshots.idle();

      const statsBefore = service.runtime.feeds.cache.stats();
      const world = await get("/feeds/world.rss");
      const statsAfter = service.runtime.feeds.cache.stats();
      expect(statsAfter.misses).toBe(statsBefore.misses);
      expect(statsAfter.hits).toBe(statsBefore.hits + 1);
      expect(header(world, "last-modified")).toBe(worldLastModified);

      const after = await tags();
      expect(after["world.rss"]).toBe(before["world.rss"]);
      expect(after["world.json"]).toBe(before["world.json"]);
      expect(after["morocco-economy.atom"]).toBe(before["morocco-economy.atom"]);
      expect(after["technology.rss"]).not.toBe(before["technology.rss"]);
      expect(after["all.rss"]).not.toBe(before["all.rss"]);

      const technology = await get("/feeds/technology.rss");
      expect(header(technology, "last-modified")).toBe(new Date(now).toUTCString());
      expect(header(technology, "last-modified")).toBe(newestChangeOf(await feedItems("technology")));
      expect(technology.body.toString("utf8")).toContain("Tech story new");
    });
  });

  describe("paging (RFC 5005 §3)", () => {
    const local = (url: string): string => {
      expect(url.startsWith(BASE_URL)).toBe(true);
      return url.slice(BASE_URL.length);
    };

    it.each(["rss", "atom", "json"] as const)(
      "reaches all 137 items exactly once, in order, following %s next links",
      async (format) => {
        const expected = (await feedItems("morocco-economy")).map((item) => item.id);
        expect(expected).toHaveLength(PAGED_ITEMS);
        const seen: string[] = [];
        let target: string | undefined = `/feeds/morocco-economy.${format}?limit=10`;
        let pages = 0;
        while (target !== undefined) {
          const response = await get(target);
          expect(response.status, target).toBe(200);
          const body = response.body.toString("utf8");
          seen.push(...documentIds(format, body));
          pages++;
          const inDocument = documentLinks(format, body);
          const inHeader = linkHeader(response);
          // The Link header and the document agree on where the next page is.
          expect(inDocument.next, target).toBe(inHeader.next);
          expect(inHeader.first).toBe(`${BASE_URL}/feeds/morocco-economy.${format}?limit=10`);
          if (format !== "json") expect(inDocument.first).toBe(inHeader.first);
          // `current` names the page itself, in the header as in the document.
          expect(inHeader.current).toBe(`${BASE_URL}${target}`);
          if (format !== "json") expect(inDocument.current).toBe(inHeader.current);
          // Next links continue from a cursor, which cannot name its predecessor: no previous on the way.
          expect(inHeader.previous).toBeUndefined();
          expect(inHeader.prev).toBeUndefined();
          expect(inDocument.previous).toBeUndefined();
          if (inHeader.next !== undefined) expect(inHeader.next).toMatch(/\?limit=10&before=\d+_[\w-]+$/);
          target = inHeader.next === undefined ? undefined : local(inHeader.next);
          expect(pages).toBeLessThanOrEqual(20);
        }
        expect(pages).toBe(Math.ceil(PAGED_ITEMS / 10));
        expect(seen).toEqual(expected);
        expect(new Set(seen).size).toBe(PAGED_ITEMS);
      },
    );

    it("reaches every item exactly once although new items arrive between page fetches (a page number would repeat them)", async () => {
      const before = (await feedItems("morocco-economy")).map((item) => item.id);
      const first = await get("/feeds/morocco-economy.json?limit=10");
      const seen = documentIds("json", first.body.toString("utf8"));
      let next = linkHeader(first).next;
      // Five newer stories land after the reader fetched page 1: numbered pages would all shift by five.
      const arrivals = pagedItems()
        .slice(0, 5)
        .map((item, i) => ({
          ...item,
          sourceId: "eco-late",
          id: `https://eco.example.org/late/${i}`,
          url: `https://eco.example.org/late/${i}`,
          published: T0 + i * 60_000,
        }));
      await service.runtime.store.commitRun({ sourceId: "eco-late", at: T0 + HOUR }, arrivals, T0 + HOUR);
      service.runtime.feeds.invalidate(["morocco-economy"]);
      while (next !== undefined) {
        const response = await get(local(next));
        expect(response.status).toBe(200);
        seen.push(...documentIds("json", response.body.toString("utf8")));
        next = linkHeader(response).next;
      }
      expect(seen).toEqual(before);
      await service.runtime.store.prune("eco-late", { maxItemsPerSource: 0, maxAgeMs: Infinity }, T0 + HOUR);
      expect((await feedItems("morocco-economy")).map((item) => item.id)).toEqual(before);
      service.runtime.feeds.invalidate(["morocco-economy"]);
    });

    it("keeps numbered pages for old links: ?page=3 links previous to page 2 and next by cursor", async () => {
      const response = await get("/feeds/morocco-economy.atom?limit=10&page=3");
      const links = linkHeader(response);
      const feed = `${BASE_URL}/feeds/morocco-economy.atom?limit=10`;
      expect(header(response, "link")).toBe(
        [
          // No hub: only a subscription document (the first page) offers one (WebSub §4).
          `<${feed}&page=3>; rel="self"`,
          `<${feed}>; rel="first"`,
          // RFC 5005 §3 spells it `previous`; the header always said `prev` (an IANA synonym), so it says both.
          `<${feed}&page=2>; rel="previous prev"`,
          `<${links.next ?? ""}>; rel="next"`,
          `<${feed}&page=3>; rel="current"`,
        ].join(", "),
      );
      expect(links.next).toMatch(/\?limit=10&before=\d+_[\w-]+$/);
      // The document names the same page before, by RFC 5005's name only.
      expect(documentLinks("atom", response.body.toString("utf8")).previous).toBe(`${feed}&page=2`);
      const ids = documentIds("atom", response.body.toString("utf8"));
      const all = (await feedItems("morocco-economy")).map((item) => item.id);
      expect(ids).toEqual(all.slice(20, 30));
      const next = await get(local(links.next ?? ""));
      expect(documentIds("atom", next.body.toString("utf8"))).toEqual(all.slice(30, 40));
    });

    it.each([
      ["before=nonsense", "before"],
      ["before=1_&limit=5", "before"],
      ["page=2&before=1764500000000_aHR0cHM6Ly9h", "before"],
    ])("answers 400 naming the parameter for %s", async (query, parameter) => {
      const response = await get(`/feeds/morocco-economy.rss?${query}`);
      expect(response.status).toBe(400);
      expect(JSON.parse(response.body.toString("utf8"))).toMatchObject({ parameter });
    });

    it("orders the paged items newest first, ties broken the same way on every page", async () => {
      const items = await feedItems("morocco-economy");
      for (let i = 1; i < items.length; i++)
        expect(items[i]?.published).toBeLessThanOrEqual(items[i - 1]?.published ?? 0);
    });
  });

  describe("items leaving a feed", () => {
    it("moves Last-Modified when a prune removes an item, so If-Modified-Since gets 200, not a false 304 (RFC 9110 §8.8.2)", async () => {
      const committedAt = T0 + 5 * HOUR;
      const leaving: ClassifiedItem = {
        id: "https://world.example.org/story/leaving",
        sourceId: "world-leaving",
        kind: "article",
        url: "https://world.example.org/story/leaving",
        title: "World story leaving",
        authors: [],
        tags: [],
        enclosures: [],
        published: committedAt - 60_000,
        categories: ["world"],
      };
      await service.runtime.store.commitRun({ sourceId: "world-leaving", at: committedAt }, [leaving], committedAt);
      service.runtime.feeds.invalidate(["world"]);
      // A changed feed's previous bytes answer for at most DEFAULT_MAX_STALE_MS (render-cache.ts); past it, the new ones.
      now += DEFAULT_MAX_STALE_MS + 1;
      const before = await get("/feeds/world.rss");
      expect(header(before, "last-modified")).toBe(new Date(committedAt).toUTCString());

      const prunedAt = committedAt + HOUR;
      await service.runtime.store.prune("world-leaving", { maxItemsPerSource: 0, maxAgeMs: Infinity }, prunedAt);
      service.runtime.feeds.invalidate(["world"]);
      now += DEFAULT_MAX_STALE_MS + 1;
      // The remaining items all changed before the one that left: without the departure,
      // Last-Modified would fall back to them and this request would get 304.
      const after = await get("/feeds/world.rss", { "if-modified-since": header(before, "last-modified") });
      expect(after.status).toBe(200);
      expect(after.body.toString("utf8")).not.toContain("World story leaving");
      expect(header(after, "etag")).not.toBe(header(before, "etag"));
      expect(Date.parse(header(after, "last-modified"))).toBeGreaterThan(Date.parse(header(before, "last-modified")));
      expect(header(after, "last-modified")).toBe(new Date(prunedAt).toUTCString());
    });
  });
});
