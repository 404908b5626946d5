import type pg from "pg";
import type { PoolClient } from "pg";
import type { EpochMs } from "../../model/index.js";
import type { CategoryDayCount, RecordedRun, SourceRunRecord } from "../store.js";
import { DAY_MS, recordedRunFromRow, RUN_HISTORY_LENGTH, runOutcome, type RunRow } from "../rows/run-history.js";

/*
 * What /status draws (migration 8 and the story tables): each source's newest runs and each
 * category's stories per UTC day; the same rules as the SQLite store (rows/run-history.ts).
 */

/** Append one run and drop that source's runs beyond the bound; call inside the run's transaction. */
export async function recordRunHistory(
  client: PoolClient,
  run: SourceRunRecord,
  inserted: number,
  updated: number,
): Promise<void> {
  await client.query(
    `INSERT INTO source_runs (source_id, finished_at, outcome, inserted, updated) VALUES ($1, $2, $3, $4, $5)`,
    [run.sourceId, run.at, runOutcome(run), inserted, updated],
  );
  // Ids grow with every insert, so "newest" is the highest id, whatever clocks said.
  await client.query(
    `DELETE FROM source_runs WHERE source_id = $1 AND id NOT IN
       (SELECT id FROM source_runs WHERE source_id = $1 ORDER BY id DESC LIMIT $2)`,
    [run.sourceId, RUN_HISTORY_LENGTH],
  );
}

export async function recentRuns(db: pg.Pool): Promise<RecordedRun[]> {
  const result = await db.query<RunRow>(
    `SELECT source_id, finished_at, outcome, inserted, updated FROM (
       SELECT *, row_number() OVER (PARTITION BY source_id ORDER BY id DESC) AS n FROM source_runs
     ) r WHERE n <= $1 ORDER BY source_id, id DESC`,
    [RUN_HISTORY_LENGTH],
  );
  return result.rows.map(recordedRunFromRow);
}

export async function itemsPerDay(db: pg.Pool, since: EpochMs): Promise<CategoryDayCount[]> {
  const result = await db.query<CategoryDayCount>(
    `SELECT slug, day, count(*) AS count FROM (
       SELECT slug, (published / $2::bigint) * $2::bigint AS day FROM story_categories WHERE published >= $1
     ) d GROUP BY slug, day ORDER BY slug, day`,
    [Math.floor(since / DAY_MS) * DAY_MS, DAY_MS],
  );
  return result.rows;
}
