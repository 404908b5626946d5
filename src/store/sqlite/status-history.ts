import type Database from "better-sqlite3";
import type { EpochMs } from "../../model/index.js";
import type { CategoryDayCount, RecordedRun, SourceRunRecord } from "../store.js";
import { DAY_MS, recordedRunFromRow, RUN_HISTORY_LENGTH, runOutcome, type RunRow } from "../rows/run-history.js";

/**
 * What /status draws (migration 8 and the story tables): each source's newest runs and each
 * category's stories per UTC day. Statements are prepared on first use, like the departures, so a
 * handle over an older schema still does everything that schema supports.
 */
export class SqliteStatusHistory {
  readonly #sql: ReturnType<typeof prepare>;

  constructor(db: Database.Database) {
    this.#sql = prepare(db);
  }

  /** Append one run and drop that source's runs beyond the bound; call inside the run's transaction. */
  record(run: SourceRunRecord, inserted: number, updated: number): void {
    this.#sql.insert.run({
      source_id: run.sourceId,
      finished_at: run.at,
      outcome: runOutcome(run),
      inserted,
      updated,
    });
    this.#sql.trim.run(run.sourceId, run.sourceId, RUN_HISTORY_LENGTH);
  }

  recent(): RecordedRun[] {
    return this.#sql.recent.all(RUN_HISTORY_LENGTH).map(recordedRunFromRow);
  }

  itemsPerDay(since: EpochMs): CategoryDayCount[] {
    return this.#sql.perDay.all({ since: Math.floor(since / DAY_MS) * DAY_MS });
  }
}

function prepare(db: Database.Database) {
  return {
    insert: db.prepare<[RunRow]>(
      `INSERT INTO source_runs (source_id, finished_at, outcome, inserted, updated)
       VALUES (@source_id, @finished_at, @outcome, @inserted, @updated)`,
    ),
    // Ids grow with every insert, so "newest" is the highest id, whatever clocks said.
    trim: db.prepare<[string, string, number]>(
      `DELETE FROM source_runs WHERE source_id = ? AND id NOT IN
         (SELECT id FROM source_runs WHERE source_id = ? ORDER BY id DESC LIMIT ?)`,
    ),
    recent: db.prepare<[number], RunRow>(
      `SELECT source_id, finished_at, outcome, inserted, updated FROM (
         SELECT *, row_number() OVER (PARTITION BY source_id ORDER BY id DESC) AS n FROM source_runs
       ) WHERE n <= ? ORDER BY source_id, id DESC`,
    ),
    // The day length is a literal: a bound JS number is a REAL to SQLite, and REAL division is not whole days.
    perDay: db.prepare<[{ since: number }], CategoryDayCount>(
      `SELECT slug, day, count(*) AS count FROM (
         SELECT slug, (published / ${DAY_MS}) * ${DAY_MS} AS day FROM story_categories WHERE published >= @since
       ) GROUP BY slug, day ORDER BY slug, day`,
    ),
  };
}
