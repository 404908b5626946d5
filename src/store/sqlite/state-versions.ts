import type Database from "better-sqlite3";
import { sourceStateFromRow, type SourceStateRow } from "../rows/source-state-row.js";
import type { SourceStateChanges } from "../store.js";

/**
 * What max-age reads once a second (src/app/freshness.ts). Ordered by version so the version
 * index serves both the range and the order: ordered by source id, SQLite walked the primary key
 * through all 10,000 rows to find none changed (about 1 ms; tests/store/state-version-plans.test.ts).
 */
export const STATES_AFTER_SQL = "SELECT * FROM source_state WHERE state_version > ? ORDER BY state_version";
export const REMOVED_AFTER_SQL =
  "SELECT source_id FROM source_state_deletions WHERE state_version > ? ORDER BY state_version";

/**
 * The statements on source state versions (migration 11), prepared on first use like the change
 * log's: a handle over an older schema (the migration tests write legacy rows through one) has none.
 * SQLite has one writer at a time, so versions are taken and committed in order.
 */
export class SqliteStateVersions {
  readonly #db: Database.Database;
  readonly #sql;

  constructor(db: Database.Database) {
    this.#db = db;
    this.#sql = {
      bump: db
        .prepare<[], number>(
          "UPDATE store_revision SET state_version = state_version + 1 WHERE id = 1 RETURNING state_version",
        )
        .pluck(),
      stamp: db.prepare<[number, string]>("UPDATE source_state SET state_version = ? WHERE source_id = ?"),
      recordDeletion: db.prepare<[string, number]>(
        `INSERT INTO source_state_deletions (source_id, state_version) VALUES (?, ?)
         ON CONFLICT (source_id) DO UPDATE SET state_version = excluded.state_version`,
      ),
      version: db.prepare<[], number>("SELECT state_version FROM store_revision WHERE id = 1").pluck(),
      statesAfter: db.prepare<[number], SourceStateRow>(STATES_AFTER_SQL),
      removedAfter: db.prepare<[number], string>(REMOVED_AFTER_SQL).pluck(),
    };
  }

  /** Inside the write that just saved this source's state: give the row the next version. */
  written(sourceId: string): void {
    this.#sql.stamp.run(this.#sql.bump.get() ?? 0, sourceId);
  }

  /** Inside the write that just deleted this source's state: record the deletion at the next version. */
  deleted(sourceId: string): void {
    this.#sql.recordDeletion.run(sourceId, this.#sql.bump.get() ?? 0);
  }

  /** The states written and deleted after `since`, in one read transaction so they agree with the version. */
  changesSince(since: number): SourceStateChanges {
    return this.#db.transaction(() => ({
      version: this.#sql.version.get() ?? 0,
      states: this.#sql.statesAfter.all(since).map(sourceStateFromRow),
      removed: this.#sql.removedAfter.all(since),
    }))();
  }
}
