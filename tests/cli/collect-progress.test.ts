import { describe, expect, it } from "vitest";
import { createCollectProgress, formatCollectSummary } from "../../src/cli/collect-progress.js";
import { createLineFormat } from "../../src/app/pretty-log.js";
import type { SourceRunResult } from "../../src/worker/collect-source.js";

const result = (sourceId: string, overrides: Partial<SourceRunResult> = {}): SourceRunResult => ({
  sourceId,
  ok: true,
  skipped: false,
  notModified: false,
  inserted: 0,
  updated: 0,
  removed: 0,
  changedCategories: [],
  changed: false,
  warnings: [],
  durationMs: 10,
  ...overrides,
});

describe("collect progress on a terminal", () => {
  it("redraws one line with sources done of total and the ones in flight", () => {
    const writes: string[] = [];
    const progress = createCollectProgress(3, { write: (text) => void writes.push(text), columns: 200 });
    progress.started("wire");
    progress.started("ticker");
    progress.finished(result("wire"));
    progress.end();
    expect(writes).toEqual([
      "\r[0/3] sources done — collecting wire\x1b[K",
      "\r[0/3] sources done — collecting wire, ticker\x1b[K",
      "\r[1/3] sources done — collecting ticker\x1b[K",
      "\r\x1b[K",
    ]);
  });

  it("writes a log line above the progress line, not into it", () => {
    const writes: string[] = [];
    const progress = createCollectProgress(2, { write: (text) => void writes.push(text), columns: 200 });
    progress.started("wire");
    progress.above(() => writes.push("12:00:01 WARN  source failed\n"));
    expect(writes.slice(1)).toEqual([
      "\r\x1b[K",
      "12:00:01 WARN  source failed\n",
      "\r[0/2] sources done — collecting wire\x1b[K",
    ]);
  });

  it("cuts the line to the terminal's width", () => {
    const writes: string[] = [];
    const progress = createCollectProgress(1, { write: (text) => void writes.push(text), columns: 30 });
    progress.started("a-source-with-a-very-long-identifier");
    expect(writes[0]).toBe("\r[0/1] sources done — collect…\x1b[K");
  });

  it("sums up each source: new, updated, unchanged, or why it failed", () => {
    const table = formatCollectSummary([
      result("wire", { inserted: 12, updated: 1, unchanged: 30 }),
      result("gone", { ok: false, error: "fetch: HTTP 404" }),
      result("quiet", { notModified: true, unchanged: 0 }),
    ]);
    expect(table.split("\n")).toEqual([
      "source  new  updated  unchanged  result",
      "gone      -        -          -  failed: fetch: HTTP 404",
      "quiet     0        0          0  ok (not modified)",
      "wire     12        1         30  ok",
      "3 sources: 2 ok, 1 failed; 12 new, 1 updated",
    ]);
  });
});

describe("pretty log lines (pino-pretty)", () => {
  const formatLogLine = createLineFormat();

  it("shows time, level, message and the other fields, without pid, host and service", () => {
    const line = JSON.stringify({
      level: 40,
      time: Date.parse("2026-12-02T12:00:01Z"),
      pid: 1,
      hostname: "h",
      service: "news-feed-publisher",
      source: "wire",
      err: "fetch: HTTP 503",
      failures: 2,
      msg: "source failed",
    });
    const [first, ...rest] = formatLogLine(line).trimEnd().split("\n");
    // Local time of day: the terminal's reader's clock.
    const local = new Date(Date.parse("2026-12-02T12:00:01Z")).toTimeString().slice(0, 8);
    expect(first).toBe(`[${local}] WARN: source failed {"source":"wire","failures":2}`);
    expect(rest.map((text) => text.trim())).toEqual(['err: "fetch: HTTP 503"']);
  });

  it("passes a line that is not JSON through", () => {
    expect(formatLogLine("plain text\n").trim()).toBe("plain text");
  });
});
