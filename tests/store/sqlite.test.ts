import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openStore } from "../../src/store/open-store.js";
import { applyMigrations } from "../../src/store/sqlite/apply-migrations.js";
import { MIGRATIONS } from "../../src/store/sqlite/migrations.js";
import { registerSqlFunctions } from "../../src/store/sqlite/sql-functions.js";
import { openSqliteStore, type SqliteStore } from "../../src/store/sqlite/sqlite-store.js";
import { StoreError } from "../../src/store/store-error.js";
import type { StoreChange } from "../../src/store/store.js";
import { CHANGE_LOG_LENGTH } from "../../src/store/rows/change-log.js";
import { checkLegacyRekey } from "./legacy-ids.js";
import { checkStoryBackfill } from "./legacy-stories.js";
import { checkHostBackfill, LEGACY_SUBSCRIPTIONS_SQL } from "./legacy-subscriptions.js";
import { describeStoreContract, makeItem } from "./store-contract.js";

const clock = () => 1_700_000_000_000;

let dir: string;
let opened: Array<{ close(): Promise<void> }> = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "store-sqlite-"));
});

afterEach(async () => {
  for (const store of opened) await store.close();
  opened = [];
  rmSync(dir, { recursive: true, force: true });
});

async function openContractStore(): Promise<SqliteStore> {
  const store = openSqliteStore(join(dir, "contract.db"), { clock });
  await store.migrate();
  return store;
}

describeStoreContract("SQLite (temp file)", openContractStore, openContractStore);

describe("SQLite store", () => {
  it("waits for another process's write lock without blocking the event loop (soak: feed polls timed out behind `npm run collect`)", async () => {
    const path = join(dir, "busy.db");
    const store = openSqliteStore(path, { clock });
    opened.push(store);
    await store.migrate();
    // Another process (npm run collect) holds the write lock for 400 ms.
    const other = new Database(path);
    other.exec("BEGIN IMMEDIATE");
    const release = setTimeout(() => {
      other.exec("COMMIT");
      other.close();
    }, 400);
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 10);
    try {
      const started = performance.now();
      const result = await store.commitRun({ sourceId: "s", at: 1 }, [makeItem("waited")], 1);
      expect(result.inserted).toEqual(["waited"]);
      expect(performance.now() - started).toBeGreaterThanOrEqual(350);
      // SQLite's own busy wait would have frozen the loop for the whole 400 ms: no tick at all.
      expect(ticks).toBeGreaterThanOrEqual(10);
    } finally {
      clearInterval(ticker);
      clearTimeout(release);
    }
  });

  it("creates the parent directory and opens the file in WAL mode with foreign keys on", async () => {
    const path = join(dir, "nested", "deeper", "feeds.db");
    const store = openSqliteStore(path, { clock });
    opened.push(store);
    await store.migrate();
    await store.commitRun({ sourceId: "s", at: 1 }, [makeItem("a")], 1);

    const raw = new Database(path, { readonly: true });
    try {
      expect(raw.pragma("journal_mode", { simple: true })).toBe("wal");
      expect(raw.prepare("SELECT count(*) AS n FROM items").get()).toEqual({ n: 1 });
    } finally {
      raw.close();
    }
  });

  it("applies migrations once; migrating again is a no-op", async () => {
    const path = join(dir, "m.db");
    const first = openSqliteStore(path, { clock });
    await first.migrate();
    await first.commitRun({ sourceId: "s", at: 1 }, [makeItem("kept")], 1);
    await first.migrate();
    await first.close();

    const second = openSqliteStore(path, { clock: () => 42 });
    opened.push(second);
    await second.migrate();
    expect(await second.knownIds(["kept"])).toEqual(new Set(["kept"]));

    const raw = new Database(path, { readonly: true });
    try {
      const rows = raw.prepare("SELECT version, name, applied_at FROM schema_migrations ORDER BY version").all();
      expect(rows).toEqual(MIGRATIONS.map((m) => ({ version: m.version, name: m.name, applied_at: clock() })));
    } finally {
      raw.close();
    }
  });

  it("refuses a database migrated by a newer build", async () => {
    const path = join(dir, "newer.db");
    const store = openSqliteStore(path, { clock });
    await store.migrate();
    await store.close();
    const raw = new Database(path);
    raw
      .prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)")
      .run((MIGRATIONS.at(-1)?.version ?? 0) + 1, "future", 1);
    raw.close();

    const again = openSqliteStore(path, { clock });
    opened.push(again);
    await expect(again.migrate()).rejects.toThrow(/newer than this build/);
  });

  it("rekeys bare-guid ids stored before migration 4 as sources now mint them (cross-source guid merge)", async () => {
    const path = join(dir, "legacy.db");
    const raw = new Database(path);
    applyMigrations(raw, MIGRATIONS.slice(0, 3), 1);
    raw.close();
    const atVersion3 = openSqliteStore(path, { clock });
    opened.push(atVersion3);
    const upgraded = await checkLegacyRekey(atVersion3, async () => {
      await atVersion3.close();
      const store = openSqliteStore(path, { clock });
      await store.migrate();
      return store;
    });
    opened.push(upgraded);
  });

  it("gives items stored before migration 6 their stories, oldest first, when it opens", async () => {
    const path = join(dir, "pre-stories.db");
    const raw = new Database(path);
    registerSqlFunctions(raw); // migration 4 uses them
    applyMigrations(raw, MIGRATIONS.slice(0, 5), 1);
    raw.close();
    const atVersion5 = openSqliteStore(path, { clock });
    opened.push(atVersion5);
    const upgraded = await checkStoryBackfill(atVersion5, async () => {
      await atVersion5.close();
      const store = openSqliteStore(path, { clock });
      await store.migrate();
      return store;
    });
    opened.push(upgraded);
  });

  it("gives subscriptions stored before migration 7 their callback host", async () => {
    const path = join(dir, "pre-caps.db");
    const raw = new Database(path);
    registerSqlFunctions(raw);
    applyMigrations(raw, MIGRATIONS.slice(0, 6), 1);
    raw.exec(LEGACY_SUBSCRIPTIONS_SQL);
    raw.close();
    const store = openSqliteStore(path, { clock });
    opened.push(store);
    await store.migrate();
    await checkHostBackfill(store);
  });

  it("deletes a pruned item's category rows with it", async () => {
    const path = join(dir, "fk.db");
    const store = openSqliteStore(path, { clock });
    opened.push(store);
    await store.migrate();
    await store.commitRun(
      { sourceId: "s", at: 1 },
      [makeItem("gone", { sourceId: "s", categories: ["world", "technology"] })],
      1,
    );
    await store.prune("s", { maxItemsPerSource: 0, maxAgeMs: Infinity }, 1);

    const raw = new Database(path, { readonly: true });
    try {
      expect(raw.prepare("SELECT count(*) AS n FROM item_categories").get()).toEqual({ n: 0 });
    } finally {
      raw.close();
    }
  });

  it("rejects every call after close with a StoreError", async () => {
    const store = openSqliteStore(join(dir, "closed.db"), { clock });
    await store.migrate();
    await store.close();
    await expect(store.queryFeed({ categories: [], limit: 10, page: 1 })).rejects.toBeInstanceOf(StoreError);
    await expect(store.close()).resolves.toBeUndefined();
  });

  it("reports a database it cannot open as a StoreError naming the path", () => {
    const blocker = join(dir, "a-file");
    rmSync(blocker, { force: true });
    new Database(blocker).close();
    expect(() => openSqliteStore(join(blocker, "child.db"), { clock })).toThrow(StoreError);
    expect(() => openSqliteStore(join(blocker, "child.db"), { clock })).toThrow(/a-file/);
  });

  it("reclassifies 20,000 stored items in batches of 5,000", async () => {
    const store = openSqliteStore(join(dir, "big.db"), { clock });
    opened.push(store);
    await store.migrate();
    const total = 20_000;
    const items = Array.from({ length: total }, (_, n) =>
      makeItem(`big-${String(n).padStart(6, "0")}`, { sourceId: "s", published: n, categories: ["world"] }),
    );
    await store.commitRun({ sourceId: "s", at: 1 }, items, 1);

    let after: string | undefined;
    let walked = 0;
    let changed = new Set<string>();
    for (;;) {
      const batch = await store.listItemsForReclassification(after, 5_000);
      if (batch.length === 0) break;
      walked += batch.length;
      after = batch.at(-1)?.id;
      const result = await store.setItemCategories(
        batch.map((item) => ({
          id: item.id,
          // `big-N` was published at N.
          categories: Number(item.id.slice(4)) % 2 === 0 ? ["world", "technology"] : ["world"],
        })),
        2,
      );
      changed = new Set([...changed, ...result.changedCategories]);
    }
    expect(walked).toBe(total);
    expect([...changed].sort()).toEqual(["technology", "world"]);
    expect(await store.categoryStats()).toEqual([
      { slug: "technology", count: total / 2, newest: total - 2 },
      { slug: "world", count: total, newest: total - 1 },
    ]);
    // A bound on a stall, not a speed target (bench/scale measures that): 13-16 s on a loaded 2-core machine.
  }, 60_000);
});

describe("SQLite change log", () => {
  async function twoInstances(): Promise<{ store: SqliteStore; other: SqliteStore; path: string }> {
    const path = join(dir, "changes.db");
    const store = openSqliteStore(path, { clock });
    const other = openSqliteStore(path, { clock });
    opened.push(store, other);
    await store.migrate();
    await other.migrate();
    return { store, other, path };
  }

  /** `count` writes that each change one item's categories, alternating between two. */
  async function toggle(store: SqliteStore, count: number): Promise<void> {
    await store.commitRun({ sourceId: "s", at: 1 }, [makeItem("toggled", { sourceId: "s" })], 1);
    for (let n = 1; n < count; n++) {
      await store.setItemCategories([{ id: "toggled", categories: [n % 2 === 0 ? "world" : "technology"] }], 1);
    }
  }

  it(`keeps only the newest ${CHANGE_LOG_LENGTH} revisions, trimmed by each write`, async () => {
    const { store, path } = await twoInstances();
    await toggle(store, CHANGE_LOG_LENGTH + 5);
    const db = new Database(path, { readonly: true });
    try {
      expect(
        db.prepare("SELECT count(*) AS n, min(revision) AS oldest, max(revision) AS newest FROM store_changes").get(),
      ).toEqual({
        n: CHANGE_LOG_LENGTH,
        oldest: 6,
        newest: CHANGE_LOG_LENGTH + 5,
      });
    } finally {
      db.close();
    }
  });

  it("reports changes trimmed before a watcher read them as one change to every category", async () => {
    const { store, other } = await twoInstances();
    const seen: StoreChange[] = [];
    const watch = await store.watchChanges((change) => seen.push(change), { pollMs: 60_000 });
    try {
      await toggle(other, CHANGE_LOG_LENGTH + 1);
      await watch.checkNow();
      expect(seen).toEqual([{ revision: CHANGE_LOG_LENGTH + 1, categories: [], everyCategory: true, ours: false }]);
    } finally {
      await watch.stop();
    }
  });

  it("keeps up with its own writes, so a foreign change after many of them still names its categories", async () => {
    const { store, other } = await twoInstances();
    const seen: StoreChange[] = [];
    const watch = await store.watchChanges((change) => seen.push(change), { pollMs: 60_000 });
    try {
      await toggle(store, CHANGE_LOG_LENGTH + 1);
      await other.commitRun(
        { sourceId: "b", at: 1 },
        [makeItem("foreign", { sourceId: "b", categories: ["sport"] })],
        1,
      );
      await watch.checkNow();
      expect(seen.filter((change) => !change.ours)).toEqual([
        { revision: CHANGE_LOG_LENGTH + 2, categories: ["sport"], ours: false },
      ]);
    } finally {
      await watch.stop();
    }
  });
});

describe("openStore", () => {
  it("opens and migrates sqlite::memory:", async () => {
    const store = await openStore("sqlite::memory:", { clock });
    opened.push(store);
    await store.commitRun({ sourceId: "s", at: 1 }, [makeItem("m")], 1);
    expect(await store.knownIds(["m"])).toEqual(new Set(["m"]));
  });

  it("resolves a relative sqlite: path against the given cwd", async () => {
    const store = await openStore("sqlite:./data/feeds.db", { clock, cwd: dir });
    opened.push(store);
    await store.commitRun({ sourceId: "s", at: 1 }, [makeItem("f")], 1);
    const raw = new Database(join(dir, "data", "feeds.db"), { readonly: true });
    try {
      expect(raw.prepare("SELECT id FROM items").all()).toEqual([{ id: "f" }]);
    } finally {
      raw.close();
    }
  });

  it("names the accepted schemes for anything else, without echoing a password", async () => {
    const error = await openStore("mysql://root:hunter2@db/feeds", { clock }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreError);
    expect(String((error as Error).message)).toMatch(/sqlite:PATH.*postgres:\/\//);
    expect(String((error as Error).message)).not.toContain("hunter2");
    await expect(openStore("sqlite:", { clock })).rejects.toBeInstanceOf(StoreError);
  });
});
