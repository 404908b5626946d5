import { describeError } from "../../shared/describe-error.js";
import { readPrimaryMessage, type MemberMessage, type ProcessInfo, type ProcessRole } from "./messages.js";

/** The IPC channel of a forked process: node's `process` in a cluster worker. */
export interface MemberChannel {
  send(message: MemberMessage): void;
  onMessage(listener: (message: unknown) => void): void;
  /** The primary is gone (killed, crashed): nobody relays or restarts any more. */
  onDisconnect(listener: () => void): void;
}

/** A serving process's side of the cluster: what the service wires in (service.ts). */
export interface ClusterMember {
  readonly role: ProcessRole;
  readonly pid: number;
  /** Tell the primary this process is up (it counts as started from now). */
  ready(): void;
  /** Tell the other processes that this one committed a change to the store. */
  announceChange(): void;
  /** Another process committed a change: look at the store's change notifications now. */
  onStoreChanged(listener: () => void): void;
  /** The primary asks for a config reload (it got SIGHUP). */
  onReload(listener: (reason: string) => void): void;
  onPrimaryGone(listener: () => void): void;
  /** The processes of this `serve`, as last sent by the primary (empty before the first roster). */
  roster(): readonly ProcessInfo[];
  /** Every process's metrics in one exposition (GET /metrics); rejects when the primary says why not. */
  metrics(): Promise<{ readonly contentType: string; readonly body: string }>;
  /** Where this process's own metrics come from when the primary collects them. */
  provideMetrics(part: () => Promise<readonly object[]>): void;
  /** Stop the heartbeat. */
  leave(): void;
}

interface Exposition {
  readonly contentType: string;
  readonly body: string;
}

/** What a cluster member could not do, for the one Express error handler and the logs. */
export class ClusterError extends Error {
  override readonly name = "ClusterError";
}

export interface MemberOptions {
  readonly role: ProcessRole;
  readonly pid: number;
  readonly channel: MemberChannel;
  /** This process's resident memory, reported for /status. */
  readonly rssBytes: () => number;
  readonly heartbeatMs: number;
  /** How long a metrics request may wait for the primary's answer (longer than the primary's own bound). */
  readonly metricsTimeoutMs: number;
}

export function joinCluster(options: MemberOptions): ClusterMember {
  const { channel } = options;
  const changed: Array<() => void> = [];
  const reloads: Array<(reason: string) => void> = [];
  let processes: readonly ProcessInfo[] = [];
  let provider: (() => Promise<readonly object[]>) | undefined;
  const waiting = new Map<number, { resolve: (exposition: Exposition) => void; reject: (error: Error) => void }>();
  let nextRequest = 1;
  channel.onMessage((value) => {
    const message = readPrimaryMessage(value);
    if (message?.feedPublisher === "store-changed") for (const listener of changed) listener();
    else if (message?.feedPublisher === "reload") for (const listener of reloads) listener(message.reason);
    else if (message?.feedPublisher === "roster") processes = message.processes;
    else if (message?.feedPublisher === "metrics-collect") {
      const { id } = message;
      void (provider?.() ?? Promise.resolve([])).then(
        (metrics) => channel.send({ feedPublisher: "metrics-part", id, metrics }),
        // Say why at once: the primary fails that scrape with this reason instead of a timeout.
        (error: unknown) =>
          channel.send({ feedPublisher: "metrics-part", id, metrics: [], error: describeError(error) }),
      );
    } else if (message?.feedPublisher === "metrics") {
      const request = waiting.get(message.id);
      waiting.delete(message.id);
      if (message.exposition) request?.resolve(message.exposition);
      else request?.reject(new ClusterError(`cluster: ${message.error ?? "no metrics"}`));
    }
  });
  const beat = (): void => channel.send({ feedPublisher: "heartbeat", rssBytes: options.rssBytes() });
  beat();
  const heartbeat = setInterval(beat, options.heartbeatMs);
  heartbeat.unref();
  return {
    role: options.role,
    pid: options.pid,
    ready: () => channel.send({ feedPublisher: "ready" }),
    announceChange: () => channel.send({ feedPublisher: "store-changed" }),
    onStoreChanged: (listener) => changed.push(listener),
    onReload: (listener) => reloads.push(listener),
    onPrimaryGone: (listener) => channel.onDisconnect(listener),
    roster: () => processes,
    metrics: () =>
      new Promise((resolve, reject) => {
        const id = nextRequest++;
        const timer = setTimeout(() => {
          waiting.delete(id);
          reject(
            new ClusterError(`cluster: the primary did not answer a metrics request in ${options.metricsTimeoutMs} ms`),
          );
        }, options.metricsTimeoutMs);
        timer.unref();
        const settle =
          <T>(then: (value: T) => void) =>
          (value: T) => {
            clearTimeout(timer);
            then(value);
          };
        waiting.set(id, { resolve: settle(resolve), reject: settle(reject) });
        channel.send({ feedPublisher: "metrics-request", id });
      }),
    provideMetrics: (part) => {
      provider = part;
    },
    leave: () => clearInterval(heartbeat),
  };
}

/** The channel of this process when node:cluster forked it. */
export function processChannel(proc: NodeJS.Process): MemberChannel {
  return {
    send: (message) => {
      if (proc.connected && proc.send) proc.send(message);
    },
    onMessage: (listener) => proc.on("message", listener),
    onDisconnect: (listener) => proc.once("disconnect", listener),
  };
}
