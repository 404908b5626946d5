import { Router } from "express";
import { escapeMarkup } from "../publish/html-escape.js";

export interface SourceStatus {
  readonly id: string;
  readonly kind: string;
  readonly url: string;
  readonly schedule: string;
  readonly enabled: boolean;
  readonly state: "ok" | "failing" | "pending" | "disabled";
  readonly running: boolean;
  readonly lastRunAt?: string;
  readonly lastSuccessAt?: string;
  readonly lastError?: string;
  readonly lastErrorAt?: string;
  readonly consecutiveFailures: number;
  readonly nextRunAt?: string;
  readonly itemsCollected: number;
  readonly warnings: readonly string[];
}

export interface CategoryStatus {
  readonly slug: string;
  readonly title: string;
  readonly items: number;
  readonly newestItemAt?: string;
}

export interface StatusReport {
  readonly generatedAt: string;
  readonly worker: { readonly leader: boolean };
  /** The IANA tz database release wall-clock times are read with (e.g. "2026f"). */
  readonly timeZoneData: { readonly version: string };
  readonly config: {
    readonly loadedAt?: string;
    readonly sources: number;
    readonly categories: number;
    readonly warnings: readonly string[];
    readonly rejected?: { readonly at: string; readonly problems: readonly string[] };
    /** What the last reclassification of stored items (after a rules edit) moved in and out of each category. */
    readonly reclassified?: {
      readonly at: string;
      readonly reason: string;
      readonly examined: number;
      readonly changed: number;
      readonly moves: ReadonlyArray<{ readonly slug: string; readonly entered: number; readonly left: number }>;
    };
  };
  readonly sources: readonly SourceStatus[];
  readonly categories: readonly CategoryStatus[];
}

export type StatusSource = () => Promise<StatusReport>;

/** `/status.json` for machines and `/status` for people; both uncached: they are for now. */
export function createStatusRoutes(status: StatusSource): Router {
  const router = Router();
  router.get("/status.json", async (_req, res) => {
    res.set("Cache-Control", "no-store").json(await status());
  });
  router.get("/status", async (_req, res) => {
    res
      .set({ "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store" })
      .send(renderStatusPage(await status()));
  });
  return router;
}

function renderStatusPage(report: StatusReport): string {
  const e = escapeMarkup;
  const sourceRows = report.sources
    .map(
      (s) =>
        `<tr class="${s.state}"><td>${e(s.id)}</td><td>${e(s.kind)}</td><td>${e(s.state)}${s.running ? " (running)" : ""}</td><td>${e(s.schedule)}</td><td>${e(s.lastRunAt ?? "never")}</td><td>${e(s.lastSuccessAt ?? "never")}</td><td>${s.consecutiveFailures}</td><td>${e(s.nextRunAt ?? "")}</td><td>${s.itemsCollected}</td><td>${e(s.lastError ?? "")}${s.warnings.map((w) => `<br><small>${e(w)}</small>`).join("")}</td></tr>`,
    )
    .join("\n");
  const categoryRows = report.categories
    .map(
      (c) =>
        `<tr><td>${e(c.slug)}</td><td>${e(c.title)}</td><td>${c.items}</td><td>${e(c.newestItemAt ?? "")}</td></tr>`,
    )
    .join("\n");
  const rejected = report.config.rejected
    ? `<section class="failing"><h2>Rejected config edit (${e(report.config.rejected.at)})</h2><p>The last good config is still in force.</p><ul>${report.config.rejected.problems.map((p) => `<li>${e(p)}</li>`).join("")}</ul></section>`
    : "";
  const moved = report.config.reclassified;
  const reclassified = moved
    ? `<h2>Last reclassification (${e(moved.at)}, ${e(moved.reason)})</h2><p>${moved.changed} of ${moved.examined} stored items changed categories.</p>${
        moved.moves.length > 0
          ? `<table><thead><tr><th>category</th><th>entered</th><th>left</th></tr></thead><tbody>${moved.moves.map((m) => `<tr><td>${e(m.slug)}</td><td>${m.entered}</td><td>${m.left}</td></tr>`).join("")}</tbody></table>`
          : ""
      }`
    : "";
  const warnings =
    report.config.warnings.length > 0
      ? `<h2>Config warnings</h2><ul>${report.config.warnings.map((w) => `<li>${e(w)}</li>`).join("")}</ul>`
      : "";
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Status</title>
<style>body{font-family:system-ui,sans-serif;margin:2rem}table{border-collapse:collapse}td,th{padding:.3rem .6rem;border-bottom:1px solid #ddd;text-align:left;vertical-align:top}.failing{color:#a00}</style></head>
<body><h1>Status</h1>
<p>Generated ${e(report.generatedAt)}. Worker leader on this instance: ${report.worker.leader ? "yes" : "no"}. Config loaded ${e(report.config.loadedAt ?? "never")}: ${report.config.sources} sources, ${report.config.categories} categories. Time-zone data: IANA tz ${e(report.timeZoneData.version)}. <a href="status.json">JSON</a></p>
${rejected}${warnings}${reclassified}
<h2>Sources</h2>
<table><thead><tr><th>id</th><th>kind</th><th>state</th><th>schedule</th><th>last run</th><th>last success</th><th>failures</th><th>next run</th><th>items</th><th>last error / warnings</th></tr></thead><tbody>
${sourceRows}
</tbody></table>
<h2>Categories</h2>
<table><thead><tr><th>slug</th><th>title</th><th>items</th><th>newest item</th></tr></thead><tbody>
${categoryRows}
</tbody></table>
</body></html>
`;
}
