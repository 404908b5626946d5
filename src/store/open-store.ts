import { resolve } from "node:path";
import type { Clock } from "../model/index.js";
import { openPostgresStore } from "./postgres/postgres-store.js";
import { redactUrl } from "./redact-url.js";
import { openSqliteStore } from "./sqlite/sqlite-store.js";
import type { Store } from "./store.js";
import { StoreError } from "./store-error.js";

export interface OpenStoreOptions {
  readonly clock: Clock;
  /** Directory a relative `sqlite:PATH` is resolved against; the composition root passes process.cwd(). */
  readonly cwd?: string;
}

const SQLITE_PREFIX = "sqlite:";
const MEMORY = ":memory:";

/**
 * Open the store a DATABASE_URL names and bring its schema up to date:
 * `sqlite:PATH` (relative to cwd), `sqlite::memory:`, or `postgres://…` / `postgresql://…`.
 */
export async function openStore(databaseUrl: string, opts: OpenStoreOptions): Promise<Store> {
  const url = databaseUrl.trim();
  if (url.startsWith(SQLITE_PREFIX)) {
    const path = url.slice(SQLITE_PREFIX.length);
    if (path === "")
      throw new StoreError(`store: DATABASE_URL "${databaseUrl}" names no file; use sqlite:./data/feeds.db`);
    const store = openSqliteStore(path === MEMORY ? MEMORY : resolve(opts.cwd ?? process.cwd(), path), {
      clock: opts.clock,
    });
    return migrated(store);
  }
  if (/^postgres(ql)?:\/\//i.test(url)) {
    return migrated(await openPostgresStore(url, { clock: opts.clock }));
  }
  throw new StoreError(
    `store: unsupported DATABASE_URL "${redactUrl(databaseUrl)}"; expected sqlite:PATH, sqlite::memory: or postgres://…`,
  );
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
