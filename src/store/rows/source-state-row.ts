import type { SourceState } from "../../model/index.js";
import { StoreError } from "../store-error.js";

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
