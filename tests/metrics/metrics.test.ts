import pino from "pino";
import { register as globalRegistry } from "prom-client";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { compileClassifier } from "../../src/classify/classifier.js";
import { createMetricsRoute } from "../../src/http/metrics-route.js";
import { routeLabel, type RouteLabel } from "../../src/http/route-label.js";
import { createMetrics, type Metrics } from "../../src/metrics/metrics.js";
import type { CollectedItem, Source } from "../../src/model/index.js";
import type { Collector, CollectOutcome } from "../../src/sources/collector.js";
import { FetchError } from "../../src/sources/fetch.js";
import { openStore } from "../../src/store/open-store.js";
import type { Store, WebSubSubscription } from "../../src/store/store.js";
import { createDeliveryQueue, type DeliveryOutcome } from "../../src/websub/deliver.js";
import { collectSource, type CollectDeps } from "../../src/worker/collect-source.js";
import { createLimiter } from "../../src/shared/limiter.js";
import { startTestServer, type TestServer } from "../http/test-server.js";
import { parseExposition, valueOf, type Exposition } from "./exposition.js";
import { BUILT_IN_FETCH } from "../built-in-config.js";

const T0 = Date.parse("2026-11-25T10:00:00Z");

async function scrape(metrics: Metrics): Promise<Exposition> {
  return parseExposition((await metrics.exposition()).body);
}

describe("collect run metrics", () => {
  const source: Source = {
    id: "walaw-world",
    kind: "feed",
    url: "https://example.org/rss",
    schedule: { every: 600_000 },
    categories: ["world"],
    enabled: true,
    retention: { maxItemsPerSource: 100, maxAgeMs: 90 * 86_400_000 },
  };
  const item = (id: string, title = `Story ${id}`): CollectedItem => ({
    id,
    sourceId: source.id,
    kind: "article",
    title,
    authors: [],
    tags: [],
    enclosures: [],
    published: T0 - 3_600_000,
  });
  let store: Store;
  let now = T0;
  let collect: () => Promise<CollectOutcome>;
  const deps = (): CollectDeps => {
    const collector: Collector = () => collect();
    return {
      store,
      collectors: { feed: collector, "html-ticker": collector, "html-articles": collector },
      classify: compileClassifier([{ slug: "world", title: "World", description: "", match: [], exclude: [] }]),
      clock: () => now,
      fetchOptions: BUILT_IN_FETCH,
      backoff: { baseMs: 60_000, capMs: 3_600_000 },
      random: () => 0.5,
      logger: pino({ level: "silent" }),
    };
  };
  /** A collector that takes `ms` by the test clock, then answers. */
  const taking =
    (ms: number, answer: () => CollectOutcome): (() => Promise<CollectOutcome>) =>
    async () => {
      now += ms;
      return answer();
    };
  const run = (metrics: Metrics, force = false): Promise<void> =>
    collectSource(source, deps(), { force }).then((result) => metrics.recordSourceRun(result));

  beforeEach(async () => {
    now = T0;
    store = await openStore("sqlite::memory:", { clock: () => now });
  });
  afterEach(() => store.close());

  it("counts runs by outcome, new and updated items, and observes run and fetch durations", async () => {
    const metrics = createMetrics();
    collect = taking(1500, () => ({ items: [item("a"), item("b")], warnings: [], notModified: false }));
    await run(metrics);
    collect = taking(500, () => ({
      items: [item("a", "Story a, corrected"), item("b")],
      warnings: [],
      notModified: false,
    }));
    await run(metrics);
    collect = taking(250, () => ({ items: [], warnings: [], notModified: true }));
    await run(metrics);

    const scraped = await scrape(metrics);
    const src = { source: "walaw-world" };
    expect(valueOf(scraped, "feeds_collect_runs_total", { ...src, outcome: "ok" })).toBe(2);
    expect(valueOf(scraped, "feeds_collect_runs_total", { ...src, outcome: "not_modified" })).toBe(1);
    expect(valueOf(scraped, "feeds_collect_items_total", { ...src, change: "new" })).toBe(2);
    expect(valueOf(scraped, "feeds_collect_items_total", { ...src, change: "updated" })).toBe(1);
    expect(valueOf(scraped, "feeds_collect_duration_seconds_count", src)).toBe(3);
    expect(valueOf(scraped, "feeds_collect_duration_seconds_sum", src)).toBeCloseTo(2.25, 6);
    expect(valueOf(scraped, "feeds_fetch_duration_seconds_sum", src)).toBeCloseTo(2.25, 6);
    expect(valueOf(scraped, "feeds_collect_duration_seconds_bucket", { ...src, le: "1" })).toBe(2);
  });

  it("counts failures by stage, and a run skipped while backing off without a duration", async () => {
    const metrics = createMetrics();
    collect = taking(2000, () => {
      throw new FetchError("fetch: https://example.org/rss: HTTP 503");
    });
    await run(metrics);
    await run(metrics); // backing off now: skipped
    // A collector's own error wrapping a fetch failure is still a fetch failure.
    collect = taking(100, () => {
      throw new Error("articles: listing page unavailable", { cause: new FetchError("fetch: timed out") });
    });
    await run(metrics, true);
    collect = taking(100, () => {
      throw new Error("feed: not a feed: <html> at line 1");
    });
    await run(metrics, true);

    const scraped = await scrape(metrics);
    const src = { source: "walaw-world" };
    expect(valueOf(scraped, "feeds_collect_runs_total", { ...src, outcome: "failed" })).toBe(3);
    expect(valueOf(scraped, "feeds_collect_runs_total", { ...src, outcome: "skipped" })).toBe(1);
    expect(valueOf(scraped, "feeds_source_errors_total", { ...src, stage: "fetch" })).toBe(2);
    expect(valueOf(scraped, "feeds_source_errors_total", { ...src, stage: "parse" })).toBe(1);
    expect(valueOf(scraped, "feeds_collect_duration_seconds_count", src)).toBe(3);
    expect(valueOf(scraped, "feeds_collect_duration_seconds_sum", src)).toBeCloseTo(2.2, 6);
    expect(valueOf(scraped, "feeds_collect_items_total", { ...src, change: "new" })).toBeUndefined();
  });
  it("shows each configured source's last success, last attempt and consecutive failures from the store", async () => {
    const metrics = createMetrics();
    collect = taking(1000, () => ({ items: [item("a")], warnings: [], notModified: false }));
    await run(metrics);
    const succeededAt = now;
    collect = taking(1000, () => {
      throw new FetchError("fetch: https://example.org/rss: HTTP 503");
    });
    await run(metrics, true);
    await run(metrics, true);
    const state = await store.getSourceState(source.id);
    metrics.watchSources(async () => [
      state ?? { sourceId: source.id, consecutiveFailures: -1 },
      { sourceId: "never-ran", consecutiveFailures: 0 },
    ]);

    const scraped = await scrape(metrics);
    const src = { source: "walaw-world" };
    expect(valueOf(scraped, "feeds_source_last_success_timestamp_seconds", src)).toBe(succeededAt / 1000);
    expect(valueOf(scraped, "feeds_source_last_attempt_timestamp_seconds", src)).toBe(now / 1000);
    expect(valueOf(scraped, "feeds_source_consecutive_failures", src)).toBe(2);
    // Never collected: 0, so `time() - last_success > N` fires for it too.
    expect(valueOf(scraped, "feeds_source_last_success_timestamp_seconds", { source: "never-ran" })).toBe(0);
    expect(scraped.types.get("feeds_source_consecutive_failures")).toBe("gauge");
  });
});

describe("HTTP metrics", () => {
  let server: TestServer;
  let metrics: Metrics;
  const observed: RouteLabel[] = [];

  beforeEach(async () => {
    metrics = createMetrics();
    observed.length = 0;
    server = await startTestServer({
      metrics: createMetricsRoute(metrics),
      observe: (route, status, seconds) => {
        metrics.observeHttp(route, status, seconds);
        observed.push(route);
      },
    });
    metrics.watchRenderCache(() => server.feeds.cache.stats());
  });
  afterEach(() => server.close());

  /** Requests one after the other; resolves once the server has reported every one finished. */
  async function request(paths: readonly string[]): Promise<Response[]> {
    const before = observed.length;
    const responses: Response[] = [];
    for (const path of paths) {
      const response = await fetch(server.origin + path);
      await response.arrayBuffer();
      responses.push(response);
    }
    // "finish" fires when the last byte is handed to the OS, which may be after the client read it.
    await vi.waitFor(() => expect(observed.length).toBe(before + paths.length));
    return responses;
  }

  async function scrapeOverHttp(): Promise<{ response: Response; exposition: Exposition }> {
    const response = await fetch(`${server.origin}/metrics`);
    const text = await response.text();
    return { response, exposition: parseExposition(text) };
  }

  it("counts requests by route label and status, never by raw URL", async () => {
    const paths = [
      "/feeds/world.rss",
      "/feeds/world.rss?limit=5",
      "/feeds/nowhere.atom",
      "/",
      "/feeds.opml",
      "/feed.xsl",
      "/healthz",
      "/status.json",
      "/status",
      "/no/such/page?x=1",
      "/admin/reload",
    ];
    const responses = await request(paths);
    expect(responses.map((response) => response.status)).toEqual([
      200, 200, 404, 200, 200, 200, 200, 200, 200, 404, 404,
    ]);

    const { response, exposition } = await scrapeOverHttp();
    expect(response.status).toBe(200);
    const requests = (route: string, status: string): number | undefined =>
      valueOf(exposition, "feeds_http_requests_total", { route, status });
    expect(requests("feed", "200")).toBe(2);
    expect(requests("feed", "404")).toBe(1);
    expect(requests("index", "200")).toBe(1);
    expect(requests("opml", "200")).toBe(1);
    expect(requests("stylesheet", "200")).toBe(1);
    expect(requests("healthz", "200")).toBe(1);
    expect(requests("status", "200")).toBe(2);
    expect(requests("other", "404")).toBe(1);
    expect(requests("admin", "404")).toBe(1);
    expect(valueOf(exposition, "feeds_http_request_duration_seconds_count", { route: "feed" })).toBe(3);
    expect(valueOf(exposition, "feeds_http_request_duration_seconds_count", { route: "websub" })).toBe(0);

    const routes = new Set(
      exposition.samples.filter((sample) => sample.name.startsWith("feeds_http_")).map((sample) => sample.labels.route),
    );
    expect([...routes].sort()).toEqual([
      "admin",
      "feed",
      "healthz",
      "index",
      "metrics",
      "opml",
      "other",
      "status",
      "stylesheet",
      "websub",
    ]);

    // The scrape itself is counted once it has finished.
    await vi.waitFor(() => expect(observed.filter((route) => route === "metrics")).toHaveLength(1));
    const again = await scrapeOverHttp();
    expect(valueOf(again.exposition, "feeds_http_requests_total", { route: "metrics", status: "200" })).toBe(1);
  });

  it("mirrors the render cache's hits, misses and entries at scrape time", async () => {
    await request(["/feeds/world.rss", "/feeds/world.rss", "/feeds/world.rss"]);
    const { exposition } = await scrapeOverHttp();
    expect(valueOf(exposition, "feeds_render_cache_misses_total")).toBe(1);
    expect(valueOf(exposition, "feeds_render_cache_hits_total")).toBe(2);
    expect(valueOf(exposition, "feeds_render_cache_entries")).toBe(1);
    expect(valueOf(exposition, "feeds_render_cache_bytes")).toBe(server.feeds.cache.stats().bytes);
    expect(valueOf(exposition, "feeds_render_cache_bytes")).toBeGreaterThan(0);

    // After a change the previous bytes answer while the re-render runs (render-cache.ts).
    server.feeds.invalidate(["world"]);
    await request(["/feeds/world.rss"]);
    const later = await scrapeOverHttp();
    expect(valueOf(later.exposition, "feeds_render_cache_misses_total")).toBe(2);
    expect(valueOf(later.exposition, "feeds_render_cache_hits_total")).toBe(3);
    expect(valueOf(later.exposition, "feeds_render_cache_stale_hits_total")).toBe(1);
    expect(valueOf(later.exposition, "feeds_render_cache_background_errors_total")).toBe(0);
  });

  it("answers /metrics in the Prometheus text format with every metric named and typed", async () => {
    metrics.recordSourceRun({
      sourceId: "walaw-world",
      ok: true,
      skipped: false,
      notModified: false,
      inserted: 1,
      updated: 0,
      removed: 0,
      changedCategories: ["world"],
      changed: true,
      warnings: [],
      durationMs: 120,
      fetchMs: 100,
    });
    const { response, exposition } = await scrapeOverHttp();
    expect(response.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4; charset=utf-8$/);
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(Object.fromEntries([...exposition.types].filter(([name]) => name.startsWith("feeds_")))).toEqual({
      feeds_collect_runs_total: "counter",
      feeds_collect_items_total: "counter",
      feeds_collect_duration_seconds: "histogram",
      feeds_fetch_duration_seconds: "histogram",
      feeds_source_errors_total: "counter",
      feeds_http_requests_total: "counter",
      feeds_http_request_duration_seconds: "histogram",
      feeds_websub_deliveries_total: "counter",
      feeds_config_reloads_total: "counter",
      feeds_config_last_reload_success: "gauge",
      feeds_worker_leader: "gauge",
      feeds_render_cache_hits_total: "counter",
      feeds_render_cache_misses_total: "counter",
      feeds_render_cache_entries: "gauge",
      feeds_render_cache_bytes: "gauge",
      feeds_render_cache_evictions_total: "counter",
      feeds_render_cache_stale_hits_total: "counter",
      feeds_render_cache_background_errors_total: "counter",
      feeds_source_last_success_timestamp_seconds: "gauge",
      feeds_source_last_attempt_timestamp_seconds: "gauge",
      feeds_source_consecutive_failures: "gauge",
    });
    // Node's default metrics are there too, on this registry.
    expect(exposition.types.get("process_cpu_user_seconds_total")).toBe("counter");
    expect(exposition.types.get("nodejs_eventloop_lag_seconds")).toBe("gauge");
    // Histogram buckets are cumulative and end in +Inf = _count.
    const buckets = exposition.samples.filter(
      (s) => s.name === "feeds_collect_duration_seconds_bucket" && s.labels.source === "walaw-world",
    );
    expect(buckets.map((s) => s.value)).toEqual([...buckets.map((s) => s.value)].sort((a, b) => a - b));
    expect(buckets.at(-1)).toMatchObject({ labels: { le: "+Inf" }, value: 1 });
  });
});

describe("ops gauges and counters", () => {
  it("tracks config reloads, the last reload's success and leadership", async () => {
    const metrics = createMetrics();
    let scraped = await scrape(metrics);
    expect(valueOf(scraped, "feeds_config_last_reload_success")).toBe(1);
    expect(valueOf(scraped, "feeds_config_reloads_total", { outcome: "rejected" })).toBe(0);
    expect(valueOf(scraped, "feeds_worker_leader")).toBe(0);

    metrics.recordConfigReload("rejected");
    metrics.setLeader(true);
    scraped = await scrape(metrics);
    expect(valueOf(scraped, "feeds_config_last_reload_success")).toBe(0);
    expect(valueOf(scraped, "feeds_config_reloads_total", { outcome: "rejected" })).toBe(1);
    expect(valueOf(scraped, "feeds_worker_leader")).toBe(1);

    metrics.recordConfigReload("ok");
    metrics.setLeader(false);
    scraped = await scrape(metrics);
    expect(valueOf(scraped, "feeds_config_last_reload_success")).toBe(1);
    expect(valueOf(scraped, "feeds_config_reloads_total", { outcome: "ok" })).toBe(1);
    expect(valueOf(scraped, "feeds_worker_leader")).toBe(0);
  });

  it("counts WebSub delivery attempts by outcome through the delivery queue's hook", async () => {
    const metrics = createMetrics();
    const outcomes: DeliveryOutcome[] = [];
    const answers = new Map([
      ["https://ok.example.net/cb", [204]],
      ["https://gone.example.net/cb", [410]],
      ["https://down.example.net/cb", [503, 503]],
    ]);
    const subscription = (callback: string): WebSubSubscription => ({
      topic: "https://news.example.org/feeds/world.rss",
      callback,
      secret: null,
      leaseSeconds: 86_400,
      verifiedAt: T0,
      expiresAt: T0 + 86_400_000,
    });
    const store = await openStore("sqlite::memory:", { clock: () => T0 });
    const clock = { now: T0 };
    for (const callback of answers.keys()) await store.upsertSubscription(subscription(callback));
    await store.queueDeliveries("https://news.example.org/feeds/world.rss", T0);
    const queue = createDeliveryQueue({
      send: async (request) => ({ status: answers.get(request.url.href)?.shift() ?? 500, body: Buffer.alloc(0) }),
      store,
      content: async () => ({ body: Buffer.from("<rss/>"), contentType: "application/rss+xml" }),
      hubUrl: "https://news.example.org/websub",
      limiter: createLimiter(4, 1),
      clock: () => clock.now,
      sleep: async (ms) => {
        clock.now += ms;
      },
      retry: { attempts: 2, initialDelayMs: 1, maxDelayMs: 1 },
      batch: 8,
      leaseMs: 60_000,
      logger: pino({ level: "silent" }),
      onDelivery: (outcome) => {
        outcomes.push(outcome);
        metrics.recordDelivery(outcome);
      },
    });
    queue.start();
    await queue.idle();
    queue.pause();
    await store.close();

    expect(outcomes.sort()).toEqual(["abandoned", "delivered", "failed", "failed", "gone"]);
    const scraped = await scrape(metrics);
    expect(valueOf(scraped, "feeds_websub_deliveries_total", { outcome: "delivered" })).toBe(1);
    expect(valueOf(scraped, "feeds_websub_deliveries_total", { outcome: "gone" })).toBe(1);
    expect(valueOf(scraped, "feeds_websub_deliveries_total", { outcome: "failed" })).toBe(2);
    expect(valueOf(scraped, "feeds_websub_deliveries_total", { outcome: "abandoned" })).toBe(1);
  });

  it("keeps each instance's metrics on its own registry, none on prom-client's global one", async () => {
    const one = createMetrics();
    const two = createMetrics();
    one.setLeader(true);
    one.observeHttp("feed", 200, 0.001);
    expect(valueOf(await scrape(one), "feeds_worker_leader")).toBe(1);
    expect(valueOf(await scrape(two), "feeds_worker_leader")).toBe(0);
    expect(valueOf(await scrape(two), "feeds_http_requests_total", { route: "feed", status: "200" })).toBeUndefined();
    expect(globalRegistry.getSingleMetric("feeds_worker_leader")).toBeUndefined();
  });
});

describe("routeLabel", () => {
  it("maps request targets onto the fixed route set", () => {
    const cases: Record<string, RouteLabel> = {
      "/feeds/world.rss?limit=5": "feed",
      "/": "index",
      "/?utm=x": "index",
      "/feeds.opml": "opml",
      "/feed.xsl": "stylesheet",
      "/healthz": "healthz",
      "/status": "status",
      "/status.json": "status",
      "/metrics": "metrics",
      "/websub": "websub",
      "/admin": "admin",
      "/admin/sources/walaw-world/refresh": "admin",
      "/administrator": "other",
      "/feeds": "other",
      "/wp-login.php": "other",
    };
    expect(Object.fromEntries(Object.keys(cases).map((url) => [url, routeLabel(url)]))).toEqual(cases);
  });
});
