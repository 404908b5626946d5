#!/usr/bin/env node
/**
 * `npm run build && node bench/deep-markup.mjs`: how long hostile upstream markup holds the thread
 * that also serves requests (issue 9 point 1: a feed entry nested 50,000 deep once held it 30 s).
 * A loopback upstream serves a feed with one entry nested BENCH_DEPTH (default 50,000) deep between
 * two normal ones, and a ticker page nested deeper still; each is collected through the real
 * collectSource (dist/) into an in-memory SQLite store while a 5 ms timer measures the longest gap
 * between its ticks (how long the event loop was held; perf_hooks.monitorEventLoopDelay missed
 * multi-second blocks here). Then documents inside the limits but heavy — a ticker page of
 * BENCH_CARDS×3 elements (default 90,000) and a feed of BENCH_ITEMS entries (default 2,000) — are
 * collected inline and through the parse pool (dist's parse thread, one thread). Prints Markdown.
 */
import { createServer } from "node:http";
import path from "node:path";
import { Buffer } from "node:buffer";
import { performance } from "node:perf_hooks";
import { clearInterval, setInterval } from "node:timers";
import { pathToFileURL } from "node:url";
import pino from "pino";

const ROOT = path.resolve(import.meta.dirname, "..");
const DEPTH = Number(process.env.BENCH_DEPTH ?? 50_000);
const dist = (file) => import(pathToFileURL(path.join(ROOT, "dist", file)).href);
const { openStore } = await dist("store/open-store.js");
const { COLLECTORS } = await dist("sources/registry.js");
const { compileClassifier } = await dist("classify/classifier.js");
const { collectSource } = await dist("worker/collect-source.js");
// The built-in fetch settings, as an empty config gives them (src/config/defaults.ts).
const { buildFetchOptions } = await dist("config/build.js");
const { createParsePool, PARSE_QUEUE_MAX } = await dist("sources/parse-pool/parse-pool.js");
const CARDS = Number(process.env.BENCH_CARDS ?? 30_000);
const ITEMS = Number(process.env.BENCH_ITEMS ?? 2_000);

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
  "/heavy-ticker.html": [
    "text/html",
    `<html><body><ul class="ticker">${Array.from({ length: 20 }, (_, i) => `<li><span>0${i % 10}:1${i % 6}</span> <a href="/n/${i}">Headline ${i}</a></li>`).join("")}</ul>` +
      Array.from(
        { length: CARDS },
        (_, i) => `<div class="card"><p>Related ${i} <a href="/r/${i}">more</a></p></div>`,
      ).join("") +
      `</body></html>`,
  ],
  "/heavy-feed.xml": [
    "application/rss+xml",
    `<rss version="2.0"><channel><title>T</title>${Array.from({ length: ITEMS }, (_, i) => item(`h${i}`, `<p>Paragraph with <a href="/l/${i}">a link</a> and <em>emphasis</em>.</p>`.repeat(8))).join("")}</channel></rss>`,
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
  fetchOptions: buildFetchOptions(),
  backoff: { baseMs: 60_000, capMs: 3_600_000 },
  random: Math.random,
  logger: pino({ level: "silent" }),
};
const source = (id, kind, url, extra = {}) => ({
  ...extra,
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
console.log("| source | outcome | collect time | longest event-loop stall |\n| --- | --- | --- | --- |");
/** Runs `work` while a 5 ms timer records the longest gap between its ticks (the longest stall). */
async function measured(work) {
  let last = performance.now();
  let longest = 0;
  let ticked = () => undefined;
  const timer = setInterval(() => {
    const now = performance.now();
    longest = Math.max(longest, now - last);
    last = now;
    ticked();
  }, 5);
  const started = performance.now();
  const result = await work();
  const took = performance.now() - started;
  await new Promise((resolve) => (ticked = resolve));
  clearInterval(timer);
  return { result, took, longest };
}
const outcomeOf = (result) =>
  result.ok
    ? `ok, ${result.inserted} stored, ${result.warnings.length} warnings`
    : `failed: ${result.error?.slice(0, 90)}`;

for (const [kind, route] of [
  ["feed", "/feed.xml"],
  ["html-ticker", "/ticker.html"],
]) {
  const { result, took, longest } = await measured(() =>
    collectSource(source(`bench-${kind}`, kind, `${origin}${route}`), deps),
  );
  console.log(`| ${kind} | ${outcomeOf(result)} | ${took.toFixed(0)} ms | ${longest.toFixed(1)} ms |`);
}

const heavyBytes = (route) => `${(Buffer.byteLength(BODIES[route][1]) / 1e6).toFixed(1)} MB`;
console.log(
  `\n## Heavy documents inside the limits: inline vs the parse pool (ticker page ${heavyBytes("/heavy-ticker.html")}, ` +
    `${(CARDS * 3).toLocaleString("en-US")} elements; feed ${heavyBytes("/heavy-feed.xml")}, ${ITEMS.toLocaleString("en-US")} entries)\n`,
);
console.log(
  "| document | parsed | outcome | collect time | longest event-loop stall |\n| --- | --- | --- | --- | --- |",
);
const pool = createParsePool({
  threads: 1,
  maxQueue: PARSE_QUEUE_MAX,
  budgetMs: 120_000,
  entry: pathToFileURL(path.join(ROOT, "dist/sources/parse-pool/parse-thread.js")),
  logger: pino({ level: "silent" }),
});
// The thread starts once per process; what is measured is parsing.
await pool.parse("listing", {
  document: { url: `${origin}/warm`, bytes: Buffer.from("<a href=x>x</a>") },
  selector: "a",
});
const tickerSelect = { timezone: "UTC", select: { item: "ul.ticker li", time: "span", title: "a", link: "a" } };
for (const [where, parse] of [
  ["inline", undefined],
  ["parse pool", pool.parse],
]) {
  for (const [label, kind, route, extra] of [
    ["ticker page", "html-ticker", "/heavy-ticker.html", tickerSelect],
    ["feed", "feed", "/heavy-feed.xml", {}],
  ]) {
    const id = `heavy-${kind}-${where.replace(" ", "-")}`;
    const { result, took, longest } = await measured(() =>
      collectSource(source(id, kind, `${origin}${route}`, extra), { ...deps, ...(parse && { parse }) }),
    );
    console.log(`| ${label} | ${where} | ${outcomeOf(result)} | ${took.toFixed(0)} ms | ${longest.toFixed(1)} ms |`);
  }
}
await pool.close();
await store.close();
upstream.close();
