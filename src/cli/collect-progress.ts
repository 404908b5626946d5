/**
 * What `collect` shows on a terminal: one progress line rewritten in place (sources done of total,
 * the ones in flight), then a summary table, one row per source. Without a terminal `collect`
 * logs JSON lines as the service does, and none of this is written.
 */
import type { SourceRunResult } from "../worker/collect-source.js";
import type { RunProgress } from "../app/runtime.js";

export interface TerminalOut {
  write(text: string): void;
  /** Columns of the terminal; the progress line is cut to fit. */
  readonly columns?: number;
}

export interface CollectProgress extends RunProgress {
  /** Clear the progress line (before the summary). */
  end(): void;
  /** Write a log line above the progress line: clear it, write, draw it again. */
  above(write: () => void): void;
}

export function createCollectProgress(total: number, out: TerminalOut): CollectProgress {
  const inFlight = new Set<string>();
  let done = 0;
  const draw = (): void => {
    const running = inFlight.size === 0 ? "" : ` — collecting ${[...inFlight].join(", ")}`;
    const line = `[${done}/${total}] sources done${running}`;
    const width = Math.max(20, (out.columns ?? 80) - 1);
    // \r and ESC[K (erase to end of line, ECMA-48 EL): redraw the one line in place.
    out.write(`\r${line.length > width ? `${line.slice(0, width - 1)}…` : line}\x1b[K`);
  };
  return {
    started(sourceId) {
      inFlight.add(sourceId);
      draw();
    },
    finished(result) {
      inFlight.delete(result.sourceId);
      done++;
      draw();
    },
    end() {
      out.write("\r\x1b[K");
    },
    above(write) {
      out.write("\r\x1b[K");
      write();
      draw();
    },
  };
}

/** The summary table: per source new, updated, unchanged, and the reason of a failure. */
export function formatCollectSummary(results: readonly SourceRunResult[]): string {
  const header = ["source", "new", "updated", "unchanged", "result"];
  const rows = [...results]
    .sort((a, b) => a.sourceId.localeCompare(b.sourceId))
    .map((result) => [
      result.sourceId,
      result.ok ? String(result.inserted) : "-",
      result.ok ? String(result.updated) : "-",
      result.ok ? String(result.unchanged ?? 0) : "-",
      outcome(result),
    ]);
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? "").length)),
  );
  // Numbers right-aligned, text left-aligned; the last column is not padded.
  const format = (row: readonly string[]): string =>
    row
      .map((cell, column) =>
        column === row.length - 1
          ? cell
          : column === 0
            ? cell.padEnd(widths[column] ?? 0)
            : cell.padStart(widths[column] ?? 0),
      )
      .join("  ");
  const failed = results.filter((result) => !result.ok).length;
  const totals = `${results.length} sources: ${results.length - failed} ok, ${failed} failed; ${sum(results, "inserted")} new, ${sum(results, "updated")} updated`;
  return [format(header), ...rows.map(format), totals].join("\n");
}

function outcome(result: SourceRunResult): string {
  if (!result.ok) return `failed: ${result.error ?? "unknown error"}`;
  if (result.skipped) return "skipped (backing off)";
  return result.notModified ? "ok (not modified)" : "ok";
}

function sum(results: readonly SourceRunResult[], field: "inserted" | "updated"): number {
  return results.reduce((total, result) => total + result[field], 0);
}
