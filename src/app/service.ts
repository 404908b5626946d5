import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Logger } from "pino";
import type { Settings } from "../config/settings.js";
import { formatProblem } from "../config/config.js";
import { createAdminRoutes } from "../http/admin.js";
import { createApp } from "../http/app.js";
import { HttpProblem } from "../http/problem.js";
import { createMetricsRoute } from "../http/metrics-route.js";
import { createMetrics } from "../metrics/metrics.js";
import { createFeedResponder } from "../http/feed-responder.js";
import { createHttpServer } from "../http/server.js";
import type { Clock } from "../model/index.js";
import type { ParsePool } from "../sources/parse-pool/parse-pool.js";
import { ALL_SLUG } from "../model/index.js";
import { createHub } from "../websub/hub.js";
import { createFreshness } from "./freshness.js";
import { createLeadership, followStoreChanges } from "./leadership.js";
import { createConfigReloader, type ConfigReloader } from "./live-config.js";
import { createRuntime, type ConfigState, type Runtime } from "./runtime.js";
import { createSnapshotWriter, type SnapshotWriter } from "./snapshot-writer.js";
import { buildStatusReport } from "./status-report.js";
import type { ClusterMember } from "./cluster/member.js";

export interface Service {
  readonly runtime: Runtime;
  /** Absent when the service collects without serving (a cluster's collector, see ServiceOptions.serveHttp). */
  readonly server?: Server;
  readonly snapshots: SnapshotWriter;
  readonly reloader: ConfigReloader;
  /**
   * Look for changes other processes committed to the store now, rather than at the next poll
   * (a cluster primary relays "the store changed" so each serving process checks at once).
   */
  checkStoreNow(): Promise<void>;
  /** Whether this instance currently runs the worker and WebSub deliveries. */
  isLeader(): boolean;
  /** The origin the server listens on (useful when PORT=0); empty when it serves no HTTP. */
  readonly address: string;
  /** Stop scheduling, let running collects finish (bounded), close the server and the store. */
  stop(): Promise<void>;
}

export interface ServiceOptions {
  readonly clock: Clock;
  readonly logger: Logger;
  /** Compete for running the worker (false: serve only, e.g. in some tests). */
  readonly runWorker: boolean;
  /** Watch CONFIG_DIR and apply edits live (default true). */
  readonly watchConfig?: boolean;
  /** How often an SQLite store is checked for other processes' changes (default 250 ms, see change-watch.ts). */
  readonly storePollMs?: number;
  readonly shutdownTimeoutMs?: number;
  /** Where collects parse upstream documents (parse-threads.ts); the service closes it on stop. Absent: inline. */
  readonly parsePool?: ParsePool;
  /**
   * This process is one of several serving the same port (WEB_CONCURRENCY > 1, issue 12): its
   * store changes are announced to the others, theirs make it look at the store at once, and
   * only the collector writes the FEEDS_DIR snapshot (every process would write the same files).
   */
  readonly cluster?: ClusterMember;
  /**
   * Listen for HTTP (default true). A cluster's collector does not (issue 12): its event loop
   * runs store transactions and renders during collect passes, which would show in the latency
   * of every poll the primary handed it.
   */
  readonly serveHttp?: boolean;
}

/** `npm start`: the worker and the server over one store. */
export async function startService(settings: Settings, config: ConfigState, options: ServiceOptions): Promise<Service> {
  const { clock, logger } = options;
  const metrics = createMetrics();
  const runtime = await createRuntime(settings, config, clock, logger, {
    metrics,
    ...(options.parsePool !== undefined && { parsePool: options.parsePool }),
  });
  metrics.watchRenderCache(() => runtime.feeds.cache.stats());
  const { cluster } = options;
  // Work done once per store, not once per serving process: the only process, or a cluster's collector.
  const ownsStoreWideWork = cluster === undefined || cluster.role === "collector";
  if (ownsStoreWideWork) {
    // Every process would read the same rows at each scrape for the primary to keep one copy.
    metrics.watchSources(async () => {
      const states = new Map((await runtime.store.listSourceStates()).map((state) => [state.sourceId, state]));
      // Configured sources only: a removed source's state stays in the store until purged.
      return runtime
        .configState()
        .config.sources.map((source) => states.get(source.id) ?? { sourceId: source.id, consecutiveFailures: 0 });
    });
  }
  const categorySlugs = (): string[] => runtime.catalog().categories.map((category) => category.slug);
  const snapshots = createSnapshotWriter(settings.feedsDir, runtime.feeds, runtime.catalog, logger);
  const requestSnapshot = (): void => {
    if (ownsStoreWideWork) snapshots.request();
  };
  const hub = createHub({
    baseUrl: settings.baseUrl,
    store: runtime.store,
    feeds: runtime.feeds,
    categorySlugs,
    clock,
    logger,
    userAgent: config.config.fetch.userAgent,
    options: config.config.websub,
    onDelivery: (outcome) => metrics.recordDelivery(outcome),
  });
  const leader = createLeadership(settings.database, logger);
  /**
   * What follows any change to the store, wherever it was made: every replica rewrites its
   * FEEDS_DIR snapshot, and only the instance running the worker pushes to subscribers, so each
   * change is pushed once. (Renders were invalidated by whoever reported the change.)
   */
  const published = (categories: readonly string[]): void => {
    requestSnapshot();
    if (leader.isLeader()) hub.onChange(categories);
  };
  // Changes other processes commit (`npm run collect`, another replica, an admin refresh there).
  const following = await followStoreChanges(
    runtime.store,
    (categories) => {
      if (categories === "all") runtime.feeds.invalidateAll();
      else runtime.feeds.invalidate([...categories, ALL_SLUG]);
      published(categories === "all" ? categorySlugs() : categories);
    },
    logger,
    options.storePollMs,
  );
  // This instance's own changes: runtime already invalidated their renders; the follower leaves
  // them out. The other processes of a cluster hear of them at once: through the relay
  // (cluster/member.ts) when the store is polled, or through the store itself when it pushes
  // (PostgreSQL NOTIFY), where a relay would only add one change-log query per process and change.
  runtime.onChange((change) => {
    if (!following.pushed) cluster?.announceChange();
    published(change.changedCategories);
  });
  cluster?.onStoreChanged(() => void following.checkNow());
  cluster?.provideMetrics(() => metrics.part());

  const freshness = createFreshness({
    store: runtime.store,
    sources: () => runtime.configState().config.sources,
    bounds: () => {
      const { minMaxAgeSeconds, maxMaxAgeSeconds } = runtime.configState().config.publish;
      return { minSeconds: minMaxAgeSeconds, maxSeconds: maxMaxAgeSeconds };
    },
    clock,
    logger,
  });
  await freshness.refresh();
  const feedResponder = createFeedResponder({
    feeds: runtime.feeds,
    categorySlugs,
    clock,
    maxAgeSeconds: freshness.maxAgeSeconds,
  });
  const reloader = createConfigReloader({
    configDir: settings.configDir,
    runtime,
    logger,
    isLeader: () => leader.isLeader(),
    onApplied: () => {
      feedResponder.reset();
      requestSnapshot();
    },
    onOutcome: (outcome) => metrics.recordConfigReload(outcome.ok ? "ok" : "rejected"),
  });
  const app = createApp({
    store: runtime.store,
    catalog: runtime.catalog,
    baseUrl: settings.baseUrl,
    clock,
    logger,
    status: () =>
      buildStatusReport(
        runtime,
        leader.isLeader(),
        cluster && { answeredBy: cluster.pid, processes: cluster.roster() },
      ),
    websub: hub.router,
    // With several processes a scrape shows them all (the primary aggregates, cluster-metrics.ts).
    metrics: createMetricsRoute(cluster ? { exposition: () => cluster.metrics() } : metrics),
    admin: createAdminRoutes({
      token: settings.adminToken,
      // A one-off collect may run on any replica: store writes are transactional and idempotent.
      refreshSource: (id) => runtime.worker.runSource(id, { force: true }),
      purgeSource: async (id) => {
        if (runtime.configState().config.sources.some((source) => source.id === id)) {
          throw new HttpProblem(
            409,
            "Source still configured",
            `The source "${id}" is in the config; remove it from sources.yaml first, or its next collect stores its items again.`,
            { source: id },
          );
        }
        const result = await runtime.store.purgeSource(id, clock());
        if (result.removed > 0) runtime.notifyChange(result, { readAfterWrite: true });
        return result;
      },
      reload: async () => {
        const outcome = await reloader.reload("admin request");
        return outcome.ok
          ? { ok: true, problems: outcome.warnings.map(formatProblem) }
          : { ok: false, problems: outcome.problems.map(formatProblem) };
      },
      logger,
    }),
  });
  const server =
    (options.serveHttp ?? true)
      ? createHttpServer(app, feedResponder, logger, clock, {
          observe: (route, status, seconds) => metrics.observeHttp(route, status, seconds),
        })
      : undefined;
  const address = server ? await listen(server, settings.port, settings.host) : "";
  if (server) logger.info({ address, baseUrl: settings.baseUrl }, "serving feeds");

  if (options.watchConfig ?? true) reloader.watch();
  cluster?.onReload((reason) => void reloader.reload(reason));
  requestSnapshot();
  if (options.runWorker) {
    leader.start((isLeader) => {
      metrics.setLeader(isLeader);
      logger.info(
        { leader: isLeader },
        isLeader ? "this instance now runs the worker" : "this instance no longer runs the worker",
      );
      if (isLeader) {
        runtime.worker.start();
        // Deliveries queued in the store, the last leader's unfinished ones included (issue 9).
        hub.startDelivering();
        // Rules may have been edited while no leader ran; see ConfigReloader.reclassify.
        void reloader.reclassify("leadership gained");
      } else {
        void runtime.worker.stop(options.shutdownTimeoutMs ?? 20_000);
        hub.stopDelivering();
      }
    });
  }

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      logger.info("stopping: no new collects, waiting for running ones");
      cluster?.leave();
      reloader.stop();
      await reloader.idle();
      await runtime.worker.stop(options.shutdownTimeoutMs ?? 20_000);
      await leader.stop();
      await following.stop();
      await snapshots.idle();
      hub.stop();
      await hub.idle();
      if (server) await closeServer(server);
      await runtime.close();
      logger.info("stopped");
    })());
  return {
    runtime,
    ...(server && { server }),
    snapshots,
    reloader,
    address,
    checkStoreNow: () => following.checkNow(),
    isLeader: () => leader.isLeader(),
    stop,
  };
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
