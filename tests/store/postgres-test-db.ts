import { randomBytes } from "node:crypto";
import pg from "pg";

/**
 * The PostgreSQL the gated tests use: DATABASE_URL_TEST (`.ci/start-postgres.sh` prints one),
 * or undefined when the run has none and those tests are skipped.
 */
export function postgresTestUrl(): string | undefined {
  const url = process.env.DATABASE_URL_TEST?.trim();
  return url === undefined || url === "" ? undefined : url;
}

export const SKIP_HINT = "set DATABASE_URL_TEST=postgres://… to run it (.ci/start-postgres.sh starts a server)";

/** The same database with `search_path` set to one schema, through the startup `options`. */
export function urlWithSchema(url: string, schema: string): string {
  const parsed = new URL(url);
  parsed.searchParams.set("options", `-c search_path=${schema}`);
  return parsed.toString();
}

/**
 * Fresh, empty schemas for one test file: each test gets its own, so tests never see each
 * other's rows and files can run in parallel on one database. `dropAll` removes them.
 */
export function testSchemas(url: string): { create(): Promise<string>; dropAll(): Promise<void> } {
  const admin = new pg.Pool({ connectionString: url, max: 2 });
  const created: string[] = [];
  const prefix = `t_${process.pid}_${randomBytes(3).toString("hex")}`;
  return {
    async create() {
      const schema = `${prefix}_${created.length + 1}`;
      await admin.query(`CREATE SCHEMA ${schema}`);
      created.push(schema);
      return schema;
    },
    async dropAll() {
      for (const schema of created) await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await admin.end();
    },
  };
}

/** Wait until `check` holds, or fail after `timeoutMs` naming what was awaited. */
export async function eventually(
  what: string,
  check: () => boolean | Promise<boolean>,
  timeoutMs = 8_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/**
 * Resolves once the session named `applicationName` has started two advisory-lock attempts after
 * this call (pg_stat_activity): a lock runs its attempts one after another, so the first one's
 * answer has then reached it. The witnessed event a "still not leader" assertion waits for,
 * instead of a sleep. Name a lock's session with `application_name` in its connection URL.
 */
export async function lockRetriedTwice(url: string, applicationName: string, timeoutMs = 8_000): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const since = (await client.query<{ at: string }>("SELECT clock_timestamp()::text AS at")).rows[0]?.at;
    let after = since ?? "";
    for (const attempt of ["an attempt", "another attempt"]) {
      await eventually(
        `${applicationName} starts ${attempt}`,
        async () => {
          const { rows } = await client.query<{ started: string }>(
            `SELECT query_start::text AS started FROM pg_stat_activity
             WHERE application_name = $1 AND query LIKE '%pg_try_advisory_lock%' AND query_start > $2::timestamptz`,
            [applicationName, after],
          );
          const started = rows[0]?.started;
          if (started !== undefined) after = started;
          return started !== undefined;
        },
        timeoutMs,
      );
    }
  } finally {
    await client.end();
  }
}
