/**
 * Upstream politeness (issue "Serving pollers well", the other direction): a source is fetched
 * with its previous validators (RFC 9110 §13.1), a 304 keeps everything, Retry-After (RFC 9110
 * §10.2.3) and failures push the next attempt out, and every request names us and asks for
 * compression. The upstream is a node:http server on 127.0.0.1 that counts what reaches it.
 */
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from "node:http";
import type { AddressInfo } from "node:net";
import { brotliCompressSync, gzipSync } from "node:zlib";
import pino from "pino";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { compileClassifier } from "../../src/classify/classifier.js";
import { parseConfig, type Config } from "../../src/config/config.js";
import type { Source } from "../../src/model/index.js";
import { COLLECTORS } from "../../src/sources/registry.js";
import { openStore } from "../../src/store/open-store.js";
import type { Store } from "../../src/store/store.js";
import { collectSource, type CollectDeps } from "../../src/worker/collect-source.js";
import { BUILT_IN_BACKOFF } from "../built-in-config.js";
import { TEST_PRODUCT } from "../fixtures/product.js";

const T0 = Date.UTC(2026, 4, 4, 8, 0, 0);
const CONTACT = "https://ops.example.org/feed-bot";
const ETAG = '"upstream-v1"';
const LAST_MODIFIED = new Date(T0 - 3_600_000).toUTCString();

const SOURCES_YAML = `defaults:
  contact: ${CONTACT}
sources:
  - { id: wire, kind: feed, url: "http://127.0.0.1:9/feed.xml", every: 10m, categories: [world] }
`;
const CATEGORIES_YAML = `categories:
  - { slug: world, title: World, description: World news, match: [] }
`;

const FEED = `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Wire</title><link>https://wire.example.org/</link><description>Wire</description>
<item><title>Harbour reopens after storm</title><link>https://wire.example.org/a</link><guid>https://wire.example.org/a</guid><pubDate>${new Date(T0 - 7_200_000).toUTCString()}</pubDate></item>
<item><title>Rail line extended south</title><link>https://wire.example.org/b</link><guid>https://wire.example.org/b</guid><pubDate>${new Date(T0 - 10_800_000).toUTCString()}</pubDate></item>
</channel></rss>
`;

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** Serves FEED with validators and answers a matching If-None-Match with 304. */
const conditionalFeed: Handler = (req, res) => {
  if (req.headers["if-none-match"] === ETAG) {
    res.writeHead(304, { etag: ETAG, "last-modified": LAST_MODIFIED }).end();
    return;
  }
  res.writeHead(200, { "content-type": "application/rss+xml", etag: ETAG, "last-modified": LAST_MODIFIED }).end(FEED);
};

describe("collecting politely from an upstream", () => {
  let upstream: Server;
  let origin: string;
  let handler: Handler = conditionalFeed;
  const seen: IncomingHttpHeaders[] = [];
  const statuses: number[] = [];
  let config: Config;
  let store: Store;
  let source: Source;
  let now = T0;
  let random = 0.5;

  const deps = (): CollectDeps => ({
    store,
    collectors: COLLECTORS,
    classify: compileClassifier(config.categories),
    clock: () => now,
    fetchOptions: config.fetch,
    backoff: BUILT_IN_BACKOFF,
    random: () => random,
    logger: pino({ level: "silent" }),
  });

  beforeAll(async () => {
    upstream = createServer((req, res) => {
      seen.push(req.headers);
      res.on("finish", () => statuses.push(res.statusCode));
      handler(req, res);
    });
    await new Promise<void>((resolve) => upstream.listen(0, "127.0.0.1", resolve));
    origin = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
    const parsed = parseConfig({
      configDir: "/etc/feeds",
      sourcesYaml: SOURCES_YAML,
      categoriesYaml: CATEGORIES_YAML,
      product: TEST_PRODUCT,
    });
    if (!parsed.ok) throw new Error(`config rejected: ${JSON.stringify(parsed.problems)}`);
    config = parsed.config;
    const [configured] = config.sources;
    if (configured === undefined) throw new Error("no source in the test config");
    source = { ...configured, url: `${origin}/feed.xml` };
  });

  afterAll(() => new Promise<void>((resolve) => upstream.close(() => resolve())));

  beforeEach(async () => {
    now = T0;
    random = 0.5;
    handler = conditionalFeed;
    seen.length = 0;
    statuses.length = 0;
    store = await openStore("sqlite::memory:", { clock: () => now });
  });

  afterEach(() => store.close());

  it("sends no validators first, then revalidates with both and keeps everything on 304", async () => {
    const first = await collectSource(source, deps());
    expect(first).toMatchObject({ ok: true, inserted: 2, notModified: false, changed: true });
    expect(seen).toHaveLength(1);
    expect(seen[0]?.["if-none-match"]).toBeUndefined();
    expect(seen[0]?.["if-modified-since"]).toBeUndefined();
    expect(await store.getSourceState("wire")).toMatchObject({ etag: ETAG, lastModified: LAST_MODIFIED });
    const storedBefore = (await store.queryFeed({ categories: [], limit: 50, page: 1 })).items;
    const revisionBefore = await store.revision();

    now = T0 + 600_000;
    const second = await collectSource(source, deps());
    expect(seen).toHaveLength(2);
    expect(seen[1]?.["if-none-match"]).toBe(ETAG);
    expect(seen[1]?.["if-modified-since"]).toBe(LAST_MODIFIED);
    expect(statuses).toEqual([200, 304]);
    expect(second).toMatchObject({
      ok: true,
      notModified: true,
      changed: false,
      inserted: 0,
      updated: 0,
      removed: 0,
      changedCategories: [],
    });
    expect((await store.queryFeed({ categories: [], limit: 50, page: 1 })).items).toEqual(storedBefore);
    expect(await store.revision()).toBe(revisionBefore);
    expect(await store.getSourceState("wire")).toMatchObject({
      etag: ETAG,
      lastModified: LAST_MODIFIED,
      consecutiveFailures: 0,
      lastSuccessAt: now,
    });
  });

  it("waits at least Retry-After (429, 120 s) and sends nothing before then", async () => {
    handler = (_req, res) =>
      res.writeHead(429, { "retry-after": "120", "content-type": "text/plain" }).end("slow down");
    const failed = await collectSource(source, deps());
    expect(failed.ok).toBe(false);
    expect(failed.error).toContain("429");
    const state = await store.getSourceState("wire");
    expect(state?.nextAttemptAt).toBeGreaterThanOrEqual(T0 + 120_000);
    expect(seen).toHaveLength(1);

    handler = conditionalFeed;
    for (const later of [1_000, 60_000, 119_000]) {
      now = T0 + later;
      expect((await collectSource(source, deps())).skipped).toBe(true);
    }
    expect(seen).toHaveLength(1); // nothing reached upstream while it asked us to wait

    now = (state?.nextAttemptAt ?? 0) + 1;
    expect(await collectSource(source, deps())).toMatchObject({ ok: true, skipped: false, inserted: 2 });
    expect(seen).toHaveLength(2);
  });

  it("backs off exponentially on repeated failures, capped", async () => {
    handler = (_req, res) => res.writeHead(500, { "content-type": "text/plain" }).end("broken");
    const delays: number[] = [];
    for (let failure = 1; failure <= 12; failure++) {
      const result = await collectSource(source, deps());
      expect(result.ok).toBe(false);
      expect(seen).toHaveLength(failure); // each due attempt really went out
      const state = await store.getSourceState("wire");
      expect(state?.consecutiveFailures).toBe(failure);
      const nextAttemptAt = state?.nextAttemptAt ?? 0;
      delays.push(nextAttemptAt - now);
      // Not due yet: skipped, no request.
      now = nextAttemptAt - 1;
      expect((await collectSource(source, deps())).skipped).toBe(true);
      expect(seen).toHaveLength(failure);
      now = nextAttemptAt;
    }
    const [d1 = 0, d2 = 0, d3 = 0] = delays;
    expect(d1).toBeGreaterThanOrEqual(BUILT_IN_BACKOFF.baseMs / 2);
    expect(d2).toBeGreaterThan(d1);
    expect(d3).toBeGreaterThan(d2);
    expect(d3).toBeCloseTo(4 * d1, -1);
    expect(Math.max(...delays)).toBeLessThanOrEqual(BUILT_IN_BACKOFF.capMs);
    expect(delays.at(-1)).toBe(delays.at(-2)); // reached the cap and stayed there

    // Jitter never pushes past the cap either.
    random = 1;
    await collectSource(source, deps());
    const state = await store.getSourceState("wire");
    expect((state?.nextAttemptAt ?? 0) - now).toBe(BUILT_IN_BACKOFF.capMs);

    // One success resets the count.
    handler = conditionalFeed;
    now = state?.nextAttemptAt ?? 0;
    expect((await collectSource(source, deps())).ok).toBe(true);
    expect((await store.getSourceState("wire"))?.consecutiveFailures).toBe(0);
  });

  it("names itself with the configured contact URL and offers gzip and br", async () => {
    await collectSource(source, deps());
    const headers = seen[0] ?? {};
    expect(headers["user-agent"]).toContain(CONTACT);
    expect(headers["user-agent"]).toMatch(/^news-feed-publisher\/\S+ \(\+https:\/\/ops\.example\.org\/feed-bot\)$/);
    const offered = (headers["accept-encoding"] ?? "").split(",").map((coding) => coding.trim().split(";")[0]);
    expect(offered).toEqual(expect.arrayContaining(["gzip", "br"]));
  });

  it.each([
    ["gzip", (body: Buffer) => gzipSync(body)],
    ["br", (body: Buffer) => brotliCompressSync(body)],
  ] as const)("decodes a %s-compressed upstream response", async (coding, compress) => {
    const compressed = compress(Buffer.from(FEED, "utf8"));
    handler = (_req, res) =>
      res
        .writeHead(200, {
          "content-type": "application/rss+xml",
          "content-encoding": coding,
          "content-length": compressed.length,
        })
        .end(compressed);
    const result = await collectSource(source, deps());
    expect(result).toMatchObject({ ok: true, inserted: 2 });
    const titles = (await store.queryFeed({ categories: [], limit: 50, page: 1 })).items.map((item) => item.title);
    expect(titles).toEqual(["Harbour reopens after storm", "Rail line extended south"]);
  });
});
