#!/usr/bin/env node
/**
 * `node bench/scale/report.mjs [RESULTS_DIR]`: turns every `scale-*.json` in RESULTS_DIR
 * (default bench/results/) into `scale.md` (one table per phase, its goals and notes) and
 * `scale.svg` (every phase's plots, hand-written SVG). bench/scale/run.mjs calls it after the
 * phases; run it alone to redraw from results already there.
 *
 * Each phase writes bench/results/scale-PHASE.json in this schema (the phases `sources`,
 * `latency`, `items` and `websub` agree on it):
 *
 *   {
 *     "phase": "sources",                     // file name scale-<phase>.json; the order below is
 *                                             //   sources, latency, items, websub, then others by name
 *     "title": "Collect pass vs configured sources",
 *     "x": { "name": "sources", "label": "configured sources" },   // what grows
 *     "rows": [                               // one per size, in the order measured
 *       { "x": 10,                            // a number (the size)
 *         "label": "idle",                    // optional: shown in the table instead of x
 *         "values": { "pass_s": 1.2, "req_per_s": 300 } }   // numbers; null or absent = not measured
 *     ],
 *     "columns": { "pass_s": { "label": "pass duration", "unit": "s" } },   // table order = key order
 *     "plots": [ { "title": "Pass duration", "columns": ["pass_s"], "logX": true, "logY": false } ],
 *     "goals": [ { "text": "10,000-source pass within 10 min", "met": true, "value": "42 s" } ],
 *     "notes": ["how it was measured"],
 *     "machine": "2 × CPU, RAM, Node, load average",
 *     "at": "2026-12-02T15:00:00.000Z"
 *   }
 *
 * A plot draws each of its columns as one line against x; columns of one plot share the y axis,
 * so put together only columns of one unit. `logX`/`logY` use decade axes (values ≤ 0 are left out
 * of a log axis).
 */
import { readdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { pathToFileURL } from "node:url";

const ORDER = ["sources", "latency", "items", "websub"];

/** Every scale-*.json in `dir`, in report order. */
export async function loadResults(dir) {
  const names = (await readdir(dir)).filter((name) => /^scale-[\w-]+\.json$/.test(name));
  const results = [];
  for (const name of names) results.push(JSON.parse(await readFile(path.join(dir, name), "utf8")));
  const rank = (phase) => (ORDER.includes(phase) ? ORDER.indexOf(phase) : ORDER.length);
  return results.sort((a, b) => rank(a.phase) - rank(b.phase) || String(a.phase).localeCompare(String(b.phase)));
}

// ---- Markdown -----------------------------------------------------------------------------------

export function formatNumber(value) {
  if (typeof value !== "number") return value === null || value === undefined ? "—" : String(value);
  if (!Number.isFinite(value)) return "—";
  const abs = Math.abs(value);
  const digits = abs >= 100 || Number.isInteger(value) ? 0 : abs >= 10 ? 1 : abs >= 1 ? 2 : 3;
  return value.toLocaleString("en-US", { maximumFractionDigits: digits });
}

const cell = (text) => String(text).replace(/\|/g, "\\|").replace(/\n/g, " ");

function phaseTable(result) {
  const keys = Object.keys(result.columns ?? {});
  const head = [result.x?.label ?? "x", ...keys.map((key) => columnHeading(result.columns[key]))];
  const lines = [
    `| ${head.map(cell).join(" | ")} |`,
    `| ${head.map((_, i) => (i === 0 ? "---" : "---:")).join(" | ")} |`,
  ];
  for (const row of result.rows ?? []) {
    const first = row.label ?? formatNumber(row.x);
    lines.push(`| ${[first, ...keys.map((key) => formatNumber(row.values?.[key]))].map(cell).join(" | ")} |`);
  }
  return lines.join("\n");
}

function columnHeading(column) {
  return column.unit ? `${column.label} (${column.unit})` : column.label;
}

export function renderMarkdown(results) {
  const out = [
    "# Scale bench results",
    "",
    "Written by `npm run bench:scale` (bench/scale/); plots in [scale.svg](scale.svg).",
    "",
  ];
  if (results.length === 0) out.push("No phase results (bench/results/scale-*.json) were found.", "");
  for (const result of results) {
    out.push(`## ${result.title ?? result.phase}`, "");
    out.push(`Phase \`${result.phase}\`, ${result.at ?? "date unknown"}; ${result.machine ?? "machine unknown"}.`, "");
    out.push(phaseTable(result), "");
    if (result.goals?.length) {
      out.push("Goals:", "");
      for (const goal of result.goals)
        out.push(`- ${goal.met ? "✔" : "✘"} ${goal.text}: ${goal.value ?? ""}`.trimEnd());
      out.push("");
    }
    if (result.notes?.length) {
      out.push("Notes:", "");
      for (const note of result.notes) out.push(`- ${note}`);
      out.push("");
    }
  }
  return `${out.join("\n").trimEnd()}\n`;
}

// ---- SVG ----------------------------------------------------------------------------------------

const PANEL = { width: 440, height: 280, left: 64, right: 16, top: 40, bottom: 64 };
const COLUMNS_PER_LINE = 2;
const COLORS = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b"];

const xml = (text) =>
  String(text).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** Axis mapping and ticks for values on a linear or decade (log) scale. */
export function scale(values, log, [from, to]) {
  const usable = values.filter((value) => Number.isFinite(value) && (!log || value > 0));
  if (usable.length === 0) return undefined;
  let min = Math.min(...usable);
  let max = Math.max(...usable);
  if (log) {
    min = 10 ** Math.floor(Math.log10(min));
    max = 10 ** Math.ceil(Math.log10(max));
    if (min === max) max = min * 10;
    const ticks = [];
    for (let tick = min; tick <= max * 1.0001; tick *= 10) ticks.push(tick);
    const at = (value) =>
      from + ((Math.log10(value) - Math.log10(min)) / (Math.log10(max) - Math.log10(min))) * (to - from);
    return { at, ticks, usable: (value) => Number.isFinite(value) && value > 0 };
  }
  if (min > 0 && min / Math.max(max, Number.MIN_VALUE) < 0.5) min = 0; // start at 0 unless the range is narrow
  if (min === max) {
    min = min === 0 ? 0 : min * 0.9;
    max = max === 0 ? 1 : max * 1.1;
  }
  const step = niceStep((max - min) / 5);
  const low = Math.floor(min / step) * step;
  const high = Math.ceil(max / step) * step;
  const ticks = [];
  for (let tick = low; tick <= high + step / 1000; tick += step) ticks.push(Number(tick.toPrecision(12)));
  const at = (value) => from + ((value - low) / (high - low)) * (to - from);
  return { at, ticks, usable: (value) => Number.isFinite(value) };
}

function niceStep(raw) {
  const power = 10 ** Math.floor(Math.log10(raw));
  const unit = raw / power;
  return (unit <= 1 ? 1 : unit <= 2 ? 2 : unit <= 5 ? 5 : 10) * power;
}

function tickLabel(value) {
  const abs = Math.abs(value);
  if (abs >= 1e6) return `${formatNumber(value / 1e6)}M`;
  if (abs >= 1e4) return `${formatNumber(value / 1e3)}k`;
  return formatNumber(value);
}

function panel(result, plot, ox, oy) {
  const { width, height, left, right, top, bottom } = PANEL;
  const rows = result.rows ?? [];
  const series = plot.columns.map((key) => ({
    key,
    label: result.columns?.[key] ? columnHeading(result.columns[key]) : key,
    points: rows
      .map((row) => [row.x, row.values?.[key]])
      .filter(([x, y]) => typeof x === "number" && typeof y === "number"),
  }));
  const xs = scale(
    series.flatMap((s) => s.points.map(([x]) => x)),
    plot.logX === true,
    [ox + left, ox + width - right],
  );
  const ys = scale(
    series.flatMap((s) => s.points.map(([, y]) => y)),
    plot.logY === true,
    [oy + height - bottom, oy + top],
  );
  const out = [
    `<g class="panel">`,
    `<rect x="${ox}" y="${oy}" width="${width}" height="${height}" fill="#fff" stroke="#ddd"/>`,
    `<text x="${ox + width / 2}" y="${oy + 20}" text-anchor="middle" font-weight="bold">${xml(plot.title)}</text>`,
  ];
  if (!xs || !ys) {
    out.push(`<text x="${ox + width / 2}" y="${oy + height / 2}" text-anchor="middle" fill="#888">no data</text></g>`);
    return out.join("\n");
  }
  const x0 = ox + left;
  const x1 = ox + width - right;
  const y0 = oy + height - bottom;
  const y1 = oy + top;
  for (const tick of ys.ticks) {
    const y = ys.at(tick).toFixed(1);
    out.push(`<line x1="${x0}" y1="${y}" x2="${x1}" y2="${y}" stroke="#eee"/>`);
    out.push(`<text x="${x0 - 6}" y="${y}" text-anchor="end" dominant-baseline="middle">${tickLabel(tick)}</text>`);
  }
  for (const tick of xs.ticks) {
    const x = xs.at(tick).toFixed(1);
    out.push(`<line x1="${x}" y1="${y0}" x2="${x}" y2="${y0 + 4}" stroke="#333"/>`);
    out.push(`<text x="${x}" y="${y0 + 16}" text-anchor="middle">${tickLabel(tick)}</text>`);
  }
  out.push(`<line x1="${x0}" y1="${y0}" x2="${x1}" y2="${y0}" stroke="#333"/>`);
  out.push(`<line x1="${x0}" y1="${y0}" x2="${x0}" y2="${y1}" stroke="#333"/>`);
  out.push(
    `<text x="${(x0 + x1) / 2}" y="${y0 + 32}" text-anchor="middle">${xml(result.x?.label ?? "x")}${plot.logX ? " (log)" : ""}</text>`,
  );
  series.forEach((s, index) => {
    const color = COLORS[index % COLORS.length];
    const points = s.points.filter(([x, y]) => xs.usable(x) && ys.usable(y)).map(([x, y]) => [xs.at(x), ys.at(y)]);
    if (points.length > 1) {
      out.push(
        `<polyline class="series" data-column="${xml(s.key)}" fill="none" stroke="${color}" stroke-width="2" points="${points.map(([x, y]) => `${x.toFixed(1)},${y.toFixed(1)}`).join(" ")}"/>`,
      );
    }
    for (const [x, y] of points) {
      out.push(`<circle data-column="${xml(s.key)}" cx="${x.toFixed(1)}" cy="${y.toFixed(1)}" r="3" fill="${color}"/>`);
    }
    // The legend under the x axis label, two entries a line.
    const legendX = x0 + (index % 2) * 190;
    const legendY = y0 + 46 + Math.floor(index / 2) * 13;
    out.push(`<rect x="${legendX}" y="${legendY - 4}" width="10" height="3" fill="${color}"/>`);
    out.push(`<text x="${legendX + 14}" y="${legendY}">${xml(s.label)}${plot.logY ? " (log)" : ""}</text>`);
  });
  out.push("</g>");
  return out.join("\n");
}

export function renderSvg(results) {
  const sections = [];
  let y = 10;
  let maxColumns = 1;
  for (const result of results) {
    const plots = result.plots ?? [];
    if (plots.length === 0) continue;
    sections.push(
      `<text x="10" y="${y + 18}" font-size="15" font-weight="bold">${xml(result.title ?? result.phase)}${result.at ? ` (${xml(result.at.slice(0, 10))})` : ""}</text>`,
    );
    y += 28;
    plots.forEach((plot, index) => {
      const column = index % COLUMNS_PER_LINE;
      if (index > 0 && column === 0) y += PANEL.height + 10;
      sections.push(panel(result, plot, 10 + column * (PANEL.width + 10), y));
    });
    maxColumns = Math.max(maxColumns, Math.min(COLUMNS_PER_LINE, plots.length));
    y += PANEL.height + 20;
  }
  if (sections.length === 0) {
    sections.push(`<text x="10" y="30">No phase results (bench/results/scale-*.json) were found.</text>`);
    y = 50;
  }
  const width = 20 + maxColumns * (PANEL.width + 10);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${y}" viewBox="0 0 ${width} ${y}" font-family="sans-serif" font-size="11">`,
    `<rect width="100%" height="100%" fill="#fafafa"/>`,
    ...sections,
    "</svg>",
    "",
  ].join("\n");
}

/** Writes scale.md and scale.svg into `dir` from the scale-*.json there; returns the phases found. */
export async function writeReport(dir) {
  const results = await loadResults(dir);
  await writeFile(path.join(dir, "scale.md"), renderMarkdown(results));
  await writeFile(path.join(dir, "scale.svg"), renderSvg(results));
  return results.map((result) => result.phase);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const dir = process.argv[2] ?? path.resolve(import.meta.dirname, "../results");
  const phases = await writeReport(dir);
  console.log(
    `scale report: ${phases.length ? phases.join(", ") : "no phases"} → ${path.join(dir, "scale.md")}, scale.svg`,
  );
}
