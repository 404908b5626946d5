import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { applyMigrations } from "../../src/store/sqlite/apply-migrations.js";
import { MIGRATIONS } from "../../src/store/sqlite/migrations.js";
import { registerSqlFunctions } from "../../src/store/sqlite/sql-functions.js";
import { REMOVED_AFTER_SQL, STATES_AFTER_SQL } from "../../src/store/sqlite/state-versions.js";

describe("SQLite reads of changed source states stay index ranges (max-age once a second, issue 12)", () => {
  let db: Database.Database;

  beforeEach(() => {
    db = new Database(":memory:");
    registerSqlFunctions(db);
    applyMigrations(db, MIGRATIONS, Date.UTC(2026, 0, 15));
  });

  afterEach(() => db.close());

  const plan = (sql: string): string[] =>
    db
      .prepare<[number], { detail: string }>(`EXPLAIN QUERY PLAN ${sql}`)
      .all(7)
      .map((row) => row.detail);

  // A scan in source id order read all 10,000 rows to find that none changed.
  it.each([
    ["states", STATES_AFTER_SQL, "source_state", "source_state_version"],
    ["deletions", REMOVED_AFTER_SQL, "source_state_deletions", "source_state_deletions_version"],
  ])("finds the %s after a version through the version index, in its order", (_what, sql, table, index) => {
    expect(plan(sql)).toEqual([
      expect.stringMatching(new RegExp(`^SEARCH ${table} USING (COVERING )?INDEX ${index} \\(state_version>\\?\\)$`)),
    ]);
  });
});
