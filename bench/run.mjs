#!/usr/bin/env node
/**
 * `npm run bench`: how the built service (dist/) serves pollers and collects, on this machine, in
 * one run. Steps:
 *   1. seed a temp SQLite store with BENCH_ITEMS items (default 200,000) over 3 categories;
 *   2. cold render of a 500-item feed, split into store query, rendering and compression;
 *   3. the real service (`dist/main.js serve`, its sources disabled) under wrk, with
 *      WEB_CONCURRENCY=1 and with one process per core (the default): cached 200 (identity,
 *      gzip) and 304;
 *   4. the reference points under the same load: bench/fixed-bytes-server.mjs writing the
 *      service's own answers with as many processes, without parsing anything (the ceiling for
 *      any Node server), and nginx on 127.0.0.1 serving the same bytes as static files, with
 *      worker_processes 1 and auto (its default: one per core);
 *   5. the collect rate over the corpus of real-world feeds, through file: sources.
 * Prints Markdown tables. Seeding runs in a child process (bench/seed.mjs). Needs `wrk` and `nginx` on PATH for steps 3-4 (skipped with a note if
 * missing). Env: BENCH_ITEMS, BENCH_DURATION (wrk seconds, default 15), BENCH_CONNECTIONS (64),
 * BENCH_THREADS (2), BENCH_RUNS (cold-render repetitions, default 9).
 */
import { Buffer } from "node:buffer";
import { spawn, spawnSync } from "node:child_process";
import { copyFile, chmod, mkdir, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { request } from "node:http";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import { pathToFileURL } from "node:url";
import { brotliCompressSync, constants as zlibConstants, gzipSync } from "node:zlib";
import pino from "pino";

const ROOT = path.resolve(import.meta.dirname, "..");
const CORPUS = process.env.CORPUS_DIR
  ? path.join(process.env.CORPUS_DIR, "feeds")
  : path.resolve(ROOT, "../shared/corpus/feeds");
const ITEMS = Number(process.env.BENCH_ITEMS ?? 200_000);
const DURATION = Number(process.env.BENCH_DURATION ?? 15);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 64);
const THREADS = Number(process.env.BENCH_THREADS ?? 2);
const RUNS = Number(process.env.BENCH_RUNS ?? 9);
const CATEGORIES = ["world", "technology", "morocco-economy"];
const T0 = Date.UTC(2026, 0, 15, 12, 0, 0);
const BASE_URL = "http://127.0.0.1:8080";
const HOT_FEED = "/feeds/world.rss";
/** What WEB_CONCURRENCY defaults to (src/config/settings.ts): one serving process per core. */
const CORES = os.availableParallelism();

const dist = (file) => import(pathToFileURL(path.join(ROOT, "dist", file)).href);
const { openStore } = await dist("store/open-store.js");
const { loadConfig } = await dist("config/config.js");
const { parseDatabaseUrl } = await dist("urls/database-url.js");
const { readProduct } = await dist("app/product.js");
const { startService } = await dist("app/service.js");
const { RENDERERS } = await dist("publish/render.js");
const { COLLECTORS } = await dist("sources/registry.js");
const { compileClassifier } = await dist("classify/classifier.js");
const { collectSource } = await dist("worker/collect-source.js");
// The built-in backoff, as an empty config gives it (src/config/defaults.ts).
const { buildConfig } = await dist("config/build.js");
const DEFAULT_BACKOFF = buildConfig(process.cwd(), { sources: [] }, { categories: [] }, await readProduct()).backoff;

const logger = pino({ level: "silent" });
const rows = [];
const record = (what, value, notes = "") => rows.push({ what, value, notes });

// ---- helpers ------------------------------------------------------------------------------------

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const ms = (value) => `${value.toFixed(1)} ms`;
const int = (value) => Math.round(value).toLocaleString("en-US");

async function timed(fn) {
  const start = performance.now();
  const result = await fn();
  return { ms: performance.now() - start, result };
}

/** One request on a connection of its own, closed after the answer (`keepAlive`: asked open, as wrk asks, then closed by us). */
function get(url, headers = {}, { keepAlive = false } = {}) {
  return new Promise((resolve, reject) => {
    const fields = keepAlive ? { ...headers, Connection: "keep-alive" } : headers;
    const req = request(url, { headers: fields, agent: false }, (res) => {
      const chunks = [];
      res.on("data", (chunk) => chunks.push(chunk));
      res.on("end", () => {
        res.socket?.destroy();
        resolve({
          status: res.statusCode,
          statusMessage: res.statusMessage,
          headers: res.headers,
          rawHeaders: res.rawHeaders,
          body: Buffer.concat(chunks),
        });
      });
    });
    req.on("error", reject);
    req.end();
  });
}

function has(command) {
  return spawnSync("sh", ["-c", `command -v ${command}`]).status === 0;
}

// ---- 1. seed (in a child process, so the service below starts with a clean heap) ----------------

function seed(databaseUrl) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(ROOT, "bench/seed.mjs"), databaseUrl, String(ITEMS)], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    child.stdout.on("data", (chunk) => (out += chunk));
    child.on("error", reject);
    child.on("close", (code) => {
      if (code !== 0) return reject(new Error(`bench: seeding exited ${code}`));
      const { items, ms: took, batch } = JSON.parse(out);
      record(
        "seed store",
        `${int(items)} items in ${(took / 1000).toFixed(1)} s`,
        `${int(items / (took / 1000))} items/s, commitRun batches of ${batch}, 3 categories`,
      );
      resolve();
    });
  });
}

// ---- 2. cold render -----------------------------------------------------------------------------

function channelFor(variant) {
  return {
    title: "Bench: World",
    description: "World news",
    homePageUrl: `${BASE_URL}/`,
    selfUrl: `${BASE_URL}/feeds/world.${variant.format}?limit=500`,
    id: `${BASE_URL}/feeds/world`,
    language: "en",
    updated: T0,
    generator: "bench",
    ttlMinutes: 10,
    hubs: [],
    paging: {
      first: `${BASE_URL}/feeds/world.${variant.format}?limit=500`,
      next: `${BASE_URL}/feeds/world.${variant.format}?limit=500&page=2`,
    },
    categories: ["World"],
  };
}

async function coldRender(runtime) {
  for (const format of ["rss", "atom", "json"]) {
    const variant = { slug: "world", format, query: { categories: ["world"], limit: 500, page: 1 } };
    const totals = [];
    const queries = [];
    const renders = [];
    const gzips = [];
    const brotlis = [];
    let bytes = 0;
    for (let run = 0; run < RUNS; run++) {
      runtime.feeds.invalidateAll();
      totals.push((await timed(() => runtime.feeds.render(variant))).ms);
      const query = await timed(() => runtime.store.queryFeed(variant.query));
      queries.push(query.ms);
      const channel = channelFor(variant);
      const text = await timed(() => RENDERERS[format](channel, query.result.items));
      renders.push(text.ms);
      const body = Buffer.from(text.result, "utf8");
      bytes = body.length;
      gzips.push((await timed(() => gzipSync(body, { level: 6 }))).ms);
      brotlis.push(
        (await timed(() => brotliCompressSync(body, { params: { [zlibConstants.BROTLI_PARAM_QUALITY]: 5 } }))).ms,
      );
    }
    record(
      `cold render world.${format}?limit=500 (FeedService.render)`,
      `${ms(median(totals))} median`,
      `first ${ms(totals[0])}; ${RUNS} runs; ${int(bytes / 1024)} KiB; parts (median): query ${ms(median(queries))}, render ${ms(median(renders))}, gzip-6 ${ms(median(gzips))}, br-5 ${ms(median(brotlis))} (gzip and br run in parallel on the libuv pool)`,
    );
  }
}

// ---- 3-4. wrk against the service and nginx ----------------------------------------------------

function parseWrk(output) {
  const unit = { us: 0.001, ms: 1, s: 1000 };
  const p99 = /^\s*99%\s+([\d.]+)(us|ms|s)\s*$/m.exec(output);
  const rps = /Requests\/sec:\s+([\d.]+)/.exec(output);
  const non2xx = /Non-2xx or 3xx responses:\s+(\d+)/.exec(output);
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(output);
  return {
    rps: rps ? Number(rps[1]) : Number.NaN,
    p99: p99 ? Number(p99[1]) * unit[p99[2]] : Number.NaN,
    errors: (non2xx ? Number(non2xx[1]) : 0) + (socket ? socket.slice(1).reduce((sum, n) => sum + Number(n), 0) : 0),
  };
}

function runWrk(url, headers, seconds = DURATION) {
  const args = [
    `-t${THREADS}`,
    `-c${CONNECTIONS}`,
    `-d${seconds}s`,
    "--latency",
    ...Object.entries(headers).flatMap(([name, value]) => ["-H", `${name}: ${value}`]),
    url,
  ];
  return new Promise((resolve, reject) => {
    const child = spawn("wrk", args);
    let out = "";
    child.stdout.on("data", (chunk) => (out += chunk));
    child.stderr.on("data", (chunk) => (out += chunk));
    child.on("error", reject);
    child.on("close", (code) =>
      code === 0
        ? resolve({
            ...parseWrk(out),
            command: `wrk ${args.map((arg) => (/\s|"/.test(arg) ? `'${arg}'` : arg)).join(" ")}`,
          })
        : reject(new Error(`wrk exited ${code}: ${out}`)),
    );
  });
}

/** Checks each scenario answers as intended before loading it, so a wrong 200/304 cannot pass as fast. */
async function checkScenario(url, headers, status, bytes) {
  const response = await get(url, headers);
  if (response.status !== status || (bytes !== undefined && !response.body.equals(bytes))) {
    throw new Error(
      `bench: ${url} ${JSON.stringify(headers)} answered ${response.status} with ${response.body.length} bytes, expected ${status}`,
    );
  }
  return response;
}

async function startNginx(workers, root, port) {
  const prefix = await mkdtemp(path.join(os.tmpdir(), `bench-nginx-${workers}-`));
  await chmod(prefix, 0o755);
  const conf = path.join(prefix, "nginx.conf");
  await writeFile(
    conf,
    `daemon off;
worker_processes ${workers};
pid ${prefix}/nginx.pid;
error_log ${prefix}/error.log warn;
user root;
events { worker_connections 4096; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 1000000;
  open_file_cache max=64 inactive=60s;
  client_body_temp_path ${prefix}/body;
  proxy_temp_path ${prefix}/proxy;
  fastcgi_temp_path ${prefix}/fastcgi;
  uwsgi_temp_path ${prefix}/uwsgi;
  scgi_temp_path ${prefix}/scgi;
  types { application/rss+xml rss; }
  server {
    listen 127.0.0.1:${port};
    root ${root};
    gzip_static on;
  }
}
`,
  );
  const child = spawn("nginx", ["-p", prefix, "-c", conf], { stdio: ["ignore", "ignore", "inherit"] });
  for (let attempt = 0; attempt < 50; attempt++) {
    try {
      await get(`http://127.0.0.1:${port}/world.rss`);
      return {
        stop: async () => {
          const closed = new Promise((resolve) => child.once("close", resolve));
          child.kill("SIGQUIT");
          await closed;
          await rm(prefix, { recursive: true, force: true });
        },
      };
    } catch {
      await sleep(100);
    }
  }
  child.kill("SIGTERM");
  throw new Error(`bench: nginx (worker_processes ${workers}) did not start; see ${prefix}/error.log`);
}

async function freePort() {
  const { createServer } = await import("node:net");
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * The service as production runs it: `node dist/main.js serve` with WEB_CONCURRENCY servers
 * (issue 12; above 1 a collector that serves nothing runs beside them), its sources disabled so
 * nothing but the load runs. Resolves once /status.json lists every server and the collecting
 * process has finished (or skipped) the reclassification every leader runs at start (its log says so), so
 * that pass does not share the cores with the load.
 */
async function startServeCommand(scratch, databaseUrl, processes) {
  const port = await freePort();
  const address = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, [path.join(ROOT, "dist/main.js"), "serve"], {
    env: {
      ...process.env,
      PORT: String(port),
      HOST: "127.0.0.1",
      BASE_URL,
      CONFIG_DIR: scratch,
      DATABASE_URL: databaseUrl,
      FEEDS_DIR: path.join(scratch, `feeds-${processes}`),
      LOG_LEVEL: "info",
      WEB_CONCURRENCY: String(processes),
    },
    stdio: ["ignore", "pipe", "inherit"],
  });
  let reclassified = false;
  let partial = "";
  child.stdout.setEncoding("utf8").on("data", (chunk) => {
    partial += chunk;
    const lines = partial.split("\n");
    partial = lines.pop() ?? "";
    // The start-up pass either runs or, when the store's items were last classified under the
    // same rules (the second start on this store), logs that it skipped: either way it is over.
    for (const line of lines) if (/"msg":"stored items reclassif(ied|ication skipped)/.test(line)) reclassified = true;
  });
  const closed = new Promise((resolve) => child.once("close", resolve));
  const stop = async () => {
    child.kill("SIGTERM");
    await closed;
  };
  let exited = false;
  void closed.then(() => (exited = true));
  let servers = 0;
  for (let attempt = 0; attempt < 1200 && !exited; attempt++) {
    try {
      const status = JSON.parse((await get(`${address}/status.json`)).body.toString("utf8"));
      servers = status.processes?.list.filter((info) => info.role === "server").length ?? 1;
      if (servers === processes && reclassified) return { address, stop };
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  await stop();
  throw new Error(
    `bench: serve with WEB_CONCURRENCY=${processes} did not start (${exited ? "it exited; " : ""}` +
      `${servers} of ${processes} servers listed, start-up reclassification ${reclassified ? "over" : "not logged"})`,
  );
}

const FIXED_BYTES = `bare node:net ×${CORES}, fixed bytes`;

/** A response as received, as one HTTP/1.1 message again: status line, fields as sent, body. */
function wholeResponse(response) {
  // wrk keeps its connections open: an answer saying close would make the reference reconnect each time.
  if (response.headers.connection !== "keep-alive") throw new Error("bench: the captured answer does not keep alive");
  let head = `HTTP/1.1 ${response.status} ${response.statusMessage}\r\n`;
  for (let index = 0; index + 1 < response.rawHeaders.length; index += 2) {
    head += `${response.rawHeaders[index]}: ${response.rawHeaders[index + 1]}\r\n`;
  }
  return Buffer.concat([Buffer.from(`${head}\r\n`, "latin1"), response.body]);
}

async function startFixedBytes(processes, responseFile) {
  const child = spawn(
    process.execPath,
    [path.join(ROOT, "bench/fixed-bytes-server.mjs"), String(processes), responseFile],
    {
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  const closed = new Promise((resolve) => child.once("close", resolve));
  const port = await new Promise((resolve, reject) => {
    child.stdout.setEncoding("utf8").once("data", (line) => resolve(Number(line.trim())));
    child.once("exit", (code) => reject(new Error(`bench: fixed-bytes-server exited (${code})`)));
  });
  return {
    url: `http://127.0.0.1:${port}${HOT_FEED}`,
    stop: async () => {
      child.kill("SIGTERM");
      await closed;
    },
  };
}

async function loadTests(scratch, databaseUrl) {
  const first = await startServeCommand(scratch, databaseUrl, 1);
  const url = `${first.address}${HOT_FEED}`;
  const identity = await checkScenario(url, {}, 200);
  const gzip = await checkScenario(url, { "Accept-Encoding": "gzip" }, 200);
  const etag = identity.headers.etag;
  await checkScenario(url, { "If-None-Match": etag }, 304);

  const root = path.join(scratch, "static");
  await mkdir(path.join(root), { recursive: true });
  await chmod(scratch, 0o755);
  await writeFile(path.join(root, "world.rss"), identity.body);
  await writeFile(path.join(root, "world.rss.gz"), gzip.body);

  const scenarios = [
    { name: "cached 200, identity", headers: {}, status: 200, nginxBody: identity.body },
    { name: "cached 200, gzip", headers: { "Accept-Encoding": "gzip" }, status: 200, nginxBody: gzip.body },
    { name: "304 (If-None-Match)", headers: { "If-None-Match": etag }, status: 304 },
  ];
  // The service's own answers, byte for byte, for the fixed-bytes reference below.
  const answers = new Map();
  for (const scenario of scenarios) {
    answers.set(scenario.name, wholeResponse(await get(url, scenario.headers, { keepAlive: true })));
  }
  const results = [];
  for (const processes of [1, CORES]) {
    const service = processes === 1 ? first : await startServeCommand(scratch, databaseUrl, processes);
    const serviceUrl = `${service.address}${HOT_FEED}`;
    try {
      // The same bytes from every process (each renders its own copy), then a JIT warm-up per path.
      for (let round = 0; round < processes * 2; round++) {
        for (const scenario of scenarios)
          await checkScenario(serviceUrl, scenario.headers, scenario.status, scenario.nginxBody);
      }
      for (const scenario of scenarios) await runWrk(serviceUrl, scenario.headers, 2);
      for (const scenario of scenarios) {
        results.push({
          scenario: scenario.name,
          server: `service WEB_CONCURRENCY=${processes}`,
          ...(await runWrk(serviceUrl, scenario.headers)),
        });
      }
    } finally {
      await service.stop();
    }
    if (CORES === 1) break;
  }
  // The ceiling for any Node server: as many processes as the service, writing the service's
  // answer for every request head without reading it (bench/fixed-bytes-server.mjs).
  for (const scenario of scenarios) {
    const file = path.join(scratch, "fixed-answer.http");
    await writeFile(file, answers.get(scenario.name));
    const fixed = await startFixedBytes(CORES, file);
    try {
      await runWrk(fixed.url, scenario.headers, 2); // warm-up, as the service had
      results.push({ scenario: scenario.name, server: FIXED_BYTES, ...(await runWrk(fixed.url, scenario.headers)) });
    } finally {
      await fixed.stop();
    }
  }
  for (const workers of ["1", "auto"]) {
    const port = await freePort();
    const nginx = await startNginx(workers, root, port);
    try {
      const staticUrl = `http://127.0.0.1:${port}/world.rss`;
      const nginxEtag = (await get(staticUrl)).headers.etag;
      for (const scenario of scenarios) {
        const headers = scenario.status === 304 ? { "If-None-Match": nginxEtag } : scenario.headers;
        await checkScenario(staticUrl, headers, scenario.status, scenario.nginxBody);
        results.push({
          scenario: scenario.name,
          server: `nginx worker_processes ${workers}`,
          ...(await runWrk(staticUrl, headers)),
        });
      }
    } finally {
      await nginx.stop();
    }
  }
  return { results, bytes: { identity: identity.body.length, gzip: gzip.body.length } };
}

function printLoadTable({ results, bytes }) {
  console.log(
    `\n### HTTP: ${HOT_FEED} (${bytes.identity} B identity, ${bytes.gzip} B gzip), wrk -t${THREADS} -c${CONNECTIONS} -d${DURATION}s\n`,
  );
  console.log("| scenario | server | req/s | p99 latency | errors |");
  console.log("| --- | --- | ---: | ---: | ---: |");
  for (const row of results) {
    console.log(`| ${row.scenario} | ${row.server} | ${int(row.rps)} | ${row.p99.toFixed(2)} ms | ${row.errors} |`);
  }
  // Issue 12's goal compares the default service (a process per core) with nginx's default (auto).
  const find = (scenario, server) => results.find((row) => row.scenario === scenario && row.server === server);
  // The last column is the ceiling: what a Node server that parses nothing reaches against nginx.
  console.log(
    `\n| scenario | service ÷ nginx, both defaults (${CORES} processes ÷ auto) | 1 process ÷ worker_processes 1 | ${FIXED_BYTES} ÷ nginx auto |`,
  );
  console.log("| --- | ---: | ---: | ---: |");
  for (const scenario of new Set(results.map((row) => row.scenario))) {
    const ratio = (ours, theirs) => (ours && theirs ? (ours.rps / theirs.rps).toFixed(2) : "n/a");
    const nginxAuto = find(scenario, "nginx worker_processes auto");
    console.log(
      `| ${scenario} | ${ratio(find(scenario, `service WEB_CONCURRENCY=${CORES}`), nginxAuto)} | ${ratio(find(scenario, "service WEB_CONCURRENCY=1"), find(scenario, "nginx worker_processes 1"))} | ${ratio(find(scenario, FIXED_BYTES), nginxAuto)} |`,
    );
  }
  console.log("\nCommands:");
  for (const row of results) console.log(`    ${row.command}`);
}

// ---- 5. collect rate -----------------------------------------------------------------------------

async function collectCorpus(config, databaseUrl) {
  const files = (await readdir(CORPUS)).filter((name) => !name.startsWith(".")).sort();
  const sources = files.map((file, i) => ({
    id: `corpus-${i}`,
    kind: "feed",
    url: pathToFileURL(path.join(CORPUS, file)).href,
    schedule: { every: 600_000 },
    categories: [],
    enabled: true,
    // Corpus feeds are years old; keep everything so the count measures collecting, not pruning.
    retention: { maxItemsPerSource: 100_000, maxAgeMs: 100 * 365 * 86_400_000 },
  }));
  const store = await openStore(databaseUrl, { clock: Date.now });
  const deps = {
    store,
    collectors: COLLECTORS,
    classify: compileClassifier(config.categories),
    clock: Date.now,
    // The corpus lives outside CONFIG_DIR: allowed here as ops would with defaults.fetch.allowed_file_dirs.
    fetchOptions: { ...config.fetch, fileRoots: [...(config.fetch.fileRoots ?? []), CORPUS] },
    backoff: DEFAULT_BACKOFF,
    random: Math.random,
    logger,
  };
  const { ms: took, result } = await timed(async () => {
    const results = [];
    for (const source of sources) results.push(await collectSource(source, deps, { force: true }));
    return results;
  });
  await store.close();
  const inserted = result.reduce((sum, run) => sum + run.inserted, 0);
  const failed = result.filter((run) => !run.ok).length;
  return { took, inserted, files: files.length, failed };
}

async function collectRate(config, scratch) {
  // The first pass warms the JIT and the file cache; the second, into a fresh store, is reported.
  const warm = await collectCorpus(config, `sqlite:${path.join(scratch, "collect-warm.db")}`);
  const run = await collectCorpus(config, `sqlite:${path.join(scratch, "collect.db")}`);
  record(
    `collect ${run.files} corpus feeds (file: sources)`,
    `${int(run.inserted / (run.took / 1000))} items/s`,
    `${int(run.inserted)} items in ${ms(run.took)} (${int(run.files / (run.took / 1000))} feeds/s; fetch+parse+normalize+classify+commitRun+prune, sequential); ${run.failed} feeds failed; first (cold) pass ${int(warm.inserted / (warm.took / 1000))} items/s`,
  );
}

// ---- main ----------------------------------------------------------------------------------------

async function writeConfig(dir) {
  await copyFile(path.join(ROOT, "config/categories.yaml"), path.join(dir, "categories.yaml"));
  await writeFile(
    path.join(dir, "sources.yaml"),
    // Disabled: the served processes run the worker, and the load should meet nothing else.
    `sources:\n${CATEGORIES.map((slug) => `  - { id: bench-${slug}, kind: feed, url: https://bench.example.org/${slug}.xml, every: 10m, categories: [${slug}], enabled: false }\n`).join("")}`,
  );
  const loaded = await loadConfig(dir, await readProduct());
  if (!loaded.ok) throw new Error(`bench: config rejected: ${JSON.stringify(loaded.problems)}`);
  return loaded.config;
}

function printMachine() {
  const cpus = os.cpus();
  const nginx = has("nginx") ? spawnSync("nginx", ["-v"], { encoding: "utf8" }).stderr.trim() : "nginx missing";
  const wrk = has("wrk") ? spawnSync("wrk", ["-v"], { encoding: "utf8" }).stdout.split("\n")[0].trim() : "wrk missing";
  console.log(`## Benchmark (${new Date().toISOString()})\n`);
  console.log(
    `Machine: ${cpus.length} × ${cpus[0]?.model ?? "unknown CPU"}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM, ${os.type()} ${os.release()}; Node ${process.version}; ${nginx}; ${wrk}.`,
  );
}

async function main() {
  printMachine();
  const scratch = await mkdtemp(path.join(os.tmpdir(), "feed-bench-"));
  try {
    const config = await writeConfig(scratch);
    const databaseUrl = `sqlite:${path.join(scratch, "bench.db")}`;
    await seed(databaseUrl);
    const service = await startService(
      {
        port: 0,
        host: "127.0.0.1",
        baseUrl: BASE_URL,
        configDir: scratch,
        database: parseDatabaseUrl(databaseUrl),
        feedsDir: path.join(scratch, "feeds"),
        logLevel: "silent",
      },
      { config, loadedAt: Date.now(), warnings: [] },
      { clock: Date.now, logger, runWorker: false },
    );
    try {
      await service.snapshots.idle();
      await coldRender(service.runtime);
    } finally {
      await service.stop();
    }
    let load;
    if (has("wrk") && has("nginx")) {
      load = await loadTests(scratch, databaseUrl);
    } else {
      record("HTTP load", "skipped", "install wrk and nginx (Debian: apt-get install -y wrk nginx)");
    }
    await collectRate(config, scratch);
    console.log("\n| measurement | value | notes |\n| --- | ---: | --- |");
    for (const row of rows) console.log(`| ${row.what} | ${row.value} | ${row.notes} |`);
    if (load) printLoadTable(load);
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

await main();
