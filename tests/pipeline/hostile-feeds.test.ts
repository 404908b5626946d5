/**
 * End to end: hostile upstream RSS, Atom and JSON Feed documents, served from 127.0.0.1, go through
 * the real pipeline (config → collect → classify → store → publish → HTTP), and every one of the
 * documents we publish from them must be valid, safe and faithful to what the store holds.
 */
import { copyFile, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import pino from "pino";
import Parser from "rss-parser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compileClassifier } from "../../src/classify/classifier.js";
import { ttlMinutes } from "../../src/publish/ttl.js";
import { startService, type Service } from "../../src/app/service.js";
import { loadConfig, type Config } from "../../src/config/config.js";
import type { FeedFormat, FeedQuery, StoredItem } from "../../src/model/index.js";
import { DEFAULT_LIMIT, FEED_FORMATS } from "../../src/model/index.js";
import { atomEntryId } from "../../src/publish/entry-id.js";
import { encodeCursor } from "../../src/publish/feed-cursor.js";
import { createFeedService, type FeedService } from "../../src/publish/feed-service.js";
import type { FeedVariant } from "../../src/publish/feed-variant.js";
import { mintItemId } from "../../src/sources/item-id.js";
import { COLLECTORS } from "../../src/sources/registry.js";
import { openStore } from "../../src/store/open-store.js";
import type { Store } from "../../src/store/store.js";
import { collectSource, type CollectDeps, type SourceRunResult } from "../../src/worker/collect-source.js";
import { attr, childText, children, parseXml, type XNode } from "../publish/feed-rules.js";
import { atomProblems, jsonFeedProblems, rssProblems } from "../publish/feed-validators.js";
import { BUILT_IN_BACKOFF } from "../built-in-config.js";
import { TEST_PRODUCT } from "../fixtures/product.js";

const FIXTURES = path.resolve(import.meta.dirname, "../fixtures/hostile");
const SHIPPED_CATEGORIES = path.resolve(import.meta.dirname, "../../config/categories.yaml");
const BASE_URL = "https://news.example.org";
const SLUGS = ["world", "morocco-economy", "technology", "all"] as const;
/** First collect pass, then a second one an hour later. */
const T1 = Date.UTC(2025, 2, 5, 12, 0, 0);
const T2 = T1 + 3_600_000;
const MEDIA_TYPES: Readonly<Record<FeedFormat, string>> = {
  rss: "application/rss+xml; charset=utf-8",
  atom: "application/atom+xml; charset=utf-8",
  json: "application/feed+json; charset=utf-8",
};
const UPSTREAM: Readonly<Record<string, { file: string; type: string }>> = {
  "/rss.xml": { file: "rss.xml", type: "application/rss+xml; charset=utf-8" },
  "/atom.xml": { file: "atom.xml", type: "application/atom+xml" },
  "/feed.json": { file: "feed.json", type: "application/feed+json" },
};

/** C0 controls other than tab, LF and CR, DEL, and the C1 block: never text a reader should see. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;
/** The same, as JSON writes them escaped. */
const ESCAPED_CONTROL = /\\u00(?:0[0-8bcef]|1[0-9a-f]|7f|[89][0-9a-f])/i;
const UNSAFE_MARKERS = ["<script", "<iframe", "onerror", "javascript:"];

/**
 * The fixtures spell raw control characters as {{U+0001}} so the files stay readable text;
 * the server puts the real characters on the wire, where a careless upstream would.
 */
function withRawControls(fixture: string): string {
  return fixture.replace(/\{\{U\+([0-9A-F]{4})\}\}/g, (_match, hex: string) =>
    String.fromCharCode(Number.parseInt(hex, 16)),
  );
}

async function startUpstream(): Promise<{ server: Server; origin: string }> {
  const bodies = new Map<string, string>();
  for (const [route, { file }] of Object.entries(UPSTREAM))
    bodies.set(route, withRawControls(await readFile(path.join(FIXTURES, file), "utf8")));
  const server = createServer((request, response) => {
    const route = new URL(request.url ?? "/", "http://127.0.0.1").pathname;
    const body = bodies.get(route);
    const upstream = UPSTREAM[route];
    if (body === undefined || upstream === undefined) {
      response.writeHead(404, { "content-type": "text/plain" }).end("not found");
      return;
    }
    response.writeHead(200, { "content-type": upstream.type }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

async function writeConfigDir(origin: string): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), "hostile-feeds-"));
  await copyFile(SHIPPED_CATEGORIES, path.join(dir, "categories.yaml"));
  const sources = [
    ["walaw", "rss.xml"],
    ["le360", "atom.xml"],
    ["hespress", "feed.json"],
  ].map(([id, file]) => `  - id: ${id}\n    kind: feed\n    url: ${origin}/${file}\n    every: 10m\n`);
  await writeFile(path.join(dir, "sources.yaml"), `sources:\n${sources.join("")}`);
  return dir;
}

function variantOf(slug: string, format: FeedFormat, query: Partial<FeedQuery> = {}): FeedVariant {
  return { slug, format, query: { categories: slug === "all" ? [] : [slug], limit: DEFAULT_LIMIT, page: 1, ...query } };
}

function problemsOf(format: FeedFormat, document: string, selfUrl: string): string[] {
  if (format === "rss") return rssProblems(document, { selfUrl });
  if (format === "atom") return atomProblems(document, { selfUrl });
  return jsonFeedProblems(document, { selfUrl });
}

/** What each item must look like once stored: decoded once, absolute, classified, dated. */
interface Expected {
  readonly title: string;
  readonly url?: string;
  readonly categories: readonly string[];
  /** Upstream date, or undefined for an undated item (first-seen, T1). */
  readonly published?: number;
}

/** A bare upstream guid ("101") is only unique within its feed: the item id namespaces it by source. */
function bare(sourceId: string, guid: string): string {
  return mintItemId({ sourceId, guid, title: "" });
}

function expectations(origin: string): ReadonlyMap<string, Expected> {
  return new Map<string, Expected>([
    [
      bare("walaw", "walaw-world-1001"),
      {
        title: "Breaking: Ceasefire talks resume in Brussels",
        url: `${origin}/world/ceasefire-brussels`,
        categories: ["world"],
        published: Date.UTC(2025, 2, 5, 8, 15),
      },
    ],
    [
      "https://walaw.example.ma/tech/att-ai-hub",
      {
        title: "AT&T picks Casablanca for an AI research hub",
        url: "https://walaw.example.ma/tech/att-ai-hub",
        categories: ["technology"],
        published: Date.UTC(2025, 2, 5, 8, 0),
      },
    ],
    [
      bare("walaw", "walaw-tech-2002"),
      {
        title: "AT&T and Orange Maroc launch a 5G roaming app",
        url: `${origin}/tech/att-orange-roaming`,
        categories: ["technology"],
        published: Date.UTC(2025, 2, 4, 17, 45),
      },
    ],
    [
      bare("walaw", "walaw-eco-3003"),
      { title: "Bank Al-Maghrib holds its key rate at 2.5%", categories: ["morocco-economy"] },
    ],
    [
      bare("walaw", "walaw-eco-3004"),
      {
        title: "Morocco's phosphate exports hit a record in February",
        url: "https://walaw.example.ma/economy/phosphate-record",
        categories: ["morocco-economy"],
        published: Date.UTC(2025, 2, 5, 6, 30),
      },
    ],
    [
      bare("walaw", "101"),
      {
        title: "Morocco's trade deficit narrows: a<b and c>d for exporters",
        url: `${origin}/economy/trade-deficit`,
        categories: ["morocco-economy"],
        published: Date.UTC(2025, 2, 5, 5, 0),
      },
    ],
    [
      "(hash) walaw MASI",
      { title: "Casablanca bourse: MASI gains 0.8% as bank shares rally", categories: ["morocco-economy"] },
    ],
    [
      "tag:le360.example.ma,2025:eu-sahel",
      {
        title: "Breaking: EU ministers back a Sahel plan in Brussels",
        url: "https://le360.example.ma/world/eu-sahel",
        categories: ["world"],
        published: Date.UTC(2025, 2, 5, 7, 30),
      },
    ],
    [
      "tag:le360.example.ma,2025:att-cloud",
      {
        title: "AT&T opens a cloud region for Moroccan startups",
        url: "https://le360.example.ma/tech/att-cloud",
        categories: ["technology"],
        published: Date.UTC(2025, 2, 4, 15, 0),
      },
    ],
    [
      "urn:uuid:3f7c1c2e-8a4b-4d1e-9b2a-6c5d4e3f2a1b",
      { title: "Tanger Med port handles record container traffic", categories: ["morocco-economy"] },
    ],
    [
      bare("hespress", "101"),
      {
        title: "Breaking: Security Council meets on Gaza truce, 3<5 votes short",
        url: `${origin}/world/security-council-gaza`,
        categories: ["world"],
        published: Date.UTC(2025, 2, 5, 7, 0),
      },
    ],
    [bare("hespress", "102"), { title: "AT&T and Inwi test a 5G network in Rabat", categories: ["technology"] }],
    [
      bare("hespress", "103"),
      {
        title: "Morocco's inflation slows to 0.9% as food prices ease",
        url: "https://hespress.example.ma/economy/inflation-february",
        categories: ["morocco-economy"],
        published: Date.UTC(2025, 2, 5, 7, 0),
      },
    ],
  ]);
}

/** The hash-minted id (no guid, no link upstream) is looked up by title. */
function expectedKey(item: StoredItem): string {
  return item.id.startsWith("urn:sha256:") && item.title.includes("MASI") ? "(hash) walaw MASI" : item.id;
}

/** Every string a document carries, decoded: XML text and attribute values, or JSON strings. */
function decodedStrings(format: FeedFormat, document: string): string[] {
  const out: string[] = [];
  const walk = (value: unknown): void => {
    if (typeof value === "string") out.push(value);
    else if (Array.isArray(value)) value.forEach(walk);
    else if (typeof value === "object" && value !== null) Object.values(value).forEach(walk);
  };
  walk(format === "json" ? JSON.parse(document) : parseXml(document));
  return out;
}

/** Each item of the document against the store's page: id, title, link and date, in order. */
async function expectItemsMatch(format: FeedFormat, document: string, items: readonly StoredItem[]): Promise<void> {
  const secondsOf = (ms: number): string => new Date(Math.floor(ms / 1000) * 1000).toISOString();
  if (format === "json") {
    const parsed = JSON.parse(document) as {
      items: Array<{ id: string; title?: string; url?: string; date_published?: string }>;
    };
    expect(parsed.items.map((item) => [item.id, item.title, item.url, Date.parse(item.date_published ?? "")])).toEqual(
      items.map((item) => [item.id, item.title, item.url, item.published]),
    );
    return;
  }
  const viaRssParser = (await new Parser().parseString(document)).items;
  if (format === "rss") {
    const channel = children(children(parseXml(document), "rss")[0] ?? {}, "channel")[0] ?? {};
    const viaFxp = children(channel, "item").map((node) => [
      childText(node, "guid"),
      childText(node, "title"),
      childText(node, "link"),
      new Date(childText(node, "pubDate") ?? "").toISOString(),
    ]);
    const expected = items.map((item) => [item.id, item.title, item.url, secondsOf(item.published)]);
    expect(viaFxp).toEqual(expected);
    expect(viaRssParser.map((item) => [item.guid, item.title, item.link, item.isoDate])).toEqual(expected);
    return;
  }
  const feed = children(parseXml(document), "feed")[0] ?? {};
  const alternate = (entry: XNode): string | undefined =>
    attr(children(entry, "link").find((link) => attr(link, "rel") === "alternate") ?? {}, "href");
  const viaFxp = children(feed, "entry").map((entry) => [
    childText(entry, "id"),
    childText(entry, "title"),
    alternate(entry),
    Date.parse(childText(entry, "published") ?? ""),
  ]);
  expect(viaFxp).toEqual(items.map((item) => [atomEntryId(item), item.title, item.url, item.published]));
  expect(viaRssParser.map((item) => [(item as { id?: string }).id, item.title, item.link, item.isoDate])).toEqual(
    items.map((item) => [atomEntryId(item), item.title, item.url, new Date(item.published).toISOString()]),
  );
}

describe("hostile upstream feeds through the real pipeline", () => {
  let upstream: { server: Server; origin: string };
  let configDir: string;
  let config: Config;
  let store: Store;
  let feeds: FeedService;
  let now = T1;
  const clock = (): number => now;
  const logger = pino({ level: "silent" });
  const passes: SourceRunResult[][] = [];
  const afterFirstPass = new Map<string, StoredItem>();
  const documents = new Map<string, { variant: FeedVariant; text: string; contentType: string }>();

  beforeAll(async () => {
    upstream = await startUpstream();
    configDir = await writeConfigDir(upstream.origin);
    const loaded = await loadConfig(configDir, TEST_PRODUCT);
    if (!loaded.ok) throw new Error(`config rejected: ${JSON.stringify(loaded.problems)}`);
    config = loaded.config;
    store = await openStore("sqlite::memory:", { clock });
    const deps: CollectDeps = {
      store,
      collectors: COLLECTORS,
      classify: compileClassifier(config.categories),
      clock,
      fetchOptions: config.fetch,
      backoff: BUILT_IN_BACKOFF,
      random: () => 0.5,
      logger,
    };
    const collectAll = async (): Promise<SourceRunResult[]> => {
      const results: SourceRunResult[] = [];
      for (const source of config.sources) results.push(await collectSource(source, deps));
      return results;
    };
    passes.push(await collectAll());
    for (const item of (await store.queryFeed({ categories: [], limit: 500, page: 1 })).items)
      afterFirstPass.set(item.id, item);
    now = T2;
    passes.push(await collectAll());

    feeds = createFeedService({
      baseUrl: BASE_URL,
      catalog: () => ({ site: config.site, categories: config.categories }),
      loadPage: (query) => store.queryFeed(query),
      hubs: () => [],
      ttlMinutes: () => ttlMinutes(config.sources),
      generator: "news-feed-publisher/0.0.0-test",
      clock: () => now,
    });
    for (const slug of SLUGS) {
      for (const format of FEED_FORMATS) {
        const rendered = await feeds.render(variantOf(slug, format));
        documents.set(`${slug}.${format}`, {
          variant: rendered.variant,
          text: rendered.identity.toString("utf8"),
          contentType: rendered.contentType,
        });
      }
    }
  });

  afterAll(async () => {
    await store?.close();
    await new Promise((resolve) => upstream?.server.close(resolve));
    if (configDir !== undefined) await rm(configDir, { recursive: true, force: true });
  });

  const allDocuments = SLUGS.flatMap((slug) => FEED_FORMATS.map((format) => `${slug}.${format}`));

  it("collects all three sources on both passes, reporting what it repaired and dropped", () => {
    for (const results of passes) {
      expect(results.map((result) => [result.sourceId, result.ok, result.skipped, result.error])).toEqual([
        ["walaw", true, false, undefined],
        ["le360", true, false, undefined],
        ["hespress", true, false, undefined],
      ]);
    }
    const [walaw, le360, hespress] = passes[0] ?? [];
    expect(walaw?.inserted).toBe(7);
    expect(le360?.inserted).toBe(3);
    expect(hespress?.inserted).toBe(3);
    // The duplicate guid/id in each document is reported, not silently merged.
    for (const result of [walaw, le360, hespress])
      expect(result?.warnings.join("\n")).toMatch(/repeated an earlier id/);
    // Nothing changed upstream, so the second pass changes nothing.
    expect((passes[1] ?? []).map((result) => result.inserted + result.updated)).toEqual([0, 0, 0]);
  });

  it("stores every story once, titles decoded exactly once, URLs absolute, classified by the shipped categories", async () => {
    const stored = (await store.queryFeed({ categories: [], limit: 500, page: 1 })).items;
    const expected = expectations(upstream.origin);
    expect(stored.map(expectedKey).sort()).toEqual([...expected.keys()].sort());
    for (const item of stored) {
      const want = expected.get(expectedKey(item));
      expect({ title: item.title, url: item.url, categories: item.categories }, item.id).toEqual({
        title: want?.title,
        url: want?.url,
        categories: want?.categories,
      });
    }
    // The duplicate guid kept the first (newest) copy, not the stale one.
    expect(stored.filter((item) => item.id === bare("walaw", "walaw-world-1001"))).toHaveLength(1);
    expect(stored.some((item) => /stale copy/.test(item.title))).toBe(false);
  });

  it('keeps two sources\' different stories that share a bare guid ("101") apart, each classified on its own', async () => {
    const stored = new Map(
      (await store.queryFeed({ categories: [], limit: 500, page: 1 })).items.map((item) => [item.id, item]),
    );
    expect(stored.get(bare("walaw", "101"))).toMatchObject({
      sourceId: "walaw",
      title: "Morocco's trade deficit narrows: a<b and c>d for exporters",
      categories: ["morocco-economy"],
    });
    expect(stored.get(bare("hespress", "101"))).toMatchObject({ sourceId: "hespress", categories: ["world"] });
    expect([...stored.keys()]).not.toContain("101");
  });

  it("drops author emails and languages the W3C validator rejects, keeping the rest", async () => {
    const stored = new Map(
      (await store.queryFeed({ categories: [], limit: 500, page: 1 })).items.map((item) => [item.id, item]),
    );
    expect(stored.get(bare("walaw", "101"))?.authors).toEqual([{ name: "News desk" }]);
    expect(stored.get("tag:le360.example.ma,2025:eu-sahel")?.authors).toEqual([{ name: "Youssef Amrani" }]);
    expect(stored.get("tag:le360.example.ma,2025:att-cloud")?.authors).toEqual([
      { name: "Nadia Alaoui", email: "nadia.alaoui@le360.example.ma" },
    ]);
    expect(stored.get("https://walaw.example.ma/tech/att-ai-hub")?.authors).toEqual([
      { name: "Tech desk", email: "tech@walaw.example.ma" },
    ]);
    const languages = Object.fromEntries(
      [...stored.values()].filter((item) => item.language !== undefined).map((item) => [item.id, item.language]),
    );
    expect(languages).toEqual({ [bare("walaw", "walaw-eco-3004")]: "fr-MA", [bare("hespress", "102")]: "ar-MA" });
  });

  it("dates undated items at their first-seen time and keeps that date on a later pass", async () => {
    const stored = (await store.queryFeed({ categories: [], limit: 500, page: 1 })).items;
    const expected = expectations(upstream.origin);
    for (const item of stored) {
      const want = expected.get(expectedKey(item));
      expect(item.published, item.id).toBe(want?.published ?? T1);
      expect(item.firstSeen, item.id).toBe(T1);
      expect(item.published, item.id).toBe(afterFirstPass.get(item.id)?.published);
    }
    const undated = stored.filter((item) => expected.get(expectedKey(item))?.published === undefined).map(expectedKey);
    expect(undated.sort()).toEqual(
      [
        "(hash) walaw MASI",
        bare("hespress", "102"),
        bare("walaw", "walaw-eco-3003"),
        "urn:uuid:3f7c1c2e-8a4b-4d1e-9b2a-6c5d4e3f2a1b",
      ].sort(),
    );
  });

  it("makes relative links and images absolute, with and without xml:base", async () => {
    const stored = new Map(
      (await store.queryFeed({ categories: [], limit: 500, page: 1 })).items.map((item) => [item.id, item]),
    );
    // RSS without xml:base: against the document URL.
    expect(stored.get(bare("walaw", "walaw-world-1001"))?.contentHtml).toContain(
      `src="${upstream.origin}/images/brussels.jpg"`,
    );
    expect(stored.get(bare("walaw", "walaw-world-1001"))?.contentHtml).toContain(
      `href="${upstream.origin}/world/brussels"`,
    );
    // RSS item xml:base.
    expect(stored.get(bare("walaw", "walaw-eco-3004"))?.enclosures).toEqual([
      { url: "https://walaw.example.ma/economy/media/phosphate.jpg", type: "image/jpeg", length: 2048 },
    ]);
    expect(stored.get(bare("walaw", "walaw-eco-3004"))?.contentHtml).toContain(
      'src="https://walaw.example.ma/economy/charts/exports.png"',
    );
    // Atom feed xml:base, then content xml:base.
    expect(stored.get("tag:le360.example.ma,2025:eu-sahel")?.contentHtml).toContain(
      'src="https://cdn.le360.example.ma/media/sahel.jpg"',
    );
    expect(stored.get("tag:le360.example.ma,2025:eu-sahel")?.contentHtml).toContain(
      'href="https://cdn.le360.example.ma/world/sahel-background"',
    );
    // JSON Feed: against the document URL.
    expect(stored.get(bare("hespress", "101"))?.contentHtml).toContain(`src="${upstream.origin}/img/council.jpg"`);
    expect(stored.get(bare("hespress", "103"))?.imageUrl).toBe(`${upstream.origin}/img/inflation.png`);
  });

  it.each(allDocuments)("publishes %s with zero validator problems", (name) => {
    const document = documents.get(name);
    if (document === undefined) throw new Error(`not rendered: ${name}`);
    const selfUrl = `${BASE_URL}/feeds/${name}`;
    expect(problemsOf(document.variant.format, document.text, selfUrl)).toEqual([]);
    expect(document.contentType).toBe(MEDIA_TYPES[document.variant.format]);
  });

  it("publishes a non-empty feed for every category, and everything under all", async () => {
    for (const name of allDocuments) {
      const document = documents.get(name);
      if (document === undefined) throw new Error(`not rendered: ${name}`);
      const { items } = await store.queryFeed(document.variant.query);
      expect(items.length, name).toBeGreaterThan(0);
    }
    expect((await store.queryFeed(variantOf("all", "rss").query)).items).toHaveLength(13);
  });

  it.each(allDocuments)(
    "carries no script, iframe, event handler, javascript: URL or control character in %s",
    (name) => {
      const document = documents.get(name);
      if (document === undefined) throw new Error(`not rendered: ${name}`);
      const strings = [document.text, ...decodedStrings(document.variant.format, document.text)];
      for (const value of strings) {
        for (const marker of UNSAFE_MARKERS) expect(value.toLowerCase(), marker).not.toContain(marker);
        expect(value).not.toMatch(CONTROL);
      }
      expect(document.text).not.toMatch(ESCAPED_CONTROL);
    },
  );

  it("writes each title escaped exactly once: AT&T as AT&amp;T, never AT&amp;amp;T nor markup", () => {
    const rss = documents.get("technology.rss")?.text ?? "";
    expect(rss).toContain("<title>AT&amp;T picks Casablanca for an AI research hub</title>");
    expect(rss).toContain("<title>AT&amp;T and Orange Maroc launch a 5G roaming app</title>");
    const atom = documents.get("technology.atom")?.text ?? "";
    expect(atom).toContain('<title type="text">AT&amp;T opens a cloud region for Moroccan startups</title>');
    const json = JSON.parse(documents.get("technology.json")?.text ?? "{}") as { items?: Array<{ title?: string }> };
    expect(json.items?.map((item) => item.title)).toContain("AT&T and Inwi test a 5G network in Rabat");
    for (const name of allDocuments) {
      const text = documents.get(name)?.text ?? "";
      expect(text, name).not.toContain("&amp;amp;");
      expect(text, name).not.toMatch(/&lt;\/?b&gt;|<\/?b>/);
    }
  });

  it.each(allDocuments)("reads %s back item by item as the store holds it", async (name) => {
    const document = documents.get(name);
    if (document === undefined) throw new Error(`not rendered: ${name}`);
    const { items } = await store.queryFeed(document.variant.query);
    await expectItemsMatch(document.variant.format, document.text, items);
  });

  describe("through the HTTP layer", () => {
    let service: Service;
    let feedsDir: string;

    beforeAll(async () => {
      feedsDir = await mkdtemp(path.join(tmpdir(), "hostile-snapshots-"));
      service = await startService(
        {
          port: 0,
          host: "127.0.0.1",
          baseUrl: BASE_URL,
          configDir,
          database: { kind: "sqlite", path: ":memory:" },
          feedsDir,
          logLevel: "silent",
          webConcurrency: 1,
        },
        { config, loadedAt: now, warnings: [] },
        { clock, logger, runWorker: false },
      );
      const results = await service.runtime.worker.runAll({ force: true });
      expect(results.map((result) => [result.sourceId, result.ok])).toEqual([
        ["walaw", true],
        ["le360", true],
        ["hespress", true],
      ]);
      // A collect's changes leave the feeds rendered at start (empty) answering for up to a second
      // while they re-render (render-cache.ts); the snapshot writer renders them fresh after a change.
      await service.snapshots.idle();
    });

    afterAll(async () => {
      await service?.stop();
      if (feedsDir !== undefined) await rm(feedsDir, { recursive: true, force: true });
    });

    const requests: ReadonlyArray<[path: string, variant: FeedVariant, selfUrl: string]> = [
      ...allDocuments.map((name): [string, FeedVariant, string] => {
        const [slug = "", format] = name.split(".") as [string, FeedFormat];
        return [`/feeds/${name}`, variantOf(slug, format), `${BASE_URL}/feeds/${name}`];
      }),
      ...FEED_FORMATS.flatMap((format): Array<[string, FeedVariant, string]> => [
        [
          `/feeds/all.${format}?kind=article`,
          variantOf("all", format, { kind: "article" }),
          `${BASE_URL}/feeds/all.${format}?kind=article`,
        ],
        [
          `/feeds/all.${format}?category=world,technology`,
          variantOf("all", format, { categories: ["technology", "world"] }),
          `${BASE_URL}/feeds/all.${format}?category=technology,world`,
        ],
        [
          `/feeds/morocco-economy.${format}?limit=2&page=2`,
          variantOf("morocco-economy", format, { limit: 2, page: 2 }),
          `${BASE_URL}/feeds/morocco-economy.${format}?limit=2&page=2`,
        ],
      ]),
    ];

    it.each(requests)(
      "serves %s valid, with its media type, byte for byte as rendered",
      async (requestPath, variant, selfUrl) => {
        const response = await fetch(`${service.address}${requestPath}`);
        expect(response.status).toBe(200);
        expect(response.headers.get("content-type")).toBe(MEDIA_TYPES[variant.format]);
        const body = await response.text();
        const rendered = await service.runtime.feeds.render(variant);
        expect(body).toBe(rendered.identity.toString("utf8"));
        expect(problemsOf(variant.format, body, selfUrl)).toEqual([]);
        const { items } = await service.runtime.store.queryFeed(variant.query);
        expect(items.length).toBeGreaterThan(0);
        await expectItemsMatch(variant.format, body, items);
      },
    );

    it("pages: page 2 of two holds the third and fourth newest morocco-economy items", async () => {
      const all = (await service.runtime.store.queryFeed(variantOf("morocco-economy", "json").query)).items;
      const response = await fetch(`${service.address}/feeds/morocco-economy.json?limit=2&page=2`);
      const page = (await response.json()) as { items: Array<{ id: string }>; next_url?: string };
      expect(page.items.map((item) => item.id)).toEqual(all.slice(2, 4).map((item) => item.id));
      // `next` continues after the last item shown (a cursor), so new arrivals cannot repeat items.
      const last = all[3];
      expect(page.next_url).toBe(
        `${BASE_URL}/feeds/morocco-economy.json?limit=2&before=${last ? encodeCursor({ published: last.published, id: last.id }) : ""}`,
      );
    });
  });
});
