/**
 * The bounded run history behind /status's per-source charts (migration 8). Both stores keep the
 * newest RUN_HISTORY_LENGTH runs per source, written in the same transaction as the run commit,
 * so the history never shows a run whose items were rolled back.
 */
import type { RecordedRun, RunOutcome, SourceRunRecord } from "../store.js";
import { StoreError } from "../store-error.js";

/** Enough for a chart of a day of 10-minute runs' worth of trend; small enough to never need pruning jobs. */
export const RUN_HISTORY_LENGTH = 30;

/** A failure wins over a 304: a run that errored after a not-modified answer still failed. */
export function runOutcome(run: SourceRunRecord): RunOutcome {
  if (run.error !== undefined) return "failed";
  return run.notModified === true ? "not-modified" : "ok";
}

function isRunOutcome(value: string): value is RunOutcome {
  return value === "ok" || value === "failed" || value === "not-modified";
}

/** One UTC day: items per day are counted on UTC days in both stores, whatever the server's zone. */
export const DAY_MS = 24 * 60 * 60 * 1000;

/** A source_runs row as both stores read it (bigints arrive as numbers, see postgres/type-parsers.ts). */
export interface RunRow {
  readonly source_id: string;
  readonly finished_at: number;
  readonly outcome: string;
  readonly inserted: number;
  readonly updated: number;
}

export function recordedRunFromRow(row: RunRow): RecordedRun {
  if (!isRunOutcome(row.outcome)) {
    throw new StoreError(`store: source_runs row of ${JSON.stringify(row.source_id)} has outcome ${row.outcome}`);
  }
  return {
    sourceId: row.source_id,
    finishedAt: row.finished_at,
    outcome: row.outcome,
    inserted: row.inserted,
    updated: row.updated,
  };
}
