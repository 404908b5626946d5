import type { SourceState } from "../../model/index.js";
import type { SourceRunRecord } from "../store.js";
import { StoreError } from "../store-error.js";
import { nextValue } from "./run-rules.js";

/** One row of `source_state`, as better-sqlite3 returns it. */
export interface SourceStateRow {
  readonly source_id: string;
  readonly last_run_at: number | null;
  readonly last_success_at: number | null;
  readonly last_error: string | null;
  readonly last_error_at: number | null;
  readonly consecutive_failures: number;
  readonly items_collected: number;
  readonly etag: string | null;
  readonly last_modified: string | null;
  readonly next_attempt_at: number | null;
  readonly warnings: string;
}

/**
 * Source health after a run, from the row before it: success resets the failure streak, the last
 * error stays as history; validators and the next attempt follow nextValue's rule.
 */
export function sourceStateAfterRun(
  previous: SourceStateRow | undefined,
  run: SourceRunRecord,
  inserted: number,
): SourceStateRow {
  const failed = run.error !== undefined;
  return {
    source_id: run.sourceId,
    last_run_at: run.at,
    last_success_at: failed ? (previous?.last_success_at ?? null) : run.at,
    last_error: failed ? (run.error ?? null) : (previous?.last_error ?? null),
    last_error_at: failed ? run.at : (previous?.last_error_at ?? null),
    consecutive_failures: failed ? (previous?.consecutive_failures ?? 0) + 1 : 0,
    items_collected: (previous?.items_collected ?? 0) + inserted,
    etag: nextValue(run.etag, previous?.etag ?? null),
    last_modified: nextValue(run.lastModified, previous?.last_modified ?? null),
    next_attempt_at: nextValue(run.nextAttemptAt, previous?.next_attempt_at ?? null),
    warnings: JSON.stringify(run.warnings ?? []),
  };
}

export function sourceStateFromRow(row: SourceStateRow): SourceState {
  return {
    sourceId: row.source_id,
    ...(row.last_run_at === null ? {} : { lastRunAt: row.last_run_at }),
    ...(row.last_success_at === null ? {} : { lastSuccessAt: row.last_success_at }),
    ...(row.last_error === null ? {} : { lastError: row.last_error }),
    ...(row.last_error_at === null ? {} : { lastErrorAt: row.last_error_at }),
    consecutiveFailures: row.consecutive_failures,
    itemsCollected: row.items_collected,
    ...(row.etag === null ? {} : { etag: row.etag }),
    ...(row.last_modified === null ? {} : { lastModified: row.last_modified }),
    ...(row.next_attempt_at === null ? {} : { nextAttemptAt: row.next_attempt_at }),
    warnings: warningsFrom(row),
  };
}

function warningsFrom(row: SourceStateRow): string[] {
  let value: unknown;
  try {
    value = JSON.parse(row.warnings);
  } catch (cause) {
    throw new StoreError(`store: source ${JSON.stringify(row.source_id)} has unreadable warnings`, { cause });
  }
  if (!Array.isArray(value) || !value.every((w): w is string => typeof w === "string")) {
    throw new StoreError(`store: source ${JSON.stringify(row.source_id)} has unreadable warnings`);
  }
  return value;
}
