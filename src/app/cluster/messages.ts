/**
 * What the processes of one `serve` say to each other over the cluster IPC channel (issue 12):
 * the primary forks the serving processes and relays between them; it never touches the store.
 * Every message carries `feedPublisher` so anything else on the channel (a library's own
 * messages, node's internal ones are already filtered) is ignored.
 */

/** Which part a forked process plays: exactly one collects (and pushes WebSub); all serve. */
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
  /** This process committed a change to the store: the others should look at the store now. */
  | { readonly feedPublisher: "store-changed" }
  /** How this process is doing, for the roster. */
  | { readonly feedPublisher: "heartbeat"; readonly rssBytes: number };

export type PrimaryMessage =
  /** Another process changed the store (relayed from its "store-changed"). */
  | { readonly feedPublisher: "store-changed" }
  /** Every live process, sent whenever it changes and every few seconds with their memory. */
  | { readonly feedPublisher: "roster"; readonly processes: readonly ProcessInfo[] }
  /**
   * Read the config again (the primary got SIGHUP). A message rather than the signal itself: a
   * process that has not yet installed its SIGHUP handler would be killed by the signal.
   */
  | { readonly feedPublisher: "reload"; readonly reason: string };

function tagged(value: unknown): Record<string, unknown> | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const record = value as Record<string, unknown>;
  return typeof record.feedPublisher === "string" ? record : undefined;
}

/** A message from a forked process, or undefined for anything else. */
export function readMemberMessage(value: unknown): MemberMessage | undefined {
  const message = tagged(value);
  if (message?.feedPublisher === "store-changed") return { feedPublisher: "store-changed" };
  if (message?.feedPublisher === "heartbeat" && typeof message.rssBytes === "number") {
    return { feedPublisher: "heartbeat", rssBytes: message.rssBytes };
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
  if (message?.feedPublisher === "roster" && Array.isArray(message.processes)) {
    return { feedPublisher: "roster", processes: message.processes as ProcessInfo[] };
  }
  return undefined;
}
