import type { Pool, PoolClient } from "pg";
import type { EpochMs } from "../../model/index.js";
import { StoreError } from "../store-error.js";
import type { Migration } from "./migrations.js";
import { inTransaction } from "./transaction.js";

/**
 * Arbitrary but fixed: the advisory lock (database-wide, 64-bit key space shared with every
 * other user of pg_advisory_lock) that makes replicas starting at once migrate one at a time.
 */
export const MIGRATION_LOCK_KEY = 0x6e66_7000_0000_0001n;

/**
 * Apply every migration newer than the schema, in order, each in its own transaction with its
 * `schema_migrations` row. The transaction first takes MIGRATION_LOCK_KEY
 * (pg_advisory_xact_lock, released at COMMIT or ROLLBACK), so of several replicas starting at
 * once one applies a step and the others, waiting on the lock, then find it applied.
 */
export async function applyMigrations(pool: Pool, migrations: readonly Migration[], now: EpochMs): Promise<void> {
  checkOrder(migrations);
  const newest = migrations.at(-1)?.version ?? 0;
  for (const migration of migrations) {
    try {
      await inTransaction(pool, (client) => step(client, migration, newest, now));
    } catch (cause) {
      if (cause instanceof StoreError) throw cause;
      throw new StoreError(`store: migration ${migration.version} (${migration.name}) failed: ${describe(cause)}`, {
        cause,
      });
    }
  }
}

async function step(client: PoolClient, migration: Migration, newest: number, now: EpochMs): Promise<void> {
  await client.query("SELECT pg_advisory_xact_lock($1::bigint)", [MIGRATION_LOCK_KEY.toString()]);
  await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version     integer PRIMARY KEY,
    name        text NOT NULL,
    applied_at  bigint NOT NULL
  )`);
  const result = await client.query<{ version: number | null }>(
    "SELECT max(version) AS version FROM schema_migrations",
  );
  const applied = result.rows[0]?.version ?? 0;
  if (applied > newest) {
    throw new StoreError(
      `store: database schema version ${applied} is newer than this build knows (${newest}); upgrade the service`,
    );
  }
  if (migration.version <= applied) return;
  await client.query(migration.sql);
  await client.query("INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)", [
    migration.version,
    migration.name,
    now,
  ]);
}

function checkOrder(migrations: readonly Migration[]): void {
  migrations.forEach((migration, index) => {
    if (migration.version !== index + 1) {
      throw new StoreError(
        `store: migrations must be numbered 1, 2, 3… in order; found version ${migration.version} at position ${index + 1}`,
      );
    }
  });
}

function describe(cause: unknown): string {
  return cause instanceof Error ? cause.message : String(cause);
}
