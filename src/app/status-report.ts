import { formatProblem } from "../config/config.js";
import type { CategoryStatus, StatusReport, SourceStatus } from "../http/status.js";
import type { ProcessInfo } from "./cluster/messages.js";
import { formatDuration } from "../config/duration.js";
import { DAY_MS } from "../store/rows/run-history.js";
import type { CategoryDayCount } from "../store/store.js";
import type { EpochMs, Schedule, Source, SourceState } from "../model/index.js";
import { redactUrl, redactUrlsIn } from "../net/redact-url.js";
import { nextRunAt } from "../worker/next-run.js";
import type { SourceSchedule } from "../worker/worker.js";
import { TZ_DATA_VERSION } from "../zones/zone-clock.js";
import type { Runtime } from "./runtime.js";

/** The processes of a `serve` with several (service.ts passes the cluster's roster). */
export interface ProcessesView {
  readonly answeredBy: number;
  readonly processes: readonly ProcessInfo[];
}

/** Gathers what ops need to see on /status from the config, the store and the worker. */
export async function buildStatusReport(
  runtime: Runtime,
  leader: boolean,
  processes?: ProcessesView,
): Promise<StatusReport> {
  const state = runtime.configState();
  const now = runtime.clock();
  const firstDay = utcDay(now) - (CHART_DAYS - 1) * DAY_MS;
  const [sourceStates, categoryStats, recentRuns, perDay] = await Promise.all([
    runtime.store.listSourceStates(),
    runtime.store.categoryStats(),
    runtime.store.recentRuns(),
    runtime.store.itemsPerDay(firstDay),
  ]);
  const runsById = groupBy(recentRuns, (run) => run.sourceId);
  const daysBySlug = groupBy(perDay, (count) => count.slug);
  const statesById = new Map(sourceStates.map((s) => [s.sourceId, s]));
  const schedulesById = new Map(runtime.worker.schedules().map((s) => [s.sourceId, s]));
  const statsBySlug = new Map(categoryStats.map((s) => [s.slug, s]));
  return {
    generatedAt: iso(now) ?? "",
    worker: { leader },
    ...(processes && {
      processes: {
        answeredBy: processes.answeredBy,
        list: processes.processes.map((info) => ({
          pid: info.pid,
          role: info.role,
          startedAt: iso(info.startedAt) ?? "",
          restarts: info.restarts,
          ...(info.rssBytes !== undefined && { rssBytes: info.rssBytes }),
        })),
      },
    }),
    timeZoneData: { version: TZ_DATA_VERSION },
    config: {
      loadedAt: iso(state.loadedAt),
      sources: state.config.sources.length,
      categories: state.config.categories.length,
      warnings: state.warnings.map((problem) => redactUrlsIn(formatProblem(problem))),
      ...(state.rejected
        ? {
            rejected: {
              at: iso(state.rejected.at) ?? "",
              problems: state.rejected.problems.map((problem) => redactUrlsIn(formatProblem(problem))),
            },
          }
        : {}),
      ...(state.reclassified ? { reclassified: { ...state.reclassified, at: iso(state.reclassified.at) ?? "" } } : {}),
    },
    sources: state.config.sources.map((source) => ({
      ...sourceStatus(source, statesById.get(source.id), schedulesById.get(source.id), now),
      recentRuns: (runsById.get(source.id) ?? []).map((run) => ({
        finishedAt: iso(run.finishedAt) ?? "",
        outcome: run.outcome,
        inserted: run.inserted,
        updated: run.updated,
      })),
    })),
    categories: state.config.categories.map((category) => {
      const stats = statsBySlug.get(category.slug);
      return {
        slug: category.slug,
        title: category.title,
        items: stats?.count ?? 0,
        newestItemAt: iso(stats?.newest),
        perDay: dailySeries(daysBySlug.get(category.slug) ?? [], firstDay),
      };
    }),
  };
}

/** How far ahead a replica looks for a source's next run (a weekly cron is the sparsest we expect). */
const NEXT_RUN_HORIZON_MS = 8 * 24 * 60 * 60 * 1000;

/** How many days the per-category chart on /status covers, today included. */
const CHART_DAYS = 14;

function utcDay(at: EpochMs): EpochMs {
  return Math.floor(at / DAY_MS) * DAY_MS;
}

/** Every day of the chart, oldest first: a day the store has no row for had no stories. */
function dailySeries(counts: readonly CategoryDayCount[], firstDay: EpochMs): CategoryStatus["perDay"] {
  const byDay = new Map(counts.map((count) => [count.day, count.count]));
  return Array.from({ length: CHART_DAYS }, (_, index) => {
    const day = firstDay + index * DAY_MS;
    return { day: new Date(day).toISOString().slice(0, 10), count: byDay.get(day) ?? 0 };
  });
}

function groupBy<T>(values: readonly T[], key: (value: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const value of values) groups.set(key(value), [...(groups.get(key(value)) ?? []), value]);
  return groups;
}

function sourceStatus(
  source: Source,
  state: SourceState | undefined,
  schedule: SourceSchedule | undefined,
  now: EpochMs,
): Omit<SourceStatus, "recentRuns"> {
  // An instance that does not run the worker has no schedule of its own: it computes the
  // leader's from the config and the stored state (next-run.ts), so every replica shows the same.
  const nextRun = schedule?.nextRunAt ?? nextRunAt(source, state, now, now + NEXT_RUN_HORIZON_MS);
  return {
    id: source.id,
    kind: source.kind,
    // /status is public: credentials in a source URL stay in the config (redact-url.ts); rows stored
    // before redaction existed are masked here too.
    url: redactUrl(source.url),
    schedule: describeSchedule(source.schedule),
    scheduleAsWritten: "cron" in source.schedule ? source.schedule.cron : formatDuration(source.schedule.every),
    enabled: source.enabled,
    state: !source.enabled
      ? "disabled"
      : !state?.lastRunAt
        ? "pending"
        : state.consecutiveFailures > 0
          ? "failing"
          : "ok",
    running: schedule?.running ?? false,
    lastRunAt: iso(state?.lastRunAt),
    lastSuccessAt: iso(state?.lastSuccessAt),
    lastError: state?.consecutiveFailures && state.lastError !== undefined ? redactUrlsIn(state.lastError) : undefined,
    lastErrorAt: iso(state?.lastErrorAt),
    consecutiveFailures: state?.consecutiveFailures ?? 0,
    nextRunAt: iso(Math.max(nextRun ?? 0, state?.nextAttemptAt ?? 0) || undefined),
    itemsCollected: state?.itemsCollected ?? 0,
    warnings: (state?.warnings ?? []).map(redactUrlsIn),
  };
}

function describeSchedule(schedule: Schedule): string {
  return "cron" in schedule ? `cron ${schedule.cron}` : `every ${Math.round(schedule.every / 1000)}s`;
}

function iso(at: EpochMs | undefined): string | undefined {
  return at === undefined ? undefined : new Date(at).toISOString();
}
