/**
 * What the processes of one `serve` say to each other over the cluster IPC channel (issue 12):
 * the primary forks the serving processes and relays between them; it never touches the store.
 * Every message carries `feedPublisher` so anything else on the channel (a library's own
 * messages, node's internal ones are already filtered) is ignored.
 */

/**
 * Which part a forked process plays: exactly one collects (worker, WebSub pushes, snapshot) and
 * does not serve HTTP; the servers serve and never collect on schedule.
 */
export type ProcessRole = "collector" | "server";

export const PROCESS_ROLES: readonly ProcessRole[] = ["collector", "server"];

/** One process as /status shows it. */
export interface ProcessInfo {
  readonly pid: number;
  readonly role: ProcessRole;
  readonly startedAt: number;
  /** Resident memory at the last heartbeat; absent until the first one. */
  readonly rssBytes?: number;
  /** How many times a process in this slot was forked again after it died. */
  readonly restarts: number;
}

export type MemberMessage =
  /** This process is up: serving (a server) or collecting (the collector). */
  | { readonly feedPublisher: "ready" }
  /** This process committed a change to the store: the others should look at the store now. */
  | { readonly feedPublisher: "store-changed" }
  /** How this process is doing, for the roster. */
  | { readonly feedPublisher: "heartbeat"; readonly rssBytes: number }
  /** GET /metrics reached this process: it wants every process's metrics, aggregated. */
  | { readonly feedPublisher: "metrics-request"; readonly id: number }
  /** This process's metrics as data for the primary's collection `id`, or why it has none. */
  | {
      readonly feedPublisher: "metrics-part";
      readonly id: number;
      readonly metrics: readonly object[];
      readonly error?: string;
    };

export type PrimaryMessage =
  /** Another process changed the store (relayed from its "store-changed"). */
  | { readonly feedPublisher: "store-changed" }
  /** Every live process, sent whenever it changes and every few seconds with their memory. */
  | { readonly feedPublisher: "roster"; readonly processes: readonly ProcessInfo[] }
  /**
   * Read the config again (the primary got SIGHUP). A message rather than the signal itself: a
   * process that has not yet installed its SIGHUP handler would be killed by the signal.
   */
  | { readonly feedPublisher: "reload"; readonly reason: string }
  /** Send your metrics as data for collection `id`. */
  | { readonly feedPublisher: "metrics-collect"; readonly id: number }
  /** The answer to this process's metrics request `id`: the aggregated exposition, or why there is none. */
  | {
      readonly feedPublisher: "metrics";
      readonly id: number;
      readonly exposition?: { readonly contentType: string; readonly body: string };
      readonly error?: string;
    };

function tagged(value: unknown): Record<string, unknown> | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const record = value as Record<string, unknown>;
  return typeof record.feedPublisher === "string" ? record : undefined;
}

/** A message from a forked process, or undefined for anything else. */
export function readMemberMessage(value: unknown): MemberMessage | undefined {
  const message = tagged(value);
  if (message?.feedPublisher === "store-changed") return { feedPublisher: "store-changed" };
  if (message?.feedPublisher === "ready") return { feedPublisher: "ready" };
  if (message?.feedPublisher === "heartbeat" && typeof message.rssBytes === "number") {
    return { feedPublisher: "heartbeat", rssBytes: message.rssBytes };
  }
  if (message?.feedPublisher === "metrics-request" && typeof message.id === "number") {
    return { feedPublisher: "metrics-request", id: message.id };
  }
  if (message?.feedPublisher === "metrics-part" && typeof message.id === "number" && Array.isArray(message.metrics)) {
    return {
      feedPublisher: "metrics-part",
      id: message.id,
      metrics: message.metrics as object[],
      ...(typeof message.error === "string" && { error: message.error }),
    };
  }
  return undefined;
}

/** A message from the primary, or undefined for anything else. */
export function readPrimaryMessage(value: unknown): PrimaryMessage | undefined {
  const message = tagged(value);
  if (message?.feedPublisher === "store-changed") return { feedPublisher: "store-changed" };
  if (message?.feedPublisher === "reload" && typeof message.reason === "string") {
    return { feedPublisher: "reload", reason: message.reason };
  }
  if (message?.feedPublisher === "metrics-collect" && typeof message.id === "number") {
    return { feedPublisher: "metrics-collect", id: message.id };
  }
  if (message?.feedPublisher === "metrics" && typeof message.id === "number") {
    const { exposition, error } = message as { exposition?: { contentType: string; body: string }; error?: string };
    return {
      feedPublisher: "metrics",
      id: message.id,
      ...(exposition !== undefined && { exposition }),
      ...(typeof error === "string" && { error }),
    };
  }
  if (message?.feedPublisher === "roster" && Array.isArray(message.processes)) {
    return { feedPublisher: "roster", processes: message.processes as ProcessInfo[] };
  }
  return undefined;
}
