import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Logger } from "pino";
import type { Settings } from "../config/settings.js";
import { createApp } from "../http/app.js";
import { createFeedHandler } from "../http/feed-handler.js";
import { createHttpServer } from "../http/server.js";
import type { Clock } from "../model/index.js";
import { createHub } from "../websub/hub.js";
import { DEFAULT_FRESHNESS, maxAgeSeconds } from "./freshness.js";
import { createRuntime, type ConfigState, type Runtime } from "./runtime.js";
import { createSnapshotWriter, type SnapshotWriter } from "./snapshot-writer.js";
import { buildStatusReport } from "./status-report.js";

export interface Service {
  readonly runtime: Runtime;
  readonly server: Server;
  readonly snapshots: SnapshotWriter;
  /** The origin the server listens on (useful when PORT=0). */
  readonly address: string;
  /** Stop scheduling, let running collects finish (bounded), close the server and the store. */
  stop(): Promise<void>;
}

export interface ServiceOptions {
  readonly clock: Clock;
  readonly logger: Logger;
  /** Run the worker on this instance (false on read-only replicas and in some tests). */
  readonly runWorker: boolean;
  readonly shutdownTimeoutMs?: number;
}

/** `npm start`: the worker and the server over one store. */
export async function startService(settings: Settings, config: ConfigState, options: ServiceOptions): Promise<Service> {
  const { clock, logger } = options;
  const runtime = await createRuntime(settings, config, clock, logger);
  const snapshots = createSnapshotWriter(settings.feedsDir, runtime.feeds, runtime.catalog, logger);
  runtime.onChange(() => snapshots.request());
  const hub = createHub({
    baseUrl: settings.baseUrl,
    store: runtime.store,
    feeds: runtime.feeds,
    categorySlugs: () => runtime.catalog().categories.map((category) => category.slug),
    clock,
    logger,
    userAgent: config.config.fetch.userAgent,
  });
  runtime.onChange((result) => hub.onChange(result.changedCategories));

  const feedHandler = createFeedHandler({
    feeds: runtime.feeds,
    categorySlugs: () => runtime.catalog().categories.map((category) => category.slug),
    maxAgeSeconds: () => maxAgeSeconds(runtime.worker.schedules(), clock, DEFAULT_FRESHNESS),
  });
  const app = createApp({
    store: runtime.store,
    catalog: runtime.catalog,
    feedHandler,
    baseUrl: settings.baseUrl,
    clock,
    logger,
    status: () => buildStatusReport(runtime, options.runWorker),
    websub: hub.router,
  });
  const server = createHttpServer(app, feedHandler, logger);
  const address = await listen(server, settings.port, settings.host);
  logger.info({ address, baseUrl: settings.baseUrl }, "serving feeds");

  snapshots.request();
  if (options.runWorker) runtime.worker.start();

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      logger.info("stopping: no new collects, waiting for running ones");
      await runtime.worker.stop(options.shutdownTimeoutMs ?? 20_000);
      await snapshots.idle();
      hub.stop();
      await hub.idle();
      await closeServer(server);
      await runtime.close();
      logger.info("stopped");
    })());
  return { runtime, server, snapshots, address, stop };
}

function listen(server: Server, port: number, host: string): Promise<string> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      const { address, port: bound } = server.address() as AddressInfo;
      resolve(`http://${address.includes(":") ? `[${address}]` : address}:${bound}`);
    });
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeIdleConnections();
    setTimeout(() => server.closeAllConnections(), 5_000).unref();
  });
}
