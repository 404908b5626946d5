import type { Logger } from "pino";
import { readSettings, type Settings } from "../config/settings.js";
import { loadConfigState, warnIfBaseUrlDefaulted } from "../app/config-state.js";
import { clusterFork, memberRole } from "../app/cluster/cluster-fork.js";
import { joinCluster, processChannel, type ClusterMember } from "../app/cluster/member.js";
import type { ProcessRole } from "../app/cluster/messages.js";
import { superviseProcesses } from "../app/cluster/supervisor.js";
import { aggregateMetrics } from "../metrics/cluster-metrics.js";
import { createLogger } from "../app/logger.js";

type Env = Readonly<Record<string, string | undefined>>;

/** How long a serving process has to stop (running collects finish within 20 s, then the server closes). */
const MEMBER_STOP_TIMEOUT_MS = 30_000;

/** How often each process reports its memory, and the primary sends the roster with it. */
const HEARTBEAT_MS = 5_000;

/** How long every process has to send its metrics for one scrape (Prometheus' default scrape timeout is 10 s). */
const METRICS_TIMEOUT_MS = 3_000;

/**
 * `serve`: worker and server until SIGTERM/SIGINT. With WEB_CONCURRENCY > 1 (by default, one
 * process per core) this process becomes the primary of a cluster: it forks that many serving
 * processes and one collector, and each of them comes back through here as a member.
 */
export async function serveCommand(env: Env): Promise<number> {
  const settings = readSettings(env);
  const logger = createLogger(settings);
  const role = memberRole(env);
  // Several processes write to one log: each line says which one, and what it does.
  if (role !== undefined) return serveProcess(settings, logger.child({ pid: process.pid, role }), role);
  const processes = processCount(settings, logger);
  if (processes === 1) return serveProcess(settings, logger, undefined);
  return supervise(settings, logger.child({ pid: process.pid, role: "primary" }), processes);
}

/**
 * An in-memory SQLite store lives inside one process: several would each see their own empty
 * store, so `sqlite::memory:` serves from one whatever WEB_CONCURRENCY says.
 */
function processCount(settings: Settings, logger: Logger): number {
  if (settings.webConcurrency > 1 && settings.database.kind === "sqlite" && settings.database.path === ":memory:") {
    logger.warn({ webConcurrency: settings.webConcurrency }, "an in-memory store serves from one process only");
    return 1;
  }
  return settings.webConcurrency;
}

/** The cluster primary: checks the config once, forks, relays, restarts, and stops them all on a signal. */
async function supervise(settings: Settings, logger: Logger, processes: number): Promise<number> {
  // A bad config is reported once, here, instead of by every process and then a fork loop.
  if (!(await loadConfigState(settings, logger))) return 1;
  warnIfBaseUrlDefaulted(settings, logger);
  const supervisor = superviseProcesses({
    servers: processes,
    fork: clusterFork(logger),
    clock: Date.now,
    logger,
    restartDelayMs: { min: 1_000, max: 30_000 },
    stableAfterMs: 60_000,
    shutdownTimeoutMs: MEMBER_STOP_TIMEOUT_MS,
    rosterEveryMs: HEARTBEAT_MS,
    aggregateMetrics,
    metricsTimeoutMs: METRICS_TIMEOUT_MS,
  });
  onSignals(logger, {
    stop: () => void supervisor.stop(),
    reload: () => supervisor.reload("SIGHUP"),
  });
  await supervisor.started.then(
    () =>
      logger.info({ processes: supervisor.roster() }, `serving from ${processes} processes, collecting in one more`),
    () => undefined,
  );
  const code = await supervisor.done;
  logger.info({ code }, "every serving process stopped");
  return code;
}

/** One serving process: alone (WEB_CONCURRENCY=1), or a cluster member with its role. */
async function serveProcess(settings: Settings, logger: Logger, role: ProcessRole | undefined): Promise<number> {
  // Imported here, not at the top: the primary of a cluster serves nothing and stays small.
  const [{ startService }, { startParsePool }] = await Promise.all([
    import("../app/service.js"),
    import("../app/parse-threads.js"),
  ]);
  const state = await loadConfigState(settings, logger);
  if (!state) return 1;
  if (role === undefined) warnIfBaseUrlDefaulted(settings, logger);
  const cluster: ClusterMember | undefined =
    role === undefined
      ? undefined
      : joinCluster({
          role,
          pid: process.pid,
          channel: processChannel(process),
          rssBytes: () => process.memoryUsage.rss(),
          heartbeatMs: HEARTBEAT_MS,
          metricsTimeoutMs: METRICS_TIMEOUT_MS + 1_000,
        });
  const service = await startService(settings, state, {
    clock: Date.now,
    logger,
    runWorker: role !== "server",
    // A cluster's collector serves no HTTP: its collect passes never delay a poll.
    serveHttp: role !== "collector",
    parsePool: startParsePool(state.config, logger),
    ...(cluster !== undefined && { cluster }),
  });
  cluster?.ready();
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      service.stop().then(resolve, (error: unknown) => {
        logger.error({ err: error }, "shutdown failed");
        resolve();
      });
    };
    const shutdown = onSignals(logger, { stop, reload: () => void service.reloader.reload("SIGHUP") });
    // The primary died (SIGKILL, a crash): nobody restarts or relays any more, so stop cleanly
    // rather than hold the port as an orphan.
    cluster?.onPrimaryGone(() => shutdown("primary gone"));
  });
  return 0;
}

/**
 * SIGTERM and SIGINT stop (once), SIGHUP reloads: the same for a single process, a cluster member
 * and the primary. Returns the shutdown, for other reasons to stop.
 */
function onSignals(logger: Logger, actions: { stop: () => void; reload: () => void }): (reason: string) => void {
  let stopping = false;
  const shutdown = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "shutdown requested");
    actions.stop();
  };
  process.once("SIGTERM", () => shutdown("SIGTERM"));
  process.once("SIGINT", () => shutdown("SIGINT"));
  process.on("SIGHUP", actions.reload);
  return shutdown;
}
