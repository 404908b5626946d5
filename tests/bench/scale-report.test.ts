import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { writeReport, type ScaleResult } from "../../bench/scale/report.mjs";

const SOURCES: ScaleResult = {
  phase: "sources",
  title: "Collect pass vs configured sources",
  x: { name: "sources", label: "configured sources" },
  rows: [
    { x: 10, values: { pass_s: 0.02, req_per_s: 500 } },
    { x: 1000, values: { pass_s: 4.63, req_per_s: 216 } },
    { x: 10000, values: { pass_s: 34.75, req_per_s: null } },
  ],
  columns: {
    pass_s: { label: "pass duration", unit: "s" },
    req_per_s: { label: "upstream requests/s", unit: "req/s" },
  },
  plots: [{ title: "Pass duration", columns: ["pass_s", "req_per_s"], logX: true }],
  goals: [{ text: "10,000-source pass within 10 min", met: true, value: "34.75 s" }],
  notes: ["mostly 304"],
  machine: "test machine",
  at: "2026-12-02T15:00:00.000Z",
};

const ITEMS: ScaleResult = {
  phase: "items",
  title: "Stored items",
  x: { name: "items", label: "stored items" },
  rows: [
    { x: 0, label: "empty", values: { render_ms: 1 } },
    { x: 10000, values: { render_ms: 12 } },
  ],
  columns: { render_ms: { label: "cold render", unit: "ms" } },
  plots: [{ title: "Render", columns: ["render_ms"], logX: true }],
  goals: [{ text: "500 of 1M in < 50 ms", met: false, value: "61 ms" }],
};

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "scale-report-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The `points` of each plotted line in the SVG, by column, as [x, y] pairs. */
function plotted(svg: string): Map<string, number[][]> {
  const doc = new XMLParser({
    ignoreAttributes: false,
    isArray: (name) => ["g", "polyline", "circle"].includes(name),
  }).parse(svg) as { svg: { g: Array<{ polyline?: Array<Record<string, string>> }> } };
  const lines = new Map<string, number[][]>();
  for (const panel of doc.svg.g)
    for (const line of panel.polyline ?? [])
      lines.set(
        line["@_data-column"] ?? "",
        (line["@_points"] ?? "").split(" ").map((pair) => pair.split(",").map(Number)),
      );
  return lines;
}

describe("bench/scale/report.mjs", () => {
  it("writes one table per phase, sources before items, with every row, goal and note", async () => {
    await writeFile(path.join(dir, "scale-items.json"), JSON.stringify(ITEMS));
    await writeFile(path.join(dir, "scale-sources.json"), JSON.stringify(SOURCES));
    await writeFile(path.join(dir, "other.json"), "not a phase");
    expect(await writeReport(dir)).toEqual(["sources", "items"]);
    const md = await readFile(path.join(dir, "scale.md"), "utf8");
    expect(md.indexOf("## Collect pass vs configured sources")).toBeLessThan(md.indexOf("## Stored items"));
    expect(md).toContain("| configured sources | pass duration (s) | upstream requests/s (req/s) |");
    expect(md).toContain("| 10 | 0.02 | 500 |");
    expect(md).toContain("| 1,000 | 4.63 | 216 |");
    expect(md).toContain("| 10,000 | 34.8 | — |");
    expect(md).toContain("| empty | 1 |");
    expect(md).toContain("- ✔ 10,000-source pass within 10 min: 34.75 s");
    expect(md).toContain("- ✘ 500 of 1M in < 50 ms: 61 ms");
    expect(md).toContain("- mostly 304");
  });

  it("draws each plotted column as a line through its measured points, log x leaving out 0", async () => {
    await writeFile(path.join(dir, "scale-sources.json"), JSON.stringify(SOURCES));
    await writeFile(path.join(dir, "scale-items.json"), JSON.stringify(ITEMS));
    await writeReport(dir);
    const svg = await readFile(path.join(dir, "scale.svg"), "utf8");
    expect(XMLValidator.validate(svg)).toBe(true);
    const lines = plotted(svg);
    const pass = lines.get("pass_s") ?? [];
    expect(pass).toHaveLength(3);
    // Decades on a log x axis: 10 → 1,000 → 10,000 are spaced 2 : 1.
    const [a, b, c] = pass.map(([x]) => x ?? Number.NaN) as [number, number, number];
    expect((b - a) / (c - b)).toBeCloseTo(2, 5);
    // Higher values are drawn higher (smaller y).
    expect(pass[2]?.[1]).toBeLessThan(pass[0]?.[1] ?? 0);
    expect(lines.get("req_per_s")).toHaveLength(2); // the null is not drawn
    expect(lines.has("render_ms")).toBe(false); // x = 0 has no place on a log axis: one point, no line
    expect(svg).toContain(">Collect pass vs configured sources (2026-12-02)</text>");
    expect(svg).toContain(">Stored items</text>");
  });

  it("says so when there is nothing to report", async () => {
    expect(await writeReport(dir)).toEqual([]);
    expect(await readFile(path.join(dir, "scale.md"), "utf8")).toContain("No phase results");
    expect(XMLValidator.validate(await readFile(path.join(dir, "scale.svg"), "utf8"))).toBe(true);
  });
});
