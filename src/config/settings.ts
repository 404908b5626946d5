/**
 * Deployment settings from the environment (docs/ARCHITECTURE.md "Environment"). The caller passes the env
 * in, so nothing reads process.env behind anyone's back; a bad value throws a ConfigError at start.
 */
import { availableParallelism } from "node:os";
import { parseDatabaseUrl, type DatabaseTarget } from "../urls/database-url.js";
import { ConfigError } from "./config-error.js";

export interface Settings {
  readonly port: number;
  readonly host: string;
  /** Public origin without a trailing slash, e.g. `https://feeds.example.org`. */
  readonly baseUrl: string;
  /**
   * Present when BASE_URL was not set and `baseUrl` is the localhost default: links in feeds and
   * the FEEDS_DIR snapshot then point at localhost, so commands warn (see app/config-state.ts).
   */
  readonly baseUrlDefaulted?: true;
  readonly configDir: string;
  /** DATABASE_URL, parsed once: the store to open and whether replicas elect a leader. */
  readonly database: DatabaseTarget;
  readonly feedsDir: string;
  readonly logLevel: string;
  /** Unset (or empty) means admin actions are off. */
  readonly adminToken?: string;
  /**
   * How many processes `serve` answers from (WEB_CONCURRENCY, the name Heroku and most process
   * managers use): one per core by default; 1 is a single process, as before issue 12.
   */
  readonly webConcurrency: number;
}

/** More serving processes than this only costs memory: each one holds its own render cache. */
const MAX_WEB_CONCURRENCY = 64;

const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"];

export function readSettings(env: Readonly<Record<string, string | undefined>>): Settings {
  // An empty variable (`PORT=`) means "not set", as shells and compose files often leave them.
  const get = (name: string): string | undefined => {
    const value = env[name]?.trim();
    return value === undefined || value === "" ? undefined : value;
  };
  const port = readPort(get("PORT"));
  const adminToken = get("ADMIN_TOKEN");
  const baseUrl = get("BASE_URL");
  return {
    port,
    host: get("HOST") ?? "0.0.0.0",
    baseUrl: readBaseUrl(baseUrl ?? `http://localhost:${port}`),
    ...(baseUrl === undefined ? { baseUrlDefaulted: true as const } : {}),
    configDir: get("CONFIG_DIR") ?? "./config",
    database: readDatabase(get("DATABASE_URL") ?? "sqlite:./data/feeds.db"),
    feedsDir: get("FEEDS_DIR") ?? "./feeds",
    logLevel: readLogLevel(get("LOG_LEVEL") ?? "info"),
    ...(adminToken === undefined ? {} : { adminToken }),
    webConcurrency: readWebConcurrency(get("WEB_CONCURRENCY")),
  };
}

function readWebConcurrency(value: string | undefined): number {
  if (value === undefined) return availableParallelism();
  const count = /^[0-9]+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isInteger(count) || count < 1 || count > MAX_WEB_CONCURRENCY) {
    throw new ConfigError(
      `config: WEB_CONCURRENCY must be a whole number of processes from 1 to ${MAX_WEB_CONCURRENCY}, got "${value}"`,
    );
  }
  return count;
}

function readPort(value: string | undefined): number {
  if (value === undefined) return 8080;
  const port = /^[0-9]+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isInteger(port) || port > 65535) {
    throw new ConfigError(`config: PORT must be a whole number from 0 to 65535, got "${value}"`);
  }
  return port;
}

/** Self links, ids and OPML are built by appending paths, so the origin is kept without a trailing slash. */
function readBaseUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch (cause) {
    throw new ConfigError(
      `config: BASE_URL must be an absolute http(s) URL like https://feeds.example.org, got "${value}"`,
      { cause },
    );
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new ConfigError(`config: BASE_URL must use http: or https:, got "${value}"`);
  }
  if (url.search !== "" || url.hash !== "") {
    throw new ConfigError(`config: BASE_URL must not have a query or fragment, got "${value}"`);
  }
  return url.href.replace(/\/+$/, "");
}

function readDatabase(value: string): DatabaseTarget {
  const target = parseDatabaseUrl(value);
  if (target.kind === "invalid") throw new ConfigError(`config: DATABASE_URL ${target.reason}, got "${value}"`);
  return target;
}

function readLogLevel(value: string): string {
  if (!LOG_LEVELS.includes(value)) {
    throw new ConfigError(`config: LOG_LEVEL must be one of ${LOG_LEVELS.join(", ")}, got "${value}"`);
  }
  return value;
}
