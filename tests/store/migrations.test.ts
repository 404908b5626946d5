import { describe, expect, it } from "vitest";
import { MIGRATIONS as POSTGRES } from "../../src/store/postgres/migrations.js";
import { MIGRATIONS as SQLITE } from "../../src/store/sqlite/migrations.js";

/**
 * The two stores keep one schema history (postgres/migrations.ts "mirrors the SQLite schema"): a
 * migration added to one list only would leave the stores disagreeing about what a version means,
 * and a database moved between them, or a test run against both, on different schemas.
 */
describe("migration lists", () => {
  const steps = (list: readonly { version: number; name: string }[]): string[] =>
    list.map((migration) => `${migration.version}: ${migration.name}`);

  it("have the same versions and names in SQLite and PostgreSQL", () => {
    expect(steps(POSTGRES)).toEqual(steps(SQLITE));
  });

  it.each([
    ["SQLite", SQLITE],
    ["PostgreSQL", POSTGRES],
  ])("number %s's migrations 1, 2, 3… in order, each with a name", (_store, list) => {
    expect(list.map((migration) => migration.version)).toEqual(list.map((_migration, index) => index + 1));
    for (const migration of list) expect(migration.name.trim(), `version ${migration.version}`).not.toBe("");
  });
});
