import { availableParallelism } from "node:os";
import { describe, expect, it } from "vitest";
import { ConfigError } from "../../src/config/config-error.js";
import { readSettings, type Settings } from "../../src/config/settings.js";

describe("readSettings", () => {
  it("uses the defaults of docs/ARCHITECTURE.md's environment table when nothing is set", () => {
    expect(readSettings({})).toEqual({
      port: 8080,
      host: "0.0.0.0",
      baseUrl: "http://localhost:8080",
      baseUrlDefaulted: true,
      configDir: "./config",
      database: { kind: "sqlite", path: "./data/feeds.db" },
      feedsDir: "./feeds",
      logLevel: "info",
      webConcurrency: availableParallelism(),
    });
  });

  it("treats empty variables as unset", () => {
    expect(readSettings({ PORT: "", BASE_URL: " ", ADMIN_TOKEN: "" })).toEqual(readSettings({}));
    expect(readSettings({ ADMIN_TOKEN: "" })).not.toHaveProperty("adminToken");
  });

  it("derives the default BASE_URL from PORT", () => {
    expect(readSettings({ PORT: "3000" }).baseUrl).toBe("http://localhost:3000");
  });

  it("says when BASE_URL was defaulted, so commands can warn about localhost links", () => {
    expect(readSettings({}).baseUrlDefaulted).toBe(true);
    expect(readSettings({ BASE_URL: "https://feeds.example.org" })).not.toHaveProperty("baseUrlDefaulted");
  });

  it("reads every variable", () => {
    const settings = readSettings({
      PORT: "9000",
      HOST: "127.0.0.1",
      BASE_URL: "https://feeds.example.org/news/",
      CONFIG_DIR: "/etc/feeds",
      DATABASE_URL: "postgres://user:pw@db:5432/feeds",
      FEEDS_DIR: "/var/feeds",
      LOG_LEVEL: "debug",
      ADMIN_TOKEN: "s3cret",
      WEB_CONCURRENCY: "3",
    });
    expect(settings).toEqual({
      port: 9000,
      host: "127.0.0.1",
      baseUrl: "https://feeds.example.org/news",
      configDir: "/etc/feeds",
      database: { kind: "postgres", url: "postgres://user:pw@db:5432/feeds" },
      feedsDir: "/var/feeds",
      logLevel: "debug",
      adminToken: "s3cret",
      webConcurrency: 3,
    });
  });

  it("parses DATABASE_URL once into the store it names, schemes in any case", () => {
    const database = (value: string): Settings["database"] => readSettings({ DATABASE_URL: value }).database;
    expect(database("postgresql://db/feeds")).toEqual({ kind: "postgres", url: "postgresql://db/feeds" });
    expect(database("POSTGRES://db/feeds")).toEqual({ kind: "postgres", url: "POSTGRES://db/feeds" });
    expect(database("sqlite::memory:")).toEqual({ kind: "sqlite", path: ":memory:" });
    expect(database("SQLite:/var/lib/feeds.db")).toEqual({ kind: "sqlite", path: "/var/lib/feeds.db" });
  });

  it.each([
    [{ PORT: "http" }, 'config: PORT must be a whole number from 0 to 65535, got "http"'],
    [{ PORT: "70000" }, 'config: PORT must be a whole number from 0 to 65535, got "70000"'],
    [{ PORT: "-1" }, 'config: PORT must be a whole number from 0 to 65535, got "-1"'],
    [{ PORT: "80.5" }, 'config: PORT must be a whole number from 0 to 65535, got "80.5"'],
    [
      { BASE_URL: "feeds.example.org" },
      'config: BASE_URL must be an absolute http(s) URL like https://feeds.example.org, got "feeds.example.org"',
    ],
    [
      { BASE_URL: "ftp://feeds.example.org" },
      'config: BASE_URL must use http: or https:, got "ftp://feeds.example.org"',
    ],
    [
      { BASE_URL: "https://feeds.example.org/?a=1" },
      'config: BASE_URL must not have a query or fragment, got "https://feeds.example.org/?a=1"',
    ],
    [
      { DATABASE_URL: "mysql://db/feeds" },
      'config: DATABASE_URL must be sqlite:PATH (embedded), sqlite::memory: or postgres://…, got "mysql://db/feeds"',
    ],
    [
      { DATABASE_URL: "./data/feeds.db" },
      'config: DATABASE_URL must be sqlite:PATH (embedded), sqlite::memory: or postgres://…, got "./data/feeds.db"',
    ],
    [
      // Accepted here once, then refused by the store at start; now refused where it is read.
      { DATABASE_URL: "postgres:feeds" },
      'config: DATABASE_URL must be sqlite:PATH (embedded), sqlite::memory: or postgres://…, got "postgres:feeds"',
    ],
    [
      { DATABASE_URL: "sqlite:" },
      'config: DATABASE_URL sqlite: needs a file path, like sqlite:./data/feeds.db, got "sqlite:"',
    ],
    [{ DATABASE_URL: "sqlite:" }, "config: DATABASE_URL sqlite: needs a file path, like sqlite:./data/feeds.db"],
    [{ WEB_CONCURRENCY: "0" }, 'config: WEB_CONCURRENCY must be a whole number of processes from 1 to 64, got "0"'],
    [{ WEB_CONCURRENCY: "2.5" }, 'config: WEB_CONCURRENCY must be a whole number of processes from 1 to 64, got "2.5"'],
    [{ WEB_CONCURRENCY: "65" }, 'config: WEB_CONCURRENCY must be a whole number of processes from 1 to 64, got "65"'],
    [
      { LOG_LEVEL: "verbose" },
      'config: LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got "verbose"',
    ],
  ])("rejects %j with a ConfigError naming the variable", (env, message) => {
    expect(() => readSettings(env)).toThrow(ConfigError);
    expect(() => readSettings(env)).toThrow(message);
  });
});
