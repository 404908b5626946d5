import path from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { classifyCommand } from "../../src/cli/classify-command.js";

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
    expect(await classifyCommand({ CONFIG_DIR }, ["--explain", "Microsoft opens AI skills centre in Casablanca"])).toBe(0);
    const text = lines.join("\n");
    expect(text).toMatch(/^technology: yes \(\d+ rules? matched\)$/m);
    expect(text).toMatch(/found: keywords (Microsoft, AI|AI, Microsoft)/);
    expect(text).toMatch(/^world: no \(no rule matched\)$/m);
  });

  it("--explain with --summary reads the summary too and names the exclude that vetoed", async () => {
    const lines: string[] = [];
    vi.spyOn(console, "log").mockImplementation((line: string) => void lines.push(line));
    const code = await classifyCommand({ CONFIG_DIR }, ["--explain", "Spain beat Portugal", "--summary", "The World Cup qualifier in Madrid ended 2-1."]);
    expect(code).toBe(0);
    const text = lines.join("\n");
    expect(text).toMatch(/^world: no \(vetoed by exclude: .*World Cup/m);
    expect(text).toMatch(/^ {2}\+ rule \d+ \{ places: \[abroad\].*\n {6}found: places Spain \(abroad\), Portugal \(abroad\), Madrid \(abroad\)/m);
    expect(text).toMatch(/exclude vetoed: /);
  });

  it("rejects --summary without --explain", async () => {
    const errors: string[] = [];
    vi.spyOn(console, "error").mockImplementation((line: string) => void errors.push(line));
    expect(await classifyCommand({ CONFIG_DIR }, ["--summary", "x", "headline"])).toBe(64);
    expect(errors.join("\n")).toMatch(/^classify: --summary goes with --explain/);
  });

  it("exits 1 and prints the problems when the config is invalid", async () => {
    const errors: string[] = [];
    vi.spyOn(console, "error").mockImplementation((line: string) => void errors.push(line));
    expect(await classifyCommand({ CONFIG_DIR: path.join(CONFIG_DIR, "does-not-exist") }, ["x"])).toBe(1);
    expect(errors.join("\n")).toMatch(/sources\.yaml/);
  });
});
