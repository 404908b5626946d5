import type { Logger } from "pino";
import type { LeaderLock } from "../store/leader.js";
import { createLeaderLock, DEFAULT_LEADER_LOCK_KEY } from "../store/postgres/leader-lock.js";
import { createSoloLeader } from "../store/solo-leader.js";
import type { ChangeWatch, Store } from "../store/store.js";
import type { DatabaseTarget } from "../urls/database-url.js";

/** PostgreSQL replicas elect one worker with an advisory lock; an embedded SQLite store has one. */
export function createLeadership(database: DatabaseTarget, logger: Logger): LeaderLock {
  return database.kind === "postgres"
    ? createLeaderLock(database.url, { key: DEFAULT_LEADER_LOCK_KEY, logger })
    : createSoloLeader();
}

/**
 * Reports changes other processes commit to the store (the leader replica, an admin refresh on
 * another replica, `npm run collect` beside `npm start`) as their categories, or "all" when they
 * are not known, through the store's one change watch: PostgreSQL is notified, SQLite checks
 * every `pollMs`. This process's own changes are left out: the runtime invalidated exactly their
 * categories as it made them, and a second invalidation would break "render once per change".
 * The returned watch's `checkNow` looks at once (a cluster primary relaying "the store changed");
 * like the watch's own checks, it logs a failed look instead of rejecting, so a caller that does
 * not wait for it (the relay) cannot crash the process with an unhandled rejection.
 */
export async function followStoreChanges(
  store: Store,
  onForeignChange: (categories: readonly string[] | "all") => void,
  logger: Logger,
  pollMs?: number,
): Promise<ChangeWatch> {
  const failed = (error: unknown): void => logger.warn({ err: error }, "could not check the store for changes");
  const watch = await store.watchChanges(
    (change) => {
      if (!change.ours) onForeignChange(change.everyCategory === true ? "all" : change.categories);
    },
    { ...(pollMs !== undefined && { pollMs }), onError: failed },
  );
  return { pushed: watch.pushed, checkNow: () => watch.checkNow().catch(failed), stop: () => watch.stop() };
}
