import type { Store } from "../store/store.js";

/**
 * What this process's own writes did to the store revision, so a revision poller can tell them
 * from other processes' commits: the local change path already invalidated exactly the
 * categories our writes touched, while a foreign commit (`npm run collect` beside `npm start`)
 * must still invalidate.
 */
export interface OwnWrites {
  /** Whether one of our writes is under way (its bump may or may not be visible yet). */
  busy(): boolean;
  /** Moves whenever one of our writes finishes; a poll that saw it move must look again. */
  generation(): number;
  /** How many revisions our writes added since the last call, and start counting afresh. */
  takeBumps(): number;
}

export interface TrackedStore {
  readonly store: Store;
  readonly writes: OwnWrites;
}

/**
 * Wraps a store so its item writes are counted. Each of them is one transaction that bumps the
 * revision once exactly when it changed items (Store.revision; commitRun and setItemCategories
 * say "in one transaction"), which its result tells. A count that is too low only costs a
 * needless full invalidation; it is never too high, so a foreign change is never taken for ours.
 */
export function trackOwnWrites(store: Store): TrackedStore {
  let inFlight = 0;
  let generation = 0;
  let bumps = 0;

  async function track<T>(write: () => Promise<T>, changed: (result: T) => boolean): Promise<T> {
    inFlight++;
    try {
      const result = await write();
      if (changed(result)) bumps++;
      return result;
    } finally {
      inFlight--;
      generation++;
    }
  }

  const writes: Pick<Store, "commitRun" | "prune" | "purgeSource" | "setItemCategories"> = {
    commitRun: (run, items, now) =>
      track(
        () => store.commitRun(run, items, now),
        (result) => result.inserted.length + result.updated.length > 0,
      ),
    prune: (sourceId, retention, now) =>
      track(
        () => store.prune(sourceId, retention, now),
        (result) => result.removed > 0,
      ),
    purgeSource: (sourceId, now) =>
      track(
        () => store.purgeSource(sourceId, now),
        (result) => result.removed > 0,
      ),
    setItemCategories: (changes, now) =>
      track(
        () => store.setItemCategories(changes, now),
        (result) => result.changedCategories.length > 0,
      ),
  };
  // A Proxy rather than a copy of every method, so methods added to Store pass through untouched;
  // they are bound to the real store, whose private fields a proxy receiver could not reach.
  const tracked = new Proxy(store, {
    get(target, property) {
      if (Object.hasOwn(writes, property)) return Reflect.get(writes, property) as unknown;
      const value: unknown = Reflect.get(target, property);
      return typeof value === "function" ? ((value as (...args: unknown[]) => unknown).bind(target) as unknown) : value;
    },
  });
  return {
    store: tracked,
    writes: {
      busy: () => inFlight > 0,
      generation: () => generation,
      takeBumps: () => {
        const taken = bumps;
        bumps = 0;
        return taken;
      },
    },
  };
}
