import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { checkConfigCommand } from "../../src/cli/check-config-command.js";

describe("check-config command", () => {
  afterEach(() => vi.restoreAllMocks());

  it("passes the shipped config", async () => {
    vi.spyOn(console, "log").mockImplementation(() => undefined);
    expect(await checkConfigCommand({ CONFIG_DIR: path.resolve(import.meta.dirname, "../../config") })).toBe(0);
  });

  it("prints every problem with file:line and exits 1", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "check-config-"));
    await writeFile(
      path.join(dir, "sources.yaml"),
      "sources:\n  - id: a\n    kind: rss\n    url: https://x.example/\n  - id: b\n    kind: feed\n    url: https://y.example/\n    every: soon\n",
    );
    await writeFile(
      path.join(dir, "categories.yaml"),
      "categories:\n  - slug: World\n    title: World\n    description: d\n    match: []\n",
    );
    const errors: string[] = [];
    vi.spyOn(console, "error").mockImplementation((line: string) => void errors.push(line));
    expect(await checkConfigCommand({ CONFIG_DIR: dir })).toBe(1);
    const output = errors.join("\n");
    expect(output).toMatch(/sources\.yaml:3:\d+ sources\[0\]\.kind/);
    expect(output).toMatch(/sources\.yaml:8:\d+ sources\[1\]\.every: expected a duration like 30s/);
    expect(output).toMatch(/categories\.yaml:2:\d+ categories\[0\]\.slug/);
    await rm(dir, { recursive: true, force: true });
  });
});
