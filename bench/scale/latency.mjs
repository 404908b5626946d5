#!/usr/bin/env node
/**
 * Scale phase "latency" (issue 12 §2): feed latency p50/p99 while a large collect pass runs on the
 * serving process. Three processes: the upstream simulator (upstream.mjs, SCALE_LATENCY_SOURCES
 * feeds, default 10,000; SCALE_QUICK=1: 300), the service (service.mjs: `serve` from dist/, worker
 * passes started by message) and this one, a client that GETs /feeds/world.rss (gzip, as pollers
 * ask) at a steady RATE per second, open loop, and times every answer from its send.
 * Windows, in order:
 *   1. the cold pass: every source new (30,000 items for 10,000 sources), the store filling;
 *   2. idle, IDLE_S seconds, the store full: the baseline;
 *   3. a mostly-304 pass: 20% of the feeds have 2 new items, the rest answer 304.
 * A new item in `world` invalidates the cached render: the next GETs get the previous bytes while
 * one re-render runs in the background (publish/render-cache.ts), and wait for a render only when
 * the change is more than a second old; either way they are in the percentiles, as a poller sees them.
 * Writes bench/results/scale-latency.json.
 */
import { Agent, request } from "node:http";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import { QUICK, log, machine, percentile, round, startChild, writeBenchConfig, writeResult } from "./common.mjs";

const SOURCES = Number(process.env.SCALE_LATENCY_SOURCES ?? (QUICK ? 300 : 10_000));
/**
 * Which `serve` layout: "cluster" (the default above one core: WEB_CONCURRENCY servers plus a
 * collector that serves nothing) or "single" (WEB_CONCURRENCY=1: one process collects and serves).
 */
const LAYOUT = process.env.SCALE_LATENCY_LAYOUT ?? (os.availableParallelism() > 1 ? "cluster" : "single");
const SERVERS = os.availableParallelism();
const RATE = Number(process.env.SCALE_LATENCY_RATE ?? 200);
const IDLE_S = QUICK ? 3 : 10;
const HOSTS = 16;
const SHARE_CHANGED = 0.2;
const FEED = "/feeds/world.rss";
const STEADY = `mostly-304 pass (${SHARE_CHANGED * 100}% new)`;
const ORDER = ["idle", STEADY, "cold pass (every feed new)"];
const here = import.meta.dirname;

/** GETs `url` RATE times a second until `until` settles; resolves the sorted latencies (ms). */
async function poll(url, until) {
  const agent = new Agent({ keepAlive: true, maxSockets: 32 });
  const latencies = [];
  const statuses = new Map();
  let errors = 0;
  let done = false;
  until.finally(() => (done = true)).catch(() => {});
  const inFlight = new Set();
  const one = () =>
    new Promise((resolve) => {
      const sent = performance.now();
      const req = request(url, { agent, headers: { "accept-encoding": "gzip" } }, (res) => {
        res.on("data", () => {});
        res.on("end", () => {
          latencies.push(performance.now() - sent);
          statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
          resolve();
        });
      });
      req.on("error", () => {
        errors++;
        resolve();
      });
      req.end();
    });
  const start = performance.now();
  for (let sent = 0; !done; sent++) {
    // Open loop: request n goes at start + n / RATE whether or not earlier ones have answered.
    const wait = start + (sent * 1000) / RATE - performance.now();
    if (wait > 0) await sleep(wait);
    if (done) break;
    const pending = one();
    inFlight.add(pending);
    void pending.then(() => inFlight.delete(pending));
  }
  await Promise.all(inFlight);
  agent.destroy();
  const seconds = (performance.now() - start) / 1000;
  return { latencies: latencies.sort((a, b) => a - b), errors, seconds, statuses: Object.fromEntries(statuses) };
}

function summarize(label, x, window, extra = {}) {
  const { latencies } = window;
  log(
    `latency ${label}: ${latencies.length} GETs, p50 ${percentile(latencies, 50).toFixed(2)} ms, ` +
      `p99 ${percentile(latencies, 99).toFixed(2)} ms, max ${latencies.at(-1)?.toFixed(1)} ms, ${window.errors} errors`,
  );
  return {
    x,
    label,
    values: {
      p50_ms: round(percentile(latencies, 50), 2),
      p99_ms: round(percentile(latencies, 99), 2),
      max_ms: round(latencies.at(-1) ?? Number.NaN, 1),
      over_10ms: round(latencies.filter((ms) => ms > 10).length / Math.max(1, latencies.length), 4),
      requests: latencies.length,
      errors: window.errors,
      window_s: round(window.seconds, 1),
      ...extra,
    },
  };
}

/** Writes the windows measured so far (table order: idle, mostly-304, cold), so a stopped run keeps them. */
async function save(rows) {
  const during = [...rows.values()].filter((row) => row.x > 0);
  await writeResult({
    phase: "latency",
    title: `Feed latency while ${SOURCES.toLocaleString("en-US")} sources are collected (${LAYOUT === "cluster" ? `${SERVERS} servers + a collector` : "one process"})`,
    x: { name: "scenario", label: "while (0 idle, 1 mostly-304 pass, 2 cold pass)" },
    rows: ORDER.map((label) => rows.get(label)).filter(Boolean),
    columns: {
      p50_ms: { label: "p50", unit: "ms" },
      p99_ms: { label: "p99", unit: "ms" },
      max_ms: { label: "max", unit: "ms" },
      over_10ms: { label: "share over 10 ms", unit: "" },
      requests: { label: "GETs", unit: "" },
      errors: { label: "errors", unit: "" },
      window_s: { label: "window", unit: "s" },
      pass_s: { label: "pass duration", unit: "s" },
      items_new: { label: "new items in the pass", unit: "" },
    },
    plots: [{ title: `GET ${FEED} latency (${RATE}/s)`, columns: ["p50_ms", "p99_ms"], logY: true }],
    goals: [
      {
        text: "feed p99 under 10 ms during collects",
        met: during.length > 0 && during.every((row) => row.values.p99_ms < 10),
        value: [...rows.values()].map((row) => `p99 ${row.values.p99_ms} ms ${row.label}`).join("; "),
      },
    ],
    notes: [
      `Client: node:http, keep-alive, ${RATE} GET/s open loop (each request sent on schedule, timed from its send), Accept-Encoding gzip; in its own process.`,
      LAYOUT === "cluster"
        ? `Layout: serve's default above one core: ${SERVERS} serving processes on one port (servers.mjs, node:cluster) and a collector that serves nothing (service.mjs, SCALE_SERVE_HTTP=0); SCALE_LATENCY_LAYOUT=single measures WEB_CONCURRENCY=1.`
        : "Layout: WEB_CONCURRENCY=1, one process collects and serves (SCALE_LATENCY_LAYOUT=cluster measures the default above one core).",
      `Collector: startService from dist/ with the parse pool, worker passes run by runAll (the scheduled pass's code path), built-in worker limits (concurrency 4, per_host 1) over ${HOSTS} simulated hosts.`,
      "Every new item in world invalidates its cached render: GETs get the previous bytes while one background render runs (at most 1 s after the change, then they wait for it); whatever they wait is counted.",
      "The client, the simulator and the service share the machine's cores; on a loaded machine the client's own scheduling delay is in the numbers.",
    ],
    machine: host,
    at,
  });
}

const at = new Date().toISOString();
const host = machine();
const scratch = await mkdtemp(path.join(os.tmpdir(), "scale-latency-"));
const upstream = startChild(path.join(here, "upstream.mjs"), [String(SOURCES), String(HOSTS)]);
let service;
let servers;
try {
  const { urls } = await upstream.ready;
  await writeBenchConfig(scratch, urls);
  const storeArgs = [scratch, `sqlite:${path.join(scratch, "store.db")}`, path.join(scratch, "feeds")];
  service = startChild(path.join(here, "service.mjs"), storeArgs, {
    execArgv: process.env.SCALE_CPU_PROF ? ["--cpu-prof", "--cpu-prof-dir", process.env.SCALE_CPU_PROF] : [],
    env: { ...process.env, SCALE_SERVE_HTTP: LAYOUT === "cluster" ? "0" : "1" },
  });
  await service.ready;
  if (LAYOUT === "cluster") servers = startChild(path.join(here, "servers.mjs"), [String(SERVERS), ...storeArgs]);
  const { address } = await (servers ?? service).ready;
  const url = `${address}${FEED}`;
  log(`latency: ${LAYOUT} layout at ${address}, ${SOURCES} sources, ${RATE} GET/s on ${FEED}`);

  const coldPass = service.ask({ cmd: "pass" });
  const cold = await poll(url, coldPass);
  const coldResult = await coldPass;
  if (coldResult.failed > 0) throw new Error(`scale: ${coldResult.failed} sources failed: ${coldResult.firstError}`);
  const rows = new Map();
  const add = async (row) => {
    rows.set(row.label, row);
    await save(rows);
  };
  await add(
    summarize("cold pass (every feed new)", 2, cold, {
      pass_s: round(coldResult.ms / 1000, 1),
      items_new: coldResult.inserted,
    }),
  );

  const idle = await poll(url, sleep(IDLE_S * 1000));
  await add(summarize("idle", 0, idle, { pass_s: null, items_new: 0 }));

  await upstream.ask({ cmd: "advance", share: SHARE_CHANGED, items: 2 });
  const steadyPass = service.ask({ cmd: "pass" });
  const steady = await poll(url, steadyPass);
  const steadyResult = await steadyPass;
  await add(
    summarize(STEADY, 1, steady, {
      pass_s: round(steadyResult.ms / 1000, 1),
      items_new: steadyResult.inserted,
    }),
  );

  log("latency: wrote bench/results/scale-latency.json");
} finally {
  await servers?.stop();
  await service?.stop();
  await upstream.stop();
  await rm(scratch, { recursive: true, force: true });
}
