import type Database from "better-sqlite3";
import { trimmedThrough, type ChangeEntry, type ChangeRow } from "../rows/change-log.js";

/** What a watcher reads in one snapshot: the revision now and the log rows after the one it saw. */
export interface ChangesRead {
  readonly revision: number;
  readonly rows: readonly ChangeRow[];
}

/**
 * The statements on store_changes (migration 10), prepared on first use like the run history's:
 * a handle over an older schema (the migration tests write legacy rows through one) has no log.
 */
export class SqliteChangeLog {
  readonly #db: Database.Database;
  readonly #sql;

  constructor(db: Database.Database) {
    this.#db = db;
    this.#sql = {
      bumpRevision: db
        .prepare<[], number>("UPDATE store_revision SET revision = revision + 1 WHERE id = 1 RETURNING revision")
        .pluck(),
      append: db.prepare<[{ revision: number; categories: string; every: number; writer: string; at: number }]>(
        `INSERT INTO store_changes (revision, categories, every_category, writer, written_at)
         VALUES (@revision, @categories, @every, @writer, @at)`,
      ),
      trim: db.prepare<[number]>("DELETE FROM store_changes WHERE revision <= ?"),
      revision: db.prepare<[], number>("SELECT revision FROM store_revision WHERE id = 1").pluck(),
      rowsAfter: db.prepare<[number], ChangeRow>(
        "SELECT revision, categories, every_category, writer FROM store_changes WHERE revision > ? ORDER BY revision",
      ),
      // Moves when another connection commits to the file, never for this one's own commits
      // (sqlite.org/pragma.html#pragma_data_version): a check that finds it unchanged reads nothing else.
      dataVersion: db.prepare<[], number>("PRAGMA data_version").pluck(),
    };
  }

  /** Inside a write's transaction: bump the revision; returns the new one. */
  bump(): number {
    return this.#sql.bumpRevision.get() ?? 0;
  }

  /** Inside the same transaction: log the change and drop what fell beyond the bound. */
  append(entry: ChangeEntry): void {
    this.#sql.append.run({
      revision: entry.revision,
      categories: JSON.stringify(entry.categories),
      every: entry.everyCategory ? 1 : 0,
      writer: entry.writer,
      at: entry.at,
    });
    this.#sql.trim.run(trimmedThrough(entry.revision));
  }

  /** This connection's view of other connections' commits: equal values mean none committed in between. */
  dataVersion(): number {
    return this.#sql.dataVersion.get() ?? 0;
  }

  /** The revision and the rows after `seen`, in one read transaction so they agree. */
  readAfter(seen: number): ChangesRead {
    return this.#db.transaction(() => ({
      revision: this.#sql.revision.get() ?? 0,
      rows: this.#sql.rowsAfter.all(seen),
    }))();
  }
}
