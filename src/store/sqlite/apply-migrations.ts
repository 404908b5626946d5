import type Database from "better-sqlite3";
import type { EpochMs } from "../../model/index.js";
import { StoreError } from "../store-error.js";
import type { Migration } from "./migrations.js";

/**
 * Apply every migration newer than the database, in order, each in its own IMMEDIATE
 * transaction together with its `schema_migrations` row, so a crash leaves the database at a
 * whole version and two processes starting at once cannot both apply the same step.
 */
export function applyMigrations(db: Database.Database, migrations: readonly Migration[], now: EpochMs): void {
  checkOrder(migrations);
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version     INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    applied_at  INTEGER NOT NULL
  ) STRICT`);
  const current = db.prepare<[], { version: number | null }>("SELECT max(version) AS version FROM schema_migrations");
  const record = db.prepare<[number, string, number]>(
    "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
  );
  const newest = migrations.at(-1)?.version ?? 0;
  for (const migration of migrations) {
    const step = db.transaction(() => {
      const applied = current.get()?.version ?? 0;
      if (applied > newest) {
        throw new StoreError(
          `store: database schema version ${applied} is newer than this build knows (${newest}); upgrade the service`,
        );
      }
      if (migration.version <= applied) return;
      db.exec(migration.sql);
      record.run(migration.version, migration.name, now);
    });
    try {
      step.immediate();
    } catch (cause) {
      if (cause instanceof StoreError) throw cause;
      throw new StoreError(`store: migration ${migration.version} (${migration.name}) failed`, { cause });
    }
  }
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
