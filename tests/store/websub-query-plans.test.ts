import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { applyMigrations } from "../../src/store/sqlite/apply-migrations.js";
import { MIGRATIONS } from "../../src/store/sqlite/migrations.js";
import { registerSqlFunctions } from "../../src/store/sqlite/sql-functions.js";
import { LIVE_IN_ALL_SQL, LIVE_ON_HOST_SQL } from "../../src/store/sqlite/subscription-counts.js";

const NOW = Date.UTC(2026, 0, 15);

describe("SQLite WebSub queries that run per request or per delivery stay index lookups (issue 12)", () => {
  let db: Database.Database;

  beforeEach(() => {
    db = new Database(":memory:");
    registerSqlFunctions(db);
    applyMigrations(db, MIGRATIONS, NOW);
    const insert = db.prepare(
      `INSERT INTO websub_subscriptions (topic, callback, callback_host, secret, lease_seconds, verified_at, expires_at)
       VALUES ('https://feeds.test/feeds/world.rss', ?, ?, NULL, 3600, ?, ?)`,
    );
    insert.run("http://a.test/1", "a.test", NOW, NOW + 1000);
    insert.run("http://a.test/2", "a.test", NOW, NOW - 1); // expired: not counted
    insert.run("http://b.test/1", "b.test", NOW, NOW + 1000);
  });

  afterEach(() => db.close());

  const plan = (sql: string, params: Record<string, unknown>): string[] =>
    db
      .prepare<[Record<string, unknown>], { detail: string }>(`EXPLAIN QUERY PLAN ${sql}`)
      .all(params)
      .map((row) => row.detail);

  it("counts live subscriptions on one host and in all", () => {
    expect(db.prepare(LIVE_ON_HOST_SQL).pluck().get({ host: "a.test", now: NOW })).toBe(1);
    expect(db.prepare(LIVE_IN_ALL_SQL).pluck().get({ now: NOW })).toBe(2);
  });

  // bench/scale/websub.mjs: a count that read the table row by row made each request cost
  // O(subscriptions) row lookups, 16 ms at 5,000; an index-only range stays well under a millisecond.
  it.each([
    ["on one host", LIVE_ON_HOST_SQL, "websub_subscriptions_host"],
    ["in all", LIVE_IN_ALL_SQL, "websub_subscriptions_expiry"],
  ])("counts %s from a covering index, never reading the table", (_what, sql, index) => {
    expect(plan(sql, { host: "a.test", now: NOW })).toEqual([expect.stringContaining(`USING COVERING INDEX ${index}`)]);
  });

  // A sender reads back the rows it claimed by their lease token after every claim of a few rows;
  // a scan there made one change to a topic with 10,000 subscribers read the queue 1,250 times.
  it("finds a claim's rows by lease token through an index, not a scan of the delivery queue", () => {
    expect(plan("SELECT topic, callback FROM websub_deliveries WHERE lease_token = @token", { token: "t" })).toEqual([
      expect.stringMatching(
        /^SEARCH websub_deliveries USING (COVERING )?INDEX websub_deliveries_lease \(lease_token=\?\)$/,
      ),
    ]);
  });
});
