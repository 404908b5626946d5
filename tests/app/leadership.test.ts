import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import pino from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { followStoreChanges } from "../../src/app/leadership.js";
import { openStore } from "../../src/store/open-store.js";
import type { ChangeWatch, Store } from "../../src/store/store.js";
import { makeItem } from "../store/store-contract.js";

const T0 = Date.parse("2026-11-25T10:00:00Z");
const logger = pino({ level: "silent" });

describe("followStoreChanges over one SQLite file shared by two store instances", () => {
  let dir: string;
  let local: Store;
  let other: Store;
  let following: ChangeWatch;
  const reported: Array<readonly string[] | "all"> = [];
  let reportedOne: (() => void) | undefined;

  /** Start following; a long poll, so every report below comes from checkNow or a commit, not a timer. */
  async function follow(pollMs = 60_000): Promise<void> {
    following = await followStoreChanges(
      local,
      (categories) => {
        reported.push(categories);
        reportedOne?.();
      },
      logger,
      pollMs,
    );
  }

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "follow-"));
    const url = `sqlite:${path.join(dir, "feeds.db")}`;
    local = await openStore(url, { clock: () => T0 });
    other = await openStore(url, { clock: () => T0 });
    reported.length = 0;
    reportedOne = undefined;
  });

  afterEach(async () => {
    await following.stop();
    await local.close();
    await other.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("leaves out this instance's own writes (the runtime invalidated them as it made them: render once per change)", async () => {
    await follow();
    await local.commitRun(
      { sourceId: "a", at: T0 },
      [makeItem("urn:1", { sourceId: "a", categories: ["technology"] })],
      T0,
    );
    await local.setItemCategories([{ id: "urn:1", categories: ["world"] }], T0);
    await local.prune("a", { maxItemsPerSource: 0, maxAgeMs: Infinity }, T0);
    await other.commitRun(
      { sourceId: "b", at: T0 },
      [makeItem("urn:2", { sourceId: "b", categories: ["morocco-economy"] })],
      T0,
    );
    await following.checkNow();
    expect(reported).toEqual([["morocco-economy"]]);
  });

  it("reports another process's commit as its categories only, also when it lands among our own writes (`npm run collect` beside `npm start`)", async () => {
    await follow();
    await local.commitRun(
      { sourceId: "a", at: T0 },
      [makeItem("urn:own", { sourceId: "a", categories: ["technology"] })],
      T0,
    );
    await other.commitRun(
      { sourceId: "b", at: T0 },
      [makeItem("urn:foreign", { sourceId: "b", categories: ["world"] })],
      T0,
    );
    // Our write after the foreign one: its revision is not the next after what the watch saw.
    await local.commitRun(
      { sourceId: "a", at: T0 },
      [makeItem("urn:own-2", { sourceId: "a", categories: ["technology"] })],
      T0,
    );
    await following.checkNow();
    expect(reported).toEqual([["world"]]);

    await other.commitRun(
      { sourceId: "b", at: T0 },
      [makeItem("urn:foreign-2", { sourceId: "b", categories: ["morocco-economy"] })],
      T0,
    );
    await following.checkNow();
    expect(reported).toEqual([["world"], ["morocco-economy"]]);
  });

  it("finds another process's commit on its own, every pollMs", async () => {
    await follow(10);
    const heard = new Promise<void>((resolve) => (reportedOne = resolve));
    await other.commitRun({ sourceId: "b", at: T0 }, [makeItem("urn:f", { sourceId: "b", categories: ["world"] })], T0);
    await heard;
    expect(reported).toEqual([["world"]]);
  });
});

describe("followStoreChanges when the store cannot be read", () => {
  it("logs a failed checkNow instead of rejecting (bug: the cluster relay's `void checkNow()` would crash the process)", async () => {
    const warnings: unknown[] = [];
    const watching = pino({ level: "warn" }, { write: (line: string) => void warnings.push(JSON.parse(line)) });
    const store = {
      watchChanges: async () => ({
        pushed: false,
        checkNow: () => Promise.reject(new Error("store: connection lost")),
        stop: async () => undefined,
      }),
    } as unknown as Store;
    const watch = await followStoreChanges(store, () => undefined, watching);
    await expect(watch.checkNow()).resolves.toBeUndefined();
    expect(warnings).toMatchObject([
      { msg: "could not check the store for changes", err: { message: "store: connection lost" } },
    ]);
  });
});
