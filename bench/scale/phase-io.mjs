/**
 * What the stored-items and WebSub phases of the scale bench share: the built code, a silent
 * service config, timing and memory helpers, and the result file in the agreed schema that
 * bench/scale/report.mjs renders.
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";

export const ROOT = path.resolve(import.meta.dirname, "../..");
export const QUICK = process.env.SCALE_QUICK === "1";
export const CATEGORIES = ["world", "technology", "morocco-economy"];
export const BASE_URL = "http://127.0.0.1:8080";

/** A module of the built service (run `npm run build` first). */
export const dist = (file) => import(pathToFileURL(path.join(ROOT, "dist", file)).href);
const { parseDatabaseUrl } = await dist("urls/database-url.js");

export const progress = (phase, message) => console.error(`[scale:${phase}] ${message}`);

export const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

export const round = (value, digits = 1) => Number(value.toFixed(digits));

export async function timed(fn) {
  const start = performance.now();
  const result = await fn();
  return { ms: performance.now() - start, result };
}

export const MiB = (bytes) => bytes / 2 ** 20;

/** Peak resident set of this process so far (Linux VmHWM), in MiB. */
export function peakRssMiB() {
  const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync("/proc/self/status", "utf8"));
  return match ? Number(match[1]) / 1024 : MiB(process.memoryUsage().rss);
}

export function machine() {
  const cpus = os.cpus();
  const [one, five] = os.loadavg();
  return `${cpus.length} × ${cpus[0]?.model ?? "unknown CPU"}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM, Node ${process.version}; load average ${one.toFixed(2)} (1 min), ${five.toFixed(2)} (5 min) at the start`;
}

export const loadAverage = () => os.loadavg()[0].toFixed(2);

/** Runs `node script ...args` and resolves with the JSON it prints on stdout (progress goes to stderr). */
export function runJsonChild(script, args) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.on("data", (chunk) => (out += chunk));
    child.on("error", reject);
    child.on("close", (code) =>
      code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`scale: ${path.basename(script)} exited ${code}`)),
    );
  });
}

/** Settings for a service on 127.0.0.1:0 over this store and config, logging nothing. */
export function benchSettings(scratch, databaseUrl, configDir) {
  return {
    port: 0,
    host: "127.0.0.1",
    baseUrl: BASE_URL,
    configDir,
    database: parseDatabaseUrl(databaseUrl),
    feedsDir: path.join(scratch, "feeds"),
    logLevel: "silent",
  };
}

/**
 * Writes bench/results/scale-PHASE.json (the schema bench/scale/report.mjs reads). Phases call it
 * after each size, so an interrupted run keeps the sizes it finished.
 */
export async function writePhase(result) {
  const dir = path.join(ROOT, "bench/results");
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, `scale-${result.phase}.json`);
  await writeFile(file, `${JSON.stringify({ ...result, at: new Date().toISOString() }, null, 2)}\n`);
  progress(result.phase, `wrote ${path.relative(ROOT, file)}`);
}
