/**
 * `/status` for people: a summary line to read at a glance, then a card per category (stories per
 * day) and per source (recent runs, schedule as written, redacted URL, the last error wrapped).
 * Server-rendered HTML with inline CSS; it works without script, refreshes itself with
 * `<meta http-equiv="refresh">` (HTML Standard §4.2.5.3) and reads on a 375 px phone.
 */
import { escapeMarkup as e } from "../publish/html-escape.js";
import { RELATIVE_TIME_SCRIPT, timeElement } from "../publish/page-time.js";
import type { CategoryStatus, SourceStatus, StatusReport } from "./status.js";
import { dailyBars, runStrip } from "./svg-charts.js";

/** Seconds between self-refreshes: the worker's shortest sensible schedule is minutes. */
const REFRESH_SECONDS = 60;

/** Who answered, and with several processes which of them collects and how much memory each holds. */
function processesLine(report: StatusReport): string {
  if (report.processes === undefined) {
    return `Worker leader on this instance: ${report.worker.leader ? "yes" : "no"}.`;
  }
  const { answeredBy, list } = report.processes;
  const each = list.map((info) => {
    const memory = info.rssBytes === undefined ? "" : `, ${Math.round(info.rssBytes / 1_048_576)} MB`;
    const restarts = info.restarts > 0 ? `, restarted ${info.restarts}×` : "";
    return `${info.pid} ${info.role}${memory}${restarts}`;
  });
  return `${list.length} serving processes (${e(each.join("; "))}); this page from process ${answeredBy}, which ${report.worker.leader ? "runs" : "does not run"} the worker.`;
}

export function renderStatusPage(report: StatusReport): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="refresh" content="${REFRESH_SECONDS}">
<title>Status</title>
<style>${STYLE}</style></head>
<body>
<h1>Status</h1>
${summaryLine(report)}
<p class="meta">Generated ${timeElement(report.generatedAt)}. ${processesLine(report)} Config loaded ${timeElement(report.config.loadedAt)}: ${report.config.sources} sources, ${report.config.categories} categories. Time-zone data: IANA tz ${e(report.timeZoneData.version)}. <a href="status.json">JSON</a></p>
${configSections(report)}
<h2>Categories</h2>
<div class="cards">
${report.categories.map(categoryCard).join("\n")}
</div>
<h2>Sources</h2>
<p class="legend"><span class="swatch ok"></span> ok <span class="swatch not-modified"></span> not modified <span class="swatch failed"></span> failed — recent runs, oldest first</p>
<div class="cards">
${report.sources.map(sourceCard).join("\n")}
</div>
${RELATIVE_TIME_SCRIPT}
</body></html>
`;
}

function summaryLine(report: StatusReport): string {
  const count = (state: SourceStatus["state"]): number => report.sources.filter((s) => s.state === state).length;
  const failing = count("failing");
  const pending = count("pending");
  const items = report.sources.reduce((sum, s) => sum + s.itemsCollected, 0);
  const lastCollect = report.sources
    .map((s) => s.lastRunAt)
    .filter((at): at is string => at !== undefined)
    .sort()
    .at(-1);
  return `<p class="summary" id="summary"><span class="ok">${count("ok")} sources ok</span> · <span class="${failing > 0 ? "failing" : ""}">${failing} failing</span>${pending > 0 ? ` · ${pending} pending` : ""} · ${items} items collected · last collect ${timeElement(lastCollect)}</p>`;
}

function categoryCard(category: CategoryStatus): string {
  return `<section class="card" id="category-${e(category.slug)}">
<h3>${e(category.title)} <small>${e(category.slug)}</small></h3>
<p>${category.items} stories · newest ${timeElement(category.newestItemAt, "none yet")}</p>
<figure>${dailyBars(category.perDay, "stories")}<figcaption>Stories per day, last ${category.perDay.length} days</figcaption></figure>
</section>`;
}

function sourceCard(source: SourceStatus): string {
  const error =
    source.lastError === undefined
      ? ""
      : `<p class="error">${e(source.lastError)}${source.lastErrorAt ? ` (${timeElement(source.lastErrorAt)})` : ""}</p>`;
  const warnings =
    source.warnings.length === 0
      ? ""
      : `<ul class="warnings">${source.warnings.map((w) => `<li>${e(w)}</li>`).join("")}</ul>`;
  return `<section class="card ${source.state}" id="source-${e(source.id)}">
<h3>${e(source.id)} <span class="badge ${source.state}">${e(source.state)}${source.running ? " · running" : ""}</span></h3>
<p class="url"><code>${e(source.url)}</code></p>
<dl>
<dt>kind</dt><dd>${e(source.kind)}</dd>
<dt>schedule</dt><dd><code class="schedule">${e(source.scheduleAsWritten)}</code></dd>
<dt>last run</dt><dd>${timeElement(source.lastRunAt)}</dd>
<dt>last success</dt><dd>${timeElement(source.lastSuccessAt)}</dd>
<dt>next run</dt><dd>${timeElement(source.nextRunAt, "not scheduled")}</dd>
<dt>failures in a row</dt><dd>${source.consecutiveFailures}</dd>
<dt>items collected</dt><dd>${source.itemsCollected}</dd>
</dl>
<figure>${runStrip(source.recentRuns)}<figcaption>Recent runs</figcaption></figure>
${error}${warnings}
</section>`;
}

function configSections(report: StatusReport): string {
  const rejected = report.config.rejected
    ? `<section class="failing"><h2>Rejected config edit (${timeElement(report.config.rejected.at)})</h2><p>The last good config is still in force.</p><ul>${report.config.rejected.problems.map((p) => `<li>${e(p)}</li>`).join("")}</ul></section>`
    : "";
  const warnings =
    report.config.warnings.length > 0
      ? `<h2>Config warnings</h2><ul>${report.config.warnings.map((w) => `<li>${e(w)}</li>`).join("")}</ul>`
      : "";
  const moved = report.config.reclassified;
  const reclassified = moved
    ? `<h2>Last reclassification (${timeElement(moved.at)}, ${e(moved.reason)})</h2><p>${moved.changed} of ${moved.examined} stored items changed categories.</p>${
        moved.moves.length > 0
          ? `<table><thead><tr><th>category</th><th>entered</th><th>left</th></tr></thead><tbody>${moved.moves.map((m) => `<tr><td>${e(m.slug)}</td><td>${m.entered}</td><td>${m.left}</td></tr>`).join("")}</tbody></table>`
          : ""
      }`
    : "";
  return `${rejected}${warnings}${reclassified}`;
}

const STYLE = [
  "body{font-family:system-ui,sans-serif;max-width:72rem;margin:0 auto;padding:1rem;line-height:1.45;color:#222}",
  "body,code,li,p{overflow-wrap:anywhere}",
  ".summary{font-size:1.15rem;font-weight:600}.meta{color:#555;font-size:.9rem}",
  ".ok{color:#1a7f37}.failing,.failing h2{color:#b42318}",
  ".cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(min(100%,21rem),1fr));gap:1rem}",
  ".card{border:1px solid #ddd;border-radius:.5rem;padding:.75rem;min-width:0}.card h3{margin:0 0 .25rem}",
  ".card.failing{border-color:#b42318}.card small{color:#555;font-weight:normal}",
  ".badge{font-size:.8rem;border-radius:1rem;padding:0 .5rem;background:#eee;color:#333;white-space:nowrap}",
  ".badge.ok{background:#dafbe1}.badge.failing{background:#ffebe9}",
  "dl{display:grid;grid-template-columns:auto 1fr;gap:0 .75rem;margin:.5rem 0}dt{color:#555}dd{margin:0}",
  "figure{margin:.5rem 0}figcaption{font-size:.8rem;color:#555}",
  ".chart{display:block;max-width:100%}.chart.days{width:100%;height:3rem}",
  ".bar{fill:#2f6feb}.zero{fill:#ccc}.run.ok{fill:#1a7f37}.run.not-modified{fill:#999}.run.failed{fill:#b42318}",
  ".swatch{display:inline-block;width:.7rem;height:.7rem;border-radius:2px}",
  ".swatch.ok{background:#1a7f37}.swatch.not-modified{background:#999}.swatch.failed{background:#b42318}",
  ".error{color:#b42318;white-space:pre-wrap}.warnings{font-size:.85rem;color:#7a4d00}",
  "table{border-collapse:collapse}td,th{padding:.3rem .6rem;border-bottom:1px solid #ddd;text-align:left}",
].join("");
