import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { classifyCommand } from "../../src/cli/classify-command.js";
import type { ClassifiedItem } from "../../src/model/index.js";
import { openStore } from "../../src/store/open-store.js";

const CONFIG_DIR = path.resolve(import.meta.dirname, "../../config");

describe("classify command (rule preview for ops)", () => {
  afterEach(() => vi.restoreAllMocks());

  it("prints the categories the shipped rules give each headline", async () => {
    const lines: string[] = [];
    vi.spyOn(console, "log").mockImplementation((line: string) => void lines.push(line));
    const code = await classifyCommand({ CONFIG_DIR }, [
      "Société Générale Maroc modernizes banking with IBM collaboration",
      "Raja beat Wydad in Casablanca derby",
    ]);
    expect(code).toBe(0);
    expect(lines).toEqual([
      "morocco-economy,technology\tSociété Générale Maroc modernizes banking with IBM collaboration",
      "-\tRaja beat Wydad in Casablanca derby",
    ]);
  });

  it("--help prints usage instead of classifying the word", async () => {
    const lines: string[] = [];
    vi.spyOn(console, "log").mockImplementation((line: string) => void lines.push(line));
    expect(await classifyCommand({ CONFIG_DIR }, ["--help"])).toBe(0);
    expect(lines.join("\n")).toMatch(/^usage: npm run classify/);
    expect(lines.join("\n")).toContain("--explain");
  });

  it("--explain prints, per category, the rules with the words that matched", async () => {
    const lines: string[] = [];
    vi.spyOn(console, "log").mockImplementation((line: string) => void lines.push(line));
    expect(await classifyCommand({ CONFIG_DIR }, ["--explain", "Microsoft opens AI skills centre in Casablanca"])).toBe(
      0,
    );
    const text = lines.join("\n");
    expect(text).toMatch(/^technology: yes \(\d+ rules? matched\)$/m);
    expect(text).toMatch(/found: keywords (Microsoft, AI|AI, Microsoft)/);
    expect(text).toMatch(/^world: no \(no rule matched\)$/m);
  });

  it("--explain with --summary reads the summary too and names the exclude that vetoed", async () => {
    const lines: string[] = [];
    vi.spyOn(console, "log").mockImplementation((line: string) => void lines.push(line));
    const code = await classifyCommand({ CONFIG_DIR }, [
      "--explain",
      "Spain beat Portugal",
      "--summary",
      "The World Cup qualifier in Madrid ended 2-1.",
    ]);
    expect(code).toBe(0);
    const text = lines.join("\n");
    expect(text).toMatch(/^world: no \(vetoed by exclude: .*World Cup/m);
    expect(text).toMatch(
      /^ {2}\+ rule \d+ \{ places: \[abroad\].*\n {6}found: places Spain \(abroad\), Portugal \(abroad\), Madrid \(abroad\)/m,
    );
    expect(text).toMatch(/exclude vetoed: /);
  });

  it("rejects --summary without --explain", async () => {
    const errors: string[] = [];
    vi.spyOn(console, "error").mockImplementation((line: string) => void errors.push(line));
    expect(await classifyCommand({ CONFIG_DIR }, ["--summary", "x", "headline"])).toBe(64);
    expect(errors.join("\n")).toMatch(/^classify: --summary goes with --explain/);
  });

  it("--against-store lists, per category, the stored items a candidate file would move in and out", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "against-store-"));
    try {
      const databaseUrl = `sqlite:${path.join(dir, "feeds.db")}`;
      const store = await openStore(databaseUrl, { clock: () => 1_700_000_000_000 });
      const stored = (id: string, title: string, categories: string[]): ClassifiedItem => ({
        id,
        sourceId: "preview-source",
        kind: "article",
        title,
        authors: [],
        tags: [],
        enclosures: [],
        categories,
        published: 1_700_000_000_000,
      });
      await store.commitRun(
        { sourceId: "preview-source", at: 1_700_000_000_000 },
        [
          stored("urn:x:1", "Microsoft opens AI skills centre in Casablanca", ["technology"]),
          stored("urn:x:2", "NATO summit opens in Brussels", []),
          stored("urn:x:3", "Heavy rains in Tetouan", []),
        ],
        1_700_000_000_000,
      );
      await store.close();
      const shipped = await readFile(path.join(CONFIG_DIR, "categories.yaml"), "utf8");
      const candidate = path.join(dir, "candidate.yaml");
      await writeFile(candidate, shipped.replace(/(slug: technology[\s\S]*?)exclude: \[\]/, "$1exclude: [Microsoft]"));

      const lines: string[] = [];
      vi.spyOn(console, "log").mockImplementation((line: string) => void lines.push(line));
      expect(await classifyCommand({ CONFIG_DIR, DATABASE_URL: databaseUrl }, ["--against-store", candidate])).toBe(0);
      expect(lines).toEqual([
        `${candidate} against 3 stored items (dry run: nothing is written)`,
        "world: 1 would enter, 0 would leave",
        "  + NATO summit opens in Brussels\turn:x:2",
        "morocco-economy: 0 would enter, 0 would leave",
        "technology: 0 would enter, 1 would leave",
        "  - Microsoft opens AI skills centre in Casablanca\turn:x:1",
      ]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("--against-store names the candidate file and line of a problem", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "against-store-"));
    try {
      const candidate = path.join(dir, "candidate.yaml");
      await writeFile(
        candidate,
        "categories:\n  - slug: world\n    title: World\n    description: d\n    match: [{ with: [x] }]\n",
      );
      const errors: string[] = [];
      vi.spyOn(console, "error").mockImplementation((line: string) => void errors.push(line));
      expect(
        await classifyCommand({ CONFIG_DIR, DATABASE_URL: `sqlite:${path.join(dir, "feeds.db")}` }, [
          "--against-store",
          candidate,
        ]),
      ).toBe(1);
      expect(errors.join("\n")).toContain(`${candidate}:5`);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("exits 1 and prints the problems when the config is invalid", async () => {
    const errors: string[] = [];
    vi.spyOn(console, "error").mockImplementation((line: string) => void errors.push(line));
    expect(await classifyCommand({ CONFIG_DIR: path.join(CONFIG_DIR, "does-not-exist") }, ["x"])).toBe(1);
    expect(errors.join("\n")).toMatch(/sources\.yaml/);
  });
});
