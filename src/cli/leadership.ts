import type { Logger } from "pino";
import type { LeaderLock } from "../store/leader.js";
import { createLeaderLock, DEFAULT_LEADER_LOCK_KEY } from "../store/postgres/leader-lock.js";
import { createSoloLeader } from "../store/solo-leader.js";
import type { Store } from "../store/store.js";
import { ALL_SLUG } from "../model/index.js";

/** PostgreSQL replicas elect one worker with an advisory lock; an embedded SQLite store has one. */
export function createLeadership(databaseUrl: string, logger: Logger): LeaderLock {
  return /^postgres(ql)?:/i.test(databaseUrl)
    ? createLeaderLock(databaseUrl, { key: DEFAULT_LEADER_LOCK_KEY, logger })
    : createSoloLeader();
}

/**
 * Keeps this instance's render cache in step with changes other processes make to the store
 * (the leader replica, or `npm run collect` beside `npm start`): PostgreSQL notifies; otherwise
 * a cheap revision read every `pollMs`. Returns a function that stops following.
 */
export async function followStoreChanges(
  store: Store,
  invalidate: (categories: readonly string[] | "all") => void,
  logger: Logger,
  pollMs = 2_000,
): Promise<() => Promise<void>> {
  if (store.watchChanges) {
    return store.watchChanges((change) => invalidate(change.everyCategory ? "all" : [...change.categories, ALL_SLUG]));
  }
  let seen = await store.revision();
  const timer = setInterval(() => {
    store.revision().then(
      (revision) => {
        if (revision === seen) return;
        seen = revision;
        invalidate("all");
      },
      (error: unknown) => logger.warn({ err: error }, "could not read the store revision"),
    );
  }, pollMs);
  timer.unref();
  return async () => clearInterval(timer);
}
