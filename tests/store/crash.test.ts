import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compileEntries, type CompiledSrc } from "../compiled-src.js";
import type { ClassifiedItem, StoredItem } from "../../src/model/index.js";
import { storedItemFromRow, type ItemRow } from "../../src/store/rows/item-row.js";
import { openSqliteStore } from "../../src/store/sqlite/sqlite-store.js";

/**
 * Kill -9 a process in the middle of committing runs, several times, and check that every
 * reopened database is intact and holds only whole runs: commitRun is one transaction.
 */

const childScript = join(import.meta.dirname, "crash-child.mjs");
const PER_RUN = 150;
const KILLS = 6;

let work: string;
let compiled: CompiledSrc | undefined;
let compiledStore: string;

/** The child runs the real store (and the model it imports), compiled once. */
beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), "store-crash-"));
  compiled = await compileEntries("store-crash-build-", ["src/store/sqlite/sqlite-store.ts"]);
  compiledStore = join(compiled.out, "store/sqlite/sqlite-store.js");
}, 120_000);

afterAll(() => {
  compiled?.remove();
  if (work) rmSync(work, { recursive: true, force: true });
});

function startChild(
  database: string,
  maxRuns: number,
): { child: ChildProcess; commits: () => number; exited: Promise<number | null> } {
  const child = spawn(process.execPath, [childScript, compiledStore, database, String(PER_RUN), String(maxRuns)], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let commits = 0;
  let stderr = "";
  child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
    commits += chunk.split("\n").filter((line) => line.startsWith("committed ")).length;
  });
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
    stderr += chunk;
  });
  const exited = new Promise<number | null>((resolveExit, reject) => {
    child.on("error", reject);
    child.on("exit", (code, signal) => {
      if (code !== 0 && signal !== "SIGKILL") reject(new Error(`crash child failed (${code}): ${stderr}`));
      else resolveExit(code);
    });
  });
  return { child, commits: () => commits, exited };
}

async function until(condition: () => boolean, exited: Promise<unknown>): Promise<void> {
  let done = false;
  void exited.finally(() => {
    done = true;
  });
  while (!condition()) {
    if (done) throw new Error("crash child exited before it was killed");
    await new Promise((r) => setTimeout(r, 2));
  }
}

interface Verified {
  readonly runs: number;
}

/** The database holds whole runs only, each consistent with the runs committed before it. */
function verify(database: string): Verified {
  const db = new Database(database);
  try {
    expect(db.pragma("integrity_check", { simple: true })).toBe("ok");
    expect(db.pragma("foreign_key_check")).toEqual([]);

    const state = db
      .prepare<[], { items_collected: number }>("SELECT items_collected FROM source_state WHERE source_id = 'crash'")
      .get();
    const count = db.prepare<[], number>("SELECT count(*) FROM items").pluck().get() ?? -1;
    expect(count % PER_RUN).toBe(0);
    expect(state?.items_collected ?? 0).toBe(count);
    const runs = count / PER_RUN;
    // One revision per committed run: every run changed items.
    expect(db.prepare<[], number>("SELECT revision FROM store_revision").pluck().get()).toBe(runs);
    expect(db.prepare<[], number>("SELECT count(*) FROM item_sources").pluck().get()).toBe(count);

    const rows = db
      .prepare<[], { id: string; slugs: string | null }>(
        `SELECT i.id, (SELECT group_concat(slug, ',') FROM (SELECT slug FROM item_categories c WHERE c.item_id = i.id ORDER BY slug)) AS slugs
         FROM items i`,
      )
      .all();
    const bad = rows.filter(({ id, slugs }) => {
      const match = /^run-(\d+)-(\d+)$/.exec(id);
      if (!match) return true;
      const run = Number(match[1]);
      const index = Number(match[2]);
      const expected = run < runs - 1 ? `c${index % 3},seen-again` : `c${index % 3}`;
      return run >= runs || index >= PER_RUN || slugs !== expected;
    });
    expect(bad).toEqual([]);
    return { runs };
  } finally {
    db.close();
  }
}

/** Every stored item in full, as the store reads a feed's rows (its reclassification walk reads less). */
function storedItems(database: string): StoredItem[] {
  const db = new Database(database, { readonly: true });
  try {
    const slugs = db
      .prepare<[string], string>("SELECT slug FROM item_categories WHERE item_id = ? ORDER BY slug")
      .pluck();
    return db
      .prepare<[], ItemRow>("SELECT * FROM items ORDER BY id")
      .all()
      .map((row) => storedItemFromRow(row, slugs.all(row.id)));
  } finally {
    db.close();
  }
}

describe("SQLite store under kill -9", () => {
  it("keeps every run whole across repeated crashes and resumes without duplicates", async () => {
    const database = join(work, "crash.db");
    let lastRuns = 0;

    for (let kill = 0; kill < KILLS; kill += 1) {
      const { child, commits, exited } = startChild(database, 10_000);
      const target = 1 + Math.floor(Math.random() * 4);
      await until(() => commits() >= target, exited);
      await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 15)));
      child.kill("SIGKILL");
      await exited;

      const { runs } = verify(database);
      expect(runs).toBeGreaterThanOrEqual(lastRuns + target);
      lastRuns = runs;
    }

    // A clean pass after the last crash commits exactly one more whole run.
    const final = startChild(database, 1);
    expect(await final.exited).toBe(0);
    expect(verify(database).runs).toBe(lastRuns + 1);

    // Re-committing everything the store holds, as it now stands, changes nothing and adds no row.
    const store = openSqliteStore(database);
    try {
      await store.migrate();
      const revision = await store.revision();
      // The child gave no upstream `updated`; the stored one is resolved, so leave it out again.
      const stored: ClassifiedItem[] = storedItems(database).map(({ updated: _resolved, ...item }) => item);
      const result = await store.commitRun({ sourceId: "crash", at: 1e9 }, stored, 1e9);
      expect(result).toMatchObject({ inserted: [], updated: [], unchanged: stored.length });
      expect(await store.revision()).toBe(revision);
      expect(stored.length).toBe((lastRuns + 1) * PER_RUN);
    } finally {
      await store.close();
    }
  }, 120_000);
});
