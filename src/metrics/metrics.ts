import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import { ROUTE_LABELS, type RouteLabel } from "../http/route-label.js";
import { registerHttpTally } from "./http-tally.js";
import type { RenderCacheStats } from "../publish/render-cache.js";
import type { DeliveryOutcome } from "../websub/deliver.js";
import type { SourceRunResult } from "../worker/collect-source.js";
import type { MetricsPart } from "./cluster-metrics.js";

/** What a scrape shows of one configured source's health (model's SourceState; zeros before a first run). */
export interface SourceHealth {
  readonly sourceId: string;
  readonly lastRunAt?: number;
  readonly lastSuccessAt?: number;
  readonly consecutiveFailures: number;
}

export type RunOutcome = "ok" | "failed" | "skipped" | "not_modified";
export type ReloadOutcome = "ok" | "rejected";

/** The service's Prometheus metrics, on a registry of their own (several may live in one process). */
export interface Metrics {
  readonly registry: Registry;
  /** One worker source run (the worker's `onResult` hook). */
  recordSourceRun(result: SourceRunResult): void;
  /** One answered HTTP request; cheap enough for the feed hot path. */
  observeHttp(route: RouteLabel, status: number, seconds: number): void;
  /** One WebSub delivery attempt, or an abandoned delivery. */
  recordDelivery(outcome: DeliveryOutcome): void;
  /** One config reload attempt: applied, or rejected with the last good config kept. */
  recordConfigReload(outcome: ReloadOutcome): void;
  /** Whether this instance runs the worker now. */
  setLeader(leader: boolean): void;
  /** Read the render cache's counters at each scrape (the hot path keeps its own plain counts). */
  watchRenderCache(stats: () => RenderCacheStats): void;
  /**
   * Read each configured source's health at each scrape, from the store: every replica then shows
   * the same numbers, whichever one runs the worker, and they survive a restart.
   */
  watchSources(health: () => Promise<readonly SourceHealth[]>): void;
  /** The Prometheus text exposition of every metric. */
  exposition(): Promise<{ readonly contentType: string; readonly body: string }>;
  /** Every metric as data, for the cluster primary to aggregate (cluster-metrics.ts). */
  part(): Promise<MetricsPart>;
}

// Feeds are answered from memory in well under a millisecond; the other routes render or query.
const HTTP_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];
// A collect is dominated by upstream: a fast feed answers in tens of ms, a slow page in seconds,
// and the fetch timeout bounds the rest.
const COLLECT_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];

/** Metrics on a fresh registry; nothing is registered globally, nothing runs until scraped. */
export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registers = [registry];

  const runs = new Counter({
    name: "feeds_collect_runs_total",
    help: "Source collect runs by outcome (ok, failed, skipped while backing off, not_modified by upstream).",
    labelNames: ["source", "outcome"] as const,
    registers,
  });
  const items = new Counter({
    name: "feeds_collect_items_total",
    help: "Items a source's runs added (new), changed (updated) or pruned by retention (removed).",
    labelNames: ["source", "change"] as const,
    registers,
  });
  const collectSeconds = new Histogram({
    name: "feeds_collect_duration_seconds",
    help: "Wall time of a source run that was not skipped: fetch, parse, classify and store.",
    labelNames: ["source"] as const,
    buckets: COLLECT_BUCKETS,
    registers,
  });
  const fetchSeconds = new Histogram({
    name: "feeds_fetch_duration_seconds",
    help: "Time a source run spent fetching and parsing upstream (successful runs).",
    labelNames: ["source"] as const,
    buckets: COLLECT_BUCKETS,
    registers,
  });
  const sourceErrors = new Counter({
    name: "feeds_source_errors_total",
    help: "Failed source runs by stage: fetch (upstream unreachable or refused), parse, store.",
    labelNames: ["source", "stage"] as const,
    registers,
  });
  const http = registerHttpTally({
    counterName: "feeds_http_requests_total",
    counterHelp: "Answered HTTP requests by route and status code.",
    histogramName: "feeds_http_request_duration_seconds",
    histogramHelp: "Time from receiving a request to the last byte handed to the OS, by route.",
    routes: ROUTE_LABELS,
    buckets: HTTP_BUCKETS,
    registers,
  });
  const deliveries = new Counter({
    name: "feeds_websub_deliveries_total",
    help: "WebSub delivery attempts by outcome (delivered, gone, failed) and deliveries abandoned after every retry.",
    labelNames: ["outcome"] as const,
    registers,
  });
  const reloads = new Counter({
    name: "feeds_config_reloads_total",
    help: "Config reload attempts by outcome (ok, rejected: the last good config stayed in force).",
    labelNames: ["outcome"] as const,
    registers,
  });
  // Several processes of one serve are scraped as one (cluster-metrics.ts): a gauge says how its
  // processes' values combine. Counters and histograms add up.
  const lastReloadOk = new Gauge({
    name: "feeds_config_last_reload_success",
    help: "1 if the last config reload (or the start-up load) was applied, 0 if it was rejected (in any process).",
    registers,
    aggregator: "min",
  });
  const leader = new Gauge({
    name: "feeds_worker_leader",
    help: "1 while this instance (one of its processes) runs the worker.",
    registers,
    aggregator: "sum",
  });

  let cacheStats: (() => RenderCacheStats) | undefined;
  new Counter({
    name: "feeds_render_cache_hits_total",
    help: "Feed requests answered from rendered bytes in memory.",
    registers,
    collect() {
      mirror(this, cacheStats?.().hits);
    },
  });
  new Counter({
    name: "feeds_render_cache_misses_total",
    help: "Feed requests that had to render (once per store change and variant).",
    registers,
    collect() {
      mirror(this, cacheStats?.().misses);
    },
  });
  new Gauge({
    name: "feeds_render_cache_entries",
    help: "Rendered feed variants held in memory.",
    registers,
    collect() {
      this.set(cacheStats?.().entries ?? 0);
    },
  });
  new Gauge({
    name: "feeds_render_cache_bytes",
    help: "Bytes of rendered feeds (body, gzip and brotli) held in memory; bounded by publish.cache_max_bytes.",
    registers,
    collect() {
      this.set(cacheStats?.().bytes ?? 0);
    },
  });
  new Counter({
    name: "feeds_render_cache_evictions_total",
    help: "Rendered feed variants dropped, least recently used first, to stay within publish.cache_max_bytes.",
    registers,
    collect() {
      mirror(this, cacheStats?.().evictions);
    },
  });

  new Counter({
    name: "feeds_render_cache_stale_hits_total",
    help: "Feed requests answered with the previous bytes of a changed feed while its re-render ran (at most 1 s after the change).",
    registers,
    collect() {
      mirror(this, cacheStats?.().staleHits);
    },
  });
  new Counter({
    name: "feeds_render_cache_background_errors_total",
    help: "Re-renders of a changed feed that failed in the background; its previous bytes were served meanwhile.",
    registers,
    collect() {
      mirror(this, cacheStats?.().backgroundErrors);
    },
  });

  let sourceHealth: (() => Promise<readonly SourceHealth[]>) | undefined;
  // One read of the store per scrape, shared by the three gauges below (forgotten once it settles).
  let healthRead: Promise<readonly SourceHealth[]> | undefined;
  const readHealth = (): Promise<readonly SourceHealth[]> => {
    if (healthRead) return healthRead;
    const read = sourceHealth?.() ?? Promise.resolve([]);
    healthRead = read;
    // The gauges of one scrape start together and share it; the next scrape reads again.
    const forget = (): void => {
      if (healthRead === read) healthRead = undefined;
    };
    read.then(forget, forget);
    return read;
  };
  const sourceGauge = (name: string, help: string, value: (health: SourceHealth) => number): void => {
    new Gauge({
      name,
      help,
      labelNames: ["source"] as const,
      registers,
      // Read from the shared store by one process of a cluster (its collector); the others report
      // no series, and "max" keeps the one that did.
      aggregator: "max",
      async collect() {
        const rows = await readHealth();
        this.reset();
        for (const row of rows) this.set({ source: row.sourceId }, value(row));
      },
    });
  };
  // Timestamps in seconds since the epoch, 0 when it never happened, so `time() - x > N` alerts on
  // a source that never succeeded too (Prometheus naming: *_timestamp_seconds).
  sourceGauge(
    "feeds_source_last_success_timestamp_seconds",
    "When each configured source was last collected successfully (0: never).",
    (row) => (row.lastSuccessAt ?? 0) / 1000,
  );
  sourceGauge(
    "feeds_source_last_attempt_timestamp_seconds",
    "When a collect of each configured source last ran, successful or not (0: never).",
    (row) => (row.lastRunAt ?? 0) / 1000,
  );
  sourceGauge(
    "feeds_source_consecutive_failures",
    "Failed runs of each configured source since its last success.",
    (row) => row.consecutiveFailures,
  );

  // Series that exist before their first event, so rate() and alerts see a 0, not nothing.
  for (const outcome of ["ok", "rejected"] as const) reloads.inc({ outcome }, 0);
  // The service starts only with a valid config.
  lastReloadOk.set(1);
  leader.set(0);

  return {
    registry,
    recordSourceRun(result) {
      const source = result.sourceId;
      runs.inc({ source, outcome: runOutcome(result) });
      if (result.skipped) return;
      collectSeconds.observe({ source }, result.durationMs / 1000);
      if (result.fetchMs !== undefined) fetchSeconds.observe({ source }, result.fetchMs / 1000);
      if (!result.ok) {
        sourceErrors.inc({ source, stage: result.failureStage ?? "parse" });
        return;
      }
      if (result.inserted > 0) items.inc({ source, change: "new" }, result.inserted);
      if (result.updated > 0) items.inc({ source, change: "updated" }, result.updated);
      if (result.removed > 0) items.inc({ source, change: "removed" }, result.removed);
    },
    observeHttp(route, status, seconds) {
      http.observe(route, status, seconds);
    },
    recordDelivery(outcome) {
      deliveries.inc({ outcome });
    },
    recordConfigReload(outcome) {
      reloads.inc({ outcome });
      lastReloadOk.set(outcome === "ok" ? 1 : 0);
    },
    setLeader(isLeader) {
      leader.set(isLeader ? 1 : 0);
    },
    watchRenderCache(stats) {
      cacheStats = stats;
    },
    watchSources(health) {
      sourceHealth = health;
    },
    async exposition() {
      return { contentType: registry.contentType, body: await registry.metrics() };
    },
    part: () => registry.getMetricsAsJSON(),
  };
}

function runOutcome(result: SourceRunResult): RunOutcome {
  if (result.skipped) return "skipped";
  if (!result.ok) return "failed";
  return result.notModified ? "not_modified" : "ok";
}

/** A counter whose count lives elsewhere: show that count as it is at scrape time. */
function mirror(counter: Counter, value: number | undefined): void {
  counter.reset();
  counter.inc(value ?? 0);
}
