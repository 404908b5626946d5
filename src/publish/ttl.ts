import type { Source } from "../model/index.js";

const CRON_COUNTS_AS_MS = 15 * 60_000;

/** RSS `<ttl>` minutes: the shortest fixed interval among enabled sources (cron ones count as 15m). */
export function ttlMinutes(sources: readonly Source[]): number | undefined {
  // A loop, not Math.min(...list): one argument per source (10,000 in bench/scale).
  let shortest = Infinity;
  for (const source of sources) {
    if (!source.enabled) continue;
    const interval = "every" in source.schedule ? source.schedule.every : CRON_COUNTS_AS_MS;
    if (interval < shortest) shortest = interval;
  }
  return shortest === Infinity ? undefined : Math.max(1, Math.round(shortest / 60_000));
}

/**
 * `ttlMinutes` remembered for the last sources list seen (a loaded config's is frozen and replaced
 * whole on reload): the feed service asks at every render, and over 10,000 sources that was 9 ms of
 * the serving thread each time (bench/scale, issue 12 §2).
 */
export function createTtlMinutes(): (sources: readonly Source[]) => number | undefined {
  let seen: readonly Source[] | undefined;
  let answer: number | undefined;
  return (sources) => {
    if (sources !== seen) {
      seen = sources;
      answer = ttlMinutes(sources);
    }
    return answer;
  };
}
