import type { Logger } from "pino";
import type { LeaderLock } from "../store/leader.js";
import { createLeaderLock, DEFAULT_LEADER_LOCK_KEY } from "../store/postgres/leader-lock.js";
import { createSoloLeader } from "../store/solo-leader.js";
import type { Store } from "../store/store.js";
import type { DatabaseTarget } from "../urls/database-url.js";
import type { OwnWrites } from "./own-writes.js";

/** PostgreSQL replicas elect one worker with an advisory lock; an embedded SQLite store has one. */
export function createLeadership(database: DatabaseTarget, logger: Logger): LeaderLock {
  return database.kind === "postgres"
    ? createLeaderLock(database.url, { key: DEFAULT_LEADER_LOCK_KEY, logger })
    : createSoloLeader();
}

/** What `followStoreChanges` reports, and how to stop it. */
export interface StoreFollowing {
  /**
   * Whether this process's own changes are reported too: a PostgreSQL notification cannot be
   * told from one of ours, while the SQLite poller leaves ours to the local change path.
   */
  readonly reportsOwnChanges: boolean;
  stop(): Promise<void>;
}

/**
 * Reports changes other processes make to the store (the leader replica, an admin refresh on
 * another replica, `npm run collect` beside `npm start`) as their categories, or "all" when
 * they are not known: PostgreSQL notifies; otherwise a cheap revision read every `pollMs`, which
 * ignores the revisions this process's own writes produced (the local change path already
 * invalidated exactly their categories; flushing everything again broke "render once per change").
 */
export async function followStoreChanges(
  store: Store,
  own: OwnWrites,
  onChange: (categories: readonly string[] | "all") => void,
  logger: Logger,
  pollMs = 2_000,
): Promise<StoreFollowing> {
  if (store.watchChanges) {
    const stop = await store.watchChanges((change) => onChange(change.everyCategory ? "all" : change.categories));
    return { reportsOwnChanges: true, stop };
  }
  const poll = createRevisionPoll(store, own, () => onChange("all"));
  await poll().catch((error: unknown) => logger.warn({ err: error }, "could not read the store revision"));
  const timer = setInterval(() => {
    poll().catch((error: unknown) => logger.warn({ err: error }, "could not read the store revision"));
  }, pollMs);
  timer.unref();
  return { reportsOwnChanges: false, stop: async () => clearInterval(timer) };
}

/**
 * One poll: a revision that moved by more than our own writes bumped it means another process
 * committed. Nothing tells which categories it touched, hence "everything changed".
 */
export function createRevisionPoll(store: Store, own: OwnWrites, foreignChange: () => void): () => Promise<void> {
  let seen: number | undefined;
  return async () => {
    if (own.busy()) return;
    const generation = own.generation();
    const revision = await store.revision();
    // One of our writes finished meanwhile: its bump may or may not be in `revision`; look again next tick.
    if (own.busy() || own.generation() !== generation) return;
    const ours = own.takeBumps();
    if (seen !== undefined && revision - seen > ours) foreignChange();
    seen = revision;
  };
}
