#!/usr/bin/env node
/**
 * `npm run build && node bench/cache-memory.mjs`: what anonymous requests with distinct parameters
 * cost the serving process in memory (issue 9 point 3: 766 such GETs once took it to 2.5 GB).
 *   1. seed a temp SQLite store with BENCH_ITEMS items (default 20,000; bench/seed.mjs);
 *   2. start the built service in its own process (bench/serve.mjs, worker off), with
 *      `publish.cache_max_bytes` = BENCH_CACHE_MAX_BYTES (default: the built-in 64MB);
 *   3. read its RSS, fire BENCH_REQUESTS (default 10,000) GETs, each a distinct variant (slug ×
 *      format × limit 1–500 × page), BENCH_CONCURRENCY (default 64) at a time, with
 *      Accept-Encoding: gzip, br;
 *   4. read its RSS (now and peak, from /proc) and the render cache's bytes from /metrics.
 * Prints one Markdown table. Linux only (/proc/<pid>/status).
 */
import { Buffer } from "node:buffer";
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { copyFile, mkdtemp, rm, writeFile } from "node:fs/promises";
import { Agent, request } from "node:http";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";

const ROOT = path.resolve(import.meta.dirname, "..");
const ITEMS = Number(process.env.BENCH_ITEMS ?? 20_000);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 10_000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 64);
const CACHE_MAX_BYTES = process.env.BENCH_CACHE_MAX_BYTES;
const SLUGS = ["all", "world", "technology", "morocco-economy"];
const FORMATS = ["rss", "atom", "json"];
const CATEGORIES = ["world", "technology", "morocco-economy"];

const mib = (bytes) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;

function runChild(args) {
  return spawn(process.execPath, args, { stdio: ["ignore", "pipe", "inherit"] });
}

function seed(databaseUrl) {
  return new Promise((resolve, reject) => {
    const child = runChild([path.join(ROOT, "bench/seed.mjs"), databaseUrl, String(ITEMS)]);
    child.stdout.resume();
    child.on("error", reject);
    child.on("close", (code) => (code === 0 ? resolve() : reject(new Error(`bench: seeding exited ${code}`))));
  });
}

function startServer(configDir, databaseUrl, feedsDir) {
  const child = runChild([path.join(ROOT, "bench/serve.mjs"), configDir, databaseUrl, feedsDir]);
  const closed = new Promise((resolve) => child.once("close", resolve));
  return new Promise((resolve, reject) => {
    let out = "";
    child.on("error", reject);
    child.stdout.on("data", (chunk) => {
      out += chunk;
      if (!out.includes("\n")) return;
      const { address } = JSON.parse(out);
      resolve({ address, pid: child.pid, stop: async () => (child.kill("SIGTERM"), await closed) });
    });
    closed.then((code) => reject(new Error(`bench: bench/serve.mjs exited ${code} before listening`)));
  });
}

/** VmRSS and VmHWM (peak RSS) of a process, in bytes. */
function memoryOf(pid) {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = (field) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? Number.NaN) * 1024;
  return { rss: kb("VmRSS"), peak: kb("VmHWM") };
}

const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });

function get(url, headers = {}) {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers, agent }, (res) => {
      let bytes = 0;
      const chunks = [];
      res.on("data", (chunk) => {
        bytes += chunk.length;
        if (headers.keep) chunks.push(chunk);
      });
      res.on("end", () => resolve({ status: res.statusCode, bytes, text: Buffer.concat(chunks).toString("utf8") }));
    });
    req.on("error", reject);
    req.end();
  });
}

/** The i-th distinct variant: slug × format × limit (1–500) × page. */
function variantPath(i) {
  const slug = SLUGS[i % SLUGS.length];
  const format = FORMATS[Math.floor(i / SLUGS.length) % FORMATS.length];
  const combos = SLUGS.length * FORMATS.length;
  const limit = 1 + (Math.floor(i / combos) % 500);
  const page = 1 + Math.floor(i / (combos * 500));
  return `/feeds/${slug}.${format}?limit=${limit}${page > 1 ? `&page=${page}` : ""}`;
}

async function metric(address, name) {
  const { text } = await get(`${address}/metrics`, { keep: true });
  return Number(new RegExp(`^${name} (\\S+)$`, "m").exec(text)?.[1] ?? Number.NaN);
}

async function main() {
  const scratch = await mkdtemp(path.join(os.tmpdir(), "feed-cache-bench-"));
  try {
    const databaseUrl = `sqlite:${path.join(scratch, "bench.db")}`;
    await copyFile(path.join(ROOT, "config/categories.yaml"), path.join(scratch, "categories.yaml"));
    await writeFile(
      path.join(scratch, "sources.yaml"),
      (CACHE_MAX_BYTES ? `publish: { cache_max_bytes: ${CACHE_MAX_BYTES} }\n` : "") +
        `sources:\n${CATEGORIES.map((slug) => `  - { id: bench-${slug}, kind: feed, url: https://bench.example.org/${slug}.xml, every: 10m, categories: [${slug}] }\n`).join("")}`,
    );
    await seed(databaseUrl);
    const server = await startServer(scratch, databaseUrl, path.join(scratch, "feeds"));
    try {
      await get(`${server.address}/feeds/world.rss`);
      const before = memoryOf(server.pid);
      const started = performance.now();
      let next = 0;
      let errors = 0;
      let bodyBytes = 0;
      const worker = async () => {
        for (let i = next++; i < REQUESTS; i = next++) {
          const answer = await get(`${server.address}${variantPath(i)}`, { "accept-encoding": "gzip, br" });
          if (answer.status !== 200) errors++;
          bodyBytes += answer.bytes;
        }
      };
      await Promise.all(Array.from({ length: CONCURRENCY }, worker));
      const seconds = (performance.now() - started) / 1000;
      const after = memoryOf(server.pid);
      const cacheBytes = await metric(server.address, "feeds_render_cache_bytes");
      const entries = await metric(server.address, "feeds_render_cache_entries");
      const evictions = await metric(server.address, "feeds_render_cache_evictions_total");
      console.log(
        `## Render cache memory (${new Date().toISOString()}, Node ${process.version}, ${os.cpus().length} CPUs)\n`,
      );
      console.log("| measurement | value |\n| --- | --- |");
      console.log(`| store | ${ITEMS.toLocaleString("en-US")} items |`);
      console.log(`| publish.cache_max_bytes | ${CACHE_MAX_BYTES ?? "64MB (default)"} |`);
      console.log(
        `| requests | ${REQUESTS.toLocaleString("en-US")} distinct variants, ${CONCURRENCY} at a time, ${errors} not 200, ${seconds.toFixed(1)} s, ${mib(bodyBytes)} of (compressed) bodies |`,
      );
      console.log(`| RSS before → after | ${mib(before.rss)} → ${mib(after.rss)} (+${mib(after.rss - before.rss)}) |`);
      console.log(`| peak RSS | ${mib(after.peak)} |`);
      console.log(`| render cache | ${mib(cacheBytes)} in ${entries} entries, ${evictions} evictions |`);
    } finally {
      agent.destroy();
      await server.stop();
    }
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

await main();
