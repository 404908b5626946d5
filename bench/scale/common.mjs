/**
 * Helpers the scale bench's phases share: forked children spoken to by messages, the bench config
 * written for N simulated sources, the machine line, memory peaks, percentiles, the result file.
 */
import { clearTimeout } from "node:timers";
import { fork } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { copyFile, mkdir, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";

export const ROOT = path.resolve(import.meta.dirname, "../..");
export const RESULTS = path.join(ROOT, "bench/results");
export const QUICK = process.env.SCALE_QUICK === "1";
export const CATEGORIES = ["world", "technology", "morocco-economy"];

/**
 * A forked child that answers each message with one message, in order. `ready` resolves with the
 * child's first message; `ask(message)` with the answer to that message.
 */
export function startChild(script, args, options = {}) {
  const child = fork(script, args, { stdio: ["ignore", "inherit", "inherit", "ipc"], ...options });
  const waiting = [];
  let failed;
  const closed = new Promise((resolve) => child.once("exit", resolve));
  const ready = new Promise((resolve, reject) => {
    waiting.push({ resolve, reject });
    child.once("exit", (code, signal) => {
      failed = new Error(`scale: ${path.basename(script)} exited (${code ?? signal})`);
      for (const pending of waiting.splice(0)) pending.reject(failed);
    });
  });
  child.on("message", (message) => {
    const next = waiting.shift();
    if (!next) return;
    if (message.error !== undefined) next.reject(new Error(`scale: ${path.basename(script)}: ${message.error}`));
    else next.resolve(message);
  });
  return {
    pid: child.pid,
    ready,
    ask(message) {
      if (failed) return Promise.reject(failed);
      return new Promise((resolve, reject) => {
        waiting.push({ resolve, reject });
        child.send(message);
      });
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        if (child.connected) child.send({ cmd: "close" });
        const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
        await closed;
        clearTimeout(timer);
      }
    },
  };
}

/** Answers the parent's messages with `handlers[message.cmd](message)`; errors go back as `{ error }`. */
export function serveParent(handlers) {
  process.on("message", (message) => {
    const handler = handlers[message.cmd];
    Promise.resolve()
      .then(() => (handler ? handler(message) : Promise.reject(new Error(`unknown command ${message.cmd}`))))
      .then(
        (answer) => process.send({ ok: true, ...answer }),
        (error) => process.send({ error: error instanceof Error ? (error.stack ?? error.message) : String(error) }),
      );
  });
  process.on("disconnect", () => process.exit(0));
}

/**
 * CONFIG_DIR for N upstream feeds: the shipped categories, and one source per URL, every 10
 * minutes, each pinned to one category round-robin so new items reach the category feeds whatever
 * their words. `worker` is the config's `worker:` block (concurrency, per_host).
 */
export async function writeBenchConfig(dir, urls, worker = {}) {
  await mkdir(dir, { recursive: true });
  await copyFile(path.join(ROOT, "config/categories.yaml"), path.join(dir, "categories.yaml"));
  const workerBlock = Object.keys(worker).length
    ? `worker:\n${Object.entries(worker)
        .map(([key, value]) => `  ${key}: ${value}\n`)
        .join("")}`
    : "";
  const lines = urls.map(
    (url, i) =>
      `  - { id: s${String(i).padStart(5, "0")}, kind: feed, url: "${url}", every: 10m, categories: [${CATEGORIES[i % CATEGORIES.length]}] }\n`,
  );
  await writeFile(path.join(dir, "sources.yaml"), `${workerBlock}sources:\n${lines.join("")}`);
}

export function machine() {
  const cpus = os.cpus();
  const [one, five] = os.loadavg();
  return `${cpus.length} × ${cpus[0]?.model ?? "unknown CPU"}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM, Node ${process.version}; load average ${one.toFixed(2)} (1 min), ${five.toFixed(2)} (5 min) at the start`;
}

/** Peak resident set of this process since start or the last reset (Linux VmHWM), in MiB. */
export function peakRssMiB() {
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync("/proc/self/status", "utf8"));
    if (match) return Number(match[1]) / 1024;
  } catch {
    // not Linux: fall through
  }
  return process.memoryUsage().rss / 2 ** 20;
}

/** Resets VmHWM to the current RSS (Linux ≥ 4.0: `5` > clear_refs); false when it cannot. */
export function resetPeakRss() {
  try {
    writeFileSync("/proc/self/clear_refs", "5");
    return true;
  } catch {
    return false;
  }
}

export function percentile(sorted, p) {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank];
}

export const median = (values) =>
  percentile(
    [...values].sort((a, b) => a - b),
    50,
  );

export const round = (value, digits = 1) => Number(value.toFixed(digits));

/** Writes bench/results/scale-PHASE.json (the schema report.mjs documents). */
export async function writeResult(result) {
  await mkdir(RESULTS, { recursive: true });
  const file = path.join(RESULTS, `scale-${result.phase}.json`);
  await writeFile(file, `${JSON.stringify(result, null, 2)}\n`);
  return file;
}

export const log = (text) => console.log(`[scale ${new Date().toISOString().slice(11, 19)}] ${text}`);
