import cluster from "node:cluster";
import type { Logger } from "pino";
import { type ProcessRole } from "./messages.js";
import type { Fork } from "./supervisor.js";

/** The environment variable that tells a forked `serve` process its role (set by the primary only). */
export const ROLE_VARIABLE = "FEED_PUBLISHER_ROLE";

/**
 * Forks with node:cluster, so every process accepts connections on the one listening socket the
 * primary holds (Node 20 has no SO_REUSEPORT in `net`). The primary hands connections out round
 * robin (cluster's default on Linux), which spreads long-lived keep-alive connections evenly; the
 * per-connection cost is one handle pass, paid once per connection, not per request.
 */
export function clusterFork(logger: Logger): Fork {
  return (role: ProcessRole) => {
    const worker = cluster.fork({ [ROLE_VARIABLE]: role });
    // An IPC write to a process that just died fails asynchronously; its exit is handled elsewhere.
    worker.on("error", (error) => logger.debug({ err: error, role }, "cluster: IPC to a serving process failed"));
    return {
      get pid() {
        return worker.process.pid;
      },
      send: (message) => {
        if (worker.isConnected()) worker.send(message);
      },
      kill: (signal) => {
        if (worker.process.exitCode === null && worker.process.signalCode === null) worker.process.kill(signal);
      },
      onMessage: (listener) => worker.on("message", listener),
      onExit: (listener) =>
        worker.once("exit", (code: number | null, signal: NodeJS.Signals | null) => listener(code, signal)),
    };
  };
}

/**
 * The role the primary gave this process, or undefined when it is not a forked cluster member
 * (a single-process `serve`, or the primary itself).
 */
export function memberRole(env: Readonly<Record<string, string | undefined>>): ProcessRole | undefined {
  if (!cluster.isWorker) return undefined;
  const role = env[ROLE_VARIABLE];
  if (role === "collector" || role === "server") return role;
  throw new Error(`cluster: a forked serve process needs ${ROLE_VARIABLE}=collector|server, got "${String(role)}"`);
}
