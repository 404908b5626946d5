import type { Pool, PoolClient } from "pg";
import { sourceStateFromRow, type SourceStateRow } from "../rows/source-state-row.js";
import type { SourceStateChanges } from "../store.js";
import { inTransaction } from "./transaction.js";

/**
 * The version a state write takes (migration 11). Called inside a write, which holds the
 * store_revision row lock until COMMIT (PostgresStore #write): writers take versions one at a
 * time and commit in that order. A sequence would not do: a transaction could take 7, commit
 * after another took and committed 8, and a reader that had seen 8 would never ask for 7.
 */
async function nextVersion(client: PoolClient): Promise<number> {
  const bumped = await client.query<{ state_version: number }>(
    "UPDATE store_revision SET state_version = state_version + 1 WHERE id = 1 RETURNING state_version",
  );
  return bumped.rows[0]?.state_version ?? 0;
}

/** Inside the write that just saved this source's state: give the row the next version. */
export async function stampWrittenState(client: PoolClient, sourceId: string): Promise<void> {
  await client.query("UPDATE source_state SET state_version = $1 WHERE source_id = $2", [
    await nextVersion(client),
    sourceId,
  ]);
}

/** Inside the write that just deleted this source's state: record the deletion at the next version. */
export async function recordDeletedState(client: PoolClient, sourceId: string): Promise<void> {
  await client.query(
    `INSERT INTO source_state_deletions (source_id, state_version) VALUES ($1, $2)
     ON CONFLICT (source_id) DO UPDATE SET state_version = excluded.state_version`,
    [sourceId, await nextVersion(client)],
  );
}

/** The states written and deleted after `since`, in one snapshot (REPEATABLE READ) so they agree with the version. */
export async function stateChangesSince(pool: Pool, columns: string, since: number): Promise<SourceStateChanges> {
  return inTransaction(pool, async (client) => {
    await client.query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY");
    const version = await client.query<{ state_version: number }>(
      "SELECT state_version FROM store_revision WHERE id = 1",
    );
    const states = await client.query<SourceStateRow>(
      `SELECT ${columns} FROM source_state WHERE state_version > $1 ORDER BY state_version`,
      [since],
    );
    const removed = await client.query<{ source_id: string }>(
      "SELECT source_id FROM source_state_deletions WHERE state_version > $1 ORDER BY state_version",
      [since],
    );
    return {
      version: version.rows[0]?.state_version ?? 0,
      states: states.rows.map(sourceStateFromRow),
      removed: removed.rows.map((row) => row.source_id),
    };
  });
}
