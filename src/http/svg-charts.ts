/**
 * Small inline SVG charts for /status, built on the server so the page needs no script or library.
 * Each mark carries a `<title>` (the tooltip browsers show on hover) and each chart a text
 * alternative (`role="img"` + `aria-label`, WAI-ARIA 1.2 §5.3.3 "img"), so screen readers and text
 * browsers get the same numbers.
 */
import { escapeMarkup } from "../publish/html-escape.js";

export interface DayCount {
  readonly day: string;
  readonly count: number;
}

const BAR_WIDTH = 10;
const CHART_HEIGHT = 40;

/** One bar per day, oldest on the left; the tallest bar fills the height. */
export function dailyBars(days: readonly DayCount[], noun: string): string {
  const highest = Math.max(1, ...days.map((d) => d.count));
  const total = days.reduce((sum, d) => sum + d.count, 0);
  const label = `${total} ${noun} in ${days.length} days: ${days.map((d) => `${d.day} ${d.count}`).join(", ")}`;
  const bars = days
    .map((d, index) => {
      const height = d.count === 0 ? 1 : Math.max(2, Math.round((d.count / highest) * CHART_HEIGHT));
      return `<rect class="${d.count === 0 ? "zero" : "bar"}" x="${index * BAR_WIDTH + 1}" y="${CHART_HEIGHT - height}" width="${BAR_WIDTH - 2}" height="${height}"><title>${escapeMarkup(`${d.day}: ${d.count} ${noun}`)}</title></rect>`;
    })
    .join("");
  return `<svg class="chart days" role="img" aria-label="${escapeMarkup(label)}" viewBox="0 0 ${days.length * BAR_WIDTH} ${CHART_HEIGHT}" preserveAspectRatio="none"><title>${escapeMarkup(label)}</title>${bars}</svg>`;
}

export type RunMark = "ok" | "failed" | "not-modified";

export interface RunPoint {
  readonly finishedAt: string;
  readonly outcome: RunMark;
  readonly inserted: number;
  readonly updated: number;
}

const RUN_WORDS: Readonly<Record<RunMark, string>> = { ok: "ok", failed: "failed", "not-modified": "not modified" };
const CELL = 8;

/** One square per run, oldest on the left, coloured by outcome (the legend names the colours). */
export function runStrip(runsNewestFirst: readonly RunPoint[]): string {
  const runs = [...runsNewestFirst].reverse();
  const tally = (mark: RunMark): number => runs.filter((run) => run.outcome === mark).length;
  const label =
    runs.length === 0
      ? "No runs recorded yet"
      : `Last ${runs.length} runs: ${tally("ok")} ok, ${tally("not-modified")} not modified, ${tally("failed")} failed`;
  const cells = runs
    .map(
      (run, index) =>
        `<rect class="run ${run.outcome}" x="${index * CELL + 1}" y="1" width="${CELL - 2}" height="${CELL * 2 - 2}"><title>${escapeMarkup(`${run.finishedAt}: ${RUN_WORDS[run.outcome]}, ${run.inserted} new, ${run.updated} updated`)}</title></rect>`,
    )
    .join("");
  return `<svg class="chart runs" role="img" aria-label="${escapeMarkup(label)}" viewBox="0 0 ${Math.max(1, runs.length) * CELL} ${CELL * 2}" width="${Math.max(1, runs.length) * CELL}" height="${CELL * 2}"><title>${escapeMarkup(label)}</title>${cells}</svg>`;
}
