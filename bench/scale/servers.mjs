#!/usr/bin/env node
/**
 * The serving side of the latency phase's default layout (issue 12: `serve` with WEB_CONCURRENCY
 * above 1): `node bench/scale/servers.mjs N CONFIG_DIR DATABASE_URL FEEDS_DIR`, forked with an
 * IPC channel. A node:cluster primary with N processes sharing one port, each `startService` from
 * dist/ with no worker, as the serve command's servers run; the passes run in another process
 * (service.mjs with SCALE_SERVE_HTTP=0, like the serve command's collector). The servers learn of
 * changes through the store's change notifications (the serve command's primary also relays a
 * nudge, so there they learn sooner; the renders a change costs are the same).
 *
 *   child → { ready: true, address }
 */
import cluster from "node:cluster";
import { setImmediate } from "node:timers";
import { createServer } from "node:net";
import path from "node:path";
import { pathToFileURL } from "node:url";
import pino from "pino";
import { ROOT, serveParent } from "./common.mjs";

const [count, configDir, databaseUrl, feedsDir] = process.argv.slice(2);

if (cluster.isPrimary) {
  const port = await new Promise((resolve) => {
    const probe = createServer().listen(0, "127.0.0.1", () => {
      const { port: free } = probe.address();
      probe.close(() => resolve(free));
    });
  });
  const workers = Array.from({ length: Number(count) }, () => cluster.fork({ SCALE_SERVER_PORT: String(port) }));
  // Each server also sends the cluster member's heartbeats; only its own `ready` counts here.
  const ready = (worker) => new Promise((resolve) => worker.on("message", (message) => message?.ready && resolve()));
  await Promise.all(workers.map(ready));
  serveParent({
    async close() {
      for (const worker of workers) worker.process.kill("SIGTERM");
      await Promise.all(workers.map((worker) => new Promise((resolve) => worker.once("exit", resolve))));
      setImmediate(() => process.exit(0));
      return {};
    },
  });
  process.send({ ready: true, address: `http://127.0.0.1:${port}` });
} else {
  const dist = (file) => import(pathToFileURL(path.join(ROOT, "dist", file)).href);
  const { loadConfig } = await dist("config/config.js");
  const { parseDatabaseUrl } = await dist("urls/database-url.js");
  const { readProduct } = await dist("app/product.js");
  const { startService } = await dist("app/service.js");
  const { joinCluster, processChannel } = await dist("app/cluster/member.js");
  const logger = pino({ level: "silent" });
  const loaded = await loadConfig(configDir, await readProduct());
  if (!loaded.ok) throw new Error(`servers: config rejected: ${JSON.stringify(loaded.problems.slice(0, 3))}`);
  const service = await startService(
    {
      port: Number(process.env.SCALE_SERVER_PORT),
      host: "127.0.0.1",
      baseUrl: "http://127.0.0.1:8080",
      configDir,
      database: parseDatabaseUrl(databaseUrl),
      feedsDir: `${feedsDir}-server-${process.pid}`,
      logLevel: "silent",
      webConcurrency: Number(count),
    },
    { config: loaded.config, loadedAt: Date.now(), warnings: [] },
    {
      clock: Date.now,
      logger,
      runWorker: false,
      watchConfig: false,
      // A server of serve's cluster: it leaves the FEEDS_DIR snapshot to the collector. Without a
      // member each bench server rewrote the snapshot (12 fresh renders) after every change,
      // work serve's servers never do (renderAtom, which only the snapshot asks for here, was 6% of
      // each server's CPU profile during a 2,000-source run on 2026-12-02).
      cluster: joinCluster({
        role: "server",
        pid: process.pid,
        channel: processChannel(process),
        rssBytes: () => process.memoryUsage.rss(),
        heartbeatMs: 60_000,
        metricsTimeoutMs: 10_000,
      }),
    },
  );
  process.once("SIGTERM", () => void service.stop().then(() => process.exit(0)));
  process.send({ ready: true });
}
