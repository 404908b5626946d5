#!/usr/bin/env node
/**
 * Scale phase "sources" (issue 12 §2): how a collect pass grows with the number of configured
 * sources. For each size N (10, 1,000, 10,000; SCALE_QUICK=1: 10, 200; SCALE_SOURCES=a,b,c to
 * choose), in a fresh temp SQLite store:
 *   - the upstream simulator (upstream.mjs, its own process) serves N RSS feeds from 16 listeners;
 *   - the collector (collector.mjs, its own process: the runtime `collect` builds, parse pool
 *     included) runs a cold pass (every feed new), then measured passes, before each of which
 *     5% of the feeds get 2 new items; the rest answer 304 to the stored validators.
 * Records the median measured pass: duration, upstream requests/s, the collector's CPU and peak RSS.
 * Config: the built-in `worker` defaults (concurrency 4, per_host 1) unless SCALE_CONCURRENCY /
 * SCALE_PER_HOST say otherwise. The 16 listeners are 16 hosts to the limiter (it keys by
 * host:port), so per_host 1 does not serialize the pass onto one connection, as it would for N
 * sources on a single upstream host.
 * Writes bench/results/scale-sources.json.
 */
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { QUICK, log, machine, median, round, startChild, writeBenchConfig, writeResult } from "./common.mjs";

const HOSTS = 16;
const SHARE_CHANGED = 0.05;
const NEW_ITEMS = 2;
const SIZES = (process.env.SCALE_SOURCES ?? (QUICK ? "10,200" : "10,1000,10000")).split(",").map(Number);
const passesFor = (n) => (QUICK ? 2 : n <= 10 ? 5 : n <= 1000 ? 3 : 2);
const worker = {
  ...(process.env.SCALE_CONCURRENCY && { concurrency: Number(process.env.SCALE_CONCURRENCY) }),
  ...(process.env.SCALE_PER_HOST && { per_host: Number(process.env.SCALE_PER_HOST) }),
};
const collectorArgv = process.env.SCALE_CPU_PROF ? ["--cpu-prof", "--cpu-prof-dir", process.env.SCALE_CPU_PROF] : [];
const here = import.meta.dirname;

async function measure(n) {
  const scratch = await mkdtemp(path.join(os.tmpdir(), `scale-sources-${n}-`));
  const upstream = startChild(path.join(here, "upstream.mjs"), [String(n), String(HOSTS)]);
  let collector;
  try {
    const { urls } = await upstream.ready;
    await writeBenchConfig(scratch, urls, worker);
    const started = performance.now();
    collector = startChild(path.join(here, "collector.mjs"), [scratch, `sqlite:${path.join(scratch, "store.db")}`], {
      execArgv: collectorArgv,
    });
    await collector.ready;
    const startMs = performance.now() - started;
    const cold = await collector.ask({ cmd: "pass" });
    await upstream.ask({ cmd: "stats" });
    log(`sources ${n}: cold pass ${(cold.ms / 1000).toFixed(1)} s, ${cold.inserted} items, ${cold.failed} failed`);
    if (cold.failed > 0) throw new Error(`scale: ${cold.failed} sources failed on the cold pass: ${cold.firstError}`);
    const passes = [];
    for (let i = 0; i < passesFor(n); i++) {
      await upstream.ask({ cmd: "advance", share: SHARE_CHANGED, items: NEW_ITEMS });
      const pass = await collector.ask({ cmd: "pass" });
      const stats = await upstream.ask({ cmd: "stats" });
      passes.push({ ...pass, requests: stats.requests, upstream304: stats.notModified });
      log(
        `sources ${n}: pass ${i + 1} ${(pass.ms / 1000).toFixed(2)} s, ${stats.requests} requests (${stats.notModified} × 304), ` +
          `${pass.inserted} new, CPU ${(pass.cpuMs / 1000).toFixed(1)} s, peak RSS ${pass.peakRssMiB.toFixed(0)} MiB`,
      );
      if (pass.failed > 0) throw new Error(`scale: ${pass.failed} sources failed: ${pass.firstError}`);
    }
    const passS = median(passes.map((pass) => pass.ms / 1000));
    return {
      x: n,
      values: {
        pass_s: round(passS, 2),
        req_per_s: round(median(passes.map((pass) => pass.requests / (pass.ms / 1000))), 0),
        cpu_s: round(median(passes.map((pass) => pass.cpuMs / 1000)), 2),
        cpu_ms_per_source: round(median(passes.map((pass) => pass.cpuMs / n)), 2),
        peak_rss_mib: round(Math.max(...passes.map((pass) => pass.peakRssMiB)), 0),
        share_304: round(median(passes.map((pass) => pass.upstream304 / Math.max(1, pass.requests))), 3),
        cold_pass_s: round(cold.ms / 1000, 2),
        start_s: round(startMs / 1000, 2),
      },
      peakSinceStart: passes.some((pass) => pass.peakSinceStart),
    };
  } finally {
    await collector?.stop();
    await upstream.stop();
    await rm(scratch, { recursive: true, force: true });
  }
}

const at = new Date().toISOString();
const host = machine();
const rows = [];

/** The result so far: written after every size, so a run stopped at its time bound keeps what it measured. */
function result() {
  const largest = rows.at(-1);
  const tenK = rows.find((row) => row.x === 10_000);
  return {
    phase: "sources",
    title: "Collect pass vs configured sources (mostly 304)",
    x: { name: "sources", label: "configured sources" },
    rows,
    columns: {
      pass_s: { label: "pass duration", unit: "s" },
      req_per_s: { label: "upstream requests/s", unit: "req/s" },
      cpu_s: { label: "collector CPU", unit: "s" },
      cpu_ms_per_source: { label: "CPU per source", unit: "ms" },
      peak_rss_mib: { label: "collector peak RSS", unit: "MiB" },
      share_304: { label: "share answered 304", unit: "" },
      cold_pass_s: { label: "first (cold) pass", unit: "s" },
      start_s: { label: "collector start (config + store)", unit: "s" },
    },
    plots: [
      { title: "Pass duration and collector CPU", columns: ["pass_s", "cpu_s"], logX: true, logY: true },
      { title: "Upstream requests/s", columns: ["req_per_s"], logX: true },
      { title: "Collector peak RSS", columns: ["peak_rss_mib"], logX: true },
    ],
    goals: [
      tenK
        ? {
            text: "10,000-source pass of mostly-304 upstreams within its 10-minute schedule",
            met: tenK.values.pass_s < 600,
            value: `${tenK.values.pass_s} s`,
          }
        : {
            text: `10,000-source pass within 10 min (not measured: largest size ${largest?.x ?? 0})`,
            met: false,
            value: "not measured",
          },
    ],
    notes: [
      `Each measured pass: ${SHARE_CHANGED * 100}% of the feeds have ${NEW_ITEMS} new items (200), the rest answer 304; the median of ${SIZES.map(passesFor).join("/")} passes per size.`,
      `Upstream: ${HOSTS} node:http listeners on 127.0.0.1 (16 hosts to worker.per_host), in their own process; feeds list their 10 newest items.`,
      `Collector: the runtime of \`collect\` (parse pool included), its own process; worker ${JSON.stringify(worker)} over the built-in defaults (concurrency 4, per_host 1); SQLite store in a temp directory.`,
      "CPU is user + system of the collector process (all its threads); peak RSS is VmHWM, reset before each pass.",
    ],
    machine: host,
    at,
  };
}

for (const n of SIZES) {
  const row = await measure(n);
  rows.push({ x: row.x, values: row.values });
  await writeResult(result());
  log(`sources: ${n} written to bench/results/scale-sources.json`);
}
