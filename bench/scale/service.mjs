#!/usr/bin/env node
/**
 * The service of the latency phase, in its own process: `node bench/scale/service.mjs CONFIG_DIR
 * DATABASE_URL FEEDS_DIR`, forked with an IPC channel. It is `serve` (startService from dist/,
 * the parse pool started as the serve command does) with the scheduler off, so the bench decides
 * when a pass runs: `runAll` is the same worker, limiter and after-run hooks (render cache,
 * snapshot, WebSub) a scheduled pass uses, on the serving thread.
 *
 *   child → { ready: true, address }
 *   parent → { cmd: "pass" } → { ms, sources, failed, firstError, inserted, notModified }
 */
import { setImmediate } from "node:timers";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";
import pino from "pino";
import { ROOT, serveParent } from "./common.mjs";

const dist = (file) => import(pathToFileURL(path.join(ROOT, "dist", file)).href);
const { loadConfig } = await dist("config/config.js");
const { parseDatabaseUrl } = await dist("urls/database-url.js");
const { readProduct } = await dist("app/product.js");
const { startService } = await dist("app/service.js");
const { startParsePool } = await dist("app/parse-threads.js");

const [configDir, databaseUrl, feedsDir] = process.argv.slice(2);
const logger = pino({ level: "silent" });
const loaded = await loadConfig(configDir, await readProduct());
if (!loaded.ok) throw new Error(`service: config rejected: ${JSON.stringify(loaded.problems.slice(0, 3))}`);
const service = await startService(
  {
    port: 0,
    host: "127.0.0.1",
    baseUrl: "http://127.0.0.1:8080",
    configDir,
    database: parseDatabaseUrl(databaseUrl),
    feedsDir,
    logLevel: "silent",
    webConcurrency: 1,
  },
  { config: loaded.config, loadedAt: Date.now(), warnings: [] },
  {
    clock: Date.now,
    logger,
    runWorker: false,
    watchConfig: false,
    parsePool: startParsePool(loaded.config, logger),
    // SCALE_SERVE_HTTP=0: the collector of the default layout, serving nothing (servers.mjs serves).
    serveHttp: process.env.SCALE_SERVE_HTTP !== "0",
  },
);
await service.snapshots.idle();

serveParent({
  async pass() {
    const start = performance.now();
    const results = await service.runtime.worker.runAll();
    const ms = performance.now() - start;
    const failed = results.filter((result) => !result.ok);
    return {
      ms,
      sources: results.length,
      failed: failed.length,
      firstError: failed[0]?.error,
      inserted: results.reduce((sum, result) => sum + result.inserted, 0),
      notModified: results.filter((result) => result.notModified).length,
    };
  },
  async close() {
    await service.stop();
    setImmediate(() => process.exit(0));
    return {};
  },
});
process.send({ ready: true, address: service.address });
