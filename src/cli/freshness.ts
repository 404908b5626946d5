import type { Clock, Source } from "../model/index.js";
import type { SourceSchedule } from "../worker/worker.js";

export interface FreshnessBounds {
  readonly minSeconds: number;
  readonly maxSeconds: number;
}

export const DEFAULT_FRESHNESS: FreshnessBounds = { minSeconds: 30, maxSeconds: 900 };

/**
 * `Cache-Control: max-age`: until the next source is due to run (nothing can change before),
 * bounded so a long schedule does not pin stale copies in caches and a due-now source does not
 * defeat caching entirely.
 */
export function maxAgeSeconds(schedules: readonly SourceSchedule[], clock: Clock, bounds: FreshnessBounds): number {
  const now = clock();
  const nextRuns = schedules.map((s) => s.nextRunAt).filter((at): at is number => at !== undefined && at > now);
  const untilNext = nextRuns.length > 0 ? Math.ceil((Math.min(...nextRuns) - now) / 1000) : bounds.maxSeconds;
  return Math.min(bounds.maxSeconds, Math.max(bounds.minSeconds, untilNext));
}

/** RSS `<ttl>` minutes: the shortest fixed interval among enabled sources (cron ones count as 15m). */
export function ttlMinutes(sources: readonly Source[]): number | undefined {
  const intervals = sources
    .filter((source) => source.enabled)
    .map((source) => ("every" in source.schedule ? source.schedule.every : 15 * 60_000));
  if (intervals.length === 0) return undefined;
  return Math.max(1, Math.round(Math.min(...intervals) / 60_000));
}
