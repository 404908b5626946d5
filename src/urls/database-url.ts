/**
 * DATABASE_URL, parsed once into what it names (docs/ARCHITECTURE.md "Environment"): settings read
 * it at start and the store opens it, so the scheme rules live here and nowhere else.
 */
export type DatabaseTarget =
  /** The embedded store: a file path as given (relative to the working directory), or `:memory:`. */
  | { readonly kind: "sqlite"; readonly path: string }
  /** A PostgreSQL connection URL (`postgres://…` or `postgresql://…`), credentials included. */
  | { readonly kind: "postgres"; readonly url: string };

/** Why a DATABASE_URL names no store, without the value (callers decide how much of it to show). */
export interface InvalidDatabaseUrl {
  readonly kind: "invalid";
  readonly reason: string;
}

const SQLITE = /^sqlite:/i;
const POSTGRES = /^postgres(ql)?:\/\//i;

/** `sqlite:PATH`, `sqlite::memory:`, `postgres://…` or `postgresql://…`; schemes in any case. */
export function parseDatabaseUrl(value: string): DatabaseTarget | InvalidDatabaseUrl {
  const url = value.trim();
  if (SQLITE.test(url)) {
    const path = url.slice("sqlite:".length);
    return path === ""
      ? { kind: "invalid", reason: "sqlite: needs a file path, like sqlite:./data/feeds.db" }
      : { kind: "sqlite", path };
  }
  if (POSTGRES.test(url)) return { kind: "postgres", url };
  return { kind: "invalid", reason: "must be sqlite:PATH (embedded), sqlite::memory: or postgres://…" };
}
