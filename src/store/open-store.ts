import { resolve } from "node:path";
import type { Clock } from "../model/index.js";
import { openPostgresStore } from "./postgres/postgres-store.js";
import { parseDatabaseUrl, type DatabaseTarget } from "../urls/database-url.js";
import { redactUrl } from "./redact-url.js";
import { openSqliteStore } from "./sqlite/sqlite-store.js";
import type { Store } from "./store.js";
import { StoreError } from "./store-error.js";

export interface OpenStoreOptions {
  readonly clock: Clock;
  /** Directory a relative `sqlite:PATH` is resolved against; the composition root passes process.cwd(). */
  readonly cwd?: string;
}

const MEMORY = ":memory:";

/**
 * Open the store a DATABASE_URL names (settings parse it, urls/database-url.ts) and bring its
 * schema up to date. A string is parsed by the same rule, for tests and tools that name a store.
 */
export async function openStore(database: DatabaseTarget | string, opts: OpenStoreOptions): Promise<Store> {
  const target = typeof database === "string" ? parsed(database) : database;
  switch (target.kind) {
    case "sqlite":
      return migrated(
        openSqliteStore(target.path === MEMORY ? MEMORY : resolve(opts.cwd ?? process.cwd(), target.path), {
          clock: opts.clock,
        }),
      );
    case "postgres":
      return migrated(await openPostgresStore(target.url, { clock: opts.clock }));
  }
}

function parsed(databaseUrl: string): DatabaseTarget {
  const target = parseDatabaseUrl(databaseUrl);
  if (target.kind === "invalid") {
    throw new StoreError(`store: DATABASE_URL ${target.reason}, got "${redactUrl(databaseUrl)}"`);
  }
  return target;
}

/** Bring the schema up to date, closing the store if that fails. */
async function migrated(store: Store): Promise<Store> {
  try {
    await store.migrate();
  } catch (cause) {
    await store.close();
    throw cause;
  }
  return store;
}
