import type { Source } from "../model/index.js";

/** RSS `<ttl>` minutes: the shortest fixed interval among enabled sources (cron ones count as 15m). */
export function ttlMinutes(sources: readonly Source[]): number | undefined {
  const intervals = sources
    .filter((source) => source.enabled)
    .map((source) => ("every" in source.schedule ? source.schedule.every : 15 * 60_000));
  if (intervals.length === 0) return undefined;
  return Math.max(1, Math.round(Math.min(...intervals) / 60_000));
}
