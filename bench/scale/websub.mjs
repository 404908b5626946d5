#!/usr/bin/env node
/**
 * Scale bench, WebSub phase (issue 12 §2): 100 → 1,000 → 10,000 subscribers on one feed topic of
 * the built service (dist/), all on loopback.
 *
 * Per size, a fresh service process (startService, leading, so its hub delivers) with the hub's
 * caps raised in its config (websub.max_subscriptions, max_subscriptions_per_host,
 * allow_private_callbacks). This process runs the subscribers: one node:http server per callback
 * host (127.0.0.1, 127.0.0.2, …: loopback addresses the hub counts as distinct hosts), a
 * distinct callback path per subscriber, each echoing hub.challenge (verification of intent) and
 * counting deliveries. Every subscriber subscribes through POST /websub with a secret; once the
 * store holds them all, one new item is committed to the feed's category and the change hooks run,
 * as after a collect. Measured: subscribing rate, time from the change until the last delivery
 * arrives, deliveries/s, and the service process's memory. Writes bench/results/scale-websub.json.
 * Env: SCALE_QUICK=1 (small sizes), SCALE_SUBSCRIBERS (comma-separated), SCALE_WEBSUB_HOSTS
 * (callback hosts, default 100: an aggregator-sized spread; 1 puts everyone behind the per-host limit).
 */
import { Buffer } from "node:buffer";
import { fork } from "node:child_process";
import { createServer, request } from "node:http";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { setImmediate } from "node:timers";
import { URLSearchParams } from "node:url";
import {
  BASE_URL,
  CATEGORIES,
  QUICK,
  benchSettings,
  dist,
  loadAverage,
  machine,
  MiB,
  peakRssMiB,
  progress,
  round,
  writePhase,
} from "./phase-io.mjs";

const SIZES = (process.env.SCALE_SUBSCRIBERS ?? (QUICK ? "20,100" : "100,1000,10000")).split(",").map(Number);
const HOSTS = Number(process.env.SCALE_WEBSUB_HOSTS ?? 100);
const TOPIC = `${BASE_URL}/feeds/world.rss`;
/** Subscription requests in flight at once (the hub answers 429 beyond 100 pending verifications). */
const SUBSCRIBE_CONCURRENCY = 16;
const DEADLINE_MS = 300_000;
const say = (message) => progress("websub", message);

// ---- the service child -------------------------------------------------------------------------

async function serviceChild(scratch, subscribers, hosts) {
  const { loadConfig } = await dist("config/config.js");
  const { readProduct } = await dist("app/product.js");
  const { startService } = await dist("app/service.js");
  const { default: pino } = await import("pino");
  const configDir = path.join(scratch, "config");
  await mkdir(configDir, { recursive: true });
  await writeFile(
    path.join(configDir, "categories.yaml"),
    `categories:\n${CATEGORIES.map((slug) => `  - { slug: ${slug}, title: ${slug}, description: Bench ${slug}, match: [{ sources: [bench-${slug}] }] }\n`).join("")}`,
  );
  // No sources: the worker runs (this instance leads and delivers) but fetches nothing.
  await writeFile(
    path.join(configDir, "sources.yaml"),
    `websub:\n  allow_private_callbacks: true\n  max_subscriptions: ${subscribers}\n  max_subscriptions_per_host: ${Math.ceil(subscribers / hosts)}\nsources: []\n`,
  );
  const loaded = await loadConfig(configDir, await readProduct());
  if (!loaded.ok) throw new Error(`scale: config rejected: ${JSON.stringify(loaded.problems)}`);
  const databaseUrl = `sqlite:${path.join(scratch, "store.db")}`;
  const service = await startService(
    benchSettings(scratch, databaseUrl, configDir),
    { config: loaded.config, loadedAt: Date.now(), warnings: [] },
    { clock: Date.now, logger: pino({ level: "silent" }), runWorker: true, watchConfig: false },
  );
  const { runtime } = service;
  let serial = 0;
  const commit = async (count) => {
    const now = Date.now();
    const items = Array.from({ length: count }, () => {
      const n = serial++;
      return {
        id: `https://bench.example.org/world/${n}`,
        sourceId: "bench-world",
        kind: "article",
        url: `https://bench.example.org/world/${n}`,
        title: `World story ${n}`,
        summary: `Summary of world story ${n}, as an upstream feed would carry it.`,
        contentHtml: `<p>Body of world story ${n}.</p>`,
        authors: [{ name: "Bench Reporter" }],
        tags: ["world"],
        enclosures: [],
        published: now - (count - n) * 1000,
        categories: ["world"],
      };
    });
    const result = await runtime.store.commitRun({ sourceId: "bench-world", at: now }, items, now);
    runtime.notifyChange(result);
    return items.at(-1).title;
  };
  const memory = () => ({ rss: MiB(process.memoryUsage().rss), peak: peakRssMiB() });
  const handlers = {
    // A feed of 50 items before anyone subscribes (its change reaches nobody).
    prepare: async () => ({ title: await commit(50), address: service.address, memory: memory() }),
    count: async () => ({ count: (await runtime.store.listSubscriptions(TOPIC, Date.now())).length }),
    memory: async () => ({ memory: memory() }),
    // Linux: VmHWM back to the current RSS, so the next peak is the delivery's.
    resetPeak: async () => {
      writeFileSync("/proc/self/clear_refs", "5");
      return { memory: memory() };
    },
    change: async () => ({ title: await commit(1) }),
    stop: async () => {
      await service.stop();
      setImmediate(() => process.exit(0));
      return {};
    },
  };
  process.on("message", (message) => {
    handlers[message.cmd]().then(
      (answer) => process.send({ ...answer }),
      (error) => process.send({ error: String(error?.stack ?? error) }),
    );
  });
  process.send({ ready: true });
}

// ---- the subscribers (this process) ------------------------------------------------------------

function startChild(scratch, subscribers) {
  const child = fork(import.meta.filename, ["--service", scratch, String(subscribers), String(HOSTS)], {
    stdio: ["ignore", "inherit", "inherit", "ipc"],
    // SCALE_CPU_PROF=DIR: a CPU profile of the service (node --cpu-prof) for each size.
    execArgv: process.env.SCALE_CPU_PROF ? ["--cpu-prof", `--cpu-prof-dir=${process.env.SCALE_CPU_PROF}`] : [],
  });
  const waiting = [];
  child.on("message", (message) => {
    const next = waiting.shift();
    if (message.error) next?.reject(new Error(`scale: websub service: ${message.error}`));
    else next?.resolve(message);
  });
  child.on("exit", (code) => {
    for (const pending of waiting.splice(0)) pending.reject(new Error(`scale: websub service exited ${code}`));
  });
  const next = () => new Promise((resolve, reject) => waiting.push({ resolve, reject }));
  return {
    ready: next(),
    ask: (cmd) => {
      const answer = next();
      child.send({ cmd });
      return answer;
    },
    kill: () => child.kill("SIGKILL"),
  };
}

/** One callback server per loopback host; `deliveries` counts POSTs per callback path. */
async function startSubscribers(hostCount) {
  const state = { verified: 0, deliveries: new Map(), last: 0, first: 0, wanted: "", wrong: 0, onDelivery: () => {} };
  const servers = [];
  for (let h = 0; h < hostCount; h++) {
    const server = createServer((req, res) => {
      const url = new URL(req.url, "http://callback");
      if (req.method === "GET") {
        state.verified++;
        res.writeHead(200, { "Content-Type": "text/plain" }).end(url.searchParams.get("hub.challenge") ?? "");
        return;
      }
      const chunks = [];
      req.on("data", (chunk) => chunks.push(chunk));
      req.on("end", () => {
        const at = performance.now();
        state.first ||= at;
        state.last = at;
        if (!Buffer.concat(chunks).toString("utf8").includes(state.wanted)) state.wrong++;
        state.deliveries.set(url.pathname, (state.deliveries.get(url.pathname) ?? 0) + 1);
        res.writeHead(204).end();
        state.onDelivery();
      });
    });
    const host = `127.0.0.${h + 1}`;
    await new Promise((resolve) => server.listen(0, host, resolve));
    servers.push({ server, base: `http://${host}:${server.address().port}` });
  }
  return {
    state,
    callback: (i) => `${servers[i % hostCount].base}/cb/${i}`,
    close: () => Promise.all(servers.map(({ server }) => new Promise((resolve) => server.close(resolve)))),
  };
}

function post(url, form) {
  return new Promise((resolve, reject) => {
    const body = new URLSearchParams(form).toString();
    const req = request(
      url,
      { method: "POST", agent: false, headers: { "Content-Type": "application/x-www-form-urlencoded" } },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode));
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

async function subscribeAll(hubUrl, subscribers, count) {
  let next = 0;
  async function lane() {
    while (next < count) {
      const i = next++;
      for (;;) {
        const status = await post(hubUrl, {
          "hub.mode": "subscribe",
          "hub.topic": TOPIC,
          "hub.callback": subscribers.callback(i),
          "hub.secret": `secret-${i}`,
        });
        if (status === 202) break;
        if (status !== 429) throw new Error(`scale: subscribing ${i} answered ${status}`);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
  }
  await Promise.all(Array.from({ length: SUBSCRIBE_CONCURRENCY }, lane));
}

async function until(what, check) {
  const deadline = performance.now() + DEADLINE_MS;
  while (!(await check())) {
    if (performance.now() > deadline) throw new Error(`scale: gave up waiting for ${what}`);
    // Each look lists the topic's subscriptions in the service: not so often that it loads it.
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

async function measureSize(count) {
  const scratch = await mkdtemp(path.join(os.tmpdir(), "scale-websub-"));
  const hostCount = Math.min(HOSTS, count);
  const subscribers = await startSubscribers(hostCount);
  const child = startChild(scratch, count);
  try {
    await child.ready;
    const prepared = await child.ask("prepare");
    const hubUrl = `${prepared.address}/websub`;
    const subscribeStart = performance.now();
    await subscribeAll(hubUrl, subscribers, count);
    await until("every subscription to be verified and stored", async () => (await child.ask("count")).count >= count);
    const subscribeMs = performance.now() - subscribeStart;
    const subscribed = (await child.ask("resetPeak")).memory;

    const { state } = subscribers;
    state.wanted = `World story ${50}`; // the title the change adds
    const allDelivered = new Promise((resolve) => {
      state.onDelivery = () => state.deliveries.size >= count && resolve();
    });
    const changeAt = performance.now();
    const { title } = await child.ask("change");
    if (title !== state.wanted) throw new Error(`scale: the change added ${title}, expected ${state.wanted}`);
    await Promise.race([
      allDelivered,
      new Promise((_, reject) =>
        setTimeout(
          () => reject(new Error(`scale: ${state.deliveries.size} of ${count} deliveries in time`)),
          DEADLINE_MS,
        ).unref(),
      ),
    ]);
    const delivered = (await child.ask("memory")).memory;
    const extra = [...state.deliveries.values()].filter((n) => n > 1).length;
    return {
      subscribe_per_s: Math.round(count / (subscribeMs / 1000)),
      first_delivery_ms: round(state.first - changeAt, 1),
      last_delivery_ms: Math.round(state.last - changeAt),
      deliveries_per_s: Math.round(count / ((state.last - changeAt) / 1000)),
      rss_idle_mib: round(prepared.memory.rss),
      rss_subscribed_mib: round(subscribed.rss),
      peak_delivery_mib: round(delivered.peak),
      callback_hosts: hostCount,
      duplicate_deliveries: extra,
      stale_deliveries: state.wrong,
    };
  } finally {
    await child.ask("stop").catch(() => child.kill());
    await subscribers.close();
    await rm(scratch, { recursive: true, force: true });
  }
}

async function main() {
  const machineLine = machine();
  const started = performance.now();
  const rows = [];
  for (const count of SIZES) {
    say(`${count} subscribers over ${Math.min(HOSTS, count)} callback hosts (load ${loadAverage()})`);
    const values = await measureSize(count);
    rows.push({ x: count, values: { ...values, load_1m: Number(loadAverage()) } });
    say(`${count}: ${JSON.stringify(values)}`);
    await writePhase(result(rows, machineLine, performance.now() - started));
  }
}

function result(rows, machineLine, tookMs) {
  const largest = rows.at(-1);
  return {
    phase: "websub",
    title: "WebSub: one change to a feed with many subscribers (loopback callbacks)",
    x: { name: "subscribers", label: "subscribers on one topic" },
    rows,
    columns: {
      subscribe_per_s: { label: "subscriptions verified and stored", unit: "/s" },
      first_delivery_ms: { label: "change → first delivery", unit: "ms" },
      last_delivery_ms: { label: "change → last delivery", unit: "ms" },
      deliveries_per_s: { label: "deliveries", unit: "/s" },
      rss_idle_mib: { label: "service RSS before subscriptions", unit: "MiB" },
      rss_subscribed_mib: { label: "service RSS once subscribed", unit: "MiB" },
      peak_delivery_mib: { label: "service peak RSS during delivery", unit: "MiB" },
      callback_hosts: { label: "callback hosts (127.0.0.x)", unit: "" },
      duplicate_deliveries: { label: "callbacks delivered to more than once", unit: "" },
      stale_deliveries: { label: "deliveries without the new item", unit: "" },
      load_1m: { label: "load average (1 min) after the size", unit: "" },
    },
    plots: [
      { title: "Change → last delivery", columns: ["first_delivery_ms", "last_delivery_ms"], logX: true },
      { title: "Service memory", columns: ["rss_idle_mib", "rss_subscribed_mib", "peak_delivery_mib"], logX: true },
    ],
    goals: [
      {
        text: `every one of ${largest.x.toLocaleString("en-US")} subscribers gets the change once, with the new item`,
        met: largest.values.duplicate_deliveries === 0 && largest.values.stale_deliveries === 0,
        value: `last delivery after ${largest.values.last_delivery_ms} ms (${largest.values.deliveries_per_s}/s)`,
      },
    ],
    notes: [
      `Callbacks spread over ${HOSTS} loopback hosts (SCALE_WEBSUB_HOSTS); the hub sends 8 at a time overall, 2 per host.`,
      "Each subscription has a secret, so each delivery is signed (HMAC-SHA256 of the body); the feed holds 50 items.",
      `The whole phase took ${(tookMs / 1000).toFixed(0)} s.`,
    ],
    machine: machineLine,
  };
}

if (process.argv[2] === "--service") {
  const [, , , scratch, subscribers, hosts] = process.argv;
  await serviceChild(scratch, Number(subscribers), Number(hosts));
} else {
  await main();
}
