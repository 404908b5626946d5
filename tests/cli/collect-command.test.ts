import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { COLLECT_EXIT, collectCommand } from "../../src/cli/collect-command.js";

const FEED = `<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title><link>https://wire.example.org/</link><description>d</description><item><title>United Nations envoy arrives in Rabat</title><link>https://wire.example.org/un</link><guid>https://wire.example.org/un</guid><pubDate>Tue, 24 Nov 2026 10:00:00 GMT</pubDate></item></channel></rss>`;
const CATEGORIES = `categories:
  - slug: world
    title: World
    description: International news
    match:
      - keywords: [United Nations]
`;
const source = (id: string, file: string): string => `  - id: ${id}
    kind: feed
    url: ${file}
    every: 10m
`;

/** No compiled parse-thread entry under vitest: documents are parsed on this thread (the pool has its own tests). */
const ON_THIS_THREAD = (): undefined => undefined;
/** Not a terminal: logs as JSON lines, nowhere. */
const QUIET = { progress: { write: (): void => undefined }, log: { write: (): void => undefined } };

describe("collect exit codes", () => {
  let dir: string;
  let errors: string[];
  const env = (): Record<string, string> => ({
    CONFIG_DIR: dir,
    DATABASE_URL: `sqlite:${path.join(dir, "feeds.db")}`,
    FEEDS_DIR: path.join(dir, "feeds"),
    BASE_URL: "http://feeds.test",
    LOG_LEVEL: "silent",
  });

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "collect-command-"));
    await writeFile(path.join(dir, "wire.xml"), FEED);
    await writeFile(path.join(dir, "categories.yaml"), CATEGORIES);
    errors = [];
    vi.spyOn(console, "error").mockImplementation((line: string) => void errors.push(line));
  });
  afterEach(async () => {
    vi.restoreAllMocks();
    await rm(dir, { recursive: true, force: true });
  });

  it("exits 0 when every source was collected", async () => {
    await writeFile(path.join(dir, "sources.yaml"), `sources:\n${source("wire", "wire.xml")}`);
    expect(await collectCommand(env(), [], QUIET, ON_THIS_THREAD)).toBe(COLLECT_EXIT.ok);
    expect(errors).toEqual([]);
  });

  it("exits 2 and names the failed source when one of several fails (bug: exit 0 unless all failed)", async () => {
    await writeFile(
      path.join(dir, "sources.yaml"),
      `sources:\n${source("wire", "wire.xml")}${source("gone", "gone.xml")}`,
    );
    expect(await collectCommand(env(), [], QUIET, ON_THIS_THREAD)).toBe(COLLECT_EXIT.sourcesFailed);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^collect: source gone failed: \S/);
  });

  it("exits 1 on an invalid config", async () => {
    await writeFile(path.join(dir, "sources.yaml"), `sources:\n  - id: wire\n    kind: rss\n`);
    expect(await collectCommand(env(), [], QUIET, ON_THIS_THREAD)).toBe(COLLECT_EXIT.configInvalid);
    expect(errors.join("\n")).toMatch(/sources\.yaml:3:\d+ sources\[0\]\.kind/);
  });

  it("shows progress and a summary table on a terminal, readable log lines, and still names failures (exit 2)", async () => {
    await writeFile(
      path.join(dir, "sources.yaml"),
      `sources:\n${source("wire", "wire.xml")}${source("gone", "gone.xml")}`,
    );
    const progress: string[] = [];
    const logLines: string[] = [];
    const printed: string[] = [];
    vi.spyOn(console, "log").mockImplementation((line: string) => void printed.push(line));
    const code = await collectCommand(
      { ...env(), LOG_LEVEL: "info" },
      [],
      {
        progress: { isTTY: true, columns: 120, write: (text) => void progress.push(text) },
        log: { isTTY: true, write: (text) => void logLines.push(text) },
      },
      ON_THIS_THREAD,
    );
    expect(code).toBe(COLLECT_EXIT.sourcesFailed);
    expect(progress.at(-2)).toBe("\r[2/2] sources done\x1b[K");
    expect(progress.some((text) => /collecting (wire|gone)/.test(text))).toBe(true);
    const table = printed.join("\n").split("\n");
    expect(table[0]).toBe("source  new  updated  unchanged  result");
    expect(table[1]).toMatch(/^gone +- +- +- +failed: \S/);
    expect(table[2]).toMatch(/^wire +1 +0 +0 +ok$/);
    // Warnings only on a terminal at LOG_LEVEL=info, as readable lines, not JSON.
    expect(logLines.length).toBeGreaterThan(0);
    for (const line of logLines) expect(line).toMatch(/^\[\d\d:\d\d:\d\d\] (WARN|ERROR): /);
    expect(errors).toEqual([expect.stringMatching(/^collect: source gone failed: /)]);
  });
});
