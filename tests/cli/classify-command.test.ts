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

  it("exits 1 and prints the problems when the config is invalid", async () => {
    const errors: string[] = [];
    vi.spyOn(console, "error").mockImplementation((line: string) => void errors.push(line));
    expect(await classifyCommand({ CONFIG_DIR: path.join(CONFIG_DIR, "does-not-exist") }, ["x"])).toBe(1);
    expect(errors.join("\n")).toMatch(/sources\.yaml/);
  });
});
