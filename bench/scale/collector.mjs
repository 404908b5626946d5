#!/usr/bin/env node
/**
 * The collector of the sources phase, in its own process: `node bench/scale/collector.mjs
 * CONFIG_DIR DATABASE_URL`, forked with an IPC channel. It builds the runtime as `collect` does
 * (dist/app/runtime.js, the parse pool of parse-threads.js) and keeps it between passes, as the
 * service's worker does, so the second pass revalidates with the validators the first stored.
 *
 *   parent → { cmd: "pass" } → { ms, cpuMs, peakRssMiB, sources, failed, notModified, inserted, firstError }
 * `peakRssMiB` is the process's peak resident set during that pass (VmHWM, reset before it);
 * `cpuMs` the process's user + system CPU over the pass, all threads (the parse pool's included).
 */
import { setImmediate } from "node:timers";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";
import pino from "pino";
import { peakRssMiB, resetPeakRss, ROOT, serveParent } from "./common.mjs";

const dist = (file) => import(pathToFileURL(path.join(ROOT, "dist", file)).href);
const { loadConfig } = await dist("config/config.js");
const { parseDatabaseUrl } = await dist("urls/database-url.js");
const { readProduct } = await dist("app/product.js");
const { createRuntime } = await dist("app/runtime.js");
const { startParsePool } = await dist("app/parse-threads.js");

const [configDir, databaseUrl] = process.argv.slice(2);
const logger = pino({ level: "silent" });
const loaded = await loadConfig(configDir, await readProduct());
if (!loaded.ok) throw new Error(`collector: config rejected: ${JSON.stringify(loaded.problems.slice(0, 3))}`);
const settings = {
  port: 0,
  host: "127.0.0.1",
  baseUrl: "http://127.0.0.1:8080",
  configDir,
  database: parseDatabaseUrl(databaseUrl),
  feedsDir: path.join(configDir, "feeds"),
  logLevel: "silent",
};
const runtime = await createRuntime(
  settings,
  { config: loaded.config, loadedAt: Date.now(), warnings: [] },
  Date.now,
  logger,
  { parsePool: startParsePool(loaded.config, logger) },
);

serveParent({
  async pass() {
    const canReset = resetPeakRss();
    const cpu = process.cpuUsage();
    const start = performance.now();
    const results = await runtime.worker.runAll();
    const ms = performance.now() - start;
    const used = process.cpuUsage(cpu);
    const failed = results.filter((result) => !result.ok);
    return {
      ms,
      cpuMs: (used.user + used.system) / 1000,
      peakRssMiB: peakRssMiB(),
      peakSinceStart: !canReset,
      heapUsedMiB: process.memoryUsage().heapUsed / 2 ** 20,
      sources: results.length,
      failed: failed.length,
      firstError: failed[0]?.error,
      notModified: results.filter((result) => result.notModified).length,
      inserted: results.reduce((sum, result) => sum + result.inserted, 0),
    };
  },
  async close() {
    await runtime.close();
    setImmediate(() => process.exit(0));
    return {};
  },
});
process.send({ ready: true });
