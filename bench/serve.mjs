#!/usr/bin/env node
/**
 * `node bench/serve.mjs CONFIG_DIR DATABASE_URL FEEDS_DIR`: the built service (dist/) on
 * 127.0.0.1, port 0, worker off, in a process of its own as in production. Prints
 * `{ "address": "http://127.0.0.1:PORT" }` once listening; stops cleanly on SIGTERM.
 * bench/run.mjs loads it with wrk, so the bench's own heap (seeding, cold renders) stays out of it.
 */
import path from "node:path";
import { pathToFileURL } from "node:url";
import pino from "pino";

const ROOT = path.resolve(import.meta.dirname, "..");
const dist = (file) => import(pathToFileURL(path.join(ROOT, "dist", file)).href);
const { loadConfig } = await dist("config/config.js");
const { parseDatabaseUrl } = await dist("urls/database-url.js");
const { readProduct } = await dist("app/product.js");
const { startService } = await dist("app/service.js");

const [configDir, databaseUrl, feedsDir] = process.argv.slice(2);
if (configDir === undefined || databaseUrl === undefined || feedsDir === undefined) {
  console.error("usage: node bench/serve.mjs CONFIG_DIR DATABASE_URL FEEDS_DIR");
  process.exit(2);
}
const loaded = await loadConfig(configDir, await readProduct());
if (!loaded.ok) {
  console.error(`bench/serve: config rejected: ${JSON.stringify(loaded.problems)}`);
  process.exit(1);
}
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
  { clock: Date.now, logger: pino({ level: "silent" }), runWorker: false },
);
await service.snapshots.idle();
console.log(JSON.stringify({ address: service.address }));
process.once("SIGTERM", () => {
  service.stop().then(
    () => process.exit(0),
    (error) => {
      console.error(error);
      process.exit(1);
    },
  );
});
