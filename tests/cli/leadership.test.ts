import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import pino from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { followStoreChanges, type StoreFollowing } from "../../src/cli/leadership.js";
import { trackOwnWrites, type TrackedStore } from "../../src/cli/own-writes.js";
import { openStore } from "../../src/store/open-store.js";
import type { Store } from "../../src/store/store.js";
import { makeItem } from "../store/store-contract.js";

const T0 = Date.parse("2026-11-25T10:00:00Z");
const POLL_MS = 10;
const logger = pino({ level: "silent" });
const settle = (ms = POLL_MS * 8): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe("followStoreChanges over SQLite (revision polling)", () => {
  let dir: string;
  let local: TrackedStore;
  let other: Store;
  let following: StoreFollowing;
  const reported: Array<readonly string[] | "all"> = [];

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "follow-"));
    const url = `sqlite:${path.join(dir, "feeds.db")}`;
    local = trackOwnWrites(await openStore(url, { clock: () => T0 }));
    other = await openStore(url, { clock: () => T0 });
    reported.length = 0;
    following = await followStoreChanges(
      local.store,
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
    await settle();
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
    await settle();
    expect(reported).toEqual(["all"]);

    await other.commitRun(
      { sourceId: "b", at: T0 },
      [makeItem("urn:foreign-2", { sourceId: "b", categories: ["world"] })],
      T0,
    );
    await settle();
    expect(reported).toEqual(["all", "all"]);
  });
});
