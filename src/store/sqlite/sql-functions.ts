import { createHash } from "node:crypto";
import type Database from "better-sqlite3";
import { callbackHost } from "../../urls/callback-host.js";

/**
 * SQL functions SQLite lacks and the migrations use (PostgreSQL has both built in): REGEXP
 * (sqlite.org/lang_expr.html#regexp: `X REGEXP Y` calls regexp(Y, X)), with JavaScript syntax,
 * sha256_hex(text), the hex SHA-256 of the text's UTF-8 bytes, and url_hostname(text), a URL's
 * host name by the WHATWG rules (src/urls/callback-host.ts). Register before migrating.
 */
export function registerSqlFunctions(db: Database.Database): void {
  const compiled = new Map<string, RegExp>();
  db.function("regexp", { deterministic: true }, (pattern: unknown, value: unknown) => {
    if (typeof pattern !== "string" || typeof value !== "string") return null;
    let regexp = compiled.get(pattern);
    if (regexp === undefined) {
      regexp = new RegExp(pattern);
      compiled.set(pattern, regexp);
    }
    return regexp.test(value) ? 1 : 0;
  });
  db.function("sha256_hex", { deterministic: true }, (value: unknown) =>
    typeof value === "string" ? createHash("sha256").update(value, "utf8").digest("hex") : null,
  );
  db.function("url_hostname", { deterministic: true }, (value: unknown) =>
    typeof value === "string" ? callbackHost(value) : null,
  );
}
