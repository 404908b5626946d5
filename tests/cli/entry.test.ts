import { execFile } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { COMMAND_NAMES, EXIT_USAGE, runCli } from "../../src/cli/entry.js";
import { compileSrc, REPO, type CompiledSrc } from "../compiled-src.js";

function capture(): { out: string[]; err: string[]; output: { out(text: string): void; err(text: string): void } } {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, output: { out: (text) => void out.push(text), err: (text) => void err.push(text) } };
}

describe("the CLI entry", () => {
  it("prints the usage and exits 64 without a command (bug: it started a server on 8080)", async () => {
    const io = capture();
    expect(await runCli([], {}, io.output)).toBe(EXIT_USAGE);
    expect(io.out).toEqual([]);
    const text = io.err.join("\n");
    expect(text).toMatch(/^usage: feed-publisher <command>/);
    for (const name of ["serve", "collect", "check-config", "classify", "discover"]) {
      expect(COMMAND_NAMES).toContain(name);
      expect(text).toContain(`  ${name} `);
    }
  });

  it("prints the usage on stdout for help and exits 0", async () => {
    const io = capture();
    expect(await runCli(["--help"], {}, io.output)).toBe(0);
    expect(io.out.join("\n")).toMatch(/^usage: feed-publisher/);
  });

  it("names an unknown command, then the usage", async () => {
    const io = capture();
    expect(await runCli(["colect"], {}, io.output)).toBe(EXIT_USAGE);
    expect(io.err.join("\n")).toMatch(/^unknown command "colect"\n\nusage:/);
    // Not a prototype key either.
    expect(await runCli(["toString"], {}, capture().output)).toBe(EXIT_USAGE);
  });
});

describe("the built bin (dist/main.js)", () => {
  let compiled: CompiledSrc;
  beforeAll(async () => {
    compiled = await compileSrc("entry-bin-", ["-p", `${REPO}/tsconfig.build.json`]);
  }, 120_000);
  afterAll(() => compiled.remove());

  const run = (args: string[]): Promise<{ code: number; stdout: string; stderr: string }> =>
    new Promise((resolve) => {
      execFile(
        process.execPath,
        [`${compiled.out}/main.js`, ...args],
        { env: { PATH: process.env.PATH, CONFIG_DIR: `${REPO}/config` }, timeout: 15_000 },
        (error, stdout, stderr) =>
          resolve({ code: error ? (typeof error.code === "number" ? error.code : -1) : 0, stdout, stderr }),
      );
    });

  it("exits 64 with the usage when run bare", async () => {
    const result = await run([]);
    expect(result.code).toBe(64);
    expect(result.stderr).toMatch(/^usage: feed-publisher/);
  });

  it("runs check-config over the shipped config", async () => {
    const result = await run(["check-config"]);
    expect(result.stderr).toBe("");
    expect(result.stdout).toMatch(/^config: OK — \d+ sources, 3 categories/);
    expect(result.code).toBe(0);
  });
});
