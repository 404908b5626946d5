import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import pino from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createRevisionPoll, followStoreChanges, type StoreFollowing } from "../../src/app/leadership.js";
import { trackOwnWrites, type TrackedStore } from "../../src/app/own-writes.js";
import { openStore } from "../../src/store/open-store.js";
import type { Store } from "../../src/store/store.js";
import { makeItem } from "../store/store-contract.js";

const T0 = Date.parse("2026-11-25T10:00:00Z");
const POLL_MS = 10;
const logger = pino({ level: "silent" });

/**
 * The store as the poller sees it, counting the revision reads that finished: each poll makes one.
 * `polled()` resolves once three more reads have finished, so at least two whole polls began after
 * the call (the first may have started earlier) and the second one's verdict is in.
 */
function countingRevisionReads(store: Store): { readonly store: Store; polled(): Promise<void> } {
  let reads = 0;
  const waiting: Array<{ readonly at: number; readonly resolve: () => void }> = [];
  const counted = new Proxy(store, {
    get(target, property) {
      if (property !== "revision") return Reflect.get(target, property) as unknown;
      return async (): Promise<number> => {
        try {
          return await target.revision();
        } finally {
          reads++;
          for (const waiter of waiting.filter((entry) => entry.at <= reads)) {
            waiting.splice(waiting.indexOf(waiter), 1);
            waiter.resolve();
          }
        }
      };
    },
  });
  return {
    store: counted,
    polled: () => new Promise((resolve) => waiting.push({ at: reads + 3, resolve })),
  };
}

describe("followStoreChanges over SQLite (revision polling)", () => {
  let dir: string;
  let local: TrackedStore;
  let other: Store;
  let following: StoreFollowing;
  let polled: () => Promise<void>;
  const reported: Array<readonly string[] | "all"> = [];

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "follow-"));
    const url = `sqlite:${path.join(dir, "feeds.db")}`;
    local = trackOwnWrites(await openStore(url, { clock: () => T0 }));
    other = await openStore(url, { clock: () => T0 });
    reported.length = 0;
    const counting = countingRevisionReads(local.store);
    polled = () => counting.polled();
    following = await followStoreChanges(
      counting.store,
      local.writes,
      (categories) => reported.push(categories),
      logger,
      POLL_MS,
    );
  });

  afterEach(async () => {
    await following.stop();
    await local.store.close();
    await other.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("ignores the revisions this process's own writes produced (bug: every local change flushed the whole render cache ~2 s later)", async () => {
    expect(following.reportsOwnChanges).toBe(false);
    const before = await local.store.revision();
    await local.store.commitRun(
      { sourceId: "a", at: T0 },
      [makeItem("urn:1", { sourceId: "a", categories: ["technology"] })],
      T0,
    );
    await local.store.setItemCategories([{ id: "urn:1", categories: ["world"] }], T0);
    await local.store.prune("a", { maxItemsPerSource: 0, maxAgeMs: Infinity }, T0);
    expect(await local.store.revision()).toBe(before + 3);
    await polled();
    expect(reported).toEqual([]);
  });

  it("still reports another process's commit, also when it lands among our own writes (`npm run collect` beside `npm start`)", async () => {
    await other.commitRun(
      { sourceId: "b", at: T0 },
      [makeItem("urn:foreign", { sourceId: "b", categories: ["world"] })],
      T0,
    );
    await local.store.commitRun(
      { sourceId: "a", at: T0 },
      [makeItem("urn:own", { sourceId: "a", categories: ["technology"] })],
      T0,
    );
    await polled();
    expect(reported).toEqual(["all"]);

    await other.commitRun(
      { sourceId: "b", at: T0 },
      [makeItem("urn:foreign-2", { sourceId: "b", categories: ["world"] })],
      T0,
    );
    await polled();
    expect(reported).toEqual(["all", "all"]);
  });
});

describe("createRevisionPoll", () => {
  it("looks again when one of our writes finished during its revision read (the generation check: without it the read missed our bump, the bump was counted anyway, and the next poll took our write for another process's)", async () => {
    const local = trackOwnWrites(await openStore("sqlite::memory:", { clock: () => T0 }));
    let duringRead: (() => Promise<unknown>) | undefined;
    // The revision is read, then our write commits and finishes before the poll looks at the result.
    const racing = new Proxy(local.store, {
      get(target, property) {
        if (property !== "revision") return Reflect.get(target, property) as unknown;
        return async (): Promise<number> => {
          const revision = await target.revision();
          const write = duringRead;
          duringRead = undefined;
          await write?.();
          return revision;
        };
      },
    });
    const reported: string[] = [];
    const poll = createRevisionPoll(racing, local.writes, () => reported.push("all"));
    try {
      await poll();
      const before = await local.store.revision();
      duringRead = () =>
        local.store.commitRun(
          { sourceId: "a", at: T0 },
          [makeItem("urn:own", { sourceId: "a", categories: ["world"] })],
          T0,
        );
      await poll();
      expect(duringRead).toBeUndefined();
      expect(await local.store.revision()).toBe(before + 1);
      await poll();
      await poll();
      expect(reported).toEqual([]);
    } finally {
      await local.store.close();
    }
  });
});
