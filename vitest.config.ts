import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["tests/**/*.test.ts"],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    pool: "forks",
    // `npm test` runs with --coverage; targeted runs (npx vitest run tests/x.test.ts) skip it.
    coverage: {
      provider: "v8",
      include: ["src/**/*.ts"],
      reporter: ["text-summary", "json-summary"],
      reportsDirectory: "coverage",
      // What the suite reaches without DATABASE_URL_TEST (the PostgreSQL store then runs no test;
      // CI starts one and lands higher). Raise these as tests are added; never lower them to merge.
      thresholds: {
        statements: 84,
        branches: 82,
        functions: 83,
        lines: 85,
        // The worker first (issue 11): every guard in it has a test that fails without it.
        // functions was 97 with the limiter and describeError inside (every function of theirs
        // covered); they moved to src/shared/, which has its own gate, so worker's share is 96.4.
        "src/worker/**/*.ts": { statements: 95, branches: 85, functions: 96, lines: 96 },
        "src/shared/**/*.ts": { statements: 97, branches: 81, functions: 100, lines: 96 },
      },
    },
  },
});
