#!/usr/bin/env node
/**
 * `npm run build && node bench/deep-markup.mjs`: how long hostile upstream markup holds the thread
 * that also serves requests (issue 9 point 1: a feed entry nested 50,000 deep once held it 30 s).
 * A loopback upstream serves a feed with one entry nested BENCH_DEPTH (default 50,000) deep between
 * two normal ones, and a ticker page nested deeper still; each is collected through the real
 * collectSource (dist/) into an in-memory SQLite store while perf_hooks.monitorEventLoopDelay
 * samples the event loop. Prints one Markdown table: the longest stall and the outcome per source.
 */
import { createServer } from "node:http";
import path from "node:path";
import { monitorEventLoopDelay, performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";
import pino from "pino";

const ROOT = path.resolve(import.meta.dirname, "..");
const DEPTH = Number(process.env.BENCH_DEPTH ?? 50_000);
const dist = (file) => import(pathToFileURL(path.join(ROOT, "dist", file)).href);
const { openStore } = await dist("store/open-store.js");
const { COLLECTORS } = await dist("sources/registry.js");
const { compileClassifier } = await dist("classify/classifier.js");
const { collectSource } = await dist("worker/collect-source.js");
const { DEFAULT_FETCH_OPTIONS } = await dist("sources/fetch.js");

const nested = (depth) => "<div>".repeat(depth) + "deep" + "</div>".repeat(depth);
const item = (id, html) =>
  `<item><title>Story ${id}</title><link>https://bench.example.org/${id}</link><pubDate>Wed, 25 Nov 2026 08:00:00 GMT</pubDate>` +
  `<description><![CDATA[${html}]]></description></item>`;
const BODIES = {
  "/feed.xml": [
    "application/rss+xml",
    `<rss version="2.0"><channel><title>T</title>${item("one", "<p>ok</p>")}${item("deep", nested(DEPTH))}${item("three", "<p>ok</p>")}</channel></rss>`,
  ],
  "/ticker.html": [
    "text/html",
    `<html><body><ul><li>17:10 Markets close higher in Casablanca</li><li>16:05 Rain expected in Rabat</li></ul>${nested(DEPTH + 10_000)}</body></html>`,
  ],
};

const upstream = createServer((req, res) => {
  const [type, body] = BODIES[new URL(req.url ?? "/", "http://x").pathname] ?? ["text/plain", ""];
  res.writeHead(body === "" ? 404 : 200, { "content-type": type }).end(body);
});
await new Promise((resolve) => upstream.listen(0, "127.0.0.1", resolve));
const origin = `http://127.0.0.1:${upstream.address().port}`;
const store = await openStore("sqlite::memory:", { clock: Date.now });
const deps = {
  store,
  collectors: COLLECTORS,
  classify: compileClassifier([{ slug: "world", title: "World", description: "", match: [], exclude: [] }]),
  clock: Date.now,
  fetchOptions: DEFAULT_FETCH_OPTIONS,
  backoff: { baseMs: 60_000, capMs: 3_600_000 },
  random: Math.random,
  logger: pino({ level: "silent" }),
};
const source = (id, kind, url) => ({
  id,
  kind,
  url,
  schedule: { every: 600_000 },
  categories: ["world"],
  enabled: true,
  retention: { maxItemsPerSource: 100, maxAgeMs: 90 * 86_400_000 },
  ...(kind === "html-ticker" && { timezone: "Africa/Casablanca" }),
});

console.log(
  `## Hostile markup vs the event loop (${new Date().toISOString()}, Node ${process.version}, depth ${DEPTH.toLocaleString("en-US")})\n`,
);
console.log(
  "| source | outcome | collect time | longest event-loop stall | p99 stall |\n| --- | --- | --- | --- | --- |",
);
for (const [kind, route] of [
  ["feed", "/feed.xml"],
  ["html-ticker", "/ticker.html"],
]) {
  const histogram = monitorEventLoopDelay({ resolution: 1 });
  histogram.enable();
  const started = performance.now();
  const result = await collectSource(source(`bench-${kind}`, kind, `${origin}${route}`), deps);
  const took = performance.now() - started;
  histogram.disable();
  const outcome = result.ok
    ? `ok, ${result.inserted} stored, ${result.warnings.length} warnings`
    : `failed: ${result.error?.slice(0, 90)}`;
  const stall = (ns) => `${(ns / 1e6).toFixed(1)} ms`;
  console.log(
    `| ${kind} | ${outcome} | ${took.toFixed(0)} ms | ${stall(histogram.max)} | ${stall(histogram.percentile(99))} |`,
  );
}
await store.close();
upstream.close();
